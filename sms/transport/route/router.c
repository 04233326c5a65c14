/*
 * router.c - the backend the queue sees: picks the route of each SMS, feeds
 * each backend of it within its rate, in-flight bound and pauses, passes an
 * SMS on after a temporary failure, and keeps each backend's breaker.
 *
 * An SMS waits in memory on the line of one backend, express ones ahead of
 * bulk. A throttled answer puts it back in its place and pauses that
 * backend: the queue never hears of it. A temporary failure moves it to the route's next
 * backend; only when none is left does the queue get SMS_TEMPFAIL.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "sms/transport/backend.h"
#include "sms/transport/route/breaker.h"
#include "sms/transport/route/bucket.h"
#include "sms/transport/route/route_table.h"
#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "sms/lib/stats_backend.h"

#define ROUTER_WAITING	1024	/* SMS held beyond what the backends take */
#define CHILD_MAX_IN_FLIGHT 100000
#define PAUSE_FIRST	1	/* seconds after a 429 without Retry-After */
#define PAUSE_MAX	60	/* ... doubling up to this */
#define MINUTE_SLOTS	60
#define MILLION		1000000

struct router;

/* one SMS the router holds */
struct routed {
	TAILQ_ENTRY(routed)	 entry;
	struct router		*r;
	uint64_t		 seq;		/* the order it came in */
	struct sms		 sms;		/* its strings below */
	const struct route	*route;
	size_t			 pos;		/* the route's backend it is at */
	const char		*tried;		/* last backend to have it */
	sms_done_cb		 cb;
	void			*arg;
	char			 strings[];
};

TAILQ_HEAD(routedq, routed);

/* one named backend and what the router knows of it */
struct child {
	struct router		*r;
	char			*name;
	const char		*type;
	struct backend		*b;		/* on a thread of its own */
	size_t			 max_in_flight;
	unsigned		 rate;
	size_t			 in_flight;
	size_t			 waiting;
	struct routedq		 line;		/* in submit order */
	struct bucket		 bucket;
	struct breaker		 breaker;
	uint64_t		 paused_until;	/* monotonic us; 0: not paused */
	unsigned		 pause;		/* the last pause of its own, s */
	struct event		*timer;		/* the pause or bucket is over */
	uint32_t		 slot_parts[MINUTE_SLOTS];
	int64_t			 slot_sec[MINUTE_SLOTS];
};

struct router {
	struct backend		 b;	/* first: backend.c sees only this */
	struct child		*children;
	size_t			 nchildren;
	struct route_table	*routes;
	uint64_t		 seq;
	bool			 closing;
};

static void	feed(struct child *);
static void	place(struct routed *, const char *why);
static void	child_done(void *, const struct sms_outcome *);

static uint64_t
mono_us(void)
{
	return stats_now_us();
}

static int64_t
mono_sec(void)
{
	return (int64_t)(stats_now_us() / MILLION);
}

/* at_child - the backend an SMS is at */
static struct child *
at_child(const struct routed *rt)
{
	return &rt->r->children[rt->route->backends[rt->pos]];
}

/* routed_new - a copy of sms the router can hold past the submit */
static struct routed *
routed_new(struct router *r, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct routed	*rt;

	rt = calloc(1, sizeof(*rt) + sms_strings_size(sms));
	if (rt == NULL)
		return NULL;
	rt->r = r;
	rt->seq = r->seq++;
	rt->cb = cb;
	rt->arg = arg;
	sms_copy(&rt->sms, sms, rt->strings);
	return rt;
}

/* finish - the queue learns the outcome; the router forgets the SMS */
static void
finish(struct routed *rt, const struct sms_outcome *o)
{
	rt->cb(rt->arg, o);
	free(rt);
}

/* finish_named - the outcome as the backend called name gave it */
static void
finish_named(struct routed *rt, const struct sms_outcome *o, const char *name)
{
	struct sms_outcome named = *o;

	named.backend = name;
	finish(rt, &named);
}

