/*
 * test_prom_format.c - the Prometheus text the formatter writes, byte for
 * byte (escaping, label order, histograms), and the per-backend slots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sms/lib/stats_backend.h"
#include "smtpd/http/prom_format.h"

static void
expect_text(struct buf *b, const char *want)
{
	assert_false(b->failed);
	assert_non_null(b->s);
	assert_string_equal(b->s, want);
	buf_free(b);
}

/* HELP escapes \ and newline but not the quote; TYPE as given */
static void
test_family(void **state)
{
	struct buf	 b = { 0 };

	(void)state;
	prom_family(&b, "x_total", "counter", "a \"b\" c\\d\ne");
	expect_text(&b, "# HELP x_total a \"b\" c\\\\d\\ne\n"
	    "# TYPE x_total counter\n");
}

/* no label: no braces; fixed first, then escaped values in order */
static void
test_sample_labels(void **state)
{
	struct buf		 b = { 0 };
	struct prom_label	 v[2] = { { "backend", "a\"b\\c\nd" },
	    { "state", "sent" } };
	struct prom_labels	 none = { "", NULL, 0 };
	struct prom_labels	 fixed = { "kind=\"x\"", NULL, 0 };
	struct prom_labels	 both = { "kind=\"x\"", v, 2 };
	struct prom_labels	 dyn = { NULL, v, 1 };

	(void)state;
	prom_sample(&b, "m", "", NULL, 0);
	prom_sample(&b, "m", "", &none, -3);
	prom_sample(&b, "m", "_total", &fixed, 7);
	prom_sample(&b, "m", "", &both, 9223372036854775807LL);
	prom_sample(&b, "m", "", &dyn, 1);
	expect_text(&b, "m 0\nm -3\nm_total{kind=\"x\"} 7\n"
	    "m{kind=\"x\",backend=\"a\\\"b\\\\c\\nd\",state=\"sent\"} "
	    "9223372036854775807\n"
	    "m{backend=\"a\\\"b\\\\c\\nd\"} 1\n");
}

/* microseconds as exact seconds */
static void
test_micros(void **state)
{
	struct buf		 b = { 0 };
	struct prom_label	 v = { "backend", "p" };
	struct prom_labels	 l = { NULL, &v, 1 };

	(void)state;
	prom_sample_micros(&b, "t_seconds_total", &l, 0);
	prom_sample_micros(&b, "t_seconds_total", &l, 3000001);
	prom_sample_micros(&b, "t_seconds_total", NULL, 999999);
	prom_sample_micros(&b, "t_seconds_total", NULL, 2500000);
	prom_sample_micros(&b, "t_seconds_total", NULL, 100);
	expect_text(&b, "t_seconds_total{backend=\"p\"} 0\n"
	    "t_seconds_total{backend=\"p\"} 3.000001\n"
	    "t_seconds_total 0.999999\nt_seconds_total 2.5\n"
	    "t_seconds_total 0.0001\n");
}

/* buckets with le last, +Inf for UINT64_MAX, _count the +Inf count */
static void
test_histogram(void **state)
{
	struct buf		 b = { 0 };
	const uint64_t		 bounds[3] = { 0, 100, UINT64_MAX };
	const uint64_t		 counts[3] = { 1, 4, 6 };
	struct prom_label	 v = { "backend", "x\"y" };
	struct prom_labels	 l = { NULL, &v, 1 };

	(void)state;
	prom_histogram(&b, "h_us", NULL, bounds, counts, 3, 812, 0);
	prom_histogram(&b, "h_us", &l, bounds, counts, 3, 5, 0);
	expect_text(&b,
	    "h_us_bucket{le=\"0\"} 1\nh_us_bucket{le=\"100\"} 4\n"
	    "h_us_bucket{le=\"+Inf\"} 6\nh_us_sum 812\nh_us_count 6\n"
	    "h_us_bucket{backend=\"x\\\"y\",le=\"0\"} 1\n"
	    "h_us_bucket{backend=\"x\\\"y\",le=\"100\"} 4\n"
	    "h_us_bucket{backend=\"x\\\"y\",le=\"+Inf\"} 6\n"
	    "h_us_sum{backend=\"x\\\"y\"} 5\n"
	    "h_us_count{backend=\"x\\\"y\"} 6\n");
}

/* microsecond bounds and sum shown as seconds, exactly */
static void
test_histogram_seconds(void **state)
{
	struct buf		 b = { 0 };
	const uint64_t		 bounds[4] = { 100, 2500, 1000000, UINT64_MAX };
	const uint64_t		 counts[4] = { 0, 2, 2, 3 };

	(void)state;
	prom_histogram(&b, "t_seconds", NULL, bounds, counts, 4, 31000250, 1);
	expect_text(&b, "t_seconds_bucket{le=\"0.0001\"} 0\n"
	    "t_seconds_bucket{le=\"0.0025\"} 2\n"
	    "t_seconds_bucket{le=\"1\"} 2\n"
	    "t_seconds_bucket{le=\"+Inf\"} 3\n"
	    "t_seconds_sum 31.00025\nt_seconds_count 3\n");
}

