/*
 * http.c - the HTTP provider backend: one request per SMS built from the
 * configured templates, run on the shared curl multi, answer classified.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/transport/backend.h"
#include "sms/transport/curlev.h"
#include "sms/transport/http.h"

#define TWILIO_URL \
	"https://api.twilio.com/2010-04-01/Accounts/{user}/Messages.json"

/*
 * Twilio: invalid To, To not reachable, region not enabled, unsubscribed,
 * not a mobile number, blocked: resending cannot help.
 */
static const long twilio_permanent[] = {
	21211, 21214, 21408, 21610, 21612, 21614
};

/* the Twilio codes that say the number itself cannot receive SMS */
static const long twilio_invalid_number[] = { 21211, 21214, 21612, 21614 };

static const struct kv generic_fields[] = {
	{ "to", "{to}" }, { "from", "{from}" }, { "text", "{text}" },
};
static const struct kv twilio_fields[] = {
	{ "To", "{to}" }, { "From", "{from}" }, { "Body", "{text}" },
};

enum placeholder {
	PH_TO, PH_TO_DIGITS, PH_FROM, PH_TEXT, PH_REF, PH_PARTS, PH_ENCODING,
	PH_USER, PH_COUNT
};

static const char *const ph_names[PH_COUNT] = {
	"to", "to_digits", "from", "text", "ref", "parts", "encoding", "user",
};

/* text_finish - the text built in b, or NULL (errno ENOMEM) if it failed */
static char *
text_finish(struct buf *b)
{
	if (b->failed) {
		buf_free(b);
		errno = ENOMEM;
		return NULL;
	}
	if (b->s == NULL)
		return strdup("");
	return b->s;
}

/* add_escaped - percent-encode but RFC 3986 unreserved; form: ' ' as '+' */
static void
add_escaped(struct buf *b, const char *s, size_t n, int form)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	char			 enc[3];
	size_t			 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (ascii_alnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			buf_add(b, &s[i], 1);
		else if (form && c == ' ')
			buf_add(b, "+", 1);
		else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			buf_add(b, enc, 3);
		}
	}
}

/*
 * ph_scan - at a '{': the placeholder's index and length (*skip), -1 for
 * an unknown name, -2 if this '{' opens no placeholder and is literal.
 */
static int
ph_scan(const char *p, size_t *skip)
{
	size_t	 n = 0;
	int	 i;

	while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || p[1 + n] == '_')
		n++;
	if (n == 0 || p[1 + n] != '}')
		return -2;
	*skip = n + 2;
	for (i = 0; i < PH_COUNT; i++)
		if (strlen(ph_names[i]) == n &&
		    memcmp(ph_names[i], p + 1, n) == 0)
			return i;
	return -1;
}

/* ph_value - the text a placeholder stands for; num holds {parts} */
static const char *
ph_value(int ph, const struct http_vars *v, char *num, size_t numlen)
{
	const char	*s = NULL;

	switch (ph) {
	case PH_TO:
		s = v->to;
		break;
	case PH_TO_DIGITS:
		s = v->to;
		if (s != NULL && *s == '+')
			s++;
		break;
	case PH_FROM:
		s = v->from;
		break;
	case PH_TEXT:
		s = v->text;
		break;
	case PH_REF:
		s = v->ref;
		break;
	case PH_PARTS:
		snprintf(num, numlen, "%u", v->parts);
		s = num;
		break;
	case PH_ENCODING:
		s = v->encoding;
		break;
	case PH_USER:
		s = v->user;
		break;
	}
	return s == NULL ? "" : s;
}

/* http_template_check - reject templates naming placeholders we do not know */
int
http_template_check(const char *tmpl, char *err, size_t errlen)
{
	const char	*p;
	size_t		 skip;

	for (p = tmpl; *p != '\0'; p++) {
		if (*p != '{')
			continue;
		skip = 0;
		if (ph_scan(p, &skip) == -1) {
			snprintf(err, errlen, "unknown placeholder %.*s",
			    (int)skip, p);
			return -1;
		}
	}
	return 0;
}

