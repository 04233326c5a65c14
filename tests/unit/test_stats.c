/*
 * test_stats.c - the metrics table is well formed, each kind counts as it
 * says, threads lose no update, and what an update costs (ns per call).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sms/lib/stats.h"

#define THREADS		4
#define PER_THREAD	200000
#define BENCH_CALLS	2000000

static int
reset(void **state)
{
	(void)state;
	stats_reset();
	return 0;
}

/* prom_name - a Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]* */
static int
prom_name(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
		    s[i] == ':' || (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i > 0;
}

/* prom_label - "" or key="value" with no quote or backslash in value */
static int
prom_label(const char *s)
{
	const char	*eq = strchr(s, '=');
	size_t		 len = strlen(s);
	char		 key[64];

	if (len == 0)
		return 1;
	if (eq == NULL || (size_t)(eq - s) >= sizeof(key) || len < 3 ||
	    eq[1] != '"' || s[len - 1] != '"' ||
	    strpbrk(eq + 2, "\\") != NULL || strchr(eq + 2, '"') != s + len - 1)
		return 0;
	memcpy(key, s, (size_t)(eq - s));
	key[eq - s] = '\0';
	return prom_name(key);
}

/* collect - stats_foreach into an array, in the order given */
struct collected {
	struct stat_reading	 r[STAT_COUNT];
	size_t			 n;
};

static void
collect(const struct stat_reading *r, void *arg)
{
	struct collected	*c = arg;

	assert_true(c->n < STAT_COUNT);
	c->r[c->n++] = *r;
}

/* test_table - names, labels, help; the rows of a name agree and are adjacent */
static void
test_table(void **state)
{
	static struct collected	 c;
	const struct stat_reading *a, *b;
	size_t			 i, j;

	(void)state;
	c.n = 0;
	stats_foreach(collect, &c);
	assert_int_equal(c.n, STAT_COUNT);
	for (i = 0; i < c.n; i++) {
		a = &c.r[i];
		assert_int_equal(a->id, i);
		if (!prom_name(a->name) || !prom_label(a->label) ||
		    a->help == NULL || a->help[0] == '\0')
			fail_msg("row %zu: name \"%s\" label \"%s\"", i,
			    a->name, a->label);
		if (a->kind == STAT_HISTOGRAM) {
			assert_true(a->nbuckets >= 2);
			assert_true(a->nbuckets <= STATS_BUCKETS_MAX);
			for (j = 1; j < a->nbuckets; j++)
				assert_true(a->bounds[j - 1] < a->bounds[j]);
			assert_true(a->bounds[a->nbuckets - 1] == UINT64_MAX);
		} else
			assert_int_equal(a->nbuckets, 0);
		for (j = 0; j < i; j++) {
			b = &c.r[j];
			if (strcmp(a->name, b->name) != 0)
				continue;
			if (j + 1 != i && strcmp(c.r[i - 1].name, a->name) != 0)
				fail_msg("rows of %s not together", a->name);
			assert_int_equal(a->kind, b->kind);
			assert_string_equal(a->help, b->help);
			if (strcmp(a->label, b->label) == 0)
				fail_msg("%s{%s} twice", a->name, a->label);
		}
	}
}

/* test_counter_gauge - increments add up; a gauge also goes down and is set */
static void
test_counter_gauge(void **state)
{
	(void)state;
	assert_int_equal(stats_value(STAT_MSG_ACCEPTED), 0);
	stats_increment(STAT_MSG_ACCEPTED, 1);
	stats_increment(STAT_MSG_ACCEPTED, 41);
	assert_int_equal(stats_value(STAT_MSG_ACCEPTED), 42);
	/* a neighbour is untouched */
	assert_int_equal(stats_value(STAT_MSG_REFUSED_POLICY), 0);

	stats_increment(STAT_SESSIONS_OPEN, 3);
	stats_decrement(STAT_SESSIONS_OPEN, 1);
	assert_int_equal(stats_value(STAT_SESSIONS_OPEN), 2);
	stats_set(STAT_BACKEND_IN_FLIGHT, 64);
	stats_set(STAT_BACKEND_IN_FLIGHT, 17);
	assert_int_equal(stats_value(STAT_BACKEND_IN_FLIGHT), 17);

	stats_reset();
	assert_int_equal(stats_value(STAT_MSG_ACCEPTED), 0);
	assert_int_equal(stats_value(STAT_SESSIONS_OPEN), 0);
}

/* test_histogram - a value on a bound counts in that bound's bucket */
static void
test_histogram(void **state)
{
	struct stat_reading	 r;
	uint64_t		 sum = 0;
	size_t			 i, n;

	(void)state;
	stats_read(STAT_SPOOL_BATCH_WAITERS, &r);
	n = r.nbuckets;
	for (i = 0; i < n - 1; i++) {
		stats_observe(STAT_SPOOL_BATCH_WAITERS, r.bounds[i]);
		sum += r.bounds[i];
	}
	stats_observe(STAT_SPOOL_BATCH_WAITERS, r.bounds[n - 2] + 1);
	sum += r.bounds[n - 2] + 1;
	stats_observe(STAT_SPOOL_BATCH_WAITERS, 0);
	stats_read(STAT_SPOOL_BATCH_WAITERS, &r);
	/* 0 and bounds[0]; then one more for each bound; +Inf has one */
	assert_int_equal(r.counts[0], 2);
	for (i = 1; i < n - 1; i++)
		assert_int_equal(r.counts[i], i + 2);
	assert_int_equal(r.counts[n - 1], n + 1);
	assert_int_equal(r.value, (int64_t)sum);

	/* latencies: 150 us is under 250, over 100 */
	stats_observe(STAT_SPOOL_COMMIT_US, 150);
	stats_read(STAT_SPOOL_COMMIT_US, &r);
	assert_int_equal(r.bounds[0], 100);
	assert_int_equal(r.counts[0], 0);
	assert_int_equal(r.counts[1], 1);
	assert_int_equal(r.counts[r.nbuckets - 1], 1);
	assert_int_equal(r.value, 150);
	/* a huge one lands in +Inf */
	stats_observe(STAT_SPOOL_COMMIT_US, UINT64_MAX / 4);
	stats_read(STAT_SPOOL_COMMIT_US, &r);
	assert_int_equal(r.counts[r.nbuckets - 2], 1);
	assert_int_equal(r.counts[r.nbuckets - 1], 2);
}

static void *
hammer(void *arg)
{
	size_t	 i;

	(void)arg;
	for (i = 0; i < PER_THREAD; i++) {
		stats_increment(STAT_RCPT_SENT, 1);
		stats_increment(STAT_BACKEND_IN_FLIGHT, 1);
		stats_observe(STAT_BACKEND_REQUEST_US, i % 3000);
		stats_decrement(STAT_BACKEND_IN_FLIGHT, 1);
	}
	return NULL;
}

/* test_threads - updates from several threads at once all count */
static void
test_threads(void **state)
{
	pthread_t		 t[THREADS];
	struct stat_reading	 r;
	int64_t			 per_thread_sum = 0;
	size_t			 i;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (i = 0; i < PER_THREAD; i++)
		per_thread_sum += (int64_t)(i % 3000);
	assert_int_equal(stats_value(STAT_RCPT_SENT), THREADS * PER_THREAD);
	assert_int_equal(stats_value(STAT_BACKEND_IN_FLIGHT), 0);
	stats_read(STAT_BACKEND_REQUEST_US, &r);
	assert_int_equal(r.counts[r.nbuckets - 1], THREADS * PER_THREAD);
	assert_int_equal(r.value, THREADS * per_thread_sum);
}

/* ns_per_call - elapsed over calls, from stats' own clock */
static double
ns_per_call(uint64_t t0, size_t calls)
{
	return (double)(stats_now_us() - t0) * 1000.0 / (double)calls;
}

/*
 * test_cost - what an update costs, printed (TAP comments); asserted only
 * against a bound no machine misses, since this build has sanitizers
 */
static void
test_cost(void **state)
{
	uint64_t	 t0;
	double		 inc, obs, now;
	size_t		 i;

	(void)state;
	t0 = stats_now_us();
	for (i = 0; i < BENCH_CALLS; i++)
		stats_increment(STAT_RCPT_SENT, 1);
	inc = ns_per_call(t0, BENCH_CALLS);
	t0 = stats_now_us();
	for (i = 0; i < BENCH_CALLS; i++)
		stats_observe(STAT_SPOOL_COMMIT_US, i & 0xffff);
	obs = ns_per_call(t0, BENCH_CALLS);
	t0 = stats_now_us();
	for (i = 0; i < BENCH_CALLS; i++)
		(void)stats_now_us();
	now = ns_per_call(t0, BENCH_CALLS);
	printf("# stats_increment %.1f ns, stats_observe %.1f ns, "
	    "stats_now_us %.1f ns per call\n", inc, obs, now);
	assert_int_equal(stats_value(STAT_RCPT_SENT), BENCH_CALLS);
	assert_true(inc < 1000 && obs < 1000 && now < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_table, reset),
		cmocka_unit_test_setup(test_counter_gauge, reset),
		cmocka_unit_test_setup(test_histogram, reset),
		cmocka_unit_test_setup(test_threads, reset),
		cmocka_unit_test_setup(test_cost, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
