/*
 * test_utf8.c - the shared UTF-8 decoder over a table of every boundary and
 * every kind of ill-formed sequence, the encoder over all code points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/lib/utf8.h"

struct decode_case {
	const char	*name;
	const char	*bytes;
	size_t		 n;
	size_t		 len;		/* utf8_decode, 0: ill-formed */
	uint32_t	 cp;		/* when len > 0 */
	size_t		 subpart;	/* utf8_maximal_subpart */
};

#define S(lit)	lit, sizeof(lit) - 1

static const struct decode_case decode_cases[] = {
	/* the first and last code point of each length */
	{ "U+0000", S("\x00"), 1, 0x0000, 1 },
	{ "U+0041", S("A"), 1, 0x0041, 1 },
	{ "U+007F", S("\x7f"), 1, 0x007F, 1 },
	{ "U+0080", S("\xc2\x80"), 2, 0x0080, 2 },
	{ "U+07FF", S("\xdf\xbf"), 2, 0x07FF, 2 },
	{ "U+0800", S("\xe0\xa0\x80"), 3, 0x0800, 3 },
	{ "U+FFFF", S("\xef\xbf\xbf"), 3, 0xFFFF, 3 },
	{ "U+10000", S("\xf0\x90\x80\x80"), 4, 0x10000, 4 },
	{ "U+10FFFF", S("\xf4\x8f\xbf\xbf"), 4, 0x10FFFF, 4 },
	/* around the surrogates and the replacement character */
	{ "U+D7FF", S("\xed\x9f\xbf"), 3, 0xD7FF, 3 },
	{ "U+E000", S("\xee\x80\x80"), 3, 0xE000, 3 },
	{ "U+FFFD", S("\xef\xbf\xbd"), 3, 0xFFFD, 3 },
	{ "U+20AC", S("\xe2\x82\xac"), 3, 0x20AC, 3 },
	/* only the first sequence counts */
	{ "A then junk", S("A\x80"), 1, 'A', 1 },
	{ "U+00E9 then A", S("\xc3\xa9" "A"), 2, 0xE9, 2 },
	/* above U+10FFFF */
	{ "U+110000", S("\xf4\x90\x80\x80"), 0, 0, 1 },
	{ "U+13FFFF", S("\xf4\xbf\xbf\xbf"), 0, 0, 1 },
	{ "F5 lead", S("\xf5\x80\x80\x80"), 0, 0, 1 },
	/* overlong forms */
	{ "C0 80", S("\xc0\x80"), 0, 0, 1 },
	{ "C1 BF", S("\xc1\xbf"), 0, 0, 1 },
	{ "E0 80 80", S("\xe0\x80\x80"), 0, 0, 1 },
	{ "E0 9F BF", S("\xe0\x9f\xbf"), 0, 0, 1 },
	{ "F0 80 80 80", S("\xf0\x80\x80\x80"), 0, 0, 1 },
	{ "F0 8F BF BF", S("\xf0\x8f\xbf\xbf"), 0, 0, 1 },
	/* UTF-16 surrogates */
	{ "U+D800", S("\xed\xa0\x80"), 0, 0, 1 },
	{ "U+DBFF", S("\xed\xaf\xbf"), 0, 0, 1 },
	{ "U+DC00", S("\xed\xb0\x80"), 0, 0, 1 },
	{ "U+DFFF", S("\xed\xbf\xbf"), 0, 0, 1 },
	{ "CESU-8 pair", S("\xed\xa0\xbd\xed\xb8\x80"), 0, 0, 1 },
	/* lone continuation bytes */
	{ "80", S("\x80"), 0, 0, 1 },
	{ "BF", S("\xbf"), 0, 0, 1 },
	{ "80 80", S("\x80\x80"), 0, 0, 1 },
	/* cut short at every length */
	{ "C2", S("\xc2"), 0, 0, 1 },
	{ "DF", S("\xdf"), 0, 0, 1 },
	{ "E0", S("\xe0"), 0, 0, 1 },
	{ "E0 A0", S("\xe0\xa0"), 0, 0, 2 },
	{ "E2 82", S("\xe2\x82"), 0, 0, 2 },
	{ "ED 9F", S("\xed\x9f"), 0, 0, 2 },
	{ "F0", S("\xf0"), 0, 0, 1 },
	{ "F0 90", S("\xf0\x90"), 0, 0, 2 },
	{ "F0 90 80", S("\xf0\x90\x80"), 0, 0, 3 },
	{ "F4 8F BF", S("\xf4\x8f\xbf"), 0, 0, 3 },
	/* a byte that cannot continue */
	{ "C2 41", S("\xc2" "A"), 0, 0, 1 },
	{ "C2 C2 80", S("\xc2\xc2\x80"), 0, 0, 1 },
	{ "E2 41", S("\xe2" "A"), 0, 0, 1 },
	{ "E2 82 41", S("\xe2\x82" "A"), 0, 0, 2 },
	{ "E2 82 C0", S("\xe2\x82\xc0"), 0, 0, 2 },
	{ "F0 90 80 41", S("\xf0\x90\x80" "A"), 0, 0, 3 },
	{ "F0 90 80 FF", S("\xf0\x90\x80\xff"), 0, 0, 3 },
	{ "F4 8F 00", S("\xf4\x8f\x00"), 0, 0, 2 },
	/* nothing at all */
	{ "empty", "", 0, 0, 0, 0 },
};

