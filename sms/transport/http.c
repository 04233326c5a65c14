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
#include "sms/lib/log.h"
#include "sms/transport/backend.h"
#include "sms/transport/curlev.h"
#include "sms/transport/http.h"
#include "sms/transport/http_profile.h"
#include "sms/transport/callback/callback.h"

enum placeholder {
	PH_TO, PH_TO_DIGITS, PH_FROM, PH_TEXT, PH_REF, PH_PARTS, PH_ENCODING,
	PH_USER, PH_CALLBACK, PH_COUNT
};

static const char *const ph_names[PH_COUNT] = {
	"to", "to_digits", "from", "text", "ref", "parts", "encoding", "user",
	"callback",
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
	case PH_CALLBACK:
		s = v->callback;
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

/* http_fields_json - "field":"value" members; {parts} alone is a number */
int
http_fields_json(const struct http_conf *hc, const struct http_vars *v,
    json_t *obj)
{
	json_t	*j;
	char	*val;
	size_t	 i;

	for (i = 0; i < hc->nfields; i++) {
		if ((val = http_expand(hc->fields[i].value, v,
		    HTTP_ESCAPE_NONE)) == NULL)
			return -1;
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
			return -1;
		if (json_object_set_new(obj, hc->fields[i].key, j) == -1) {
			errno = EILSEQ;
			return -1;
		}
	}
	return 0;
}

/* http_json_finish - the body text of obj; obj is freed either way */
char *
http_json_finish(json_t *obj, size_t *len)
{
	char	*out;

	out = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (out == NULL)
		errno = ENOMEM;
	else
		*len = strlen(out);
	return out;
}

/* http_json_body - see http_profile.h */
char *
http_json_body(const struct http_conf *hc, const struct http_vars *v,
    json_t *obj, int bad, size_t *len)
{
	int	 saved;

	if (bad) {
		json_decref(obj);
		errno = EILSEQ;
		return NULL;
	}
	if (http_fields_json(hc, v, obj) == -1) {
		saved = errno;
		json_decref(obj);
		errno = saved;
		return NULL;
	}
	return http_json_finish(obj, len);
}

/* http_body_json - {"field":"value",...} */
static char *
http_body_json(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	json_t	*obj;

	if ((obj = json_object()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return http_json_body(hc, v, obj, 0, len);
}

/* http_form_add - one more key=value of a form */
void
http_form_add(struct buf *b, const char *key, const char *value)
{
	if (b->len > 0)
		buf_add(b, "&", 1);
	add_escaped(b, key, strlen(key), 1);
	buf_add(b, "=", 1);
	add_escaped(b, value, strlen(value), 1);
}

/* http_fields_form - the configured fields that are not empty */
int
http_fields_form(const struct http_conf *hc, const struct http_vars *v,
    struct buf *b)
{
	char	*val;
	size_t	 i;

	for (i = 0; i < hc->nfields; i++) {
		if ((val = http_expand(hc->fields[i].value, v,
		    HTTP_ESCAPE_NONE)) == NULL)
			return -1;
		if (*val != '\0')
			http_form_add(b, hc->fields[i].key, val);
		free(val);
	}
	return 0;
}

/* http_form_finish - the form text built in b */
char *
http_form_finish(struct buf *b, size_t *len)
{
	char	*out;

	if ((out = text_finish(b)) != NULL)
		*len = strlen(out);
	return out;
}

/* http_body - the request body: the profile's, or the fields as configured */
char *
http_body(const struct http_conf *hc, const struct http_vars *v, size_t *len)
{
	const struct http_profile	*p = http_profile_find(hc->profile);
	struct buf			 text = { 0 };

	if (p != NULL && p->body != NULL)
		return p->body(hc, v, len);
	if (hc->format != HTTP_FORMAT_FORM)
		return http_body_json(hc, v, len);
	if (http_fields_form(hc, v, &text) == -1) {
		buf_free(&text);
		return NULL;
	}
	return http_form_finish(&text, len);
}

/* http_digits - an E.164 number as the digits many APIs want */
const char *
http_digits(const char *to)
{
	return to != NULL && *to == '+' ? to + 1 : to != NULL ? to : "";
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

	if (n == 0)
		return 0;
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

/* copy_list - the configured codes if set, else the profile's */
static int
copy_list(long **dst, size_t *dstn, const long *in, size_t nin,
    const long *dflt, size_t ndflt)
{
	if (in != NULL)
		return copy_codes(dst, dstn, in, nin);
	return copy_codes(dst, dstn, dflt, ndflt);
}

/* check_credentials - what the profile and the auth scheme need is there */
static int
check_credentials(const struct http_profile *p, const struct http_conf *out,
    char *err, size_t errlen)
{
	if (p->user_means != NULL && out->user == NULL) {
		snprintf(err, errlen, "backend.user is required for the %s "
		    "profile (%s)", p->name, p->user_means);
		return -1;
	}
	if (p->password_means != NULL && out->password == NULL) {
		snprintf(err, errlen, "backend.password is required for the "
		    "%s profile (%s)", p->name, p->password_means);
		return -1;
	}
	if (out->auth == HTTP_AUTH_BASIC && out->user == NULL) {
		snprintf(err, errlen, "backend.user is required for basic "
		    "auth");
		return -1;
	}
	if (out->auth == HTTP_AUTH_BEARER && out->token == NULL) {
		snprintf(err, errlen, "backend.token is required for bearer "
		    "auth");
		return -1;
	}
	return 0;
}

/* http_conf_resolve - apply the profile, copy, and validate */
int
http_conf_resolve(const struct http_conf *in, struct http_conf *out,
    char *err, size_t errlen)
{
	const struct http_profile	*p;
	const char			*profile;

	memset(out, 0, sizeof(*out));
	profile = in->profile != NULL ? in->profile : "generic";
	if ((p = http_profile_find(profile)) == NULL) {
		snprintf(err, errlen, "backend.profile: unknown profile \"%s\" "
		    "(%s)", profile, http_profile_names());
		return -1;
	}
	if (p->url == NULL && in->url == NULL) {
		snprintf(err, errlen, "backend.url is required for the %s "
		    "profile", p->name);
		return -1;
	}
	/* struct http_conf cannot say "format not set": profiles decide */
	out->format = p->url != NULL ? p->format : in->format;
	out->auth = in->auth != HTTP_AUTH_NONE ? in->auth : p->auth;
	out->timeout = in->timeout > 0 ? in->timeout : 30;
	out->max_connections = in->max_connections > 0 ?
	    in->max_connections : 16;
	if (copy_str(&out->profile, p->name, NULL) == -1 ||
	    copy_str(&out->url, in->url, p->url) == -1 ||
	    copy_str(&out->method, in->method, "POST") == -1 ||
	    copy_str(&out->user, in->user, NULL) == -1 ||
	    copy_str(&out->password, in->password, NULL) == -1 ||
	    copy_str(&out->token, in->token, NULL) == -1 ||
	    copy_str(&out->id_field, in->id_field, p->id_field) == -1 ||
	    copy_str(&out->code_field, in->code_field, p->code_field) == -1 ||
	    copy_str(&out->message_field, in->message_field,
	    p->message_field) == -1 ||
	    copy_headers(out, in->headers, in->nheaders) == -1 ||
	    copy_codes(&out->temporary_codes, &out->ntemporary_codes,
	    in->temporary_codes, in->ntemporary_codes) == -1 ||
	    copy_list(&out->permanent_codes, &out->npermanent_codes,
	    in->npermanent_codes > 0 ? in->permanent_codes : NULL,
	    in->npermanent_codes, p->permanent, p->npermanent) == -1 ||
	    copy_list(&out->invalid_number_codes, &out->ninvalid_number_codes,
	    in->invalid_number_codes, in->ninvalid_number_codes,
	    p->invalid_number, p->ninvalid_number) == -1 ||
	    copy_list(&out->blocked_codes, &out->nblocked_codes,
	    in->blocked_codes, in->nblocked_codes, p->blocked,
	    p->nblocked) == -1)
		goto nomem;
	if (in->nfields > 0) {
		if (copy_fields(out, in->fields, in->nfields) == -1)
			goto nomem;
	} else if (copy_fields(out, p->fields, p->nfields) == -1)
		goto nomem;
	if (check_credentials(p, out, err, errlen) == -1 ||
	    check_templates(out, err, errlen) == -1)
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
	free(hc->blocked_codes);
	memset(hc, 0, sizeof(*hc));
}

/* http_classify - the verdict on one response, by status first, then body */
void
http_classify(const struct http_conf *hc, const struct http_response *r,
    struct http_outcome *o)
{
	const struct http_profile	*p = http_profile_find(hc->profile);
	json_t		*root = NULL, *msgj;
	const char	*msg = NULL, *err;
	char		 codetext[40];
	size_t		 msglen = 0, pos;
	long		 code = 0, st = r->status;
	int		 numeric = 0;

	memset(o, 0, sizeof(*o));
	o->result = SMS_TEMPFAIL;
	if (r->truncated) {
		http_outcome_reason(o, st, "response larger than 65536 bytes",
		    32, NULL);
		return;
	}
	if (r->result != CURLE_OK) {
		err = r->error != NULL && *r->error != '\0' ? r->error :
		    curl_easy_strerror(r->result);
		pos = http_clean(o->reason, 0, HTTP_REASON_MAX, "curl: ", 6);
		pos = http_clean(o->reason, pos, HTTP_REASON_MAX, err,
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
		numeric = http_json_code(http_json_path(root, hc->code_field), &code,
		    codetext, sizeof(codetext));
		msgj = http_json_path(root, hc->message_field);
		if (json_is_string(msgj)) {
			msg = json_string_value(msgj);
			msglen = json_string_length(msgj);
		}
	} else if (r->len > 0 && r->body[0] != '<') {
		/* a plain-text error says more than the bare status */
		msg = r->body;
		msglen = r->len;
	}
	if (p != NULL && p->classify != NULL && ((st >= 200 && st < 300) ||
	    (st >= 400 && st < 500 && st != 408 && st != 429)) &&
	    p->classify(hc, r, root, o)) {
		json_decref(root);
		return;
	}
	if (st >= 200 && st < 300) {
		if (numeric && (http_in_codes(hc->permanent_codes,
		    hc->npermanent_codes, code) || http_in_codes(hc->blocked_codes,
		    hc->nblocked_codes, code)))
			o->result = SMS_PERMFAIL;
		else if (numeric && http_in_codes(hc->temporary_codes,
		    hc->ntemporary_codes, code))
			o->result = SMS_TEMPFAIL;
		else {
			o->result = SMS_SENT;
			http_outcome_id(o, http_json_path(root, hc->id_field));
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
		o->result = numeric && http_in_codes(hc->temporary_codes,
		    hc->ntemporary_codes, code) ? SMS_TEMPFAIL : SMS_PERMFAIL;
	else if (msg == NULL) {
		msg = "unexpected status";
		msglen = strlen(msg);
	}
	if (o->result == SMS_PERMFAIL && numeric &&
	    http_in_codes(hc->invalid_number_codes, hc->ninvalid_number_codes, code))
		o->result = SMS_BADNUMBER;
	else if (o->result == SMS_PERMFAIL && numeric &&
	    http_in_codes(hc->blocked_codes, hc->nblocked_codes, code))
		o->result = SMS_BLOCKED;
	if (o->result != SMS_SENT)
		http_outcome_reason(o, st, msg, msglen, codetext);
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
	char			*callback;	/* report URL; NULL: none asked */
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
	const struct http_profile	*p = http_profile_find(hc->profile);
	char				*h, *c, *auth;
	size_t				 i;
	int				 rc;

	for (i = 0; i < hc->nheaders; i++) {
		if ((h = http_expand(hc->headers[i], v, HTTP_ESCAPE_NONE))
		    == NULL)
			return -1;
		/* a newline in {text} must not start a header of its own */
		for (c = h; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
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
	if (hc->auth == HTTP_AUTH_BEARER || (hc->auth == HTTP_AUTH_NONE &&
	    p != NULL && p->auth_scheme != NULL)) {
		if (asprintf(&auth, "Authorization: %s %s",
		    hc->auth == HTTP_AUTH_BEARER ? "Bearer" : p->auth_scheme,
		    hc->auth == HTTP_AUTH_BEARER ? hc->token : hc->password) == -1)
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
	const char		*parts[HTTP_PARTS_MAX];
	sms_done_cb		 cb = req->cb;
	void			*cbarg = req->arg;
	size_t			 i;

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
	for (i = 0; i < o.npart_ids; i++)
		parts[i] = o.part_ids[i];
	cb(cbarg, &(struct sms_outcome){ .result = o.result,
	    .provider_id = o.provider_id[0] != '\0' ? o.provider_id : NULL,
	    .part_ids = o.npart_ids > 0 ? parts : NULL,
	    .npart_ids = o.npart_ids,
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
	v.callback = hb->callback;
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
	free(hb->callback);
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
	/* the report URL goes with each SMS where the provider takes one */
	if (copy_str(&hb->from, bc->from, NULL) == -1 ||
	    ((hb->callback = callback_url(conf, bc)) == NULL && errno != 0) ||
	    (hb->cev = curlev_new(base, (long)hb->hc.max_connections)) ==
	    NULL) {
		snprintf(err, errlen, "cannot set up libcurl");
		http_conf_clear(&hb->hc);
		free(hb->from);
		free(hb->callback);
		free(hb);
		return NULL;
	}
	if (hb->callback != NULL)
		log_info("backend %s: delivery reports to %s", bc->name,
		    hb->callback);
	hb->b.ops = &http_ops;
	hb->b.base = base;
	hb->b.max_in_flight = bc->max_in_flight > 0 ? bc->max_in_flight :
	    HTTP_MAX_IN_FLIGHT;
	return &hb->b;
}