/* http_expand - replace placeholders, escaping their values as asked */
char *
http_expand(const char *tmpl, const struct http_vars *v, enum http_escape esc)
{
	struct buf	 text = { 0 };
	const char	*p, *val;
	char		 num[16];
	size_t		 skip;
	int		 ph;

	for (p = tmpl; *p != '\0'; ) {
		if (*p != '{' || (ph = ph_scan(p, &skip)) == -2) {
			buf_add(&text, p++, 1);
			continue;
		}
		if (ph == -1) {
			buf_free(&text);
			errno = EINVAL;
			return NULL;
		}
		val = ph_value(ph, v, num, sizeof(num));
		if (esc == HTTP_ESCAPE_URL)
			add_escaped(&text, val, strlen(val), 0);
		else
			buf_add(&text, val, strlen(val));
		p += skip;
	}
	return text_finish(&text);
}

/* http_form_encode - one key or value of an x-www-form-urlencoded body */
char *
http_form_encode(const char *s, size_t len)
{
	struct buf	 text = { 0 };

	add_escaped(&text, s, len, 1);
	return text_finish(&text);
}

/* json_value - a JSON string, or EILSEQ when s is not UTF-8 */
static json_t *
json_value(const char *s)
{
	json_t	*j, *raw;

	if ((j = json_string(s)) != NULL)
		return j;
	/* jansson says NULL for bad UTF-8 and for no memory: which one? */
	if ((raw = json_string_nocheck(s)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	json_decref(raw);
	errno = EILSEQ;
	return NULL;
}

/* http_body_json - {"field":"value",...}; {parts} alone becomes a number */
static char *
http_body_json(const struct http_conf *hc, const struct http_vars *v)
{
	json_t	*obj, *j;
	char	*val, *out;
	size_t	 i;
	int	 saved;

	if ((obj = json_object()) == NULL)
		return NULL;
	for (i = 0; i < hc->nfields; i++) {
		if ((val = http_expand(hc->fields[i].value, v,
		    HTTP_ESCAPE_NONE)) == NULL)
			goto fail;
		if (*val == '\0') {
			free(val);
			continue;
		}
		if (strcmp(hc->fields[i].value, "{parts}") == 0)
			j = json_integer(v->parts);
		else
			j = json_value(val);
		free(val);
		if (j == NULL)
			goto fail;
		if (json_object_set_new(obj, hc->fields[i].key, j) == -1) {
			errno = EILSEQ;
			goto fail;
		}
	}
	out = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (out == NULL)
		errno = ENOMEM;
	return out;
fail:
	saved = errno;
	json_decref(obj);
	errno = saved;
	return NULL;
}

/* http_body_form - key=value&...; keys and values form-encoded */
static char *
http_body_form(const struct http_conf *hc, const struct http_vars *v)
{
	struct buf	 text = { 0 };
	char		*val;
	size_t		 i;

	for (i = 0; i < hc->nfields; i++) {
		if ((val = http_expand(hc->fields[i].value, v,
		    HTTP_ESCAPE_NONE)) == NULL) {
			buf_free(&text);
			return NULL;
		}
		if (*val != '\0') {
			if (text.len > 0)
				buf_add(&text, "&", 1);
			add_escaped(&text, hc->fields[i].key,
			    strlen(hc->fields[i].key), 1);
			buf_add(&text, "=", 1);
			add_escaped(&text, val, strlen(val), 1);
		}
		free(val);
	}
	return text_finish(&text);
}

/* http_body - the request body in the configured format */
char *
http_body(const struct http_conf *hc, const struct http_vars *v, size_t *len)
{
	char	*body;

	if (hc->format == HTTP_FORMAT_FORM)
		body = http_body_form(hc, v);
	else
		body = http_body_json(hc, v);
	if (body != NULL)
		*len = strlen(body);
	return body;
}

/* copy_str - *dst = strdup(src, else dflt); NULL stays NULL; -1 if no memory */
static int
copy_str(char **dst, const char *src, const char *dflt)
{
	if (src == NULL)
		src = dflt;
	*dst = NULL;
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

/* copy_codes - a copy of n codes */
static int
copy_codes(long **dst, size_t *dstn, const long *src, size_t n)
{
	*dst = NULL;
	*dstn = 0;
	if (n == 0)
		return 0;
	if ((*dst = calloc(n, sizeof(**dst))) == NULL)
		return -1;
	memcpy(*dst, src, n * sizeof(**dst));
	*dstn = n;
	return 0;
}

/* copy_fields - a deep copy of n body fields */
static int
copy_fields(struct http_conf *out, const struct kv *src, size_t n)
{
	size_t	 i;

	if ((out->fields = calloc(n, sizeof(*out->fields))) == NULL)
		return -1;
	for (; out->nfields < n; out->nfields++) {
		i = out->nfields;
		if ((out->fields[i].key = strdup(src[i].key)) == NULL)
			return -1;
		if ((out->fields[i].value = strdup(src[i].value)) == NULL) {
			free(out->fields[i].key);
			return -1;
		}
	}
	return 0;
}

/* copy_headers - a deep copy of the extra headers */
static int
copy_headers(struct http_conf *out, char *const *src, size_t n)
{
	if (n == 0)
		return 0;
	if ((out->headers = calloc(n, sizeof(*out->headers))) == NULL)
		return -1;
	for (; out->nheaders < n; out->nheaders++)
		if ((out->headers[out->nheaders] = strdup(src[out->nheaders]))
		    == NULL)
			return -1;
	return 0;
}

/* check_templates - every template names only placeholders we know */
static int
check_templates(const struct http_conf *hc, char *err, size_t errlen)
{
	char	 why[96];
	size_t	 i;

	if (http_template_check(hc->url, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "backend.url: %s", why);
		return -1;
	}
	for (i = 0; i < hc->nfields; i++) {
		if (http_template_check(hc->fields[i].value, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "backend.fields.%s: %s",
			    hc->fields[i].key, why);
			return -1;
		}
	}
	for (i = 0; i < hc->nheaders; i++) {
		if (strchr(hc->headers[i], ':') == NULL) {
			snprintf(err, errlen, "backend.headers: \"%s\" is not "
			    "\"Name: value\"", hc->headers[i]);
			return -1;
		}
		if (http_template_check(hc->headers[i], why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "backend.headers: %s", why);
			return -1;
		}
	}
	return 0;
}

/* http_conf_resolve - apply the profile, copy, and validate */
int
http_conf_resolve(const struct http_conf *in, struct http_conf *out,
    char *err, size_t errlen)
{
	const char	*profile;
	int		 twilio;

	memset(out, 0, sizeof(*out));
	profile = in->profile != NULL ? in->profile : "generic";
	if (strcmp(profile, "twilio") == 0)
		twilio = 1;
	else if (strcmp(profile, "generic") == 0)
		twilio = 0;
	else {
		snprintf(err, errlen, "backend.profile: unknown profile \"%s\" "
		    "(generic or twilio)", profile);
		return -1;
	}
	if (!twilio && in->url == NULL) {
		snprintf(err, errlen, "backend.url is required for the generic "
		    "profile");
		return -1;
	}
	out->format = twilio ? HTTP_FORMAT_FORM : in->format;
	out->auth = in->auth;
	if (twilio && out->auth == HTTP_AUTH_NONE)
		out->auth = HTTP_AUTH_BASIC;
	out->timeout = in->timeout > 0 ? in->timeout : 30;
	out->max_connections = in->max_connections > 0 ?
	    in->max_connections : 16;
	if (copy_str(&out->profile, profile, NULL) == -1 ||
	    copy_str(&out->url, in->url, TWILIO_URL) == -1 ||
	    copy_str(&out->method, in->method, "POST") == -1 ||
	    copy_str(&out->user, in->user, NULL) == -1 ||
	    copy_str(&out->password, in->password, NULL) == -1 ||
	    copy_str(&out->token, in->token, NULL) == -1 ||
	    copy_str(&out->id_field, in->id_field,
	    twilio ? "sid" : "id") == -1 ||
	    copy_str(&out->code_field, in->code_field, "code") == -1 ||
	    copy_str(&out->message_field, in->message_field, "message") == -1 ||
	    copy_headers(out, in->headers, in->nheaders) == -1 ||
	    copy_codes(&out->temporary_codes, &out->ntemporary_codes,
	    in->temporary_codes, in->ntemporary_codes) == -1)
		goto nomem;
	if (in->nfields > 0) {
		if (copy_fields(out, in->fields, in->nfields) == -1)
			goto nomem;
	} else if (copy_fields(out, twilio ? twilio_fields : generic_fields,
	    3) == -1)
		goto nomem;
	if (in->npermanent_codes > 0 || !twilio) {
		if (copy_codes(&out->permanent_codes, &out->npermanent_codes,
		    in->permanent_codes, in->npermanent_codes) == -1)
			goto nomem;
	} else if (copy_codes(&out->permanent_codes, &out->npermanent_codes,
	    twilio_permanent, sizeof(twilio_permanent) /
	    sizeof(twilio_permanent[0])) == -1)
		goto nomem;
	if (in->invalid_number_codes != NULL || !twilio) {
		if (copy_codes(&out->invalid_number_codes,
		    &out->ninvalid_number_codes, in->invalid_number_codes,
		    in->ninvalid_number_codes) == -1)
			goto nomem;
	} else if (copy_codes(&out->invalid_number_codes,
	    &out->ninvalid_number_codes, twilio_invalid_number,
	    sizeof(twilio_invalid_number) / sizeof(twilio_invalid_number[0])) == -1)
		goto nomem;
	if (out->auth == HTTP_AUTH_BASIC && out->user == NULL) {
		snprintf(err, errlen, "backend.user is required for basic "
		    "auth%s", twilio ? " (the Twilio account SID)" : "");
		goto fail;
	}
	if (out->auth == HTTP_AUTH_BEARER && out->token == NULL) {
		snprintf(err, errlen, "backend.token is required for bearer "
		    "auth");
		goto fail;
	}
	if (check_templates(out, err, errlen) == -1)
		goto fail;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	http_conf_clear(out);
	return -1;
}

/* http_conf_clear - release a resolved configuration */
void
http_conf_clear(struct http_conf *hc)
{
	size_t	 i;

	free(hc->profile);
	free(hc->url);
	free(hc->method);
	for (i = 0; i < hc->nfields; i++) {
		free(hc->fields[i].key);
		free(hc->fields[i].value);
	}
	free(hc->fields);
	for (i = 0; i < hc->nheaders; i++)
		free(hc->headers[i]);
	free(hc->headers);
	free(hc->user);
	free(hc->password);
	free(hc->token);
	free(hc->id_field);
	free(hc->code_field);
	free(hc->message_field);
	free(hc->permanent_codes);
	free(hc->temporary_codes);
	free(hc->invalid_number_codes);
	memset(hc, 0, sizeof(*hc));
}

/*
 * json_path - the member a dotted path names ("id", "error.message",
 * "messages.0.id"); numeric parts index arrays.
 */
static json_t *
json_path(json_t *j, const char *path)
{
	char		 part[128];
	const char	*p = path;
	char		*end;
	size_t		 n;
	unsigned long	 idx;

	while (j != NULL && *p != '\0') {
		n = strcspn(p, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		if (*p == '.')
			p++;
		if (json_is_object(j))
			j = json_object_get(j, part);
		else if (json_is_array(j) && n > 0 && part[0] >= '0' &&
		    part[0] <= '9') {
			errno = 0;
			idx = strtoul(part, &end, 10);
			if (*end != '\0' || errno != 0)
				return NULL;
			j = json_array_get(j, idx);
		} else
			return NULL;
	}
	return j;
}

/*
 * put_clean - append s[0..n) to out[pos..max) as printable ASCII: runs of
 * whitespace and controls become one space, quotes become apostrophes (the
 * text ends up in quoted log fields and DSNs), each UTF-8 character a '?'.
 */
static size_t
put_clean(char *out, size_t pos, size_t max, const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n && pos < max; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80 && c < 0xc0)
			continue;
		if (c < 0x20 || c == 0x7f) {
			if (pos > 0 && out[pos - 1] != ' ')
				out[pos++] = ' ';
			continue;
		}
		if (c == ' ' && pos > 0 && out[pos - 1] == ' ')
			continue;
		if (c >= 0x80)
			c = '?';
		else if (c == '"')
			c = '\'';
		else if (c == '\\')
			c = '/';
		out[pos++] = (char)c;
	}
	return pos;
}

/* in_codes - is code one of v[0..n)? */
static int
in_codes(const long *v, size_t n, long code)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i] == code)
			return 1;
	return 0;
}

