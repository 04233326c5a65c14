/*
 * test_gsm.c - gsm_layout against the GSM 03.38 tables written out in code
 * order, segment boundaries for both encodings, and malformed UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/gsm.h"

#define ESCAPE	UINT32_MAX	/* 0x1B introduces the extension table */

/* The default alphabet as 3GPP TS 23.038 lists it, index = GSM code. */
static const uint32_t gsm_default[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, ESCAPE, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* The extension table's characters (ESC 0x0A, 0x14, 0x28, ... 0x65). */
static const uint32_t gsm_extension[] = {
	0x000C, 0x005E, 0x007B, 0x007D, 0x005C, 0x005B, 0x007E, 0x005D,
	0x007C, 0x20AC,
};

/* expected_septets - cost of cp by searching the reference tables */
static unsigned
expected_septets(uint32_t cp)
{
	size_t	 i;

	for (i = 0; i < 128; i++)
		if (gsm_default[i] == cp)
			return 1;
	for (i = 0; i < sizeof(gsm_extension) / sizeof(gsm_extension[0]); i++)
		if (gsm_extension[i] == cp)
			return 2;
	return 0;
}

/* utf8_encode - cp as UTF-8 into buf, returns the length */
static size_t
utf8_encode(uint32_t cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* repeat - a heap buffer of exactly the concatenated pieces, no NUL */
static char *
repeat(size_t *len, const char *a, size_t na, const char *b, size_t nb,
    const char *c, size_t nc)
{
	const char	*piece[3] = { a, b, c };
	size_t		 count[3] = { na, nb, nc }, i, k, plen, off;
	char		*buf;

	*len = 0;
	for (i = 0; i < 3; i++)
		*len += count[i] * (piece[i] ? strlen(piece[i]) : 0);
	buf = malloc(*len ? *len : 1);
	assert_non_null(buf);
	off = 0;
	for (i = 0; i < 3; i++) {
		if (piece[i] == NULL)
			continue;
		plen = strlen(piece[i]);
		for (k = 0; k < count[i]; k++, off += plen)
			memcpy(buf + off, piece[i], plen);
	}
	return buf;
}

/* check - the layout of a heap copy of exactly len bytes */
static void
check(const char *text, size_t len, enum sms_encoding encoding, size_t units,
    unsigned parts)
{
	struct sms_layout	 l;
	char			*copy;

	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	gsm_layout(copy, len, &l);
	free(copy);
	assert_int_equal(l.encoding, encoding);
	assert_int_equal(l.units, units);
	assert_int_equal(l.parts, parts);
}

/* test_reference_table - every code point costs what the standard says */
static void
test_reference_table(void **state)
{
	struct sms_layout	 l;
	char			 buf[4];
	size_t			 len;
	uint32_t		 cp;
	unsigned		 want, basic = 0, ext = 0;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		len = utf8_encode(cp, buf);
		gsm_layout(buf, len, &l);
		want = expected_septets(cp);
		if (want == 0) {
			if (l.encoding != SMS_UCS2)
				print_message("# U+%04X is not GSM\n",
				    (unsigned)cp);
			assert_int_equal(l.encoding, SMS_UCS2);
			assert_int_equal(l.units, cp > 0xFFFF ? 2 : 1);
		} else {
			if (l.encoding != SMS_GSM7 || l.units != want)
				print_message("# U+%04X costs %u\n",
				    (unsigned)cp, want);
			assert_int_equal(l.encoding, SMS_GSM7);
			assert_int_equal(l.units, want);
			if (want == 1)
				basic++;
			else
				ext++;
		}
		assert_int_equal(l.parts, 1);
	}
	assert_int_equal(basic, 127);
	assert_int_equal(ext, 10);
}

/* test_empty - no text is GSM-7 with nothing to send */
static void
test_empty(void **state)
{
	struct sms_layout	 l = { SMS_UCS2, 99, 99 };

	(void)state;
	gsm_layout(NULL, 0, &l);
	assert_int_equal(l.encoding, SMS_GSM7);
	assert_int_equal(l.units, 0);
	assert_int_equal(l.parts, 0);
	gsm_layout("ignored", 0, &l);
	assert_int_equal(l.units, 0);
	assert_int_equal(l.parts, 0);
}

struct seg_case {
	const char		*a, *b, *c;	/* pieces repeated na, nb, nc times */
	size_t			 na, nb, nc;
	enum sms_encoding	 encoding;
	size_t			 units;
	unsigned		 parts;
};

static const struct seg_case seg_cases[] = {
	/* GSM-7: 160 in one part, then 153 per part */
	{ "a", NULL, NULL, 1, 0, 0, SMS_GSM7, 1, 1 },
	{ "a", NULL, NULL, 160, 0, 0, SMS_GSM7, 160, 1 },
	{ "a", NULL, NULL, 161, 0, 0, SMS_GSM7, 161, 2 },
	{ "a", NULL, NULL, 306, 0, 0, SMS_GSM7, 306, 2 },
	{ "a", NULL, NULL, 307, 0, 0, SMS_GSM7, 307, 3 },
	{ "a", NULL, NULL, 459, 0, 0, SMS_GSM7, 459, 3 },
	{ "a", NULL, NULL, 460, 0, 0, SMS_GSM7, 460, 4 },
	/* extension characters count 2; a single part has no segments */
	{ "a", "\xe2\x82\xac", NULL, 158, 1, 0, SMS_GSM7, 160, 1 },
	{ "a", "\xe2\x82\xac", NULL, 159, 1, 0, SMS_GSM7, 161, 2 },
	{ "{", NULL, NULL, 80, 0, 0, SMS_GSM7, 160, 1 },
	{ "{", NULL, NULL, 81, 0, 0, SMS_GSM7, 162, 2 },
	/* an escape pair never straddles segments: 152 + (2) moves on */
	{ "a", "\xe2\x82\xac", "a", 152, 1, 152, SMS_GSM7, 306, 3 },
	{ "a", "\xe2\x82\xac", "a", 153, 1, 151, SMS_GSM7, 306, 2 },
	{ "a", "\xe2\x82\xac", "a", 151, 1, 153, SMS_GSM7, 306, 2 },
	{ "a", "^", "a", 152, 1, 1, SMS_GSM7, 155, 1 },
	{ "a", "^", "a", 152, 1, 7, SMS_GSM7, 161, 2 },
	{ "~", NULL, NULL, 153, 0, 0, SMS_GSM7, 306, 3 },
	/* UCS-2: 70 in one part, then 67 per part */
	{ "\xd0\xb6", NULL, NULL, 70, 0, 0, SMS_UCS2, 70, 1 },
	{ "\xd0\xb6", NULL, NULL, 71, 0, 0, SMS_UCS2, 71, 2 },
	{ "\xd0\xb6", NULL, NULL, 134, 0, 0, SMS_UCS2, 134, 2 },
	{ "\xd0\xb6", NULL, NULL, 135, 0, 0, SMS_UCS2, 135, 3 },
	/* a late non-GSM character makes everything UCS-2 */
	{ "a", "\xd0\xb6", NULL, 69, 1, 0, SMS_UCS2, 70, 1 },
	{ "a", "\xd0\xb6", NULL, 159, 1, 0, SMS_UCS2, 160, 3 },
	{ "\xe2\x82\xac", "`", NULL, 10, 1, 0, SMS_UCS2, 11, 1 },
	/* surrogate pairs: 2 units, never split across segments */
	{ "\xf0\x9f\x98\x80", NULL, NULL, 35, 0, 0, SMS_UCS2, 70, 1 },
	{ "\xf0\x9f\x98\x80", NULL, NULL, 36, 0, 0, SMS_UCS2, 72, 2 },
	{ "\xd0\xb6", "\xf0\x9f\x98\x80", NULL, 68, 1, 0, SMS_UCS2, 70, 1 },
	{ "\xd0\xb6", "\xf0\x9f\x98\x80", NULL, 69, 1, 0, SMS_UCS2, 71, 2 },
	{ "\xd0\xb6", "\xf0\x9f\x98\x80", "\xd0\xb6", 66, 1, 66,
	    SMS_UCS2, 134, 3 },
	{ "\xd0\xb6", "\xf0\x9f\x98\x80", "\xd0\xb6", 67, 1, 65,
	    SMS_UCS2, 134, 2 },
	{ "\xf0\x9f\x98\x80", NULL, NULL, 67, 0, 0, SMS_UCS2, 134, 3 },
};

/* test_segments - part counts at and around every boundary */
static void
test_segments(void **state)
{
	const struct seg_case	*c;
	struct sms_layout	 l;
	char			*text;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
		c = &seg_cases[i];
		text = repeat(&len, c->a, c->na, c->b, c->nb, c->c, c->nc);
		gsm_layout(text, len, &l);
		free(text);
		if (l.encoding != c->encoding || l.units != c->units ||
		    l.parts != c->parts)
			print_message("# case %zu: %d %zu %u\n", i,
			    (int)l.encoding, l.units, l.parts);
		assert_int_equal(l.encoding, c->encoding);
		assert_int_equal(l.units, c->units);
		assert_int_equal(l.parts, c->parts);
	}
}

