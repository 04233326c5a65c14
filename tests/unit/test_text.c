/*
 * test_text.c - text_compose(): templates and subject modes, the empty
 * placeholder rule, cleaning, transliteration, truncation and refusal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/text.h"

/* what a case turns off or on; zero is the default configuration */
#define NO_SIGNATURE	0x01
#define NO_QUOTES	0x02
#define NO_MOBILE	0x04
#define NO_TRANSLIT	0x08
#define NO_BRACKETS	0x10
#define REFUSE		0x20
#define MARKERS		0x40	/* disclaimer_markers = the two below */
#define LETTERS		0x80	/* transliterate = "letters" */

#define LQ	"\xe2\x80\x9c"		/* U+201C left double quotation mark */
#define RQ	"\xe2\x80\x9d"		/* U+201D right double quotation mark */
#define RSQ	"\xe2\x80\x99"		/* U+2019 right single quotation mark */
#define NBSP	"\xc2\xa0"		/* U+00A0 */
#define ZWSP	"\xe2\x80\x8b"		/* U+200B */
#define SMILE	"\xf0\x9f\x98\x80"	/* U+1F600, UCS-2 whatever happens */
#define ELL	"\xe2\x80\xa6"		/* U+2026 */
#define ZWNJ	"\xe2\x80\x8c"		/* U+200C zero width non-joiner */
#define ZWJ	"\xe2\x80\x8d"		/* U+200D zero width joiner */
/* "mi-khaham" (I want), its prefix held apart by a ZWNJ as Persian writes it */
#define PERSIAN	"\xd9\x85\xdb\x8c" ZWNJ \
		"\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"
#define IDSP	"\xe3\x80\x80"		/* U+3000 ideographic space */
/* man, woman, girl joined into one family emoji */
#define FAMILY	"\xf0\x9f\x91\xa8" ZWJ "\xf0\x9f\x91\xa9" ZWJ \
		"\xf0\x9f\x91\xa7"

static char *markers[] = {
	"CONFIDENTIALITY NOTICE", "Diese E-Mail enth\xc3\xa4lt vertrauliche"
};

struct text_case {
	const char		*name;
	const char		*subject;
	const char		*body;
	const char		*from_name;
	const char		*from;
	const char		*template;	/* NULL: the subject mode's */
	enum subject_mode	 mode;
	unsigned		 flags;
	const char		*want;		/* NULL: fails with want_errno */
	int			 want_errno;
};

