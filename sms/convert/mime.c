/*
 * mime.c - the only file that speaks libetpan: parse a raw message, pick the
 * part a reader would read (plain, HTML or TNEF) as UTF-8 text, and decode
 * Subject and From; list every From: and Sender: mailbox for the policy.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/convert/charset.h"
#include "sms/convert/html.h"
#include "sms/convert/mime.h"
#include "sms/convert/tnef.h"
#include "sms/lib/utf8.h"

/*
 * libetpan's own parser bounds nothing; our walk does, so a message built
 * to nest thousands of levels costs stack only inside the parser.
 */
#define MIME_MAX_DEPTH	32
#define PARAMS_MAX	32	/* parameters of one header we look at */
#define CHARSET_MAX	64	/* longest charset label we keep */
#define META_SCAN	4096	/* HTML bytes searched for a <meta> */
#define PLACEHOLDER_MAX	160	/* longer text is no placeholder */
#define BOUNDARY_MAX	70	/* RFC 2046 */
#define SUBTYPE_MAX	64	/* longer subtypes are not repaired */
#define REPAIR_DEPTH	8	/* levels a repair costs: few are made */

/* How line breaks are treated when text is made valid UTF-8. */
enum line_mode {
	LINES_KEEP,	/* bodies: CRLF and lone CR become LF */
	LINES_UNFOLD	/* header values: CR and LF vanish (unfolding) */
};

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Labels for US-ASCII, the RFC 2045 default, often stuck on 8-bit text. */
static const char *const ascii_labels[] = {
	"us-ascii", "ascii", "ansi_x3.4-1968", NULL
};

/* is_space - ASCII white space, whatever the locale */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/*
 * utf8_clean - a NUL-terminated copy of n bytes that is valid UTF-8: every
 * ill-formed byte and every NUL (which would cut the C string short) becomes
 * U+FFFD; line breaks are handled as mode says.
 */
static char *
utf8_clean(const char *s, size_t n, enum line_mode mode)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i = 0, k;

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	if ((out = malloc(n * 3 + 1)) == NULL)
		return NULL;
	o = out;
	while (i < n) {
		if (p[i] == '\r' || p[i] == '\n') {
			if (mode == LINES_KEEP)
				*o++ = '\n';
			if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
				i++;
			i++;
			continue;
		}
		if (p[i] != '\0' && p[i] < 0x80) {
			*o++ = (char)p[i++];
			continue;
		}
		k = p[i] == '\0' ? 0 : utf8_decode(p + i, n - i, NULL);
		if (k == 0) {
			memcpy(o, replacement, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, p + i, k);
		o += k;
		i += k;
	}
	*o = '\0';
	return out;
}

/* label_in - whether charset is one of the NULL-terminated labels */
static bool
label_in(const char *charset, const char *const *labels)
{
	for (; *labels != NULL; labels++)
		if (strcasecmp(charset, *labels) == 0)
			return true;
	return false;
}

/*
 * guess_charset - what unlabelled 8-bit text is: UTF-8 when it is valid
 * UTF-8 (nothing else plausible is), else the usual Windows Latin-1.
 */
static const char *
guess_charset(const char *s, size_t n)
{
	return utf8_valid(s, n) ? "utf-8" : "windows-1252";
}

/*
 * effective_charset - the charset to decode with: US-ASCII (the RFC 2045
 * default) is treated like a missing label because 8-bit text under it is
 * common, and ISO-8859-1 is read as its superset windows-1252 since mailers
 * send curly quotes under that label (as the WHATWG Encoding Standard does).
 */
static const char *
effective_charset(const char *charset, const char *s, size_t n)
{
	static const char *const utf8[] = { "utf-8", "utf8", NULL };
	static const char *const latin1[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", NULL
	};

	if (charset == NULL || *charset == '\0' ||
	    label_in(charset, ascii_labels))
		return guess_charset(s, n);
	if (label_in(charset, utf8))
		return "utf-8";
	if (label_in(charset, latin1))
		return "windows-1252";
	return charset;
}

/*
 * to_utf8 - n bytes in charset (NULL: unlabelled) as clean UTF-8. Unknown
 * labels fall back to the unlabelled guess; bytes the label does not decode
 * are read in the charsets meant by it (cached_charconv), else U+FFFD.
 */
static char *
to_utf8(const char *s, size_t n, const char *charset, enum line_mode mode)
{
	const char	*cs;
	char		*conv, *out;
	size_t		 convlen;
	int		 r;

	cs = effective_charset(charset, s, n);
	if (strcmp(cs, "utf-8") == 0)
		return utf8_clean(s, n, mode);
	r = charconv_buffer("utf-8", cs, s, n, &conv, &convlen);
	if (r == MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET) {
		cs = guess_charset(s, n);
		if (strcmp(cs, "utf-8") == 0)
			return utf8_clean(s, n, mode);
		r = charconv_buffer("utf-8", cs, s, n, &conv, &convlen);
		/* without iconv even windows-1252 is unknown */
		if (r == MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET)
			return utf8_clean(s, n, mode);
	}
	if (r != MAIL_CHARCONV_NO_ERROR)
		return NULL;
	out = utf8_clean(conv, convlen, mode);
	charconv_buffer_free(conv);
	return out;
}