/* json_code - the provider code as number (if it is one) and as text */
static int
json_code(json_t *j, long *code, char *text, size_t textlen)
{
	const char	*s;
	char		*end;
	size_t		 n;

	*text = '\0';
	if (json_is_integer(j)) {
		*code = (long)json_integer_value(j);
		snprintf(text, textlen, "%ld", *code);
		return 1;
	}
	if (!json_is_string(j) || json_string_length(j) == 0)
		return 0;
	s = json_string_value(j);
	n = put_clean(text, 0, textlen - 1, s, json_string_length(j));
	text[n] = '\0';
	errno = 0;
	*code = strtol(s, &end, 10);
	return *end == '\0' && errno == 0 && (size_t)(end - s) ==
	    json_string_length(j);
}

/* outcome_reason - "HTTP 400: message (code 21211)" within HTTP_REASON_MAX */
static void
outcome_reason(struct http_outcome *o, long status, const char *msg,
    size_t msglen, const char *code)
{
	char	 prefix[32], suffix[64];
	size_t	 pos, room;

	snprintf(prefix, sizeof(prefix), "HTTP %ld", status);
	suffix[0] = '\0';
	if (code != NULL && *code != '\0')
		snprintf(suffix, sizeof(suffix), " (code %s)", code);
	pos = put_clean(o->reason, 0, HTTP_REASON_MAX, prefix, strlen(prefix));
	room = HTTP_REASON_MAX - strlen(suffix);
	if (msg != NULL && msglen > 0 && pos + 2 < room) {
		pos = put_clean(o->reason, pos, room, ": ", 2);
		pos = put_clean(o->reason, pos, room, msg, msglen);
		while (pos > 0 && o->reason[pos - 1] == ' ')
			pos--;
	}
	pos = put_clean(o->reason, pos, HTTP_REASON_MAX, suffix,
	    strlen(suffix));
	o->reason[pos] = '\0';
}

