/*
 * test_gsm.c - gsm_layout against the GSM 03.38 tables written out in code
 * order, segment boundaries for both encodings, and malformed UTF-8; the
 * parts gsm_split cuts, gsm_fit against gsm_layout for every length, and
 * gsm_transliterate on sentences of many languages, with letters and with
 * typography alone (this file is UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/gsm.h"

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

#define EURO	"\xe2\x82\xac"		/* GSM extension table, 2 septets */
#define ZHE	"\xd0\xb6"		/* Cyrillic, 1 UTF-16 unit */
#define GRIN	"\xf0\x9f\x98\x80"	/* emoji, a surrogate pair */
#define ELLIPSIS "\xe2\x80\xa6"		/* not GSM, 1 UTF-16 unit */

struct split_case {
	const char		*a, *b, *c;	/* pieces repeated na, nb, nc times */
	size_t			 na, nb, nc;
	enum sms_encoding	 encoding;
	unsigned		 nparts;
	struct sms_part		 parts[3];
};

static const struct split_case split_cases[] = {
	{ "a", NULL, NULL, 160, 0, 0, SMS_GSM7, 1, { { 0, 160, 160 } } },
	{ "a", NULL, NULL, 161, 0, 0, SMS_GSM7, 2,
	    { { 0, 153, 153 }, { 153, 161, 8 } } },
	{ "a", NULL, NULL, 307, 0, 0, SMS_GSM7, 3,
	    { { 0, 153, 153 }, { 153, 306, 153 }, { 306, 307, 1 } } },
	/* the escape pair that would straddle opens the next part */
	{ "a", EURO, "a", 152, 1, 152, SMS_GSM7, 3,
	    { { 0, 152, 152 }, { 152, 306, 153 }, { 306, 307, 1 } } },
	{ "a", EURO, "a", 153, 1, 151, SMS_GSM7, 2,
	    { { 0, 153, 153 }, { 153, 307, 153 } } },
	{ "a", "}", "a", 151, 1, 10, SMS_GSM7, 2,
	    { { 0, 152, 153 }, { 152, 162, 10 } } },
	{ "a", EURO, NULL, 158, 1, 0, SMS_GSM7, 1, { { 0, 161, 160 } } },
	{ "a", ZHE, NULL, 159, 1, 0, SMS_GSM7, 1, { { 0, 161, 160 } } },
	{ ZHE, NULL, NULL, 70, 0, 0, SMS_UCS2, 1, { { 0, 140, 70 } } },
	{ ZHE, NULL, NULL, 71, 0, 0, SMS_UCS2, 2,
	    { { 0, 134, 67 }, { 134, 142, 4 } } },
	/* the surrogate pair that would straddle opens the next part */
	{ ZHE, GRIN, ZHE, 66, 1, 66, SMS_UCS2, 3,
	    { { 0, 132, 66 }, { 132, 266, 67 }, { 266, 268, 1 } } },
	{ ZHE, GRIN, ZHE, 67, 1, 65, SMS_UCS2, 2,
	    { { 0, 134, 67 }, { 134, 268, 67 } } },
	{ GRIN, NULL, NULL, 35, 0, 0, SMS_UCS2, 1, { { 0, 140, 70 } } },
	{ GRIN, NULL, NULL, 36, 0, 0, SMS_UCS2, 2,
	    { { 0, 132, 66 }, { 132, 144, 6 } } },
	{ "a", EURO, NULL, 100, 1, 0, SMS_UCS2, 2,
	    { { 0, 67, 67 }, { 67, 103, 34 } } },
};

