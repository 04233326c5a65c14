/*
 * test_tnef.c - tnef_body over the generated winmail.dat fixtures, streams
 * built here for the RTF reader and the fallbacks, and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/tnef.h"

#define FUZZ_ROUNDS	1500

/* a stream or property list under construction */
struct tb {
	unsigned char	b[16384];
	size_t		len;
};

/* tb_bytes - append n bytes */
static void
tb_bytes(struct tb *t, const void *p, size_t n)
{
	assert_true(t->len + n <= sizeof(t->b));
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

/* tb_u32 - append a little-endian 32-bit value */
static void
tb_u32(struct tb *t, uint32_t v)
{
	unsigned char	u[4] = { v & 0xFF, v >> 8 & 0xFF, v >> 16 & 0xFF,
			    v >> 24 };

	tb_bytes(t, u, 4);
}

/* tb_pad - zero bytes up to the next multiple of 4 */
static void
tb_pad(struct tb *t)
{
	static const unsigned char zero[4];

	tb_bytes(t, zero, (4 - t->len % 4) % 4);
}

/* tb_prop - a single-valued variable-length MAPI property */
static void
tb_prop(struct tb *t, uint32_t tag, const void *v, size_t n)
{
	tb_u32(t, tag);
	tb_u32(t, 1);
	tb_u32(t, (uint32_t)n);
	tb_bytes(t, v, n);
	tb_pad(t);
}

/* tb_attr - one attribute with its checksum */
static void
tb_attr(struct tb *t, unsigned char level, uint32_t id, const void *p,
    size_t n)
{
	const unsigned char	*d = p;
	uint32_t		 sum = 0;
	size_t			 i;
	unsigned char		 c[2];

	for (i = 0; i < n; i++)
		sum += d[i];
	tb_bytes(t, &level, 1);
	tb_u32(t, id);
	tb_u32(t, (uint32_t)n);
	tb_bytes(t, p, n);
	c[0] = sum & 0xFF;
	c[1] = sum >> 8 & 0xFF;
	tb_bytes(t, c, 2);
}

/* tb_stream - signature, key, codepage and a MAPI list of nprops */
static void
tb_stream(struct tb *t, uint32_t codepage, const struct tb *props,
    uint32_t nprops)
{
	struct tb	 list = { { 0 }, 0 };
	unsigned char	 cp[8] = { codepage & 0xFF, codepage >> 8 & 0xFF,
			    codepage >> 16 & 0xFF, codepage >> 24 };

	t->len = 0;
	tb_u32(t, 0x223E9F78);
	tb_bytes(t, "\x01\x00", 2);
	tb_attr(t, 1, 0x00069007, cp, sizeof(cp));
	tb_u32(&list, nprops);
	tb_bytes(&list, props->b, props->len);
	tb_attr(t, 1, 0x00069003, list.b, list.len);
}

/* tb_mela - PR_RTF_COMPRESSED holding rtf in the uncompressed form */
static void
tb_mela(struct tb *props, const char *rtf)
{
	struct tb	v = { { 0 }, 0 };
	size_t		n = strlen(rtf);

	tb_u32(&v, (uint32_t)n + 12);
	tb_u32(&v, (uint32_t)n);
	tb_u32(&v, 0x414C454D);
	tb_u32(&v, 0);
	tb_bytes(&v, rtf, n);
	tb_prop(props, 0x10090102, v.b, v.len);
}

/* read_file - a fixture's bytes, malloc'd */
static unsigned char *
read_file(const char *name, const char *ext, size_t *len)
{
	const char	*dir = getenv("TNEF_FIXTURES");
	char		 path[1024];
	unsigned char	*p;
	FILE		*fp;
	long		 n;

	if (dir == NULL)
		dir = "tests/mime/tnef";
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s (set TNEF_FIXTURES)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* expected_text - a fixture's .expected file without its final newline */
static char *
expected_text(const char *name)
{
	size_t	 n;
	char	*t = (char *)read_file(name, ".expected", &n);

	if (n > 0 && t[n - 1] == '\n')
		t[n - 1] = '\0';
	return t;
}

/* assert_clean - valid UTF-8 without CR or controls other than TAB and LF */
static void
assert_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, need;
	uint32_t		 cp;

	while (p[i] != '\0') {
		if (p[i] < 0x80) {
			assert_true(p[i] >= 0x20 || p[i] == '\t' ||
			    p[i] == '\n');
			i++;
			continue;
		}
		need = p[i] >= 0xF0 ? 3 : p[i] >= 0xE0 ? 2 : 1;
		assert_true(p[i] >= 0xC2 && p[i] <= 0xF4);
		cp = p[i] & (0x3F >> need);
		for (k = 1; k <= need; k++) {
			assert_int_equal(p[i + k] & 0xC0, 0x80);
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		assert_false(cp >= 0xD800 && cp <= 0xDFFF);
		assert_true(cp <= 0x10FFFF);
		assert_true(cp >= (need == 1 ? 0x80u : need == 2 ? 0x800u :
		    0x10000u));
		i += need + 1;
	}
}

/* xorshift - the next value of a deterministic pseudo-random sequence */
static uint32_t
xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static const char *const fixture_names[] = {
	"plain-body", "body-w", "cp1251", "attbody", "html", "rtf-plain",
	"rtf-mela", "rtf-html",
};

/* every fixture whose body sits in the stream's last attribute */
static const char *const body_last[] = {
	"plain-body", "cp1251", "attbody", "html", "rtf-plain", "rtf-mela",
	"rtf-html",
};

/* test_fixtures - each generated winmail.dat gives its .expected text */
static void
test_fixtures(void **state)
{
	unsigned char	*data;
	char		*want, *got;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < sizeof(fixture_names) / sizeof(fixture_names[0]);
	    i++) {
		data = read_file(fixture_names[i], ".tnef", &len);
		want = expected_text(fixture_names[i]);
		got = tnef_body(data, len);
		if (got == NULL || strcmp(got, want) != 0)
			fail_msg("%s: got [%s] want [%s]", fixture_names[i],
			    got ? got : "(null)", want);
		assert_clean(got);
		free(got);
		free(want);
		free(data);
	}
}

/* test_truncated - no prefix of a stream yields anything but its body */
static void
test_truncated(void **state)
{
	unsigned char	*data;
	char		*want, *got;
	size_t		 i, j, len, cut;
	int		 strict;

	(void)state;
	for (i = 0; i < sizeof(fixture_names) / sizeof(fixture_names[0]);
	    i++) {
		strict = 0;
		for (j = 0; j < sizeof(body_last) / sizeof(body_last[0]); j++)
			if (strcmp(body_last[j], fixture_names[i]) == 0)
				strict = 1;
		data = read_file(fixture_names[i], ".tnef", &len);
		want = expected_text(fixture_names[i]);
		for (cut = 0; cut < len; cut++) {
			got = tnef_body(data, cut);
			if (got != NULL && (strict || strcmp(got, want) != 0))
				fail_msg("%s cut at %zu: [%s]",
				    fixture_names[i], cut, got);
			free(got);
		}
		free(want);
		free(data);
	}
}

/* signature and key; attBody "A" at message level without its checksum */
#define SIG	"\x78\x9f\x3e\x22\x01\x00"
#define ATT_A	"\x01\x0c\x80\x02\x00\x01\x00\x00\x00" "A"

/* test_garbage - streams that are no TNEF at all, or broken framing */
static void
test_garbage(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
	} cases[] = {
		{ "", 0 },
		{ "x", 1 },
		{ SIG, 4 },
		{ SIG, 6 },			/* no attributes */
		{ "\x79\x9f\x3e\x22\x01\x00" ATT_A "\x41\x00", 18 },
						/* bad signature */
		{ SIG ATT_A "\x42\x00", 18 },		/* bad checksum */
		{ SIG "\x03\x0c\x80\x02\x00\x01\x00\x00\x00" "A\x41\x00",
		  18 },				/* level 3 */
		{ SIG "\x01\x0c\x80\x02\x00\xff\xff\xff\xff" "A\x41\x00",
		  18 },				/* size past the end */
		{ SIG "\x01\x03\x90\x06\x00\x04\x00\x00\x00"
		  "\xff\xff\xff\xff\xfc\x03", 21 },	/* 4G properties */
		{ SIG ATT_A "\x41\x00\x01", 19 },	/* a stray byte */
	};
	unsigned char	 noise[4096];
	uint32_t	 x = 12345;
	size_t		 i;
	char		*got;

	(void)state;
	/* the intact stream the broken ones are made from */
	got = tnef_body((const unsigned char *)SIG ATT_A "\x41\x00", 18);
	assert_non_null(got);
	assert_string_equal(got, "A");
	free(got);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = tnef_body((const unsigned char *)cases[i].bytes,
		    cases[i].len);
		if (got != NULL)
			fail_msg("case %zu: [%s]", i, got);
	}
	assert_null(tnef_body(NULL, 10));
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = xorshift(&x) & 0xFF;
	assert_null(tnef_body(noise, sizeof(noise)));
	memcpy(noise, "\x78\x9f\x3e\x22\x01\x00", 6);
	assert_null(tnef_body(noise, sizeof(noise)));
}

