/*
 * backend.c - what every backend shares: dispatch on the configured type,
 * the in-flight count, and results that are always reported from the loop.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "sms/transport/backend.h"
#include "sms/lib/evbase.h"
#include "sms/lib/log.h"

/*
 * One accepted submit. A backend may learn the result while its submit
 * function is still running (the outbox always does); such a result is
 * parked here and reported from the loop, as backend.h promises.
 */
struct submission {
	LIST_ENTRY(submission)	 entry;
	struct backend		*b;
	sms_done_cb		 cb;
	void			*arg;
	int			 submitting;
	int			 finished;
	struct sms_kept		 kept;
	struct event		*ev;
};

/* concrete_new - the backend bc->type names, on base */
static struct backend *
concrete_new(const struct conf *conf, const struct backend_conf *bc,
    struct event_base *base, char *err, size_t errlen)
{
	switch (bc->type) {
	case BACKEND_OUTBOX:
		return outbox_backend_new(conf, bc, base, err, errlen);
	case BACKEND_HTTP:
		return http_backend_new(conf, bc, base, err, errlen);
	case BACKEND_SMPP:
		return smpp_backend_new(conf, bc, base, err, errlen);
	}
	snprintf(err, errlen, "unknown backend type %d", (int)bc->type);
	return NULL;
}

typedef struct backend *(*backend_ctor)(const struct conf *, struct event_base *,
    char *, size_t);

/* new_tbase - a loop for a backend's thread */
static struct event_base *
new_tbase(char *err, size_t errlen)
{
	struct event_base	*tbase;

	if ((tbase = evbase_new()) == NULL)
		snprintf(err, errlen, "backend: no event loop");
	return tbase;
}

/*
 * backend_on_thread - see backend.h: building requests, talking to the
 * provider and syncing the outbox would otherwise take a third of the SMTP
 * loop's time per message.
 */
struct backend *
backend_on_thread(const struct conf *conf, const struct backend_conf *bc,
    struct event_base *base, char *err, size_t errlen)
{
	struct event_base	*tbase;
	struct backend		*inner;

	if ((tbase = new_tbase(err, errlen)) == NULL)
		return NULL;
	if ((inner = concrete_new(conf, bc, tbase, err, errlen)) == NULL) {
		event_base_free(tbase);
		return NULL;
	}
	return backend_thread_new(inner, tbase, base, err, errlen);
}

/* on_thread - the backend make builds, run on a thread and loop of its own */
static struct backend *
on_thread(backend_ctor make, const struct conf *conf, struct event_base *base,
    char *err, size_t errlen)
{
	struct event_base	*tbase;
	struct backend		*inner;

	if ((tbase = new_tbase(err, errlen)) == NULL)
		return NULL;
	if ((inner = make(conf, tbase, err, errlen)) == NULL) {
		event_base_free(tbase);
		return NULL;
	}
	return backend_thread_new(inner, tbase, base, err, errlen);
}

/*
 * backend_new - the configured backends, each on a thread of its own,
 * behind the router that picks one per SMS
 */
struct backend *
backend_new(const struct conf *conf, struct event_base *base, char *err,
    size_t errlen)
{
	return router_new(conf, base, err, errlen);
}

/*
 * backend_dsn_new - see backend.h; the smarthost's client stays on the
 * caller's loop (libcurl multi never blocks it), the outbox's fdatasync
 * must not.
 */
struct backend *
backend_dsn_new(const struct conf *conf, struct event_base *base,
    char *err, size_t errlen)
{
	if (conf->bounce.smarthost != NULL)
		return smarthost_backend_new(conf, base, err, errlen);
	return on_thread(outbox_dsn_backend_new, conf, base, err, errlen);
}

/* backend_has_capacity - may one more SMS be submitted now? */
int
backend_has_capacity(const struct backend *b)
{
	return b->in_flight < b->max_in_flight;
}

/* backend_status - see backend.h */
size_t
backend_status(struct backend *b, struct backend_status *st, size_t max)
{
	return b->ops->status != NULL ? b->ops->status(b, st, max) : 0;
}

