/*
 * backend_thread.c - runs a concrete backend on a thread with its own event
 * loop, so that provider I/O (libcurl, the outbox's fdatasync) leaves the SMTP loop.
 *
 * Submissions and results cross in two job lists under one mutex; an eventfd
 * wakes the other side only when a list turns non-empty, so a burst costs one
 * wake-up. The backend's callbacks still run on the caller's loop, as
 * backend.h promises; the thread never touches the queue's memory.
 */
#include <sys/eventfd.h>
#include <sys/queue.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "sms/transport/backend.h"

/* one SMS on its way to the thread and its result on the way back */
struct job {
	TAILQ_ENTRY(job)	 entry;
	struct threaded		*t;
	sms_done_cb		 cb;	/* the caller's side */
	void			*arg;
	struct sms		 sms;	/* strings point into strings[] */
	struct sms_kept		 kept;	/* set by the thread */
	char			 strings[];
};

TAILQ_HEAD(jobs, job);

struct threaded {
	struct backend		 b;	/* first: backend.c sees only this */
	struct backend		*inner;	/* lives on tbase, used by the thread */
	struct event_base	*tbase;
	struct event		*thread_ev;	/* on tbase: the inbox is fed */
	struct event		*loop_ev;	/* on b.base: results are back */
	int			 to_thread;	/* eventfds */
	int			 to_loop;
	pthread_t		 tid;
	int			 running;

	pthread_mutex_t		 mu;	/* guards what follows */
	struct jobs		 inbox;
	struct jobs		 outbox;
	int			 quit;
};

/* wake - count an event on an eventfd; it only ever needs to be non-zero */
static void
wake(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

/* drain - reset an eventfd */
static void
drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == -1 && errno == EINTR)
		;
}

/* post - append j to a list; wake its reader if the list was empty */
static void
post(struct threaded *t, struct jobs *list, struct job *j, int fd)
{
	int	 was_empty;

	pthread_mutex_lock(&t->mu);
	was_empty = TAILQ_EMPTY(list);
	TAILQ_INSERT_TAIL(list, j, entry);
	pthread_mutex_unlock(&t->mu);
	if (was_empty)
		wake(fd);
}

/* take - move every job of list into mine; also tell whether to quit */
static int
take(struct threaded *t, struct jobs *list, struct jobs *mine)
{
	int	 quit;

	TAILQ_INIT(mine);
	pthread_mutex_lock(&t->mu);
	TAILQ_CONCAT(mine, list, entry);
	quit = t->quit;
	pthread_mutex_unlock(&t->mu);
	return quit;
}

/* ---- the thread ---- */

/* job_done - the inner backend's answer: send the job back */
static void
job_done(void *arg, enum sms_result result, const char *provider_id,
    const char *reason)
{
	struct job	*j = arg;

	sms_kept_set(&j->kept, result, provider_id, reason);
	post(j->t, &j->t->outbox, j, j->t->to_loop);
}

/* thread_fed - new jobs, or the order to stop, arrived */
static void
thread_fed(evutil_socket_t fd, short ev, void *arg)
{
	struct threaded	*t = arg;
	struct jobs	 mine;
	struct job	*j;
	int		 quit;

	(void)ev;
	drain(fd);
	quit = take(t, &t->inbox, &mine);
	while ((j = TAILQ_FIRST(&mine)) != NULL) {
		TAILQ_REMOVE(&mine, j, entry);
		if (!quit && backend_submit(t->inner, &j->sms, job_done, j) == 0)
			continue;
		job_done(j, SMS_TEMPFAIL, NULL, quit ? "backend shut down" :
		    "backend cannot take it now");
	}
	if (quit) {
		/* what is still in flight is reported through job_done */
		backend_free(t->inner);
		t->inner = NULL;
		event_base_loopbreak(t->tbase);
	}
}

static void *
thread_main(void *arg)
{
	struct threaded	*t = arg;

	event_base_dispatch(t->tbase);
	return NULL;
}

/* ---- the caller's loop ---- */

/* report - the results that came back reach their callers */
static void
report(struct threaded *t)
{
	struct jobs	 mine;
	struct job	*j;

	(void)take(t, &t->outbox, &mine);
	while ((j = TAILQ_FIRST(&mine)) != NULL) {
		TAILQ_REMOVE(&mine, j, entry);
		sms_kept_report(&j->kept, j->cb, j->arg);
		free(j);
	}
}

/* results_back - the thread answered; idle, the loop keeps no event here */
static void
results_back(evutil_socket_t fd, short ev, void *arg)
{
	struct threaded	*t = arg;

	(void)ev;
	drain(fd);
	report(t);
	if (t->b.in_flight == 0)
		event_del(t->loop_ev);
}

/* copy - place s in the job's string space */
static const char *
copy(char **space, const char *s)
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

static size_t
size_of(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* threaded_submit - copy the SMS into a job and hand it to the thread */
static int
threaded_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct threaded	*t = (struct threaded *)b;
	struct job	*j;
	char		*space;

	j = calloc(1, sizeof(*j) + size_of(sms->ref) + size_of(sms->to) +
	    size_of(sms->from) + size_of(sms->text) + size_of(sms->encoding));
	if (j == NULL)
		return -1;
	/* b.in_flight counts the jobs not back yet (backend.c keeps it) */
	if (t->b.in_flight == 0 && event_add(t->loop_ev, NULL) == -1) {
		free(j);
		return -1;
	}
	j->t = t;
	j->cb = cb;
	j->arg = arg;
	space = j->strings;
	j->sms.ref = copy(&space, sms->ref);
	j->sms.to = copy(&space, sms->to);
	j->sms.from = copy(&space, sms->from);
	j->sms.text = copy(&space, sms->text);
	j->sms.encoding = copy(&space, sms->encoding);
	j->sms.parts = sms->parts;
	post(t, &t->inbox, j, t->to_thread);
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
		pthread_mutex_lock(&t->mu);
		t->quit = 1;
		pthread_mutex_unlock(&t->mu);
		wake(t->to_thread);
		pthread_join(t->tid, NULL);
		report(t);
	}
	if (t->inner != NULL)
		backend_free(t->inner);
	if (t->thread_ev != NULL)
		event_free(t->thread_ev);
	if (t->loop_ev != NULL)
		event_free(t->loop_ev);
	if (t->to_thread != -1)
		close(t->to_thread);
	if (t->to_loop != -1)
		close(t->to_loop);
	event_base_free(t->tbase);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static const struct backend_ops threaded_ops = {
	"threaded", threaded_submit, threaded_free
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
	TAILQ_INIT(&t->inbox);
	TAILQ_INIT(&t->outbox);
	pthread_mutex_init(&t->mu, NULL);
	t->to_thread = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->to_loop = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->to_thread == -1 || t->to_loop == -1 ||
	    (t->thread_ev = event_new(tbase, t->to_thread, EV_READ | EV_PERSIST,
	    thread_fed, t)) == NULL || event_add(t->thread_ev, NULL) == -1 ||
	    (t->loop_ev = event_new(base, t->to_loop, EV_READ | EV_PERSIST,
	    results_back, t)) == NULL || start(t) == -1) {
		snprintf(err, errlen, "backend thread: %s", strerror(errno));
		threaded_free(&t->b);
		return NULL;
	}
	return &t->b;
}