/* test_decode_table - length, code point and U+FFFD subpart of each case */
static void
test_decode_table(void **state)
{
	const struct decode_case *c;
	uint32_t	 cp;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		c = &decode_cases[i];
		print_message("case %s\n", c->name);
		cp = 0xDEADBEEF;
		assert_int_equal(utf8_decode((const unsigned char *)c->bytes,
		    c->n, &cp), c->len);
		if (c->len > 0)
			assert_int_equal(cp, c->cp);
		else
			assert_int_equal(cp, 0xDEADBEEF);
		assert_int_equal(utf8_decode((const unsigned char *)c->bytes,
		    c->n, NULL), c->len);
		assert_int_equal(utf8_maximal_subpart(
		    (const unsigned char *)c->bytes, c->n), c->subpart);
		if (c->len == 0 && c->n > 0)
			assert_false(utf8_valid(c->bytes, c->n));
		else if (c->len == c->n)
			assert_true(utf8_valid(c->bytes, c->n));
	}
}

/* test_bad_leads - C0, C1 and F5..FF never start a sequence */
static void
test_bad_leads(void **state)
{
	unsigned char	 p[4] = { 0, 0x80, 0x80, 0x80 };
	unsigned	 b;

	(void)state;
	for (b = 0x80; b <= 0xFF; b++) {
		if (b >= 0xC2 && b <= 0xF4)
			continue;
		p[0] = (unsigned char)b;
		assert_int_equal(utf8_decode(p, sizeof(p), NULL), 0);
		assert_int_equal(utf8_maximal_subpart(p, sizeof(p)), 1);
	}
}

/* test_round_trip - every scalar value encodes and decodes back */
static void
test_round_trip(void **state)
{
	unsigned char	 u[UTF8_MAX];
	uint32_t	 cp, back;
	size_t		 k, want;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		k = utf8_encode(cp, u);
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			assert_int_equal(k, 0);
			continue;
		}
		want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		assert_int_equal(k, want);
		assert_int_equal(utf8_decode(u, k, &back), k);
		assert_int_equal(back, cp);
		/* one byte less is always cut short */
		assert_int_equal(utf8_decode(u, k - 1, NULL), 0);
	}
	assert_int_equal(utf8_encode(0x110000, u), 0);
	assert_int_equal(utf8_encode(UINT32_MAX, u), 0);
}