/* backend_state_name - see backend.h */
const char *
backend_state_name(enum backend_state s)
{
	static const char *names[] = { "up", "down", "probing", "throttled" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* sms_report_name - see backend.h */
const char *
sms_report_name(enum sms_report r)
{
	static const char *names[] = { "none", "enroute", "delivered",
	    "expired", "undeliverable", "rejected", "unknown" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* sms_result_name - see backend.h */
const char *
sms_result_name(enum sms_result r)
{
	static const char *names[] = { "sent", "tempfail", "permfail",
	    "badnumber", "blocked", "throttled" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* kept_ids - copy the per-part ids; none kept if memory runs out */
static void
kept_ids(struct sms_kept *k, const char *const *ids, size_t n)
{
	size_t	 i;

	if (n == 0 || (k->part_ids = calloc(n, sizeof(*k->part_ids))) == NULL)
		return;
	for (i = 0; i < n; i++)
		if ((k->part_ids[i] = strdup(ids[i])) == NULL)
			break;
	k->npart_ids = i;
}

/* sms_kept_set - see backend.h */
void
sms_kept_set(struct sms_kept *k, const struct sms_outcome *o)
{
	k->result = o->result;
	k->retry_after = o->retry_after;
	if (o->provider_id != NULL)
		k->provider_id = strdup(o->provider_id);
	kept_ids(k, o->part_ids, o->npart_ids);
	if (o->reason != NULL && (k->reason = strdup(o->reason)) == NULL)
		k->reason = strdup("out of memory");
}

/* sms_kept_fail - see backend.h */
void
sms_kept_fail(struct sms_kept *k, enum sms_result result, const char *reason)
{
	sms_kept_set(k, &(struct sms_outcome){ .result = result,
	    .reason = reason });
}

/* sms_kept_report - see backend.h */
void
sms_kept_report(struct sms_kept *k, sms_done_cb cb, void *arg)
{
	struct sms_outcome o = { .result = k->result,
	    .provider_id = k->provider_id,
	    .part_ids = (const char *const *)k->part_ids,
	    .npart_ids = k->npart_ids, .reason = k->reason,
	    .retry_after = k->retry_after };

	cb(arg, &o);
	sms_kept_clear(k);
}

/* sms_kept_clear - see backend.h */
void
sms_kept_clear(struct sms_kept *k)
{
	size_t	 i;

	for (i = 0; i < k->npart_ids; i++)
		free(k->part_ids[i]);
	free(k->part_ids);
	free(k->provider_id);
	free(k->reason);
	k->part_ids = NULL;
	k->npart_ids = 0;
	k->provider_id = k->reason = NULL;
}

/* str_size - bytes of s with its NUL, 0 for none */
static size_t
str_size(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* str_place - s copied to *space, which moves past it */
static const char *
str_place(char **space, const char *s)
{
	char	*p = *space;
	size_t	 n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(p, s, n);
	*space += n;
	return p;
}

/* sms_strings_size - see backend.h */
size_t
sms_strings_size(const struct sms *s)
{
	return str_size(s->ref) + str_size(s->to) + str_size(s->from) +
	    str_size(s->sender) + str_size(s->text) + str_size(s->encoding);
}

/* sms_copy - see backend.h */
void
sms_copy(struct sms *dst, const struct sms *src, char *space)
{
	*dst = *src;
	dst->ref = str_place(&space, src->ref);
	dst->to = str_place(&space, src->to);
	dst->from = str_place(&space, src->from);
	dst->sender = str_place(&space, src->sender);
	dst->text = str_place(&space, src->text);
	dst->encoding = str_place(&space, src->encoding);
}

/* backend_set_reporter - see backend.h */
void
backend_set_reporter(struct backend *b, sms_report_cb cb, void *arg)
{
	b->report_cb = cb;
	b->report_arg = arg;
	if (b->ops->reporter_set != NULL)
		b->ops->reporter_set(b, cb != NULL);
}

/* backend_report - see backend.h */
void
backend_report(struct backend *b, const struct sms_delivery_report *r)
{
	if (b->report_cb == NULL) {
		log_debug("%s report for %s dropped: nobody listens",
		    b->ops->name, r->provider_id);
		return;
	}
	b->report_cb(b->report_arg, r);
}

/* backend_set_inbound - see backend.h */
void
backend_set_inbound(struct backend *b, sms_inbound_cb cb, void *arg)
{
	b->inbound_cb = cb;
	b->inbound_arg = arg;
	if (b->ops->inbound_set != NULL)
		b->ops->inbound_set(b, cb != NULL);
}

/* backend_inbound - see backend.h */
void
backend_inbound(struct backend *b, const struct sms_inbound *m)
{
	if (b->inbound_cb == NULL) {
		log_debug("%s message from %s dropped: nobody listens",
		    b->ops->name, m->from);
		return;
	}
	b->inbound_cb(b->inbound_arg, m);
}

/* submission_forget - s is answered */
static void
submission_forget(struct submission *s)
{
	event_free(s->ev);
	free(s);
}

/* submission_report - the parked result reaches the user */
static void
submission_report(struct submission *s)
{
	s->b->in_flight--;
	sms_kept_report(&s->kept, s->cb, s->arg);
	submission_forget(s);
}

/* submission_done - the callback the concrete backends see */
static void
submission_done(void *arg, const struct sms_outcome *o)
{
	struct submission	*s = arg;

	if (s->submitting) {
		/* backend.h promises no callback inside submit: park it */
		s->finished = 1;
		sms_kept_set(&s->kept, o);
		return;
	}
	s->b->in_flight--;
	s->cb(s->arg, o);
	submission_forget(s);
}

/* submission_fire - a parked result reaches the user */
static void
submission_fire(evutil_socket_t fd, short events, void *arg)
{
	struct submission	*s = arg;

	(void)fd;
	(void)events;
	LIST_REMOVE(s, entry);
	submission_report(s);
}

/* backend_submit - accept sms unless at capacity; cb follows from the loop */
int
backend_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct submission	*s;

	if (!backend_has_capacity(b))
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	/* made first: once the backend did its work, parking must not fail */
	if ((s->ev = event_new(b->base, -1, 0, submission_fire, s)) == NULL) {
		free(s);
		return -1;
	}
	s->b = b;
	s->cb = cb;
	s->arg = arg;
	s->submitting = 1;
	if (b->ops->submit(b, sms, submission_done, s) == -1) {
		event_free(s->ev);
		sms_kept_clear(&s->kept);
		free(s);
		return -1;
	}
	s->submitting = 0;
	b->in_flight++;
	if (s->finished) {
		LIST_INSERT_HEAD(&b->parked, s, entry);
		event_active(s->ev, EV_TIMEOUT, 1);
	}
	return 0;
}

/*
 * backend_free - report what is parked, then let the backend end its own
 * in-flight requests (they are reported as SMS_TEMPFAIL), then free it.
 */
void
backend_free(struct backend *b)
{
	struct submission	*s;

	if (b == NULL)
		return;
	/* a callback may change the list: take the first each time */
	while ((s = LIST_FIRST(&b->parked)) != NULL) {
		LIST_REMOVE(s, entry);
		submission_report(s);
	}
	b->ops->free(b);
}
