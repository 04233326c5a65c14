/*
 * test_http.c - the HTTP provider backend's pure parts: templates, bodies,
 * profiles, the verdict on provider answers (the stack: test_backend.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sms/transport/backend.h"
#include "sms/transport/http.h"

static const struct http_vars sample = {
	"+4917012345678", "Service", "Hi there", "0123456789ABCDEF.0",
	"GSM-7", "AC0001", 2
};

static void
test_expand_placeholders(void **state)
{
	char	*s;

	(void)state;
	s = http_expand("{to}|{to_digits}|{from}|{text}|{ref}|{parts}|"
	    "{encoding}|{user}", &sample, HTTP_ESCAPE_NONE);
	assert_non_null(s);
	assert_string_equal(s, "+4917012345678|4917012345678|Service|"
	    "Hi there|0123456789ABCDEF.0|2|GSM-7|AC0001");
	free(s);

	/* braces that open no placeholder are text */
	s = http_expand("{ {} {X} {to", &sample, HTTP_ESCAPE_NONE);
	assert_non_null(s);
	assert_string_equal(s, "{ {} {X} {to");
	free(s);
}

static void
test_expand_url(void **state)
{
	struct http_vars	 v = sample;
	char			*s;

	(void)state;
	v.text = "a b&c=d+\xc3\xa9/~_.-";
	s = http_expand("https://h/Accounts/{user}/x?to={to}&t={text}", &v,
	    HTTP_ESCAPE_URL);
	assert_non_null(s);
	assert_string_equal(s, "https://h/Accounts/AC0001/x?to=%2B4917012345678"
	    "&t=a%20b%26c%3Dd%2B%C3%A9%2F~_.-");
	free(s);
}

static void
test_expand_unknown(void **state)
{
	char	 err[128];

	(void)state;
	errno = 0;
	assert_null(http_expand("x{nope}y", &sample, HTTP_ESCAPE_NONE));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(http_template_check("{to} {nope}", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "{nope}"));
	assert_int_equal(http_template_check("{to}{to_digits}{parts}", err,
	    sizeof(err)), 0);
}

static void
test_form_encode(void **state)
{
	const char	*in = "a b+c&d=e \xc3\xbc%";
	char		*s;

	(void)state;
	s = http_form_encode(in, strlen(in));
	assert_non_null(s);
	assert_string_equal(s, "a+b%2Bc%26d%3De+%C3%BC%25");
	free(s);
}

static struct kv generic_fields[] = {
	{ "to", "{to}" }, { "from", "{from}" }, { "text", "{text}" },
	{ "n", "{parts}" }, { "label", "SMS {ref}" },
};

static void
test_body_json(void **state)
{
	struct http_conf	 hc = { 0 };
	struct http_vars	 v = sample;
	json_t			*j;
	char			*body;
	size_t			 len;

	(void)state;
	hc.format = HTTP_FORMAT_JSON;
	hc.fields = generic_fields;
	hc.nfields = 5;
	v.text = "say \"hi\"\\\n\ttab \x01 Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac "
	    "\xf0\x9f\x98\x80";
	v.from = "";
	body = http_body(&hc, &v, &len);
	assert_non_null(body);
	assert_int_equal(len, strlen(body));
	/* UTF-8 stays UTF-8; specials are escaped */
	assert_non_null(strstr(body, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"));
	assert_non_null(strstr(body, "say \\\"hi\\\"\\\\\\n\\ttab \\u0001"));
	assert_null(strstr(body, "\"from\""));
	j = json_loads(body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "to")),
	    "+4917012345678");
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    v.text);
	assert_true(json_is_integer(json_object_get(j, "n")));
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "label")),
	    "SMS 0123456789ABCDEF.0");
	assert_int_equal(json_object_size(j), 4);
	json_decref(j);
	free(body);

	v.text = "bad \xff\xfe";
	errno = 0;
	assert_null(http_body(&hc, &v, &len));
	assert_int_equal(errno, EILSEQ);
}

