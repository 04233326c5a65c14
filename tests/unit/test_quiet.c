/*
 * test_quiet.c - quiet hours: their spellings, and the next allowed instant
 * across midnight, over weekends, through summer time changes in
 * Europe/Berlin and America/New_York (tzdata's files), over several zones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sms/lib/tzfile.h"
#include "sms/lib/quiet.h"

/* utc - an instant written as a UTC calendar time */
static int64_t
utc(int y, int mon, int d, int h, int min)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	return (int64_t)timegm(&tm);
}

/* next_in - quiet_next under spec in zones; asserts it found one */
static int64_t
next_in(const char *spec, int64_t now, const char *const *zones, size_t n,
    enum quiet_multi multi, const char **decider)
{
	struct quiet_rule	 r;
	int64_t			 next;
	const char		*d;

	assert_null(quiet_parse(spec, &r));
	assert_int_equal(quiet_next(now, &r, zones, n, multi, tz_offset, &next,
	    decider != NULL ? decider : &d), 0);
	return next;
}

static const char *const berlin[] = { "Europe/Berlin" };
static const char *const new_york[] = { "America/New_York" };

/* test_parse - the spellings taken and refused, and the canonical form */
static void
test_parse(void **state)
{
	static const struct {
		const char	*spec;
		const char	*canonical;	/* NULL: refused */
	} cases[] = {
		{ "21:00-08:00", "21:00-08:00" },
		{ "21:00-08:00,sat,sun", "21:00-08:00,sat,sun" },
		{ "sun sat 21:30-07:15", "21:30-07:15,sat,sun" },
		{ "SUN, Mon", "mon,sun" },
		{ "none", "none" },
		{ "08:00-21:00", "08:00-21:00" },
		{ "24:00-08:00", NULL },
		{ "21:60-08:00", NULL },
		{ "21:00-21:00", NULL },
		{ "21:00-08:00,22:00-23:00", NULL },
		{ "21-8", NULL },
		{ "", NULL },
		{ "monday", NULL },
		{ "mon,tue,wed,thu,fri,sat,sun", NULL },
	};
	struct quiet_rule	 r;
	char			 out[QUIET_SPEC_MAX + 1];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].canonical == NULL) {
			if (quiet_parse(cases[i].spec, &r) == NULL)
				fail_msg("\"%s\" taken", cases[i].spec);
			continue;
		}
		if (quiet_parse(cases[i].spec, &r) != NULL)
			fail_msg("\"%s\": %s", cases[i].spec,
			    quiet_parse(cases[i].spec, &r));
		quiet_format(&r, out, sizeof(out));
		assert_string_equal(out, cases[i].canonical);
	}
}

/* test_midnight - 21:30 in Berlin waits for 08:00 the next morning */
static void
test_midnight(void **state)
{
	int64_t	 now;

	(void)state;
	now = utc(2026, 12, 5, 20, 30);		/* 21:30 CET */
	assert_int_equal(next_in("21:00-08:00", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2026, 12, 6, 7, 0));
	/* 07:59:30 CET: to the minute, 08:00:00 */
	now = utc(2026, 12, 6, 6, 59) + 30;
	assert_int_equal(next_in("21:00-08:00", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2026, 12, 6, 7, 0));
	/* 12:00 CET is allowed: at once, to the second */
	now = utc(2026, 12, 6, 11, 0) + 17;
	assert_int_equal(next_in("21:00-08:00", now, berlin, 1, QUIET_LATEST,
	    NULL), now);
	/* a window within one day */
	now = utc(2026, 12, 6, 12, 0);		/* 13:00 CET */
	assert_int_equal(next_in("12:00-14:00", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2026, 12, 6, 13, 0));
}

/* test_weekend - Friday night waits for Monday 08:00 */
static void
test_weekend(void **state)
{
	int64_t	 now;

	(void)state;
	now = utc(2026, 12, 4, 21, 0);		/* Friday 22:00 CET */
	assert_int_equal(next_in("21:00-08:00,sat,sun", now, berlin, 1,
	    QUIET_LATEST, NULL), utc(2026, 12, 7, 7, 0));
	/* Saturday noon, days only: Monday 00:00 */
	now = utc(2026, 12, 5, 11, 0);
	assert_int_equal(next_in("sat,sun", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2026, 12, 6, 23, 0));
}