/* test_split - the byte ranges at and around every part boundary */
static void
test_split(void **state)
{
	const struct split_case	*c;
	struct sms_part		 parts[4];
	struct sms_layout	 l;
	char			*text;
	size_t			 i, len;
	unsigned		 n, k;

	(void)state;
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		c = &split_cases[i];
		text = repeat(&len, c->a, c->na, c->b, c->nb, c->c, c->nc);
		memset(parts, 0xff, sizeof(parts));
		n = gsm_split(text, len, c->encoding, parts, 4);
		gsm_layout(text, len, &l);
		free(text);
		if (n != c->nparts)
			print_message("# case %zu: %u parts\n", i, n);
		assert_int_equal(n, c->nparts);
		if (l.encoding == c->encoding)
			assert_int_equal(n, l.parts);
		for (k = 0; k < n; k++) {
			if (parts[k].start != c->parts[k].start ||
			    parts[k].end != c->parts[k].end ||
			    parts[k].units != c->parts[k].units)
				print_message("# case %zu part %u: "
				    "%zu-%zu %zu\n", i, k, parts[k].start, parts[k].end,
				    parts[k].units);
			assert_int_equal(parts[k].start, c->parts[k].start);
			assert_int_equal(parts[k].end, c->parts[k].end);
			assert_int_equal(parts[k].units, c->parts[k].units);
		}
	}
}

/* test_split_max - no more than max entries written, the total returned */
static void
test_split_max(void **state)
{
	struct sms_part		 parts[3];
	char			*text;
	size_t			 len;

	(void)state;
	text = repeat(&len, "a", 500, NULL, 0, NULL, 0);
	memset(parts, 0x5a, sizeof(parts));
	assert_int_equal(gsm_split(text, len, SMS_GSM7, parts, 2), 4);
	assert_int_equal(parts[0].end, 153);
	assert_int_equal(parts[1].start, 153);
	assert_int_equal(parts[1].end, 306);
	assert_int_equal(parts[1].units, 153);
	assert_int_equal(parts[2].start, (size_t)0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(gsm_split(text, len, SMS_GSM7, NULL, 0), 4);
	assert_int_equal(gsm_split(text, 10, SMS_GSM7, NULL, 0), 1);
	free(text);
	assert_int_equal(gsm_split(NULL, 0, SMS_GSM7, parts, 3), 0);
	assert_int_equal(gsm_split("", 0, SMS_UCS2, parts, 3), 0);
}

/* Characters cycled to build texts of any length. */
struct pattern {
	enum sms_encoding	 encoding;
	const char		*chars[9];	/* NULL-terminated */
};

static const struct pattern patterns[] = {
	{ SMS_GSM7, { "a", NULL } },
	{ SMS_GSM7, { "a", "b", EURO, "c", " ", "{", "d", "e", NULL } },
	{ SMS_GSM7, { "~", "x", "^", NULL } },
	{ SMS_UCS2, { ZHE, "a", GRIN, "b", EURO, NULL } },
	{ SMS_UCS2, { GRIN, ZHE, GRIN, NULL } },
	{ SMS_UCS2, { ZHE, "a", "b", "c", NULL } },
};

#define LOOP_CHARS	1000

/* pattern_text - nchars characters of p in a heap buffer of exactly *len */
static char *
pattern_text(const struct pattern *p, size_t nchars, size_t *len)
{
	size_t	 i, k, off, n = 0;
	char	*text;

	for (n = 0; p->chars[n] != NULL; n++)
		;
	*len = 0;
	for (i = 0; i < nchars; i++)
		*len += strlen(p->chars[i % n]);
	text = malloc(*len);
	assert_non_null(text);
	for (i = 0, off = 0; i < nchars; i++, off += k) {
		k = strlen(p->chars[i % n]);
		memcpy(text + off, p->chars[i % n], k);
	}
	return text;
}

/* char_len - bytes of the (valid) UTF-8 character at s */
static size_t
char_len(const char *s)
{
	unsigned char	 c = (unsigned char)*s;

	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* parts_with - parts of text[0, cut) plus reserve ellipsis units */
static unsigned
parts_with(const char *text, size_t cut, enum sms_encoding encoding,
    size_t reserve, char *buf)
{
	struct sms_layout	 l;
	size_t			 n = cut, i;

	memcpy(buf, text, cut);
	for (i = 0; i < reserve; i++) {
		if (encoding == SMS_GSM7)
			buf[n++] = '.';
		else {
			memcpy(buf + n, ELLIPSIS, 3);
			n += 3;
		}
	}
	gsm_layout(buf, n, &l);
	if (n > 0)
		assert_int_equal(l.encoding, encoding);
	return l.parts;
}

/* test_split_agrees - gsm_split covers the text as gsm_layout counts it */
static void
test_split_agrees(void **state)
{
	struct sms_part		 parts[40];
	struct sms_layout	 l;
	const struct pattern	*p;
	char			*text;
	size_t			 i, nchars, len, units, seg;
	unsigned		 n, k;

	(void)state;
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		p = &patterns[i];
		seg = p->encoding == SMS_GSM7 ? 153 : 67;
		for (nchars = 1; nchars <= LOOP_CHARS; nchars++) {
			text = pattern_text(p, nchars, &len);
			gsm_layout(text, len, &l);
			assert_int_equal(l.encoding, p->encoding);
			n = gsm_split(text, len, p->encoding, parts, 40);
			assert_int_equal(n, l.parts);
			units = 0;
			for (k = 0; k < n; k++) {
				assert_int_equal(parts[k].start,
				    k == 0 ? 0 : parts[k - 1].end);
				assert_true(parts[k].end > parts[k].start);
				assert_true((text[parts[k].start] & 0xC0) !=
				    0x80);
				if (n > 1)
					assert_true(parts[k].units <= seg);
				assert_int_equal(gsm_split(text +
				    parts[k].start, parts[k].end -
				    parts[k].start, p->encoding, NULL, 0), 1);
				units += parts[k].units;
			}
			assert_int_equal(parts[n - 1].end, len);
			assert_int_equal(units, l.units);
			free(text);
		}
	}
}

/*
 * test_fit_agrees - for every length, part limit and reserve, the prefix
 * gsm_fit keeps plus an ellipsis of reserve units lays out within the
 * limit, and one character more would not
 */
static void
test_fit_agrees(void **state)
{
	static const size_t	 reserves[] = { 0, 1, 3 };
	const struct pattern	*p;
	char			*text, *buf;
	size_t			 i, r, nchars, len, cut;
	unsigned		 max_parts;

	(void)state;
	buf = malloc(LOOP_CHARS * 4 + 16);
	assert_non_null(buf);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		p = &patterns[i];
		for (nchars = 1; nchars <= LOOP_CHARS; nchars++) {
			text = pattern_text(p, nchars, &len);
			for (max_parts = 1; max_parts <= 4; max_parts++)
			for (r = 0; r < 3; r++) {
				cut = gsm_fit(text, len, p->encoding,
				    max_parts, reserves[r]);
				assert_true(cut <= len);
				if (cut < len)
					assert_true((text[cut] & 0xC0) != 0x80);
				if (parts_with(text, cut, p->encoding,
				    reserves[r], buf) > max_parts)
					print_message("# pattern %zu, %zu "
					    "chars, %u parts, reserve %zu: "
					    "cut %zu\n", i, nchars, max_parts,
					    reserves[r], cut);
				assert_true(parts_with(text, cut, p->encoding,
				    reserves[r], buf) <= max_parts);
				if (cut == len)
					continue;
				assert_true(parts_with(text,
				    cut + char_len(text + cut), p->encoding,
				    reserves[r], buf) > max_parts);
			}
			free(text);
		}
	}
	free(buf);
}

