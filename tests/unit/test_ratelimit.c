/*
 * test_ratelimit.c - the sliding minute, the rolling day, AUTH failure
 * windows, key independence, and memory: probing allocates nothing,
 * expiry frees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <malloc.h>
#include <cmocka.h>

#include "sms/lib/log.h"
#include "smtpd/policy/ratelimit.h"

#define MINUTE	60000ULL
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)
/* a start aligned to the minute, the hour and 15 minutes, far from 0 */
#define T0	(100000 * HOUR)

#define PER_MINUTE	"messages per minute"
#define PER_DAY		"SMS parts per day"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#ifdef HAVE_ASAN
size_t	 __sanitizer_get_current_allocated_bytes(void);
#endif

static char	 last_warning[512];
static int	 nwarnings;

/* log_warnx - stands in for the daemon's logger, remembering the last line */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
	va_end(ap);
	nwarnings++;
}

/* allocated - bytes on the heap now, from whichever allocator is in use */
static size_t
allocated(void)
{
#ifdef HAVE_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

/* setup - a fresh table per test */
static int
setup(void **state)
{
	struct ratelimit	*rl;

	if ((rl = ratelimit_new()) == NULL)
		return -1;
	*state = rl;
	nwarnings = 0;
	last_warning[0] = '\0';
	return 0;
}

/* teardown - free the table; ASan reports anything left */
static int
teardown(void **state)
{
	ratelimit_free(*state);
	return 0;
}

/* expect_limit - ratelimit_exceeded answers want (NULL or the phrase) */
static void
expect_limit(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

struct step {
	uint64_t	 at;		/* ms after T0 */
	unsigned	 messages;	/* asked for */
	unsigned	 parts;
	const char	*want;
};

/* ten messages at T0 against ten a minute: the estimate decays linearly */
static const struct step minute_steps[] = {
	{ 0, 1, 0, PER_MINUTE },
	{ 0, 0, 0, NULL },
	{ 30000, 1, 0, PER_MINUTE },
	{ 59999, 1, 0, PER_MINUTE },
	/* next window, nothing elapsed: the previous one weighs fully */
	{ 60000, 1, 0, PER_MINUTE },
	/* half elapsed: 5 remain */
	{ 90000, 5, 0, NULL },
	{ 90000, 6, 0, PER_MINUTE },
	/* 0.9 elapsed: 1 remains */
	{ 114000, 9, 0, NULL },
	{ 114000, 10, 0, PER_MINUTE },
	{ 120000, 10, 0, NULL },
	{ 120000, 11, 0, PER_MINUTE },
	{ 10 * MINUTE, 10, 0, NULL },
};

/* test_minute_window - reach the limit, then watch it decay over a minute */
static void
test_minute_window(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 10, 0 };
	size_t			 i;

	for (i = 0; i < 10; i++) {
		expect_limit(ratelimit_exceeded(rl, RL_USER, "alice", &lim, 1,
		    1, T0), NULL);
		ratelimit_charge(rl, RL_USER, "alice", 1, 1, T0);
	}
	for (i = 0; i < sizeof(minute_steps) / sizeof(minute_steps[0]); i++)
		expect_limit(ratelimit_exceeded(rl, RL_USER, "alice", &lim,
		    minute_steps[i].messages, minute_steps[i].parts,
		    T0 + minute_steps[i].at), minute_steps[i].want);
}

/* test_minute_carry - a charge in the next window adds to the decayed rest */
static void
test_minute_carry(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 10, 0 };

	ratelimit_charge(rl, RL_CLIENT, "192.0.2.1", 8, 8, T0 + 59000);
	/* 8 * 0.5 + 4 = 8 */
	ratelimit_charge(rl, RL_CLIENT, "192.0.2.1", 4, 4, T0 + 90000);
	expect_limit(ratelimit_exceeded(rl, RL_CLIENT, "192.0.2.1", &lim, 2,
	    0, T0 + 90000), NULL);
	expect_limit(ratelimit_exceeded(rl, RL_CLIENT, "192.0.2.1", &lim, 3,
	    0, T0 + 90000), PER_MINUTE);
	/* two windows on, only the 4 weigh, by 0.5 */
	expect_limit(ratelimit_exceeded(rl, RL_CLIENT, "192.0.2.1", &lim, 8,
	    0, T0 + 150000), NULL);
	expect_limit(ratelimit_exceeded(rl, RL_CLIENT, "192.0.2.1", &lim, 9,
	    0, T0 + 150000), PER_MINUTE);
}