/* outcome_id - the provider's message id, a string or a number */
static void
outcome_id(struct http_outcome *o, json_t *j)
{
	char	 num[64];
	size_t	 n = 0;

	if (json_is_string(j))
		n = put_clean(o->provider_id, 0, HTTP_ID_MAX,
		    json_string_value(j), json_string_length(j));
	else if (json_is_integer(j)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(j));
		n = put_clean(o->provider_id, 0, HTTP_ID_MAX, num, strlen(num));
	} else if (json_is_real(j)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(j));
		n = put_clean(o->provider_id, 0, HTTP_ID_MAX, num, strlen(num));
	}
	o->provider_id[n] = '\0';
}

/* http_classify - the verdict on one response, by status first, then body */
void
http_classify(const struct http_conf *hc, const struct http_response *r,
    struct http_outcome *o)
{
	json_t		*root = NULL, *msgj;
	const char	*msg = NULL, *err;
	char		 codetext[40];
	size_t		 msglen = 0, pos;
	long		 code = 0, st = r->status;
	int		 numeric = 0;

	memset(o, 0, sizeof(*o));
	o->result = SMS_TEMPFAIL;
	if (r->truncated) {
		outcome_reason(o, st, "response larger than 65536 bytes",
		    32, NULL);
		return;
	}
	if (r->result != CURLE_OK) {
		err = r->error != NULL && *r->error != '\0' ? r->error :
		    curl_easy_strerror(r->result);
		pos = put_clean(o->reason, 0, HTTP_REASON_MAX, "curl: ", 6);
		pos = put_clean(o->reason, pos, HTTP_REASON_MAX, err,
		    strlen(err));
		while (pos > 0 && o->reason[pos - 1] == ' ')
			pos--;
		o->reason[pos] = '\0';
		return;
	}
	codetext[0] = '\0';
	if (r->len > 0)
		root = json_loadb(r->body, r->len, 0, NULL);
	if (root != NULL) {
		numeric = json_code(json_path(root, hc->code_field), &code,
		    codetext, sizeof(codetext));
		msgj = json_path(root, hc->message_field);
		if (json_is_string(msgj)) {
			msg = json_string_value(msgj);
			msglen = json_string_length(msgj);
		}
	} else if (r->len > 0 && r->body[0] != '<') {
		/* a plain-text error says more than the bare status */
		msg = r->body;
		msglen = r->len;
	}
	if (st >= 200 && st < 300) {
		if (numeric && in_codes(hc->permanent_codes,
		    hc->npermanent_codes, code))
			o->result = SMS_PERMFAIL;
		else if (numeric && in_codes(hc->temporary_codes,
		    hc->ntemporary_codes, code))
			o->result = SMS_TEMPFAIL;
		else {
			o->result = SMS_SENT;
			outcome_id(o, json_path(root, hc->id_field));
		}
	} else if (st >= 300 && st < 400) {
		o->result = SMS_PERMFAIL;
		if (msg == NULL) {
			msg = "redirects are not followed";
			msglen = strlen(msg);
		}
	} else if (st == 429) {
		/* the provider wants fewer: a pause, not a failed attempt */
		o->result = SMS_THROTTLED;
		if (r->retry_after > 0)
			o->retry_after = r->retry_after > HTTP_RETRY_AFTER_MAX ?
			    HTTP_RETRY_AFTER_MAX : (unsigned)r->retry_after;
	} else if (st == 408 || (st >= 500 && st < 600))
		o->result = SMS_TEMPFAIL;
	else if (st >= 400 && st < 500)
		o->result = numeric && in_codes(hc->temporary_codes,
		    hc->ntemporary_codes, code) ? SMS_TEMPFAIL : SMS_PERMFAIL;
	else if (msg == NULL) {
		msg = "unexpected status";
		msglen = strlen(msg);
	}
	if (o->result == SMS_PERMFAIL && numeric &&
	    in_codes(hc->invalid_number_codes, hc->ninvalid_number_codes, code))
		o->result = SMS_BADNUMBER;
	if (o->result != SMS_SENT)
		outcome_reason(o, st, msg, msglen, codetext);
	json_decref(root);
}

