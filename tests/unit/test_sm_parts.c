/*
 * test_sm_parts.c - the short messages of an SMS: packing vectors, the GSM
 * 03.38 tables written out in code order, UDH/SAR/payload parts decoded back
 * to the text for the mime corpus and generated texts (this file is UTF-8).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/gsm.h"
#include "sms/lib/utf8.h"
#include "sms/transport/smpp/sm_parts.h"

/* pdu.h's values (pdu.h and conf.h clash on smpp_bind) */
#define SMPP_ESM_UDHI		0x40U
#define SMPP_DC_DEFAULT		0x00U
#define SMPP_DC_UCS2		0x08U
#define SMPP_SM_MAX		254
#define ESCAPE		UINT32_MAX
#define TEXT_MAX	(64 * 1024)

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

/* The extension table: code after the escape, and its character. */
static const struct {
	uint8_t		 code;
	uint32_t	 cp;
} gsm_extension[] = {
	{ 0x0A, 0x000C }, { 0x14, 0x005E }, { 0x28, 0x007B },
	{ 0x29, 0x007D }, { 0x2F, 0x005C }, { 0x3C, 0x005B },
	{ 0x3D, 0x007E }, { 0x3E, 0x005D }, { 0x40, 0x007C },
	{ 0x65, 0x20AC },
};

/* A decoded text growing part by part. */
struct text {
	char	 s[TEXT_MAX];
	size_t	 len;
};

/* put_cp - append a code point as UTF-8 */
static void
put_cp(struct text *t, uint32_t cp)
{
	unsigned char	 u[UTF8_MAX];
	size_t		 n;

	n = utf8_encode(cp, u);
	assert_true(n > 0);
	assert_true(t->len + n <= sizeof(t->s));
	memcpy(t->s + t->len, u, n);
	t->len += n;
}

/* extension_cp - the character of an extension code, fails if none */
static uint32_t
extension_cp(uint8_t code)
{
	size_t	 i;

	for (i = 0; i < sizeof(gsm_extension) / sizeof(gsm_extension[0]); i++)
		if (gsm_extension[i].code == code)
			return gsm_extension[i].cp;
	fail_msg("no extension character 0x%02x", code);
	return 0;
}

/* decode_septets - septets (one per octet) back to UTF-8 by the tables */
static void
decode_septets(struct text *t, const uint8_t *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		assert_true(s[i] < 0x80);
		if (gsm_default[s[i]] == ESCAPE) {
			assert_true(i + 1 < n);	/* a pair never straddles */
			put_cp(t, extension_cp(s[++i]));
		} else
			put_cp(t, gsm_default[s[i]]);
	}
}

/*
 * unpack - the septets in len octets after fill bits, bit by bit; 7 spare
 * bits hold a CR that is dropped, as the packer pads
 */
static size_t
unpack(const uint8_t *p, size_t len, unsigned fill, uint8_t *out)
{
	size_t	 bits = len * 8 - fill, n = bits / 7, i, b, bit;

	for (i = 0; i < n; i++) {
		out[i] = 0;
		for (b = 0; b < 7; b++) {
			bit = fill + 7 * i + b;
			if (p[bit / 8] >> (bit % 8) & 1)
				out[i] |= (uint8_t)(1 << b);
		}
	}
	if (bits % 7 == 0 && n > 0 && out[n - 1] == 0x0d)
		n--;
	return n;
}

/* decode_ucs2 - UTF-16BE back to UTF-8, surrogate pairs whole */
static void
decode_ucs2(struct text *t, const uint8_t *p, size_t len)
{
	size_t		 i;
	uint32_t	 u, lo;

	assert_int_equal(len % 2, 0);
	for (i = 0; i < len; i += 2) {
		u = (uint32_t)p[i] << 8 | p[i + 1];
		if (u >= 0xD800 && u <= 0xDBFF) {
			assert_true(i + 3 < len);	/* never split */
			lo = (uint32_t)p[i + 2] << 8 | p[i + 3];
			assert_true(lo >= 0xDC00 && lo <= 0xDFFF);
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		}
		put_cp(t, u);
	}
}

