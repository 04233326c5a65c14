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
 *
 * The same walk splits a text into its parts, finds the longest prefix that
 * fits a part limit, and replaces characters outside GSM 03.38 by faithful
 * GSM look-alikes (typographic punctuation, odd spaces; accented letters
 * and symbols only when asked).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/gsm.h"
#include "sms/lib/utf8.h"

#define GSM7_SINGLE	160
#define GSM7_SEGMENT	153	/* 7 septets of the 6-byte UDH for concatenation */
#define UCS2_SINGLE	70
#define UCS2_SEGMENT	67	/* 3 units of the 6-byte UDH */

/*
 * GSM 03.38 code of each character U+0000..U+00FF: NO when GSM lacks it,
 * X(code) for the extension table (escape 0x1b, then code).  Absent on
 * purpose: U+001B (the escape itself is no character), U+0060 '`', U+00E7
 * 'ç' (0x09 is 'Ç').  The one table both the segment count and the SMPP
 * encoder read, so they never disagree on what is GSM-7.
 */
#define NO		0xff
#define X(code)		(0x80 | (code))
#define IS_EXTENSION	0x80
#define GSM_ESCAPE	0x1b

static const uint8_t latin1_gsm[256] = {
	/* 0x00: LF, FF (extension), CR */
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, 0x0a, NO, X(0x0a), 0x0d, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO,
	/* 0x20: space to '?', '$' is 0x02 */
	0x20, 0x21, 0x22, 0x23, 0x02, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	/* 0x40: '@' A-Z, then [ \ ] ^ (extension), '_' */
	0x00, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	0x58, 0x59, 0x5a, X(0x3c), X(0x2f), X(0x3e), X(0x14), 0x11,
	/* 0x60: a-z, then { | } ~ (extension) */
	NO, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, X(0x28), X(0x40), X(0x29), X(0x3d), NO,
	/* 0x80: C1 controls */
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, NO,
	/* 0xA0: ¡ £ ¤ ¥ § */
	NO, 0x40, NO, 0x01, 0x24, 0x03, NO, 0x5f,
	NO, NO, NO, NO, NO, NO, NO, NO,
	/* 0xB0: ¿ */
	NO, NO, NO, NO, NO, NO, NO, NO,
	NO, NO, NO, NO, NO, NO, NO, 0x60,
	/* 0xC0: Ä Å Æ Ç É */
	NO, NO, NO, NO, 0x5b, 0x0e, 0x1c, 0x09,
	NO, 0x1f, NO, NO, NO, NO, NO, NO,
	/* 0xD0: Ñ Ö Ø Ü ß */
	NO, 0x5d, NO, NO, NO, NO, 0x5c, NO,
	0x0b, NO, NO, NO, 0x5e, NO, NO, 0x1e,
	/* 0xE0: à ä å æ è é ì */
	0x7f, NO, NO, NO, 0x7b, 0x0f, 0x1d, NO,
	0x04, 0x05, NO, NO, 0x07, NO, NO, NO,
	/* 0xF0: ñ ò ö ø ù ü */
	NO, 0x7d, 0x08, NO, NO, NO, 0x7c, NO,
	0x0c, 0x06, NO, NO, 0x7e, NO, NO, NO,
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

/* greek_gsm - the code of a Greek capital GSM 03.38 has, NO if none */
static uint8_t
greek_gsm(uint32_t cp)
{
	switch (cp) {
	case 0x0393:	return 0x13;	/* Γ */
	case 0x0394:	return 0x10;	/* Δ */
	case 0x0398:	return 0x19;	/* Θ */
	case 0x039B:	return 0x14;	/* Λ */
	case 0x039E:	return 0x1a;	/* Ξ */
	case 0x03A0:	return 0x16;	/* Π */
	case 0x03A3:	return 0x18;	/* Σ */
	case 0x03A6:	return 0x12;	/* Φ */
	case 0x03A8:	return 0x17;	/* Ψ */
	case 0x03A9:	return 0x15;	/* Ω */
	default:	return NO;
	}
}

/* gsm_septet_of - the septets of a code point in out, their count (0: none) */
unsigned
gsm_septet_of(uint32_t cp, uint8_t out[2])
{
	uint8_t	 code;

	if (cp < 0x100)
		code = latin1_gsm[cp];
	else if (cp == 0x20AC)	/* € */
		code = X(0x65);
	else
		code = greek_gsm(cp);
	if (code == NO)
		return 0;
	if (code & IS_EXTENSION) {
		out[0] = GSM_ESCAPE;
		out[1] = code & ~IS_EXTENSION;
		return 2;
	}
	out[0] = code;
	return 1;
}

/* gsm_septets - septets for a code point, 0 when GSM 03.38 lacks it */
static unsigned
gsm_septets(uint32_t cp)
{
	uint8_t	 septets[2];

	return gsm_septet_of(cp, septets);
}

/*
 * read_char - one code point from p (n > 0 bytes), returns bytes used; a
 * malformed sequence is U+FFFD for its maximal subpart, as Unicode advises.
 */
static size_t
read_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t	 used;

	if ((used = utf8_decode(p, n, cp)) == 0) {
		*cp = UTF8_REPLACEMENT;
		used = utf8_maximal_subpart(p, n);
	}
	return used;
}

