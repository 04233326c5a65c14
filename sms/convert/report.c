/*
 * report.c - one message through mime_extract() and text_compose(), shown
 * as the bare SMS text (for scripts and tests) or as a report of each step.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sms/convert/report.h"
#include "sms/convert/text.h"
#include "sms/lib/utf8.h"

/*
 * put_escaped - n bytes of s with control characters made visible; a
 * backslash is doubled, so a backslash and an n in the text read apart
 * from an escaped line break
 */
static void
put_escaped(FILE *fp, const char *s, size_t n)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", fp);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
}

/* put_field - "Name: value" on one line, "(none)" for a missing value */
static void
put_field(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, "%s: ", name);
	if (value == NULL)
		fputs("(none)", fp);
	else
		put_escaped(fp, value, strlen(value));
	fputc('\n', fp);
}

/* put_utf8 - a code point as UTF-8; U+FFFD for what is not a character */
static void
put_utf8(FILE *fp, unsigned cp)
{
	unsigned char	 u[UTF8_MAX];
	size_t		 k;

	if ((k = utf8_encode(cp, u)) == 0)
		k = utf8_encode(UTF8_REPLACEMENT, u);
	fwrite(u, 1, k, fp);
}

/* put_options - the options the subject's bracket commands set */
static void
put_options(FILE *fp, const struct subject_options *o)
{
	char		 when[32];
	struct tm	 tm;
	bool		 any = false;

	fputs("Subject options:", fp);
	if (o->src[0] != '\0') {
		fputs(" src=", fp);
		put_escaped(fp, o->src, strnlen(o->src, sizeof(o->src)));
		any = true;
	}
	if (o->send_at != 0 && gmtime_r(&o->send_at, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
		fprintf(fp, " send_at=%s", when);
		any = true;
	}
	if (o->validity_hours != 0) {
		fprintf(fp, " validity=%uh", o->validity_hours);
		any = true;
	}
	if (o->delivery_notification) {
		fputs(" delivery_notification", fp);
		any = true;
	}
	if (o->flash) {
		fputs(" flash", fp);
		any = true;
	}
	if (o->express) {
		fputs(" express", fp);
		any = true;
	}
	if (o->customer_ref[0] != '\0') {
		fputs(" customer_ref=", fp);
		put_escaped(fp, o->customer_ref,
		    strnlen(o->customer_ref, sizeof(o->customer_ref)));
		any = true;
	}
	if (o->billing_code[0] != '\0') {
		fputs(" billing_code=", fp);
		put_escaped(fp, o->billing_code,
		    strnlen(o->billing_code, sizeof(o->billing_code)));
		any = true;
	}
	fputs(any ? "\n" : " none\n", fp);
	if (o->error[0] != '\0') {
		fputs("Subject command ignored: ", fp);
		put_escaped(fp, o->error, strnlen(o->error, sizeof(o->error)));
		fputc('\n', fp);
	}
}

/* put_cuts - what the cleaning removed from the body */
static void
put_cuts(FILE *fp, const struct clean_report *r)
{
	size_t	 i;

	if (r->ncuts == 0) {
		fputs("Cut: nothing\n", fp);
		return;
	}
	fputs("Cut:\n", fp);
	for (i = 0; i < r->ncuts && i < CLEAN_REPORT_MAX; i++) {
		fprintf(fp, "  %s, %zu line%s, from \"",
		    clean_cut_name(r->cuts[i].what), r->cuts[i].lines,
		    r->cuts[i].lines == 1 ? "" : "s");
		put_escaped(fp, r->cuts[i].first,
		    strnlen(r->cuts[i].first, sizeof(r->cuts[i].first)));
		fputs("\"\n", fp);
	}
}

/* put_translit - what the transliteration replaced, if it was applied */
static void
put_translit(FILE *fp, const struct sms_text *st)
{
	const struct translit_change	*c;
	size_t				 i;

	if (!st->transliterated) {
		fputs("Transliterated: nothing\n", fp);
		return;
	}
	fprintf(fp, "Transliterated: %u character%s\n", st->translit.total,
	    st->translit.total == 1 ? "" : "s");
	for (i = 0; i < st->translit.nchanges && i < TRANSLIT_MAX; i++) {
		c = &st->translit.changes[i];
		fprintf(fp, "  U+%04X '", c->codepoint);
		put_utf8(fp, c->codepoint);
		fputs("' -> '", fp);
		put_escaped(fp, c->to, strnlen(c->to, sizeof(c->to)));
		fprintf(fp, "' x%u\n", c->count);
	}
}

/* put_layout - encoding and size, then every part with its boundaries */
static void
put_layout(FILE *fp, const struct sms_text *st)
{
	const char	*unit;
	size_t		 from = 0;
	unsigned	 i;

	unit = st->layout.encoding == SMS_GSM7 ? "septets" : "units";
	fprintf(fp, "Encoding: %s\n", gsm_encoding_name(st->layout.encoding));
	fprintf(fp, "Units: %zu %s\n", st->layout.units, unit);
	fprintf(fp, "Parts: %u\n", st->layout.parts);
	if (st->text == NULL)
		return;
	for (i = 0; i < st->nparts && i < TEXT_MAX_PARTS; i++) {
		fprintf(fp, "part %u/%u [%zu-%zu %s]: ", i + 1, st->nparts,
		    from, from + st->parts[i].units, unit);
		put_escaped(fp, st->text + st->parts[i].start,
		    st->parts[i].end - st->parts[i].start);
		fputc('\n', fp);
		from += st->parts[i].units;
	}
}

/* put_text - the SMS text, each line indented so it stands out */
static void
put_text(FILE *fp, const char *text)
{
	const char	*p, *nl;

	fputs("Text:\n", fp);
	for (p = text; p != NULL; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (p[0] != '\n' && p[0] != '\0')
			fputs("  ", fp);
		put_escaped(fp, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		fputc('\n', fp);
	}
}

/* put_report - every step of the conversion; st->text NULL on refusal */
static void
put_report(FILE *fp, const struct mime_text *mt, const struct sms_text *st,
    const struct conf *conf)
{
	put_field(fp, "Subject", mt->subject);
	fputs("From: ", fp);
	if (mt->from_name != NULL) {
		put_escaped(fp, mt->from_name, strlen(mt->from_name));
		fputc(' ', fp);
	}
	if (mt->from != NULL) {
		fputc('<', fp);
		put_escaped(fp, mt->from, strlen(mt->from));
		fputc('>', fp);
	} else if (mt->from_name == NULL)
		fputs("(none)", fp);
	fputc('\n', fp);
	if (conf->message.bracket_commands)
		put_options(fp, &st->subject_options);
	put_cuts(fp, &st->clean);
	put_translit(fp, st);
	if (st->text != NULL)
		put_text(fp, st->text);
	put_layout(fp, st);
	if (st->text != NULL)
		fprintf(fp, "Truncated: %s\n", st->truncated ? "yes" : "no");
}

/* convert_message - the SMS of a raw message, or why there is none */
int
convert_message(FILE *out, FILE *err, const char *raw, size_t len,
    const struct conf *conf, int text_only)
{
	struct mime_text	 mt;
	struct sms_text		 st;
	char			 reply[256];
	int			 e;

	memset(&mt, 0, sizeof(mt));
	errno = 0;
	if (mime_extract(raw, len, &mt) == -1) {
		fprintf(err, "%s\n", errno == ENOMEM ? "out of memory" :
		    "the message cannot be parsed");
		return 2;
	}
	if (text_compose(&mt, conf, &st) == -1) {
		e = errno;
		if (e != ENODATA && e != EMSGSIZE) {
			fprintf(err, "%s\n", text_reply(e, conf, reply,
			    sizeof(reply)));
			mime_text_free(&mt);
			return 2;
		}
		if (!text_only)
			put_report(out, &mt, &st, conf);
		fprintf(err, "%s\n", text_reply(e, conf, reply, sizeof(reply)));
		mime_text_free(&mt);
		return 1;
	}
	if (text_only)
		fprintf(out, "%s\n", st.text);
	else
		put_report(out, &mt, &st, conf);
	text_free(&st);
	mime_text_free(&mt);
	return 0;
}