static const struct text_case cases[] = {
	/* subject modes and the templates they stand for */
	{ "prepend", "Alert", "disk full", NULL, NULL, NULL,
	  SUBJECT_PREPEND, 0, "Alert: disk full", 0 },
	{ "prepend, no subject", NULL, "disk full", NULL, NULL, NULL,
	  SUBJECT_PREPEND, 0, "disk full", 0 },
	{ "prepend, blank subject", " \t ", "disk full", NULL, NULL, NULL,
	  SUBJECT_PREPEND, 0, "disk full", 0 },
	{ "prepend, no body", "Alert", NULL, NULL, NULL, NULL,
	  SUBJECT_PREPEND, 0, "Alert", 0 },
	{ "prepend, body only a signature", "Alert", "-- \nBob", NULL, NULL,
	  NULL, SUBJECT_PREPEND, 0, "Alert", 0 },
	{ "ignore", "Alert", "disk full", NULL, NULL, NULL, SUBJECT_IGNORE,
	  0, "disk full", 0 },
	{ "ignore, blank body", "Alert", " \n\t\n", NULL, NULL, NULL,
	  SUBJECT_IGNORE, 0, NULL, ENODATA },
	{ "only", "Alert", "disk full", NULL, NULL, NULL, SUBJECT_ONLY, 0,
	  "Alert", 0 },
	{ "only, no subject", NULL, "disk full", NULL, NULL, NULL,
	  SUBJECT_ONLY, 0, NULL, ENODATA },
	{ "nothing at all", NULL, NULL, NULL, NULL, NULL, SUBJECT_PREPEND, 0,
	  NULL, ENODATA },
	{ "subject on one line, invisible characters gone",
	  "  " ZWSP "Disk" NBSP "\r\n full ", "x", NULL, NULL, NULL,
	  SUBJECT_PREPEND, 0, "Disk full: x", 0 },

	/* templates override the subject mode */
	{ "template with sender name", "Alert", "disk full", "Alice",
	  "alice@example.com", "{from_name}: {body}", SUBJECT_ONLY, 0,
	  "Alice: disk full", 0 },
	{ "template with everything", "Alert", "disk full", "Alice",
	  "alice@example.com", "{from_name} <{from}> {subject}: {body}",
	  SUBJECT_PREPEND, 0, "Alice <alice@example.com> Alert: disk full",
	  0 },
	{ "template with a line break", "Alert", "disk full", NULL, NULL,
	  "{subject}\n{body}", SUBJECT_PREPEND, 0, "Alert\ndisk full", 0 },
	{ "template without placeholders", "Alert", "disk full", NULL, NULL,
	  "Check the console", SUBJECT_PREPEND, 0, "Check the console", 0 },
	{ "unknown placeholder stays literal", "Alert", "disk full", NULL,
	  NULL, "{foo} {body}", SUBJECT_PREPEND, 0, "{foo} disk full", 0 },

	/* an empty placeholder takes the literal after it, the last one the
	 * literal before it */
	{ "empty middle placeholder", NULL, "disk full", NULL,
	  "ops@example.com", "[{from}] {subject} - {body}", SUBJECT_PREPEND,
	  0, "[ops@example.com] disk full", 0 },
	{ "empty last placeholder", "Alert", NULL, NULL, "ops@example.com",
	  "[{from}] {subject} - {body}", SUBJECT_PREPEND, 0,
	  "[ops@example.com] Alert", 0 },
	{ "two empty placeholders", NULL, NULL, NULL, "ops@example.com",
	  "[{from}] {subject} - {body}", SUBJECT_PREPEND, 0,
	  "[ops@example.com]", 0 },
	{ "empty first placeholder", "Alert", "disk full", NULL, NULL,
	  "{from_name}: {subject} / {body}", SUBJECT_PREPEND, 0,
	  "Alert / disk full", 0 },
	{ "text after the last placeholder stays", "Alert", NULL, NULL, NULL,
	  "{subject}: {body} (ACME)", SUBJECT_PREPEND, 0, "Alert (ACME)", 0 },
	{ "only placeholder empty: nothing left", "Alert", NULL, NULL, NULL,
	  "Note: {body}", SUBJECT_PREPEND, 0, NULL, ENODATA },

	/* the body is cleaned as configured */
	{ "signature cut", NULL, "Hello\n-- \nBob\nACME", NULL, NULL, NULL,
	  SUBJECT_IGNORE, 0, "Hello", 0 },
	{ "signature kept when told", NULL, "Hello\n-- \nBob", NULL, NULL,
	  NULL, SUBJECT_IGNORE, NO_SIGNATURE, "Hello\n--\nBob", 0 },
	{ "quoted reply cut", "Re: meeting",
	  "Yes, 10:00 is fine.\n\nOn Mon, 23 Nov 2026 at 09:12, Bob "
	  "<bob@example.com> wrote:\n> Can we meet at 10?\n> Bob",
	  NULL, NULL, NULL, SUBJECT_IGNORE, 0, "Yes, 10:00 is fine.", 0 },
	{ "quoted reply kept when told", NULL,
	  "Yes.\n> Can we meet?", NULL, NULL, NULL, SUBJECT_IGNORE,
	  NO_QUOTES, "Yes.\n> Can we meet?", 0 },
	{ "mobile signature cut", NULL, "On my way\n\nSent from my iPhone",
	  NULL, NULL, NULL, SUBJECT_IGNORE, 0, "On my way", 0 },
	{ "mobile signature kept when told", NULL,
	  "On my way\n\nSent from my iPhone", NULL, NULL, NULL,
	  SUBJECT_IGNORE, NO_MOBILE, "On my way\n\nSent from my iPhone", 0 },
	{ "disclaimer cut at a marker", "Alert",
	  "Server down\n\nCONFIDENTIALITY NOTICE: this e-mail and any "
	  "attachments are confidential.", NULL, NULL, NULL,
	  SUBJECT_PREPEND, MARKERS, "Alert: Server down", 0 },
	{ "disclaimer kept without markers", NULL,
	  "Server down\nCONFIDENTIALITY NOTICE: secret", NULL, NULL, NULL,
	  SUBJECT_IGNORE, 0, "Server down\nCONFIDENTIALITY NOTICE: secret",
	  0 },
	{ "only a disclaimer: nothing left", NULL,
	  "Diese E-Mail enth\xc3\xa4lt vertrauliche Informationen.", NULL,
	  NULL, NULL, SUBJECT_IGNORE, MARKERS, NULL, ENODATA },

	/* transliteration keeps GSM-7 when that is enough */
	{ "typographic quotes transliterated", NULL,
	  "He said " LQ "hello" RQ ", didn" RSQ "t he?", NULL, NULL, NULL,
	  SUBJECT_IGNORE, 0, "He said \"hello\", didn't he?", 0 },
	{ "typographic quotes kept when told", NULL,
	  "He said " LQ "hello" RQ, NULL, NULL, NULL, SUBJECT_IGNORE,
	  NO_TRANSLIT, "He said " LQ "hello" RQ, 0 },
	{ "no transliteration when UCS-2 anyway", NULL,
	  LQ "great" RQ " " SMILE, NULL, NULL, NULL, SUBJECT_IGNORE, 0,
	  LQ "great" RQ " " SMILE, 0 },
	/* letters only when told: the default keeps names as written */
	{ "names keep their letters", "Termin",
	  "\xc5\x81ukasz Wi\xc5\x9bniewski " LQ "K\xc3\xb6hler" RQ,
	  NULL, NULL, NULL, SUBJECT_PREPEND, 0,
	  "Termin: \xc5\x81ukasz Wi\xc5\x9bniewski " LQ "K\xc3\xb6hler" RQ,
	  0 },
	{ "letters transliterated when told", "Termin",
	  "\xc5\x81ukasz Wi\xc5\x9bniewski " LQ "K\xc3\xb6hler" RQ,
	  NULL, NULL, NULL, SUBJECT_PREPEND, LETTERS,
	  "Termin: Lukasz Wisniewski \"K\xc3\xb6hler\"", 0 },
	{ "symbols are no typography", NULL, "Brand\xe2\x84\xa2 " LQ "x" RQ,
	  NULL, NULL, NULL, SUBJECT_IGNORE, 0,
	  "Brand\xe2\x84\xa2 " LQ "x" RQ, 0 },
	{ "symbols transliterated with letters", NULL,
	  "Brand\xe2\x84\xa2 " LQ "x" RQ, NULL, NULL, NULL, SUBJECT_IGNORE,
	  LETTERS, "Brand(TM) \"x\"", 0 },

	/* joiners and the ideographic space: kept where UCS-2 carries them */
	{ "an emoji ZWJ sequence stays whole", NULL, "Wir " FAMILY " kommen",
	  NULL, NULL, NULL, SUBJECT_IGNORE, 0, "Wir " FAMILY " kommen", 0 },
	{ "ZWNJ in Persian spelling stays", NULL, PERSIAN, NULL, NULL, NULL,
	  SUBJECT_IGNORE, 0, PERSIAN, 0 },
	{ "an ideographic space stays in UCS-2", NULL,
	  "\xe6\x98\x8e\xe6\x97\xa5" IDSP "10\xe6\x99\x82", NULL, NULL,
	  NULL, SUBJECT_IGNORE, 0,
	  "\xe6\x98\x8e\xe6\x97\xa5" IDSP "10\xe6\x99\x82", 0 },
	{ "joiners go where the text is GSM-7 without them", NULL,
	  "Tor" ZWJ " 5" ZWNJ " offen", NULL, NULL, NULL, SUBJECT_IGNORE, 0,
	  "Tor 5 offen", 0 },
	{ "an ideographic space in GSM-7 text is a space", NULL,
	  "Tor" IDSP "5", NULL, NULL, NULL, SUBJECT_IGNORE, 0, "Tor 5", 0 },

	/* subject commands */
	{ "bracket commands removed", "[SRC:Service] [FLASH:ON] Alert",
	  "disk full", NULL, NULL, NULL, SUBJECT_PREPEND, 0,
	  "Alert: disk full", 0 },
	{ "bracket commands kept when told", "[SRC:Service] Alert",
	  "disk full", NULL, NULL, NULL, SUBJECT_PREPEND, NO_BRACKETS,
	  "[SRC:Service] Alert: disk full", 0 },
	{ "bracket text that is no command stays", "[Ticket 123] Alert",
	  "disk full", NULL, NULL, NULL, SUBJECT_PREPEND, 0,
	  "[Ticket 123] Alert: disk full", 0 },
	{ "subject of commands only", "[SRC:Service]", "disk full", NULL,
	  NULL, NULL, SUBJECT_ONLY, 0, NULL, ENODATA },
};