/* test_texts - everyday texts in both encodings */
static void
test_texts(void **state)
{
	static const char	 greek_caps[] = "\xce\x94\xce\xa6\xce\x93"
	    "\xce\x9b\xce\xa9\xce\xa0\xce\xa8\xce\xa3\xce\x98\xce\x9e";
	static const char	 greek_small[] = "\xce\xb1\xce\xb2\xce\xb3";
	static const char	 koeln[] = "Gr\xc3\xbc\xc3\x9f" "e aus "
	    "K\xc3\xb6ln, {Preis}: 5\xe2\x82\xac\r\n";
	static const char	 naive[] = "na\xc3\xafve";
	static const char	 cedilla[] = "Fran\xc3\xa7ois";
	static const char	 mixed[] = "Caf\xc3\xa9 \xf0\x9f\x98\x80 ok";

	(void)state;
	check(greek_caps, strlen(greek_caps), SMS_GSM7, 10, 1);
	check(greek_small, strlen(greek_small), SMS_UCS2, 3, 1);
	check("Hello \xce\xa3", 8, SMS_GSM7, 7, 1);
	check("Hello \xcf\x83", 8, SMS_UCS2, 7, 1);
	check("\xe2\x82\xac", 3, SMS_GSM7, 2, 1);
	check(koeln, strlen(koeln), SMS_GSM7, 32, 1);
	check(naive, strlen(naive), SMS_UCS2, 5, 1);
	check(cedilla, strlen(cedilla), SMS_UCS2, 8, 1);
	check("FRAN\xc3\x87OIS", 9, SMS_GSM7, 8, 1);
	check(mixed, strlen(mixed), SMS_UCS2, 10, 1);
	check("@$_!\"#%&'()*+,-./:;<=>?", 23, SMS_GSM7, 23, 1);
	check("[\\]^{|}~", 8, SMS_GSM7, 16, 1);
	check("a`b", 3, SMS_UCS2, 3, 1);
	check("\x1b", 1, SMS_UCS2, 1, 1);
	check("\xc2\xa0", 2, SMS_UCS2, 1, 1);
}