struct fit_case {
	const char		*a, *b, *c;
	size_t			 na, nb, nc;
	enum sms_encoding	 encoding;
	unsigned		 max_parts;
	size_t			 reserve;
	size_t			 fit;		/* bytes */
};

static const struct fit_case fit_cases[] = {
	{ "a", NULL, NULL, 160, 0, 0, SMS_GSM7, 1, 0, 160 },
	{ "a", NULL, NULL, 160, 0, 0, SMS_GSM7, 1, 3, 157 },
	{ "a", NULL, NULL, 200, 0, 0, SMS_GSM7, 1, 3, 157 },
	/* with a second part allowed the text may grow past one SMS */
	{ "a", NULL, NULL, 160, 0, 0, SMS_GSM7, 2, 3, 160 },
	{ "a", NULL, NULL, 400, 0, 0, SMS_GSM7, 2, 3, 303 },
	{ "a", NULL, NULL, 400, 0, 0, SMS_GSM7, 2, 0, 306 },
	/* an escape pair that does not fit whole stays out */
	{ "a", EURO, "a", 156, 1, 9, SMS_GSM7, 1, 3, 156 },
	{ "a", EURO, "a", 155, 1, 9, SMS_GSM7, 1, 3, 158 },
	{ "a", EURO, "a", 152, 1, 200, SMS_GSM7, 2, 0, 152 + 3 + 151 },
	{ "a", EURO, "a", 152, 1, 200, SMS_GSM7, 2, 3, 152 + 3 + 148 },
	{ ZHE, NULL, NULL, 80, 0, 0, SMS_UCS2, 1, 1, 138 },
	{ ZHE, NULL, NULL, 80, 0, 0, SMS_UCS2, 2, 1, 160 },
	{ ZHE, NULL, NULL, 200, 0, 0, SMS_UCS2, 2, 1, 266 },
	/* a surrogate pair that does not fit whole stays out */
	{ ZHE, GRIN, ZHE, 68, 1, 5, SMS_UCS2, 1, 1, 136 },
	{ ZHE, GRIN, ZHE, 67, 1, 5, SMS_UCS2, 1, 1, 138 },
	{ ZHE, GRIN, ZHE, 66, 1, 80, SMS_UCS2, 2, 0, 132 + 4 + 130 },
	{ "a", NULL, NULL, 10, 0, 0, SMS_GSM7, 0, 0, 0 },
	{ "a", NULL, NULL, 10, 0, 0, SMS_GSM7, 1, 200, 0 },
	{ "a", NULL, NULL, 10, 0, 0, SMS_GSM7, 3, 200, 10 },
};

