/*
 * backend_thread.c - runs a concrete backend on a thread with its own event
 * loop, so that provider I/O (libcurl, the outbox's fdatasync) leaves the SMTP loop.
 *
 * Submissions and results cross in two mailboxes (sms/lib/mailbox.h), which
 * wake the other side only when they turn non-empty, so a burst costs one
 * wake-up. The backend's callbacks still run on the caller's loop, as
 * backend.h promises; the thread never touches the queue's memory. Delivery
 * reports the backend learns of, and messages subscribers sent, come back
 * through a third mailbox, watched while someone listens for them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "sms/lib/mailbox.h"
#include "sms/transport/backend.h"

/* one SMS on its way to the thread and its result on the way back */
struct job {
	struct mailbox_item	 item;	/* in the inbox, then in the results */
	struct threaded		*t;
	sms_done_cb		 cb;	/* the caller's side */
	void			*arg;
	struct sms		 sms;	/* strings point into strings[] */
	struct sms_kept		 kept;	/* set by the thread */
	char			 strings[];
};

/*
 * a delivery report, or a subscriber's message, on its way from the thread
 * to the caller's loop
 */
struct report_item {
	struct mailbox_item	 item;
	int			 inbound;	/* provider_id: from, raw: text */
	enum sms_report		 state;
	int64_t			 when;
	char			*raw;		/* into strings[] */
	char			 provider_id[];	/* then raw */
};

struct threaded {
	struct backend		 b;	/* first: backend.c sees only this */
	struct backend		*inner;	/* lives on tbase, used by the thread */
	struct event_base	*tbase;
	struct mailbox		*inbox;		/* read on tbase: jobs to send */
	struct mailbox		*results;	/* read on b.base: jobs answered */
	struct mailbox		*reports;	/* read on b.base: delivery reports */
	struct mailbox_item	 stop;	/* the inbox's last item: end the thread */
	atomic_int		 quit;	/* jobs not yet submitted fail */
	pthread_t		 tid;
	int			 running;
	int			 reporting;	/* someone listens for reports */
	int			 inbound;	/* and for messages */
	struct backend_link	 link;	/* inner writes it, b's readers read */
};

/* ---- the thread ---- */

/* job_done - the inner backend's answer: send the job back */
static void
job_done(void *arg, const struct sms_outcome *o)
{
	struct job	*j = arg;

	sms_kept_set(&j->kept, o);
	mailbox_post(j->t->results, &j->item);
}

/* item_new - a report item holding the two strings; NULL if no memory */
static struct report_item *
item_new(const char *id, const char *raw)
{
	struct report_item	*ri;
	size_t			 idlen = strlen(id) + 1;
	size_t			 rawlen = raw != NULL ? strlen(raw) + 1 : 1;

	if ((ri = calloc(1, sizeof(*ri) + idlen + rawlen)) == NULL)
		return NULL;
	memcpy(ri->provider_id, id, idlen);
	ri->raw = ri->provider_id + idlen;
	memcpy(ri->raw, raw != NULL ? raw : "", rawlen);
	return ri;
}

/* thread_report - the inner backend learned of a report: send it over */
static void
thread_report(void *arg, const struct sms_delivery_report *r)
{
	struct threaded		*t = arg;
	struct report_item	*ri;

	if ((ri = item_new(r->provider_id, r->raw)) == NULL)
		return;		/* a report lost: the provider's is not final */
	ri->state = r->state;
	ri->when = r->when;
	mailbox_post(t->reports, &ri->item);
}

/* thread_inbound - a subscriber's message: send it over like a report */
static void
thread_inbound(void *arg, const struct sms_inbound *m)
{
	struct threaded		*t = arg;
	struct report_item	*ri;

	if ((ri = item_new(m->from, m->text)) == NULL)
		return;		/* the provider answered it; it is lost */
	ri->inbound = 1;
	mailbox_post(t->reports, &ri->item);
}

/*
 * inner_closed - the inner backend said goodbye (or has no goodbye to say):
 * what is still in flight is reported through job_done, the thread ends
 */
static void
inner_closed(void *arg)
{
	struct threaded	*t = arg;

	backend_free(t->inner);
	t->inner = NULL;
	event_base_loopbreak(t->tbase);
}

/* thread_fed - a new job, or the order to stop, arrived */
static void
thread_fed(struct mailbox_item *item, void *arg)
{
	struct threaded	*t = arg;
	struct job	*j;
	int		 quit;

	if (item == &t->stop) {
		if (t->inner->ops->close != NULL)
			t->inner->ops->close(t->inner, inner_closed, t);
		else
			inner_closed(t);
		return;
	}
	j = mailbox_entry(item, struct job, item);
	quit = atomic_load(&t->quit);
	if (!quit && backend_submit(t->inner, &j->sms, job_done, j) == 0)
		return;
	job_done(j, &(struct sms_outcome){ .result = SMS_TEMPFAIL,
	    .reason = quit ? "backend shut down" :
	    "backend cannot take it now" });
}

static void *
thread_main(void *arg)
{
	struct threaded	*t = arg;

	event_base_dispatch(t->tbase);
	return NULL;
}

/* ---- the caller's loop ---- */

/* result_back - the thread answered; idle, the loop keeps no event here */
static void
result_back(struct mailbox_item *item, void *arg)
{
	struct threaded	*t = arg;
	struct job	*j = mailbox_entry(item, struct job, item);

	sms_kept_report(&j->kept, j->cb, j->arg);
	free(j);
	if (t->b.in_flight == 0)
		(void)mailbox_watch(t->results, 0);
}