/* setup_conf - the default message settings, changed as flags say */
static void
setup_conf(struct conf *conf, enum subject_mode mode, const char *tpl,
    unsigned flags, unsigned max_parts)
{
	memset(conf, 0, sizeof(*conf));
	conf->message.subject = mode;
	conf->message.template = (char *)tpl;
	conf->message.max_parts = max_parts;
	conf->message.overflow = flags & REFUSE ? OVERFLOW_REFUSE :
	    OVERFLOW_TRUNCATE;
	conf->message.strip_signature = !(flags & NO_SIGNATURE);
	conf->message.strip_quotes = !(flags & NO_QUOTES);
	conf->message.strip_mobile_signature = !(flags & NO_MOBILE);
	conf->message.transliterate = flags & NO_TRANSLIT ? TRANSLIT_OFF :
	    flags & LETTERS ? TRANSLIT_LETTERS : TRANSLIT_TYPOGRAPHY;
	conf->message.bracket_commands = !(flags & NO_BRACKETS);
	if (flags & MARKERS) {
		conf->message.disclaimer_markers = markers;
		conf->message.ndisclaimer_markers = 2;
	}
}

/*
 * check_layout - the layout is that of exactly the returned text, and the
 * parts cover it in order, without gaps, within max_parts
 */
static void
check_layout(const struct sms_text *st, unsigned max_parts)
{
	struct sms_layout	 want;
	size_t			 len = strlen(st->text), units = 0, at = 0;
	unsigned		 i;

	gsm_layout(st->text, len, &want);
	assert_int_equal(st->layout.encoding, want.encoding);
	assert_int_equal(st->layout.units, want.units);
	assert_int_equal(st->layout.parts, want.parts);
	assert_true(st->layout.parts >= 1);
	assert_true(st->layout.parts <= max_parts);
	assert_int_equal(st->nparts, st->layout.parts);
	for (i = 0; i < st->nparts; i++) {
		assert_int_equal(st->parts[i].start, at);
		assert_true(st->parts[i].end > st->parts[i].start);
		assert_true(st->parts[i].units <=
		    (st->layout.encoding == SMS_GSM7 ? 160u : 70u));
		at = st->parts[i].end;
		units += st->parts[i].units;
	}
	assert_int_equal(at, len);
	assert_int_equal(units, st->layout.units);
}