/* test_fit - prefixes at the boundaries, in bytes */
static void
test_fit(void **state)
{
	const struct fit_case	*c;
	char			*text;
	size_t			 i, len, fit;

	(void)state;
	for (i = 0; i < sizeof(fit_cases) / sizeof(fit_cases[0]); i++) {
		c = &fit_cases[i];
		text = repeat(&len, c->a, c->na, c->b, c->nb, c->c, c->nc);
		fit = gsm_fit(text, len, c->encoding, c->max_parts,
		    c->reserve);
		free(text);
		if (fit != c->fit)
			print_message("# case %zu: %zu\n", i, fit);
		assert_int_equal(fit, c->fit);
	}
	assert_int_equal(gsm_fit(NULL, 0, SMS_GSM7, 1, 3), 0);
}

struct translit_case {
	const char	*in;
	const char	*out;
	unsigned	 total;		/* characters changed */
};

static const struct translit_case translit_cases[] = {
	/* German: typographic quotes, dashes, spaces; umlauts are GSM */
	{ "„Grüße aus Köln“ – Preis:\u00a05\u202f€…",
	    "\"Grüße aus Köln\" - Preis: 5 €...", 6 },
	/* French */
	{ "«\u00a0Ça coûte 5\u00a0€\u00a0», dit-elle. Œuvre naïve, être à "
	    "l’hôtel, Noël",
	    "\" Ça coute 5 € \", dit-elle. OEuvre naive, etre à l'hotel, Noel",
	    12 },
	/* Polish */
	{ "Zażółć gęślą jaźń. Łódź, Świętokrzyskie",
	    "Zazolc gesla jazn. Lodz, Swietokrzyskie", 14 },
	/* Czech: é is GSM, the rest loses its accent */
	{ "Příliš žluťoučký kůň úpěl ďábelské ódy",
	    "Prilis zlutoucky kun upel dabelské ody", 14 },
	/* Turkish: ö ü Ç are GSM */
	{ "Pijamalı hasta yağız şoföre çabucak güvendi. İstanbul, Çorum",
	    "Pijamali hasta yagiz soföre cabucak güvendi. Istanbul, Çorum", 6 },
	/* Romanian, with comma below and the older cedilla forms */
	{ "Înțelegeți că „şi ţara” e mândră. Ștefan Țiriac",
	    "Intelegeti ca \"si tara\" e mandra. Stefan Tiriac", 12 },
	/* Hungarian: the double acute keeps the umlaut GSM has */
	{ "Árvíztűrő tükörfúrógép ŐŰ",
	    "Arviztürö tükörfurogép ÖÜ", 8 },
	/* Spanish and Portuguese */
	{ "¿Qué tal? Él está aquí. São João, ação",
	    "¿Qué tal? Él esta aqui. Sao Joao, acao", 6 },
	/* Greek capitals that look Latin become Latin; GSM has the others */
	{ "ΚΑΛΗΜΕΡΑ ΚΟΣΜΕ, ΨΥΧΗ", "KAΛHMEPA KOΣME, ΨYXH", 14 },
	/* lowercase Greek stays as written, for UCS-2 */
	{ "καλημέρα κόσμε", "καλημέρα κόσμε", 0 },
	/* decomposed accents join the letter when GSM has the pair */
	{ "Cafe\u0301, cre\u0300me, Mu\u0308ller, man\u0303ana, a\u0301, "
	    "c\u0327a",
	    "Café, crème, Müller, mañana, a, ca", 6 },
	/* invisible characters go, odd spaces become spaces */
	{ "a\u200bb\ufeffc\u00add\u2060e\u200df\u200eg\ufe0fh",
	    "abcdefgh", 7 },
	{ "x\u2009y\u2003z\tw", "x y z w", 3 },
	{ "`code` ‘quoted’ ‚low‛ 5′ 6″ ‹a›", "'code' 'quoted' 'low' 5' 6\" 'a'",
	    10 },
	{ "• item\n· item — end ― x − y", "- item\n- item - end - x - y", 5 },
	{ "© 2024 ACME® Brand™ ¢ × ≤ ≥ → ←",
	    "(C) 2024 ACME(R) Brand(TM) c x <= >= -> <-", 9 },
	{ "line\u2028next", "line\nnext", 1 },
	/* what has no look-alike stays for UCS-2 */
	{ "Привет, мир", "Привет, мир", 0 },
	{ "20°C, 5 µm, 你好", "20°C, 5 µm, 你好", 0 },
	{ "", "", 0 },
};

