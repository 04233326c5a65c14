/*
 * stats_backend.c - per-backend metrics in a static table of named slots:
 * no allocation, no lock; a slot is written whole before it is counted.
 *
 * Backend names come from the configuration, so the rows of stats.c cannot
 * hold them. The slots are few (a route has a handful of backends) and
 * found by name with a short scan, which costs less than the request it
 * counts. A name keeps its slot across reloads so its counters never go
 * back, as Prometheus expects of a counter.
 */
#include <stdatomic.h>
#include <string.h>

#include "sms/lib/stats_backend.h"

struct backend_slot {
	_Alignas(64) char	 name[STATS_BACKEND_NAME_MAX];
	atomic_uint_least64_t	 outcomes[STATS_OUT_COUNT];
	atomic_uint_least64_t	 throttled_us;
	atomic_uint_least64_t	 latency_sum;
	atomic_uint_least64_t	 latency[STATS_BUCKETS_MAX];	/* per bucket */
};

/* the NONE slot is first, the configured names follow */
static struct backend_slot slots[STATS_BACKENDS_MAX + 1];
static atomic_size_t nslots;

#define OUTCOME_STATE(id, state, reason)	[STATS_OUT_##id] = state,
static const char *const outcome_states[STATS_OUT_COUNT] = {
	STATS_OUTCOMES(OUTCOME_STATE)
};
#undef OUTCOME_STATE
#define OUTCOME_REASON(id, state, reason)	[STATS_OUT_##id] = reason,
static const char *const outcome_reasons[STATS_OUT_COUNT] = {
	STATS_OUTCOMES(OUTCOME_REASON)
};
#undef OUTCOME_REASON

/* stats_outcome_state - "sent", "deferred", ... */
const char *
stats_outcome_state(enum stats_outcome o)
{
	return outcome_states[o];
}

/* stats_outcome_reason - "accepted", "bad_number", ... */
const char *
stats_outcome_reason(enum stats_outcome o)
{
	return outcome_reasons[o];
}

/* find - the slot called name among the n published, NULL if none */
static struct backend_slot *
find(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(slots[i].name, name) == 0)
			return &slots[i];
	return NULL;
}

/* add - publish a slot for name: its name first, then the count (release) */
static int
add(const char *name)
{
	size_t	 n = atomic_load_explicit(&nslots, memory_order_relaxed);
	size_t	 len = strlen(name);

	if (find(name, n) != NULL)
		return 0;
	if (n == STATS_BACKENDS_MAX + 1 || len >= STATS_BACKEND_NAME_MAX)
		return -1;
	memcpy(slots[n].name, name, len + 1);
	atomic_store_explicit(&nslots, n + 1, memory_order_release);
	return 0;
}

/* stats_backends_init - see stats_backend.h; runs on one thread only */
int
stats_backends_init(const char *const *names, size_t n)
{
	size_t	 i;
	int	 rc = add(STATS_BACKEND_NONE);

	for (i = 0; i < n; i++)
		if (names[i] != NULL && add(names[i]) == -1)
			rc = -1;
	return rc;
}

/* stats_backends_reset - for tests: each starts with no slot */
void
stats_backends_reset(void)
{
	atomic_store(&nslots, 0);
	memset(slots, 0, sizeof(slots));
}

/* slot_of - the slot of name, else NONE's; NULL before init */
static struct backend_slot *
slot_of(const char *name)
{
	size_t			 n = atomic_load_explicit(&nslots,
	    memory_order_acquire);
	struct backend_slot	*s = NULL;

	if (n == 0)
		return NULL;
	if (name != NULL)
		s = find(name, n);
	return s != NULL ? s : &slots[0];
}

/* stats_backend_outcome - one more of that outcome in the slot */
void
stats_backend_outcome(const char *backend, enum stats_outcome o)
{
	struct backend_slot	*s = slot_of(backend);

	if (s != NULL)
		atomic_fetch_add_explicit(&s->outcomes[o], 1,
		    memory_order_relaxed);
}

/* stats_backend_latency - into the first bucket whose bound holds us */
void
stats_backend_latency(const char *backend, uint64_t us)
{
	struct backend_slot	*s = slot_of(backend);
	size_t			 n, i = 0;
	const uint64_t		*bounds = stats_latency_bounds(&n);

	if (s == NULL)
		return;
	while (us > bounds[i])
		i++;
	atomic_fetch_add_explicit(&s->latency[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->latency_sum, us, memory_order_relaxed);
}

/* stats_backend_throttled - the pause's microseconds added */
void
stats_backend_throttled(const char *backend, uint64_t us)
{
	struct backend_slot	*s = slot_of(backend);

	if (s != NULL)
		atomic_fetch_add_explicit(&s->throttled_us, us,
		    memory_order_relaxed);
}

/* stats_backends_count - acquire: the names of that many slots are written */
size_t
stats_backends_count(void)
{
	return atomic_load_explicit(&nslots, memory_order_acquire);
}

/* stats_backend_read - each number atomically; buckets made cumulative */
void
stats_backend_read(size_t i, struct stats_backend_reading *r)
{
	struct backend_slot	*s = &slots[i];
	uint64_t		 sum = 0;
	size_t			 k;

	memset(r, 0, sizeof(*r));
	r->name = s->name;
	for (k = 0; k < STATS_OUT_COUNT; k++)
		r->outcomes[k] = atomic_load_explicit(&s->outcomes[k],
		    memory_order_relaxed);
	r->throttled_us = atomic_load_explicit(&s->throttled_us,
	    memory_order_relaxed);
	r->latency_sum = atomic_load_explicit(&s->latency_sum,
	    memory_order_relaxed);
	r->bounds = stats_latency_bounds(&r->nbuckets);
	for (k = 0; k < r->nbuckets; k++) {
		sum += atomic_load_explicit(&s->latency[k],
		    memory_order_relaxed);
		r->counts[k] = sum;
	}
}
