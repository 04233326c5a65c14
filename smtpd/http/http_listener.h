/*
 * http_listener.h - the daemon's one HTTP listener (evhttp on the loop):
 * bounded bodies, headers, connections, idle time and request rate.
 */
#ifndef SMSRELAY_HTTP_LISTENER_H
#define SMSRELAY_HTTP_LISTENER_H

#include <stddef.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "conf/conf.h"

#define HTTP_LISTENER_HEADERS_MAX	(8 * 1024)	/* bytes of headers */
#define HTTP_LISTENER_ROUTES_MAX	8

struct http_listener;

/*
 * A route's handler: rest is the path after the route's prefix (no
 * query); it must answer req, with http_reply or evhttp itself.
 */
typedef void	(*http_route_fn)(struct evhttp_request *, const char *rest,
		    void *arg);

/*
 * http_listener_new - bind conf->http.listen on base (before privileges
 * are dropped), TLS with ctx when http.tls says so; NULL with the reason in
 * err. Until routes are added every path is 404.
 */
struct http_listener *http_listener_new(struct event_base *,
		    const struct conf *, SSL_CTX *ctx, char *err, size_t errlen);
/* http_listener_set_tls - new connections use ctx (a reload's certificate) */
void		 http_listener_set_tls(struct http_listener *, SSL_CTX *ctx);
/* http_listener_route - paths starting with prefix go to fn; -1 if full */
int		 http_listener_route(struct http_listener *, const char *prefix,
		    http_route_fn, void *arg);
/* http_listener_free - close the socket and every connection */
void		 http_listener_free(struct http_listener *);

/*
 * http_reply - status with text and a newline as a text/plain body; when
 * memory runs out, the status alone
 */
void		 http_reply(struct evhttp_request *, int status, const char *text);
/*
 * http_send_ok - 200 with body (its headers set by the caller); to HEAD
 * the headers alone, which evhttp leaves to its caller
 */
void		 http_send_ok(struct evhttp_request *, struct evbuffer *body);
/* http_peer - "address:port" of the client, for logs */
const char	*http_peer(struct evhttp_request *, char *buf, size_t len);

#endif