/* test_translit_sentences - whole sentences in and the GSM text out */
static void
test_translit_sentences(void **state)
{
	const struct translit_case	*c;
	struct translit_log		 log;
	struct sms_layout		 l;
	char				*out;
	size_t				 i, len;
	int				 same;

	(void)state;
	for (i = 0; i < sizeof(translit_cases) / sizeof(translit_cases[0]);
	    i++) {
		c = &translit_cases[i];
		memset(&log, 0xa5, sizeof(log));
		out = gsm_transliterate(c->in, strlen(c->in), true, &len,
		    &log);
		assert_non_null(out);
		same = len == strlen(c->out) && strcmp(out, c->out) == 0;
		if (!same || log.total != c->total)
			print_message("# case %zu: \"%s\" (%u)\n", i, out,
			    log.total);
		gsm_layout(out, len, &l);
		free(out);
		assert_true(same);
		assert_int_equal(log.total, c->total);
		if (c->total > 0)
			assert_int_equal(l.encoding, SMS_GSM7);
	}
}

/* test_translit_log - distinct changes in order, counts, the limit */
static void
test_translit_log(void **state)
{
	static const char	 german[] = "„Grüße“ – „Tschüss“ …";
	static const char	 accents[] =
	    "Se\u0301, e\u0301, E\u0301, x\u0301";
	struct translit_log	 log;
	char			*out, text[TRANSLIT_MAX * 2 * 3];
	size_t			 len, i, n;
	uint32_t		 cp;

	(void)state;
	out = gsm_transliterate(german, strlen(german), true, &len, &log);
	assert_non_null(out);
	assert_string_equal(out, "\"Grüße\" - \"Tschüss\" ...");
	free(out);
	assert_int_equal(log.nchanges, 4);
	assert_int_equal(log.total, 6);
	assert_int_equal(log.changes[0].codepoint, 0x201E);
	assert_string_equal(log.changes[0].to, "\"");
	assert_int_equal(log.changes[0].count, 2);
	assert_int_equal(log.changes[1].codepoint, 0x201C);
	assert_int_equal(log.changes[1].count, 2);
	assert_int_equal(log.changes[2].codepoint, 0x2013);
	assert_string_equal(log.changes[2].to, "-");
	assert_int_equal(log.changes[2].count, 1);
	assert_int_equal(log.changes[3].codepoint, 0x2026);
	assert_string_equal(log.changes[3].to, "...");

	/* one mark becoming different letters is as many changes */
	out = gsm_transliterate(accents, strlen(accents), true, &len,
	    &log);
	assert_non_null(out);
	assert_string_equal(out, "Sé, é, É, x");
	free(out);
	assert_int_equal(log.nchanges, 3);
	assert_int_equal(log.changes[0].codepoint, 0x0301);
	assert_string_equal(log.changes[0].to, "é");
	assert_int_equal(log.changes[0].count, 2);
	assert_string_equal(log.changes[1].to, "É");
	assert_string_equal(log.changes[2].to, "");

	/* twice as many distinct changes as recorded: all are counted */
	for (cp = 0x0100, n = 0, i = 0; i < TRANSLIT_MAX * 2; cp++) {
		if (cp == 0x0138)	/* kra has no look-alike */
			continue;
		n += utf8_encode(cp, text + n);
		i++;
	}
	out = gsm_transliterate(text, n, true, &len, &log);
	assert_non_null(out);
	free(out);
	assert_int_equal(log.nchanges, TRANSLIT_MAX);
	assert_int_equal(log.total, TRANSLIT_MAX * 2);
	assert_int_equal(log.changes[0].codepoint, 0x0100);
	assert_string_equal(log.changes[0].to, "A");
	assert_int_equal(log.changes[TRANSLIT_MAX - 1].codepoint,
	    0x0100 + TRANSLIT_MAX - 1);

	/* the log is optional */
	out = gsm_transliterate("a–b", 5, false, &len, NULL);
	assert_non_null(out);
	assert_string_equal(out, "a-b");
	assert_int_equal(len, 3);
	free(out);
}