/*
 * test_only_shortest_forms - over every 3-byte string, and 4-byte ones with
 * sample tails, a decoded sequence is exactly the encoding of its code point
 * (so no overlong, surrogate or out-of-range form slips through) and the
 * subpart never exceeds the bytes there are.
 */
static void
test_only_shortest_forms(void **state)
{
	static const unsigned char tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F,
	    0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF };
	unsigned char	 p[4], u[UTF8_MAX];
	uint32_t	 cp, x;
	size_t		 k, i, j, valid = 0;

	(void)state;
	for (x = 0; x < 1u << 24; x++) {
		p[0] = (unsigned char)(x >> 16);
		p[1] = (unsigned char)(x >> 8);
		p[2] = (unsigned char)x;
		if ((k = utf8_decode(p, 3, &cp)) == 0) {
			k = utf8_maximal_subpart(p, 3);
			assert_true(k >= 1 && k <= 3);
			continue;
		}
		assert_int_equal(utf8_encode(cp, u), k);
		assert_memory_equal(u, p, k);
		if (k == 3)
			valid++;
	}
	/* U+0800..U+FFFF less the 2048 surrogates */
	assert_int_equal(valid, 0x10000 - 0x800 - 0x800);
	for (x = 0xF00000; x <= 0xFFFFFF; x += 0x100) {
		p[0] = (unsigned char)(x >> 16);
		p[1] = (unsigned char)(x >> 8);
		for (i = 0; i < sizeof(tails); i++)
			for (j = 0; j < sizeof(tails); j++) {
				p[2] = tails[i];
				p[3] = tails[j];
				if ((k = utf8_decode(p, 4, &cp)) == 0)
					continue;
				assert_int_equal(utf8_encode(cp, u), k);
				assert_memory_equal(u, p, k);
			}
	}
}

/* test_valid - whole buffers, NUL counted as a character */
static void
test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(utf8_valid(S("plain ASCII")));
	assert_true(utf8_valid(S("a\0b")));
	assert_true(utf8_valid(S("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac "
	    "\xf0\x9f\x98\x80")));
	assert_false(utf8_valid(S("Gr\xfc\xdf" "e")));		/* Latin-1 */
	assert_false(utf8_valid(S("ok \xe2\x82")));		/* cut short */
	assert_false(utf8_valid(S("\xed\xa0\x80")));		/* surrogate */
	assert_false(utf8_valid(S("\xc0\xaf")));		/* overlong '/' */
	/* the length given is the text, not the NUL */
	assert_true(utf8_valid("\xc3\xa9\xff", 2));
}

struct prefix_case {
	const char	*bytes;
	size_t		 n;
	size_t		 max;
	size_t		 want;
};

static const struct prefix_case prefix_cases[] = {
	{ S("short"), 10, 5 },
	{ S("short"), 5, 5 },
	{ S("short"), 3, 3 },
	{ S("short"), 0, 0 },
	{ S("a\xc3\xa9"), 2, 1 },		/* inside U+00E9 */
	{ S("a\xc3\xa9" "b"), 3, 3 },		/* right after it */
	{ S("\xe2\x82\xac"), 1, 0 },		/* inside U+20AC */
	{ S("\xe2\x82\xac"), 2, 0 },
	{ S("x\xf0\x9f\x98\x80"), 4, 1 },	/* inside U+1F600 */
	{ S("x\xf0\x9f\x98\x80" "y"), 5, 5 },
	/* by the bits alone: four continuation bytes are no sequence */
	{ S("\x80\x80\x80\x80\x80"), 4, 4 },
	{ S("a\x80\x80"), 2, 0 },
};

/* test_prefix - cuts never end inside a sequence */
static void
test_prefix(void **state)
{
	const struct prefix_case *c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		c = &prefix_cases[i];
		print_message("prefix case %zu\n", i);
		assert_int_equal(utf8_prefix(c->bytes, c->n, c->max), c->want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_bad_leads),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_only_shortest_forms),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
