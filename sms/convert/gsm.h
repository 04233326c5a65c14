/*
 * gsm.h - how an UTF-8 text travels as SMS: GSM 03.38 7-bit (with the
 * extension table) when every character fits, else UCS-2; segment counting.
 */
#ifndef SMSRELAY_GSM_H
#define SMSRELAY_GSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

struct sms_layout {
	enum sms_encoding	 encoding;
	size_t			 units;		/* septets (GSM-7) or UTF-16 units */
	unsigned		 parts;		/* 160/153 septets, 70/67 units */
};

/*
 * gsm_layout - encoding and part count of a UTF-8 text (malformed sequences
 * count as U+FFFD). Empty text: GSM-7, 0 units, 0 parts. A character never
 * straddles two parts: an escape pair or a surrogate pair moves on whole.
 */
void		 gsm_layout(const char *utf8, size_t len, struct sms_layout *);
const char	*gsm_encoding_name(enum sms_encoding);	/* "GSM-7", "UCS-2" */

/*
 * gsm_septet_of - the GSM 03.38 septets of a code point in out: 1 for the
 * default alphabet, 2 for the extension table (0x1b then the code), 0 when
 * GSM lacks it; the same table gsm_layout counts with
 */
unsigned	 gsm_septet_of(uint32_t cp, uint8_t out[2]);

/* One part of a concatenated SMS: bytes [start, end) of the UTF-8 text. */
struct sms_part {
	size_t		 start;
	size_t		 end;
	size_t		 units;		/* septets or UTF-16 units in this part */
};

/*
 * gsm_split - the parts the text travels in, with the encoding layout chose;
 * writes at most max entries and returns the total number of parts.
 */
unsigned	 gsm_split(const char *utf8, size_t len, enum sms_encoding,
		    struct sms_part *parts, unsigned max);

/*
 * gsm_fit - the length in bytes of the longest prefix of text that fits in
 * max_parts parts of the given encoding while leaving reserve units free in
 * the last part (room for an ellipsis); always on a character boundary.
 */
size_t		 gsm_fit(const char *utf8, size_t len, enum sms_encoding,
		    unsigned max_parts, size_t reserve);

#define TRANSLIT_MAX	32	/* distinct characters recorded */

struct translit_change {
	unsigned	 codepoint;	/* what the text had, e.g. U+201C */
	char		 to[8];		/* what it became, UTF-8, e.g. "\"" */
	unsigned	 count;
};

struct translit_log {
	struct translit_change	 changes[TRANSLIT_MAX];
	size_t			 nchanges;	/* distinct characters changed */
	unsigned		 total;		/* characters changed in all */
};

/*
 * gsm_transliterate - a copy of the text where characters outside GSM 03.38
 * that have a faithful GSM look-alike are replaced: typographic quotes,
 * dashes, the ellipsis, non-breaking and other spaces, bullets, invisible
 * characters; with letters also letters without a GSM form (ł, š, õ, Greek
 * capitals that look Latin) and symbols (©, →, ≤). Returns NULL on ENOMEM.
 * The caller keeps the original when the copy is still not GSM-7 (UCS-2
 * carries the original faithfully).
 */
char		*gsm_transliterate(const char *utf8, size_t len, bool letters,
		    size_t *outlen, struct translit_log *);

#endif