/*
 * decode_phrase - a header value with RFC 2047 encoded words as UTF-8;
 * raw 8-bit text outside encoded words gets the unlabelled-body guess.
 */
static int
decode_phrase(const char *value, char **out)
{
	char	*dec = NULL;
	size_t	 len, idx = 0;
	int	 r;

	len = strlen(value);
	r = mailmime_encoded_phrase_parse(guess_charset(value, len), value, len,
	    &idx, "utf-8", &dec);
	if (r == MAILIMF_NO_ERROR && dec != NULL) {
		*out = utf8_clean(dec, strlen(dec), LINES_UNFOLD);
		free(dec);
	} else {
		/* not a phrase libetpan accepts: show it as it came */
		free(dec);
		*out = to_utf8(value, len, NULL, LINES_UNFOLD);
	}
	return *out == NULL ? -1 : 0;
}

/* extract_from - addr-spec and display name of the first From: mailbox */
static int
extract_from(const struct mailimf_from *from, struct mime_text *out)
{
	const struct mailimf_mailbox	*mb;
	clistiter			*it;

	if (from->frm_mb_list == NULL ||
	    (it = clist_begin(from->frm_mb_list->mb_list)) == NULL)
		return 0;
	mb = clist_content(it);
	if (mb->mb_addr_spec != NULL &&
	    (out->from = to_utf8(mb->mb_addr_spec, strlen(mb->mb_addr_spec),
	    NULL, LINES_UNFOLD)) == NULL)
		return -1;
	if (mb->mb_display_name != NULL &&
	    decode_phrase(mb->mb_display_name, &out->from_name) == -1)
		return -1;
	return 0;
}

/* extract_headers - Subject and From of the outermost message */
static int
extract_headers(const struct mailimf_fields *fields, struct mime_text *out)
{
	const struct mailimf_field	*f;
	clistiter			*it;

	if (fields == NULL)
		return 0;
	for (it = clist_begin(fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_SUBJECT &&
		    out->subject == NULL &&
		    f->fld_data.fld_subject->sbj_value != NULL) {
			if (decode_phrase(f->fld_data.fld_subject->sbj_value,
			    &out->subject) == -1)
				return -1;
		} else if (f->fld_type == MAILIMF_FIELD_FROM &&
		    out->from == NULL && out->from_name == NULL) {
			if (extract_from(f->fld_data.fld_from, out) == -1)
				return -1;
		}
	}
	return 0;
}

