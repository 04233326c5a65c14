/*
 * status_snapshot.h - everything the status page shows, gathered at one
 * moment from the queue, the backends, the stats and the history.
 */
#ifndef SMSRELAY_STATUS_SNAPSHOT_H
#define SMSRELAY_STATUS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "smtpd/http/status_history.h"
#include "smtpd/queue/queue.h"
#include "sms/transport/backend.h"

#define STATUS_OLDEST_MAX	10	/* oldest deferred messages shown */
#define STATUS_BACKENDS_MAX	32
#define STATUS_WALK_MAX		100000	/* messages counted per look */

/* the queue now: recipients by state */
enum status_queue_state { SQ_QUEUED, SQ_SENDING, SQ_DEFERRED, SQ_SCHEDULED,
	SQ_HELD, SQ_AWAITING_REPORT, SQ_STATES };

struct status_deferred {
	char		 id[QID_LEN + 1];
	char		 sender[HISTORY_SENDER_LEN];
	char		 to[64];
	int64_t		 arrival;
	int64_t		 next_try;
	uint32_t	 attempts;
	char		 reason[HISTORY_REASON_LEN];
};

struct status_latency {
	uint64_t	 count;		/* backend requests answered */
	uint64_t	 mean_us;
	uint64_t	 p50_us;	/* upper bound of the bucket; 0: none */
	uint64_t	 p95_us;
};

struct status_snapshot {
	int64_t			 now;
	size_t			 messages;	/* counted; see partial */
	size_t			 held;		/* on disk until due, not counted */
	int			 partial;	/* more than STATUS_WALK_MAX */
	size_t			 queue[SQ_STATES];
	struct status_deferred	 oldest[STATUS_OLDEST_MAX];
	size_t			 noldest;
	struct backend_status	 backends[STATUS_BACKENDS_MAX];
	size_t			 nbackends;
	struct status_latency	 latency;
	int64_t			 last_minute;	/* epoch minute of the last slot */
	uint32_t		 minutes[HIST_SERIES * HISTORY_MINUTES];
	uint64_t		 day_total[HIST_SERIES];
	struct history_row	 senders[HISTORY_SENDERS_TOP];
	size_t			 nsenders;
	struct history_row	 reasons[HISTORY_REASONS_MAX];
	size_t			 nreasons;
};

/* status_queue_state_name - "queued", "deferred", ... */
const char	*status_queue_state_name(enum status_queue_state);
/* status_series_name - "accepted", "sent", "delivered", "failed" */
const char	*status_series_name(enum history_series);

/*
 * status_snapshot_take - a new snapshot of q at now (the caller frees it);
 * NULL without memory. The queue walk stops after STATUS_WALK_MAX messages.
 */
struct status_snapshot *status_snapshot_take(struct queue *q, int64_t now);

#endif