struct rtf_case {
	const char	*rtf;
	const char	*text;		/* NULL: no body */
};

/* test_rtf - the RTF reader, through an uncompressed PR_RTF_COMPRESSED */
static void
test_rtf(void **state)
{
	static const struct rtf_case cases[] = {
		{ "{\\rtf1\\ansi Hello\\par World}", "Hello\nWorld" },
		{ "{\\rtf1 a\\line b\\tab c\\~d\\_e}", "a\nb\tc d-e" },
		{ "{\\rtf1 \\{x\\}\\\\}", "{x}\\" },
		{ "{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8 \\'e2}",
		    "При в" },
		{ "{\\rtf1\\ansicpg1252 Gr\\'FC\\'DFe}", "Grüße" },
		{ "{\\rtf1 \\'zz\\'4}", "zz4" },
		{ "{\\rtf1 M\\u252?ller \\u8364 ?5}", "Müller €5" },
		{ "{\\rtf1\\uc2 a\\u8364\\'80\\'80b}", "a€b" },
		{ "{\\rtf1\\uc0 a\\u8364 b}", "a€b" },
		{ "{\\rtf1 {\\uc3 x}\\u945?y}", "xαy" },
		{ "{\\rtf1 \\u-10179?\\u-8704?!}", "😀!" },
		{ "{\\rtf1 \\u-10179?x}", "\xef\xbf\xbdx" },
		{ "{\\rtf1 \\u-8704?x}", "\xef\xbf\xbdx" },
		{ "{\\rtf1 x{\\*\\unknown hidden}y{\\fonttbl{\\f0 Arial;}}z}",
		    "xyz" },
		{ "{\\rtf1{\\info{\\author me}}{\\colortbl;\\red1;}"
		  "{\\stylesheet{\\s0 Normal;}}{\\header H}{\\footer F}"
		  "{\\pict\\pngblip 89504e47}T}", "T" },
		{ "{\\rtf1 {\\field{\\*\\fldinst HYPERLINK \"x\"}"
		  "{\\fldrslt Link}}}", "Link" },
		{ "{\\rtf1 a\\bin4 {}}}b}", "ab" },
		{ "{\\rtf1 a\\bin99999 }", "a" },
		{ "{\\rtf1 \\ldblquote q\\rdblquote \\emdash\\bullet}",
		    "\xe2\x80\x9cq\xe2\x80\x9d\xe2\x80\x94\xe2\x80\xa2" },
		{ "{\\rtf1 unclosed", "unclosed" },
		{ "{\\rtf1 done} after", "done" },
		{ "{\\rtf1 x\\", "x" },
		{ "{\\rtf1 \\verylongcontrolwordthatgoesonandonandon123456789"
		  "0123 y}", "y" },
		{ "{\\rtf1 a\r\nb\tc}", "ab\tc" },
		{ "{\\rtf1 \\pard\\plain }", NULL },
		{ "}}}", NULL },
		{ "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag64 <p>}\\htmlrtf x"
		  "\\htmlrtf0 Hi{\\*\\htmltag72 </p>}\\htmlrtf\\par}",
		  "Hi" },
		{ "{\\rtf1\\fromhtml1 {\\*\\htmltag <b>}fett{\\*\\htmltag </b>}"
		  "{\\*\\mhtmltag <img src=cid:x>} &amp; mehr}",
		  "fett & mehr" },
	};
	struct tb	 props, s;
	char		*got, deep[2048];
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		props.len = 0;
		tb_mela(&props, cases[i].rtf);
		tb_stream(&s, 1252, &props, 1);
		got = tnef_body(s.b, s.len);
		if (cases[i].text == NULL ? got != NULL : got == NULL ||
		    strcmp(got, cases[i].text) != 0)
			fail_msg("rtf %zu %s: got [%s] want [%s]", i,
			    cases[i].rtf, got ? got : "(null)",
			    cases[i].text ? cases[i].text : "(null)");
		free(got);
	}

	/* groups nested past the limit lose their text, not the rest */
	n = (size_t)snprintf(deep, sizeof(deep), "{\\rtf1 a");
	for (i = 0; i < 200; i++)
		deep[n++] = '{';
	memcpy(deep + n, "lost", 4);
	n += 4;
	for (i = 0; i < 200; i++)
		deep[n++] = '}';
	memcpy(deep + n, "b}", 3);
	props.len = 0;
	tb_mela(&props, deep);
	tb_stream(&s, 1252, &props, 1);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "ab");
	free(got);
}