/* disposition - the part's Content-Disposition, NULL if it has none */
static const struct mailmime_disposition *
disposition(const struct mailmime *m)
{
	const struct mailmime_field	*f;
	clistiter			*it;

	if (m->mm_mime_fields == NULL)
		return NULL;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

/* is_attachment - whether the part asks not to be shown inline */
static bool
is_attachment(const struct mailmime *m)
{
	const struct mailmime_disposition	*d = disposition(m);

	return d != NULL && d->dsp_type != NULL &&
	    d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
}

/* A header's parameters as name/value pairs, whichever list they came in. */
struct params {
	const char	*name[PARAMS_MAX];
	const char	*value[PARAMS_MAX];
	size_t		 n;
};

/* params_add - one pair, if there is room (more are never legitimate) */
static void
params_add(struct params *p, const char *name, const char *value)
{
	if (name != NULL && value != NULL && p->n < PARAMS_MAX) {
		p->name[p->n] = name;
		p->value[p->n] = value;
		p->n++;
	}
}

/* type_params - the Content-Type parameters */
static void
type_params(const struct mailmime *m, struct params *p)
{
	const struct mailmime_parameter	*pa;
	clistiter			*it;

	p->n = 0;
	if (m->mm_content_type == NULL)
		return;
	for (it = clist_begin(m->mm_content_type->ct_parameters); it != NULL;
	    it = clist_next(it)) {
		pa = clist_content(it);
		params_add(p, pa->pa_name, pa->pa_value);
	}
}

/*
 * disposition_params - the Content-Disposition parameters; libetpan keeps
 * a plain filename apart, RFC 2231 forms (filename*0*=) come as generic.
 */
static void
disposition_params(const struct mailmime *m, struct params *p)
{
	const struct mailmime_disposition	*d = disposition(m);
	const struct mailmime_disposition_parm	*dp;
	clistiter				*it;

	p->n = 0;
	if (d == NULL)
		return;
	for (it = clist_begin(d->dsp_parms); it != NULL; it = clist_next(it)) {
		dp = clist_content(it);
		if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
			params_add(p, "filename", dp->pa_data.pa_filename);
		else if (dp->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER &&
		    dp->pa_data.pa_parameter != NULL)
			params_add(p, dp->pa_data.pa_parameter->pa_name,
			    dp->pa_data.pa_parameter->pa_value);
	}
}

/* params_find - the value of the parameter named name, NULL if absent */
static const char *
params_find(const struct params *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		if (strcasecmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

/* params_extended - some parameter is name*... (RFC 2231), rare in mail */
static bool
params_extended(const struct params *p, const char *name)
{
	size_t	 i, len = strlen(name);

	for (i = 0; i < p->n; i++)
		if (strncasecmp(p->name[i], name, len) == 0 &&
		    p->name[i][len] == '*')
			return true;
	return false;
}

/*
 * append_value - add one RFC 2231 value segment to out (bounded by size,
 * NUL kept): extended segments are %-encoded, and the first one carries
 * charset'language' before the text. The charset is not applied: what we
 * read (charset names, winmail.dat) is ASCII.
 */
static void
append_value(char *out, size_t size, const char *v, bool extended,
    bool first)
{
	const char	*q;
	size_t		 o = strlen(out);
	int		 hi, lo;

	if (extended && first && (q = strchr(v, '\'')) != NULL &&
	    (q = strchr(q + 1, '\'')) != NULL)
		v = q + 1;
	for (; *v != '\0' && o + 1 < size; v++) {
		if (extended && v[0] == '%' && (hi = ascii_hex(v[1])) >= 0 &&
		    (lo = ascii_hex(v[2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			v += 2;
		} else
			out[o++] = *v;
	}
	out[o] = '\0';
}

/*
 * param_get - a parameter's value as RFC 2231 defines it: name*= (%-encoded
 * with charset'language'), else the continuations name*0, name*1 ... (each
 * plain or %-encoded), else plain name=. False when absent.
 */
static bool
param_get(const struct params *p, const char *name, char *out, size_t size)
{
	char		 key[64];
	const char	*v;
	unsigned	 i;

	out[0] = '\0';
	if (params_extended(p, name)) {
		snprintf(key, sizeof(key), "%s*", name);
		if ((v = params_find(p, key)) != NULL) {
			append_value(out, size, v, true, true);
			return true;
		}
		for (i = 0; i < PARAMS_MAX; i++) {
			snprintf(key, sizeof(key), "%s*%u", name, i);
			if ((v = params_find(p, key)) != NULL)
				append_value(out, size, v, false, i == 0);
			else {
				snprintf(key, sizeof(key), "%s*%u*", name, i);
				if ((v = params_find(p, key)) == NULL)
					break;
				append_value(out, size, v, true, i == 0);
			}
		}
		if (i > 0)
			return true;
	}
	if ((v = params_find(p, name)) == NULL)
		return false;
	append_value(out, size, v, false, false);
	return true;
}

/* content_charset - the charset parameter into buf, NULL when none */
static const char *
content_charset(const struct mailmime *m, char *buf, size_t size)
{
	struct params	 p;

	type_params(m, &p);
	return param_get(&p, "charset", buf, size) && buf[0] != '\0' ?
	    buf : NULL;
}

/* find_ci - where needle is in n bytes at s, ignoring ASCII case; n: not */
static size_t
find_ci(const char *s, size_t n, const char *needle)
{
	size_t	 k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return i;
	return n;
}

/*
 * meta_charset - the charset a <meta charset=...> or <meta http-equiv ...
 * content="...; charset=..."> declares in the first bytes of an HTML part
 * (where HTML wants it), into buf; NULL when there is none.
 */
static const char *
meta_charset(const char *s, size_t n, char *buf, size_t size)
{
	size_t	 at, end, i, o = 0;

	if (n > META_SCAN)
		n = META_SCAN;
	while ((at = find_ci(s, n, "<meta")) < n) {
		s += at + 5;
		n -= at + 5;
		for (end = 0; end < n && s[end] != '>'; end++)
			continue;
		if ((at = find_ci(s, end, "charset")) < end) {
			i = at + 7;
			while (i < end && is_space(s[i]))
				i++;
			if (i < end && s[i] == '=') {
				i++;
				while (i < end && (is_space(s[i]) ||
				    s[i] == '"' || s[i] == '\''))
					i++;
				while (i < end && o + 1 < size &&
				    (ascii_alnum(s[i]) ||
				    strchr("-_.:", s[i]) != NULL))
					buf[o++] = s[i++];
				buf[o] = '\0';
				return o > 0 ? buf : NULL;
			}
		}
		s += end;
		n -= end;
	}
	return NULL;
}

/* How a single part can give us text. */
enum part_kind {
	PART_OTHER,
	PART_PLAIN,	/* text/plain, or no Content-Type at all */
	PART_HTML,
	PART_TNEF	/* application/ms-tnef, or a part named winmail.dat */
};

/* part_kind - what a single part is to us */
static enum part_kind
part_kind(const struct mailmime *m)
{
	const struct mailmime_content	*ct = m->mm_content_type;
	const struct mailmime_type	*t;
	struct params			 p;
	char				 name[64];

	if (ct == NULL)
		return PART_PLAIN;
	t = ct->ct_type;
	if (t != NULL && t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    ct->ct_subtype != NULL) {
		if (t->tp_data.tp_discrete_type->dt_type ==
		    MAILMIME_DISCRETE_TYPE_TEXT) {
			if (strcasecmp(ct->ct_subtype, "plain") == 0)
				return PART_PLAIN;
			if (strcasecmp(ct->ct_subtype, "html") == 0)
				return PART_HTML;
		}
		if (t->tp_data.tp_discrete_type->dt_type ==
		    MAILMIME_DISCRETE_TYPE_APPLICATION &&
		    (strcasecmp(ct->ct_subtype, "ms-tnef") == 0 ||
		    strcasecmp(ct->ct_subtype, "vnd.ms-tnef") == 0))
			return PART_TNEF;
	}
	type_params(m, &p);
	if (param_get(&p, "name", name, sizeof(name)) &&
	    strcasecmp(name, "winmail.dat") == 0)
		return PART_TNEF;
	disposition_params(m, &p);
	if (param_get(&p, "filename", name, sizeof(name)) &&
	    strcasecmp(name, "winmail.dat") == 0)
		return PART_TNEF;
	return PART_OTHER;
}

/* is_alternative - whether a multipart is multipart/alternative */
static bool
is_alternative(const struct mailmime *m)
{
	return m->mm_content_type != NULL &&
	    m->mm_content_type->ct_subtype != NULL &&
	    strcasecmp(m->mm_content_type->ct_subtype, "alternative") == 0;
}

/*
 * part_bytes - a single part's content, transfer-decoded: *dec (to free
 * with mailmime_decoded_part_free) or NULL when the data is used as is.
 * -1 on ENOMEM, 1 when nothing can be decoded, else 0.
 */
static int
part_bytes(const struct mailmime *part, const char **data, size_t *len,
    char **dec)
{
	const struct mailmime_data	*d = part->mm_data.mm_single;
	size_t				 idx = 0;
	int				 r;

	*dec = NULL;
	*data = "";
	*len = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 0;
	if (!d->dt_encoded) {
		*data = d->dt_data.dt_text.dt_data;
		*len = d->dt_data.dt_text.dt_length;
		return 0;
	}
	/*
	 * Tolerant by design: stray base64 characters and missing padding
	 * are skipped, a bad QP escape "=ZZ" yields NUL (which utf8_clean
	 * turns into U+FFFD).
	 */
	r = mailmime_part_parse(d->dt_data.dt_text.dt_data,
	    d->dt_data.dt_text.dt_length, &idx, d->dt_encoding, dec, len);
	if (r == MAILIMF_ERROR_MEMORY)
		return -1;
	if (r != MAILIMF_NO_ERROR) {
		*dec = NULL;
		return 1;
	}
	*data = *dec;
	return 0;
}

/*
 * unflow - RFC 3676 format=flowed text to plain lines, in place: a line
 * ending in a space continues on the next (with delsp=yes that space goes
 * too), a leading space added for stuffing goes; quoted lines and the
 * signature separator "-- " are never joined.
 */
static void
unflow(char *t, bool delsp)
{
	char	*r = t, *w = t, *eol;
	size_t	 n;
	bool	 soft;

	while (*r != '\0') {
		eol = strchr(r, '\n');
		n = eol != NULL ? (size_t)(eol - r) : strlen(r);
		if (n > 0 && r[n - 1] == '\r')
			n--;
		if (r[0] == ' ' && n > 0) {
			r++;
			n--;
		}
		/* decide before the copy: source and destination overlap */
		soft = n > 0 && r[n - 1] == ' ' && r[0] != '>' &&
		    !(n == 3 && memcmp(r, "-- ", 3) == 0);
		memmove(w, r, n);
		w += n;
		if (soft) {
			if (delsp)
				w--;
		} else if (eol != NULL)
			*w++ = '\n';
		if (eol == NULL)
			break;
		r = eol + 1;
	}
	*w = '\0';
}

/*
 * part_text - a single part's text in UTF-8 as kind says: plain converted,
 * HTML converted then rendered (its <meta> charset only when the header
 * names none, or names US-ASCII, which effective_charset distrusts too),
 * TNEF through tnef_body. *out NULL when the part holds none.
 */
static int
part_text(const struct mailmime *part, enum part_kind kind, char **out)
{
	const char	*data, *cs;
	char		*dec, *utf8;
	char		 csbuf[CHARSET_MAX], metabuf[CHARSET_MAX];
	size_t		 len;
	int		 r;

	*out = NULL;
	if ((r = part_bytes(part, &data, &len, &dec)) != 0)
		return r == 1 ? 0 : -1;
	r = 0;
	if (kind == PART_TNEF) {
		/* NULL also when the stream holds no body: not an error */
		*out = tnef_body((const unsigned char *)data, len);
		goto done;
	}
	cs = content_charset(part, csbuf, sizeof(csbuf));
	if (kind == PART_HTML && (cs == NULL || label_in(cs, ascii_labels)) &&
	    meta_charset(data, len, metabuf, sizeof(metabuf)) != NULL)
		cs = metabuf;
	if ((utf8 = to_utf8(data, len, cs, LINES_KEEP)) == NULL)
		r = -1;
	else if (kind == PART_HTML) {
		if ((*out = html_to_text(utf8, strlen(utf8))) == NULL)
			r = -1;
		free(utf8);
	} else {
		struct params	 p;
		char		 fmt[16], dsp[8];

		type_params(part, &p);
		if (param_get(&p, "format", fmt, sizeof(fmt)) &&
		    strcasecmp(fmt, "flowed") == 0)
			unflow(utf8, param_get(&p, "delsp", dsp, sizeof(dsp)) &&
			    strcasecmp(dsp, "yes") == 0);
		*out = utf8;
	}
done:
	if (dec != NULL)
		mailmime_decoded_part_free(dec);
	return r;
}

/*
 * blank - whether text shows nothing: white space, no-break spaces and
 * byte order marks only
 */
static bool
blank(const char *s)
{
	while (*s != '\0') {
		if (is_space(*s))
			s++;
		else if (strncmp(s, "\xc2\xa0", 2) == 0)
			s += 2;
		else if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		else
			return false;
	}
	return true;
}

/*
 * is_placeholder - whether a plain alternative is only the excuse bulk
 * mailers put there for HTML ("This is an HTML message" and kin); compared
 * on letters and digits alone, so case, punctuation and spacing vary freely.
 */
static bool
is_placeholder(const char *s)
{
	static const char *const excuses[] = {
		"thisisanhtmlmessage",
		"thisisanhtmlemail",
		"thismessageisinhtmlformat",
		"thisisamultipartmessageinmimeformat",
		/* the longer of two that share a start comes first */
		"youremailclientdoesnotsupporthtmlmessages",
		"youremailclientdoesnotsupporthtml",
		"toviewthismessagepleaseuseanhtmlcapableemailclient",
		"toviewthismessagepleaseuseanhtmlcompatibleemailviewer",
	};
	const size_t	 nexcuses = sizeof(excuses) / sizeof(excuses[0]);
	char		 key[PLACEHOLDER_MAX], *k;
	size_t		 n = 0, i = 0;

	for (; *s != '\0'; s++) {
		if (!ascii_alnum(*s))
			continue;
		if (n + 1 >= sizeof(key))
			return false;
		key[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
	}
	key[n] = '\0';
	/* one excuse or several in a row, and nothing else */
	for (k = key; *k != '\0'; k += strlen(excuses[i])) {
		for (i = 0; i < nexcuses; i++)
			if (strncmp(k, excuses[i], strlen(excuses[i])) == 0)
				break;
		if (i == nexcuses)
			return false;
	}
	return n > 0;
}

static int	body_of(const struct mailmime *, int, bool, char **);

/*
 * alternative_text - multipart/alternative: the plain alternative when it
 * says something, else the richest one (the last HTML part or nested
 * multipart, e.g. multipart/related around the HTML), else whatever
 * there is.
 */
static int
alternative_text(const struct mailmime *m, int depth, char **out)
{
	const struct mailmime	*c, *plain = NULL, *rich = NULL;
	clistiter		*it;
	char			*ptext = NULL, *rtext = NULL;

	*out = NULL;
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list); it != NULL;
	    it = clist_next(it)) {
		c = clist_content(it);
		if (c->mm_type == MAILMIME_SINGLE && is_attachment(c))
			continue;
		if (c->mm_type == MAILMIME_SINGLE &&
		    part_kind(c) == PART_PLAIN) {
			if (plain == NULL)
				plain = c;
		} else if (c->mm_type != MAILMIME_SINGLE ||
		    part_kind(c) == PART_HTML)
			rich = c;
	}
	if (plain != NULL && part_text(plain, PART_PLAIN, &ptext) == -1)
		return -1;
	if (ptext != NULL && !blank(ptext) && !is_placeholder(ptext)) {
		*out = ptext;
		return 0;
	}
	if (rich != NULL && body_of(rich, depth + 1, false, &rtext) == -1) {
		free(ptext);
		return -1;
	}
	if (rtext != NULL && (!blank(rtext) || ptext == NULL)) {
		free(ptext);
		*out = rtext;
	} else {
		free(rtext);
		*out = ptext;
	}
	return 0;
}

/*
 * first_text - multipart/mixed, related and the rest: the first part with
 * text in order (attachments and other types skipped), then an Outlook
 * TNEF part when nothing else speaks, then a blank text rather than none.
 */
static int
first_text(const struct mailmime *m, int depth, char **out)
{
	const struct mailmime	*c;
	clistiter		*it;
	char			*text, *empty = NULL;
	bool			 tnef = false;

	*out = NULL;
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list); it != NULL;
	    it = clist_next(it)) {
		c = clist_content(it);
		if (c->mm_type == MAILMIME_SINGLE &&
		    part_kind(c) == PART_TNEF) {
			tnef = true;
			continue;
		}
		if (body_of(c, depth + 1, false, &text) == -1)
			goto fail;
		if (text != NULL && !blank(text)) {
			free(empty);
			*out = text;
			return 0;
		}
		if (empty == NULL)
			empty = text;
		else
			free(text);
	}
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
	    tnef && it != NULL; it = clist_next(it)) {
		c = clist_content(it);
		if (c->mm_type != MAILMIME_SINGLE || part_kind(c) != PART_TNEF)
			continue;
		if (part_text(c, PART_TNEF, &text) == -1)
			goto fail;
		if (text != NULL && !blank(text)) {
			free(empty);
			*out = text;
			return 0;
		}
		free(text);
	}
	*out = empty;
	return 0;

fail:
	free(empty);
	return -1;
}

/* multipart_text - the text of a multipart, by its kind */
static int
multipart_text(const struct mailmime *m, int depth, char **out)
{
	if (is_alternative(m))
		return alternative_text(m, depth, out);
	return first_text(m, depth, out);
}

/* token_of - whether s is 1..max bytes, each ASCII alphanumeric or in extra */
static bool
token_of(const char *s, size_t max, const char *extra)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (n == max || (!ascii_alnum(s[n]) &&
		    strchr(extra, s[n]) == NULL))
			return false;
	return n > 0;
}

/*
 * bare_delimiter - where the delimiter line "--boundary" that ends a
 * multipart body (trailing white space aside) starts; 0 when the body does
 * not end in one, which is the only way libetpan loses the parts it read
 */
static size_t
bare_delimiter(const char *s, size_t n, const char *boundary)
{
	size_t	 end = n, start, blen = strlen(boundary);

	while (end > 0 && is_space(s[end - 1]))
		end--;
	for (start = end; start > 0 && s[start - 1] != '\n'; start--)
		continue;
	if (end - start != blen + 2 || memcmp(s + start, "--", 2) != 0 ||
	    memcmp(s + start + 2, boundary, blen) != 0)
		return 0;
	return start;
}

/*
 * closed_copy - multipart m as a message of its own (NUL-terminated, *len
 * bytes) in which the delimiter its body ends with is the close delimiter,
 * as it would be had the message not been cut off there. NULL when m is no
 * such multipart or its subtype or boundary would not survive being written
 * back in a header; *nomem tells ENOMEM apart.
 */
static char *
closed_copy(const struct mailmime *m, size_t *len, bool *nomem)
{
	static const char	 bchars[] = "'()+_,-./:=? ";
	const struct mailmime_data *body = m->mm_body;
	struct params		 p;
	char			 boundary[BOUNDARY_MAX + 2], *copy;
	const char		*subtype = m->mm_content_type != NULL ?
				    m->mm_content_type->ct_subtype : NULL;
	size_t			 keep, size;
	int			 k;

	*nomem = false;
	type_params(m, &p);
	if (body == NULL || body->dt_type != MAILMIME_DATA_TEXT ||
	    subtype == NULL || !token_of(subtype, SUBTYPE_MAX, "-.+_") ||
	    !param_get(&p, "boundary", boundary, sizeof(boundary)) ||
	    !token_of(boundary, BOUNDARY_MAX, bchars) ||
	    (keep = bare_delimiter(body->dt_data.dt_text.dt_data,
	    body->dt_data.dt_text.dt_length, boundary)) == 0)
		return NULL;
	size = keep + 2 * strlen(boundary) + strlen(subtype) + 64;
	if ((copy = malloc(size)) == NULL) {
		*nomem = true;
		return NULL;
	}
	k = snprintf(copy, size, "Content-Type: multipart/%s; boundary=\"%s\""
	    "\r\n\r\n", subtype, boundary);
	memcpy(copy + k, body->dt_data.dt_text.dt_data, keep);
	*len = (size_t)k + keep;
	*len += (size_t)snprintf(copy + *len, size - *len, "--%s--\r\n",
	    boundary);
	return copy;
}

/*
 * repaired_text - the text of a multipart whose parts libetpan dropped
 * because the message was cut off after a delimiter, read again from a
 * copy closed there, as mail clients read it; -1 only on ENOMEM
 */
static int
repaired_text(const struct mailmime *m, int depth, char **out)
{
	const struct mailmime	*inner;
	struct mailmime		*root = NULL;
	char			*copy;
	size_t			 len, idx = 0;
	bool			 nomem;
	int			 r;

	*out = NULL;
	if ((copy = closed_copy(m, &len, &nomem)) == NULL)
		return nomem ? -1 : 0;
	r = mailmime_parse(copy, len, &idx, &root);
	if (r != MAILIMF_NO_ERROR) {
		free(copy);
		return r == MAILIMF_ERROR_MEMORY ? -1 : 0;
	}
	inner = root->mm_type == MAILMIME_MESSAGE ?
	    root->mm_data.mm_message.mm_msg_mime : NULL;
	r = 0;
	if (inner != NULL && inner->mm_type == MAILMIME_MULTIPLE &&
	    !clist_isempty(inner->mm_data.mm_multipart.mm_mp_list))
		r = multipart_text(inner, depth + REPAIR_DEPTH, out);
	mailmime_free(root);
	free(copy);
	return r;
}

/*
 * body_of - the text a part contributes, UTF-8, *out NULL when none; -1
 * only on ENOMEM. tnef says whether a TNEF part may speak here (a whole
 * message that is one, or first_text's last resort).
 */
static int
body_of(const struct mailmime *m, int depth, bool tnef, char **out)
{
	enum part_kind	 kind;

	*out = NULL;
	if (m == NULL || depth > MIME_MAX_DEPTH)
		return 0;
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		kind = part_kind(m);
		if ((kind == PART_PLAIN || kind == PART_HTML) &&
		    !is_attachment(m))
			return part_text(m, kind, out);
		if (kind == PART_TNEF && tnef)
			return part_text(m, kind, out);
		return 0;
	case MAILMIME_MULTIPLE:
		if (clist_isempty(m->mm_data.mm_multipart.mm_mp_list))
			return repaired_text(m, depth, out);
		return multipart_text(m, depth, out);
	case MAILMIME_MESSAGE:
		/* a forwarded message's text; its headers are not ours */
		return body_of(m->mm_data.mm_message.mm_msg_mime, depth + 1,
		    tnef, out);
	default:
		return 0;
	}
}

