/*
 * fdlimit.c - the daemon's file handle budget: the soft RLIMIT_NOFILE goes
 * up to the hard limit at start, and sessions get what the rest leaves.
 */
#include <sys/resource.h>
#include <limits.h>
#include <stdio.h>

#include "smtpd/smtp/fdlimit.h"

/* the daemon's own: listeners, spool, control, threads, the smarthost */
#define FD_OWN		64
#define FD_CEILING	(1UL << 20)	/* Linux's default fs.nr_open */

/* target - what the soft limit can be raised to */
static rlim_t
target(const struct rlimit *rl)
{
	if (rl->rlim_max == RLIM_INFINITY || rl->rlim_max > FD_CEILING)
		return FD_CEILING;
	return rl->rlim_max;
}

/* fdlimit_raise - see fdlimit.h */
unsigned long
fdlimit_raise(void)
{
	struct rlimit	 rl;
	rlim_t		 want;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 1024;
	want = target(&rl);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 &&
		    getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return 1024;
	}
	return rl.rlim_cur == RLIM_INFINITY ? FD_CEILING :
	    (unsigned long)rl.rlim_cur;
}

/* fdlimit_max - see fdlimit.h */
unsigned long
fdlimit_max(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 1024;
	return (unsigned long)target(&rl);
}

/* own - handles the daemon holds besides sessions */
static unsigned long
own(const struct conf *c)
{
	unsigned long n = FD_OWN + c->nlisten;
	size_t i;

	for (i = 0; i < conf_backend_count(c); i++)
		if (conf_backend_at(c, i)->type == BACKEND_HTTP)
			n += conf_backend_at(c, i)->http.max_connections;
		else if (conf_backend_at(c, i)->type == BACKEND_SMPP)
			n += 2;	/* transmitter and receiver at most */
	return n;
}

/* fdlimit_sessions - see fdlimit.h; at least one */
unsigned
fdlimit_sessions(const struct conf *c, unsigned long limit)
{
	unsigned long reserve = own(c);

	if (limit <= reserve + 1)
		return 1;
	if (limit - reserve > UINT_MAX)
		return UINT_MAX;
	return (unsigned)(limit - reserve);
}

/* fdlimit_warning - see fdlimit.h */
int
fdlimit_warning(const struct conf *c, unsigned long limit, char *buf,
    size_t len)
{
	unsigned fit = fdlimit_sessions(c, limit);

	if (fit >= c->smtp.max_sessions)
		return 0;
	snprintf(buf, len, "smtp.max_sessions = %u does not fit in %lu file "
	    "handles (RLIMIT_NOFILE; %lu kept for spool, backend and "
	    "listeners): at most %u sessions; raise the limit "
	    "(LimitNOFILE= in the systemd unit, ulimit -Hn) to %lu",
	    c->smtp.max_sessions, limit, own(c), fit,
	    own(c) + c->smtp.max_sessions);
	return 1;
}
