/*
 * clock.c - the calendar clock: the system's plus a test offset read from
 * the file SMSRELAY_TEST_CLOCK names, and the listeners told when it moves.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "sms/lib/clock.h"
#include "sms/lib/log.h"

#define CLOCK_POLL_MS	100
#define OFFSET_MAX	(400LL * 366 * 86400)	/* four centuries either way */

struct listener {
	void	(*cb)(void *);
	void	 *arg;
};

/* read from any thread (backends stamp reports), written on the loop */
static _Atomic int64_t	 offset;
static const char	*path;
static struct event	*poll_ev;
static struct listener	 listeners[CLOCK_LISTENERS];

/* clock_now_ms - see clock.h */
int64_t
clock_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    atomic_load_explicit(&offset, memory_order_relaxed) * 1000;
}

/* clock_now - see clock.h */
int64_t
clock_now(void)
{
	return clock_now_ms() / 1000;
}

/* read_offset - the seconds the file holds; -1 if it holds no number */
static int
read_offset(int64_t *out)
{
	char	 buf[32], *end;
	FILE	*fp;
	size_t	 n;
	long long v;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || errno != 0 || v > OFFSET_MAX || v < -OFFSET_MAX ||
	    (*end != '\0' && *end != '\n'))
		return -1;
	*out = v;
	return 0;
}

/* clock_poll - a changed offset moves the clock and tells the listeners */
static void
clock_poll(evutil_socket_t fd, short what, void *arg)
{
	int64_t	 v;
	size_t	 i;

	(void)fd;
	(void)what;
	(void)arg;
	if (read_offset(&v) == -1 ||
	    v == atomic_load_explicit(&offset, memory_order_relaxed))
		return;
	atomic_store(&offset, v);
	log_info("test clock: %+" PRId64 "s", v);
	for (i = 0; i < CLOCK_LISTENERS; i++)
		if (listeners[i].cb != NULL)
			listeners[i].cb(listeners[i].arg);
}

/* clock_init - see clock.h */
int
clock_init(struct event_base *base, char *err, size_t errlen)
{
	struct timeval	 tv = { 0, CLOCK_POLL_MS * 1000 };
	int64_t		 v = 0;

	if ((path = getenv("SMSRELAY_TEST_CLOCK")) == NULL || *path == '\0')
		return 0;
	if (read_offset(&v) == -1) {
		snprintf(err, errlen, "SMSRELAY_TEST_CLOCK: %s holds no number "
		    "of seconds", path);
		return -1;
	}
	atomic_store(&offset, v);
	if ((poll_ev = event_new(base, -1, EV_PERSIST, clock_poll, NULL)) ==
	    NULL || event_add(poll_ev, &tv) == -1) {
		snprintf(err, errlen, "out of memory");
		clock_close();
		return -1;
	}
	log_info("test clock from %s: %+" PRId64 "s", path, v);
	return 0;
}

/* clock_close - see clock.h */
void
clock_close(void)
{
	if (poll_ev != NULL)
		event_free(poll_ev);
	poll_ev = NULL;
	memset(listeners, 0, sizeof(listeners));
}

/* clock_on_jump - see clock.h */
int
clock_on_jump(void (*cb)(void *), void *arg)
{
	size_t	 i;

	for (i = 0; i < CLOCK_LISTENERS; i++)
		if (listeners[i].cb == NULL) {
			listeners[i] = (struct listener){ cb, arg };
			return 0;
		}
	return -1;
}

/* clock_off_jump - see clock.h */
void
clock_off_jump(void (*cb)(void *), void *arg)
{
	size_t	 i;

	for (i = 0; i < CLOCK_LISTENERS; i++)
		if (listeners[i].cb == cb && listeners[i].arg == arg)
			listeners[i] = (struct listener){ NULL, NULL };
}