/* 60 parts at T0 + 30 min, 40 at T0 + 5 h, against 100 a day */
static const struct step day_steps[] = {
	{ 5 * HOUR, 0, 0, NULL },
	{ 5 * HOUR, 0, 1, PER_DAY },
	{ 23 * HOUR + 59 * MINUTE, 0, 1, PER_DAY },
	/* the hour of the first charge left the ring */
	{ 24 * HOUR, 0, 60, NULL },
	{ 24 * HOUR, 0, 61, PER_DAY },
	{ 28 * HOUR + 59 * MINUTE, 0, 61, PER_DAY },
	{ 29 * HOUR, 0, 100, NULL },
	{ 29 * HOUR, 0, 101, PER_DAY },
	{ 40 * DAY, 0, 100, NULL },
};

/* test_parts_per_day - the limit holds for 24 hours to the hour */
static void
test_parts_per_day(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 0, 100 };
	size_t			 i;

	expect_limit(ratelimit_exceeded(rl, RL_NUMBER, "+4917012345678", &lim,
	    1, 100, T0), NULL);
	expect_limit(ratelimit_exceeded(rl, RL_NUMBER, "+4917012345678", &lim,
	    1, 101, T0), PER_DAY);
	ratelimit_charge(rl, RL_NUMBER, "+4917012345678", 1, 60,
	    T0 + 30 * MINUTE);
	ratelimit_charge(rl, RL_NUMBER, "+4917012345678", 1, 40, T0 + 5 * HOUR);
	for (i = 0; i < sizeof(day_steps) / sizeof(day_steps[0]); i++)
		expect_limit(ratelimit_exceeded(rl, RL_NUMBER,
		    "+4917012345678", &lim, day_steps[i].messages,
		    day_steps[i].parts, T0 + day_steps[i].at),
		    day_steps[i].want);
}

/* test_ring_reuse - buckets cleared on the way round are not counted twice */
static void
test_ring_reuse(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 0, 240 };
	unsigned		 h;

	/* ten parts an hour for 30 hours: the ring never holds over 240 */
	for (h = 0; h < 30; h++) {
		expect_limit(ratelimit_exceeded(rl, RL_USER, "bob", &lim, 1,
		    10, T0 + h * HOUR), NULL);
		ratelimit_charge(rl, RL_USER, "bob", 1, 10, T0 + h * HOUR);
	}
	expect_limit(ratelimit_exceeded(rl, RL_USER, "bob", &lim, 0, 1,
	    T0 + 29 * HOUR), PER_DAY);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "bob", &lim, 0, 10,
	    T0 + 30 * HOUR), NULL);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "bob", &lim, 0, 11,
	    T0 + 30 * HOUR), PER_DAY);
}

/* test_minute_before_day - both passed: the minute is named */
static void
test_minute_before_day(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 1, 1 };

	ratelimit_charge(rl, RL_USER, "carol", 1, 1, T0);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "carol", &lim, 1, 1, T0),
	    PER_MINUTE);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "carol", &lim, 1, 1,
	    T0 + 2 * MINUTE), PER_DAY);
}

/* test_no_limits - a NULL or all-zero limit never refuses */
static void
test_no_limits(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 zero = { 0, 0 };

	ratelimit_charge(rl, RL_USER, "dave", 1000, 100000, T0);
	assert_null(ratelimit_exceeded(rl, RL_USER, "dave", NULL, 1, 1, T0));
	assert_null(ratelimit_exceeded(rl, RL_USER, "dave", &zero, UINT_MAX,
	    UINT_MAX, T0));
}

/* test_saturation - huge counts stick at the top instead of wrapping */
static void
test_saturation(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { UINT_MAX, UINT_MAX };

	assert_null(ratelimit_exceeded(rl, RL_USER, "erin", &lim, UINT_MAX,
	    UINT_MAX, T0));
	ratelimit_charge(rl, RL_USER, "erin", UINT_MAX, UINT_MAX, T0);
	ratelimit_charge(rl, RL_USER, "erin", UINT_MAX, UINT_MAX, T0);
	ratelimit_charge(rl, RL_USER, "erin", 1, 1, T0 + 1);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "erin", &lim, 1, 0,
	    T0 + 2), PER_MINUTE);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "erin", &lim, 0, 1,
	    T0 + 2 * MINUTE), PER_DAY);
}

struct probe {
	enum rl_scope	 scope;
	const char	*key;
	const char	*want;
};

/* after filling ("alice", RL_USER), only that pair is limited */
static const struct probe independence[] = {
	{ RL_USER, "alice", PER_MINUTE },
	{ RL_CLIENT, "alice", NULL },
	{ RL_NUMBER, "alice", NULL },
	{ RL_AUTHFAIL, "alice", NULL },
	{ RL_USER, "Alice", NULL },
	{ RL_USER, "alic", NULL },
	{ RL_USER, "alice ", NULL },
	{ RL_USER, "bob", NULL },
	{ RL_USER, "", NULL },
};