/* test_dst_berlin - the night the clocks go forward, and back */
static void
test_dst_berlin(void **state)
{
	int64_t	 now;

	(void)state;
	/* 22:00 CET; 08:00 is CEST, UTC+2: the night is an hour shorter */
	now = utc(2027, 3, 27, 21, 0);
	assert_int_equal(next_in("21:00-08:00", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2027, 3, 28, 6, 0));
	/* 22:00 CEST; 08:00 is CET, UTC+1 */
	now = utc(2026, 10, 24, 20, 0);
	assert_int_equal(next_in("21:00-08:00", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2026, 10, 25, 7, 0));
	/* a window ending in the skipped hour ends when the clocks jump */
	now = utc(2027, 3, 28, 0, 30);		/* 01:30 CET */
	assert_int_equal(next_in("01:00-02:30", now, berlin, 1, QUIET_LATEST,
	    NULL), utc(2027, 3, 28, 1, 0));	/* 03:00 CEST */
}

/* test_dst_new_york - the same in the US, on its own dates */
static void
test_dst_new_york(void **state)
{
	int64_t	 now;

	(void)state;
	now = utc(2027, 3, 14, 3, 0);		/* 22:00 EST, Saturday */
	assert_int_equal(next_in("21:00-08:00", now, new_york, 1, QUIET_LATEST,
	    NULL), utc(2027, 3, 14, 12, 0));	/* 08:00 EDT */
	now = utc(2026, 11, 1, 2, 0);		/* 22:00 EDT */
	assert_int_equal(next_in("21:00-08:00", now, new_york, 1, QUIET_LATEST,
	    NULL), utc(2026, 11, 1, 13, 0));	/* 08:00 EST */
}

/* test_multi_zone - New York and Los Angeles: latest and earliest */
static void
test_multi_zone(void **state)
{
	static const char *const us[] = { "America/New_York",
		"America/Los_Angeles" };
	static const char *const far[] = { "Asia/Tokyo", "America/New_York" };
	const char	*decider;
	int64_t		 now;

	(void)state;
	/* 09:00 in New York, 06:00 in Los Angeles */
	now = utc(2026, 12, 5, 14, 0);
	assert_int_equal(next_in("21:00-08:00", now, us, 2, QUIET_LATEST,
	    &decider), utc(2026, 12, 5, 16, 0));
	assert_string_equal(decider, "America/Los_Angeles");
	assert_int_equal(next_in("21:00-08:00", now, us, 2, QUIET_EARLIEST,
	    NULL), now);
	/* 01:00 in New York, 22:00 in Los Angeles: both quiet */
	now = utc(2026, 12, 5, 6, 0);
	assert_int_equal(next_in("21:00-08:00", now, us, 2, QUIET_EARLIEST,
	    &decider), utc(2026, 12, 5, 13, 0));
	assert_string_equal(decider, "America/New_York");
	assert_int_equal(next_in("21:00-08:00", now, us, 2, QUIET_LATEST,
	    &decider), utc(2026, 12, 5, 16, 0));
	/* never open at once: the later one's own morning */
	now = utc(2026, 12, 5, 12, 0);		/* 21:00 JST, 07:00 EST */
	assert_int_equal(next_in("18:00-08:00", now, far, 2, QUIET_LATEST,
	    &decider), utc(2026, 12, 5, 23, 0));
	assert_string_equal(decider, "Asia/Tokyo");
}

/* test_unknown_zone - no data: nothing to hold by */
static void
test_unknown_zone(void **state)
{
	static const char *const none[] = { "Nowhere/Atlantis", "../etc/passwd" };
	struct quiet_rule	 r;
	const char		*decider;
	int64_t			 next;
	int32_t			 off;

	(void)state;
	assert_null(quiet_parse("00:00-23:59", &r));
	assert_int_equal(quiet_next(utc(2026, 12, 5, 12, 0), &r, none, 2,
	    QUIET_LATEST, tz_offset, &next, &decider), -1);
	assert_int_equal(tz_offset("../etc/passwd", 0, &off), -1);
	assert_int_equal(tz_offset("Europe/Berlin", utc(2026, 7, 1, 0, 0),
	    &off), 0);
	assert_int_equal(off, 7200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_midnight),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_dst_berlin),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_multi_zone),
		cmocka_unit_test(test_unknown_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