/*
 * reassemble - the text the parts carry, checking each part's headers
 * against mode: UDH 05 00 03 ref total seq, SAR numbers, sizes
 */
static void
reassemble(const struct sm_message *msg, enum smpp_long mode, bool packed,
    uint16_t ref, struct text *t)
{
	const struct sm_part	*part;
	const uint8_t		*p;
	uint8_t			 septets[TEXT_MAX];
	size_t			 len, n;
	unsigned		 i, fill;

	t->len = 0;
	for (i = 0; i < msg->nparts; i++) {
		part = &msg->parts[i];
		p = part->data;
		len = part->len;
		fill = 0;
		if (mode != SMPP_LONG_PAYLOAD)
			assert_true(len <= SMPP_SM_MAX);
		if (mode == SMPP_LONG_UDH && msg->nparts > 1) {
			assert_int_equal(part->esm_class, SMPP_ESM_UDHI);
			assert_true(len > 6);
			assert_int_equal(p[0], 5);
			assert_int_equal(p[1], 0);
			assert_int_equal(p[2], 3);
			assert_int_equal(p[3], ref & 0xff);
			assert_int_equal(p[4], msg->nparts);
			assert_int_equal(p[5], i + 1);
			p += 6;
			len -= 6;
			fill = 1;
		} else
			assert_int_equal(part->esm_class, 0);
		if (mode == SMPP_LONG_SAR && msg->nparts > 1) {
			assert_int_equal(part->sar_ref, ref);
			assert_int_equal(part->sar_total, msg->nparts);
			assert_int_equal(part->sar_seq, i + 1);
		} else
			assert_int_equal(part->sar_seq, 0);
		if (msg->data_coding == SMPP_DC_UCS2) {
			if (mode != SMPP_LONG_PAYLOAD)
				assert_true(part->len <= 140);
			decode_ucs2(t, p, len);
		} else if (packed && mode != SMPP_LONG_PAYLOAD) {
			assert_true(part->len <= 140);
			n = unpack(p, len, fill, septets);
			decode_septets(t, septets, n);
		} else {
			if (mode != SMPP_LONG_PAYLOAD)
				assert_true(len <= (msg->nparts > 1 ? 153 : 160));
			decode_septets(t, p, len);
		}
	}
}

/* build_check - every mode's parts of text decode back to it, as many */
static void
build_check(const char *text, size_t len)
{
	static const enum smpp_long modes[] = { SMPP_LONG_UDH, SMPP_LONG_SAR,
	    SMPP_LONG_PAYLOAD };
	static struct sm_message msg;
	static struct text	 t;
	struct sms_layout	 layout;
	size_t			 m;
	int			 packed;
	uint16_t		 ref = 0xBEEF;

	gsm_layout(text, len, &layout);
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (packed = 0; packed < 2; packed++) {
			assert_int_equal(sm_message_build(&msg, text, len,
			    modes[m], packed, ref), 0);
			assert_int_equal(msg.data_coding, layout.encoding ==
			    SMS_GSM7 ? SMPP_DC_DEFAULT : SMPP_DC_UCS2);
			assert_int_equal(msg.nparts, modes[m] ==
			    SMPP_LONG_PAYLOAD ? 1 : layout.parts);
			reassemble(&msg, modes[m], packed, ref, &t);
			assert_int_equal(t.len, len);
			assert_memory_equal(t.s, text, len);
		}
}