/* codepoint_next - advance to the next code point and its costs, 0 at end */
static int
codepoint_next(struct codepoint_iter *it)
{
	size_t	 used;

	if (it->left == 0)
		return 0;
	used = read_char(it->p, it->left, &it->cp);
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

/* Units of a single SMS and of each part of a concatenated one. */
static const struct capacity {
	size_t	 single;
	size_t	 segment;
} capacities[] = {
	[SMS_GSM7] = { GSM7_SINGLE, GSM7_SEGMENT },
	[SMS_UCS2] = { UCS2_SINGLE, UCS2_SEGMENT },
};

/*
 * char_cost - units of the character just read in the given encoding; one
 * GSM 03.38 lacks costs the single septet a sender puts in its place
 */
static unsigned
char_cost(const struct codepoint_iter *it, enum sms_encoding encoding)
{
	if (encoding == SMS_UCS2)
		return it->utf16;
	return it->septets != 0 ? it->septets : 1;
}

/* text_units - units of the whole text in the given encoding */
static size_t
text_units(const char *utf8, size_t len, enum sms_encoding encoding)
{
	struct codepoint_iter	 it = { .p = (const unsigned char *)utf8,
				    .left = len };
	size_t			 units = 0;

	while (codepoint_next(&it))
		units += char_cost(&it, encoding);
	return units;
}

/* gsm_split - the byte ranges of the parts, cut where gsm_layout cuts */
unsigned
gsm_split(const char *utf8, size_t len, enum sms_encoding encoding,
    struct sms_part *parts, unsigned max)
{
	const struct capacity	*cap = &capacities[encoding];
	struct codepoint_iter	 it = { .p = (const unsigned char *)utf8,
				    .left = len };
	struct segmenter	 seg = { .capacity = cap->segment };
	size_t			 units, pos = 0, fill;
	unsigned		 before;

	/* a text that fits one SMS has no UDH, hence no segments */
	units = text_units(utf8, len, encoding);
	if (units == 0)
		return 0;
	if (units <= cap->single) {
		if (max > 0) {
			parts[0].start = 0;
			parts[0].end = len;
			parts[0].units = units;
		}
		return 1;
	}
	while (codepoint_next(&it)) {
		before = seg.segments;
		fill = seg.fill;
		segmenter_add(&seg, char_cost(&it, encoding));
		if (seg.segments != before) {
			if (before > 0 && before <= max) {
				parts[before - 1].end = pos;
				parts[before - 1].units = fill;
			}
			if (seg.segments <= max)
				parts[seg.segments - 1].start = pos;
		}
		pos = len - it.left;
	}
	if (seg.segments <= max) {
		parts[seg.segments - 1].end = len;
		parts[seg.segments - 1].units = seg.fill;
	}
	return seg.segments;
}

/*
 * fits_with - whether the text counted in s, followed by reserve characters
 * of one unit each (an ellipsis), lays out in at most max_parts parts
 */
static int
fits_with(const struct segmenter *s, size_t single, size_t reserve,
    unsigned max_parts)
{
	size_t	 units = s->units + reserve, segments = s->segments;
	size_t	 room = s->capacity - s->fill;

	if (units == 0)
		return 1;
	if (units <= single)
		return max_parts >= 1;
	if (segments == 0)
		segments = 1;
	if (reserve > room)
		segments += (reserve - room + s->capacity - 1) / s->capacity;
	return segments <= max_parts;
}

/* gsm_fit - the longest prefix that still fits with reserve units to spare */
size_t
gsm_fit(const char *utf8, size_t len, enum sms_encoding encoding,
    unsigned max_parts, size_t reserve)
{
	const struct capacity	*cap = &capacities[encoding];
	struct codepoint_iter	 it = { .p = (const unsigned char *)utf8,
				    .left = len };
	struct segmenter	 seg = { .capacity = cap->segment };
	size_t			 fit = 0;

	/*
	 * A longer prefix never needs fewer parts (greedy segmentation is
	 * monotone, and past the single-SMS size a text has two parts or
	 * more), so the first prefix that does not fit ends the search.
	 */
	while (codepoint_next(&it)) {
		segmenter_add(&seg, char_cost(&it, encoding));
		if (!fits_with(&seg, cap->single, reserve, max_parts))
			break;
		fit = len - it.left;
	}
	return fit;
}

/*
 * What a look-alike replaces. TYPO: quotes, dashes, the ellipsis, spaces,
 * bullets and invisible characters, which change no word. LETTER: letters
 * and symbols, which change how a name or a word is written; only when the
 * caller asks for letters.
 */
#define TYPO	0
#define LETTER	1

/*
 * GSM look-alikes of characters GSM 03.38 lacks, sorted by code point for a
 * binary search. Only replacements a reader takes for the original: accents
 * GSM lacks fall off (ő and ű keep their umlaut, which GSM has), Greek
 * capitals that look like Latin ones become them, invisible characters go.
 * Lowercase Greek is absent on purpose: turning it into capitals rewrites
 * the text rather than spelling it alike, so it travels as UCS-2, like
 * letters without any look-alike (Cyrillic, CJK, ...). The middle dot is a
 * LETTER: Catalan spells words with it (col·legi).
 */
static const struct translit {
	uint32_t	 cp;
	const char	*to;
	unsigned char	 kind;		/* TYPO or LETTER */
} translit_table[] = {
	{ 0x0009, " ", TYPO },	/* tab */
	{ 0x0060, "'", TYPO },	/* ` */
	{ 0x00A0, " ", TYPO },	/* no-break space */
	{ 0x00A2, "c", LETTER },	/* ¢ */
	{ 0x00A6, "|", LETTER },	/* ¦ */
	{ 0x00A9, "(C)", LETTER },	/* © */
	{ 0x00AA, "a", LETTER },	/* ª */
	{ 0x00AB, "\"", TYPO },	/* « */
	{ 0x00AD, "", TYPO },	/* soft hyphen */
	{ 0x00AE, "(R)", LETTER },	/* ® */
	{ 0x00B4, "'", TYPO },	/* ´ */
	{ 0x00B7, "-", LETTER },	/* · */
	{ 0x00BA, "o", LETTER },	/* º */
	{ 0x00BB, "\"", TYPO },	/* » */
	{ 0x00C0, "A", LETTER },	/* À */
	{ 0x00C1, "A", LETTER },	/* Á */
	{ 0x00C2, "A", LETTER },	/* Â */
	{ 0x00C3, "A", LETTER },	/* Ã */
	{ 0x00C8, "E", LETTER },	/* È */
	{ 0x00CA, "E", LETTER },	/* Ê */
	{ 0x00CB, "E", LETTER },	/* Ë */
	{ 0x00CC, "I", LETTER },	/* Ì */
	{ 0x00CD, "I", LETTER },	/* Í */
	{ 0x00CE, "I", LETTER },	/* Î */
	{ 0x00CF, "I", LETTER },	/* Ï */
	{ 0x00D0, "D", LETTER },	/* Ð */
	{ 0x00D2, "O", LETTER },	/* Ò */
	{ 0x00D3, "O", LETTER },	/* Ó */
	{ 0x00D4, "O", LETTER },	/* Ô */
	{ 0x00D5, "O", LETTER },	/* Õ */
	{ 0x00D7, "x", LETTER },	/* × */
	{ 0x00D9, "U", LETTER },	/* Ù */
	{ 0x00DA, "U", LETTER },	/* Ú */
	{ 0x00DB, "U", LETTER },	/* Û */
	{ 0x00DD, "Y", LETTER },	/* Ý */
	{ 0x00DE, "Th", LETTER },	/* Þ */
	{ 0x00E1, "a", LETTER },	/* á */
	{ 0x00E2, "a", LETTER },	/* â */
	{ 0x00E3, "a", LETTER },	/* ã */
	{ 0x00E7, "c", LETTER },	/* ç */
	{ 0x00EA, "e", LETTER },	/* ê */
	{ 0x00EB, "e", LETTER },	/* ë */
	{ 0x00ED, "i", LETTER },	/* í */
	{ 0x00EE, "i", LETTER },	/* î */
	{ 0x00EF, "i", LETTER },	/* ï */
	{ 0x00F0, "d", LETTER },	/* ð */
	{ 0x00F3, "o", LETTER },	/* ó */
	{ 0x00F4, "o", LETTER },	/* ô */
	{ 0x00F5, "o", LETTER },	/* õ */
	{ 0x00FA, "u", LETTER },	/* ú */
	{ 0x00FB, "u", LETTER },	/* û */
	{ 0x00FD, "y", LETTER },	/* ý */
	{ 0x00FE, "th", LETTER },	/* þ */
	{ 0x00FF, "y", LETTER },	/* ÿ */
	{ 0x0100, "A", LETTER },	/* Ā */
	{ 0x0101, "a", LETTER },	/* ā */
	{ 0x0102, "A", LETTER },	/* Ă */
	{ 0x0103, "a", LETTER },	/* ă */
	{ 0x0104, "A", LETTER },	/* Ą */
	{ 0x0105, "a", LETTER },	/* ą */
	{ 0x0106, "C", LETTER },	/* Ć */
	{ 0x0107, "c", LETTER },	/* ć */
	{ 0x0108, "C", LETTER },	/* Ĉ */
	{ 0x0109, "c", LETTER },	/* ĉ */
	{ 0x010A, "C", LETTER },	/* Ċ */
	{ 0x010B, "c", LETTER },	/* ċ */
	{ 0x010C, "C", LETTER },	/* Č */
	{ 0x010D, "c", LETTER },	/* č */
	{ 0x010E, "D", LETTER },	/* Ď */
	{ 0x010F, "d", LETTER },	/* ď */
	{ 0x0110, "D", LETTER },	/* Đ */
	{ 0x0111, "d", LETTER },	/* đ */
	{ 0x0112, "E", LETTER },	/* Ē */
	{ 0x0113, "e", LETTER },	/* ē */
	{ 0x0114, "E", LETTER },	/* Ĕ */
	{ 0x0115, "e", LETTER },	/* ĕ */
	{ 0x0116, "E", LETTER },	/* Ė */
	{ 0x0117, "e", LETTER },	/* ė */
	{ 0x0118, "E", LETTER },	/* Ę */
	{ 0x0119, "e", LETTER },	/* ę */
	{ 0x011A, "E", LETTER },	/* Ě */
	{ 0x011B, "e", LETTER },	/* ě */
	{ 0x011C, "G", LETTER },	/* Ĝ */
	{ 0x011D, "g", LETTER },	/* ĝ */
	{ 0x011E, "G", LETTER },	/* Ğ */
	{ 0x011F, "g", LETTER },	/* ğ */
	{ 0x0120, "G", LETTER },	/* Ġ */
	{ 0x0121, "g", LETTER },	/* ġ */
	{ 0x0122, "G", LETTER },	/* Ģ */
	{ 0x0123, "g", LETTER },	/* ģ */
	{ 0x0124, "H", LETTER },	/* Ĥ */
	{ 0x0125, "h", LETTER },	/* ĥ */
	{ 0x0126, "H", LETTER },	/* Ħ */
	{ 0x0127, "h", LETTER },	/* ħ */
	{ 0x0128, "I", LETTER },	/* Ĩ */
	{ 0x0129, "i", LETTER },	/* ĩ */
	{ 0x012A, "I", LETTER },	/* Ī */
	{ 0x012B, "i", LETTER },	/* ī */
	{ 0x012C, "I", LETTER },	/* Ĭ */
	{ 0x012D, "i", LETTER },	/* ĭ */
	{ 0x012E, "I", LETTER },	/* Į */
	{ 0x012F, "i", LETTER },	/* į */
	{ 0x0130, "I", LETTER },	/* İ */
	{ 0x0131, "i", LETTER },	/* ı */
	{ 0x0132, "IJ", LETTER },	/* Ĳ */
	{ 0x0133, "ij", LETTER },	/* ĳ */
	{ 0x0134, "J", LETTER },	/* Ĵ */
	{ 0x0135, "j", LETTER },	/* ĵ */
	{ 0x0136, "K", LETTER },	/* Ķ */
	{ 0x0137, "k", LETTER },	/* ķ */
	{ 0x0139, "L", LETTER },	/* Ĺ */
	{ 0x013A, "l", LETTER },	/* ĺ */
	{ 0x013B, "L", LETTER },	/* Ļ */
	{ 0x013C, "l", LETTER },	/* ļ */
	{ 0x013D, "L", LETTER },	/* Ľ */
	{ 0x013E, "l", LETTER },	/* ľ */
	{ 0x013F, "L", LETTER },	/* Ŀ */
	{ 0x0140, "l", LETTER },	/* ŀ */
	{ 0x0141, "L", LETTER },	/* Ł */
	{ 0x0142, "l", LETTER },	/* ł */
	{ 0x0143, "N", LETTER },	/* Ń */
	{ 0x0144, "n", LETTER },	/* ń */
	{ 0x0145, "N", LETTER },	/* Ņ */
	{ 0x0146, "n", LETTER },	/* ņ */
	{ 0x0147, "N", LETTER },	/* Ň */
	{ 0x0148, "n", LETTER },	/* ň */
	{ 0x0149, "'n", LETTER },	/* ŉ */
	{ 0x014A, "N", LETTER },	/* Ŋ */
	{ 0x014B, "n", LETTER },	/* ŋ */
	{ 0x014C, "O", LETTER },	/* Ō */
	{ 0x014D, "o", LETTER },	/* ō */
	{ 0x014E, "O", LETTER },	/* Ŏ */
	{ 0x014F, "o", LETTER },	/* ŏ */
	{ 0x0150, "\xc3\x96", LETTER },	/* Ő */
	{ 0x0151, "\xc3\xb6", LETTER },	/* ő */
	{ 0x0152, "OE", LETTER },	/* Œ */
	{ 0x0153, "oe", LETTER },	/* œ */
	{ 0x0154, "R", LETTER },	/* Ŕ */
	{ 0x0155, "r", LETTER },	/* ŕ */
	{ 0x0156, "R", LETTER },	/* Ŗ */
	{ 0x0157, "r", LETTER },	/* ŗ */
	{ 0x0158, "R", LETTER },	/* Ř */
	{ 0x0159, "r", LETTER },	/* ř */
	{ 0x015A, "S", LETTER },	/* Ś */
	{ 0x015B, "s", LETTER },	/* ś */
	{ 0x015C, "S", LETTER },	/* Ŝ */
	{ 0x015D, "s", LETTER },	/* ŝ */
	{ 0x015E, "S", LETTER },	/* Ş */
	{ 0x015F, "s", LETTER },	/* ş */
	{ 0x0160, "S", LETTER },	/* Š */
	{ 0x0161, "s", LETTER },	/* š */
	{ 0x0162, "T", LETTER },	/* Ţ */
	{ 0x0163, "t", LETTER },	/* ţ */
	{ 0x0164, "T", LETTER },	/* Ť */
	{ 0x0165, "t", LETTER },	/* ť */
	{ 0x0166, "T", LETTER },	/* Ŧ */
	{ 0x0167, "t", LETTER },	/* ŧ */
	{ 0x0168, "U", LETTER },	/* Ũ */
	{ 0x0169, "u", LETTER },	/* ũ */
	{ 0x016A, "U", LETTER },	/* Ū */
	{ 0x016B, "u", LETTER },	/* ū */
	{ 0x016C, "U", LETTER },	/* Ŭ */
	{ 0x016D, "u", LETTER },	/* ŭ */
	{ 0x016E, "U", LETTER },	/* Ů */
	{ 0x016F, "u", LETTER },	/* ů */
	{ 0x0170, "\xc3\x9c", LETTER },	/* Ű */
	{ 0x0171, "\xc3\xbc", LETTER },	/* ű */
	{ 0x0172, "U", LETTER },	/* Ų */
	{ 0x0173, "u", LETTER },	/* ų */
	{ 0x0174, "W", LETTER },	/* Ŵ */
	{ 0x0175, "w", LETTER },	/* ŵ */
	{ 0x0176, "Y", LETTER },	/* Ŷ */
	{ 0x0177, "y", LETTER },	/* ŷ */
	{ 0x0178, "Y", LETTER },	/* Ÿ */
	{ 0x0179, "Z", LETTER },	/* Ź */
	{ 0x017A, "z", LETTER },	/* ź */
	{ 0x017B, "Z", LETTER },	/* Ż */
	{ 0x017C, "z", LETTER },	/* ż */
	{ 0x017D, "Z", LETTER },	/* Ž */
	{ 0x017E, "z", LETTER },	/* ž */
	{ 0x017F, "s", LETTER },	/* ſ */
	{ 0x0218, "S", LETTER },	/* Ș */
	{ 0x0219, "s", LETTER },	/* ș */
	{ 0x021A, "T", LETTER },	/* Ț */
	{ 0x021B, "t", LETTER },	/* ț */
	{ 0x02B9, "'", LETTER },	/* ʹ */
	{ 0x02BB, "'", LETTER },	/* ʻ */
	{ 0x02BC, "'", LETTER },	/* ʼ */
	{ 0x02C6, "^", LETTER },	/* ˆ */
	{ 0x02DC, "~", LETTER },	/* ˜ */
	{ 0x0386, "A", LETTER },	/* Ά */
	{ 0x0388, "E", LETTER },	/* Έ */
	{ 0x0389, "H", LETTER },	/* Ή */
	{ 0x038A, "I", LETTER },	/* Ί */
	{ 0x038C, "O", LETTER },	/* Ό */
	{ 0x038E, "Y", LETTER },	/* Ύ */
	{ 0x038F, "\xce\xa9", LETTER },	/* Ώ */
	{ 0x0390, "I", LETTER },	/* ΐ */
	{ 0x0391, "A", LETTER },	/* Α */
	{ 0x0392, "B", LETTER },	/* Β */
	{ 0x0395, "E", LETTER },	/* Ε */
	{ 0x0396, "Z", LETTER },	/* Ζ */
	{ 0x0397, "H", LETTER },	/* Η */
	{ 0x0399, "I", LETTER },	/* Ι */
	{ 0x039A, "K", LETTER },	/* Κ */
	{ 0x039C, "M", LETTER },	/* Μ */
	{ 0x039D, "N", LETTER },	/* Ν */
	{ 0x039F, "O", LETTER },	/* Ο */
	{ 0x03A1, "P", LETTER },	/* Ρ */
	{ 0x03A4, "T", LETTER },	/* Τ */
	{ 0x03A5, "Y", LETTER },	/* Υ */
	{ 0x03A7, "X", LETTER },	/* Χ */
	{ 0x03AA, "I", LETTER },	/* Ϊ */
	{ 0x03AB, "Y", LETTER },	/* Ϋ */
	{ 0x1E9E, "SS", LETTER },	/* ẞ */
	{ 0x2000, " ", TYPO },	/* en quad */
	{ 0x2001, " ", TYPO },	/* em quad */
	{ 0x2002, " ", TYPO },	/* en space */
	{ 0x2003, " ", TYPO },	/* em space */
	{ 0x2004, " ", TYPO },	/* three-per-em space */
	{ 0x2005, " ", TYPO },	/* four-per-em space */
	{ 0x2006, " ", TYPO },	/* six-per-em space */
	{ 0x2007, " ", TYPO },	/* figure space */
	{ 0x2008, " ", TYPO },	/* punctuation space */
	{ 0x2009, " ", TYPO },	/* thin space */
	{ 0x200A, " ", TYPO },	/* hair space */
	{ 0x200B, "", TYPO },	/* zero width space */
	{ 0x200C, "", TYPO },	/* zero width non-joiner */
	{ 0x200D, "", TYPO },	/* zero width joiner */
	{ 0x200E, "", TYPO },	/* left-to-right mark */
	{ 0x200F, "", TYPO },	/* right-to-left mark */
	{ 0x2010, "-", TYPO },	/* ‐ */
	{ 0x2011, "-", TYPO },	/* ‑ */
	{ 0x2012, "-", TYPO },	/* ‒ */
	{ 0x2013, "-", TYPO },	/* – */
	{ 0x2014, "-", TYPO },	/* — */
	{ 0x2015, "-", TYPO },	/* ― */
	{ 0x2018, "'", TYPO },	/* ‘ */
	{ 0x2019, "'", TYPO },	/* ’ */
	{ 0x201A, "'", TYPO },	/* ‚ */
	{ 0x201B, "'", TYPO },	/* ‛ */
	{ 0x201C, "\"", TYPO },	/* “ */
	{ 0x201D, "\"", TYPO },	/* ” */
	{ 0x201E, "\"", TYPO },	/* „ */
	{ 0x201F, "\"", TYPO },	/* ‟ */
	{ 0x2022, "-", TYPO },	/* • */
	{ 0x2024, ".", TYPO },	/* ․ */
	{ 0x2025, "..", TYPO },	/* ‥ */
	{ 0x2026, "...", TYPO },	/* … */
	{ 0x2028, "\n", TYPO },	/* line separator */
	{ 0x2029, "\n", TYPO },	/* paragraph separator */
	{ 0x202A, "", TYPO },	/* left-to-right embedding */
	{ 0x202B, "", TYPO },	/* right-to-left embedding */
	{ 0x202C, "", TYPO },	/* pop directional formatting */
	{ 0x202D, "", TYPO },	/* left-to-right override */
	{ 0x202E, "", TYPO },	/* right-to-left override */
	{ 0x202F, " ", TYPO },	/* narrow no-break space */
	{ 0x2032, "'", TYPO },	/* ′ */
	{ 0x2033, "\"", TYPO },	/* ″ */
	{ 0x2035, "'", TYPO },	/* ‵ */
	{ 0x2036, "\"", TYPO },	/* ‶ */
	{ 0x2039, "'", TYPO },	/* ‹ */
	{ 0x203A, "'", TYPO },	/* › */
	{ 0x2043, "-", TYPO },	/* ⁃ */
	{ 0x2044, "/", LETTER },	/* ⁄ */
	{ 0x205F, " ", TYPO },	/* medium mathematical space */
	{ 0x2060, "", TYPO },	/* word joiner */
	{ 0x2061, "", TYPO },	/* function application */
	{ 0x2062, "", TYPO },	/* invisible times */
	{ 0x2063, "", TYPO },	/* invisible separator */
	{ 0x2064, "", TYPO },	/* invisible plus */
	{ 0x2066, "", TYPO },	/* left-to-right isolate */
	{ 0x2067, "", TYPO },	/* right-to-left isolate */
	{ 0x2068, "", TYPO },	/* first strong isolate */
	{ 0x2069, "", TYPO },	/* pop directional isolate */
	{ 0x2122, "(TM)", LETTER },	/* ™ */
	{ 0x2190, "<-", LETTER },	/* ← */
	{ 0x2192, "->", LETTER },	/* → */
	{ 0x2194, "<->", LETTER },	/* ↔ */
	{ 0x21D2, "=>", LETTER },	/* ⇒ */
	{ 0x2212, "-", TYPO },	/* − */
	{ 0x2215, "/", LETTER },	/* ∕ */
	{ 0x2217, "*", LETTER },	/* ∗ */
	{ 0x2264, "<=", LETTER },	/* ≤ */
	{ 0x2265, ">=", LETTER },	/* ≥ */
	{ 0x3000, " ", TYPO },	/* ideographic space */
	{ 0xF0B7, "-", TYPO },	/* Symbol font bullet (private use) */
	{ 0xFEFF, "", TYPO },	/* zero width no-break space */
};

/* A decomposed accent that makes a GSM letter of the ASCII letter before it. */
static const struct compose {
	char		 base;
	uint16_t	 mark;
	const char	*to;
} compose_table[] = {
	{ 'a', 0x0300, "\xc3\xa0" },	/* à */
	{ 'e', 0x0300, "\xc3\xa8" },	/* è */
	{ 'i', 0x0300, "\xc3\xac" },	/* ì */
	{ 'o', 0x0300, "\xc3\xb2" },	/* ò */
	{ 'u', 0x0300, "\xc3\xb9" },	/* ù */
	{ 'E', 0x0301, "\xc3\x89" },	/* É */
	{ 'e', 0x0301, "\xc3\xa9" },	/* é */
	{ 'N', 0x0303, "\xc3\x91" },	/* Ñ */
	{ 'n', 0x0303, "\xc3\xb1" },	/* ñ */
	{ 'A', 0x0308, "\xc3\x84" },	/* Ä */
	{ 'O', 0x0308, "\xc3\x96" },	/* Ö */
	{ 'U', 0x0308, "\xc3\x9c" },	/* Ü */
	{ 'a', 0x0308, "\xc3\xa4" },	/* ä */
	{ 'o', 0x0308, "\xc3\xb6" },	/* ö */
	{ 'u', 0x0308, "\xc3\xbc" },	/* ü */
	{ 'A', 0x030A, "\xc3\x85" },	/* Å */
	{ 'a', 0x030A, "\xc3\xa5" },	/* å */
	{ 'C', 0x0327, "\xc3\x87" },	/* Ç */
};

#define COMBINING_FIRST		0x0300	/* combining diacritical marks */
#define COMBINING_LAST		0x036F
#define VARIATION_FIRST		0xFE00	/* variation selectors */
#define VARIATION_LAST		0xFE0F

/*
 * translit_lookup - the look-alike of a character GSM lacks, NULL if none
 * or if it is a LETTER one and letters is false
 */
static const char *
translit_lookup(uint32_t cp, bool letters)
{
	size_t	 lo = 0, mid, hi;

	if (cp >= VARIATION_FIRST && cp <= VARIATION_LAST)
		return "";
	hi = sizeof(translit_table) / sizeof(translit_table[0]);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (translit_table[mid].cp == cp)
			return translit_table[mid].kind == TYPO || letters ?
			    translit_table[mid].to : NULL;
		if (translit_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* compose_lookup - the GSM letter base and mark make, NULL if none */
static const char *
compose_lookup(unsigned char base, uint32_t mark)
{
	size_t	 i;

	for (i = 0; i < sizeof(compose_table) / sizeof(compose_table[0]); i++)
		if (compose_table[i].base == base &&
		    compose_table[i].mark == mark)
			return compose_table[i].to;
	return NULL;
}

/* translit_note - count one change, a new entry while there is room */
static void
translit_note(struct translit_log *log, uint32_t cp, const char *to)
{
	struct translit_change	*c;
	size_t			 i;

	log->total++;
	for (i = 0; i < log->nchanges; i++) {
		c = &log->changes[i];
		if (c->codepoint == cp && strcmp(c->to, to) == 0) {
			c->count++;
			return;
		}
	}
	if (log->nchanges == TRANSLIT_MAX)
		return;
	c = &log->changes[log->nchanges++];
	c->codepoint = cp;
	(void)snprintf(c->to, sizeof(c->to), "%s", to);
	c->count = 1;
}

/* emit - append n bytes to out (NULL: only count), returns the new length */
static size_t
emit(char *out, size_t olen, const void *bytes, size_t n)
{
	if (out != NULL)
		memcpy(out + olen, bytes, n);
	return olen + n;
}

/*
 * translit_pass - transliterate in into out and return the length; with out
 * NULL only measure. A decomposed accent (macOS writes those) joins the ASCII
 * letter before it when GSM has the pair as one letter (the same letter,
 * written another way); else, with letters, it falls off like the accents
 * of precomposed letters GSM lacks.
 */
static size_t
translit_pass(const unsigned char *in, size_t len, bool letters, char *out,
    struct translit_log *log)
{
	size_t		 olen = 0, used;
	uint32_t	 cp;
	unsigned char	 letter = 0;	/* last byte out, an unchanged letter */
	const char	*to;

	while (len > 0) {
		used = read_char(in, len, &cp);
		if (cp >= COMBINING_FIRST && cp <= COMBINING_LAST) {
			to = compose_lookup(letter, cp);
			if (to != NULL)
				olen--;
			else if (letters)
				to = "";
		} else if (gsm_septets(cp) == 0)
			to = translit_lookup(cp, letters);
		else
			to = NULL;
		if (to == NULL) {
			olen = emit(out, olen, in, used);
			letter = (cp >= 'A' && cp <= 'Z') ||
			    (cp >= 'a' && cp <= 'z') ? in[0] : 0;
		} else {
			olen = emit(out, olen, to, strlen(to));
			if (log != NULL)
				translit_note(log, cp, to);
			letter = 0;
		}
		in += used;
		len -= used;
	}
	return olen;
}

/* gsm_transliterate - a copy with GSM look-alikes where GSM lacks a char */
char *
gsm_transliterate(const char *utf8, size_t len, bool letters, size_t *outlen,
    struct translit_log *log)
{
	const unsigned char	*in = (const unsigned char *)utf8;
	char			*out;
	size_t			 n;

	if (log != NULL)
		memset(log, 0, sizeof(*log));
	n = translit_pass(in, len, letters, NULL, NULL);
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	(void)translit_pass(in, len, letters, out, log);
	out[n] = '\0';
	*outlen = n;
	return out;
}
