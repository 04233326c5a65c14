/*
 * report_route.c - a provider's delivery report callback: the backend its
 * path names, the profile's check of who sent it (403 and a log line if
 * it fails, nothing changed), its reports handed to the queue; an id the
 * queue does not know is logged and answered 200 so the provider stops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "smtpd/http/report_route.h"
#include "sms/lib/log.h"
#include "sms/transport/callback/callback.h"

#define NAME_MAX_LEN	64	/* backend names are at most 32 */
#define TOKEN_MAX_LEN	256
#define URL_MAX_LEN	4096

struct report_route {
	struct queue		*queue;
	const struct conf	*conf;
};

/* segment_ok - a path segment of unreserved characters only */
static int
segment_ok(const char *s, size_t n)
{
	return n > 0 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~") >= n;
}

/* split_path - "name" or "name/token" into its parts; -1 if neither */
static int
split_path(const char *rest, char *name, char *token)
{
	const char	*slash = strchr(rest, '/');
	size_t		 n = slash != NULL ? (size_t)(slash - rest) :
	    strlen(rest);

	if (n >= NAME_MAX_LEN || !segment_ok(rest, n))
		return -1;
	memcpy(name, rest, n);
	name[n] = '\0';
	token[0] = '\0';
	if (slash == NULL)
		return 0;
	n = strlen(slash + 1);
	if (n >= TOKEN_MAX_LEN || !segment_ok(slash + 1, n))
		return -1;
	memcpy(token, slash + 1, n + 1);
	return 0;
}

/* find_backend - the http backend of that name, NULL if none */
static const struct backend_conf *
find_backend(const struct conf *c, const char *name)
{
	const struct backend_conf	*b;
	size_t				 i;

	for (i = 0; i < conf_backend_count(c); i++) {
		b = conf_backend_at(c, i);
		if (strcmp(b->name, name) == 0)
			return b->type == BACKEND_HTTP ? b : NULL;
	}
	return NULL;
}

/*
 * called_url - the URL the provider signed: public_url (else the Host it
 * called) with our path and the query; what callback_url gave it
 */
static int
called_url(const struct conf *c, struct evhttp_request *req,
    const char *name, const char *token, char *url, size_t len)
{
	const char	*base = c->http.public_url;
	const char	*host = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Host");
	const char	*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req));
	size_t		 n;
	int		 w;

	if (base == NULL && host == NULL)
		return -1;
	n = base != NULL ? strlen(base) : 0;
	while (n > 0 && base[n - 1] == '/')
		n--;
	w = snprintf(url, len, "%s%.*s%s%s%s%s%s%s",
	    base != NULL ? "" : "http://",
	    base != NULL ? (int)n : (int)strlen(host), base != NULL ? base : host,
	    REPORT_PREFIX, name, *token != '\0' ? "/" : "", token,
	    query != NULL ? "?" : "", query != NULL ? query : "");
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* method_name - GET or POST, NULL for the others */
static const char *
method_name(struct evhttp_request *req)
{
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	default:
		return NULL;
	}
}

/* collect_headers - the request's headers as name/value pairs; -1: too many */
static int
collect_headers(struct evhttp_request *req, struct callback_header *h,
    size_t *n)
{
	struct evkeyval	*kv;

	*n = 0;
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		if (*n == REPORT_HEADERS_MAX)
			return -1;
		h[*n].name = kv->key;
		h[(*n)++].value = kv->value;
	}
	return 0;
}

/*
 * hand_over - one report to the queue by the provider's id, else by our
 * reference; an id it does not know is logged (the answer stays 200)
 */
static void
hand_over(struct report_route *rr, const char *backend,
    const struct callback_report *r)
{
	if (queue_report(rr->queue, r->id, r->state, r->when, r->raw) == 0)
		return;
	if (errno == ENOENT && r->ref[0] != '\0' && strcmp(r->ref, r->id) != 0 &&
	    queue_report(rr->queue, r->ref, r->state, r->when, r->raw) == 0)
		return;
	log_info("http: report for unknown id=%s ref=%s backend=%s state=%s",
	    r->id, r->ref[0] != '\0' ? r->ref : "-", backend,
	    sms_report_name(r->state));
}

