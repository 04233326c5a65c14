/*
 * test_number.c - number_parse over a table of real and hostile local parts,
 * number_allowed prefix matching, and a sentence for every error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/number.h"

struct parse_case {
	const char		*input;
	size_t			 len;		/* 0: strlen(input) */
	const char		*country;
	enum number_error	 error;
	const char		*e164;		/* when NUMBER_OK */
};

static const struct parse_case parse_cases[] = {
	/* international forms */
	{ "+4917012345678", 0, NULL, NUMBER_OK, "+4917012345678" },
	{ "+49 170 1234567", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "+49 (0) 170 1234567", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "+49(0)1701234567", 0, "49", NUMBER_OK, "+491701234567" },
	{ "+44 (0)20 7946 0958", 0, "49", NUMBER_OK, "+442079460958" },
	{ "+1 (212) 555-0123", 0, NULL, NUMBER_OK, "+12125550123" },
	{ "+358 (0) 40 1234567", 0, NULL, NUMBER_OK, "+358401234567" },
	{ "0049-170-1234567", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "00491701234567", 0, "43", NUMBER_OK, "+491701234567" },
	{ "0049 (0) 170/1234567", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "+49.170.123.45.67", 0, NULL, NUMBER_OK, "+491701234567" },
	{ " +49 170 1234567 ", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "+ 49 170 1234567", 0, NULL, NUMBER_OK, "+491701234567" },
	{ "+6831234", 0, NULL, NUMBER_OK, "+6831234" },
	{ "+123456789012345", 0, NULL, NUMBER_OK, "+123456789012345" },
	/* "(0)" past the country code is an ordinary 0 */
	{ "+49 170 (0) 123456", 0, NULL, NUMBER_OK, "+491700123456" },
	/* national forms */
	{ "01701234567", 0, "49", NUMBER_OK, "+491701234567" },
	{ "0170 123 45 67", 0, "49", NUMBER_OK, "+491701234567" },
	{ "(0170) 1234567", 0, "49", NUMBER_OK, "+491701234567" },
	{ "(0)170-1234567", 0, "49", NUMBER_OK, "+491701234567" },
	{ "0664 1234567", 0, "43", NUMBER_OK, "+436641234567" },
	{ "612345678", 0, "34", NUMBER_OK, "+34612345678" },
	{ "01701234567", 0, NULL, NUMBER_NO_COUNTRY, NULL },
	{ "01701234567", 0, "", NUMBER_NO_COUNTRY, NULL },
	{ "01701234567", 0, "049", NUMBER_NO_COUNTRY, NULL },
	{ "01701234567", 0, "4x", NUMBER_NO_COUNTRY, NULL },
	{ "01701234567", 0, "4949", NUMBER_NO_COUNTRY, NULL },
	{ "4917012345678", 0, NULL, NUMBER_NO_COUNTRY, NULL },
	{ "0123456789012345", 0, "49", NUMBER_TOO_LONG, NULL },
	{ "012345678901234", 0, "49", NUMBER_TOO_LONG, NULL },
	{ "01234567890123", 0, "49", NUMBER_OK, "+491234567890123" },
	/* country code */
	{ "+0049 170 1234567", 0, NULL, NUMBER_BAD_COUNTRY, NULL },
	{ "+01701234567", 0, NULL, NUMBER_BAD_COUNTRY, NULL },
	{ "0001701234567", 0, NULL, NUMBER_BAD_COUNTRY, NULL },
	{ "+49 0170 1234567", 0, "49", NUMBER_BAD_COUNTRY, NULL },
	{ "+43 0664 1234567", 0, "49", NUMBER_OK, "+4306641234567" },
	{ "+(0)49 170 1234567", 0, NULL, NUMBER_BAD_COUNTRY, NULL },
	/* length */
	{ "+", 0, NULL, NUMBER_TOO_SHORT, NULL },
	{ "00", 0, NULL, NUMBER_TOO_SHORT, NULL },
	{ "+49 170", 0, NULL, NUMBER_TOO_SHORT, NULL },
	{ "+683123", 0, NULL, NUMBER_TOO_SHORT, NULL },
	{ "0", 0, "49", NUMBER_TOO_SHORT, NULL },
	{ "+1234567890123456", 0, NULL, NUMBER_TOO_LONG, NULL },
	{ "0049 1234567890123456", 0, NULL, NUMBER_TOO_LONG, NULL },
	{ "+12345678901234567890123456789012345678901234567890", 0, NULL,
	    NUMBER_TOO_LONG, NULL },
	/* empty and garbage */
	{ "", 0, NULL, NUMBER_EMPTY, NULL },
	{ " - . / ( ) ", 0, "49", NUMBER_EMPTY, NULL },
	{ "++491701234567", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "49+1701234567", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "+49 170 1234567+", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "alice", 0, "49", NUMBER_BAD_CHAR, NULL },
	{ "+49_170_1234567", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "+49\t170\t1234567", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "+491701234567x", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "+49\xef\xbc\x91" "701234567", 0, NULL, NUMBER_BAD_CHAR, NULL },
	{ "\"+491701234567\"", 0, NULL, NUMBER_BAD_CHAR, NULL },
	/* bad characters win over length */
	{ "+12345678901234567890123456789012345678x", 0, NULL,
	    NUMBER_BAD_CHAR, NULL },
	/* embedded NUL inside len is a character, not the end */
	{ "+49170\0" "1234567", 14, NULL, NUMBER_BAD_CHAR, NULL },
	{ "\0", 1, NULL, NUMBER_BAD_CHAR, NULL },
	/* len bounds the input: the rest of the buffer is never looked at */
	{ "+491701234567garbage", 13, NULL, NUMBER_OK, "+491701234567" },
	{ "+49 (0)x", 6, NULL, NUMBER_TOO_SHORT, NULL },
};

