/*
 * passwd_check.c - AUTH password checks on worker threads: a queue the
 * workers take requests from, the users set they share with the loop, the
 * answers back through a mailbox; cancelled requests are never answered.
 */
#include <sys/queue.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "sms/lib/mailbox.h"
#include "sms/lib/stats.h"
#include "smtpd/policy/passwd_check.h"

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_DONE };

struct auth_request {
	TAILQ_ENTRY(auth_request) entry;	/* in the checker's queue */
	struct mailbox_item done;	/* on its way back to the loop */
	struct auth_checker *c;
	enum req_state	 state;
	int		 cancelled;
	int		 invalid;	/* name or password too long: fails */
	int		 ok;
	auth_done_cb	*cb;
	void		*arg;
	char		 user[AUTH_USER_MAX + 1];
	char		 pass[AUTH_PASS_MAX + 1];
};

TAILQ_HEAD(req_list, auth_request);

struct worker {
	struct auth_checker *c;
	pthread_t	 tid;
	struct auth_scratch *scratch;
};

/*
 * Everything below the mutex is shared with the workers. A request is in
 * queue (QUEUED), owned by one worker (RUNNING) or in the results mailbox
 * (DONE) until the loop thread delivers it.
 */
struct auth_checker {
	struct mailbox	*results;
	struct worker	*w;
	unsigned	 nw;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stopping;
	struct req_list	 queue;
	struct auth_users *users;	/* current set: one reference */
};

/* req_free - wipe the password copy and free */
static void
req_free(struct auth_request *req)
{
	explicit_bzero(req->pass, sizeof(req->pass));
	free(req);
}

/* worker_main - take queued requests until the checker stops */
static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct auth_checker	*c = w->c;
	struct auth_request	*req;
	struct auth_users	*u, *unused;
	int			 ok, answer;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stopping && TAILQ_EMPTY(&c->queue))
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stopping)
			break;
		req = TAILQ_FIRST(&c->queue);
		TAILQ_REMOVE(&c->queue, req, entry);
		req->state = REQ_RUNNING;
		u = c->users;
		auth_users_hold(u);
		pthread_mutex_unlock(&c->mu);

		ok = auth_users_verify(u, req->invalid ? NULL : req->user,
		    req->pass, w->scratch);
		explicit_bzero(req->pass, sizeof(req->pass));
		stats_increment(ok ? STAT_AUTH_OK : STAT_AUTH_FAILED, 1);

		pthread_mutex_lock(&c->mu);
		unused = auth_users_drop(u);
		answer = !req->cancelled;
		if (answer) {
			req->ok = ok;
			req->state = REQ_DONE;
		} else
			req_free(req);
		pthread_mutex_unlock(&c->mu);
		auth_users_free(unused);
		/* DONE: auth_cancel only flags it, the loop frees it */
		if (answer)
			mailbox_post(c->results, &req->done);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/*
 * deliver_result - loop thread: a finished check. A callback may cancel a
 * request the mailbox has yet to deliver: the flag is read here.
 */
static void
deliver_result(struct mailbox_item *item, void *arg)
{
	struct auth_request	*req = mailbox_entry(item, struct auth_request,
				    done);

	(void)arg;
	if (!req->cancelled)
		req->cb(req->arg, req->ok);
	req_free(req);
}

/* discard_result - the checker is freed: a finished check goes unheard */
static void
discard_result(struct mailbox_item *item, void *arg)
{
	(void)arg;
	req_free(mailbox_entry(item, struct auth_request, done));
}

/* checker_stop - stop and join the first n workers */
static void
checker_stop(struct auth_checker *c, unsigned n)
{
	unsigned	 i;

	pthread_mutex_lock(&c->mu);
	c->stopping = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	for (i = 0; i < n; i++)
		pthread_join(c->w[i].tid, NULL);
}

/* checker_release - everything but the threads */
static void
checker_release(struct auth_checker *c)
{
	struct auth_request	*req;
	unsigned		 i;

	while ((req = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, req, entry);
		req_free(req);
	}
	mailbox_free(c->results);
	auth_users_free(auth_users_drop(c->users));
	for (i = 0; i < c->nw; i++)
		auth_scratch_free(c->w[i].scratch);
	free(c->w);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* auth_checker_new - workers block all signals: the loop handles them */
struct auth_checker *
auth_checker_new(struct event_base *base, unsigned nthreads)
{
	struct auth_checker	*c;
	sigset_t		 all, old;
	unsigned		 i;
	int			 rc;

	if (nthreads == 0)
		nthreads = 1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	TAILQ_INIT(&c->queue);
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->cv, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	if ((c->w = calloc(nthreads, sizeof(*c->w))) == NULL)
		goto fail;
	c->nw = nthreads;
	for (i = 0; i < nthreads; i++) {
		c->w[i].c = c;
		if ((c->w[i].scratch = auth_scratch_new()) == NULL)
			goto fail;
	}
	if ((c->results = mailbox_new(base, deliver_result, discard_result,
	    c)) == NULL)
		goto fail;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < nthreads; i++) {
		if ((rc = pthread_create(&c->w[i].tid, NULL, worker_main,
		    &c->w[i])) != 0)
			break;
		pthread_setname_np(c->w[i].tid, "auth");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < nthreads) {
		checker_stop(c, i);
		checker_release(c);
		errno = rc;
		return NULL;
	}
	return c;
fail:
	rc = errno;
	checker_release(c);
	errno = rc;
	return NULL;
}

/* auth_checker_free - not from inside an auth_done_cb */
void
auth_checker_free(struct auth_checker *c)
{
	if (c == NULL)
		return;
	checker_stop(c, c->nw);
	checker_release(c);
}

/* auth_checker_set_users - running checks hold a reference to the old set */
void
auth_checker_set_users(struct auth_checker *c, struct auth_users *u)
{
	struct auth_users	*unused;

	/* u comes with the one reference a loaded set has: now the checker's */
	pthread_mutex_lock(&c->mu);
	unused = auth_users_drop(c->users);
	c->users = u;
	pthread_mutex_unlock(&c->mu);
	auth_users_free(unused);
}

/* auth_check - queue a check; the request is freed after its callback */
struct auth_request *
auth_check(struct auth_checker *c, const char *user, const char *password,
    auth_done_cb *cb, void *arg)
{
	struct auth_request	*req;
	size_t			 ulen, plen;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	req->c = c;
	req->cb = cb;
	req->arg = arg;
	ulen = strnlen(user, AUTH_USER_MAX + 1);
	plen = strnlen(password, AUTH_PASS_MAX + 1);
	if (ulen > AUTH_USER_MAX || plen > AUTH_PASS_MAX)
		req->invalid = 1;
	else {
		memcpy(req->user, user, ulen);
		memcpy(req->pass, password, plen);
	}
	pthread_mutex_lock(&c->mu);
	req->state = REQ_QUEUED;
	TAILQ_INSERT_TAIL(&c->queue, req, entry);
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return req;
}

/*
 * auth_cancel - a queued request is freed now; a running or finished one
 * when its worker or the loop gets to it. Not valid once the callback ran.
 */
void
auth_cancel(struct auth_request *req)
{
	struct auth_checker	*c;
	int			 drop = 0;

	if (req == NULL)
		return;
	c = req->c;
	pthread_mutex_lock(&c->mu);
	if (req->state == REQ_QUEUED) {
		TAILQ_REMOVE(&c->queue, req, entry);
		drop = 1;
	} else
		req->cancelled = 1;
	pthread_mutex_unlock(&c->mu);
	if (drop)
		req_free(req);
}
