/*
 * conversion.c - one mail through the conversion the relay makes at the
 * end of DATA (MIME, charsets, HTML, TNEF, cleaning, template, GSM split)
 * under settings the input picks, with what each step promises checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "sms/convert/report.h"
#include "sms/convert/mime.h"
#include "sms/convert/text.h"
#include "sms/lib/utf8.h"
#include "tests/fuzz/conversion.h"

/* what the selector bits choose */
#define SEL_MODE	0x03	/* subject mode, or 3: a template of every field */
#define SEL_NO_STRIP	0x04	/* keep signatures, quotes, mobile signatures */
#define SEL_NO_TRANSLIT	0x08
#define SEL_NO_COMMANDS	0x10	/* subject brackets stay text */
#define SEL_REFUSE	0x20	/* overflow = "refuse" */
#define SEL_PARTS	0xc0	/* max_parts: 3, 1, 2 or TEXT_MAX_PARTS */

static char *disclaimers[] = {
	"CONFIDENTIALITY NOTICE",
	"Diese E-Mail enth\xc3\xa4lt vertrauliche",
};

/* settings - the defaults of conf.c, with what sel turns */
static void
settings(struct conf *c, unsigned sel)
{
	static const enum subject_mode modes[] = {
		SUBJECT_PREPEND, SUBJECT_IGNORE, SUBJECT_ONLY
	};
	static const unsigned parts[] = { 3, 1, 2, TEXT_MAX_PARTS };
	static char every_field[] = "{from_name} <{from}>: {subject}\n{body}";
	bool	 strip = (sel & SEL_NO_STRIP) == 0;

	memset(c, 0, sizeof(*c));
	if ((sel & SEL_MODE) == 3) {
		c->message.subject = SUBJECT_PREPEND;
		c->message.template = every_field;
	} else
		c->message.subject = modes[sel & SEL_MODE];
	c->message.max_parts = parts[(sel & SEL_PARTS) >> 6];
	c->message.overflow = sel & SEL_REFUSE ? OVERFLOW_REFUSE :
	    OVERFLOW_TRUNCATE;
	c->message.strip_signature = strip;
	c->message.strip_quotes = strip;
	c->message.strip_mobile_signature = strip;
	c->message.disclaimer_markers = disclaimers;
	c->message.ndisclaimer_markers = sizeof(disclaimers) /
	    sizeof(disclaimers[0]);
	c->message.transliterate = (sel & SEL_NO_TRANSLIT) == 0;
	c->message.bracket_commands = (sel & SEL_NO_COMMANDS) == 0;
}

/* check_utf8 - a string the converter hands on is NULL or valid UTF-8 */
static void
check_utf8(const char *s)
{
	if (s != NULL && !utf8_valid(s, strlen(s)))
		abort();
}

/* part_limit - units one part may carry, as gsm.h says */
static size_t
part_limit(enum sms_encoding enc, unsigned nparts)
{
	if (enc == SMS_GSM7)
		return nparts == 1 ? 160 : 153;
	return nparts == 1 ? 70 : 67;
}

/* check_text - the SMS text: UTF-8, within max_parts, split without gaps */
static void
check_text(const struct sms_text *st, const struct conf *c)
{
	struct sms_layout	 again;
	size_t			 len, at = 0, units = 0;
	unsigned		 i;

	if (st->text == NULL)
		abort();
	len = strlen(st->text);
	if (len == 0 || !utf8_valid(st->text, len))
		abort();
	if (st->nparts != st->layout.parts || st->nparts == 0 ||
	    st->nparts > c->message.max_parts)
		abort();
	if (st->transliterated && st->layout.encoding != SMS_GSM7)
		abort();
	gsm_layout(st->text, len, &again);
	if (again.encoding != st->layout.encoding ||
	    again.units != st->layout.units || again.parts != st->layout.parts)
		abort();
	for (i = 0; i < st->nparts; i++) {
		if (st->parts[i].start != at ||
		    st->parts[i].end <= st->parts[i].start ||
		    st->parts[i].units == 0 || st->parts[i].units >
		    part_limit(st->layout.encoding, st->nparts))
			abort();
		at = st->parts[i].end;
		units += st->parts[i].units;
	}
	if (at != len || units != st->layout.units)
		abort();
}

/*
 * report - "smsrelayctl convert" on the same mail, output discarded: it
 * must come to the verdict the relay came to (0 sent, 1 refused, 2 no
 * message at all).
 */
static void
report(const char *mail, size_t len, const struct conf *c, int verdict)
{
	static FILE	*devnull;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (convert_message(devnull, devnull, mail, len, c, 0) != verdict)
		abort();
}

/* conversion_selector - settings that stay while a mutation keeps the length */
unsigned
conversion_selector(size_t len)
{
	return (unsigned)((len * 0x9e3779b1u) >> 24) & 0xff;
}

/* conversion_run - the end-of-DATA conversion, checked */
void
conversion_run(const char *mail, size_t len, unsigned sel)
{
	struct conf		 c;
	struct mime_text	 mt;
	struct sms_text		 st;
	int			 verdict = 0;

	settings(&c, sel);
	if (mime_extract(mail, len, &mt) == -1) {
		report(mail, len, &c, 2);
		return;
	}
	check_utf8(mt.subject);
	check_utf8(mt.body);
	check_utf8(mt.from);
	check_utf8(mt.from_name);
	if (text_compose(&mt, &c, &st) == 0) {
		check_text(&st, &c);
		text_free(&st);
	} else if (st.text == NULL && (errno == ENODATA ||
	    errno == EMSGSIZE))
		verdict = 1;
	else	/* not even ENOMEM: ASan stops at a failed allocation first */
		abort();
	mime_text_free(&mt);
	report(mail, len, &c, verdict);
}

/* conversion_run_body - header and body made one mail, then conversion_run */
void
conversion_run_body(const char *header, const char *body, size_t len)
{
	size_t	 hlen = strlen(header);
	char	*mail;

	if ((mail = malloc(hlen + len + 1)) == NULL)
		abort();
	memcpy(mail, header, hlen);
	if (len > 0)
		memcpy(mail + hlen, body, len);
	conversion_run(mail, hlen + len, conversion_selector(len));
	free(mail);
}