/* test_translit_stays - emoji and malformed bytes survive unchanged */
static void
test_translit_stays(void **state)
{
	static const char	 emoji[] = "Danke " GRIN " – bis bald…";
	static const char	 bad[] = "\xe2\x80" "a\xff\xe2\x80\x9c";
	struct translit_log	 log;
	struct sms_layout	 l;
	char			*out;
	size_t			 len;

	(void)state;
	out = gsm_transliterate(emoji, strlen(emoji), false, &len, &log);
	assert_non_null(out);
	assert_string_equal(out, "Danke " GRIN " - bis bald...");
	assert_int_equal(log.total, 2);
	gsm_layout(out, len, &l);
	assert_int_equal(l.encoding, SMS_UCS2);
	free(out);

	/* a cut-off sequence is copied; only the whole quote is replaced */
	out = gsm_transliterate(bad, sizeof(bad) - 1, false, &len, &log);
	assert_non_null(out);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "\xe2\x80" "a\xff\"", 5);
	assert_int_equal(log.total, 1);
	free(out);

	/* len bounds the input: the quote past it is not read */
	out = gsm_transliterate("ab\xe2\x80\x9c", 2, false, &len, &log);
	assert_non_null(out);
	assert_string_equal(out, "ab");
	assert_int_equal(log.total, 0);
	free(out);
}

/*
 * every_char - each code point alone through gsm_transliterate: GSM
 * characters and those without a look-alike stay, every replacement is
 * GSM-7 (or nothing); the number of characters replaced
 */
