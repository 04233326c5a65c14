/*
 * fuzz_http.c - libFuzzer target for what providers answer: a status line
 * of ours ("201 twilio\n") then the reply body, classified under that
 * provider setup; the body also goes out as the SMS text of a request.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sms/transport/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define SETUP_NAME_MAX	16

/* the provider setups the first line can name */
enum setup { SETUP_TWILIO, SETUP_GENERIC, SETUP_NESTED, SETUP_FORM,
	SETUP_VONAGE, SETUP_MESSAGEBIRD, SETUP_SINCH, SETUP_INFOBIP,
	SETUP_PLIVO, SETUP_COUNT };

static const char *const setup_names[SETUP_COUNT] = {
	"twilio", "generic", "nested", "form", "vonage", "messagebird",
	"sinch", "infobip", "plivo"
};

static struct http_conf	 resolved[SETUP_COUNT];

/* resolve - one setup as backend.* would give it; abort() if refused */
static void
resolve(enum setup s, struct http_conf *out)
{
	static long		 perm[] = { 2, 3, 6, 21211 };
	static long		 temp[] = { 1, 9, 20429 };
	static long		 invalid[] = { 3, 21211 };
	static char		*headers[] = { "X-Tenant: fuzz" };
	struct http_conf	 in;
	char			 err[256];

	memset(&in, 0, sizeof(in));
	in.url = "https://sms.example.com/send?to={to_digits}";
	switch (s) {
	case SETUP_TWILIO:
		in.profile = "twilio";
		in.url = NULL;
		in.user = "AC0123456789abcdef0123456789abcdef";
		in.password = "secret";
		break;
	case SETUP_GENERIC:
		break;
	case SETUP_NESTED:
		/* Vonage style: everything inside messages[0] */
		in.id_field = "messages.0.message-id";
		in.code_field = "messages.0.status";
		in.message_field = "messages.0.error-text";
		in.headers = headers;
		in.nheaders = 1;
		in.auth = HTTP_AUTH_BEARER;
		in.token = "token";
		break;
	case SETUP_FORM:
		in.format = HTTP_FORMAT_FORM;
		in.id_field = "data.id";
		in.code_field = "error.code";
		in.message_field = "error.message";
		break;
	default:
		/* a fixed-format profile, as its name says */
		in.profile = (char *)(uintptr_t)setup_names[s];
		in.url = NULL;
		in.user = "KEY";
		in.password = "SECRET";
		break;
	}
	if (s != SETUP_TWILIO && s < SETUP_VONAGE) {
		in.permanent_codes = perm;
		in.npermanent_codes = sizeof(perm) / sizeof(perm[0]);
		in.temporary_codes = temp;
		in.ntemporary_codes = sizeof(temp) / sizeof(temp[0]);
		in.invalid_number_codes = invalid;
		in.ninvalid_number_codes = sizeof(invalid) / sizeof(invalid[0]);
	}
	if (http_conf_resolve(&in, out, err, sizeof(err)) == -1)
		abort();
}

/* status_line - "NNN name\n": the status and setup; bytes used, 0 if none */
static size_t
status_line(const uint8_t *data, size_t size, long *status, enum setup *s)
{
	size_t	 i = 0, n;
	int	 k;

	*status = 0;
	for (; i < size && i < 3 && data[i] >= '0' && data[i] <= '9'; i++)
		*status = *status * 10 + (data[i] - '0');
	if (i == 0 || i >= size || data[i++] != ' ')
		return 0;
	for (n = 0; i + n < size && data[i + n] != '\n'; n++)
		if (n == SETUP_NAME_MAX)
			return 0;
	if (i + n == size)
		return 0;
	for (k = 0; k < SETUP_COUNT; k++)
		if (strlen(setup_names[k]) == n &&
		    memcmp(setup_names[k], data + i, n) == 0) {
			*s = (enum setup)k;
			return i + n + 1;
		}
	return 0;
}

/* check_clean - what reaches logs and DSNs: printable, no quote, bounded */
static void
check_clean(const char *s, size_t max)
{
	size_t	 n = strnlen(s, max + 1);
	size_t	 i;

	if (n > max)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			abort();
}