/* compose - run text_compose on the given message parts */
static int
compose(const struct text_case *c, const struct conf *conf,
    struct sms_text *st)
{
	struct mime_text	 mt;

	memset(&mt, 0, sizeof(mt));
	mt.subject = (char *)c->subject;
	mt.body = (char *)c->body;
	mt.from_name = (char *)c->from_name;
	mt.from = (char *)c->from;
	errno = 0;
	return text_compose(&mt, conf, st);
}

/* test_cases - every row of the table */
static void
test_cases(void **state)
{
	const struct text_case	*c;
	struct conf		 conf;
	struct sms_text		 st;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		print_message("# case: %s\n", c->name);
		setup_conf(&conf, c->mode, c->template, c->flags, 3);
		r = compose(c, &conf, &st);
		if (c->want == NULL) {
			assert_int_equal(r, -1);
			assert_int_equal(errno, c->want_errno);
			assert_null(st.text);
			continue;
		}
		if (r != 0)
			fail_msg("%s: failed, errno %d", c->name, errno);
		assert_string_equal(st.text, c->want);
		check_layout(&st, 3);
		assert_false(st.truncated);
		text_free(&st);
		assert_null(st.text);
	}
}

/* test_transliteration - the log and the flag say what was replaced */
static void
test_transliteration(void **state)
{
	static const struct text_case quotes = { "quotes", NULL,
	    LQ "hi" RQ " " LQ "you" RQ, NULL, NULL, NULL, SUBJECT_IGNORE, 0,
	    NULL, 0 };
	static const struct text_case emoji = { "emoji", NULL,
	    LQ "hi" RQ " " SMILE, NULL, NULL, NULL, SUBJECT_IGNORE, 0, NULL,
	    0 };
	struct conf	 conf;
	struct sms_text	 st;
	size_t		 i;
	unsigned	 seen = 0;

	(void)state;
	setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 3);
	assert_int_equal(compose(&quotes, &conf, &st), 0);
	assert_string_equal(st.text, "\"hi\" \"you\"");
	assert_int_equal(st.layout.encoding, SMS_GSM7);
	assert_true(st.transliterated);
	assert_int_equal(st.translit.total, 4);
	assert_int_equal(st.translit.nchanges, 2);
	for (i = 0; i < st.translit.nchanges; i++) {
		assert_string_equal(st.translit.changes[i].to, "\"");
		assert_int_equal(st.translit.changes[i].count, 2);
		seen |= st.translit.changes[i].codepoint == 0x201c ? 1 : 0;
		seen |= st.translit.changes[i].codepoint == 0x201d ? 2 : 0;
	}
	assert_int_equal(seen, 3);
	text_free(&st);

	/* UCS-2 either way: the original goes, and nothing is logged */
	assert_int_equal(compose(&emoji, &conf, &st), 0);
	assert_int_equal(st.layout.encoding, SMS_UCS2);
	assert_false(st.transliterated);
	assert_int_equal(st.translit.total, 0);
	assert_int_equal(st.translit.nchanges, 0);
	text_free(&st);

	/* off: UCS-2 for the quotes */
	setup_conf(&conf, SUBJECT_IGNORE, NULL, NO_TRANSLIT, 3);
	assert_int_equal(compose(&quotes, &conf, &st), 0);
	assert_int_equal(st.layout.encoding, SMS_UCS2);
	assert_false(st.transliterated);
	text_free(&st);
}

