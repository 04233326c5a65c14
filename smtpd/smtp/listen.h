/*
 * listen.h - the listening sockets, and the session count overall and per
 * client address that the connection limits need.
 */
#ifndef SMSRELAY_LISTEN_H
#define SMSRELAY_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conf/conf.h"
#include "smtpd/server.h"
#include "smtpd/smtp/accept_backoff.h"

struct client_count;

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


/* server_listen - bind every conf->listen address; err names the failing one */
int	 server_listen(struct server *, char *err, size_t errlen);
void	 server_stop_listening(struct server *);
void	 server_free(struct server *);

/* client_enter - count a session of this address; -1 over the per-client limit */
int	 client_enter(struct server *, const struct sockaddr *);
void	 client_leave(struct server *, const struct sockaddr *);

#endif