static void
finish_fail(struct routed *rt, enum sms_result result, const char *reason)
{
	finish(rt, &(struct sms_outcome){ .result = result, .reason = reason });
}

/* same_pair - one sender's SMS to one number keep their order */
static bool
same_pair(const struct routed *a, const struct routed *b)
{
	const char	*sa = a->sms.sender != NULL ? a->sms.sender : "";
	const char	*sb = b->sms.sender != NULL ? b->sms.sender : "";

	return strcmp(a->sms.to, b->sms.to) == 0 && strcmp(sa, sb) == 0;
}

/*
 * goes_before - whether w stays ahead of rt in a line: the same sender's
 * SMS to the same number by submit order, others express before bulk, then
 * by submit order
 */
static bool
goes_before(const struct routed *w, const struct routed *rt)
{
	if (w->sms.priority != rt->sms.priority && !same_pair(w, rt))
		return w->sms.priority > rt->sms.priority;
	return w->seq < rt->seq;
}

/*
 * line_insert - into c's line after the last SMS that goes before it: an
 * express SMS passes bulk, a throttled SMS keeps its place
 */
static void
line_insert(struct child *c, struct routed *rt)
{
	struct routed	*after;

	TAILQ_FOREACH_REVERSE(after, &c->line, routedq, entry)
		if (goes_before(after, rt))
			break;
	if (after == NULL)
		TAILQ_INSERT_HEAD(&c->line, rt, entry);
	else
		TAILQ_INSERT_AFTER(&c->line, after, rt, entry);
	c->waiting++;
}

/*
 * place - put rt in line at the first backend of its route, from rt->pos
 * on, that takes SMS now; none left: a temporary failure for the queue
 */
static void
place(struct routed *rt, const char *why)
{
	struct child	*c;
	bool		 probe;

	for (; rt->pos < rt->route->nbackends; rt->pos++) {
		c = at_child(rt);
		if (!breaker_admit(&c->breaker, mono_sec(), &probe))
			continue;
		if (probe)
			log_info("backend %s probing with %s", c->name,
			    rt->sms.ref);
		line_insert(c, rt);
		feed(c);
		return;
	}
	/* named for the metrics: the last backend that answered it */
	finish(rt, &(struct sms_outcome){ .result = SMS_TEMPFAIL,
	    .reason = why != NULL ? why : "every backend of the route is down",
	    .backend = rt->tried });
}

/* arm - wake c's feeding after us microseconds */
static void
arm(struct child *c, uint64_t us)
{
	struct timeval	 tv = { .tv_sec = (time_t)(us / MILLION),
	    .tv_usec = (suseconds_t)(us % MILLION) };

	evtimer_add(c->timer, &tv);
}

/* count_parts - for the parts sent in the last minute */
static void
count_parts(struct child *c, unsigned parts)
{
	int64_t		 now = (int64_t)time(NULL);
	size_t		 slot = (size_t)(now % MINUTE_SLOTS);

	if (c->slot_sec[slot] != now) {
		c->slot_sec[slot] = now;
		c->slot_parts[slot] = 0;
	}
	c->slot_parts[slot] += parts;
}

/* feed - hand c's line to it while in-flight bound, pause and rate allow */
static void
feed(struct child *c)
{
	struct routed	*rt;
	uint64_t	 now, wait;

	while (!c->r->closing && (rt = TAILQ_FIRST(&c->line)) != NULL) {
		if (c->in_flight >= c->max_in_flight ||
		    !backend_has_capacity(c->b))
			return;		/* an answer feeds it again */
		now = mono_us();
		if (c->paused_until > now) {
			arm(c, c->paused_until - now);
			return;
		}
		c->paused_until = 0;
		if ((wait = bucket_take(&c->bucket, rt->sms.parts, now)) > 0) {
			arm(c, wait);
			return;
		}
		TAILQ_REMOVE(&c->line, rt, entry);
		c->waiting--;
		if (backend_submit(c->b, &rt->sms, child_done, rt) == -1) {
			bucket_give_back(&c->bucket, rt->sms.parts);
			line_insert(c, rt);
			arm(c, MILLION / 10);
			return;
		}
		c->in_flight++;
		rt->tried = c->name;
		count_parts(c, rt->sms.parts);
	}
}

