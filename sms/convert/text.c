/*
 * text.c - the SMS text of a message: subject commands taken out, the body
 * cleaned, both placed by the template, transliterated when that saves
 * UCS-2, cut to max_parts at a word boundary (or refused), split into parts.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/text.h"

#define ELLIPSIS_GSM7	"..."
#define ELLIPSIS_UCS2	"\xe2\x80\xa6"	/* U+2026, one UTF-16 unit */
#define ELLIPSIS_GSM7_UNITS	3
#define ELLIPSIS_UCS2_UNITS	1

/* the template each subject mode stands for when message.template is unset */
static const char *const mode_templates[] = {
	[SUBJECT_PREPEND] = "{subject}: {body}",
	[SUBJECT_IGNORE] = "{body}",
	[SUBJECT_ONLY] = "{subject}",
};

/* the values a template can refer to */
struct fields {
	const char	*subject;
	const char	*body;
	const char	*from_name;
	const char	*from;
};

/* a placeholder found in the template: bytes [start, end) and its value */
struct placeholder {
	size_t		 start;
	size_t		 end;
	const char	*value;
};

/* is_space - whitespace the trimming and the word cut care about */
static bool
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t';
}

/* one_line - in place: line breaks and tabs to spaces, runs to one, trimmed */
static void
one_line(char *s)
{
	char	*o = s, *p;

	for (p = s; *p != '\0'; p++) {
		if (is_space(*p)) {
			/* a space is written only before the next word */
			if (o != s && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *p;
	}
	if (o != s && o[-1] == ' ')
		o--;
	*o = '\0';
}

/*
 * clean_line - a header value on one line: normalised like a body (invisible
 * characters gone, NBSP a space) with nothing cut, then joined. NULL: ENOMEM.
 */
static char *
clean_line(const char *s)
{
	const struct clean_opts	 none = { 0 };
	struct clean_report	 ignored;
	char			*out;

	if (s == NULL)
		s = "";
	if ((out = clean_body(s, strlen(s), &none, &ignored)) == NULL)
		return NULL;
	one_line(out);
	return out;
}

/* field_value - the value of placeholder name[0..n), NULL if unknown */
static const char *
field_value(const struct fields *f, const char *name, size_t n)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} known[] = {
		{ "subject", offsetof(struct fields, subject) },
		{ "body", offsetof(struct fields, body) },
		{ "from_name", offsetof(struct fields, from_name) },
		{ "from", offsetof(struct fields, from) },
	};
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n &&
		    memcmp(known[i].name, name, n) == 0)
			return *(const char *const *)(const void *)
			    ((const char *)f + known[i].off);
	return NULL;
}

/*
 * find_placeholders - the known placeholders of tpl in order; text in braces
 * that names none stays literal (conf.c refuses it, a hand-built conf may
 * not). Their number goes to *n, the array (malloc'd, NULL when there is
 * no '{' at all) to *out. -1: ENOMEM.
 */
static int
find_placeholders(const char *tpl, const struct fields *f,
    struct placeholder **out, size_t *n)
{
	struct placeholder	*ph;
	const char		*p, *close, *v;
	size_t			 max = 0;

	*out = NULL;
	*n = 0;
	for (p = tpl; (p = strchr(p, '{')) != NULL; p++)
		max++;
	if (max == 0)
		return 0;
	if ((ph = calloc(max, sizeof(*ph))) == NULL)
		return -1;
	for (p = tpl; (p = strchr(p, '{')) != NULL; p++) {
		if ((close = strchr(p + 1, '}')) == NULL)
			break;
		/* a nested '{' starts over: "{a {body}" holds {body} */
		if (memchr(p + 1, '{', (size_t)(close - p - 1)) != NULL)
			continue;
		if ((v = field_value(f, p + 1, (size_t)(close - p - 1))) ==
		    NULL)
			continue;
		ph[*n].start = (size_t)(p - tpl);
		ph[*n].end = (size_t)(close - tpl) + 1;
		ph[*n].value = v;
		(*n)++;
		p = close;
	}
	*out = ph;
	return 0;
}

/*
 * expand - the template with its placeholders filled. An empty placeholder
 * takes the literal text after it (up to the next placeholder) along, so
 * "{subject}: {body}" without a subject is not ": body"; the last one, which
 * has no literal of its own to take, takes the text before it, so the same
 * template without a body is "subject". NULL: ENOMEM.
 */