/* test_parse_table - every case gives its error, and its number when valid */
static void
test_parse_table(void **state)
{
	const struct parse_case	*c;
	char			 out[E164_MAX + 1];
	size_t			 i, len;
	enum number_error	 error;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		len = c->len ? c->len : strlen(c->input);
		memset(out, 'X', sizeof(out));
		error = number_parse(c->input, len, c->country, out);
		if (error != c->error)
			print_message("# case %zu \"%.*s\": error %d\n", i,
			    (int)len, c->input, (int)error);
		assert_int_equal(error, c->error);
		if (c->error == NUMBER_OK)
			assert_string_equal(out, c->e164);
		else
			assert_string_equal(out, "");
	}
}

/* test_parse_unterminated - input read through len only, from the heap */
static void
test_parse_unterminated(void **state)
{
	static const char	 digits[] = "+4917012345678";
	char			*buf, out[E164_MAX + 1];

	(void)state;
	buf = malloc(sizeof(digits) - 1);
	assert_non_null(buf);
	memcpy(buf, digits, sizeof(digits) - 1);
	assert_int_equal(number_parse(buf, sizeof(digits) - 1, NULL, out),
	    NUMBER_OK);
	assert_string_equal(out, digits);
	free(buf);
	/* "(0" at the very end must not look one byte past for ')' */
	buf = malloc(10);
	assert_non_null(buf);
	memcpy(buf, "+4912345(0", 10);
	assert_int_equal(number_parse(buf, 10, NULL, out), NUMBER_OK);
	assert_string_equal(out, "+49123450");
	free(buf);
}

/* test_parse_huge - a long run of digits or separators stays bounded */
static void
test_parse_huge(void **state)
{
	static char	 buf[1 << 16];
	char		 out[E164_MAX + 1];

	(void)state;
	memset(buf, '9', sizeof(buf));
	buf[0] = '+';
	assert_int_equal(number_parse(buf, sizeof(buf), NULL, out),
	    NUMBER_TOO_LONG);
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + sizeof(buf) - 13, "+491701234567", 13);
	assert_int_equal(number_parse(buf, sizeof(buf), NULL, out),
	    NUMBER_OK);
	assert_string_equal(out, "+491701234567");
}

/* test_allowed - prefix match, and an empty list allows everything */
static void
test_allowed(void **state)
{
	char	*list[] = { "+49", "+43", "+4112" };

	(void)state;
	assert_true(number_allowed("+491701234567", NULL, 0));
	assert_true(number_allowed("+12125550123", list, 0));
	assert_true(number_allowed("+491701234567", list, 3));
	assert_true(number_allowed("+436641234567", list, 3));
	assert_true(number_allowed("+41121234567", list, 3));
	assert_false(number_allowed("+41791234567", list, 3));
	assert_false(number_allowed("+12125550123", list, 3));
	assert_false(number_allowed("+4", list, 3));
	assert_false(number_allowed("+436641234567", list, 1));
}

/* test_strerror - a distinct sentence for every error, the spec's wording */
static void
test_strerror(void **state)
{
	enum number_error	 e, f;

	(void)state;
	for (e = NUMBER_OK; e <= NUMBER_NOT_ALLOWED; e++) {
		assert_non_null(number_strerror(e));
		assert_true(strlen(number_strerror(e)) > 10);
		for (f = NUMBER_OK; f < e; f++)
			assert_string_not_equal(number_strerror(e),
			    number_strerror(f));
	}
	assert_string_equal(number_strerror(NUMBER_BAD_CHAR),
	    "not a phone number: only digits, '+' and separators are allowed");
	assert_string_equal(number_strerror(NUMBER_TOO_LONG),
	    "the number has more than 15 digits");
	assert_string_equal(number_strerror(NUMBER_NO_COUNTRY),
	    "national number but no numbers.default_country is configured");
	assert_non_null(strstr(number_strerror(NUMBER_NOT_ALLOWED),
	    "destination not allowed"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_unterminated),
		cmocka_unit_test(test_parse_huge),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