static void
test_body_form(void **state)
{
	struct kv		 fields[] = {
		{ "To", "{to}" }, { "From", "{from}" }, { "Body", "{text}" },
		{ "Status Callback", "x" },
	};
	struct http_conf	 hc = { 0 };
	struct http_vars	 v = sample;
	char			*body;
	size_t			 len;

	(void)state;
	hc.format = HTTP_FORMAT_FORM;
	hc.fields = fields;
	hc.nfields = 4;
	v.text = "a b+c&d=e \xc3\xbc";
	body = http_body(&hc, &v, &len);
	assert_non_null(body);
	assert_string_equal(body, "To=%2B4917012345678&From=Service&"
	    "Body=a+b%2Bc%26d%3De+%C3%BC&Status+Callback=x");
	free(body);
}

static void
test_resolve_twilio(void **state)
{
	struct http_conf	 in = { 0 }, out;
	long			 mine[] = { 1 };
	char			 err[256];

	(void)state;
	in.profile = "twilio";
	in.user = "AC0001";
	in.password = "pw";
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), 0);
	assert_string_equal(out.url, "https://api.twilio.com/2010-04-01/"
	    "Accounts/{user}/Messages.json");
	assert_int_equal(out.format, HTTP_FORMAT_FORM);
	assert_int_equal(out.auth, HTTP_AUTH_BASIC);
	assert_string_equal(out.method, "POST");
	assert_int_equal(out.nfields, 3);
	assert_string_equal(out.fields[0].key, "To");
	assert_string_equal(out.fields[2].key, "Body");
	assert_string_equal(out.fields[2].value, "{text}");
	assert_string_equal(out.id_field, "sid");
	assert_string_equal(out.code_field, "code");
	assert_int_equal(out.npermanent_codes, 6);
	assert_int_equal(out.permanent_codes[0], 21211);
	assert_int_equal(out.timeout, 30);
	assert_int_equal(out.max_connections, 16);
	http_conf_clear(&out);

	/* what the configuration sets wins */
	in.url = "http://127.0.0.1:9/{user}";
	in.permanent_codes = mine;
	in.npermanent_codes = 1;
	in.timeout = 5;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), 0);
	assert_string_equal(out.url, "http://127.0.0.1:9/{user}");
	assert_int_equal(out.npermanent_codes, 1);
	assert_int_equal(out.permanent_codes[0], 1);
	assert_int_equal(out.timeout, 5);
	http_conf_clear(&out);

	in.user = NULL;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "backend.user"));
}

