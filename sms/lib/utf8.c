/*
 * utf8.c - strict UTF-8 (RFC 3629, Unicode table 3-7) for every module: one
 * scanner decides validity, lengths and the U+FFFD subparts alike.
 */
#include "sms/lib/utf8.h"

/*
 * scan - how many bytes at p[0..n) go on a well-formed sequence, 0 when p[0]
 * starts none; *whole says whether they complete it (*c the code point). The
 * second byte's range narrows after E0, ED, F0 and F4 so that overlong forms,
 * surrogates and values above U+10FFFF fail at the byte Unicode names.
 */
static size_t
scan(const unsigned char *p, size_t n, uint32_t *c, bool *whole)
{
	unsigned char	 lo = 0x80, hi = 0xBF;
	size_t		 len, i;

	*whole = false;
	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*c = p[0];
		*whole = true;
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		*c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		*c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		*c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if (i == n || p[i] < lo || p[i] > hi)
			return i;
		*c = *c << 6 | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*whole = true;
	return len;
}

/* utf8_decode - one well-formed sequence, or 0 */
size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t	 c = 0;
	size_t		 k;
	bool		 whole;

	k = scan(p, n, &c, &whole);
	if (!whole)
		return 0;
	if (cp != NULL)
		*cp = c;
	return k;
}

/* utf8_maximal_subpart - the bytes one U+FFFD replaces */
size_t
utf8_maximal_subpart(const unsigned char *p, size_t n)
{
	uint32_t	 c;
	size_t		 k;
	bool		 whole;

	if (n == 0)
		return 0;
	k = scan(p, n, &c, &whole);
	return k > 0 ? k : 1;
}

/* utf8_encode - the shortest form, which is the only well-formed one */
size_t
utf8_encode(uint32_t cp, unsigned char out[UTF8_MAX])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* utf8_valid - every byte in a well-formed sequence */
bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k;

	for (i = 0; i < n; i += k) {
		if (p[i] < 0x80) {	/* most mail: no call per byte */
			k = 1;
			continue;
		}
		if ((k = utf8_decode(p + i, n - i, NULL)) == 0)
			return false;
	}
	return true;
}

/* utf8_prefix - back off the continuation bytes a cut at max would split */
size_t
utf8_prefix(const char *p, size_t n, size_t max)
{
	size_t	 k;

	if (n <= max)
		return n;
	/* a sequence is at most 4 bytes: never back up over more than 3 */
	for (k = max; k > 0 && max - k < UTF8_MAX - 1 &&
	    ((unsigned char)p[k] & 0xC0) == 0x80; k--)
		;
	return ((unsigned char)p[k] & 0xC0) == 0x80 ? max : k;
}