static unsigned
every_char(bool letters)
{
	struct translit_log	 log;
	struct sms_layout	 l;
	char			 buf[4], *out;
	size_t			 len, outlen;
	uint32_t		 cp;
	unsigned		 changed = 0;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		len = utf8_encode(cp, buf);
		out = gsm_transliterate(buf, len, letters, &outlen, &log);
		assert_non_null(out);
		if (log.total == 0) {
			assert_int_equal(outlen, len);
			assert_memory_equal(out, buf, len);
		} else {
			if (expected_septets(cp) != 0)
				print_message("# GSM U+%04X changed\n",
				    (unsigned)cp);
			assert_int_equal(expected_septets(cp), 0);
			assert_int_equal(log.total, 1);
			assert_int_equal(log.nchanges, 1);
			assert_int_equal(log.changes[0].codepoint, cp);
			assert_int_equal(log.changes[0].count, 1);
			assert_string_equal(log.changes[0].to, out);
			assert_int_equal(outlen, strlen(out));
			assert_true(outlen <= 4);
			gsm_layout(out, outlen, &l);
			assert_int_equal(l.encoding, SMS_GSM7);
			changed++;
		}
		free(out);
	}
	return changed;
}

/*
 * test_translit_every_char - with letters: the look-alike table, the
 * combining marks U+0300..U+036F and the variation selectors U+FE00..U+FE0F;
 * typography alone: its 70 entries and the variation selectors (a lone
 * mark has no letter to join). An entry the binary search cannot reach
 * (the table out of order) shows up here.
 */
static void
test_translit_every_char(void **state)
{
	(void)state;
	assert_int_equal(every_char(true), 288 + 112 + 16);
	assert_int_equal(every_char(false), 70 + 16);
}

/* Typography alone: what changes no word. */
static const struct translit_case typography_cases[] = {
	{ "„Grüße aus Köln“ – Preis:\u00a05\u202f€…",
	    "\"Grüße aus Köln\" - Preis: 5 €...", 6 },
	{ "«\u00a0Ça coûte 5\u00a0€\u00a0», l’hôtel",
	    "\" Ça coûte 5 € \", l'hôtel", 6 },
	{ "Łukasz Żółć – 5…", "Łukasz Żółć - 5...", 2 },
	{ "Győr, Şişli, Tõnu, Müller–Lüdenscheidt",
	    "Győr, Şişli, Tõnu, Müller-Lüdenscheidt", 1 },
	{ "© 2024 ACME® Brand™ ¢ × ≤ ≥ → ←", "© 2024 ACME® Brand™ ¢ × ≤ ≥ → ←",
	    0 },
	{ "col·legi, ΚΑΛΗΜΕΡΑ, ʻokina", "col·legi, ΚΑΛΗΜΕΡΑ, ʻokina", 0 },
	/* the same letter written decomposed joins; a lone accent stays */
	{ "Cafe\u0301 a\u0301", "Café a\u0301", 1 },
	{ "a\u200bb\ufeffc\u00add\u2060e\u200df\u200eg\ufe0fh\u2066i",
	    "abcdefghi", 8 },
	{ "• item\n\uf0b7 item ⁃ x − y", "- item\n- item - x - y", 4 },
	{ "`code` ‘quoted’ 5′ 6″ ‹a› ´s", "'code' 'quoted' 5' 6\" 'a' 's", 9 },
	{ "a\u3000b\u2028c\u2009d\te", "a b\nc d e", 4 },
};

/* test_translit_typography - letters and symbols stay as written */
static void
test_translit_typography(void **state)
{
	const struct translit_case	*c;
	struct translit_log		 log;
	char				*out;
	size_t				 i, len;
	int				 same;

	(void)state;
	for (i = 0; i < sizeof(typography_cases) /
	    sizeof(typography_cases[0]); i++) {
		c = &typography_cases[i];
		out = gsm_transliterate(c->in, strlen(c->in), false, &len,
		    &log);
		assert_non_null(out);
		same = len == strlen(c->out) && strcmp(out, c->out) == 0;
		if (!same || log.total != c->total)
			print_message("# case %zu: \"%s\" (%u)\n", i, out,
			    log.total);
		free(out);
		assert_true(same);
		assert_int_equal(log.total, c->total);
	}
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
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_max),
		cmocka_unit_test(test_split_agrees),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_agrees),
		cmocka_unit_test(test_translit_sentences),
		cmocka_unit_test(test_translit_log),
		cmocka_unit_test(test_translit_stays),
		cmocka_unit_test(test_translit_every_char),
		cmocka_unit_test(test_translit_typography),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
