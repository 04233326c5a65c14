/*
 * backend_view.c - the backends as the administrator reads them: up, down
 * or throttled until when, probing; whether its session is bound and since
 * when; in flight, waiting, rate, failures.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "smtpd/ctl/backend_view.h"

#define MAX_BACKENDS	64

/* state_text - "up", "down until 2025-01-31T12:00:00Z (in 25s)", ... */
static void
state_text(const struct backend_status *st, int64_t now, char *out,
    size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)st->until;
	char		 when[32];

	if ((st->state != BACKEND_DOWN && st->state != BACKEND_THROTTLED) ||
	    gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		snprintf(out, len, "%s", backend_state_name(st->state));
		return;
	}
	snprintf(out, len, "%s until %s (in %" PRId64 "s)",
	    backend_state_name(st->state), when,
	    st->until > now ? st->until - now : 0);
}

/* ctl_backends - see backend_view.h */
void
ctl_backends(struct queue *q, int64_t now, struct evbuffer *out)
{
	struct backend_status	 st[MAX_BACKENDS];
	char			 state[80], link[96], rate[16];
	size_t			 i, n;

	n = queue_backends(q, st, MAX_BACKENDS);
	evbuffer_add_printf(out, "%-16s %-7s %-45s %-40s %9s %8s %7s %9s "
	    "%8s\n", "NAME", "TYPE", "STATE", "LINK", "IN-FLIGHT", "WAITING",
	    "RATE", "PARTS/MIN", "FAILURES");
	for (i = 0; i < n; i++) {
		state_text(&st[i], now, state, sizeof(state));
		backend_link_text(&st[i].link, now, link, sizeof(link));
		if (st[i].rate > 0)
			snprintf(rate, sizeof(rate), "%u/s", st[i].rate);
		else
			snprintf(rate, sizeof(rate), "-");
		evbuffer_add_printf(out, "%-16s %-7s %-45s %-40s %9zu %8zu %7s "
		    "%9u %8u\n", st[i].name, st[i].type, state, link,
		    st[i].in_flight, st[i].waiting, rate, st[i].parts_minute, st[i].failures);
	}
}