struct http_backend;

struct http_request {
	TAILQ_ENTRY(http_request) entry;
	struct http_backend	*hb;
	CURL			*easy;
	struct curl_slist	*headers;
	struct buf		 resp;
	int			 truncated;
	char			 error[CURL_ERROR_SIZE];
	sms_done_cb		 cb;
	void			*arg;
};

#define HTTP_IDLE_MAX	64	/* easy handles kept for reuse */

struct http_backend {
	struct backend		 b;	/* first: backend.c sees only this */
	struct http_conf	 hc;
	char			*from;	/* default sender id */
	struct curlev		*cev;
	TAILQ_HEAD(, http_request) requests;
	CURL			*idle[HTTP_IDLE_MAX];
	size_t			 nidle;
};

/*
 * easy_get - an easy handle for a request: a finished one, reset, when there
 * is one (creating and destroying a handle per SMS costs its buffers each
 * time), else a new one.
 */
static CURL *
easy_get(struct http_backend *hb)
{
	return hb->nidle > 0 ? hb->idle[--hb->nidle] : curl_easy_init();
}

/* request_free - a request and all it holds; its handle is kept for reuse */
static void
request_free(struct http_request *req)
{
	struct http_backend *hb = req->hb;

	if (req->easy != NULL) {
		if (hb != NULL && hb->nidle < HTTP_IDLE_MAX) {
			curl_easy_reset(req->easy);
			hb->idle[hb->nidle++] = req->easy;
		} else
			curl_easy_cleanup(req->easy);
	}
	curl_slist_free_all(req->headers);
	buf_free(&req->resp);
	free(req);
}

