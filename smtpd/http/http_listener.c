/*
 * http_listener.c - the daemon's one HTTP listener: evhttp on the main
 * loop, its bounds (body, headers, idle time, connections, a token bucket
 * for the request rate) and the routes by path prefix; 404 elsewhere.
 *
 * evhttp's timeout restarts with every byte read, so a client trickling a
 * request would keep its connection for ever: each connection is tracked
 * from accept and shut down when a whole request takes longer than timeout.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/event.h>

#include "smtpd/http/http_listener.h"
#include "sms/lib/log.h"

struct route {
	const char	*prefix;
	http_route_fn	 fn;
	void		*arg;
};

/* a connection from accept: a reference of ours keeps its bufferevent */
struct conn {
	struct bufferevent	*bev;
	struct timeval		 since;	/* accepted, or its last request */
	int			 over;	/* beyond max_connections: 503 */
};

struct http_listener {
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*lev;	/* evhttp's */
	struct route		 routes[HTTP_LISTENER_ROUTES_MAX];
	size_t			 nroutes;
	/* every open connection; the ones past max_connections are over */
	struct conn		*conns;
	size_t			 nconns;
	size_t			 max_conns;
	size_t			 cap_conns;	/* accepting pauses when full */
	time_t			 timeout;	/* s: of a whole request */
	struct event		*sweep;
	/* the token bucket of the request rate */
	double			 tokens;
	double			 rate;
	double			 burst;
	struct timeval		 last;
	unsigned long		 refused;	/* since the last log line */
	SSL_CTX			*tls;		/* a reference; NULL: plain HTTP */
};

/* http_reply - see http_listener.h */
void
http_reply(struct evhttp_request *req, int status, const char *text)
{
	struct evbuffer	*body = evbuffer_new();
	const char	*reason = status == 200 ? "OK" : NULL;

	if (body == NULL || evbuffer_add_printf(body, "%s\n", text) == -1 ||
	    evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8") == -1) {
		evbuffer_free(body);
		evhttp_send_error(req, status, NULL);
		return;
	}
	evhttp_send_reply(req, status, reason != NULL ? reason : text, body);
	evbuffer_free(body);
}

/* http_send_ok - see http_listener.h */
void
http_send_ok(struct evhttp_request *req, struct evbuffer *body)
{
	evhttp_send_reply(req, 200, "OK",
	    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? NULL : body);
}

