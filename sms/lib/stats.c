/*
 * stats.c - the metrics of stats.h: the table's rows, a cache line or more of
 * atomics each, updated with relaxed operations and read one number at a time.
 *
 * As OpenSMTPD's stat_increment() these are fire-and-forget calls; unlike
 * it, the set of metrics is fixed at compile time, so an update is an array
 * index and one atomic add (two for a histogram), with no lookup, lock or
 * allocation on the path of a message.
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "sms/lib/stats.h"

struct stat_buckets {
	size_t		 n;
	uint64_t	 bounds[STATS_BUCKETS_MAX];
};

/* microseconds: 100 us to 10 s, then +Inf */
static const struct stat_buckets latency_buckets = { 18, {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
	250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000,
	UINT64_MAX } };

/* items in a batch: none, then powers of two to 512, then +Inf */
static const struct stat_buckets size_buckets = { 12, {
	0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, UINT64_MAX } };

#define BUCKETS_NONE	NULL
#define BUCKETS_LATENCY	(&latency_buckets)
#define BUCKETS_SIZE	(&size_buckets)

struct stat_def {
	enum stat_kind		 kind;
	const struct stat_buckets *buckets;
	const char		*name;
	const char		*label;
	const char		*help;
};

#define STATS_DEF(id, kind, buckets, name, label, help) \
	[STAT_##id] = { STAT_##kind, BUCKETS_##buckets, name, label, help },
static const struct stat_def defs[STAT_COUNT] = {
	STATS_TABLE(STATS_DEF)
};
#undef STATS_DEF

/* a metric's numbers, alone on their cache lines: threads do not collide */
struct stat_cell {
	_Alignas(64) atomic_int_least64_t value;	/* histogram: the sum */
	atomic_uint_least64_t	 bucket[STATS_BUCKETS_MAX];	/* not cumulative */
};

static struct stat_cell cells[STAT_COUNT];

/* stats_increment - relaxed: a metric orders nothing else */
void
stats_increment(enum stat_id id, uint64_t n)
{
	atomic_fetch_add_explicit(&cells[id].value, (int_least64_t)n,
	    memory_order_relaxed);
}

/* stats_decrement - a gauge comes down: sessions closed, answers back */
void
stats_decrement(enum stat_id id, uint64_t n)
{
	atomic_fetch_sub_explicit(&cells[id].value, (int_least64_t)n,
	    memory_order_relaxed);
}

/* stats_set - a gauge read off its owner, such as a queue length */
void
stats_set(enum stat_id id, int64_t value)
{
	atomic_store_explicit(&cells[id].value, value, memory_order_relaxed);
}

/* stats_observe - the first bucket whose bound holds value */
void
stats_observe(enum stat_id id, uint64_t value)
{
	const struct stat_buckets	*b = defs[id].buckets;
	size_t				 i = 0;

	while (value > b->bounds[i])
		i++;
	atomic_fetch_add_explicit(&cells[id].bucket[i], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&cells[id].value, (int_least64_t)value,
	    memory_order_relaxed);
}

/* stats_latency_bounds - shared with the per-backend histograms */
const uint64_t *
stats_latency_bounds(size_t *n)
{
	*n = latency_buckets.n;
	return latency_buckets.bounds;
}

/* stats_now_us - CLOCK_MONOTONIC is read through the vDSO: no system call */
uint64_t
stats_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* stats_read - the buckets made cumulative here, not when counted */
void
stats_read(enum stat_id id, struct stat_reading *r)
{
	const struct stat_def	*d = &defs[id];
	uint64_t		 sum = 0;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->kind = d->kind;
	r->name = d->name;
	r->label = d->label;
	r->help = d->help;
	r->value = stats_value(id);
	if (d->buckets == NULL)
		return;
	r->nbuckets = d->buckets->n;
	r->micros = d->buckets == BUCKETS_LATENCY;
	r->bounds = d->buckets->bounds;
	for (i = 0; i < r->nbuckets; i++) {
		sum += atomic_load_explicit(&cells[id].bucket[i],
		    memory_order_relaxed);
		r->counts[i] = sum;
	}
}

/* stats_value - one number, without the histogram buckets */
int64_t
stats_value(enum stat_id id)
{
	return atomic_load_explicit(&cells[id].value, memory_order_relaxed);
}

/* stats_foreach - a reading on the stack, one metric at a time */
void
stats_foreach(stats_visit_cb *cb, void *arg)
{
	struct stat_reading	 r;
	int			 id;

	for (id = 0; id < STAT_COUNT; id++) {
		stats_read((enum stat_id)id, &r);
		cb(&r, arg);
	}
}

/* stats_reset - for tests: each starts from nothing */
void
stats_reset(void)
{
	size_t	 id, i;

	for (id = 0; id < STAT_COUNT; id++) {
		atomic_store(&cells[id].value, 0);
		for (i = 0; i < STATS_BUCKETS_MAX; i++)
			atomic_store(&cells[id].bucket[i], 0);
	}
}
