/*
 * test_release.c - when a message may go and how urgently, without a
 * daemon: the date parsers, the header field finder, HOLDFOR/HOLDUNTIL and
 * the headers against queue.max_hold, and what makes a message express.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sms/lib/datetime.h"
#include "sms/lib/header_field.h"
#include "smtpd/intake/release.h"

#define NOW	1764972000	/* 2025-12-05T22:00:00Z */
#define WEEK	(7 * 86400)

struct time_case {
	const char	*in;
	int64_t		 want;		/* -1: refused */
};

/* check_parser - every case through one parser */
static void
check_parser(const char *(*parse)(const char *, size_t, int64_t *),
    const struct time_case *tc, size_t n)
{
	const char	*problem;
	int64_t		 t;
	size_t		 i;

	for (i = 0; i < n; i++) {
		t = -1;
		problem = parse(tc[i].in, strlen(tc[i].in), &t);
		if (tc[i].want == -1) {
			if (problem == NULL)
				fail_msg("%s: taken as %lld", tc[i].in,
				    (long long)t);
		} else if (problem != NULL || t != tc[i].want)
			fail_msg("%s: %s, %lld, want %lld", tc[i].in,
			    problem != NULL ? problem : "ok", (long long)t,
			    (long long)tc[i].want);
	}
}

static void
test_iso8601(void **state)
{
	static const struct time_case tc[] = {
		{ "2025-12-05T22:00:00Z", NOW },
		{ "2025-12-05T22:00Z", NOW },
		{ "2025-12-06T00:00:00+02:00", NOW },
		{ "2025-12-05T17:00-0500", NOW },
		{ "2025-12-06T00:00+02", NOW },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "2025-02-29T00:00:00Z", -1 },
		{ "2025-12-05T22:00:00", -1 },
		{ "2025-12-05 22:00:00Z", -1 },
		{ "2025-12-05T24:00:00Z", -1 },
		{ "2025-12-05T22:00:00+15:00", -1 },
		{ "2025-12-05T22:00:00.5Z", -1 },
		{ "2025-12-05T22:00:00Z ", -1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "1970-01-01T00:00:00+01:00", -1 },
		{ "9999-12-31T23:00:00-02:00", -1 },
		{ "9999-12-31T23:00:00+02:00", 253402290000 },
		{ "", -1 },
	};

	(void)state;
	check_parser(datetime_iso8601, tc, sizeof(tc) / sizeof(tc[0]));
}

static void
test_rfc3339(void **state)
{
	static const struct time_case tc[] = {
		{ "2025-12-05T22:00:00Z", NOW },
		{ "2025-12-05t22:00:00z", NOW },
		{ "2025-12-05T23:30:00+01:30", NOW },
		{ "2025-12-05T22:00:00.000Z", NOW },
		/* a fraction is rounded up: never released early */
		{ "2025-12-05T21:59:59.25Z", NOW },
		{ "2025-12-05T22:00Z", -1 },
		{ "2025-12-05T22:00:00+0100", -1 },
		{ "2025-12-05T22:00:00.Z", -1 },
		{ "2025-12-05T22:00:00", -1 },
		{ "2025-13-05T22:00:00Z", -1 },
	};

	(void)state;
	check_parser(datetime_rfc3339, tc, sizeof(tc) / sizeof(tc[0]));
}

static void
test_rfc5322(void **state)
{
	static const struct time_case tc[] = {
		{ "Fri, 05 Dec 2025 22:00:00 +0000", NOW },
		{ "5 Dec 2025 22:00 +0000", NOW },
		{ "Fri, 5 Dec 2025 17:00:00 -0500 (EST)", NOW },
		{ "Fri, 5 Dec 2025 17:00:00 EST", NOW },
		{ "Fri, 05 Dec 2025 22:00:00 GMT", NOW },
		{ "fri,  05 dec 2025 23:00:00 +0100", NOW },
		{ "Fri, 05 Dec 2025 22:00:00", -1 },
		{ "Fri 05 Dec 2025 22:00:00 +0000", -1 },
		{ "Fri, 05 December 2025 22:00:00 +0000", -1 },
		{ "Fri, 05 Dec 25 22:00:00 +0000", -1 },
		{ "Fri, 31 Nov 2025 22:00:00 +0000", -1 },
		{ "Fri, 05 Dec 2025 22:00:00 +0000 (UTC) x", -1 },
		{ "Fri, 05 Dec 2025 22:00:00 +0000 (UTC", -1 },
		{ "Fri, 05 Dec 2025 22:00:00 CET", -1 },
		{ "tomorrow", -1 },
	};

	(void)state;
	check_parser(datetime_rfc5322, tc, sizeof(tc) / sizeof(tc[0]));
}

static void
test_utc(void **state)
{
	char	 s[DATETIME_UTC_LEN + 1];

	(void)state;
	datetime_utc(NOW, s);
	assert_string_equal(s, "2025-12-05T22:00:00Z");
	datetime_utc(0, s);
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	datetime_utc(1709251199, s);
	assert_string_equal(s, "2024-02-29T23:59:59Z");
}