/* http_peer - see http_listener.h */
const char *
http_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection	*evcon;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;

	if ((evcon = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	snprintf(buf, len, "%s:%u", addr != NULL ? addr : "?", port);
	return buf;
}

/* take_token - one request from the bucket, refilled at rate per second */
static int
take_token(struct http_listener *hl)
{
	struct timeval	 now, d;

	event_base_gettimeofday_cached(hl->base, &now);
	timersub(&now, &hl->last, &d);
	hl->last = now;
	if (d.tv_sec >= 0)
		hl->tokens += hl->rate * ((double)d.tv_sec +
		    (double)d.tv_usec / 1e6);
	if (hl->tokens > hl->burst)
		hl->tokens = hl->burst;
	if (hl->tokens < 1.0)
		return -1;
	hl->tokens -= 1.0;
	return 0;
}

/*
 * conns_reap - forget the connections evhttp has freed (it clears their
 * callbacks): dropping our reference closes their sockets
 */
static void
conns_reap(struct http_listener *hl)
{
	bufferevent_event_cb	 eventcb;
	size_t			 i = 0;

	while (i < hl->nconns) {
		bufferevent_getcb(hl->conns[i].bev, NULL, NULL, &eventcb, NULL);
		if (eventcb != NULL) {
			i++;
			continue;
		}
		bufferevent_decref(hl->conns[i].bev);
		hl->conns[i] = hl->conns[--hl->nconns];
	}
}

/*
 * conns_sweep - every second: a request not whole within timeout of its
 * connection's accept (or last request) has its socket shut down, which
 * evhttp reads as the end; accepting resumes when there is room again
 */
static void
conns_sweep(evutil_socket_t fd, short ev, void *arg)
{
	struct http_listener	*hl = arg;
	struct timeval		 now, d;
	evutil_socket_t		 s;
	size_t			 i;

	(void)fd;
	(void)ev;
	conns_reap(hl);
	event_base_gettimeofday_cached(hl->base, &now);
	for (i = 0; i < hl->nconns; i++) {
		timersub(&now, &hl->conns[i].since, &d);
		if (d.tv_sec < hl->timeout)
			continue;
		if ((s = bufferevent_getfd(hl->conns[i].bev)) != -1)
			(void)shutdown(s, SHUT_RDWR);
	}
	if (hl->lev != NULL && hl->nconns < hl->cap_conns)
		evconnlistener_enable(hl->lev);
}

/* conn_of - the tracked connection of req, NULL if none */
static struct conn *
conn_of(struct http_listener *hl, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	size_t				 i;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return NULL;
	for (i = 0; i < hl->nconns; i++)
		if (hl->conns[i].bev == bev)
			return &hl->conns[i];
	return NULL;
}

/*
 * conn_admit - a whole request came: its connection's clock starts anew
 * for the next one; -1 if it came beyond max_connections
 */
static int
conn_admit(struct http_listener *hl, struct evhttp_request *req)
{
	struct conn	*c;

	if ((c = conn_of(hl, req)) == NULL || c->over)
		return -1;
	event_base_gettimeofday_cached(hl->base, &c->since);
	return 0;
}

/* refuse - 429 or 503 with a pause to wait, the connection closed after */
static void
refuse(struct http_listener *hl, struct evhttp_request *req, int status,
    const char *text)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	/* one log line per burst of refusals, not one per request */
	if (hl->refused++ == 0)
		log_warnx("http: refusing requests (%s)", text);
	if (evhttp_add_header(h, "Retry-After", "1") == -1 ||
	    evhttp_add_header(h, "Connection", "close") == -1) {
		evhttp_send_error(req, status, NULL);
		return;
	}
	http_reply(req, status, text);
}

/* dispatch - every request: bounds first, then the route of its path */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct http_listener	*hl = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri != NULL ? evhttp_uri_get_path(uri) :
	    NULL;
	size_t			 i, n;

	if (take_token(hl) == -1) {
		refuse(hl, req, 429, "Too Many Requests");
		return;
	}
	if (conn_admit(hl, req) == -1) {
		refuse(hl, req, 503, "Service Unavailable");
		return;
	}
	if (hl->refused > 0) {
		log_info("http: %lu request%s refused", hl->refused,
		    hl->refused == 1 ? "" : "s");
		hl->refused = 0;
	}
	for (i = 0; path != NULL && i < hl->nroutes; i++) {
		n = strlen(hl->routes[i].prefix);
		if (strncmp(path, hl->routes[i].prefix, n) == 0) {
			hl->routes[i].fn(req, path + n, hl->routes[i].arg);
			return;
		}
	}
	http_reply(req, 404, "Not Found");
}