/* handle - verify, parse and hand over the reports of one request */
static void
handle(struct report_route *rr, struct evhttp_request *req,
    const struct backend_conf *b, struct callback_request *cr)
{
	const struct callback_profile	*p;
	struct callback_keys		 keys;
	struct callback_report		 reports[CALLBACK_REPORTS_MAX];
	const char			*why;
	char				 peer[80];
	int				 n, i;

	p = callback_profile_find(b->http.profile);
	callback_keys_of(b, &keys);
	if (p == NULL || (p->needs_secret && keys.secret == NULL)) {
		log_warnx("http: report for backend=%s from %s refused: no "
		    "callback_secret configured", b->name,
		    http_peer(req, peer, sizeof(peer)));
		http_reply(req, 403, "Forbidden");
		return;
	}
	if (p->verify(cr, &keys, &why) == -1) {
		log_warnx("http: report for backend=%s from %s refused: %s",
		    b->name, http_peer(req, peer, sizeof(peer)), why);
		http_reply(req, 403, "Forbidden");
		return;
	}
	if ((n = p->parse(cr, reports, CALLBACK_REPORTS_MAX, &why)) == -1) {
		log_warnx("http: report for backend=%s from %s not understood: "
		    "%s", b->name, http_peer(req, peer, sizeof(peer)), why);
		http_reply(req, 400, "Bad Request");
		return;
	}
	for (i = 0; i < n; i++)
		hand_over(rr, b->name, &reports[i]);
	http_reply(req, 200, "OK");
}

/* report_cb - the route: which backend, which method, then handle */
static void
report_cb(struct evhttp_request *req, const char *rest, void *arg)
{
	struct report_route		*rr = arg;
	const struct backend_conf	*b;
	struct callback_header		 headers[REPORT_HEADERS_MAX];
	struct callback_request		 cr;
	struct evbuffer			*in = evhttp_request_get_input_buffer(req);
	char				 name[NAME_MAX_LEN];
	char				 token[TOKEN_MAX_LEN];
	char				 url[URL_MAX_LEN];

	if (split_path(rest, name, token) == -1 ||
	    (b = find_backend(rr->conf, name)) == NULL) {
		http_reply(req, 404, "Not Found");
		return;
	}
	memset(&cr, 0, sizeof(cr));
	if ((cr.method = method_name(req)) == NULL) {
		if (evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, POST") == -1)
			evhttp_send_error(req, 500, NULL);
		else
			http_reply(req, 405, "Method Not Allowed");
		return;
	}
	if (called_url(rr->conf, req, name, token, url, sizeof(url)) == -1 ||
	    collect_headers(req, headers, &cr.nheaders) == -1) {
		http_reply(req, 400, "Bad Request");
		return;
	}
	cr.url = url;
	cr.query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	cr.token = token[0] != '\0' ? token : NULL;
	cr.headers = headers;
	cr.len = evbuffer_get_length(in);
	cr.body = cr.len > 0 ? (const char *)evbuffer_pullup(in, -1) : "";
	cr.now = (int64_t)time(NULL);
	if (cr.body == NULL) {
		http_reply(req, 500, "Internal Server Error");
		return;
	}
	handle(rr, req, b, &cr);
}

/* report_route_new - see report_route.h */
struct report_route *
report_route_new(struct http_listener *hl, struct queue *q,
    const struct conf *c)
{
	struct report_route	*rr;

	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		return NULL;
	rr->queue = q;
	rr->conf = c;
	if (http_listener_route(hl, REPORT_PREFIX, report_cb, rr) == -1) {
		free(rr);
		return NULL;
	}
	return rr;
}

/* report_route_set_conf - see report_route.h */
void
report_route_set_conf(struct report_route *rr, const struct conf *c)
{
	rr->conf = c;
}

/* report_route_free - the listener must be gone: it calls the route */
void
report_route_free(struct report_route *rr)
{
	free(rr);
}
