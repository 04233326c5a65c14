/*
 * test_charset.c - cached iconv conversion: bytes with no mapping become
 * U+FFFD, converters are reused safely, stateful encodings are flushed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sms/charset.h"

static void
convert_ok(const char *to, const char *from, const char *in, size_t inlen,
    const char *want)
{
	char	 out[256];
	size_t	 outlen = sizeof(out);

	assert_int_equal(charset_convert(to, from, in, inlen, out, &outlen),
	    CHARSET_OK);
	assert_int_equal(outlen, strlen(want));
	assert_memory_equal(out, want, outlen);
}

/* windows-1252 leaves 0x81 unassigned: it must come out as U+FFFD */
static void
test_unmapped_byte(void **state)
{
	(void)state;
	convert_ok("utf-8", "windows-1252", "a\x81" "b\x80", 4,
	    "a\xef\xbf\xbd" "b\xe2\x82\xac");
	convert_ok("utf-8", "utf-8", "x\xff" "y", 3, "x\xef\xbf\xbd" "y");
}

/* the same converter again, and others in between, give the same answers */
static void
test_cache_reuse(void **state)
{
	static const char *const from[] = { "iso-8859-1", "koi8-r",
	    "iso-8859-7", "windows-1251", "iso-8859-2", "windows-1250",
	    "shift_jis", "gb2312", "big5", "iso-8859-15" };
	size_t	 round, i;

	(void)state;
	for (round = 0; round < 3; round++) {
		convert_ok("utf-8", "windows-1252", "\xe9t\xe9", 3,
		    "\xc3\xa9t\xc3\xa9");
		for (i = 0; i < sizeof(from) / sizeof(from[0]); i++)
			convert_ok("utf-8", from[i], "abc", 3, "abc");
		convert_ok("utf-8", "koi8-r", "\xf0\xd2\xc9", 3,
		    "\xd0\x9f\xd1\x80\xd0\xb8");
	}
}

/* a stateful encoding left mid-shift must not leak into the next use */
static void
test_stateful(void **state)
{
	(void)state;
	/* ISO-2022-JP: ESC $ B switches to JIS X 0208, ESC ( B back */
	convert_ok("utf-8", "iso-2022-jp", "\x1b$B$\"\x1b(B", 8,
	    "\xe3\x81\x82");
	/* the same converter, input ending while shifted */
	convert_ok("utf-8", "iso-2022-jp", "\x1b$B$\"", 5, "\xe3\x81\x82");
	convert_ok("utf-8", "iso-2022-jp", "ok", 2, "ok");
}

static void
test_unknown_and_small(void **state)
{
	char	 out[4];
	size_t	 outlen = sizeof(out);

	(void)state;
	assert_int_equal(charset_convert("utf-8", "x-no-such-charset", "a", 1,
	    out, &outlen), CHARSET_UNKNOWN);
	outlen = 2;
	assert_int_equal(charset_convert("utf-8", "windows-1252", "\xe9\xe9",
	    2, out, &outlen), CHARSET_FAILED);
	charset_close();
	convert_ok("utf-8", "windows-1252", "\xe9", 1, "\xc3\xa9");
	charset_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmapped_byte),
		cmocka_unit_test(test_cache_reuse),
		cmocka_unit_test(test_stateful),
		cmocka_unit_test(test_unknown_and_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