static void
test_resolve_generic(void **state)
{
	struct kv		 bad[] = { { "to", "{to}" }, { "x", "{foo}" } };
	char			*hdrs[] = { "X-Key {text}" };
	struct http_conf	 in = { 0 }, out;
	char			 err[256];

	(void)state;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "backend.url is required"));

	in.url = "http://127.0.0.1:9/sms";
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), 0);
	assert_string_equal(out.profile, "generic");
	assert_int_equal(out.format, HTTP_FORMAT_JSON);
	assert_int_equal(out.auth, HTTP_AUTH_NONE);
	assert_int_equal(out.nfields, 3);
	assert_string_equal(out.fields[1].key, "from");
	assert_string_equal(out.id_field, "id");
	assert_string_equal(out.message_field, "message");
	assert_int_equal(out.npermanent_codes, 0);
	http_conf_clear(&out);

	in.fields = bad;
	in.nfields = 2;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_string_equal(err, "backend.fields.x: unknown placeholder {foo}");
	in.fields = NULL;
	in.nfields = 0;

	in.headers = hdrs;
	in.nheaders = 1;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Name: value"));
	in.nheaders = 0;

	in.auth = HTTP_AUTH_BEARER;
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "backend.token"));
	in.auth = HTTP_AUTH_NONE;

	in.profile = "nexmo";
	assert_int_equal(http_conf_resolve(&in, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown profile"));
}

struct verdict_case {
	int		 twilio;
	const char	*id_field;	/* NULL: the profile's */
	CURLcode	 cc;
	const char	*curlerr;
	long		 status;
	const char	*body;
	int		 truncated;
	enum sms_result	 want;
	const char	*want_id;
	const char	*want_reason;	/* exact; NULL: only a prefix check */
	const char	*reason_prefix;
};

static const struct verdict_case verdicts[] = {
	{ 0, NULL, CURLE_OK, NULL, 200, "{\"id\":\"abc-1\"}", 0,
	  SMS_SENT, "abc-1", "", NULL },
	{ 0, NULL, CURLE_OK, NULL, 200, "{\"id\":12345}", 0,
	  SMS_SENT, "12345", "", NULL },
	{ 0, NULL, CURLE_OK, NULL, 202, "{\"status\":\"ok\"}", 0,
	  SMS_SENT, "", "", NULL },
	{ 0, NULL, CURLE_OK, NULL, 200, "OK", 0, SMS_SENT, "", "", NULL },
	{ 0, "data.0.id", CURLE_OK, NULL, 200,
	  "{\"data\":[{\"id\":\"n1\"}]}", 0, SMS_SENT, "n1", "", NULL },
	{ 1, NULL, CURLE_OK, NULL, 201,
	  "{\"sid\":\"SM0123456789abcdef\",\"status\":\"queued\"}", 0,
	  SMS_SENT, "SM0123456789abcdef", "", NULL },
	{ 1, NULL, CURLE_OK, NULL, 400, "{\"code\":21211,\"message\":"
	  "\"The 'To' number is not a valid phone number.\",\"status\":400}", 0,
	  SMS_BADNUMBER, "", "HTTP 400: The 'To' number is not a valid phone "
	  "number. (code 21211)", NULL },
	{ 1, NULL, CURLE_OK, NULL, 400, "{\"code\":21610,\"message\":"
	  "\"Attempt to send to unsubscribed recipient\"}", 0,
	  SMS_PERMFAIL, "", "HTTP 400: Attempt to send to unsubscribed "
	  "recipient (code 21610)", NULL },
	{ 0, NULL, CURLE_OK, NULL, 400, "{\"code\":\"E1\",\"message\":\"bad\"}",
	  0, SMS_PERMFAIL, "", "HTTP 400: bad (code E1)", NULL },
	{ 0, NULL, CURLE_OK, NULL, 403, "{\"code\":30001,\"message\":\"queue "
	  "full\"}", 0, SMS_TEMPFAIL, "", "HTTP 403: queue full (code 30001)",
	  NULL },
	{ 0, NULL, CURLE_OK, NULL, 404, "", 0, SMS_PERMFAIL, "", "HTTP 404",
	  NULL },
	{ 0, NULL, CURLE_OK, NULL, 429, "{\"message\":\"slow down\"}", 0,
	  SMS_THROTTLED, "", "HTTP 429: slow down", NULL },
	{ 0, NULL, CURLE_OK, NULL, 500, "Internal Server Error\n", 0,
	  SMS_TEMPFAIL, "", "HTTP 500: Internal Server Error", NULL },
	{ 0, NULL, CURLE_OK, NULL, 503, "<html><body>down</body></html>", 0,
	  SMS_TEMPFAIL, "", "HTTP 503", NULL },
	{ 0, NULL, CURLE_OK, NULL, 301, "", 0, SMS_PERMFAIL, "",
	  "HTTP 301: redirects are not followed", NULL },
	{ 1, NULL, CURLE_OK, NULL, 200, "{\"code\":21610,\"message\":"
	  "\"Attempt to send to unsubscribed recipient\"}", 0, SMS_PERMFAIL,
	  "", "HTTP 200: Attempt to send to unsubscribed recipient "
	  "(code 21610)", NULL },
	{ 0, NULL, CURLE_OPERATION_TIMEDOUT, "Operation timed out after 30001 "
	  "milliseconds with 0 bytes received", 0, NULL, 0, SMS_TEMPFAIL, "",
	  "curl: Operation timed out after 30001 milliseconds with 0 bytes "
	  "received", NULL },
	{ 0, NULL, CURLE_COULDNT_CONNECT, "", 0, NULL, 0, SMS_TEMPFAIL, "",
	  NULL, "curl: " },
	{ 0, NULL, CURLE_WRITE_ERROR, "", 200, "{\"id\":\"x\"", 1,
	  SMS_TEMPFAIL, "", "HTTP 200: response larger than 65536 bytes",
	  NULL },
};

/* resolved - the resolved configuration of a test case */
static void
resolved(const struct verdict_case *vc, struct http_conf *out)
{
	struct http_conf	 in = { 0 };
	long			 temp[] = { 30001 };
	char			 err[256];

	in.profile = vc->twilio ? "twilio" : "generic";
	in.url = vc->twilio ? NULL : "http://127.0.0.1:9/sms";
	in.user = "AC0001";
	in.id_field = (char *)(uintptr_t)vc->id_field;
	in.temporary_codes = temp;
	in.ntemporary_codes = 1;
	assert_int_equal(http_conf_resolve(&in, out, err, sizeof(err)), 0);
}

static void
test_classify_table(void **state)
{
	const struct verdict_case	*vc;
	struct http_conf		 hc;
	struct http_response		 r;
	struct http_outcome		 o;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		vc = &verdicts[i];
		resolved(vc, &hc);
		memset(&r, 0, sizeof(r));
		r.result = vc->cc;
		r.error = vc->curlerr;
		r.status = vc->status;
		r.body = vc->body;
		r.len = vc->body != NULL ? strlen(vc->body) : 0;
		r.truncated = vc->truncated;
		http_classify(&hc, &r, &o);
		if (o.result != vc->want)
			print_message("case %zu: result %d, reason %s\n", i,
			    (int)o.result, o.reason);
		assert_int_equal(o.result, vc->want);
		assert_string_equal(o.provider_id, vc->want_id);
		if (vc->want_reason != NULL)
			assert_string_equal(o.reason, vc->want_reason);
		else
			assert_memory_equal(o.reason, vc->reason_prefix,
			    strlen(vc->reason_prefix));
		if (vc->want != SMS_SENT)
			assert_true(strlen(o.reason) > 5);
		http_conf_clear(&hc);
	}
}