/* request_write - keep the response body, at most HTTP_BODY_MAX bytes */
static size_t
request_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_request	*req = arg;
	size_t			 n = size * nmemb;

	if (n > HTTP_BODY_MAX - req->resp.len) {
		req->truncated = 1;
		return 0;
	}
	return buf_append(&req->resp, data, n) == -1 ? 0 : n;
}

/* has_header - did the configuration set header name itself? */
static int
has_header(const struct http_conf *hc, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < hc->nheaders; i++)
		if (strncasecmp(hc->headers[i], name, n) == 0 &&
		    hc->headers[i][n] == ':')
			return 1;
	return 0;
}

/* add_header - append to the list; -1 if no memory */
static int
add_header(struct curl_slist **list, const char *h)
{
	struct curl_slist	*l;

	if ((l = curl_slist_append(*list, h)) == NULL)
		return -1;
	*list = l;
	return 0;
}

/* request_headers - configured headers (made single-line), then ours */
static int
request_headers(struct http_request *req, const struct http_conf *hc,
    const struct http_vars *v)
{
	char	*h, *p, *auth;
	size_t	 i;
	int	 rc;

	for (i = 0; i < hc->nheaders; i++) {
		if ((h = http_expand(hc->headers[i], v, HTTP_ESCAPE_NONE))
		    == NULL)
			return -1;
		/* a newline in {text} must not start a header of its own */
		for (p = h; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		rc = add_header(&req->headers, h);
		free(h);
		if (rc == -1)
			return -1;
	}
	if (!has_header(hc, "Content-Type") && add_header(&req->headers,
	    hc->format == HTTP_FORMAT_FORM ?
	    "Content-Type: application/x-www-form-urlencoded" :
	    "Content-Type: application/json; charset=utf-8") == -1)
		return -1;
	if (!has_header(hc, "Accept") &&
	    add_header(&req->headers, "Accept: application/json") == -1)
		return -1;
	/* no 100-continue round trip for a body of a few hundred bytes */
	if (add_header(&req->headers, "Expect:") == -1)
		return -1;
	if (hc->auth == HTTP_AUTH_BEARER) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    hc->token) == -1)
			return -1;
		rc = add_header(&req->headers, auth);
		free(auth);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* request_setup - the easy handle of one SMS; errno EILSEQ if not encodable */