/* test_independent_keys - scopes and keys have their own counters */
static void
test_independent_keys(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 3, 0 };
	size_t			 i;

	ratelimit_charge(rl, RL_USER, "alice", 3, 3, T0);
	for (i = 0; i < sizeof(independence) / sizeof(independence[0]); i++)
		expect_limit(ratelimit_exceeded(rl, independence[i].scope,
		    independence[i].key, &lim, 1, 1, T0 + 1),
		    independence[i].want);
}

/* test_long_keys - keys agreeing in their first 255 octets share a counter */
static void
test_long_keys(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 1, 0 };
	char			 a[400], b[400], c[400];

	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[300] = 'y';
	memcpy(c, a, sizeof(c));
	c[100] = 'y';
	ratelimit_charge(rl, RL_USER, a, 1, 1, T0);
	expect_limit(ratelimit_exceeded(rl, RL_USER, b, &lim, 1, 0, T0),
	    PER_MINUTE);
	expect_limit(ratelimit_exceeded(rl, RL_USER, c, &lim, 1, 0, T0), NULL);
}

/* test_check_allocates_nothing - probing unknown keys leaves the heap alone */
static void
test_check_allocates_nothing(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 10, 100 };
	char			 key[32];
	size_t			 before, after;
	unsigned		 i;

	before = allocated();
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%u/%u", i % 256, i);
		assert_null(ratelimit_exceeded(rl, RL_CLIENT, key, &lim, 1, 1,
		    T0));
		assert_int_equal(ratelimit_failures(rl, key, 900, T0), 0);
	}
	after = allocated();
	assert_int_equal(after, before);

	/* the measure does see entries once they are charged */
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%u/%u", i % 256, i);
		ratelimit_charge(rl, RL_CLIENT, key, 1, 1, T0);
	}
	assert_true(allocated() > after + 20000 * 16);
}

/* test_expire - idle keys are freed after a day, active ones kept */
static void
test_expire(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 0, 10 };
	char			 key[32];
	size_t			 base, full;
	unsigned		 i;

	/* grow the bucket array first: it is kept once grown */
	for (i = 0; i < 5001; i++) {
		snprintf(key, sizeof(key), "warmup%u", i);
		ratelimit_charge(rl, RL_USER, key, 1, 1, T0);
	}
	ratelimit_expire(rl, T0 + DAY + 1);
	base = allocated();
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "+49170%07u", i);
		ratelimit_charge(rl, RL_NUMBER, key, 1, 1, T0 + DAY + 1);
	}
	ratelimit_charge(rl, RL_USER, "active", 1, 10, T0 + 2 * DAY);
	full = allocated();
	assert_true(full > base + 5000 * 16);

	/* idle exactly a day: kept */
	ratelimit_expire(rl, T0 + 2 * DAY + 1);
	assert_int_equal(allocated(), full);

	ratelimit_expire(rl, T0 + 2 * DAY + 2);
	assert_true(allocated() < full - 5000 * 16);
	/* the active key kept its parts */
	expect_limit(ratelimit_exceeded(rl, RL_USER, "active", &lim, 0, 1,
	    T0 + 2 * DAY + 2), PER_DAY);
	assert_int_equal(nwarnings, 0);

	ratelimit_expire(rl, T0 + 3 * DAY + 1);
	assert_int_equal(allocated(), base);
}

struct fail_step {
	uint64_t	 at;		/* ms after T0 */
	unsigned	 window_s;
	unsigned	 want;
};

/* five failures at T0 in a 15-minute window */
static const struct fail_step fail_steps[] = {
	{ 0, 900, 5 },
	{ 899999, 900, 5 },
	{ 900000, 900, 5 },
	/* half the previous window left: 2.5 rounds up */
	{ 1350000, 900, 3 },
	{ 1709999, 900, 1 },
	{ 1800000, 900, 0 },
	/* another window length is another count */
	{ 0, 600, 0 },
};