static void
test_header_field(void **state)
{
	static const char block[] =
	    "Subject: hi\r\nx-sms-send-at:  2025-12-05T22:00Z \r\n"
	    "Message-ID:\r\n <a@b>\r\nX-Long: one\r\n\ttwo  three\r\n"
	    "\r\nX-Body: not a header\r\n";
	char	 out[32], tiny[2];
	size_t	 n = sizeof(block) - 1;

	(void)state;
	assert_int_equal(header_field(block, n, "X-SMS-Send-At", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "2025-12-05T22:00Z");
	assert_int_equal(header_field(block, n, "Message-ID", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "<a@b>");
	assert_int_equal(header_field(block, n, "X-Long", out, sizeof(out)),
	    1);
	assert_string_equal(out, "one two three");
	/* the body is no header, nor is a longer name */
	assert_int_equal(header_field(block, n, "X-Body", out, sizeof(out)),
	    0);
	assert_int_equal(header_field(block, n, "Subjec", out, sizeof(out)),
	    0);
	assert_int_equal(header_field(block, n, "Subject", tiny,
	    sizeof(tiny)), -1);
	assert_string_equal(tiny, "");
	/* LF line ends and a block without its blank line */
	assert_int_equal(header_field("A: 1\nB: 2", 9, "B", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "2");
}

/* conf_hold - queue.max_hold of a week */
static struct conf
conf_hold(unsigned max_hold)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.queue.max_hold = max_hold;
	return c;
}

static void
test_hold(void **state)
{
	struct conf	 c = conf_hold(WEEK), off = conf_hold(0);
	struct verdict	 v;
	int64_t		 at;

	(void)state;
	assert_int_equal(release_hold(&c, 0, 0, 0, 0, NOW, &at, &v), 0);
	assert_int_equal(at, 0);
	assert_int_equal(release_hold(&c, 1, 3600, 0, 0, NOW, &at, &v), 0);
	assert_int_equal(at, NOW + 3600);
	assert_int_equal(release_hold(&c, 1, 0, 0, 0, NOW, &at, &v), 0);
	assert_int_equal(at, 0);
	assert_int_equal(release_hold(&c, 1, WEEK, 0, 0, NOW, &at, &v), 0);
	assert_int_equal(release_hold(&c, 1, WEEK + 1, 0, 0, NOW, &at, &v),
	    -1);
	assert_int_equal(v.code, 554);
	assert_string_equal(v.enhanced, "5.3.4");
	assert_int_equal(release_hold(&c, 0, 0, 1, NOW + WEEK, NOW, &at, &v),
	    0);
	assert_int_equal(at, NOW + WEEK);
	assert_int_equal(release_hold(&c, 0, 0, 1, NOW + WEEK + 1, NOW, &at,
	    &v), -1);
	assert_int_equal(v.code, 554);
	/* a time already past: at once */
	assert_int_equal(release_hold(&c, 0, 0, 1, NOW - 60, NOW, &at, &v), 0);
	assert_int_equal(at, 0);
	/* FUTURERELEASE off */
	assert_int_equal(release_hold(&off, 1, 60, 0, 0, NOW, &at, &v), -1);
	assert_int_equal(v.code, 555);
}

static void
test_header_release(void **state)
{
	static const char iso[] = "X-SMS-Send-At: 2025-12-06T00:00+02:00\r\n\r\n";
	static const char rfc[] =
	    "Deferred-Delivery: Fri, 05 Dec 2025 22:00:00 +0000\r\n\r\n";
	static const char bad[] = "Deferred-Delivery: soon\r\n\r\n";
	static const char none[] = "Subject: x\r\n\r\n";
	struct conf	 c = conf_hold(WEEK);
	struct verdict	 v;
	int64_t		 at = 0;

	(void)state;
	assert_int_equal(release_header(iso, sizeof(iso) - 1, &at, &v), 0);
	assert_int_equal(at, NOW);
	at = 0;
	assert_int_equal(release_header(rfc, sizeof(rfc) - 1, &at, &v), 0);
	assert_int_equal(at, NOW);
	at = 0;
	assert_int_equal(release_header(none, sizeof(none) - 1, &at, &v), 0);
	assert_int_equal(at, 0);
	assert_int_equal(release_header(bad, sizeof(bad) - 1, &at, &v), -1);
	assert_int_equal(v.code, 550);
	assert_string_equal(v.enhanced, "5.6.0");
	assert_non_null(strstr(v.text, "Deferred-Delivery"));
	assert_int_equal(release_within(&c, NOW + WEEK, NOW, "x", &v), 0);
	assert_int_equal(release_within(&c, NOW - WEEK * 2, NOW, "x", &v), 0);
	assert_int_equal(release_within(&c, NOW + WEEK + 1, NOW, "x", &v), -1);
	assert_int_equal(v.code, 554);
}

static void
test_priority(void **state)
{
	static const struct {
		const char	*block;
		int		 express;
	} tc[] = {
		{ "Subject: x\r\n\r\n", 0 },
		{ "Priority: urgent\r\n\r\n", 1 },
		{ "priority: URGENT\r\n\r\n", 1 },
		{ "Priority: normal\r\n\r\n", 0 },
		{ "X-Priority: 1\r\n\r\n", 1 },
		{ "X-Priority: 1 (Highest)\r\n\r\n", 1 },
		{ "X-Priority: 2 (High)\r\n\r\n", 0 },
		{ "X-Priority: 10\r\n\r\n", 0 },
		{ "Subject: x\r\n\r\nPriority: urgent\r\n", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++)
		if ((release_priority(tc[i].block, strlen(tc[i].block), 0) ==
		    SMS_PRIORITY_EXPRESS) != tc[i].express)
			fail_msg("%s: express should be %d", tc[i].block,
			    tc[i].express);
	assert_int_equal(release_priority("", 0, 1), SMS_PRIORITY_EXPRESS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_rfc5322),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_header_field),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_header_release),
		cmocka_unit_test(test_priority),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