static int
reset_backends(void **state)
{
	(void)state;
	stats_backends_reset();
	return 0;
}

/* reading - slot i's reading, its name checked */
static void
reading(size_t i, const char *name, struct stats_backend_reading *r)
{
	stats_backend_read(i, r);
	assert_string_equal(r->name, name);
}

/* named slots; unknown and NULL names count as none; reinit keeps counts */
static void
test_backend_slots(void **state)
{
	const char	*names[2] = { "alpha", "beta" };
	const char	*again[2] = { "beta", "gamma" };
	char		 big[STATS_BACKEND_NAME_MAX + 1];
	const char	*toolong[1] = { big };
	struct stats_backend_reading r;

	(void)state;
	stats_backend_outcome("alpha", STATS_OUT_SENT);	/* before init */
	assert_int_equal(stats_backends_count(), 0);
	assert_int_equal(stats_backends_init(names, 2), 0);
	assert_int_equal(stats_backends_count(), 3);
	stats_backend_outcome("alpha", STATS_OUT_SENT);
	stats_backend_outcome("alpha", STATS_OUT_SENT);
	stats_backend_outcome("beta", STATS_OUT_FAILED_BLOCKED);
	stats_backend_outcome("nosuch", STATS_OUT_EXPIRED);
	stats_backend_outcome(NULL, STATS_OUT_FAILED_QUIET_HOURS);
	stats_backend_latency("beta", 150);
	stats_backend_latency("beta", 40000000);
	stats_backend_throttled("alpha", 2500000);
	assert_int_equal(stats_backends_init(again, 2), 0);
	assert_int_equal(stats_backends_count(), 4);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(stats_backends_init(toolong, 1), -1);
	assert_int_equal(stats_backends_count(), 4);

	reading(0, STATS_BACKEND_NONE, &r);
	assert_int_equal(r.outcomes[STATS_OUT_EXPIRED], 1);
	assert_int_equal(r.outcomes[STATS_OUT_FAILED_QUIET_HOURS], 1);
	reading(1, "alpha", &r);
	assert_int_equal(r.outcomes[STATS_OUT_SENT], 2);
	assert_int_equal(r.throttled_us, 2500000);
	assert_int_equal(r.counts[r.nbuckets - 1], 0);
	reading(2, "beta", &r);
	assert_int_equal(r.outcomes[STATS_OUT_FAILED_BLOCKED], 1);
	assert_int_equal(r.latency_sum, 40000150);
	assert_int_equal(r.counts[0], 0);		/* le 100 */
	assert_int_equal(r.counts[1], 1);		/* le 250 */
	assert_int_equal(r.counts[r.nbuckets - 2], 1);	/* le 30 s */
	assert_int_equal(r.counts[r.nbuckets - 1], 2);	/* +Inf */
	assert_true(r.bounds[r.nbuckets - 1] == UINT64_MAX);
	reading(3, "gamma", &r);
	assert_int_equal(r.outcomes[STATS_OUT_SENT], 0);
	assert_string_equal(stats_outcome_state(STATS_OUT_DEFERRED_THROTTLED),
	    "deferred");
	assert_string_equal(stats_outcome_reason(STATS_OUT_DEFERRED_THROTTLED),
	    "throttled");
}

/* a full table refuses new names; what it holds still counts */
static void
test_backend_full(void **state)
{
	char		 names[STATS_BACKENDS_MAX + 1][8];
	const char	*p[STATS_BACKENDS_MAX + 1];
	struct stats_backend_reading r;
	size_t		 i;

	(void)state;
	for (i = 0; i <= STATS_BACKENDS_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "b%zu", i);
		p[i] = names[i];
	}
	assert_int_equal(stats_backends_init(p, STATS_BACKENDS_MAX + 1), -1);
	assert_int_equal(stats_backends_count(), STATS_BACKENDS_MAX + 1);
	stats_backend_outcome(names[STATS_BACKENDS_MAX], STATS_OUT_SENT);
	reading(0, STATS_BACKEND_NONE, &r);
	assert_int_equal(r.outcomes[STATS_OUT_SENT], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_sample_labels),
		cmocka_unit_test(test_micros),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_histogram_seconds),
		cmocka_unit_test_setup(test_backend_slots, reset_backends),
		cmocka_unit_test_setup(test_backend_full, reset_backends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