/* test_pack_vectors - packing known from the specifications and by hand */
static void
test_pack_vectors(void **state)
{
	static const uint8_t hello[] = { 0xe8, 0x32, 0x9b, 0xfd, 0x46, 0x97,
	    0xd9, 0xec, 0x37 };
	static const uint8_t digits[] = { 0x31, 0xd9, 0x8c, 0x56, 0xb3, 0xdd,
	    0x1a };
	static const uint8_t hi_fill[] = { 0x90, 0x69 };
	uint8_t	 septets[200], out[200];
	ssize_t	 n;

	(void)state;
	n = sm_gsm_encode("hellohello", 10, septets, sizeof(septets));
	assert_int_equal(n, 10);
	assert_int_equal(sm_gsm_pack(septets, 10, 0, out), sizeof(hello));
	assert_memory_equal(out, hello, sizeof(hello));
	/* 7 septets leave 7 spare bits: a CR, not an '@' */
	n = sm_gsm_encode("1234567", 7, septets, sizeof(septets));
	assert_int_equal(sm_gsm_pack(septets, (size_t)n, 0, out),
	    sizeof(digits));
	assert_memory_equal(out, digits, sizeof(digits));
	/* after a UDH: one fill bit, then 'H' and 'i' */
	n = sm_gsm_encode("Hi", 2, septets, sizeof(septets));
	assert_int_equal(sm_gsm_pack(septets, (size_t)n, 1, out), 2);
	assert_memory_equal(out, hi_fill, sizeof(hi_fill));
	/* 153 septets after the UDH's fill bit: 134 octets, 140 with it */
	memset(septets, 0x7f, 153);
	assert_int_equal(sm_gsm_pack(septets, 153, 1, out), 134);
	assert_int_equal(out[0], 0xfe);
	assert_int_equal(out[133], 0xff);
	assert_int_equal(sm_gsm_pack(septets, 160, 0, out), 140);
	assert_int_equal(sm_gsm_pack(septets, 0, 1, out), 0);
}

/* test_encode_tables - every character of both tables, and what fails */
static void
test_encode_tables(void **state)
{
	static const uint8_t ext[] = { 0x1b, 0x14, 0x1b, 0x28, 0x1b, 0x29,
	    0x1b, 0x2f, 0x1b, 0x3c, 0x1b, 0x3d, 0x1b, 0x3e, 0x1b, 0x40,
	    0x1b, 0x65, 0x1b, 0x0a };
	const char	*exttext = "^{}\\[~]|€\f";
	uint8_t		 out[16], all[32];
	unsigned char	 u[UTF8_MAX];
	size_t		 i, n;
	ssize_t		 got;

	(void)state;
	for (i = 0; i < 128; i++) {
		if (gsm_default[i] == ESCAPE)
			continue;
		n = utf8_encode(gsm_default[i], u);
		got = sm_gsm_encode((const char *)u, n, out, sizeof(out));
		assert_int_equal(got, 1);
		assert_int_equal(out[0], i);
	}
	for (i = 0; i < sizeof(gsm_extension) / sizeof(gsm_extension[0]); i++) {
		n = utf8_encode(gsm_extension[i].cp, u);
		got = sm_gsm_encode((const char *)u, n, out, sizeof(out));
		assert_int_equal(got, 2);
		assert_int_equal(out[0], 0x1b);
		assert_int_equal(out[1], gsm_extension[i].code);
	}
	assert_int_equal(sm_gsm_encode(exttext, strlen(exttext), all,
	    sizeof(all)), sizeof(ext));
	assert_memory_equal(all, ext, sizeof(ext));
	assert_int_equal(sm_gsm_encode("\xe2\x82\xac", 3, out, sizeof(out)), 2);
	assert_int_equal(out[1], 0x65);
	assert_int_equal(sm_gsm_encode("\xc3\xa7", 2, out, sizeof(out)), -1);
	assert_int_equal(sm_gsm_encode("`", 1, out, sizeof(out)), -1);
	assert_int_equal(sm_gsm_encode("\x1b", 1, out, sizeof(out)), -1);
	assert_int_equal(sm_gsm_encode("a\xff", 2, out, sizeof(out)), -1);
	assert_int_equal(sm_gsm_encode("\xe2\x82\xac", 3, out, 1), -1);
	assert_int_equal(sm_gsm_encode("abc", 3, out, 2), -1);
}

/* test_encode_agrees - sm_gsm_encode takes what gsm_layout calls GSM-7 */
static void
test_encode_agrees(void **state)
{
	struct sms_layout	 layout;
	unsigned char		 u[UTF8_MAX];
	uint8_t			 out[2];
	uint32_t		 cp;
	size_t			 n;
	ssize_t			 got;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if ((n = utf8_encode(cp, u)) == 0)
			continue;
		gsm_layout((const char *)u, n, &layout);
		got = sm_gsm_encode((const char *)u, n, out, sizeof(out));
		if (layout.encoding == SMS_GSM7)
			assert_int_equal(got, (ssize_t)layout.units);
		else
			assert_int_equal(got, -1);
	}
}

