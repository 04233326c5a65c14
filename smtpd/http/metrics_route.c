/*
 * metrics_route.c - GET /metrics: the stats table, each backend's slot and
 * state, and the queue's size, formatted on the loop for the clients
 * http.admin lets in (loopback only by default).
 *
 * A scrape reads counters and asks the router for its backends' states: no
 * walk over queued messages, so its cost does not grow with the queue.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "sms/lib/stats_backend.h"
#include "sms/transport/backend.h"
#include "smtpd/http/metrics_route.h"
#include "smtpd/http/admin_access.h"
#include "smtpd/http/prom_format.h"

#define STATUS_MAX	(STATS_BACKENDS_MAX + 1)

struct metrics_route {
	struct queue		*queue;
	struct admin_access	*admin;
};

static const char *const kind_types[] = {
	[STAT_COUNTER] = "counter",
	[STAT_GAUGE] = "gauge",
	[STAT_HISTOGRAM] = "histogram",
};

/* the walk over the table: rows of one name come together */
struct table_walk {
	struct buf	*b;
	const char	*last;		/* the previous row's name */
};

/* table_row - one row of stats.h; HELP and TYPE when its name begins */
static void
table_row(const struct stat_reading *r, void *arg)
{
	struct table_walk	*w = arg;
	struct buf		*b = w->b;
	struct prom_labels	 l = { r->label, NULL, 0 };

	if (w->last == NULL || strcmp(w->last, r->name) != 0)
		prom_family(b, r->name, kind_types[r->kind], r->help);
	w->last = r->name;
	if (r->kind == STAT_HISTOGRAM)
		prom_histogram(b, r->name, &l, r->bounds, r->counts,
		    r->nbuckets, (uint64_t)r->value, r->micros);
	else
		prom_sample(b, r->name, "", &l, r->value);
}

/* backend_slots - outcomes, latency and throttled time of each backend */
static void
backend_slots(struct buf *b)
{
	struct stats_backend_reading	 r;
	struct prom_label		 lv[3];
	struct prom_labels		 l = { NULL, lv, 1 };
	size_t				 i, k, n = stats_backends_count();

	lv[0].key = "backend";
	lv[1].key = "state";
	lv[2].key = "reason";
	prom_family(b, "smsrelay_backend_recipients_total", "counter",
	    "recipients' outcomes at each backend, by state and reason");
	for (i = 0; i < n; i++) {
		stats_backend_read(i, &r);
		lv[0].value = r.name;
		l.n = 3;
		for (k = 0; k < STATS_OUT_COUNT; k++) {
			enum stats_outcome o = (enum stats_outcome)k;

			lv[1].value = stats_outcome_state(o);
			lv[2].value = stats_outcome_reason(o);
			prom_sample(b, "smsrelay_backend_recipients_total", "",
			    &l, (int64_t)r.outcomes[k]);
		}
	}
	l.n = 1;
	prom_family(b, "smsrelay_backend_request_duration_seconds",
	    "histogram", "backend submit to answer, seconds, by backend");
	for (i = 0; i < n; i++) {
		stats_backend_read(i, &r);
		lv[0].value = r.name;
		prom_histogram(b, "smsrelay_backend_request_duration_seconds",
		    &l, r.bounds, r.counts, r.nbuckets, r.latency_sum, 1);
	}
	prom_family(b, "smsrelay_backend_throttled_seconds_total", "counter",
	    "seconds each backend was paused because its provider asked "
	    "for fewer SMS");
	for (i = 0; i < n; i++) {
		stats_backend_read(i, &r);
		lv[0].value = r.name;
		prom_sample_micros(b,
		    "smsrelay_backend_throttled_seconds_total", &l,
		    r.throttled_us);
	}
}

/*
 * backend_links - 1 for the link state of each backend with a session
 * (SMPP), 0 for the others; backends without one have no sample
 */
static void
backend_links(struct buf *b, const struct backend_status *st, size_t n)
{
	struct prom_label	 lv[2] = { { "backend", NULL },
	    { "state", NULL } };
	struct prom_labels	 l = { NULL, lv, 2 };
	static const enum backend_link_state states[] = {
	    BACKEND_LINK_BINDING, BACKEND_LINK_BOUND, BACKEND_LINK_UNBOUND };
	size_t			 i, k;

	prom_family(b, "smsrelay_backend_link", "gauge",
	    "1 for the state of each backend's SMSC session, 0 for the others");
	for (i = 0; i < n; i++) {
		if (st[i].link.state == BACKEND_LINK_NONE)
			continue;
		for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
			lv[0].value = st[i].name;
			lv[1].value = backend_link_name(states[k]);
			prom_sample(b, "smsrelay_backend_link", "", &l,
			    st[i].link.state == states[k]);
		}
	}
}

