/*
 * status_history.h - what the status page shows of the last 24 hours: a
 * per-minute ring of counts, the busiest senders and the failure reasons.
 */
#ifndef SMSRELAY_STATUS_HISTORY_H
#define SMSRELAY_STATUS_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#define HISTORY_MINUTES		1440	/* slots of the ring: 24 hours */
#define HISTORY_HOURS		24
#define HISTORY_SENDERS_MAX	256	/* tracked; the page shows the top */
#define HISTORY_SENDERS_TOP	20
#define HISTORY_REASONS_MAX	32
#define HISTORY_SENDER_LEN	128	/* bytes kept of an address */
#define HISTORY_REASON_LEN	160	/* bytes kept of a reason's example */

/* the series of the ring, in this order */
enum history_series { HIST_ACCEPTED, HIST_SENT, HIST_DELIVERED, HIST_FAILED,
	HIST_SERIES };

/* a sender or a failure reason with its count over the last 24 hours */
struct history_row {
	char		 key[HISTORY_SENDER_LEN];	/* address, or status code */
	char		 example[HISTORY_REASON_LEN];	/* reasons: the latest text */
	uint64_t	 messages;	/* senders: messages; reasons: recipients */
	uint64_t	 recipients;	/* senders only */
};

/*
 * status_history_start - the ring's minute timer on base; the counters
 * are read from sms/lib/stats.h. -1 without memory. Loop thread only,
 * as are all the functions below.
 */
int	 status_history_start(struct event_base *);
/* status_history_stop - the timer goes and every count is forgotten */
void	 status_history_stop(void);

/* status_history_sender - an accepted message from sender to n recipients */
void	 status_history_sender(const char *sender, uint32_t nrcpts);
/* status_history_failure - a recipient failed for good: status, why */
void	 status_history_failure(const char *status, const char *why);

/*
 * status_history_minutes - the counts per minute of the last 24 hours,
 * oldest first, the current minute (counted so far) last; out holds
 * HIST_SERIES * HISTORY_MINUTES values, series after series. Returns the
 * epoch minute of the last slot.
 */
int64_t	 status_history_minutes(uint32_t *out);
/* status_history_top_senders - up to max rows, the busiest first */
size_t	 status_history_top_senders(struct history_row *, size_t max);
/* status_history_reasons - up to max rows, the most frequent first */
size_t	 status_history_reasons(struct history_row *, size_t max);

#endif