/*
 * test_translit_parts - a look-alike that costs parts is not taken: 70
 * ellipses are one UCS-2 part, but 210 septets and two parts as "..."
 */
static void
test_translit_parts(void **state)
{
	struct text_case	 c = { "ellipses", NULL, NULL, NULL, NULL, NULL,
				    SUBJECT_IGNORE, 0, NULL, 0 };
	struct conf		 conf;
	struct sms_text		 st;
	char			 body[100 * 3 + 1];
	size_t			 i;

	(void)state;
	for (i = 0; i < 70; i++)
		memcpy(body + i * 3, ELL, 3);
	body[70 * 3] = '\0';
	c.body = body;
	setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 1);
	assert_int_equal(compose(&c, &conf, &st), 0);
	assert_string_equal(st.text, body);
	assert_int_equal(st.layout.encoding, SMS_UCS2);
	assert_int_equal(st.layout.parts, 1);
	assert_false(st.transliterated);
	assert_false(st.truncated);
	text_free(&st);

	/* 100: two parts either way, and GSM-7 is taken */
	for (i = 70; i < 100; i++)
		memcpy(body + i * 3, ELL, 3);
	body[100 * 3] = '\0';
	setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 3);
	assert_int_equal(compose(&c, &conf, &st), 0);
	assert_int_equal(st.layout.encoding, SMS_GSM7);
	assert_int_equal(st.layout.parts, 2);
	assert_true(st.transliterated);
	assert_int_equal(strlen(st.text), 300);
	text_free(&st);
}

