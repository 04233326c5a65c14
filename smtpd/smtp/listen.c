/*
 * listen.c - the listening sockets (evconnlistener) and the bookkeeping of
 * sessions per client address that the connection limits need.
 */
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/smtp/listen.h"
#include "sms/lib/log.h"
#include "smtpd/smtp/session.h"

#define CLIENT_BUCKETS	1024

struct client_count {
	struct client_count	*next;
	int			 family;
	unsigned char		 addr[16];
	unsigned		 count;
};

/* client_key - the address bytes that identify a client */
static size_t
client_key(const struct sockaddr *sa, int *family, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa->sa_family == AF_INET) {
		*family = AF_INET;
		memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		*family = AF_INET6;
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 16;
	}
	*family = sa->sa_family;
	return 0;
}

static size_t
client_hash(const unsigned char *k, size_t n)
{
	size_t	 h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h % CLIENT_BUCKETS;
}

/* client_enter - see listen.h; the count goes up even when refused */
int
client_enter(struct server *srv, const struct sockaddr *sa)
{
	struct client_count *c;
	unsigned char	 key[16];
	int		 family;
	size_t		 n = client_key(sa, &family, key), h;

	if (srv->clients == NULL &&
	    (srv->clients = calloc(CLIENT_BUCKETS, sizeof(*srv->clients))) == NULL)
		return -1;
	h = client_hash(key, n);
	for (c = srv->clients[h]; c != NULL; c = c->next)
		if (c->family == family && memcmp(c->addr, key, 16) == 0)
			break;
	if (c == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return -1;
		c->family = family;
		memcpy(c->addr, key, 16);
		c->next = srv->clients[h];
		srv->clients[h] = c;
	}
	c->count++;
	return c->count > srv->conf->smtp.max_sessions_per_client ? -1 : 0;
}

/* client_leave - one session of this address ended */
void
client_leave(struct server *srv, const struct sockaddr *sa)
{
	struct client_count **pp, *c;
	unsigned char	 key[16];
	int		 family;
	size_t		 n = client_key(sa, &family, key);

	if (srv->clients == NULL)
		return;
	for (pp = &srv->clients[client_hash(key, n)]; (c = *pp) != NULL;
	    pp = &c->next) {
		if (c->family != family || memcmp(c->addr, key, 16) != 0)
			continue;
		if (--c->count == 0) {
			*pp = c->next;
			free(c);
		}
		return;
	}
}

/* accept_cb - a new connection: a session takes it over */
static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct listener *lst = arg;

	(void)l;
	accept_backoff_ok(&lst->backoff);
	session_start(lst, fd, sa, (socklen_t)salen);
}

/* listener_log - "127.0.0.1:587 tls=starttls auth=required" */
static void
listener_log(const struct listener *l)
{
	log_info("smtp listening on %s tls=%s%s auth=%s%s", l->address,
	    conf_listen_tls_name(l->tls), l->starttls == STARTTLS_REQUIRED ?
	    " starttls=required" : "", conf_listen_auth_name(l->auth),
	    l->proxy ? " proxy=v2" : "");
}

/* accept_error_cb - EMFILE and friends: pause, do not spin */
static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct listener *lst = arg;

	(void)l;
	accept_backoff_error(&lst->backoff);
}

/* server_listen - see listen.h */
int
server_listen(struct server *srv, char *err, size_t errlen)
{
	const struct conf *c = srv->conf;
	const struct listen_conf *lc;
	struct listener	*l;
	size_t		 i;

	srv->listeners = calloc(c->nlisten ? c->nlisten : 1, sizeof(*srv->listeners));
	if (srv->listeners == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < c->nlisten; i++) {
		lc = &c->listen[i];
		l = &srv->listeners[i];
		*l = (struct listener){ .srv = srv, .tls = lc->tls,
		    .starttls = lc->starttls, .auth = lc->auth,
		    .proxy = lc->proxy, .proxy_from = lc->proxy_from,
		    .nproxy_from = lc->nproxy_from };
		snprintf(l->address, sizeof(l->address), "%s", lc->address);
		snprintf(l->name, sizeof(l->name), "smtp %s", l->address);
		l->ev = evconnlistener_new_bind(srv->base, accept_cb, l,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_CLOSE_ON_EXEC, 1024,
		    (const struct sockaddr *)&lc->ss, (int)lc->sslen);
		if (l->ev == NULL) {
			snprintf(err, errlen, "cannot listen on %s: %s",
			    lc->address, strerror(errno));
			return -1;
		}
		evconnlistener_set_error_cb(l->ev, accept_error_cb);
		if (accept_backoff_init(&l->backoff, srv->base, l->ev,
		    l->name) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		srv->nlisteners++;
		listener_log(l);
	}
	return 0;
}

/* server_stop_listening - no new connections (shutdown) */
void
server_stop_listening(struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i].ev != NULL) {
			accept_backoff_free(&srv->listeners[i].backoff);
			evconnlistener_free(srv->listeners[i].ev);
			srv->listeners[i].ev = NULL;
		}
}

/* server_free - listeners and the client table */
void
server_free(struct server *srv)
{
	struct client_count *c, *n;
	size_t i;

	server_stop_listening(srv);
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
	if (srv->clients != NULL) {
		for (i = 0; i < CLIENT_BUCKETS; i++)
			for (c = srv->clients[i]; c != NULL; c = n) {
				n = c->next;
				free(c);
			}
		free(srv->clients);
		srv->clients = NULL;
	}
}
