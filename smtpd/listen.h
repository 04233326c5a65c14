/*
 * listen.h - the server as a whole: listening sockets, the session count
 * overall and per client address, and what sessions share (conf, queue).
 */
#ifndef SMSRELAY_LISTEN_H
#define SMSRELAY_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conf/conf.h"
#include "smtpd/accept_backoff.h"
#include "smtpd/queue.h"

#include <openssl/ssl.h>

struct client_count;
struct auth_checker;
struct ratelimit;
struct server;

/* one listening socket and what its sessions offer (fixed until restart) */
struct listener {
	struct server		*srv;
	struct evconnlistener	*ev;
	struct accept_backoff	 backoff;	/* out of file handles */
	char			 address[64];
	char			 name[72];	/* "smtp ADDRESS" for the log */
	enum listen_tls		 tls;
	enum starttls_mode	 starttls;
	enum listen_auth	 auth;
	bool			 proxy;
	const struct cidr	*proxy_from;	/* in the boot configuration */
	size_t			 nproxy_from;
};

struct server {
	struct event_base	*base;
	const struct conf	*conf;
	struct queue		*queue;
	SSL_CTX			*tls_ctx;	/* NULL: no TLS configured */
	struct auth_checker	*auth;		/* NULL: no users file */
	struct ratelimit	*limits;
	struct listener		*listeners;
	size_t			 nlisteners;
	unsigned		 nsessions;
	unsigned		 fd_sessions;	/* sessions the file handles allow */
	struct client_count	**clients;	/* hash of per-address counts */
	size_t			 nbuckets;
	int			 stopping;
};

/* server_listen - bind every conf->listen address; err names the failing one */
int	 server_listen(struct server *, char *err, size_t errlen);
void	 server_stop_listening(struct server *);
void	 server_free(struct server *);

/* client_enter - count a session of this address; -1 over the per-client limit */
int	 client_enter(struct server *, const struct sockaddr *);
void	 client_leave(struct server *, const struct sockaddr *);

#endif
