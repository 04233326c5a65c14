/*
 * test_text.c - text_compose(): subject modes, signature cut, whitespace and
 * blank lines, invisible characters, and -1 when nothing is left.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sms/text.h"

struct text_case {
	const char		*name;
	const char		*subject;
	const char		*body;
	enum subject_mode	 mode;
	bool			 strip_signature;
	const char		*want;		/* NULL: text_compose fails */
};

#define ZWSP	"\xe2\x80\x8b"		/* U+200B */
#define ZWNJ	"\xe2\x80\x8c"		/* U+200C */
#define ZWJ	"\xe2\x80\x8d"		/* U+200D */
#define BOM	"\xef\xbb\xbf"		/* U+FEFF */
#define SHY	"\xc2\xad"		/* U+00AD */
#define NBSP	"\xc2\xa0"		/* U+00A0 */

static const struct text_case cases[] = {
	/* subject modes */
	{ "prepend", "Alert", "disk full", SUBJECT_PREPEND, true,
	  "Alert: disk full" },
	{ "prepend, no subject", NULL, "disk full", SUBJECT_PREPEND, true,
	  "disk full" },
	{ "prepend, blank subject", " \t ", "disk full", SUBJECT_PREPEND, true,
	  "disk full" },
	{ "prepend, no body", "Alert", NULL, SUBJECT_PREPEND, true, "Alert" },
	{ "prepend, body only a signature", "Alert", "-- \nBob",
	  SUBJECT_PREPEND, true, "Alert" },
	{ "prepend, multi-line body", "Alert", "one\ntwo", SUBJECT_PREPEND,
	  true, "Alert: one\ntwo" },
	{ "ignore", "Alert", "disk full", SUBJECT_IGNORE, true, "disk full" },
	{ "ignore, blank body", "Alert", " \n\t\n", SUBJECT_IGNORE, true,
	  NULL },
	{ "only", "Alert", "disk full", SUBJECT_ONLY, true, "Alert" },
	{ "only, no subject", NULL, "disk full", SUBJECT_ONLY, true, NULL },
	{ "nothing at all", NULL, NULL, SUBJECT_PREPEND, true, NULL },
	{ "only invisible characters", ZWSP BOM, SHY ZWJ "\n",
	  SUBJECT_PREPEND, true, NULL },

	/* signature */
	{ "cut at \"-- \"", NULL, "Hello\n-- \nBob\nACME", SUBJECT_IGNORE,
	  true, "Hello" },
	{ "cut at \"--\"", NULL, "Hello\n--\nBob", SUBJECT_IGNORE, true,
	  "Hello" },
	{ "cut at \"-- \" with CRLF", NULL, "Hello\r\n-- \r\nBob",
	  SUBJECT_IGNORE, true, "Hello" },
	{ "cut at \"--\" followed by NBSP", NULL, "Hello\n--" NBSP "\nBob",
	  SUBJECT_IGNORE, true, "Hello" },
	{ "first delimiter wins", NULL, "a\n--\nb\n-- \nc", SUBJECT_IGNORE,
	  true, "a" },
	{ "\"--  \" is not a delimiter", NULL, "a\n--  \nb", SUBJECT_IGNORE,
	  true, "a\n--\nb" },
	{ "\"---\" is not a delimiter", NULL, "a\n---\nb", SUBJECT_IGNORE,
	  true, "a\n---\nb" },
	{ "\" -- \" is not a delimiter", NULL, "a\n -- \nb", SUBJECT_IGNORE,
	  true, "a\n --\nb" },
	{ "kept when not stripping", NULL, "Hello\n-- \nBob", SUBJECT_IGNORE,
	  false, "Hello\n--\nBob" },

	/* whitespace and blank lines */
	{ "trailing whitespace trimmed", NULL, "a  \t\nb \n", SUBJECT_IGNORE,
	  true, "a\nb" },
	{ "leading indentation kept", NULL, "list:\n  item", SUBJECT_IGNORE,
	  true, "list:\n  item" },
	{ "one blank line kept", NULL, "a\n\nb", SUBJECT_IGNORE, true,
	  "a\n\nb" },
	{ "blank runs collapse to one", NULL, "a\n\n\n\n\nb\n\n\nc",
	  SUBJECT_IGNORE, true, "a\n\nb\n\nc" },
	{ "whitespace-only lines are blank", NULL, "a\n \t\n  \nb",
	  SUBJECT_IGNORE, true, "a\n\nb" },
	{ "blank lines at both ends go", NULL, "\n\n  \na\n\n\n",
	  SUBJECT_IGNORE, true, "a" },
	{ "CR and CRLF are line breaks", NULL, "a\r\nb\rc\r\n",
	  SUBJECT_IGNORE, true, "a\nb\nc" },

	/* invisible characters */
	{ "zero-width, BOM and soft hyphen removed", NULL,
	  "a" ZWSP "b" ZWNJ "c" ZWJ "d" BOM "e" SHY "f", SUBJECT_IGNORE, true,
	  "abcdef" },
	{ "NBSP is a space", NULL, "12" NBSP "GB", SUBJECT_IGNORE, true,
	  "12 GB" },
	{ "trailing NBSP trimmed", NULL, "end" NBSP NBSP "\nnext",
	  SUBJECT_IGNORE, true, "end\nnext" },
	{ "line of a BOM is blank", NULL, "a\n" BOM "\n\n" BOM "\nb",
	  SUBJECT_IGNORE, true, "a\n\nb" },
	{ "other non-ASCII untouched", NULL,
	  "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac", SUBJECT_IGNORE, true,
	  "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac" },
	{ "subject trimmed and on one line", "  " ZWSP "Disk" NBSP "\nfull ",
	  "x", SUBJECT_PREPEND, true, "Disk  full: x" },
};

