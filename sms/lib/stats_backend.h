/*
 * stats_backend.h - the metrics of each configured SMS backend: outcomes by
 * state and reason, request latency and time spent throttled, per name.
 */
#ifndef SMSRELAY_STATS_BACKEND_H
#define SMSRELAY_STATS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "sms/lib/stats.h"

/*
 * A recipient's outcome at a backend: a (state, reason) pair. The labels
 * are fixed words, so a scrape has a bounded number of series.
 */
#define STATS_OUTCOMES(M) \
	M(SENT, "sent", "accepted") \
	M(DELIVERED, "delivered", "handset_report") \
	M(DEFERRED_TEMP, "deferred", "temporary") \
	M(DEFERRED_THROTTLED, "deferred", "throttled") \
	M(FAILED_PERMANENT, "failed", "permanent") \
	M(FAILED_BAD_NUMBER, "failed", "bad_number") \
	M(FAILED_BLOCKED, "failed", "blocked") \
	M(FAILED_REPORT, "failed", "handset_report") \
	M(FAILED_QUIET_HOURS, "failed", "quiet_hours") \
	M(EXPIRED, "expired", "lifetime")

#define STATS_OUTCOME_ID(id, state, reason)	STATS_OUT_##id,
enum stats_outcome {
	STATS_OUTCOMES(STATS_OUTCOME_ID)
	STATS_OUT_COUNT
};
#undef STATS_OUTCOME_ID

/* the slot of outcomes that no backend answered (held past their validity) */
#define STATS_BACKEND_NONE	"none"
#define STATS_BACKENDS_MAX	64
#define STATS_BACKEND_NAME_MAX	64	/* with the NUL; longer: refused */

/*
 * stats_backends_init - a slot for each name (the configured backends, at
 * most STATS_BACKENDS_MAX, and STATS_BACKEND_NONE); once, before any thread
 * updates. A name given again at a reload keeps its slot and its counts;
 * a new name gets one while room is left. -1 when one is refused.
 */
int		 stats_backends_init(const char *const *names, size_t n);
/* stats_backends_reset - no slot at all; while no other thread updates */
void		 stats_backends_reset(void);

/*
 * Updates: relaxed atomics, any thread, no lock. An unknown or NULL name
 * counts in the STATS_BACKEND_NONE slot.
 */
/* stats_backend_outcome - one recipient's outcome at backend */
void		 stats_backend_outcome(const char *backend, enum stats_outcome);
/* stats_backend_latency - one request's submit-to-answer microseconds */
void		 stats_backend_latency(const char *backend, uint64_t us);
/* stats_backend_throttled - microseconds the backend is paused, added */
void		 stats_backend_throttled(const char *backend, uint64_t us);

/* what one backend's slot holds now */
struct stats_backend_reading {
	const char	*name;
	uint64_t	 outcomes[STATS_OUT_COUNT];
	uint64_t	 throttled_us;
	uint64_t	 latency_sum;
	size_t		 nbuckets;
	const uint64_t	*bounds;	/* the last is UINT64_MAX (+Inf) */
	uint64_t	 counts[STATS_BUCKETS_MAX];	/* cumulative */
};

/* stats_outcome_state, stats_outcome_reason - the labels of an outcome */
const char	*stats_outcome_state(enum stats_outcome);
const char	*stats_outcome_reason(enum stats_outcome);

/* stats_backends_count - how many slots; stats_backend_read - slot i */
size_t		 stats_backends_count(void);
void		 stats_backend_read(size_t i, struct stats_backend_reading *);

#endif