/* test_single - a short text is one part without UDH or SAR */
static void
test_single(void **state)
{
	static struct sm_message msg;
	static const uint8_t hello[] = { 0xe8, 0x32, 0x9b, 0xfd, 0x06 };

	(void)state;
	assert_int_equal(sm_message_build(&msg, "hello", 5, SMPP_LONG_UDH,
	    true, 7), 0);
	assert_int_equal(msg.nparts, 1);
	assert_int_equal(msg.data_coding, SMPP_DC_DEFAULT);
	assert_int_equal(msg.parts[0].esm_class, 0);
	assert_int_equal(msg.parts[0].sar_seq, 0);
	assert_int_equal(msg.parts[0].len, sizeof(hello));
	assert_memory_equal(msg.parts[0].data, hello, sizeof(hello));
	assert_int_equal(sm_message_build(&msg, "hello", 5, SMPP_LONG_SAR,
	    false, 7), 0);
	assert_int_equal(msg.parts[0].len, 5);
	assert_memory_equal(msg.parts[0].data, "hello", 5);
	assert_int_equal(msg.parts[0].sar_seq, 0);
	assert_int_equal(sm_message_build(&msg, "", 0, SMPP_LONG_UDH, true,
	    7), -1);
	assert_int_equal(msg.nparts, 0);
}

/* test_concatenated - reference, total and sequence of a 3-part text */
static void
test_concatenated(void **state)
{
	static struct sm_message msg;
	char	 text[400];
	unsigned i;

	(void)state;
	memset(text, 'a', sizeof(text));
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_UDH, true, 0x1234), 0);
	assert_int_equal(msg.nparts, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(msg.parts[i].esm_class, 0x40);
		assert_int_equal(msg.parts[i].data[3], 0x34);
		assert_int_equal(msg.parts[i].data[4], 3);
		assert_int_equal(msg.parts[i].data[5], i + 1);
	}
	assert_int_equal(msg.parts[0].len, 140);
	assert_int_equal(msg.parts[2].len, 6 + (1 + 7 * 94 + 7) / 8);
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_UDH, false, 0x1234), 0);
	assert_int_equal(msg.parts[0].len, 6 + 153);
	assert_int_equal(msg.parts[0].data[6], 'a');
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_SAR, false, 0x1234), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(msg.parts[i].esm_class, 0);
		assert_int_equal(msg.parts[i].sar_ref, 0x1234);
		assert_int_equal(msg.parts[i].sar_total, 3);
		assert_int_equal(msg.parts[i].sar_seq, i + 1);
	}
	assert_int_equal(msg.parts[0].len, 153);
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_PAYLOAD, true, 0x1234), 0);
	assert_int_equal(msg.nparts, 1);
	assert_int_equal(msg.parts[0].len, 400);
	assert_int_equal(msg.parts[0].sar_seq, 0);
	assert_int_equal(msg.parts[0].esm_class, 0);
	build_check(text, sizeof(text));
}

/* test_escape_boundary - a € that would straddle moves to the next part */
static void
test_escape_boundary(void **state)
{
	static struct sm_message msg;
	char	 text[152 + 3 + 100];

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text + 152, "\xe2\x82\xac", 3);
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_SAR, false, 1), 0);
	assert_int_equal(msg.nparts, 2);
	assert_int_equal(msg.parts[0].len, 152);
	assert_int_equal(msg.parts[1].data[0], 0x1b);
	assert_int_equal(msg.parts[1].data[1], 0x65);
	build_check(text, sizeof(text));
}