/* test_clean_report - the cut quote and signature are reported */
static void
test_clean_report(void **state)
{
	static const struct text_case c = { "report", NULL,
	    "Fine.\n\nOn Mon, 23 Nov 2026 at 09:12, Bob <bob@example.com> "
	    "wrote:\n> Meet?\n", NULL, NULL, NULL, SUBJECT_IGNORE, 0, NULL,
	    0 };
	static const struct text_case sig = { "signature", NULL,
	    "Fine.\n-- \nAlice\nACME Corp.\n", NULL, NULL, NULL,
	    SUBJECT_IGNORE, 0, NULL, 0 };
	struct conf	 conf;
	struct sms_text	 st;

	(void)state;
	setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 3);
	assert_int_equal(compose(&c, &conf, &st), 0);
	assert_string_equal(st.text, "Fine.");
	assert_int_equal(st.clean.ncuts, 1);
	assert_int_equal(st.clean.cuts[0].what, CUT_QUOTE);
	assert_true(st.clean.cuts[0].lines >= 2);
	assert_non_null(strstr(st.clean.cuts[0].first, "wrote:"));
	text_free(&st);

	assert_int_equal(compose(&sig, &conf, &st), 0);
	assert_string_equal(st.text, "Fine.");
	assert_int_equal(st.clean.ncuts, 1);
	assert_int_equal(st.clean.cuts[0].what, CUT_SIGNATURE);
	assert_int_equal(st.clean.cuts[0].lines, 3);
	text_free(&st);

	/* nothing cut, nothing reported */
	setup_conf(&conf, SUBJECT_IGNORE, NULL, NO_SIGNATURE, 3);
	assert_int_equal(compose(&sig, &conf, &st), 0);
	assert_int_equal(st.clean.ncuts, 0);
	text_free(&st);
}

/* test_subject_options - bracket commands set options, bad ones are noted */
static void
test_subject_options(void **state)
{
	static const struct text_case good = { "good",
	    "[SRC:Service] Backup done [FLASH:ON][VALIDITY:24]", "ok", NULL,
	    NULL, NULL, SUBJECT_PREPEND, 0, NULL, 0 };
	static const struct text_case bad = { "bad",
	    "[VALIDITY:forever] Backup done", "ok", NULL, NULL, NULL,
	    SUBJECT_PREPEND, 0, NULL, 0 };
	struct conf	 conf;
	struct sms_text	 st;

	(void)state;
	setup_conf(&conf, SUBJECT_PREPEND, NULL, 0, 3);
	assert_int_equal(compose(&good, &conf, &st), 0);
	assert_string_equal(st.text, "Backup done: ok");
	assert_string_equal(st.subject_options.src, "Service");
	assert_true(st.subject_options.flash);
	assert_int_equal(st.subject_options.validity_hours, 24);
	assert_string_equal(st.subject_options.error, "");
	text_free(&st);

	/* a malformed command does not stop the message */
	assert_int_equal(compose(&bad, &conf, &st), 0);
	assert_non_null(strstr(st.text, "Backup done: ok"));
	assert_int_equal(st.subject_options.validity_hours, 0);
	assert_true(st.subject_options.error[0] != '\0');
	text_free(&st);

	/* not parsed at all when turned off */
	setup_conf(&conf, SUBJECT_PREPEND, NULL, NO_BRACKETS, 3);
	assert_int_equal(compose(&good, &conf, &st), 0);
	assert_string_equal(st.subject_options.src, "");
	assert_false(st.subject_options.flash);
	text_free(&st);
}

struct cut_case {
	const char	*name;
	const char	*word;		/* repeated, joined by spaces */
	unsigned	 count;
	unsigned	 max_parts;
	unsigned	 kept;		/* whole words before the ellipsis */
	bool		 strip_last;	/* the last word loses its ',' */
	enum sms_encoding encoding;
};

/*
 * The positions: a GSM-7 word of 4 letters and its space take 5 septets; a
 * part holds 160 alone, else 153; GSM-7 keeps 3 septets for "...". UCS-2
 * parts hold 70 or 67 units, 1 unit is kept for the ellipsis.
 */