static int
request_setup(struct http_request *req, const struct http_conf *hc,
    const struct http_vars *v)
{
	char	*url = NULL, *body = NULL;
	size_t	 bodylen = 0;
	int	 bad = 0, post = 1;

	if ((req->easy = easy_get(req->hb)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if ((url = http_expand(hc->url, v, HTTP_ESCAPE_URL)) == NULL)
		return -1;
	if (strcasecmp(hc->method, "GET") == 0)
		post = 0;
	else if ((body = http_body(hc, v, &bodylen)) == NULL) {
		free(url);
		return -1;
	}
	if (request_headers(req, hc, v) == -1) {
		free(url);
		free(body);
		errno = ENOMEM;
		return -1;
	}
	bad |= curl_easy_setopt(req->easy, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_TIMEOUT,
	    (long)hc->timeout) != CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_TCP_KEEPALIVE, 1L) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_USERAGENT, "smsrelay") !=
	    CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_ERRORBUFFER, req->error) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_WRITEFUNCTION,
	    request_write) != CURLE_OK;
	bad |= curl_easy_setopt(req->easy, CURLOPT_WRITEDATA, req) != CURLE_OK;
	if (post) {
		bad |= curl_easy_setopt(req->easy, CURLOPT_POSTFIELDSIZE,
		    (long)bodylen) != CURLE_OK;
		bad |= curl_easy_setopt(req->easy, CURLOPT_COPYPOSTFIELDS,
		    body) != CURLE_OK;
		if (strcasecmp(hc->method, "POST") != 0)
			bad |= curl_easy_setopt(req->easy,
			    CURLOPT_CUSTOMREQUEST, hc->method) != CURLE_OK;
	} else
		bad |= curl_easy_setopt(req->easy, CURLOPT_HTTPGET, 1L) !=
		    CURLE_OK;
	if (hc->auth == HTTP_AUTH_BASIC) {
		bad |= curl_easy_setopt(req->easy, CURLOPT_HTTPAUTH,
		    (long)CURLAUTH_BASIC) != CURLE_OK;
		bad |= curl_easy_setopt(req->easy, CURLOPT_USERNAME,
		    hc->user) != CURLE_OK;
		bad |= curl_easy_setopt(req->easy, CURLOPT_PASSWORD,
		    hc->password != NULL ? hc->password : "") != CURLE_OK;
	}
	free(url);
	free(body);
	if (bad) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * retry_after_of - the Retry-After of the response in seconds, whether it
 * said seconds or an HTTP-date (curl reads both); 0 if none
 */
static long
retry_after_of(CURL *easy)
{
	curl_off_t	 secs = 0;

	if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &secs) != CURLE_OK ||
	    secs <= 0)
		return 0;
	return secs > HTTP_RETRY_AFTER_MAX ? HTTP_RETRY_AFTER_MAX : (long)secs;
}