/* run_case - compose one case and check text, errno and layout */
static void
run_case(const struct text_case *c)
{
	struct mime_text	 mt;
	struct conf		 conf;
	struct sms_text		 st;
	struct sms_layout	 want;
	int			 r;

	print_message("# case: %s\n", c->name);
	memset(&mt, 0, sizeof(mt));
	mt.subject = (char *)c->subject;
	mt.body = (char *)c->body;
	memset(&conf, 0, sizeof(conf));
	conf.message.subject = c->mode;
	conf.message.strip_signature = c->strip_signature;
	conf.message.max_parts = 3;

	errno = 0;
	r = text_compose(&mt, &conf, &st);
	if (c->want == NULL) {
		assert_int_equal(r, -1);
		assert_int_equal(errno, ENODATA);
		assert_null(st.text);
		return;
	}
	assert_int_equal(r, 0);
	assert_non_null(st.text);
	assert_string_equal(st.text, c->want);
	/* the layout is that of exactly the returned text */
	gsm_layout(c->want, strlen(c->want), &want);
	assert_int_equal(st.layout.encoding, want.encoding);
	assert_int_equal(st.layout.units, want.units);
	assert_int_equal(st.layout.parts, want.parts);
	text_free(&st);
	assert_null(st.text);
}

/* test_cases - every row of the table */
static void
test_cases(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* test_long_text_not_truncated - composing never shortens the text */
static void
test_long_text_not_truncated(void **state)
{
	struct mime_text	 mt;
	struct conf		 conf;
	struct sms_text		 st;
	char			 body[2001];

	(void)state;
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memset(&mt, 0, sizeof(mt));
	mt.body = body;
	memset(&conf, 0, sizeof(conf));
	conf.message.subject = SUBJECT_PREPEND;
	conf.message.max_parts = 1;
	assert_int_equal(text_compose(&mt, &conf, &st), 0);
	assert_int_equal(strlen(st.text), sizeof(body) - 1);
	assert_true(st.layout.parts > 1);
	text_free(&st);
}

/* main - run the group, TAP when CMOCKA_MESSAGE_OUTPUT=TAP */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_long_text_not_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
