/*
 * status_route.c - the admin's status pages: /status as HTML, /status.json;
 * GET or HEAD only, never cached, the page's one script allowed by a
 * Content-Security-Policy nonce and nothing loaded from elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/rand.h>

#include "smtpd/http/status_route.h"
#include "smtpd/http/status_html.h"
#include "smtpd/http/status_json.h"
#include "smtpd/http/status_snapshot.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"

#define NONCE_BYTES	16

struct status_route {
	struct queue		*queue;
	struct admin_access	*access;
};

/* add_headers - the type and the headers every status answer carries */
static int
add_headers(struct evhttp_request *req, const char *type, const char *nonce)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	char			 csp[160];

	snprintf(csp, sizeof(csp), "default-src 'none'; style-src "
	    "'unsafe-inline'; script-src 'nonce-%s'; base-uri 'none'; "
	    "form-action 'none'; frame-ancestors 'none'",
	    nonce != NULL ? nonce : "-");
	return evhttp_add_header(h, "Content-Type", type) == -1 ||
	    evhttp_add_header(h, "Cache-Control", "no-store") == -1 ||
	    evhttp_add_header(h, "X-Content-Type-Options", "nosniff") == -1 ||
	    evhttp_add_header(h, "Referrer-Policy", "no-referrer") == -1 ||
	    evhttp_add_header(h, "Content-Security-Policy", csp) == -1 ? -1 : 0;
}

/* make_nonce - a fresh random nonce as hex; -1 if the generator fails */
static int
make_nonce(char out[2 * NONCE_BYTES + 1])
{
	unsigned char	 b[NONCE_BYTES];
	int		 i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	for (i = 0; i < NONCE_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* send_page - body with its type, or 500 if anything failed on the way */
static void
send_page(struct evhttp_request *req, struct evbuffer *body, int failed,
    const char *type, const char *nonce)
{
	if (failed || add_headers(req, type, nonce) == -1) {
		log_warnx("http: %s: out of memory", evhttp_request_get_uri(req));
		http_reply(req, 500, "Internal Server Error");
		return;
	}
	http_send_ok(req, body);
}

/* serve_json - /status.json, once access is granted */
static void
serve_json(struct evhttp_request *req, void *arg)
{
	struct status_route	*sr = arg;
	struct status_snapshot	*s;
	struct evbuffer		*body = evbuffer_new();
	char			*json = NULL;

	if ((s = status_snapshot_take(sr->queue, clock_now())) != NULL)
		json = status_json(s);
	send_page(req, body, body == NULL || json == NULL ||
	    evbuffer_add_printf(body, "%s\n", json) < 0,
	    "application/json", NULL);
	free(json);
	free(s);
	evbuffer_free(body);
}

/* serve_html - /status, once access is granted */
static void
serve_html(struct evhttp_request *req, void *arg)
{
	struct status_route	*sr = arg;
	struct status_snapshot	*s;
	struct evbuffer		*body = evbuffer_new();
	char			*json = NULL, nonce[2 * NONCE_BYTES + 1];
	int			 failed;

	if ((s = status_snapshot_take(sr->queue, clock_now())) != NULL)
		json = status_json(s);
	failed = body == NULL || json == NULL || make_nonce(nonce) == -1 ||
	    status_html(body, s, json, nonce) == -1;
	send_page(req, body, failed, "text/html; charset=utf-8",
	    failed ? NULL : nonce);
	free(json);
	free(s);
	evbuffer_free(body);
}

/* status_cb - the route: which page, which method, then the access check */
static void
status_cb(struct evhttp_request *req, const char *rest, void *arg)
{
	struct status_route	*sr = arg;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	admin_granted_fn	 fn;

	if (strcmp(rest, "") == 0)
		fn = serve_html;
	else if (strcmp(rest, ".json") == 0)
		fn = serve_json;
	else {
		http_reply(req, 404, "Not Found");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		if (evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD") == -1)
			evhttp_send_error(req, 500, NULL);
		else
			http_reply(req, 405, "Method Not Allowed");
		return;
	}
	admin_access_check(sr->access, req, fn, sr);
}

/* status_route_new - see status_route.h */
struct status_route *
status_route_new(struct http_listener *hl, struct queue *q,
    struct admin_access *aa)
{
	struct status_route	*sr;

	if ((sr = calloc(1, sizeof(*sr))) == NULL)
		return NULL;
	sr->queue = q;
	sr->access = aa;
	if (http_listener_route(hl, STATUS_PREFIX, status_cb, sr) == -1) {
		free(sr);
		return NULL;
	}
	return sr;
}

/* status_route_free - see status_route.h */
void
status_route_free(struct status_route *sr)
{
	free(sr);
}