/*
 * cached_charconv - libetpan's conversion hook, for bodies and RFC 2047
 * words alike: our converter keeps iconv handles open (opening one cost
 * more than converting a whole mail part). A pair iconv does not know goes
 * back to libetpan's own conversion.
 */
static int
cached_charconv(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	enum charset_result	 r;

	/* to UTF-8 is reading mail: a label that lies is seen through */
	if (strcasecmp(tocode, "utf-8") == 0)
		r = charset_decode(fromcode, str, length, result, result_len);
	else
		r = charset_convert(tocode, fromcode, str, length, result,
		    result_len);
	switch (r) {
	case CHARSET_OK:
		return MAIL_CHARCONV_NO_ERROR;
	case CHARSET_UNKNOWN:
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	case CHARSET_NOMEM:
		return MAIL_CHARCONV_ERROR_MEMORY;
	default:
		return MAIL_CHARCONV_ERROR_CONV;
	}
}

/* mime_init - install the cached converter (idempotent) */
static void
mime_init(void)
{
	extended_charconv = cached_charconv;
}

/* mime_selftest - 0 when charset conversion works (checked at start-up) */
int
mime_selftest(void)
{
	static const char	 cp1252[] = "\x80 \xe9\x9c";
	static const char	 want[] = "\xe2\x82\xac \xc3\xa9\xc5\x93";
	char			*conv;
	size_t			 convlen;
	int			 ok;

	mime_init();
	if (charconv_buffer("utf-8", "windows-1252", cp1252,
	    sizeof(cp1252) - 1, &conv, &convlen) != MAIL_CHARCONV_NO_ERROR)
		return -1;
	ok = convlen == sizeof(want) - 1 && memcmp(conv, want, convlen) == 0;
	charconv_buffer_free(conv);
	return ok ? 0 : -1;
}