static char *
expand(const char *tpl, const struct fields *f)
{
	struct placeholder	*ph;
	char			*out, *o;
	size_t			 n, k, size, lit_start, lit_end;
	bool			 drop;

	if (find_placeholders(tpl, f, &ph, &n) == -1)
		return NULL;
	size = strlen(tpl) + 1;
	for (k = 0; k < n; k++)
		size += strlen(ph[k].value);
	if ((out = malloc(size)) == NULL) {
		free(ph);
		return NULL;
	}
	o = out;
	/* literal k runs from the end of placeholder k-1 to placeholder k */
	for (k = 0; k <= n; k++) {
		lit_start = k == 0 ? 0 : ph[k - 1].end;
		lit_end = k == n ? strlen(tpl) : ph[k].start;
		drop = (k > 0 && k < n && ph[k - 1].value[0] == '\0') ||
		    (n > 0 && k == n - 1 && ph[k].value[0] == '\0');
		if (!drop) {
			memcpy(o, tpl + lit_start, lit_end - lit_start);
			o += lit_end - lit_start;
		}
		if (k < n) {
			memcpy(o, ph[k].value, strlen(ph[k].value));
			o += strlen(ph[k].value);
		}
	}
	*o = '\0';
	free(ph);
	return out;
}

/* trim - in place, whitespace off both ends */
static void
trim(char *s)
{
	size_t	 start = 0, n = strlen(s);

	while (n > 0 && is_space(s[n - 1]))
		n--;
	while (start < n && is_space(s[start]))
		start++;
	memmove(s, s + start, n - start);
	s[n - start] = '\0';
}

/*
 * word_cut - where to cut text so that at most keep bytes stay: at the last
 * whitespace when it is in the last fifth of what is kept (so a long word or
 * URL does not cost most of a part), else at keep; trailing whitespace and
 * punctuation that would stand before the ellipsis go too.
 */
static size_t
word_cut(const char *text, size_t len, size_t keep)
{
	size_t	 cut = keep, i, stripped;

	if (keep < len && !is_space(text[keep])) {
		for (i = keep; i > 0 && !is_space(text[i - 1]); i--)
			;
		if (i > 0 && i - 1 >= keep - keep / 5)
			cut = i - 1;
	}
	stripped = cut;
	while (stripped > 0 && (is_space(text[stripped - 1]) ||
	    strchr(",;:.-(", text[stripped - 1]) != NULL))
		stripped--;
	return stripped > 0 ? stripped : cut;
}

/*
 * truncate_text - text cut to max_parts of its encoding with an ellipsis;
 * *text and *len are replaced. -1: ENOMEM.
 */
static int
truncate_text(char **text, size_t *len, struct sms_layout *layout,
    unsigned max_parts)
{
	const char	*ell;
	size_t		 reserve, keep, cut, elen;
	char		*out;

	if (layout->encoding == SMS_GSM7) {
		ell = ELLIPSIS_GSM7;
		reserve = ELLIPSIS_GSM7_UNITS;
	} else {
		ell = ELLIPSIS_UCS2;
		reserve = ELLIPSIS_UCS2_UNITS;
	}
	elen = strlen(ell);
	keep = gsm_fit(*text, *len, layout->encoding, max_parts, reserve);
	cut = word_cut(*text, *len, keep);
	if ((out = malloc(cut + elen + 1)) == NULL)
		return -1;
	memcpy(out, *text, cut);
	memcpy(out + cut, ell, elen + 1);
	free(*text);
	*text = out;
	*len = cut + elen;
	gsm_layout(out, *len, layout);
	assert(layout->parts <= max_parts);
	return 0;
}

/*
 * transliterate - the transliterated text (letters too, or typography only)
 * in place of *text when it lays out as GSM-7 in no more parts than the
 * original needs as UCS-2 (a text of ellipses would not); otherwise *text
 * stays (UCS-2 carries it faithfully). -1: ENOMEM.
 */
static int
transliterate(char **text, size_t *len, bool letters, struct sms_text *out)
{
	struct translit_log	 log;
	struct sms_layout	 l;
	char			*t, *copy;
	size_t			 tlen;

	memset(&log, 0, sizeof(log));
	if ((t = gsm_transliterate(*text, *len, letters, &tlen, &log)) == NULL)
		return -1;
	gsm_layout(t, tlen, &l);
	if (l.encoding != SMS_GSM7 || l.parts > out->layout.parts) {
		free(t);
		return 0;
	}
	/* the length is what counts; the copy adds the NUL we rely on */
	if ((copy = malloc(tlen + 1)) == NULL) {
		free(t);
		return -1;
	}
	memcpy(copy, t, tlen);
	copy[tlen] = '\0';
	free(t);
	free(*text);
	*text = copy;
	*len = tlen;
	out->layout = l;
	out->translit = log;
	out->transliterated = true;
	return 0;
}

