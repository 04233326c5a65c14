/*
 * fdlimit.h - the file handles the daemon may hold: RLIMIT_NOFILE raised to
 * the hard limit, and how many SMTP sessions fit beside everything else.
 */
#ifndef SMSRELAY_FDLIMIT_H
#define SMSRELAY_FDLIMIT_H

#include "conf/conf.h"

/* fdlimit_raise - soft limit up to the hard limit; the limit in force */
unsigned long	 fdlimit_raise(void);
/* fdlimit_max - the limit fdlimit_raise would reach, raising nothing */
unsigned long	 fdlimit_max(void);
/* fdlimit_sessions - sessions that fit in limit beside the daemon's own */
unsigned	 fdlimit_sessions(const struct conf *, unsigned long limit);
/* fdlimit_warning - why max_sessions does not fit into buf; 0 if it does */
int		 fdlimit_warning(const struct conf *, unsigned long limit,
		    char *buf, size_t len);

#endif
