/*
 * mime.c - the only file that speaks libetpan: parse a raw message, pick its
 * first text/plain part, decode it to UTF-8, and decode Subject and From.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "sms/mime.h"

/*
 * libetpan's own parser bounds nothing; our walk does, so a message built
 * to nest thousands of levels costs stack only inside the parser.
 */
#define MIME_MAX_DEPTH	32

/* How line breaks are treated when text is made valid UTF-8. */
enum line_mode {
	LINES_KEEP,	/* bodies: CRLF and lone CR become LF */
	LINES_UNFOLD	/* header values: CR and LF vanish (unfolding) */
};

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* utf8_seq_len - length of the valid UTF-8 sequence at s, 0 if invalid */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		/* reject overlong forms and UTF-16 surrogates */
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		/* reject overlong forms and code points above U+10FFFF */
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

/* utf8_valid - whether n bytes at s are entirely well-formed UTF-8 */
static bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < n) {
		if ((k = utf8_seq_len(p + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
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
		k = p[i] == '\0' ? 0 : utf8_seq_len(p + i, n - i);
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
	static const char *const ascii[] = {
		"us-ascii", "ascii", "ansi_x3.4-1968", NULL
	};
	static const char *const utf8[] = { "utf-8", "utf8", NULL };
	static const char *const latin1[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", NULL
	};

	if (charset == NULL || *charset == '\0' || label_in(charset, ascii))
		return guess_charset(s, n);
	if (label_in(charset, utf8))
		return "utf-8";
	if (label_in(charset, latin1))
		return "windows-1252";
	return charset;
}

/*
 * to_utf8 - n bytes in charset (NULL: unlabelled) as clean UTF-8. Unknown
 * labels fall back to the unlabelled guess. Bytes iconv cannot map in a
 * non-UTF-8 charset come out as '?': libetpan's converter substitutes them.
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

/* is_attachment - whether the part asks not to be shown inline */
static bool
is_attachment(const struct mailmime *m)
{
	const struct mailmime_field	*f;
	clistiter			*it;

	if (m->mm_mime_fields == NULL)
		return false;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
		    f->fld_data.fld_disposition->dsp_type != NULL &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			return true;
	}
	return false;
}

/* is_text_plain - whether a single part is text/plain (the default type) */
static bool
is_text_plain(const struct mailmime *m)
{
	const struct mailmime_content	*ct = m->mm_content_type;

	if (ct == NULL)
		return true;
	return ct->ct_type != NULL &&
	    ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    ct->ct_type->tp_data.tp_discrete_type->dt_type ==
	    MAILMIME_DISCRETE_TYPE_TEXT &&
	    ct->ct_subtype != NULL && strcasecmp(ct->ct_subtype, "plain") == 0;
}

/* content_charset - the charset parameter, NULL when there is none */
static const char *
content_charset(const struct mailmime *m)
{
	const struct mailmime_parameter	*pa;
	clistiter			*it;

	if (m->mm_content_type == NULL)
		return NULL;
	for (it = clist_begin(m->mm_content_type->ct_parameters); it != NULL;
	    it = clist_next(it)) {
		pa = clist_content(it);
		if (pa->pa_name != NULL &&
		    strcasecmp(pa->pa_name, "charset") == 0)
			return pa->pa_value;
	}
	return NULL;
}

/*
 * find_text - the first inline text/plain part, depth first, so the plain
 * alternative wins and a forwarded message/rfc822 is searched in order.
 */
static const struct mailmime *
find_text(const struct mailmime *m, int depth)
{
	const struct mailmime	*found;
	clistiter		*it;

	if (m == NULL || depth > MIME_MAX_DEPTH)
		return NULL;
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		return is_text_plain(m) && !is_attachment(m) ? m : NULL;
	case MAILMIME_MULTIPLE:
		for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it))
			if ((found = find_text(clist_content(it),
			    depth + 1)) != NULL)
				return found;
		return NULL;
	case MAILMIME_MESSAGE:
		return find_text(m->mm_data.mm_message.mm_msg_mime, depth + 1);
	default:
		return NULL;
	}
}

/* extract_body - the chosen part, transfer-decoded and converted */
static int
extract_body(const struct mailmime *part, struct mime_text *out)
{
	const struct mailmime_data	*d = part->mm_data.mm_single;
	char				*dec;
	size_t				 declen, idx = 0;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return (out->body = strdup("")) == NULL ? -1 : 0;
	if (!d->dt_encoded)
		out->body = to_utf8(d->dt_data.dt_text.dt_data,
		    d->dt_data.dt_text.dt_length, content_charset(part),
		    LINES_KEEP);
	else {
		/*
		 * Tolerant by design: stray base64 characters and missing
		 * padding are skipped, a bad QP escape "=ZZ" yields NUL
		 * (which utf8_clean turns into U+FFFD).
		 */
		if (mailmime_part_parse(d->dt_data.dt_text.dt_data,
		    d->dt_data.dt_text.dt_length, &idx, d->dt_encoding, &dec,
		    &declen) != MAILIMF_NO_ERROR)
			return -1;
		out->body = to_utf8(dec, declen, content_charset(part),
		    LINES_KEEP);
		mailmime_decoded_part_free(dec);
	}
	return out->body == NULL ? -1 : 0;
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

	if (charconv_buffer("utf-8", "windows-1252", cp1252,
	    sizeof(cp1252) - 1, &conv, &convlen) != MAIL_CHARCONV_NO_ERROR)
		return -1;
	ok = convlen == sizeof(want) - 1 && memcmp(conv, want, convlen) == 0;
	charconv_buffer_free(conv);
	return ok ? 0 : -1;
}

/* mime_extract - fill *out; -1 only if the message cannot be parsed at all */
int
mime_extract(const char *raw, size_t len, struct mime_text *out)
{
	struct mailmime		*root = NULL;
	const struct mailmime	*part;
	char			*buf;
	size_t			 idx = 0;

	memset(out, 0, sizeof(*out));
	/*
	 * Our own terminated copy: raw need not be terminated, and the tree
	 * points into the copy until mailmime_free().
	 */
	if (len == SIZE_MAX || (buf = malloc(len + 1)) == NULL)
		return -1;
	if (len)
		memcpy(buf, raw, len);
	buf[len] = '\0';
	if (mailmime_parse(buf, len, &idx, &root) != MAILIMF_NO_ERROR) {
		free(buf);
		return -1;
	}
	if (root->mm_type == MAILMIME_MESSAGE &&
	    extract_headers(root->mm_data.mm_message.mm_fields, out) == -1)
		goto fail;
	if ((part = find_text(root, 0)) != NULL &&
	    extract_body(part, out) == -1)
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
