/*
 * test_deadline.c - the DATA deadline: idle timeout after the last byte,
 * the minimum rate after the first second, whichever comes first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "smtpd/smtp/deadline.h"

/* no minimum rate: data_timeout after the last byte, however few came */
static void
test_idle_only(void **state)
{
	(void)state;
	assert_int_equal(deadline_data_ms(1000, 1000, 0, 600, 0), 601000);
	assert_int_equal(deadline_data_ms(1000, 50000, 3, 600, 0), 650000);
}

/* nothing sent: the first second is free, then the client is late */
static void
test_rate_first_second(void **state)
{
	(void)state;
	assert_int_equal(deadline_data_ms(1000, 1000, 0, 600, 500), 2000);
}

/* each byte earns 1/rate seconds: 500 bytes at 500 B/s earn one second */
static void
test_rate_credit(void **state)
{
	(void)state;
	assert_int_equal(deadline_data_ms(0, 900, 500, 600, 500), 2000);
	assert_int_equal(deadline_data_ms(0, 900, 1, 600, 500), 1002);
	assert_int_equal(deadline_data_ms(0, 900, 250, 600, 1000), 1250);
}

/* a fast client is bounded by the idle timeout, never past it */
static void
test_idle_caps_rate(void **state)
{
	(void)state;
	/* 10 MB earn 20000 s, but 10 s of silence ends it */
	assert_int_equal(deadline_data_ms(0, 5000, 10000000, 10, 500), 15000);
	/* huge counts do not overflow */
	assert_int_equal(deadline_data_ms(0, 7, UINT64_MAX, 10, 1), 10007);
}

/* the deadline only depends on what came: a slow drip falls behind */
static void
test_drip_falls_behind(void **state)
{
	int64_t	 t;

	(void)state;
	/* one byte every 200 ms: after 2 s, 10 bytes earned 20 ms */
	t = deadline_data_ms(0, 2000, 10, 600, 500);
	assert_true(t < 2000);
	assert_int_equal(t, 1020);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_only),
		cmocka_unit_test(test_rate_first_second),
		cmocka_unit_test(test_rate_credit),
		cmocka_unit_test(test_idle_caps_rate),
		cmocka_unit_test(test_drip_falls_behind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