static void
test_classify_reason_bounds(void **state)
{
	struct verdict_case	 vc = { 0 };
	struct http_conf	 hc;
	struct http_response	 r;
	struct http_outcome	 o;
	char			*body;
	size_t			 i, n;

	(void)state;
	resolved(&vc, &hc);
	body = malloc(2100);
	assert_non_null(body);
	n = (size_t)snprintf(body, 2100, "{\"code\":7,\"message\":\"");
	for (i = 0; i < 2000; i++)
		body[n++] = 'x';
	memcpy(body + n, "\"}", 3);
	memset(&r, 0, sizeof(r));
	r.status = 422;
	r.body = body;
	r.len = strlen(body);
	http_classify(&hc, &r, &o);
	assert_int_equal(o.result, SMS_PERMFAIL);
	assert_int_equal(strlen(o.reason), HTTP_REASON_MAX);
	assert_string_equal(o.reason + HTTP_REASON_MAX - 9, " (code 7)");
	assert_memory_equal(o.reason, "HTTP 422: xxx", 13);
	free(body);

	/* controls, quotes, backslashes and non-ASCII never reach a log line */
	body = "{\"message\":\"a\\n\\tb  \\\"c\\\" \\\\ \xc3\xbc\\u0007z\"}";
	r.body = body;
	r.len = strlen(body);
	http_classify(&hc, &r, &o);
	assert_string_equal(o.reason, "HTTP 422: a b 'c' / ? z");
	for (i = 0; o.reason[i] != '\0'; i++)
		assert_true(o.reason[i] >= 0x20 && o.reason[i] < 0x7f);

	/* the id too */
	r.status = 200;
	body = "{\"id\":\"a\\nb\"}";
	r.body = body;
	r.len = strlen(body);
	http_classify(&hc, &r, &o);
	assert_int_equal(o.result, SMS_SENT);
	assert_string_equal(o.provider_id, "a b");
	http_conf_clear(&hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand_placeholders),
		cmocka_unit_test(test_expand_url),
		cmocka_unit_test(test_expand_unknown),
		cmocka_unit_test(test_form_encode),
		cmocka_unit_test(test_body_json),
		cmocka_unit_test(test_body_form),
		cmocka_unit_test(test_resolve_twilio),
		cmocka_unit_test(test_resolve_generic),
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_reason_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