/* child_wake - c's pause or its bucket's wait is over */
static void
child_wake(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	feed(arg);
}

/* answered - c answered an SMS: it is up, if it was not */
static void
answered(struct child *c)
{
	if (breaker_answered(&c->breaker))
		log_info("backend %s up", c->name);
}

/*
 * throttled - c wants fewer: rt goes back in line, charged nothing, and c
 * pauses for what the provider asked or, if it did not say, a pause that
 * doubles each time until an SMS gets through
 */
static void
throttled(struct child *c, struct routed *rt, unsigned retry_after)
{
	uint64_t	 now = mono_us(), until;
	unsigned	 secs;

	answered(c);
	line_insert(c, rt);
	if (retry_after > 0)
		secs = retry_after;
	else if (c->paused_until > now)
		return;		/* one pause for the answers to one burst */
	else
		secs = c->pause = c->pause == 0 ? PAUSE_FIRST :
		    c->pause >= PAUSE_MAX / 2 ? PAUSE_MAX : c->pause * 2;
	until = now + (uint64_t)secs * MILLION;
	if (until <= c->paused_until)
		return;
	if (c->paused_until <= now)
		log_info("backend %s throttled pause=%us%s", c->name, secs,
		    retry_after > 0 ? " (Retry-After)" : "");
	/* the time the pause adds, an extension only its new part */
	stats_backend_throttled(c->name, until - (c->paused_until > now ?
	    c->paused_until : now));
	c->paused_until = until;
}

/* take_line - every SMS in c's line, in order, out of it */
static void
take_line(struct child *c, struct routedq *out)
{
	struct routed	*rt;

	TAILQ_INIT(out);
	while ((rt = TAILQ_FIRST(&c->line)) != NULL) {
		TAILQ_REMOVE(&c->line, rt, entry);
		TAILQ_INSERT_TAIL(out, rt, entry);
	}
	c->waiting = 0;
}

/*
 * failed - a temporary failure at c: it counts toward c's breaker, and rt
 * (and, if c went down, all that waited for c) moves on along its route
 */
static void
failed(struct child *c, struct routed *rt, const char *why)
{
	struct routedq	 moved;
	struct routed	*w;
	bool		 probing = c->breaker.state == BREAKER_PROBING;

	TAILQ_INIT(&moved);
	if (breaker_failed(&c->breaker, mono_sec())) {
		if (probing)
			log_info("backend %s probe failed, down for %us "
			    "reason=\"%s\"", c->name, c->breaker.wait,
			    why != NULL ? why : "temporary failure");
		else
			log_info("backend %s down for %us after %u temporary "
			    "failures reason=\"%s\"", c->name, c->breaker.wait,
			    c->breaker.failures,
			    why != NULL ? why : "temporary failure");
		take_line(c, &moved);
	}
	rt->pos++;
	place(rt, why);
	while ((w = TAILQ_FIRST(&moved)) != NULL) {
		TAILQ_REMOVE(&moved, w, entry);
		w->pos++;
		place(w, "the backend went down");
	}
}

/* child_done - a backend's answer on an SMS */
static void
child_done(void *arg, const struct sms_outcome *o)
{
	struct routed	*rt = arg;
	struct child	*c = at_child(rt);

	c->in_flight--;
	if (c->r->closing) {
		if (o->result == SMS_THROTTLED)
			finish_fail(rt, SMS_TEMPFAIL, "backend shut down");
		else
			finish(rt, o);
		return;
	}
	switch (o->result) {
	case SMS_THROTTLED:
		throttled(c, rt, o->retry_after);
		break;
	case SMS_TEMPFAIL:
		failed(c, rt, o->reason);
		break;
	case SMS_SENT:
		c->pause = 0;
		answered(c);
		finish_named(rt, o, c->name);
		break;
	case SMS_PERMFAIL:
	case SMS_BADNUMBER:
	case SMS_BLOCKED:
		/* a permanent answer is final: no other backend is asked */
		answered(c);
		finish_named(rt, o, c->name);
		break;
	}
	feed(c);
}

