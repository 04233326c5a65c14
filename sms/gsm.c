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
 * GSM look-alikes (typographic punctuation, odd spaces, accented letters).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/gsm.h"
#include "sms/utf8.h"

#define GSM7_SINGLE	160
#define GSM7_SEGMENT	153	/* 7 septets of the 6-byte UDH for concatenation */
#define UCS2_SINGLE	70
#define UCS2_SEGMENT	67	/* 3 units of the 6-byte UDH */

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
 * GSM look-alikes of characters GSM 03.38 lacks, sorted by code point for a
 * binary search. Only replacements a reader takes for the original: accents
 * GSM lacks fall off (ő and ű keep their umlaut, which GSM has), Greek
 * capitals that look like Latin ones become them, invisible characters go.
 * Lowercase Greek is absent on purpose: turning it into capitals rewrites
 * the text rather than spelling it alike, so it travels as UCS-2, like
 * letters without any look-alike (Cyrillic, CJK, ...).
 */
static const struct translit {
	uint32_t	 cp;
	const char	*to;
} translit_table[] = {
	{ 0x0009, " " },	/* tab */
	{ 0x0060, "'" },	/* ` */
	{ 0x00A0, " " },	/* no-break space */
	{ 0x00A2, "c" },	/* ¢ */
	{ 0x00A6, "|" },	/* ¦ */
	{ 0x00A9, "(C)" },	/* © */
	{ 0x00AA, "a" },	/* ª */
	{ 0x00AB, "\"" },	/* « */
	{ 0x00AD, "" },	/* soft hyphen */
	{ 0x00AE, "(R)" },	/* ® */
	{ 0x00B4, "'" },	/* ´ */
	{ 0x00B7, "-" },	/* · */
	{ 0x00BA, "o" },	/* º */
	{ 0x00BB, "\"" },	/* » */
	{ 0x00C0, "A" },	/* À */
	{ 0x00C1, "A" },	/* Á */
	{ 0x00C2, "A" },	/* Â */
	{ 0x00C3, "A" },	/* Ã */
	{ 0x00C8, "E" },	/* È */
	{ 0x00CA, "E" },	/* Ê */
	{ 0x00CB, "E" },	/* Ë */
	{ 0x00CC, "I" },	/* Ì */
	{ 0x00CD, "I" },	/* Í */
	{ 0x00CE, "I" },	/* Î */
	{ 0x00CF, "I" },	/* Ï */
	{ 0x00D0, "D" },	/* Ð */
	{ 0x00D2, "O" },	/* Ò */
	{ 0x00D3, "O" },	/* Ó */
	{ 0x00D4, "O" },	/* Ô */
	{ 0x00D5, "O" },	/* Õ */
	{ 0x00D7, "x" },	/* × */
	{ 0x00D9, "U" },	/* Ù */
	{ 0x00DA, "U" },	/* Ú */
	{ 0x00DB, "U" },	/* Û */
	{ 0x00DD, "Y" },	/* Ý */
	{ 0x00DE, "Th" },	/* Þ */
	{ 0x00E1, "a" },	/* á */
	{ 0x00E2, "a" },	/* â */
	{ 0x00E3, "a" },	/* ã */
	{ 0x00E7, "c" },	/* ç */
	{ 0x00EA, "e" },	/* ê */
	{ 0x00EB, "e" },	/* ë */
	{ 0x00ED, "i" },	/* í */
	{ 0x00EE, "i" },	/* î */
	{ 0x00EF, "i" },	/* ï */
	{ 0x00F0, "d" },	/* ð */
	{ 0x00F3, "o" },	/* ó */
	{ 0x00F4, "o" },	/* ô */
	{ 0x00F5, "o" },	/* õ */
	{ 0x00FA, "u" },	/* ú */
	{ 0x00FB, "u" },	/* û */
	{ 0x00FD, "y" },	/* ý */
	{ 0x00FE, "th" },	/* þ */
	{ 0x00FF, "y" },	/* ÿ */
	{ 0x0100, "A" },	/* Ā */
	{ 0x0101, "a" },	/* ā */
	{ 0x0102, "A" },	/* Ă */
	{ 0x0103, "a" },	/* ă */
	{ 0x0104, "A" },	/* Ą */
	{ 0x0105, "a" },	/* ą */
	{ 0x0106, "C" },	/* Ć */
	{ 0x0107, "c" },	/* ć */
	{ 0x0108, "C" },	/* Ĉ */
	{ 0x0109, "c" },	/* ĉ */
	{ 0x010A, "C" },	/* Ċ */
	{ 0x010B, "c" },	/* ċ */
	{ 0x010C, "C" },	/* Č */
	{ 0x010D, "c" },	/* č */
	{ 0x010E, "D" },	/* Ď */
	{ 0x010F, "d" },	/* ď */
	{ 0x0110, "D" },	/* Đ */
	{ 0x0111, "d" },	/* đ */
	{ 0x0112, "E" },	/* Ē */
	{ 0x0113, "e" },	/* ē */
	{ 0x0114, "E" },	/* Ĕ */
	{ 0x0115, "e" },	/* ĕ */
	{ 0x0116, "E" },	/* Ė */
	{ 0x0117, "e" },	/* ė */
	{ 0x0118, "E" },	/* Ę */
	{ 0x0119, "e" },	/* ę */
	{ 0x011A, "E" },	/* Ě */
	{ 0x011B, "e" },	/* ě */
	{ 0x011C, "G" },	/* Ĝ */
	{ 0x011D, "g" },	/* ĝ */
	{ 0x011E, "G" },	/* Ğ */
	{ 0x011F, "g" },	/* ğ */
	{ 0x0120, "G" },	/* Ġ */
	{ 0x0121, "g" },	/* ġ */
	{ 0x0122, "G" },	/* Ģ */
	{ 0x0123, "g" },	/* ģ */
	{ 0x0124, "H" },	/* Ĥ */
	{ 0x0125, "h" },	/* ĥ */
	{ 0x0126, "H" },	/* Ħ */
	{ 0x0127, "h" },	/* ħ */
	{ 0x0128, "I" },	/* Ĩ */
	{ 0x0129, "i" },	/* ĩ */
	{ 0x012A, "I" },	/* Ī */
	{ 0x012B, "i" },	/* ī */
	{ 0x012C, "I" },	/* Ĭ */
	{ 0x012D, "i" },	/* ĭ */
	{ 0x012E, "I" },	/* Į */
	{ 0x012F, "i" },	/* į */
	{ 0x0130, "I" },	/* İ */
	{ 0x0131, "i" },	/* ı */
	{ 0x0132, "IJ" },	/* Ĳ */
	{ 0x0133, "ij" },	/* ĳ */
	{ 0x0134, "J" },	/* Ĵ */
	{ 0x0135, "j" },	/* ĵ */
	{ 0x0136, "K" },	/* Ķ */
	{ 0x0137, "k" },	/* ķ */
	{ 0x0139, "L" },	/* Ĺ */
	{ 0x013A, "l" },	/* ĺ */
	{ 0x013B, "L" },	/* Ļ */
	{ 0x013C, "l" },	/* ļ */
	{ 0x013D, "L" },	/* Ľ */
	{ 0x013E, "l" },	/* ľ */
	{ 0x013F, "L" },	/* Ŀ */
	{ 0x0140, "l" },	/* ŀ */
	{ 0x0141, "L" },	/* Ł */
	{ 0x0142, "l" },	/* ł */
	{ 0x0143, "N" },	/* Ń */
	{ 0x0144, "n" },	/* ń */
	{ 0x0145, "N" },	/* Ņ */
	{ 0x0146, "n" },	/* ņ */
	{ 0x0147, "N" },	/* Ň */
	{ 0x0148, "n" },	/* ň */
	{ 0x0149, "'n" },	/* ŉ */
	{ 0x014A, "N" },	/* Ŋ */
	{ 0x014B, "n" },	/* ŋ */
	{ 0x014C, "O" },	/* Ō */
	{ 0x014D, "o" },	/* ō */
	{ 0x014E, "O" },	/* Ŏ */
	{ 0x014F, "o" },	/* ŏ */
	{ 0x0150, "\xc3\x96" },	/* Ő */
	{ 0x0151, "\xc3\xb6" },	/* ő */
	{ 0x0152, "OE" },	/* Œ */
	{ 0x0153, "oe" },	/* œ */
	{ 0x0154, "R" },	/* Ŕ */
	{ 0x0155, "r" },	/* ŕ */
	{ 0x0156, "R" },	/* Ŗ */
	{ 0x0157, "r" },	/* ŗ */
	{ 0x0158, "R" },	/* Ř */
	{ 0x0159, "r" },	/* ř */
	{ 0x015A, "S" },	/* Ś */
	{ 0x015B, "s" },	/* ś */
	{ 0x015C, "S" },	/* Ŝ */
	{ 0x015D, "s" },	/* ŝ */
	{ 0x015E, "S" },	/* Ş */
	{ 0x015F, "s" },	/* ş */
	{ 0x0160, "S" },	/* Š */
	{ 0x0161, "s" },	/* š */
	{ 0x0162, "T" },	/* Ţ */
	{ 0x0163, "t" },	/* ţ */
	{ 0x0164, "T" },	/* Ť */
	{ 0x0165, "t" },	/* ť */
	{ 0x0166, "T" },	/* Ŧ */
	{ 0x0167, "t" },	/* ŧ */
	{ 0x0168, "U" },	/* Ũ */
	{ 0x0169, "u" },	/* ũ */
	{ 0x016A, "U" },	/* Ū */
	{ 0x016B, "u" },	/* ū */
	{ 0x016C, "U" },	/* Ŭ */
	{ 0x016D, "u" },	/* ŭ */
	{ 0x016E, "U" },	/* Ů */
	{ 0x016F, "u" },	/* ů */
	{ 0x0170, "\xc3\x9c" },	/* Ű */
	{ 0x0171, "\xc3\xbc" },	/* ű */
	{ 0x0172, "U" },	/* Ų */
	{ 0x0173, "u" },	/* ų */
	{ 0x0174, "W" },	/* Ŵ */
	{ 0x0175, "w" },	/* ŵ */
	{ 0x0176, "Y" },	/* Ŷ */
	{ 0x0177, "y" },	/* ŷ */
	{ 0x0178, "Y" },	/* Ÿ */
	{ 0x0179, "Z" },	/* Ź */
	{ 0x017A, "z" },	/* ź */
	{ 0x017B, "Z" },	/* Ż */
	{ 0x017C, "z" },	/* ż */
	{ 0x017D, "Z" },	/* Ž */
	{ 0x017E, "z" },	/* ž */
	{ 0x017F, "s" },	/* ſ */
	{ 0x0218, "S" },	/* Ș */
	{ 0x0219, "s" },	/* ș */
	{ 0x021A, "T" },	/* Ț */
	{ 0x021B, "t" },	/* ț */
	{ 0x02B9, "'" },	/* ʹ */
	{ 0x02BB, "'" },	/* ʻ */
	{ 0x02BC, "'" },	/* ʼ */
	{ 0x02C6, "^" },	/* ˆ */
	{ 0x02DC, "~" },	/* ˜ */
	{ 0x0386, "A" },	/* Ά */
	{ 0x0388, "E" },	/* Έ */
	{ 0x0389, "H" },	/* Ή */
	{ 0x038A, "I" },	/* Ί */
	{ 0x038C, "O" },	/* Ό */
	{ 0x038E, "Y" },	/* Ύ */
	{ 0x038F, "\xce\xa9" },	/* Ώ */
	{ 0x0390, "I" },	/* ΐ */
	{ 0x0391, "A" },	/* Α */
	{ 0x0392, "B" },	/* Β */
	{ 0x0395, "E" },	/* Ε */
	{ 0x0396, "Z" },	/* Ζ */
	{ 0x0397, "H" },	/* Η */
	{ 0x0399, "I" },	/* Ι */
	{ 0x039A, "K" },	/* Κ */
	{ 0x039C, "M" },	/* Μ */
	{ 0x039D, "N" },	/* Ν */
	{ 0x039F, "O" },	/* Ο */
	{ 0x03A1, "P" },	/* Ρ */
	{ 0x03A4, "T" },	/* Τ */
	{ 0x03A5, "Y" },	/* Υ */
	{ 0x03A7, "X" },	/* Χ */
	{ 0x03AA, "I" },	/* Ϊ */
	{ 0x03AB, "Y" },	/* Ϋ */
	{ 0x1E9E, "SS" },	/* ẞ */
	{ 0x2000, " " },	/* en quad */
	{ 0x2001, " " },	/* em quad */
	{ 0x2002, " " },	/* en space */
	{ 0x2003, " " },	/* em space */
	{ 0x2004, " " },	/* three-per-em space */
	{ 0x2005, " " },	/* four-per-em space */
	{ 0x2006, " " },	/* six-per-em space */
	{ 0x2007, " " },	/* figure space */
	{ 0x2008, " " },	/* punctuation space */
	{ 0x2009, " " },	/* thin space */
	{ 0x200A, " " },	/* hair space */
	{ 0x200B, "" },	/* zero width space */
	{ 0x200C, "" },	/* zero width non-joiner */
	{ 0x200D, "" },	/* zero width joiner */
	{ 0x200E, "" },	/* left-to-right mark */
	{ 0x200F, "" },	/* right-to-left mark */
	{ 0x2010, "-" },	/* ‐ */
	{ 0x2011, "-" },	/* ‑ */
	{ 0x2012, "-" },	/* ‒ */
	{ 0x2013, "-" },	/* – */
	{ 0x2014, "-" },	/* — */
	{ 0x2015, "-" },	/* ― */
	{ 0x2018, "'" },	/* ‘ */
	{ 0x2019, "'" },	/* ’ */
	{ 0x201A, "'" },	/* ‚ */
	{ 0x201B, "'" },	/* ‛ */
	{ 0x201C, "\"" },	/* “ */
	{ 0x201D, "\"" },	/* ” */
	{ 0x201E, "\"" },	/* „ */
	{ 0x201F, "\"" },	/* ‟ */
	{ 0x2022, "-" },	/* • */
	{ 0x2024, "." },	/* ․ */
	{ 0x2025, ".." },	/* ‥ */
	{ 0x2026, "..." },	/* … */
	{ 0x2028, "\n" },	/* line separator */
	{ 0x2029, "\n" },	/* paragraph separator */
	{ 0x202A, "" },	/* left-to-right embedding */
	{ 0x202B, "" },	/* right-to-left embedding */
	{ 0x202C, "" },	/* pop directional formatting */
	{ 0x202D, "" },	/* left-to-right override */
	{ 0x202E, "" },	/* right-to-left override */
	{ 0x202F, " " },	/* narrow no-break space */
	{ 0x2032, "'" },	/* ′ */
	{ 0x2033, "\"" },	/* ″ */
	{ 0x2035, "'" },	/* ‵ */
	{ 0x2036, "\"" },	/* ‶ */
	{ 0x2039, "'" },	/* ‹ */
	{ 0x203A, "'" },	/* › */
	{ 0x2043, "-" },	/* ⁃ */
	{ 0x2044, "/" },	/* ⁄ */
	{ 0x205F, " " },	/* medium mathematical space */
	{ 0x2060, "" },	/* word joiner */
	{ 0x2061, "" },	/* function application */
	{ 0x2062, "" },	/* invisible times */
	{ 0x2063, "" },	/* invisible separator */
	{ 0x2064, "" },	/* invisible plus */
	{ 0x2066, "" },	/* left-to-right isolate */
	{ 0x2067, "" },	/* right-to-left isolate */
	{ 0x2068, "" },	/* first strong isolate */
	{ 0x2069, "" },	/* pop directional isolate */
	{ 0x2122, "(TM)" },	/* ™ */
	{ 0x2190, "<-" },	/* ← */
	{ 0x2192, "->" },	/* → */
	{ 0x2194, "<->" },	/* ↔ */
	{ 0x21D2, "=>" },	/* ⇒ */
	{ 0x2212, "-" },	/* − */
	{ 0x2215, "/" },	/* ∕ */
	{ 0x2217, "*" },	/* ∗ */
	{ 0x2264, "<=" },	/* ≤ */
	{ 0x2265, ">=" },	/* ≥ */
	{ 0x3000, " " },	/* ideographic space */
	{ 0xF0B7, "-" },	/* Symbol font bullet (private use) */
	{ 0xFEFF, "" },	/* zero width no-break space */
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

/* translit_lookup - the look-alike of a character GSM lacks, NULL if none */
static const char *
translit_lookup(uint32_t cp)
{
	size_t	 lo = 0, mid, hi;

	if (cp >= VARIATION_FIRST && cp <= VARIATION_LAST)
		return "";
	hi = sizeof(translit_table) / sizeof(translit_table[0]);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (translit_table[mid].cp == cp)
			return translit_table[mid].to;
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
 * letter before it when GSM has the pair as one letter, else falls off like
 * the accents of precomposed letters GSM lacks.
 */
static size_t
translit_pass(const unsigned char *in, size_t len, char *out,
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
			else
				to = "";
		} else if (gsm_septets(cp) == 0)
			to = translit_lookup(cp);
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
gsm_transliterate(const char *utf8, size_t len, size_t *outlen,
    struct translit_log *log)
{
	const unsigned char	*in = (const unsigned char *)utf8;
	char			*out;
	size_t			 n;

	if (log != NULL)
		memset(log, 0, sizeof(*log));
	n = translit_pass(in, len, NULL, NULL);
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	(void)translit_pass(in, len, out, log);
	out[n] = '\0';
	*outlen = n;
	return out;
}