/*
 * header_line - whether p[0..n) starts with a header field name and its
 * colon (printable ASCII up to the colon, as RFC 5322 has it)
 */
static bool
header_line(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != ':'; i++)
		continue;
	return i > 0 && i < n && p[i] == ':';
}

/*
 * mbox_from_line - the length of the "From " line (LF included) that starts
 * a message saved from a mailbox, 0 if raw has none: "From ", the envelope
 * sender (or "-"), then a ctime date (RFC 4155) starting with its weekday,
 * and a header on the next line. So "From:" and the obsolete "From :" are
 * headers, and a header-less body opening with "From the warehouse" stays.
 */
static size_t
mbox_from_line(const char *raw, size_t len)
{
	static const char *const days[] = {
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
	};
	const char	*nl;
	size_t		 i, k, end;

	if (len < 5 || memcmp(raw, "From ", 5) != 0 ||
	    (nl = memchr(raw, '\n', len)) == NULL)
		return 0;
	end = (size_t)(nl - raw) + 1;
	for (i = 5; i < end && raw[i] == ' '; i++)
		continue;
	if (i < end && raw[i] == ':')
		return 0;
	for (k = i; k < end && raw[k] != ' ' && raw[k] != '\n'; k++)
		continue;
	if (k == i)
		return 0;
	while (k < end && raw[k] == ' ')
		k++;
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		if (end - k > 4 && memcmp(raw + k, days[i], 3) == 0 &&
		    (raw[k + 3] == ' ' || raw[k + 3] == ','))
			return header_line(raw + end, len - end) ? end : 0;
	return 0;
}