static const struct cut_case cut_cases[] = {
	/* 157 septets fit: word 31 is cut, the cut moves back to 154 */
	{ "GSM-7, 1 part", "abcd", 120, 1, 31, false, SMS_GSM7 },
	/* 303 septets: back to the space at 299 */
	{ "GSM-7, 2 parts", "abcd", 120, 2, 60, false, SMS_GSM7 },
	/* 456 septets: back to the space at 454 */
	{ "GSM-7, 3 parts", "abcd", 120, 3, 91, false, SMS_GSM7 },
	/* the comma before the ellipsis goes too */
	{ "GSM-7, trailing comma", "abc,", 120, 1, 31, true, SMS_GSM7 },
	/* 69 units: the cut falls on the space itself */
	{ "UCS-2, 1 part", "\xd0\xb0\xd0\xb1\xd0\xb2\xd0\xb3", 60, 1, 14,
	  false, SMS_UCS2 },
	/* 133 units: back to the space at 129 */
	{ "UCS-2, 2 parts", "\xd0\xb0\xd0\xb1\xd0\xb2\xd0\xb3", 60, 2, 26,
	  false, SMS_UCS2 },
	/* 200 units: the first letter of word 40, back to 199 */
	{ "UCS-2, 3 parts", "\xd0\xb0\xd0\xb1\xd0\xb2\xd0\xb3", 60, 3, 40,
	  false, SMS_UCS2 },
};

/* repeat - count copies of word joined by single spaces, malloc'd */
static char *
repeat(const char *word, unsigned count)
{
	size_t	 wl = strlen(word), i;
	char	*s, *p;

	s = malloc(count * (wl + 1) + 1);
	assert_non_null(s);
	p = s;
	for (i = 0; i < count; i++) {
		if (i > 0)
			*p++ = ' ';
		memcpy(p, word, wl);
		p += wl;
	}
	*p = '\0';
	return s;
}

/* test_truncate_words - cut at the last word boundary, ellipsis appended */
static void
test_truncate_words(void **state)
{
	const struct cut_case	*c;
	struct text_case	 tc;
	struct conf		 conf;
	struct sms_text		 st;
	char			*body, *want, *full;
	const char		*ell;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(cut_cases) / sizeof(cut_cases[0]); i++) {
		c = &cut_cases[i];
		print_message("# cut case: %s\n", c->name);
		body = repeat(c->word, c->count);
		want = repeat(c->word, c->kept);
		if (c->strip_last)
			want[strlen(want) - 1] = '\0';
		ell = c->encoding == SMS_GSM7 ? "..." : ELL;
		n = strlen(want) + strlen(ell) + 1;
		full = malloc(n);
		assert_non_null(full);
		snprintf(full, n, "%s%s", want, ell);

		memset(&tc, 0, sizeof(tc));
		tc.body = body;
		setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, c->max_parts);
		assert_int_equal(compose(&tc, &conf, &st), 0);
		assert_string_equal(st.text, full);
		assert_true(st.truncated);
		assert_int_equal(st.layout.encoding, c->encoding);
		check_layout(&st, c->max_parts);
		text_free(&st);

		/* one part more than needed: nothing to cut */
		setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 10);
		assert_int_equal(compose(&tc, &conf, &st), 0);
		assert_string_equal(st.text, body);
		assert_false(st.truncated);
		check_layout(&st, 10);
		text_free(&st);
		free(full);
		free(want);
		free(body);
	}
}