/* backend_states - what the router says of each backend now */
static void
backend_states(struct buf *b, struct queue *q)
{
	struct backend_status	*st;
	struct prom_label	 lv[2] = { { "backend", NULL },
	    { "state", NULL } };
	struct prom_labels	 l = { NULL, lv, 1 };
	static const enum backend_state states[] = { BACKEND_UP,
	    BACKEND_DOWN, BACKEND_PROBING, BACKEND_THROTTLED };
	size_t			 i, k, n;

	if ((st = calloc(STATUS_MAX, sizeof(*st))) == NULL) {
		b->failed = true;
		return;
	}
	n = queue_backends(q, st, STATUS_MAX);
	prom_family(b, "smsrelay_backend_requests_in_flight", "gauge",
	    "SMS handed to each backend and not answered yet");
	for (i = 0; i < n; i++) {
		lv[0].value = st[i].name;
		prom_sample(b, "smsrelay_backend_requests_in_flight", "", &l,
		    (int64_t)st[i].in_flight);
	}
	prom_family(b, "smsrelay_backend_waiting", "gauge",
	    "SMS in line for each backend");
	for (i = 0; i < n; i++) {
		lv[0].value = st[i].name;
		prom_sample(b, "smsrelay_backend_waiting", "", &l,
		    (int64_t)st[i].waiting);
	}
	l.n = 2;
	prom_family(b, "smsrelay_backend_state", "gauge",
	    "1 for the state each backend is in, 0 for the others");
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
			lv[0].value = st[i].name;
			lv[1].value = backend_state_name(states[k]);
			prom_sample(b, "smsrelay_backend_state", "", &l,
			    st[i].state == states[k]);
		}
	backend_links(b, st, n);
	free(st);
}

/* metrics_text - the whole exposition; b->failed when memory ran out */
static void
metrics_text(struct buf *b, struct queue *q)
{
	struct table_walk	 w = { b, NULL };

	stats_foreach(table_row, &w);
	backend_slots(b);
	backend_states(b, q);
	prom_family(b, "smsrelay_queue_messages", "gauge",
	    "messages in the queue (SMS and DSNs), any state");
	prom_sample(b, "smsrelay_queue_messages", "", NULL,
	    (int64_t)queue_size(q));
	/* their recipients are not read until due: not in the gauges above */
	prom_family(b, "smsrelay_queue_held_messages", "gauge",
	    "scheduled messages kept on disk until due (queue.active_limit)");
	prom_sample(b, "smsrelay_queue_held_messages", "", NULL,
	    (int64_t)queue_held_count(q));
}

static void	metrics_send(struct evhttp_request *, void *);

/* metrics_cb - GET or HEAD of exactly /metrics, for whom http.admin lets in */
static void
metrics_cb(struct evhttp_request *req, const char *rest, void *arg)
{
	struct metrics_route	*mr = arg;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);

	if (*rest != '\0') {
		http_reply(req, 404, "Not Found");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		http_reply(req, 405, "Method Not Allowed");
		return;
	}
	admin_access_check(mr->admin, req, metrics_send, mr);
}

/* metrics_send - the exposition, to a client admin_access let in */
static void
metrics_send(struct evhttp_request *req, void *arg)
{
	struct metrics_route	*mr = arg;
	struct evbuffer		*out;
	struct buf		 b = { 0 };

	metrics_text(&b, mr->queue);
	if (b.failed || (out = evbuffer_new()) == NULL) {
		buf_free(&b);
		http_reply(req, 500, "Internal Server Error");
		return;
	}
	if (evbuffer_add(out, b.s, b.len) == -1 ||
	    evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", PROM_CONTENT_TYPE) == -1) {
		evbuffer_free(out);
		buf_free(&b);
		http_reply(req, 500, "Internal Server Error");
		return;
	}
	buf_free(&b);
	http_send_ok(req, out);
	evbuffer_free(out);
}

/* metrics_route_new - see metrics_route.h */
struct metrics_route *
metrics_route_new(struct http_listener *hl, struct queue *q,
    struct admin_access *admin)
{
	struct metrics_route	*mr;

	if ((mr = calloc(1, sizeof(*mr))) == NULL)
		return NULL;
	mr->queue = q;
	mr->admin = admin;
	if (http_listener_route(hl, METRICS_PATH, metrics_cb, mr) == -1) {
		free(mr);
		return NULL;
	}
	return mr;
}

/* metrics_route_free - see metrics_route.h */
void
metrics_route_free(struct metrics_route *mr)
{
	free(mr);
}