/* http_done - curlev's callback: classify, forget the request, report */
static void
http_done(void *arg, CURL *easy, CURLcode result)
{
	struct http_request	*req = arg;
	struct http_response	 r;
	struct http_outcome	 o;
	sms_done_cb		 cb = req->cb;
	void			*cbarg = req->arg;

	memset(&r, 0, sizeof(r));
	r.result = result;
	r.error = req->error;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
	r.retry_after = retry_after_of(easy);
	r.body = req->resp.s;
	r.len = req->resp.len;
	r.truncated = req->truncated;
	http_classify(&req->hb->hc, &r, &o);
	TAILQ_REMOVE(&req->hb->requests, req, entry);
	request_free(req);
	cb(cbarg, &(struct sms_outcome){ .result = o.result,
	    .provider_id = o.provider_id[0] != '\0' ? o.provider_id : NULL,
	    .reason = o.result == SMS_SENT ? NULL : o.reason,
	    .retry_after = o.retry_after });
}

/* http_submit - start the request of one SMS */
static int
http_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct http_backend	*hb = (struct http_backend *)b;
	struct http_request	*req;
	struct http_vars	 v;

	v.to = sms->to;
	v.from = sms->from != NULL ? sms->from :
	    hb->from != NULL ? hb->from : "";
	v.text = sms->text;
	v.ref = sms->ref;
	v.encoding = sms->encoding;
	v.user = hb->hc.user != NULL ? hb->hc.user : "";
	v.parts = sms->parts;
	if ((req = calloc(1, sizeof(*req))) == NULL)
		return -1;
	req->hb = hb;
	req->cb = cb;
	req->arg = arg;
	if (request_setup(req, &hb->hc, &v) == -1) {
		if (errno != EILSEQ) {
			request_free(req);
			return -1;
		}
		/* retrying cannot help; backend.c reports it from the loop */
		request_free(req);
		cb(arg, &(struct sms_outcome){ .result = SMS_PERMFAIL,
		    .reason = "text or sender is not valid UTF-8" });
		return 0;
	}
	if (curlev_add(hb->cev, req->easy, http_done, req) == -1) {
		request_free(req);
		return -1;
	}
	TAILQ_INSERT_TAIL(&hb->requests, req, entry);
	return 0;
}

/* http_free - stop what still runs (as temporary failures), then free */
static void
http_free(struct backend *b)
{
	struct http_backend	*hb = (struct http_backend *)b;
	struct http_request	*req;
	sms_done_cb		 cb;
	void			*arg;

	while ((req = TAILQ_FIRST(&hb->requests)) != NULL) {
		curlev_remove(hb->cev, req->easy);
		TAILQ_REMOVE(&hb->requests, req, entry);
		cb = req->cb;
		arg = req->arg;
		request_free(req);
		cb(arg, &(struct sms_outcome){ .result = SMS_TEMPFAIL,
		    .reason = "backend shut down" });
	}
	while (hb->nidle > 0)
		curl_easy_cleanup(hb->idle[--hb->nidle]);
	curlev_free(hb->cev);
	http_conf_clear(&hb->hc);
	free(hb->from);
	free(hb);
}

static const struct backend_ops http_ops = {
	.name = "http", .submit = http_submit, .free = http_free,
};

/* http_backend_new - the provider backend of bc->http */
struct backend *
http_backend_new(const struct conf *conf, const struct backend_conf *bc,
    struct event_base *base, char *err, size_t errlen)
{
	struct http_backend	*hb;

	(void)conf;
	if ((hb = calloc(1, sizeof(*hb))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	TAILQ_INIT(&hb->requests);
	if (http_conf_resolve(&bc->http, &hb->hc, err,
	    errlen) == -1) {
		free(hb);
		return NULL;
	}
	if (copy_str(&hb->from, bc->from, NULL) == -1 ||
	    (hb->cev = curlev_new(base, (long)hb->hc.max_connections)) ==
	    NULL) {
		snprintf(err, errlen, "cannot set up libcurl");
		http_conf_clear(&hb->hc);
		free(hb->from);
		free(hb);
		return NULL;
	}
	hb->b.ops = &http_ops;
	hb->b.base = base;
	hb->b.max_in_flight = bc->max_in_flight > 0 ? bc->max_in_flight :
	    HTTP_MAX_IN_FLIGHT;
	return &hb->b;
}