/* test_ucs2_surrogate_boundary - an emoji never splits over two parts */
static void
test_ucs2_surrogate_boundary(void **state)
{
	static struct sm_message msg;
	char	 text[66 * 2 + 4 + 20];
	size_t	 i;

	(void)state;
	for (i = 0; i < 66; i++)
		memcpy(text + 2 * i, "\xd0\xb6", 2);	/* ж */
	memcpy(text + 132, "\xf0\x9f\x98\x80", 4);	/* U+1F600 */
	memset(text + 136, 'x', 20);
	assert_int_equal(sm_message_build(&msg, text, sizeof(text),
	    SMPP_LONG_UDH, true, 9), 0);
	assert_int_equal(msg.data_coding, SMPP_DC_UCS2);
	assert_int_equal(msg.nparts, 2);
	assert_int_equal(msg.parts[0].len, 6 + 132);
	assert_int_equal(msg.parts[0].data[6], 0x04);
	assert_int_equal(msg.parts[0].data[7], 0x36);
	assert_int_equal(msg.parts[1].len, 6 + 4 + 40);
	assert_int_equal(msg.parts[1].data[6], 0xd8);
	assert_int_equal(msg.parts[1].data[7], 0x3d);
	assert_int_equal(msg.parts[1].data[8], 0xde);
	assert_int_equal(msg.parts[1].data[9], 0x00);
	build_check(text, sizeof(text));
	/* "€" alone: GSM, the extension pair */
	assert_int_equal(sm_message_build(&msg, "\xe2\x82\xac", 3,
	    SMPP_LONG_UDH, false, 9), 0);
	assert_int_equal(msg.parts[0].len, 2);
	/* malformed bytes travel as U+FFFD, as gsm_layout counts them */
	assert_int_equal(sm_message_build(&msg, "a\xff", 2, SMPP_LONG_UDH,
	    false, 9), 0);
	assert_int_equal(msg.data_coding, SMPP_DC_UCS2);
	assert_int_equal(msg.parts[0].len, 4);
	assert_int_equal(msg.parts[0].data[2], 0xff);
	assert_int_equal(msg.parts[0].data[3], 0xfd);
}

/* test_too_long - more than 255 parts is refused, 255 fit */
static void
test_too_long(void **state)
{
	static struct sm_message msg;
	static char	 text[256 * 153];

	(void)state;
	memset(text, 'a', sizeof(text));
	assert_int_equal(sm_message_build(&msg, text, 255 * 153,
	    SMPP_LONG_UDH, false, 1), 0);
	assert_int_equal(msg.nparts, 255);
	assert_int_equal(sm_message_build(&msg, text, 255 * 153,
	    SMPP_LONG_PAYLOAD, false, 1), 0);
	assert_int_equal(msg.parts[0].len, 255 * 153);
	assert_int_equal(sm_message_build(&msg, text, 255 * 153 + 1,
	    SMPP_LONG_SAR, false, 1), -1);
	assert_int_equal(msg.nparts, 0);
}

/* test_generated - texts of every length up to 5 parts, four alphabets */
static void
test_generated(void **state)
{
	static const char *const pieces[] = { "a", "\xe2\x82\xac", "b{",
	    "\xd0\xb6", "x\xf0\x9f\x98\x80", "\xc3\xa4\xc3\x9f" };
	static char	 text[2000];
	size_t		 len, p, n, k, i;

	(void)state;
	for (p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
		k = strlen(pieces[p]);
		for (n = 1; (len = n * k + n % 3) < sizeof(text) - 2 &&
		    n < 800; n += 1 + n / 40) {
			memset(text, 'q', len);
			for (i = 0; i < n; i++)
				memcpy(text + i * k, pieces[p], k);
			build_check(text, len);
		}
	}
}

/* test_corpus - the golden SMS texts of tests/mime, each in every mode */
static void
test_corpus(void **state)
{
	static char	 text[TEXT_MAX];
	const char	*top = getenv("top_srcdir");
	char		 dir[512], path[1024];
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	size_t		 len, n, files = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/mime", top != NULL ? top : ".");
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".sms") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_non_null(f = fopen(path, "rb"));
		len = fread(text, 1, sizeof(text), f);
		fclose(f);
		if (len > 0 && text[len - 1] == '\n')	/* the file's own */
			len--;
		if (len == 0)
			continue;
		build_check(text, len);
		files++;
	}
	closedir(d);
	assert_true(files > 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_vectors),
		cmocka_unit_test(test_encode_tables),
		cmocka_unit_test(test_encode_agrees),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_escape_boundary),
		cmocka_unit_test(test_ucs2_surrogate_boundary),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