/*
 * mbox_unquote - n bytes of a message read from an mboxrd mailbox into out,
 * without the quoting its writer added: a line starting ">From ",
 * ">>From " ... loses one '>'. Returns the bytes written, at most n.
 */
static size_t
mbox_unquote(const char *s, size_t n, char *out)
{
	size_t	 i, k, o = 0;
	bool	 line_start = true;

	for (i = 0; i < n; i++) {
		if (line_start && s[i] == '>') {
			for (k = i; k < n && s[k] == '>'; k++)
				continue;
			if (n - k >= 5 && memcmp(s + k, "From ", 5) == 0)
				i++;
		}
		out[o++] = s[i];
		line_start = s[i] == '\n';
	}
	return o;
}

/* mime_extract - fill *out; -1 only if the message cannot be parsed at all */
int
mime_extract(const char *raw, size_t len, struct mime_text *out)
{
	struct mailmime		*root = NULL;
	char			*buf;
	size_t			 idx = 0, from_line;

	memset(out, 0, sizeof(*out));
	mime_init();
	/*
	 * Our own terminated copy: raw need not be terminated, and the tree
	 * points into the copy until mailmime_free(). A message saved from
	 * a mailbox is copied without its mailbox framing.
	 */
	if (len == SIZE_MAX || (buf = malloc(len + 1)) == NULL)
		return -1;
	if ((from_line = mbox_from_line(raw, len)) > 0)
		len = mbox_unquote(raw + from_line, len - from_line, buf);
	else if (len)
		memcpy(buf, raw, len);
	buf[len] = '\0';
	if (mailmime_parse(buf, len, &idx, &root) != MAILIMF_NO_ERROR) {
		free(buf);
		return -1;
	}
	if (root->mm_type == MAILMIME_MESSAGE &&
	    extract_headers(root->mm_data.mm_message.mm_fields, out) == -1)
		goto fail;
	if (body_of(root, 0, true, &out->body) == -1)
		goto fail;
	mailmime_free(root);
	free(buf);
	return 0;

fail:
	mailmime_free(root);
	free(buf);
	mime_text_free(out);
	return -1;
}