/* test_sources - preference order, fallbacks and codepages */
static void
test_sources(void **state)
{
	static const unsigned char w[] = { 'H', 0, 0xE4, 0, 0x3D, 0xD8,
	    0x00, 0xDE, 0x00, 0xDC, '!', 0, 0, 0, 'x', 0 };
	struct tb	 props, s;
	char		*got;

	(void)state;

	/* PR_BODY_W wins; surrogates pair up, a lone one is U+FFFD */
	props.len = 0;
	tb_prop(&props, 0x1000001E, "eight\0", 6);
	tb_prop(&props, 0x1000001F, w, sizeof(w));
	tb_stream(&s, 1252, &props, 2);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "Hä😀\xef\xbf\xbd!");
	free(got);

	/* white space only falls through to the next source */
	props.len = 0;
	tb_prop(&props, 0x1000001E, " \r\n\t \0", 6);
	tb_mela(&props, "{\\rtf1 from rtf}");
	tb_stream(&s, 1252, &props, 2);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "from rtf");
	free(got);

	/* CR, CRLF and controls in PR_BODY; an unknown codepage is 1252 */
	props.len = 0;
	tb_prop(&props, 0x1000001E, "a\rb\r\nc\x01\x7f\xe4\0tail", 13);
	tb_stream(&s, 4242, &props, 1);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "a\nb\ncä");
	free(got);

	/* bytes windows-1252 leaves undefined become U+FFFD */
	props.len = 0;
	tb_prop(&props, 0x1000001E, "x\x81y", 3);
	tb_stream(&s, 1252, &props, 1);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "x\xef\xbf\xbdy");
	free(got);

	/* HTML without <meta>: UTF-8 when it is valid UTF-8 */
	props.len = 0;
	tb_prop(&props, 0x10130102, "<p>Gr\xc3\xbc\xc3\x9f" "e</p>", 14);
	tb_stream(&s, 1252, &props, 1);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "Grüße");
	free(got);

	/* ... else PR_INTERNET_CPID */
	props.len = 0;
	tb_u32(&props, 0x3FDE0003);
	tb_u32(&props, 1251);
	tb_prop(&props, 0x10130102, "<p>\xcf\xf0\xe8</p>", 10);
	tb_stream(&s, 1252, &props, 2);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "При");
	free(got);

	/* named and multi-valued properties are stepped over */
	props.len = 0;
	tb_u32(&props, 0x8005001F);
	tb_bytes(&props, "0123456789abcdef", 16);
	tb_u32(&props, 1);
	tb_u32(&props, 6);
	tb_bytes(&props, "n\0m\0\0\0", 6);
	tb_pad(&props);
	tb_u32(&props, 1);
	tb_u32(&props, 2);
	tb_bytes(&props, "v\0\0\0", 4);
	tb_u32(&props, 0x8006101E);
	tb_bytes(&props, "0123456789abcdef", 16);
	tb_u32(&props, 0);
	tb_u32(&props, 0x8123);
	tb_u32(&props, 2);
	tb_u32(&props, 1);
	tb_bytes(&props, "a\0\0\0", 4);
	tb_u32(&props, 3);
	tb_bytes(&props, "bc\0\0", 4);
	tb_u32(&props, 0x00060006);
	tb_bytes(&props, "12345678", 8);
	tb_prop(&props, 0x1000001E, "found\0", 6);
	tb_stream(&s, 1252, &props, 4);
	got = tnef_body(s.b, s.len);
	assert_non_null(got);
	assert_string_equal(got, "found");
	free(got);

	/* a list that does not end where its attribute does is refused */
	props.len = 0;
	tb_prop(&props, 0x1000001E, "found\0", 6);
	tb_u32(&props, 0);
	tb_stream(&s, 1252, &props, 1);
	assert_null(tnef_body(s.b, s.len));

	/* an unknown property type cannot be stepped over */
	props.len = 0;
	tb_u32(&props, 0x12340099);
	tb_u32(&props, 0);
	tb_prop(&props, 0x1000001E, "found\0", 6);
	tb_stream(&s, 1252, &props, 2);
	assert_null(tnef_body(s.b, s.len));

	/* no body at all */
	props.len = 0;
	tb_prop(&props, 0x0037001E, "subject only\0", 13);
	tb_stream(&s, 1252, &props, 1);
	assert_null(tnef_body(s.b, s.len));
}