/* router_submit - route the SMS and put it in line; it never waits here */
static int
router_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct router	*r = (struct router *)b;
	struct routed	*rt;

	if (r->closing || (rt = routed_new(r, sms, cb, arg)) == NULL)
		return -1;
	if ((rt->route = route_table_pick(r->routes, sms->to,
	    sms->sender)) == NULL) {
		log_warnx("%s no route for to=%s sender=<%s>", sms->ref,
		    sms->to, sms->sender != NULL ? sms->sender : "");
		/* backend.c reports it from the loop */
		finish_fail(rt, SMS_PERMFAIL, "no route for this number");
		return 0;
	}
	place(rt, NULL);
	return 0;
}

/* child_reported - a backend's delivery report goes to the router's listener */
static void
child_reported(void *arg, const struct sms_delivery_report *rep)
{
	struct router	*r = arg;

	backend_report(&r->b, rep);
}

/* child_inbound - a backend's subscriber message goes to the router's listener */
static void
child_inbound(void *arg, const struct sms_inbound *m)
{
	struct router	*r = arg;

	backend_inbound(&r->b, m);
}

/* router_inbound_set - the backends hand on messages while listened to */
static void
router_inbound_set(struct backend *b, int on)
{
	struct router	*r = (struct router *)b;
	size_t		 i;

	for (i = 0; i < r->nchildren; i++)
		backend_set_inbound(r->children[i].b, on ? child_inbound : NULL,
		    on ? r : NULL);
}

/* router_reporter_set - the backends report while the router is listened to */
static void
router_reporter_set(struct backend *b, int on)
{
	struct router	*r = (struct router *)b;
	size_t		 i;

	for (i = 0; i < r->nchildren; i++)
		backend_set_reporter(r->children[i].b,
		    on ? child_reported : NULL, on ? r : NULL);
}

/* parts_minute - parts c sent in the last 60 seconds */
static unsigned
parts_minute(const struct child *c)
{
	int64_t		 now = (int64_t)time(NULL);
	unsigned	 sum = 0;
	size_t		 i;

	for (i = 0; i < MINUTE_SLOTS; i++)
		if (c->slot_sec[i] > now - MINUTE_SLOTS)
			sum += c->slot_parts[i];
	return sum;
}

/* child_state - what smsrelayctl says of c */
static void
child_state(const struct child *c, struct backend_status *st)
{
	int64_t		 wall = (int64_t)time(NULL);
	uint64_t	 now = mono_us();

	st->until = 0;
	switch (c->breaker.state) {
	case BREAKER_DOWN:
		st->state = BACKEND_DOWN;
		st->until = wall + (c->breaker.until - mono_sec());
		return;
	case BREAKER_PROBING:
		st->state = BACKEND_PROBING;
		return;
	case BREAKER_UP:
		break;
	}
	st->state = BACKEND_UP;
	if (c->paused_until > now) {
		st->state = BACKEND_THROTTLED;
		st->until = wall + (int64_t)((c->paused_until - now +
		    MILLION - 1) / MILLION);
	}
}

/* router_status - see backend_status in backend.h */
static size_t
router_status(struct backend *b, struct backend_status *st, size_t max)
{
	struct router	*r = (struct router *)b;
	struct child	*c;
	size_t		 i;

	for (i = 0; i < r->nchildren && i < max; i++) {
		c = &r->children[i];
		st[i].name = c->name;
		st[i].type = c->type;
		child_state(c, &st[i]);
		st[i].in_flight = c->in_flight;
		st[i].waiting = c->waiting;
		st[i].rate = c->rate;
		st[i].parts_minute = parts_minute(c);
		st[i].failures = c->breaker.failures;
		backend_link_read(c->b->link, &st[i].link);
	}
	return i;
}