/* mime_text_free - release the strings, leaving an empty struct */
void
mime_text_free(struct mime_text *t)
{
	free(t->subject);
	free(t->body);
	free(t->from);
	free(t->from_name);
	memset(t, 0, sizeof(*t));
}

/* header_end - the length of the header section with its empty line */
static size_t
header_end(const char *raw, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (raw[i] == '\n' && (i + 1 == len || raw[i + 1] == '\n' ||
		    (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')))
			return i + 1;
	return len;
}

/* originator_add - one mailbox of header into out; -1 out of memory */
static int
originator_add(struct mime_originators *out, const char *header,
    const struct mailimf_mailbox *mb)
{
	char	*addr;

	if (mb->mb_addr_spec == NULL) {
		out->unreadable = 1;
		return 0;
	}
	if ((addr = utf8_clean(mb->mb_addr_spec, strlen(mb->mb_addr_spec),
	    LINES_UNFOLD)) == NULL)
		return -1;
	if (array_grow(&out->v, &out->cap, out->n, sizeof(*out->v), 4) == -1) {
		free(addr);
		return -1;
	}
	out->v[out->n].header = header;
	out->v[out->n++].addr = addr;
	return 0;
}

/*
 * originator_field - a From: or Sender: field into out. One libetpan could
 * not read (a group, a bad fold) stays an optional field of that name: it
 * is counted as unreadable, since nobody can say whose it is.
 */
static int
originator_field(const struct mailimf_field *f, struct mime_originators *out)
{
	const struct mailimf_mailbox_list *list;
	const char	*name;
	clistiter	*it;

	switch (f->fld_type) {
	case MAILIMF_FIELD_FROM:
		out->nfrom++;
		list = f->fld_data.fld_from->frm_mb_list;
		if (list == NULL || clist_begin(list->mb_list) == NULL)
			out->unreadable = 1;
		for (it = list != NULL ? clist_begin(list->mb_list) : NULL;
		    it != NULL; it = clist_next(it))
			if (originator_add(out, "From", clist_content(it)) == -1)
				return -1;
		return 0;
	case MAILIMF_FIELD_SENDER:
		return originator_add(out, "Sender",
		    f->fld_data.fld_sender->snd_mb);
	case MAILIMF_FIELD_OPTIONAL_FIELD:
		name = f->fld_data.fld_optional_field->fld_name;
		if (strcasecmp(name, "From") == 0)
			out->nfrom++;
		if (strcasecmp(name, "From") == 0 ||
		    strcasecmp(name, "Sender") == 0)
			out->unreadable = 1;
		return 0;
	default:
		return 0;
	}
}

/* mime_originators - From: and Sender: mailboxes of the outer header */
int
mime_originators(const char *raw, size_t len, struct mime_originators *out)
{
	struct mailimf_fields	*fields = NULL;
	clistiter		*it;
	char			*buf;
	size_t			 idx = 0;
	int			 rc = 0;

	memset(out, 0, sizeof(*out));
	/* the header alone, terminated: raw need not be */
	len = header_end(raw, len);
	if ((buf = malloc(len + 1)) == NULL)
		return -1;
	if (len)
		memcpy(buf, raw, len);
	buf[len] = '\0';
	if (mailimf_envelope_and_optional_fields_parse(buf, len, &idx,
	    &fields) != MAILIMF_NO_ERROR)
		out->unreadable = 1;
	for (it = fields != NULL ? clist_begin(fields->fld_list) : NULL;
	    it != NULL && rc == 0; it = clist_next(it))
		rc = originator_field(clist_content(it), out);
	if (fields != NULL)
		mailimf_fields_free(fields);
	free(buf);
	if (rc == -1)
		mime_originators_free(out);
	return rc;
}

/* mime_originators_free - release the addresses, leaving an empty struct */
void
mime_originators_free(struct mime_originators *o)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		free(o->v[i].addr);
	free(o->v);
	memset(o, 0, sizeof(*o));
}
