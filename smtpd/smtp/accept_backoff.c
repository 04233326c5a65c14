/*
 * accept_backoff.c - when accept(2) fails for want of file handles, the
 * listener pauses (100 ms, doubling to 2 s) so the loop does not spin on a
 * socket that stays readable; other accept errors are logged and passed.
 */
#include <errno.h>
#include <string.h>
#include <event2/util.h>

#include "smtpd/smtp/accept_backoff.h"
#include "sms/lib/log.h"

#define PAUSE_MIN_MS	100
#define PAUSE_MAX_MS	2000

/* resume - the pause is over: accept again */
static void
resume(evutil_socket_t fd, short ev, void *arg)
{
	struct accept_backoff *b = arg;

	(void)fd;
	(void)ev;
	if (b->l != NULL)
		evconnlistener_enable(b->l);
}

/* accept_backoff_init - see accept_backoff.h */
int
accept_backoff_init(struct accept_backoff *b, struct event_base *base,
    struct evconnlistener *l, const char *name)
{
	b->l = l;
	b->name = name;
	b->pauses = 0;
	if ((b->timer = evtimer_new(base, resume, b)) == NULL)
		return -1;
	return 0;
}

/* out_of_handles - errors that pass only once handles are given back */
static int
out_of_handles(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM;
}

/* accept_backoff_error - see accept_backoff.h */
void
accept_backoff_error(struct accept_backoff *b)
{
	int		 err = EVUTIL_SOCKET_ERROR();
	unsigned	 ms = PAUSE_MAX_MS;
	struct timeval	 tv;

	if (!out_of_handles(err)) {
		log_warnx("%s accept: %s", b->name, strerror(err));
		return;
	}
	b->pauses++;
	if (b->pauses < 6)
		ms = PAUSE_MIN_MS << (b->pauses - 1);
	if (ms > PAUSE_MAX_MS)
		ms = PAUSE_MAX_MS;
	evconnlistener_disable(b->l);
	tv = (struct timeval){ ms / 1000, (ms % 1000) * 1000 };
	if (evtimer_add(b->timer, &tv) == -1)
		evconnlistener_enable(b->l);
	log_warnx("%s accept: %s; not accepting for %u ms (pause %u in a row)",
	    b->name, strerror(err), ms, b->pauses);
}

/* accept_backoff_ok - see accept_backoff.h */
void
accept_backoff_ok(struct accept_backoff *b)
{
	if (b->pauses == 0)
		return;
	log_info("%s accepting again after %u pause%s", b->name, b->pauses,
	    b->pauses == 1 ? "" : "s");
	b->pauses = 0;
}

/* accept_backoff_free - the timer; the listener is the caller's */
void
accept_backoff_free(struct accept_backoff *b)
{
	if (b->timer != NULL)
		event_free(b->timer);
	b->timer = NULL;
	b->l = NULL;
}
