/*
 * test_phone.c - libphonenumber through phone.cc (mobile, landline, too short,
 * the US, a number in no range), the RCPT refusals, the tzdata regions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "sms/convert/phone.h"
#include "sms/convert/region.h"
#include "smtpd/intake/check.h"

struct phone_case {
	const char		*e164;
	int			 rc;
	enum phone_verdict	 verdict;
	enum phone_type		 type;
	const char		*region;
};

/* test_numbers - a table of real number shapes */
static void
test_numbers(void **state)
{
	static const struct phone_case cases[] = {
		{ "+4917012345678", 0, PHONE_VALID, PHONE_TYPE_MOBILE, "DE" },
		{ "+4915112345678", 0, PHONE_VALID, PHONE_TYPE_MOBILE, "DE" },
		{ "+493012345678", 0, PHONE_VALID, PHONE_TYPE_FIXED_LINE, "DE" },
		{ "+4930", 0, PHONE_TOO_SHORT, PHONE_TYPE_UNKNOWN, "DE" },
		{ "+4917020000", 0, PHONE_NOT_IN_USE, PHONE_TYPE_UNKNOWN, "DE" },
		{ "+12125550123", 0, PHONE_VALID, PHONE_TYPE_FIXED_OR_MOBILE,
		  "US" },
		{ "+14165550123", 0, PHONE_VALID, PHONE_TYPE_FIXED_OR_MOBILE,
		  "CA" },
		{ "+18005550123", 0, PHONE_VALID, PHONE_TYPE_TOLL_FREE, "US" },
		{ "+79161234567", 0, PHONE_VALID, PHONE_TYPE_MOBILE, "RU" },
		{ "+61412345678", 0, PHONE_VALID, PHONE_TYPE_MOBILE, "AU" },
		{ "+9991234567", -1, PHONE_NO_COUNTRY, PHONE_TYPE_UNKNOWN, "" },
		{ "+491234567890123456", 0, PHONE_TOO_LONG, PHONE_TYPE_UNKNOWN,
		  "DE" },
		{ "not a number", -1, PHONE_NO_COUNTRY, PHONE_TYPE_UNKNOWN, "" },
	};
	struct phone_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (phone_check(cases[i].e164, &info) != cases[i].rc ||
		    info.verdict != cases[i].verdict ||
		    info.type != cases[i].type ||
		    strcmp(info.region, cases[i].region) != 0)
			fail_msg("%s: verdict %d type %s region \"%s\"",
			    cases[i].e164, info.verdict,
			    phone_type_name(info.type), info.region);
	}
	assert_string_equal(phone_type_name(PHONE_TYPE_FIXED_OR_MOBILE),
	    "fixed line or mobile");
}

/* refusal - check_number_kind's reply text for e164, "" if none */
static const char *
refusal(const struct conf *c, const char *e164, struct verdict *v)
{
	verdict_none(v);
	if (check_number_kind(c, e164, v) == 0)
		return "";
	assert_int_equal(v->code, 550);
	assert_string_equal(v->enhanced, "5.1.1");
	return v->text;
}

/* test_rcpt_refusals - the reasons the RCPT reply gives */
static void
test_rcpt_refusals(void **state)
{
	struct conf	 c;
	struct verdict	 v;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.numbers.validate = true;
	assert_string_equal(refusal(&c, "+4930", &v),
	    "<+4930>: too short for Germany");
	assert_string_equal(refusal(&c, "+4917020000", &v),
	    "<+4917020000>: not a number in use in Germany");
	assert_string_equal(refusal(&c, "+9991234567", &v),
	    "<+9991234567>: no country uses its country code");
	assert_string_equal(refusal(&c, "+493012345678", &v), "");
	c.numbers.refuse_fixed_line = true;
	assert_string_equal(refusal(&c, "+493012345678", &v),
	    "<+493012345678>: is a landline number and cannot receive SMS");
	assert_string_equal(refusal(&c, "+4917012345678", &v), "");
	/* the US: landline and mobile share ranges, never refused */
	assert_string_equal(refusal(&c, "+12125550123", &v), "");
	c.numbers.validate = false;
	assert_string_equal(refusal(&c, "+4930", &v), "");
}

/* test_regions - names and zones from tzdata */
static void
test_regions(void **state)
{
	const char	*z[REGION_ZONES_MAX];
	size_t		 n, i;
	bool		 ny = false, la = false;

	(void)state;
	assert_int_equal(region_load(NULL), 0);
	assert_string_equal(region_name("DE"), "Germany");
	assert_string_equal(region_name("XQ"), "XQ");
	n = region_zones("DE", z, REGION_ZONES_MAX);
	assert_true(n >= 1);
	assert_string_equal(z[0], "Europe/Berlin");
	n = region_zones("US", z, REGION_ZONES_MAX);
	assert_true(n > 10);
	for (i = 0; i < n; i++) {
		ny |= strcmp(z[i], "America/New_York") == 0;
		la |= strcmp(z[i], "America/Los_Angeles") == 0;
	}
	assert_true(ny && la);
	assert_int_equal(region_zones("XQ", z, REGION_ZONES_MAX), 0);
	assert_int_equal(region_zones("US", z, 2), 2);
}

/*
 * test_repeats - asked again, in another order, each number gets its own
 * verdict back (phone_check keeps recent ones): 5000 numbers clash in its
 * 1024 slots, valid and invalid side by side, and an over-long input
 */
static void
test_repeats(void **state)
{
	static struct phone_info first[5000];
	struct phone_info info;
	char	 n[32];
	int	 i, rc[5000];

	(void)state;
	for (i = 0; i < 5000; i++) {
		/* every other one a digit short of a German mobile number */
		snprintf(n, sizeof(n), "+49170%0*d", i % 2 ? 7 : 6, i);
		rc[i] = phone_check(n, &first[i]);
	}
	for (i = 4999; i >= 0; i--) {
		snprintf(n, sizeof(n), "+49170%0*d", i % 2 ? 7 : 6, i);
		assert_int_equal(phone_check(n, &info), rc[i]);
		assert_int_equal(info.verdict, first[i].verdict);
		assert_int_equal(info.type, first[i].type);
		assert_string_equal(info.region, first[i].region);
	}
	assert_int_equal(first[1].verdict, PHONE_VALID);
	assert_int_not_equal(first[0].verdict, PHONE_VALID);
	assert_int_equal(phone_check("+4917012345678901234567890", &info), -1);
	assert_int_equal(phone_check("+4917012345678901234567890", &info), -1);
	assert_int_equal(phone_check("+4917012345678", &info), 0);
	assert_int_equal(info.verdict, PHONE_VALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_rcpt_refusals),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_repeats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
