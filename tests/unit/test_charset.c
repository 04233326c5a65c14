/*
 * test_charset.c - cached iconv conversion: bytes with no mapping become
 * U+FFFD, converters are reused safely, stateful encodings are flushed;
 * text under a label it does not match is read as its sender meant it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/charset.h"

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

/* decode_ok - charset_decode of in under label gives want */
static void
decode_ok(const char *label, const char *in, const char *want)
{
	char	 out[256];
	size_t	 outlen = sizeof(out);

	assert_int_equal(charset_decode(label, in, strlen(in), out, &outlen),
	    CHARSET_OK);
	assert_int_equal(outlen, strlen(want));
	assert_memory_equal(out, want, outlen);
}

/* labels mailers get wrong: the charset they meant, or UTF-8, is found */
static void
test_lying_labels(void **state)
{
	(void)state;
	/* Japanese: "a" in Shift_JIS, EUC-JP and UTF-8, all "ISO-2022-JP" */
	decode_ok("iso-2022-jp", "x\x82\xa0", "x\xe3\x81\x82");
	decode_ok("iso-2022-jp", "x\xa4\xa2", "x\xe3\x81\x82");
	decode_ok("ISO-2022-JP-2", "x\xe3\x81\x82", "x\xe3\x81\x82");
	/* Shift_JIS with a Windows extension (circled 1), as Outlook sends */
	decode_ok("shift_jis", "\x87\x40", "\xe2\x91\xa0");
	/* GB2312 and EUC-KR with characters of their Windows supersets */
	decode_ok("gb2312", "\xe9\x46", "\xe9\x95\x95");
	decode_ok("euc-kr", "\x8c\x63", "\xeb\x98\xa0");
	/* ISO-8859-1 with the curly quotes and dashes of Windows Latin-1 */
	decode_ok("iso-8859-1", "\x93" "a\x94 \x96 \xe9", "\xe2\x80\x9c"
	    "a\xe2\x80\x9d \xe2\x80\x93 \xc3\xa9");
	/* 8-bit text under US-ASCII: UTF-8, else Windows Latin-1 */
	decode_ok("us-ascii", "Gr\xc3\xbc\xc3\x9f" "e",
	    "Gr\xc3\xbc\xc3\x9f" "e");
	decode_ok("us-ascii", "Gr\xfc\xdf" "e", "Gr\xc3\xbc\xc3\x9f" "e");
	/* a label that fits stays, even where another charset would too */
	decode_ok("iso-2022-jp", "\x1b$B$\"\x1b(B", "\xe3\x81\x82");
	decode_ok("euc-jp", "\xa4\xa2", "\xe3\x81\x82");
	decode_ok("windows-1251", "\xcf\xf0\xe8",
	    "\xd0\x9f\xd1\x80\xd0\xb8");
}

/* no candidate decodes cleanly: the one with the fewest U+FFFD wins */
static void
test_fewest_replacements(void **state)
{
	(void)state;
	/* Shift_JIS with one broken byte: cp932 loses only that byte */
	decode_ok("iso-2022-jp", "\x82\xa0\xff\x82\xa0",
	    "\xe3\x81\x82\xef\xbf\xbd\xe3\x81\x82");
	/* no label means anything else: the declared one's U+FFFD stay */
	decode_ok("windows-1252", "a\x81" "b", "a\xef\xbf\xbd" "b");
	decode_ok("utf-8", "x\xff" "y", "x\xef\xbf\xbd" "y");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmapped_byte),
		cmocka_unit_test(test_cache_reuse),
		cmocka_unit_test(test_stateful),
		cmocka_unit_test(test_unknown_and_small),
		cmocka_unit_test(test_lying_labels),
		cmocka_unit_test(test_fewest_replacements),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