/* test_malformed - ill-formed UTF-8 is U+FFFD and never read past len */
static void
test_malformed(void **state)
{
	(void)state;
	check("\xff", 1, SMS_UCS2, 1, 1);
	check("\x80\x80", 2, SMS_UCS2, 2, 1);
	check("a\xe2\x82", 3, SMS_UCS2, 2, 1);		/* cut-off euro */
	check("\xe2\x82" "a", 3, SMS_UCS2, 2, 1);
	check("\xf0\x9f\x98", 3, SMS_UCS2, 1, 1);	/* cut-off emoji */
	check("\xf0\x9f\x98\x80", 3, SMS_UCS2, 1, 1);	/* len cuts it */
	check("\xc0\xaf", 2, SMS_UCS2, 2, 1);		/* overlong '/' */
	check("\xe0\x80\xaf", 3, SMS_UCS2, 3, 1);	/* overlong '/' */
	check("\xed\xa0\x80", 3, SMS_UCS2, 3, 1);	/* a surrogate */
	check("\xf4\x90\x80\x80", 4, SMS_UCS2, 4, 1);	/* above U+10FFFF */
	check("\xf5\x80\x80\x80", 4, SMS_UCS2, 4, 1);
	check("a\0b", 3, SMS_UCS2, 3, 1);		/* NUL is not '@' */
	check("ab", 1, SMS_GSM7, 1, 1);
}

/* test_encoding_name - the names the outbox and templates use */
static void
test_encoding_name(void **state)
{
	(void)state;
	assert_string_equal(gsm_encoding_name(SMS_GSM7), "GSM-7");
	assert_string_equal(gsm_encoding_name(SMS_UCS2), "UCS-2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_table),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_encoding_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