/* test_auth_failures - counted within the window, gone outside it */
static void
test_auth_failures(void **state)
{
	struct ratelimit	*rl = *state;
	unsigned		 i;

	for (i = 1; i <= 5; i++)
		assert_int_equal(ratelimit_fail(rl, "203.0.113.7", 900, T0),
		    i);
	for (i = 0; i < sizeof(fail_steps) / sizeof(fail_steps[0]); i++)
		assert_int_equal(ratelimit_failures(rl, "203.0.113.7",
		    fail_steps[i].window_s, T0 + fail_steps[i].at),
		    fail_steps[i].want);
	assert_int_equal(ratelimit_failures(rl, "203.0.113.8", 900, T0), 0);
	/* failures are not messages of the same key */
	assert_null(ratelimit_exceeded(rl, RL_CLIENT, "203.0.113.7",
	    &(struct rate_limits){ 1, 1 }, 1, 1, T0));

	/* a failure an hour later starts from 0 */
	assert_int_equal(ratelimit_fail(rl, "203.0.113.7", 900, T0 + HOUR), 1);
	/* a changed window starts afresh */
	assert_int_equal(ratelimit_fail(rl, "203.0.113.7", 600, T0 + HOUR), 1);
	assert_int_equal(ratelimit_failures(rl, "203.0.113.7", 600,
	    T0 + HOUR), 1);
	/* a zero window is one second */
	assert_int_equal(ratelimit_fail(rl, "::1", 0, T0), 1);
	assert_int_equal(ratelimit_failures(rl, "::1", 0, T0 + 1999), 1);
	assert_int_equal(ratelimit_failures(rl, "::1", 0, T0 + 2000), 0);
}

/* test_long_failure_window - kept past a day while the window needs it */
static void
test_long_failure_window(void **state)
{
	struct ratelimit	*rl = *state;

	ratelimit_fail(rl, "2001:db8::1", 2 * 86400, T0);
	ratelimit_fail(rl, "2001:db8::1", 2 * 86400, T0);
	ratelimit_expire(rl, T0 + 3 * DAY);
	assert_int_equal(ratelimit_failures(rl, "2001:db8::1", 2 * 86400,
	    T0 + 3 * DAY), 1);
	ratelimit_expire(rl, T0 + 4 * DAY + 1);
	assert_int_equal(ratelimit_failures(rl, "2001:db8::1", 2 * 86400,
	    T0 + 4 * DAY + 1), 0);
}

/* test_clock_back - an earlier time never clears counts */
static void
test_clock_back(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 2, 0 };

	ratelimit_charge(rl, RL_USER, "frank", 2, 0, T0 + 5 * MINUTE);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "frank", &lim, 1, 0, T0),
	    PER_MINUTE);
	ratelimit_charge(rl, RL_USER, "frank", 1, 0, T0);
	expect_limit(ratelimit_exceeded(rl, RL_USER, "frank", &lim, 0, 0,
	    T0 + 5 * MINUTE), PER_MINUTE);
}

/* test_table_full - past the cap failures are dropped, counted and logged */
static void
test_table_full(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 1, 0 };
	char			 key[32];
	unsigned		 i;

	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "10.%u.%u.%u", i >> 16,
		    (i >> 8) & 255, i & 255);
		assert_int_equal(ratelimit_fail(rl, key, 900, T0), 1);
	}
	assert_int_equal(ratelimit_fail(rl, "10.0.0.0", 900, T0), 2);
	/* a new client: its failure is not stored */
	assert_int_equal(ratelimit_fail(rl, "172.16.0.1", 900, T0), 1);
	assert_int_equal(ratelimit_fail(rl, "172.16.0.1", 900, T0), 1);
	assert_int_equal(ratelimit_failures(rl, "172.16.0.1", 900, T0), 0);
	/* failures do not crowd out the message limits */
	ratelimit_charge(rl, RL_CLIENT, "172.16.0.1", 1, 1, T0);
	expect_limit(ratelimit_exceeded(rl, RL_CLIENT, "172.16.0.1", &lim, 1,
	    0, T0), PER_MINUTE);

	ratelimit_expire(rl, T0 + 1);
	assert_int_equal(nwarnings, 1);
	assert_non_null(strstr(last_warning, "dropped_failures=2"));
	assert_non_null(strstr(last_warning, "dropped_charges=0"));
	ratelimit_expire(rl, T0 + 2);
	assert_int_equal(nwarnings, 1);
	/* once expired there is room again */
	ratelimit_expire(rl, T0 + DAY + 1);
	assert_int_equal(ratelimit_fail(rl, "172.16.0.1", 900, T0 + DAY + 1),
	    1);
	assert_int_equal(ratelimit_fail(rl, "172.16.0.1", 900, T0 + DAY + 1),
	    2);
}

/* test_null_keys - a missing key is neither counted nor a crash */
static void
test_null_keys(void **state)
{
	struct ratelimit	*rl = *state;
	struct rate_limits	 lim = { 1, 1 };

	ratelimit_charge(rl, RL_USER, NULL, 5, 5, T0);
	assert_null(ratelimit_exceeded(rl, RL_USER, NULL, &lim, 1, 1, T0));
	assert_int_equal(ratelimit_fail(rl, NULL, 900, T0), 1);
	assert_int_equal(ratelimit_failures(rl, NULL, 900, T0), 0);
	ratelimit_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_minute_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_minute_carry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parts_per_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ring_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_minute_before_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_saturation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_independent_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_allocates_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_failure_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_null_keys, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