/* check_outcome - a verdict that the status allows, with clean strings */
static void
check_outcome(const struct http_outcome *o, long status)
{
	check_clean(o->reason, HTTP_REASON_MAX);
	check_clean(o->provider_id, HTTP_ID_MAX);
	switch (o->result) {
	case SMS_SENT:
		if (status < 200 || status > 299 || o->reason[0] != '\0')
			abort();
		break;
	case SMS_TEMPFAIL:
	case SMS_PERMFAIL:
	case SMS_BADNUMBER:
	case SMS_BLOCKED:
	case SMS_THROTTLED:
		/* no Retry-After in these answers: no pause is said */
		if (o->retry_after != 0)
			abort();
		if (o->provider_id[0] != '\0' || o->npart_ids != 0 ||
		    strncmp(o->reason, "HTTP ", 5) != 0)
			abort();
		break;
	default:
		abort();
	}
}

/* hex_value - one hex digit, -1 if it is none */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * form_field - the decoded value of key in a form body we built (keys
 * are plain words); malloc'd, NULL if absent. abort() if badly encoded.
 */
static char *
form_field(const char *body, const char *key)
{
	const char	*p = body, *end;
	char		*out, *o;
	size_t		 klen = strlen(key);
	int		 hi, lo;

	for (; *p != '\0'; p = *end == '&' ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if ((size_t)(end - p) <= klen || memcmp(p, key, klen) != 0 ||
		    p[klen] != '=')
			continue;
		if ((out = malloc((size_t)(end - p))) == NULL)
			abort();
		for (o = out, p += klen + 1; p < end; p++) {
			if (*p == '+')
				*o++ = ' ';
			else if (*p != '%')
				*o++ = *p;
			else {
				if (end - p < 3 || (hi = hex_value(p[1])) < 0 ||
				    (lo = hex_value(p[2])) < 0)
					abort();
				*o++ = (char)(hi << 4 | lo);
				p += 2;
			}
		}
		*o = '\0';
		return out;
	}
	return NULL;
}

/* check_request - the body we would send carries text unchanged */
static void
check_request(const struct http_conf *hc, const char *text)
{
	struct http_vars v = {
		"+4917012345678", "ACME", text, "0660F81A4616D400.0", "GSM-7",
		"clerk", 1, NULL
	};
	const char	*key = NULL;
	json_t		*j;
	char		*body, *got;
	size_t		 len, i;

	for (i = 0; i < hc->nfields; i++)
		if (strcmp(hc->fields[i].value, "{text}") == 0)
			key = hc->fields[i].key;
	if (key == NULL)
		abort();

	errno = 0;
	if ((body = http_body(hc, &v, &len)) == NULL) {
		/* only JSON refuses, and only text that is not UTF-8 */
		if (hc->format != HTTP_FORMAT_JSON || errno != EILSEQ)
			abort();
		return;
	}
	if (strlen(body) != len)
		abort();
	if (hc->format == HTTP_FORMAT_JSON) {
		if ((j = json_loads(body, 0, NULL)) == NULL)
			abort();
		got = *text == '\0' ? NULL : (char *)json_string_value(
		    json_object_get(j, key));
		if ((got == NULL) != (*text == '\0') ||
		    (got != NULL && strcmp(got, text) != 0))
			abort();
		json_decref(j);
	} else {
		got = form_field(body, key);
		if ((got == NULL) != (*text == '\0') ||
		    (got != NULL && strcmp(got, text) != 0))
			abort();
		free(got);
	}
	free(body);
}

/* LLVMFuzzerTestOneInput - classify the reply, then send it as text */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response	 r;
	struct http_outcome	 o, again;
	enum setup		 s = SETUP_GENERIC;
	char			*text;
	size_t			 used;
	long			 status;
	int			 k;

	if (resolved[0].profile == NULL)
		for (k = 0; k < SETUP_COUNT; k++)
			resolve((enum setup)k, &resolved[k]);
	if ((used = status_line(data, size, &status, &s)) == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.result = CURLE_OK;
	r.status = status;
	r.body = (const char *)data + used;
	r.len = size - used;
	/* what request_write keeps of a longer reply */
	if (r.len > HTTP_BODY_MAX) {
		r.len = HTTP_BODY_MAX;
		r.truncated = 1;
	}
	http_classify(&resolved[s], &r, &o);
	check_outcome(&o, status);
	http_classify(&resolved[s], &r, &again);
	if (again.result != o.result ||
	    strcmp(again.provider_id, o.provider_id) != 0 ||
	    strcmp(again.reason, o.reason) != 0)
		abort();

	if ((text = strndup(r.body, r.len)) == NULL)
		abort();
	/* the fixed-format profiles' bodies have their unit tests */
	if (s < SETUP_VONAGE)
		check_request(&resolved[s], text);
	free(text);
	return 0;
}