/* job_discard - a mailbox freed with a job in it (only if a bug left one) */
static void
job_discard(struct mailbox_item *item, void *arg)
{
	struct threaded	*t = arg;
	struct job	*j;

	if (item == &t->stop)
		return;
	j = mailbox_entry(item, struct job, item);
	sms_kept_clear(&j->kept);
	free(j);
}

/* report_back - a delivery report reaches the caller's listener */
static void
report_back(struct mailbox_item *item, void *arg)
{
	struct threaded		*t = arg;
	struct report_item	*ri = mailbox_entry(item, struct report_item,
				    item);

	if (ri->inbound)
		backend_inbound(&t->b, &(struct sms_inbound){
		    .from = ri->provider_id, .text = ri->raw });
	else
		backend_report(&t->b, &(struct sms_delivery_report){
		    .provider_id = ri->provider_id, .state = ri->state,
		    .when = ri->when, .raw = ri->raw });
	free(ri);
}

/* report_discard - a report still in the mailbox when it is freed */
static void
report_discard(struct mailbox_item *item, void *arg)
{
	(void)arg;
	free(mailbox_entry(item, struct report_item, item));
}

/* watch_reports - the mailbox is watched while reports or messages are wanted */
static void
watch_reports(struct threaded *t)
{
	(void)mailbox_watch(t->reports, (t->reporting &&
	    t->inner->ops->reports) || t->inbound);
}

/* threaded_reporter_set - watch for reports while they are wanted */
static void
threaded_reporter_set(struct backend *b, int on)
{
	struct threaded	*t = (struct threaded *)b;

	t->reporting = on;
	watch_reports(t);
}

/* threaded_inbound_set - watch for subscribers' messages while wanted */
static void
threaded_inbound_set(struct backend *b, int on)
{
	struct threaded	*t = (struct threaded *)b;

	t->inbound = on;
	watch_reports(t);
}

/* threaded_submit - copy the SMS into a job and hand it to the thread */
static int
threaded_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct threaded	*t = (struct threaded *)b;
	struct job	*j;

	j = calloc(1, sizeof(*j) + sms_strings_size(sms));
	if (j == NULL)
		return -1;
	/* b.in_flight counts the jobs not back yet (backend.c keeps it) */
	if (t->b.in_flight == 0 && mailbox_watch(t->results, 1) == -1) {
		free(j);
		return -1;
	}
	j->t = t;
	j->cb = cb;
	j->arg = arg;
	sms_copy(&j->sms, sms, j->strings);
	mailbox_post(t->inbox, &j->item);
	return 0;
}

/*
 * threaded_free - stop the thread (it ends the inner backend, whose requests
 * still running come back as temporary failures), then report what came back.
 */
static void
threaded_free(struct backend *b)
{
	struct threaded	*t = (struct threaded *)b;

	if (t->running) {
		atomic_store(&t->quit, 1);
		mailbox_post(t->inbox, &t->stop);
		pthread_join(t->tid, NULL);
		mailbox_drain(t->results);
		mailbox_drain(t->reports);
	}
	if (t->inner != NULL)
		backend_free(t->inner);
	mailbox_free(t->inbox);
	mailbox_free(t->results);
	mailbox_free(t->reports);
	event_base_free(t->tbase);
	free(t);
}

static const struct backend_ops threaded_ops = {
	.name = "threaded", .submit = threaded_submit, .free = threaded_free,
	.reporter_set = threaded_reporter_set,
	.inbound_set = threaded_inbound_set,
};

/* start - the thread, with every signal left to the main thread */
static int
start(struct threaded *t)
{
	sigset_t	 all, old;
	int		 rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t->tid, NULL, thread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	/* top -H shows it by the backend's name: http, outbox, dsn-outbox */
	pthread_setname_np(t->tid, t->inner->ops->name);
	t->running = 1;
	return 0;
}

/*
 * backend_thread_new - run inner, made on tbase, on its own thread; the
 * result is used from base. Owns inner and tbase from the call on, also when
 * it fails.
 */
struct backend *
backend_thread_new(struct backend *inner, struct event_base *tbase,
    struct event_base *base, char *err, size_t errlen)
{
	struct threaded	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		backend_free(inner);
		event_base_free(tbase);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->b.ops = &threaded_ops;
	t->b.base = base;
	t->b.max_in_flight = inner->max_in_flight;
	t->inner = inner;
	t->tbase = tbase;
	/* set before the thread starts; it calls it on tbase */
	backend_set_reporter(inner, thread_report, t);
	backend_set_inbound(inner, thread_inbound, t);
	if (inner->ops->has_link) {
		/* pthread_create orders this before the thread's stores */
		backend_link_init(&t->link, BACKEND_LINK_BINDING);
		inner->link = t->b.link = &t->link;
	}
	atomic_init(&t->quit, 0);
	/* the results are watched only while jobs are out */
	if ((t->inbox = mailbox_new(tbase, thread_fed, job_discard, t)) == NULL ||
	    (t->results = mailbox_new(base, result_back, job_discard,
	    t)) == NULL || mailbox_watch(t->results, 0) == -1 ||
	    (t->reports = mailbox_new(base, report_back, report_discard,
	    t)) == NULL || mailbox_watch(t->reports, 0) == -1 ||
	    start(t) == -1) {
		snprintf(err, errlen, "backend thread: %s", strerror(errno));
		threaded_free(&t->b);
		return NULL;
	}
	return &t->b;
}