/*
 * router_free - the backends end what they have in flight (temporary
 * failures for the queue), then what waits in line is answered the same
 */
static void
router_free(struct backend *b)
{
	struct router	*r = (struct router *)b;
	struct routedq	 left;
	struct routed	*rt;
	struct child	*c;
	size_t		 i;

	r->closing = true;
	for (i = 0; i < r->nchildren; i++) {
		c = &r->children[i];
		backend_free(c->b);
		take_line(c, &left);
		while ((rt = TAILQ_FIRST(&left)) != NULL) {
			TAILQ_REMOVE(&left, rt, entry);
			finish_fail(rt, SMS_TEMPFAIL, "backend shut down");
		}
		if (c->timer != NULL)
			event_free(c->timer);
		free(c->name);
	}
	free(r->children);
	route_table_free(r->routes);
	free(r);
}

static const struct backend_ops router_ops = {
	.name = "router", .submit = router_submit, .free = router_free,
	.reporter_set = router_reporter_set, .reports = 1,
	.inbound_set = router_inbound_set,
	.status = router_status,
};

static const char *
type_name(enum backend_type t)
{
	return t == BACKEND_HTTP ? "http" : t == BACKEND_SMPP ? "smpp" :
	    "outbox";
}

/* child_init - one configured backend, started; -1 with a message in err */
static int
child_init(struct router *r, struct child *c, const struct conf *conf,
    const struct backend_conf *bc, struct event_base *base, char *err,
    size_t errlen)
{
	char	 why[256];

	c->r = r;
	TAILQ_INIT(&c->line);
	c->type = type_name(bc->type);
	c->rate = bc->rate;
	bucket_init(&c->bucket, bc->rate, bc->burst, mono_us());
	breaker_init(&c->breaker, bc->down_after, bc->probe_interval);
	if ((c->name = strdup(bc->name != NULL ? bc->name : "default")) ==
	    NULL || (c->timer = evtimer_new(base, child_wake, c)) == NULL) {
		snprintf(err, errlen, "backend: out of memory");
		return -1;
	}
	/* before its thread starts: the slot is there when answers come */
	if (stats_backends_init((const char *const *)&c->name, 1) == -1)
		log_warnx("backend %s: no room for its metrics; they count "
		    "as backend=\"%s\"", c->name, STATS_BACKEND_NONE);
	if ((c->b = backend_on_thread(conf, bc, base, why, sizeof(why))) ==
	    NULL) {
		snprintf(err, errlen, "backend %s: %s", c->name, why);
		return -1;
	}
	c->max_in_flight = bc->max_in_flight > 0 ? bc->max_in_flight :
	    c->b->max_in_flight;
	if (c->max_in_flight > CHILD_MAX_IN_FLIGHT)
		c->max_in_flight = CHILD_MAX_IN_FLIGHT;
	return 0;
}

/* router_new - see backend.h */
struct backend *
router_new(const struct conf *conf, struct event_base *base, char *err,
    size_t errlen)
{
	struct router	*r;
	size_t		 i, n = conf_backend_count(conf);

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->children = calloc(n, sizeof(*r->children))) == NULL) {
		free(r);
		snprintf(err, errlen, "backend: out of memory");
		return NULL;
	}
	r->b.ops = &router_ops;
	r->b.base = base;
	r->b.max_in_flight = ROUTER_WAITING;
	if ((r->routes = route_table_new(conf, err, errlen)) == NULL) {
		router_free(&r->b);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		r->nchildren++;
		if (child_init(r, &r->children[i], conf, conf_backend_at(conf,
		    i), base, err, errlen) == -1) {
			router_free(&r->b);
			return NULL;
		}
		r->b.max_in_flight += r->children[i].max_in_flight;
	}
	return &r->b;
}
