/*
 * stats_view.h - what smsrelayctl stats prints: the delivery statistics of
 * a span of days, summed by one key, as an aligned table or as CSV.
 */
#ifndef SMSRELAY_STATS_VIEW_H
#define SMSRELAY_STATS_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/buffer.h>

#include "smtpd/stats/dstats_table.h"

/* what one stats command asks for */
enum stats_by { STATS_BY_DAY, STATS_BY_USER, STATS_BY_DOMAIN,
	STATS_BY_BACKEND, STATS_BY_COUNTRY };

struct stats_query {
	int32_t		 since, until;	/* UTC days, both included */
	enum stats_by	 by;
	bool		 csv;
};

/*
 * stats_query_parse - "[--since DATE] [--until DATE] [--by KEY] [--csv]"
 * (DATE YYYY-MM-DD, KEY day, user, domain, backend or country); 0, or -1
 * with why in err. Both smsrelayctl and the daemon check with it.
 */
int	 stats_query_parse(int argc, const char *const argv[],
	    struct stats_query *, char *err, size_t errlen);
/* stats_query_line - q as the arguments of a command line, into out */
void	 stats_query_line(const struct stats_query *, char *out, size_t len);

/* ctl_stats - "ok" and the rows and total of t for args, or "error: ..." */
void	 ctl_stats(const struct dstats_table *, const char *args,
	    struct evbuffer *);

#endif
