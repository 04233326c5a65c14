/*
 * server.h - the daemon as the parts see it: the loop, the configuration
 * in force, the queue, TLS and AUTH, the limits, the listeners, shutdown.
 */
#ifndef SMSRELAY_SERVER_H
#define SMSRELAY_SERVER_H

#include <stddef.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "conf/conf.h"

struct auth_checker;
struct dedup_journal;
struct client_count;
struct limiter;
struct listener;
struct queue;
struct ratelimit;
struct shared_state;
struct optout;

struct server {
	struct event_base	*base;
	const struct conf	*conf;
	struct queue		*queue;
	SSL_CTX			*tls_ctx;	/* NULL: no TLS configured */
	struct auth_checker	*auth;		/* NULL: no users file */
	struct ratelimit	*limits;
	struct limiter		*limiter;	/* rate limit checks: limits' by default */
	struct listener		*listeners;
	size_t			 nlisteners;
	unsigned		 nsessions;
	unsigned		 fd_sessions;	/* sessions the file handles allow */
	struct client_count	**clients;	/* hash of per-address counts */
	size_t			 nbuckets;
	int			 stopping;
	struct shared_state	*state;		/* duplicate keys, opt-outs */
	struct dedup_journal	*dedup_journal;	/* the keys kept over a restart */
	struct optout		*optout;	/* the numbers never texted */
};

#endif
