/*
 * gsm.c - SMS encoding and segment count of an UTF-8 text: GSM 03.38 septets
 * (default alphabet plus extension table) when every character fits, else UCS-2.
 *
 * A text is walked once as code points, each with its cost in septets and in
 * UTF-16 units; both encodings are counted together so no second pass is
 * needed when a late character forces UCS-2.  Segments of a multi-part message
 * carry 153 septets or 67 units, and a character never straddles two segments
 * (an escape pair or a surrogate pair moves whole to the next one), so parts
 * can exceed ceil(units / 153).  The empty text is GSM-7 with 0 units and
 * 0 parts.  Malformed UTF-8 is read as U+FFFD per maximal ill-formed subpart
 * (Unicode chapter 3), which only UCS-2 can carry.
 */
#include <stdint.h>

#include "sms/gsm.h"

#define GSM7_SINGLE	160
#define GSM7_SEGMENT	153	/* 7 septets of the 6-byte UDH for concatenation */
#define UCS2_SINGLE	70
#define UCS2_SEGMENT	67	/* 3 units of the 6-byte UDH */

#define REPLACEMENT	0xFFFD

/*
 * Septets per character for U+0000..U+00FF: 0 not in GSM 03.38, 1 default
 * alphabet, 2 extension table (escape + code).  Absent on purpose: U+001B (the
 * escape itself is no character), U+0060 '`', U+00E7 'ç' (0x09 is 'Ç').
 */
static const unsigned char latin1_septets[256] = {
	/* 0x00: LF, FF (extension), CR */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20: space to '?' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x40: '@' A-Z, then [ \ ] ^ (extension), '_' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1,
	/* 0x60: a-z, then { | } ~ (extension) */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 0,
	/* 0x80: C1 controls */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xA0: ¡ £ ¤ ¥ § */
	0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xB0: ¿ */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	/* 0xC0: Ä Å Æ Ç É */
	0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0,
	/* 0xD0: Ñ Ö Ø Ü ß */
	0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1,
	/* 0xE0: à ä å æ è é ì */
	1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0,
	/* 0xF0: ñ ò ö ø ù ü */
	0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0,
};

struct codepoint_iter {
	const unsigned char	*p;
	size_t			 left;		/* bytes from p on */
	uint32_t		 cp;		/* the code point just read */
	unsigned		 septets;	/* its GSM-7 cost, 0: none */
	unsigned		 utf16;		/* its UTF-16 units */
};

struct segmenter {
	size_t		 units;
	unsigned	 segments;
	size_t		 fill;		/* units in the current segment */
	size_t		 capacity;	/* units per segment of a long message */
};

/* gsm_septets - septets for a code point, 0 when GSM 03.38 lacks it */
static unsigned
gsm_septets(uint32_t cp)
{
	if (cp < 0x100)
		return latin1_septets[cp];
	switch (cp) {
	case 0x0393:	/* Γ */
	case 0x0394:	/* Δ */
	case 0x0398:	/* Θ */
	case 0x039B:	/* Λ */
	case 0x039E:	/* Ξ */
	case 0x03A0:	/* Π */
	case 0x03A3:	/* Σ */
	case 0x03A6:	/* Φ */
	case 0x03A8:	/* Ψ */
	case 0x03A9:	/* Ω */
		return 1;
	case 0x20AC:	/* € */
		return 2;
	default:
		return 0;
	}
}

/* utf8_decode - one code point from p (n > 0 bytes), returns bytes used */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char	 lo = 0x80, hi = 0xBF;
	size_t		 need, i;
	uint32_t	 c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		need = 1;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		need = 2;
		c = p[0] & 0x0F;
		/* no overlong forms, no UTF-16 surrogates */
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		need = 3;
		c = p[0] & 0x07;
		/* no overlong forms, nothing above U+10FFFF */
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i == n || p[i] < lo || p[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		c = c << 6 | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return i;
}

/* codepoint_next - advance to the next code point and its costs, 0 at end */
static int
codepoint_next(struct codepoint_iter *it)
{
	size_t	 used;

	if (it->left == 0)
		return 0;
	used = utf8_decode(it->p, it->left, &it->cp);
	it->p += used;
	it->left -= used;
	it->septets = gsm_septets(it->cp);
	it->utf16 = it->cp > 0xFFFF ? 2 : 1;
	return 1;
}

/* segmenter_add - count a character that must stay within one segment */
static void
segmenter_add(struct segmenter *s, unsigned cost)
{
	s->units += cost;
	if (s->segments == 0 || s->fill + cost > s->capacity) {
		s->segments++;
		s->fill = 0;
	}
	s->fill += cost;
}

/* segmenter_parts - parts of the whole text: one if it fits a single SMS */
static unsigned
segmenter_parts(const struct segmenter *s, size_t single)
{
	if (s->units == 0)
		return 0;
	return s->units <= single ? 1 : s->segments;
}

/* gsm_layout - encoding and part count of a valid UTF-8 text */
void
gsm_layout(const char *utf8, size_t len, struct sms_layout *layout)
{
	struct codepoint_iter	 it = { .p = (const unsigned char *)utf8,
				    .left = len };
	struct segmenter	 gsm7 = { .capacity = GSM7_SEGMENT };
	struct segmenter	 ucs2 = { .capacity = UCS2_SEGMENT };
	int			 fits_gsm7 = 1;

	while (codepoint_next(&it)) {
		if (fits_gsm7) {
			if (it.septets == 0)
				fits_gsm7 = 0;
			else
				segmenter_add(&gsm7, it.septets);
		}
		segmenter_add(&ucs2, it.utf16);
	}
	if (fits_gsm7) {
		layout->encoding = SMS_GSM7;
		layout->units = gsm7.units;
		layout->parts = segmenter_parts(&gsm7, GSM7_SINGLE);
	} else {
		layout->encoding = SMS_UCS2;
		layout->units = ucs2.units;
		layout->parts = segmenter_parts(&ucs2, UCS2_SINGLE);
	}
}

/* gsm_encoding_name - the name used in logs, the outbox and {encoding} */
const char *
gsm_encoding_name(enum sms_encoding encoding)
{
	return encoding == SMS_GSM7 ? "GSM-7" : "UCS-2";
}