/* fix_checksums - recompute what a mutation broke, if the framing holds */
static void
fix_checksums(unsigned char *p, size_t n)
{
	size_t		pos, i, size;
	uint32_t	sum;

	for (pos = 6; pos + 9 <= n; pos += 9 + size + 2) {
		size = (size_t)p[pos + 5] | (size_t)p[pos + 6] << 8 |
		    (size_t)p[pos + 7] << 16 | (size_t)p[pos + 8] << 24;
		if (size > n - pos - 9 || n - pos - 9 - size < 2)
			return;
		for (sum = 0, i = 0; i < size; i++)
			sum += p[pos + 9 + i];
		p[pos + 9 + size] = sum & 0xFF;
		p[pos + 10 + size] = sum >> 8 & 0xFF;
	}
}

/* mutate - flip, overwrite, zero, cut or RTF-poison one random byte */
static void
mutate(unsigned char *m, size_t *len, uint32_t *x)
{
	uint32_t	r = xorshift(x);
	size_t		at = r % *len;
	unsigned	arg = r >> 8 & 7;

	switch (r >> 24 & 3) {
	case 0:
		m[at] ^= (unsigned char)(1u << arg);
		break;
	case 1:
		m[at] = (unsigned char)(r >> 11);
		break;
	case 2:
		m[at] = (arg & 1) ? 0xFF : 0x00;
		break;
	default:
		if (at > 0 && arg == 0)
			*len = at;
		else
			m[at] = (unsigned char)"{}\\'*u0- "[arg];
		break;
	}
}

/*
 * test_fuzz - random mutations of every fixture, with and without repaired
 * checksums (to reach the MAPI, HTML, RTF and LZFu code): never a crash,
 * and whatever comes back is clean UTF-8.
 */
static void
test_fuzz(void **state)
{
	unsigned char	*data, *m;
	uint32_t	 x = 0x2545F491;
	size_t		 i, len, mlen, round, k, nmut;
	char		*got;

	(void)state;
	for (i = 0; i < sizeof(fixture_names) / sizeof(fixture_names[0]);
	    i++) {
		data = read_file(fixture_names[i], ".tnef", &len);
		m = malloc(len);
		assert_non_null(m);
		for (round = 0; round < FUZZ_ROUNDS; round++) {
			memcpy(m, data, len);
			mlen = len;
			nmut = 1 + xorshift(&x) % 6;
			for (k = 0; k < nmut; k++)
				mutate(m, &mlen, &x);
			if (round % 2 == 0)
				fix_checksums(m, mlen);
			got = tnef_body(m, mlen);
			if (got != NULL)
				assert_clean(got);
			free(got);
		}
		free(m);
		free(data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_rtf),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