/*
 * compose_parts - the template's values, each cleaned: part[0] the subject,
 * [1] the body, [2] the sender's name, [3] the address. -1: ENOMEM.
 */
static int
compose_parts(const struct mime_text *m, const struct conf *conf,
    struct sms_text *out, char *part[4])
{
	struct clean_opts	 opts;
	char			*s;

	if ((part[0] = clean_line(m->subject)) == NULL)
		return -1;
	if (conf->message.bracket_commands) {
		if ((s = subject_commands(part[0],
		    &out->subject_options)) == NULL)
			return -1;
		free(part[0]);
		part[0] = s;
		one_line(part[0]);
	}
	memset(&opts, 0, sizeof(opts));
	opts.signature = conf->message.strip_signature;
	opts.quotes = conf->message.strip_quotes;
	opts.mobile_signature = conf->message.strip_mobile_signature;
	opts.disclaimer_markers = conf->message.disclaimer_markers;
	opts.ndisclaimer_markers = conf->message.ndisclaimer_markers;
	if ((part[1] = clean_body(m->body != NULL ? m->body : "",
	    m->body != NULL ? strlen(m->body) : 0, &opts, &out->clean)) ==
	    NULL)
		return -1;
	if ((part[2] = clean_line(m->from_name)) == NULL ||
	    (part[3] = clean_line(m->from)) == NULL)
		return -1;
	return 0;
}

/*
 * text_compose - the SMS text for a message under the message.* settings.
 * On -1 errno tells why: ENODATA when nothing is left to send, EMSGSIZE when
 * it is too long and may not be cut, EINVAL for a max_parts no valid
 * configuration has, ENOMEM when memory ran out (a temporary failure,
 * unlike the others).
 */
int
text_compose(const struct mime_text *m, const struct conf *conf,
    struct sms_text *out)
{
	char		*part[4] = { NULL, NULL, NULL, NULL };
	char		*text = NULL;
	const char	*tpl;
	struct fields	 f;
	size_t		 len, i;
	unsigned	 max = conf->message.max_parts;
	int		 err = ENOMEM;

	memset(out, 0, sizeof(*out));
	if (max < 1 || max > TEXT_MAX_PARTS) {
		errno = EINVAL;
		return -1;
	}
	if (compose_parts(m, conf, out, part) == -1)
		goto fail;
	f = (struct fields){ part[0], part[1], part[2], part[3] };
	tpl = conf->message.template != NULL ? conf->message.template :
	    mode_templates[conf->message.subject];
	if ((text = expand(tpl, &f)) == NULL)
		goto fail;
	trim(text);
	if ((len = strlen(text)) == 0) {
		err = ENODATA;
		goto fail;
	}

	gsm_layout(text, len, &out->layout);
	if (out->layout.encoding != SMS_GSM7 &&
	    conf->message.transliterate != TRANSLIT_OFF &&
	    transliterate(&text, &len,
	    conf->message.transliterate == TRANSLIT_LETTERS, out) == -1)
		goto fail;
	if (out->layout.parts > max) {
		if (conf->message.overflow == OVERFLOW_REFUSE) {
			err = EMSGSIZE;
			goto fail;
		}
		if (truncate_text(&text, &len, &out->layout, max) == -1)
			goto fail;
		out->truncated = true;
	}
	out->nparts = gsm_split(text, len, out->layout.encoding, out->parts,
	    TEXT_MAX_PARTS);
	out->text = text;
	for (i = 0; i < 4; i++)
		free(part[i]);
	return 0;

fail:
	for (i = 0; i < 4; i++)
		free(part[i]);
	free(text);
	out->text = NULL;
	errno = err;
	return -1;
}

/* text_free - release the text, leaving an empty struct */
void
text_free(struct sms_text *t)
{
	free(t->text);
	memset(t, 0, sizeof(*t));
}

/* text_reply - the SMTP reply for a text_compose() failure */
const char *
text_reply(int err, const struct conf *conf, char *buf, size_t len)
{
	switch (err) {
	case ENODATA:
		snprintf(buf, len, "550 5.6.0 Message has no text to send as "
		    "SMS (empty body, or only attachments)");
		break;
	case EMSGSIZE:
		snprintf(buf, len, "550 5.3.4 Message too long for %u SMS "
		    "part%s (max_parts = %u)", conf->message.max_parts,
		    conf->message.max_parts == 1 ? "" : "s",
		    conf->message.max_parts);
		break;
	case ENOMEM:
		snprintf(buf, len, "451 4.3.0 Error: out of memory, try again "
		    "later");
		break;
	default:
		snprintf(buf, len, "451 4.3.5 Error: the SMS text cannot be "
		    "composed (configuration), try again later");
		break;
	}
	return buf;
}