/* test_truncate_hard - no whitespace near the end: cut inside the word */
static void
test_truncate_hard(void **state)
{
	struct text_case	 tc;
	struct conf		 conf;
	struct sms_text		 st;
	char			 body[600], want[200];
	unsigned		 max;

	(void)state;
	/* "short " and a 400 letter word: the space is far from the end */
	memcpy(body, "short ", 6);
	memset(body + 6, 'y', 400);
	body[406] = '\0';
	memset(&tc, 0, sizeof(tc));
	tc.body = body;
	setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, 1);
	assert_int_equal(compose(&tc, &conf, &st), 0);
	memcpy(want, body, 157);
	memcpy(want + 157, "...", 4);
	assert_string_equal(st.text, want);
	assert_int_equal(st.layout.units, 160);
	check_layout(&st, 1);
	text_free(&st);

	/* UCS-2 made of 4-byte characters: never split inside one */
	for (max = 1; max <= 3; max++) {
		char	 emoji[4 * 150 + 1];
		size_t	 k;

		for (k = 0; k < 150; k++)
			memcpy(emoji + 4 * k, SMILE, 4);
		emoji[4 * 150] = '\0';
		tc.body = emoji;
		setup_conf(&conf, SUBJECT_IGNORE, NULL, 0, max);
		assert_int_equal(compose(&tc, &conf, &st), 0);
		assert_true(st.truncated);
		k = strlen(st.text);
		assert_true(k > 3);
		assert_memory_equal(st.text + k - 3, ELL, 3);
		/* whole emoji before the ellipsis */
		assert_int_equal((k - 3) % 4, 0);
		check_layout(&st, max);
		text_free(&st);
	}
}

/* test_refuse - overflow "refuse": EMSGSIZE, with the parts it would need */
static void
test_refuse(void **state)
{
	struct text_case	 tc;
	struct conf		 conf;
	struct sms_text		 st;
	char			*body;
	char			 reply[128];

	(void)state;
	body = repeat("abcd", 120);		/* 599 septets: 4 parts */
	memset(&tc, 0, sizeof(tc));
	tc.body = body;
	setup_conf(&conf, SUBJECT_IGNORE, NULL, REFUSE, 3);
	assert_int_equal(compose(&tc, &conf, &st), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_null(st.text);
	assert_int_equal(st.layout.parts, 4);
	assert_string_equal(text_reply(EMSGSIZE, &conf, reply, sizeof(reply)),
	    "550 5.3.4 Message too long for 3 SMS parts (max_parts = 3)");

	/* what fits is sent as it is */
	setup_conf(&conf, SUBJECT_IGNORE, NULL, REFUSE, 4);
	assert_int_equal(compose(&tc, &conf, &st), 0);
	assert_string_equal(st.text, body);
	assert_false(st.truncated);
	check_layout(&st, 4);
	text_free(&st);
	free(body);
}

/* test_replies - the SMTP replies text_reply gives for each failure */
static void
test_replies(void **state)
{
	struct conf	 conf;
	char		 reply[128];

	(void)state;
	setup_conf(&conf, SUBJECT_PREPEND, NULL, 0, 1);
	assert_string_equal(text_reply(ENODATA, &conf, reply, sizeof(reply)),
	    "550 5.6.0 Message has no text to send as SMS (empty body, or "
	    "only attachments)");
	assert_string_equal(text_reply(EMSGSIZE, &conf, reply, sizeof(reply)),
	    "550 5.3.4 Message too long for 1 SMS part (max_parts = 1)");
	assert_string_equal(text_reply(ENOMEM, &conf, reply, sizeof(reply)),
	    "451 4.3.0 Error: out of memory, try again later");
	/* a short buffer still holds a terminated string */
	assert_int_equal(strlen(text_reply(ENODATA, &conf, reply, 10)), 9);
}

/* test_bad_max_parts - max_parts outside 1..10 is refused, not trusted */
static void
test_bad_max_parts(void **state)
{
	static const struct text_case c = { "x", "a", "b", NULL, NULL, NULL,
	    SUBJECT_PREPEND, 0, NULL, 0 };
	struct conf	 conf;
	struct sms_text	 st;

	(void)state;
	setup_conf(&conf, SUBJECT_PREPEND, NULL, 0, 0);
	assert_int_equal(compose(&c, &conf, &st), -1);
	assert_int_equal(errno, EINVAL);
	setup_conf(&conf, SUBJECT_PREPEND, NULL, 0, TEXT_MAX_PARTS + 1);
	assert_int_equal(compose(&c, &conf, &st), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(st.text);
}

/* main - run the group, TAP when CMOCKA_MESSAGE_OUTPUT=TAP */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_transliteration),
		cmocka_unit_test(test_translit_parts),
		cmocka_unit_test(test_clean_report),
		cmocka_unit_test(test_subject_options),
		cmocka_unit_test(test_truncate_words),
		cmocka_unit_test(test_truncate_hard),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_bad_max_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
