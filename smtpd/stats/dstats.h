/*
 * dstats.h - the daemon's delivery statistics: what intake and the queue
 * count, kept per UTC day in memory, saved under the spool by a worker.
 */
#ifndef SMSRELAY_DSTATS_H
#define SMSRELAY_DSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "smtpd/queue/message.h"
#include "smtpd/stats/dstats_table.h"

#define DSTATS_MAX_ROWS	200000	/* days kept x users x domains x ... */

/*
 * dstats_start - read the spool's statistics (a damaged file is logged,
 * kept aside as stats.bad, and the count starts afresh), start the saving
 * thread and the flush timer; 0, or -1 with err
 */
int	 dstats_start(struct event_base *, const struct conf *, char *err,
	    size_t errlen);
/* dstats_stop - stop the thread, save what is left (blocking), free */
void	 dstats_stop(void);

/*
 * The hooks; no-ops unless started. Any recipient of an SMS message counts
 * on the day (UTC, clock_now()) it happens.
 */
/* dstats_accepted - a recipient of an accepted message and its parts */
void	 dstats_accepted(const char *user, const char *sender,
	    const char *e164, uint32_t parts);
/*
 * dstats_ended - recipient i of m reached an end: DSTATS_DELIVERED, _RELAYED,
 * _FAILED or _EXPIRED; backend the one that took it, NULL if none did
 */
void	 dstats_ended(const struct message *m, uint32_t i,
	    const char *backend, enum dstats_counter);

/* dstats_failed - as dstats_ended: expired when status is 4.4.7, else failed */
void	 dstats_failed(const struct message *m, uint32_t i,
	    const char *backend, const char *status);

/* dstats_table_now - the live table, for the control socket; NULL if off */
const struct dstats_table *dstats_table_now(void);

/* dstats_day - the UTC day of t (seconds since the epoch) */
int32_t	 dstats_day(int64_t t);

#endif