/* tls_bev - a TLS bufferevent, the handshake part of the request's time */
static struct bufferevent *
tls_bev(struct http_listener *hl)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(hl->tls)) == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(hl->base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/*
 * conn_bev - evhttp's bufferevent for a new connection, tracked from now
 * on; accepting pauses while the table is full. NULL (evhttp makes a
 * plain one) cannot happen for a full table: the listener is off then.
 */
static struct bufferevent *
conn_bev(struct event_base *base, void *arg)
{
	struct http_listener	*hl = arg;
	struct bufferevent	*bev;
	struct conn		*c;

	(void)base;
	conns_reap(hl);
	if (hl->nconns == hl->cap_conns)
		return NULL;
	bev = hl->tls != NULL ? tls_bev(hl) : bufferevent_socket_new(hl->base,
	    -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_incref(bev);
	c = &hl->conns[hl->nconns];
	c->bev = bev;
	c->over = hl->nconns >= hl->max_conns;
	event_base_gettimeofday_cached(hl->base, &c->since);
	if (++hl->nconns == hl->cap_conns && hl->lev != NULL)
		evconnlistener_disable(hl->lev);
	return bev;
}

/* http_listener_set_tls - see http_listener.h; a reference of ours */
void
http_listener_set_tls(struct http_listener *hl, SSL_CTX *ctx)
{
	if (hl->tls == NULL || ctx == NULL || SSL_CTX_up_ref(ctx) != 1)
		return;
	SSL_CTX_free(hl->tls);
	hl->tls = ctx;
}

/* bind_listener - a listening socket on the configured address */
static int
bind_listener(struct http_listener *hl, const struct conf *c, char *err,
    size_t errlen)
{
	struct evconnlistener	*lev;

	lev = evconnlistener_new_bind(hl->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (const struct sockaddr *)&c->http.ss, (int)c->http.sslen);
	if (lev == NULL) {
		snprintf(err, errlen, "http: cannot listen on %s: %s",
		    c->http.listen, strerror(errno));
		return -1;
	}
	if (evhttp_bind_listener(hl->http, lev) == NULL) {
		evconnlistener_free(lev);
		snprintf(err, errlen, "http: cannot serve on %s",
		    c->http.listen);
		return -1;
	}
	hl->lev = lev;
	return 0;
}

/* http_listener_new - see http_listener.h */
struct http_listener *
http_listener_new(struct event_base *base, const struct conf *c,
    SSL_CTX *ctx, char *err, size_t errlen)
{
	struct http_listener	*hl;

	/* twice the bound: the ones over it are told 503, then accept waits */
	if ((hl = calloc(1, sizeof(*hl))) == NULL ||
	    (hl->conns = calloc(2 * (size_t)c->http.max_connections,
	    sizeof(*hl->conns))) == NULL ||
	    (hl->http = evhttp_new(base)) == NULL ||
	    (hl->sweep = event_new(base, -1, EV_PERSIST, conns_sweep,
	    hl)) == NULL) {
		snprintf(err, errlen, "http: out of memory");
		http_listener_free(hl);
		return NULL;
	}
	hl->base = base;
	hl->max_conns = c->http.max_connections;
	hl->cap_conns = 2 * hl->max_conns;
	hl->timeout = (time_t)c->http.timeout;
	hl->rate = c->http.rate;
	hl->burst = hl->tokens = c->http.burst;
	event_base_gettimeofday_cached(base, &hl->last);
	evhttp_set_max_body_size(hl->http, (ev_ssize_t)c->http.max_body);
	evhttp_set_max_headers_size(hl->http, HTTP_LISTENER_HEADERS_MAX);
	evhttp_set_timeout(hl->http, (int)c->http.timeout);
	/* a body over the bound is read and answered 413, not cut off */
	evhttp_set_flags(hl->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_allowed_methods(hl->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(hl->http, dispatch, hl);
	if (c->http.tls) {
		if (ctx == NULL || SSL_CTX_up_ref(ctx) != 1) {
			snprintf(err, errlen, "http: tls needs tls.certificate");
			http_listener_free(hl);
			return NULL;
		}
		hl->tls = ctx;
	}
	evhttp_set_bevcb(hl->http, conn_bev, hl);
	if (bind_listener(hl, c, err, errlen) == -1) {
		http_listener_free(hl);
		return NULL;
	}
	event_add(hl->sweep, &(struct timeval){ .tv_sec = 1 });
	log_info("http: listening on %s%s", c->http.listen,
	    hl->tls != NULL ? " tls" : "");
	return hl;
}

/* http_listener_route - see http_listener.h */
int
http_listener_route(struct http_listener *hl, const char *prefix,
    http_route_fn fn, void *arg)
{
	if (hl->nroutes == HTTP_LISTENER_ROUTES_MAX)
		return -1;
	hl->routes[hl->nroutes].prefix = prefix;
	hl->routes[hl->nroutes].fn = fn;
	hl->routes[hl->nroutes].arg = arg;
	hl->nroutes++;
	return 0;
}

/* http_listener_free - see http_listener.h; connections first */
void
http_listener_free(struct http_listener *hl)
{
	if (hl == NULL)
		return;
	if (hl->sweep != NULL)
		event_free(hl->sweep);
	if (hl->http != NULL)
		evhttp_free(hl->http);
	while (hl->nconns > 0)
		bufferevent_decref(hl->conns[--hl->nconns].bev);
	SSL_CTX_free(hl->tls);
	free(hl->conns);
	free(hl);
}
