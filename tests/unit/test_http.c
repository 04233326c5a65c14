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
	"GSM-7", "AC0001", 2, NULL
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
	assert_int_equal(out.nfields, 4);
	assert_string_equal(out.fields[0].key, "To");
	assert_string_equal(out.fields[2].key, "Body");
	assert_string_equal(out.fields[2].value, "{text}");
	/* the report URL, left out while there is none */
	assert_string_equal(out.fields[3].key, "StatusCallback");
	assert_string_equal(out.fields[3].value, "{callback}");
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
	assert_int_equal(out.nfields, 4);
	assert_string_equal(out.fields[1].key, "from");
	/* the client reference, so a re-send after a crash can be matched */
	assert_string_equal(out.fields[3].key, "reference");
	assert_string_equal(out.fields[3].value, "{ref}");
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
	  SMS_BLOCKED, "", "HTTP 400: Attempt to send to unsubscribed "
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
	  "\"Attempt to send to unsubscribed recipient\"}", 0, SMS_BLOCKED,
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

/* profile_conf - a resolved configuration of a fixed-format profile */
static void
profile_conf(const char *profile, struct http_conf *out)
{
	struct http_conf	 in = { 0 };
	char			 err[256];

	in.profile = (char *)(uintptr_t)profile;
	in.user = "KEY1";
	in.password = "SECRET1";
	if (http_conf_resolve(&in, out, err, sizeof(err)) != 0)
		fail_msg("%s: %s", profile, err);
}

struct body_case {
	const char	*profile;
	const char	*encoding;
	const char	*text;
	const char	*url;
	enum http_auth	 auth;
	const char	*body;		/* exact */
};

static const struct body_case bodies[] = {
	{ "vonage", "GSM-7", "Hi & bye", "https://rest.nexmo.com/sms/json",
	  HTTP_AUTH_NONE, "api_key=KEY1&api_secret=SECRET1&to=4917012345678&"
	  "from=Service&text=Hi+%26+bye&type=text&"
	  "client-ref=0123456789ABCDEF.0" },
	{ "vonage", "UCS-2", "\xd0\x9f\xd1\x80\xd0\xb8",
	  "https://rest.nexmo.com/sms/json", HTTP_AUTH_NONE,
	  "api_key=KEY1&api_secret=SECRET1&to=4917012345678&from=Service&"
	  "text=%D0%9F%D1%80%D0%B8&type=unicode&"
	  "client-ref=0123456789ABCDEF.0" },
	{ "messagebird", "UCS-2", "\xd0\x9f\xd1\x80\xd0\xb8",
	  "https://rest.messagebird.com/messages", HTTP_AUTH_NONE,
	  "{\"recipients\":[\"4917012345678\"],\"originator\":\"Service\","
	  "\"body\":\"\xd0\x9f\xd1\x80\xd0\xb8\",\"datacoding\":\"unicode\","
	  "\"reference\":\"0123456789ABCDEF.0\"}" },
	{ "messagebird", "GSM-7", "Hi", "https://rest.messagebird.com/messages",
	  HTTP_AUTH_NONE, "{\"recipients\":[\"4917012345678\"],"
	  "\"originator\":\"Service\",\"body\":\"Hi\",\"datacoding\":\"plain\","
	  "\"reference\":\"0123456789ABCDEF.0\"}" },
	{ "sinch", "GSM-7", "Hi", "https://us.sms.api.sinch.com/xms/v1/{user}/"
	  "batches", HTTP_AUTH_NONE, "{\"to\":[\"+4917012345678\"],"
	  "\"from\":\"Service\",\"body\":\"Hi\","
	  "\"client_reference\":\"0123456789ABCDEF.0\"}" },
	{ "infobip", "GSM-7", "Hi", "https://api.infobip.com/sms/3/messages",
	  HTTP_AUTH_NONE, "{\"messages\":[{\"sender\":\"Service\","
	  "\"destinations\":[{\"to\":\"4917012345678\","
	  "\"messageId\":\"0123456789ABCDEF.0\"}],"
	  "\"content\":{\"text\":\"Hi\"}}]}" },
	{ "plivo", "GSM-7", "Hi", "https://api.plivo.com/v1/Account/{user}/"
	  "Message/", HTTP_AUTH_BASIC, "{\"src\":\"Service\","
	  "\"dst\":\"4917012345678\",\"text\":\"Hi\",\"type\":\"sms\"}" },
};

static void
test_profile_bodies(void **state)
{
	struct http_conf	 hc;
	struct http_vars	 v = sample;
	char			*body;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		profile_conf(bodies[i].profile, &hc);
		assert_string_equal(hc.url, bodies[i].url);
		assert_int_equal(hc.auth, bodies[i].auth);
		v.encoding = bodies[i].encoding;
		v.text = bodies[i].text;
		body = http_body(&hc, &v, &len);
		assert_non_null(body);
		if (strcmp(body, bodies[i].body) != 0)
			fail_msg("%s:\n got %s\nwant %s", bodies[i].profile,
			    body, bodies[i].body);
		assert_int_equal(len, strlen(body));
		free(body);
		http_conf_clear(&hc);
	}
}

/*
 * test_profile_callback - the report URL goes where each provider takes
 * one per message (the bodies without one are test_profile_bodies')
 */
static void
test_profile_callback(void **state)
{
	static const struct {
		const char	*profile;
		const char	*part;
	} want[] = {
		{ "twilio", "&StatusCallback=https%3A%2F%2Fsms.example.com%2F"
		  "report%2Fb" },
		{ "vonage", "&callback=https%3A%2F%2Fsms.example.com%2Freport"
		  "%2Fb" },
		{ "messagebird", "\"reportUrl\":\"https://sms.example.com/"
		  "report/b\"" },
		{ "sinch", "\"delivery_report\":\"per_recipient\","
		  "\"callback_url\":\"https://sms.example.com/report/b\"" },
		{ "infobip", "\"webhooks\":{\"delivery\":{\"url\":"
		  "\"https://sms.example.com/report/b\"},\"contentType\":"
		  "\"application/json\"}" },
		{ "plivo", "\"url\":\"https://sms.example.com/report/b\","
		  "\"method\":\"POST\"" },
	};
	struct http_conf	 hc;
	struct http_vars	 v = sample;
	char			*body;
	size_t			 i, len;

	(void)state;
	v.callback = "https://sms.example.com/report/b";
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		profile_conf(want[i].profile, &hc);
		body = http_body(&hc, &v, &len);
		assert_non_null(body);
		if (strstr(body, want[i].part) == NULL)
			fail_msg("%s: no %s in %s", want[i].profile,
			    want[i].part, body);
		free(body);
		http_conf_clear(&hc);
	}
}

static void
test_profile_extra_fields(void **state)
{
	struct kv		 extra[] = { { "validity", "86400" } };
	struct http_conf	 in = { 0 }, hc;
	char			*body, err[256];
	size_t			 len;

	(void)state;
	in.profile = "infobip";
	in.password = "K";
	in.fields = extra;
	in.nfields = 1;
	assert_int_equal(http_conf_resolve(&in, &hc, err, sizeof(err)), 0);
	body = http_body(&hc, &sample, &len);
	assert_non_null(body);
	/* into the message object, next to the destinations */
	assert_non_null(strstr(body, "\"content\":{\"text\":\"Hi there\"},"
	    "\"validity\":\"86400\"}]}"));
	free(body);
	http_conf_clear(&hc);

	in.profile = "vonage";
	in.user = NULL;
	assert_int_equal(http_conf_resolve(&in, &hc, err, sizeof(err)), -1);
	assert_string_equal(err, "backend.user is required for the vonage "
	    "profile (the API key)");
	in.profile = "messagebird";
	in.password = NULL;
	assert_int_equal(http_conf_resolve(&in, &hc, err, sizeof(err)), -1);
	assert_string_equal(err, "backend.password is required for the "
	    "messagebird profile (the access key)");
}

struct profile_verdict {
	const char	*profile;
	long		 status;
	const char	*body;
	enum sms_result	 want;
	const char	*want_id;
	size_t		 want_parts;
	const char	*want_reason;
};

static const struct profile_verdict pverdicts[] = {
	/* Vonage: 200 always, the status of each part decides */
	{ "vonage", 200, "{\"message-count\":\"2\",\"messages\":[{\"to\":"
	  "\"4917012345678\",\"message-id\":\"0A0000001\",\"status\":\"0\","
	  "\"remaining-balance\":\"3.1\",\"message-price\":\"0.03\","
	  "\"network\":\"26201\",\"client-ref\":\"Q.0\"},{\"to\":"
	  "\"4917012345678\",\"message-id\":\"0A0000002\",\"status\":\"0\"}]}",
	  SMS_SENT, "0A0000001", 2, "" },
	{ "vonage", 200, "{\"message-count\":\"1\",\"messages\":[{\"status\":"
	  "\"1\",\"error-text\":\"Throughput Rate Exceeded - please wait "
	  "[ 30 ] and retry\"}]}", SMS_THROTTLED, "", 0, "HTTP 200: "
	  "Throughput Rate Exceeded - please wait [ 30 ] and retry (code 1)" },
	{ "vonage", 200, "{\"message-count\":\"1\",\"messages\":[{\"status\":"
	  "\"6\",\"error-text\":\"Unroutable message - rejected\"}]}",
	  SMS_BADNUMBER, "", 0, NULL },
	{ "vonage", 200, "{\"message-count\":\"1\",\"messages\":[{\"status\":"
	  "\"7\",\"error-text\":\"Number barred\"}]}", SMS_BLOCKED, "", 0,
	  "HTTP 200: Number barred (code 7)" },
	{ "vonage", 200, "{\"message-count\":\"1\",\"messages\":[{\"status\":"
	  "\"15\",\"error-text\":\"Illegal Sender Address - rejected\"}]}",
	  SMS_PERMFAIL, "", 0, NULL },
	{ "vonage", 200, "{\"message-count\":\"1\",\"messages\":[{\"status\":"
	  "\"9\",\"error-text\":\"Partner quota exceeded\"}]}", SMS_TEMPFAIL,
	  "", 0, NULL },
	/* the second part failed: the SMS is retried whole */
	{ "vonage", 200, "{\"message-count\":\"2\",\"messages\":[{\"status\":"
	  "\"0\",\"message-id\":\"X1\"},{\"status\":\"5\",\"error-text\":"
	  "\"Internal Error\"}]}", SMS_TEMPFAIL, "", 0, NULL },
	{ "vonage", 401, "{\"type\":\"https://developer.nexmo.com/api-errors#"
	  "unauthorized\",\"title\":\"Unauthorized\"}", SMS_PERMFAIL, "", 0,
	  "HTTP 401" },
	{ "vonage", 503, "", SMS_TEMPFAIL, "", 0, "HTTP 503" },
	/* MessageBird */
	{ "messagebird", 201, "{\"id\":\"e8077d803532c0b5937c639b60216938\","
	  "\"href\":\"https://rest.messagebird.com/messages/e8077d803532c0b5937c"
	  "639b60216938\",\"direction\":\"mt\",\"reference\":\"Q.0\"}",
	  SMS_SENT, "e8077d803532c0b5937c639b60216938", 0, "" },
	{ "messagebird", 422, "{\"errors\":[{\"code\":9,\"description\":"
	  "\"no (correct) recipients found\",\"parameter\":\"recipient\"}]}",
	  SMS_BADNUMBER, "", 0, "HTTP 422: no (correct) recipients found "
	  "(code 9)" },
	{ "messagebird", 401, "{\"errors\":[{\"code\":2,\"description\":"
	  "\"Request not allowed (incorrect access_key)\",\"parameter\":"
	  "\"access_key\"}]}", SMS_PERMFAIL, "", 0, NULL },
	{ "messagebird", 402, "{\"errors\":[{\"code\":25,\"description\":"
	  "\"Not enough balance\",\"parameter\":null}]}", SMS_TEMPFAIL, "", 0,
	  NULL },
	/* Sinch */
	{ "sinch", 201, "{\"id\":\"01FC66621XXXXX119Z8PMV1QPQ\",\"to\":["
	  "\"+4917012345678\"],\"from\":\"Service\",\"canceled\":false,"
	  "\"body\":\"Hi\",\"type\":\"mt_text\",\"client_reference\":\"Q.0\"}",
	  SMS_SENT, "01FC66621XXXXX119Z8PMV1QPQ", 0, "" },
	{ "sinch", 400, "{\"code\":\"syntax_invalid_parameter_format\","
	  "\"text\":\"Invalid MSISDN format in 'to'\"}", SMS_BADNUMBER, "", 0,
	  "HTTP 400: Invalid MSISDN format in 'to' (code "
	  "syntax_invalid_parameter_format)" },
	{ "sinch", 403, "{\"code\":\"illegal_number_type\",\"text\":"
	  "\"Illegal number type\"}", SMS_BADNUMBER, "", 0, NULL },
	{ "sinch", 403, "{\"code\":\"blocked_account\",\"text\":\"Account "
	  "blocked\"}", SMS_PERMFAIL, "", 0, NULL },
	{ "sinch", 400, "{\"code\":\"syntax_invalid_parameter_format\","
	  "\"text\":\"Invalid value for 'expire_at'\"}", SMS_PERMFAIL, "", 0,
	  NULL },
	/* Infobip */
	{ "infobip", 200, "{\"bulkId\":\"2034072219640523072\",\"messages\":"
	  "[{\"messageId\":\"Q.0\",\"status\":{\"groupId\":1,\"groupName\":"
	  "\"PENDING\",\"id\":26,\"name\":\"PENDING_ACCEPTED\",\"description\":"
	  "\"Message sent to next instance\"},\"destination\":"
	  "\"4917012345678\",\"details\":{\"messageCount\":1}}]}", SMS_SENT,
	  "Q.0", 0, "" },
	{ "infobip", 200, "{\"messages\":[{\"messageId\":\"Q.0\",\"status\":{"
	  "\"groupId\":5,\"groupName\":\"REJECTED\",\"id\":14,\"name\":"
	  "\"REJECTED_DESTINATION\",\"description\":\"Message rejected, "
	  "destination blocklisted\"}}]}", SMS_BLOCKED, "", 0, "HTTP 200: "
	  "Message rejected, destination blocklisted (code "
	  "REJECTED_DESTINATION)" },
	{ "infobip", 200, "{\"messages\":[{\"status\":{\"groupId\":5,"
	  "\"groupName\":\"REJECTED\",\"id\":8,\"name\":"
	  "\"REJECTED_PREFIX_MISSING\",\"description\":\"Number prefix "
	  "missing\"}}]}", SMS_BADNUMBER, "", 0, NULL },
	{ "infobip", 200, "{\"messages\":[{\"status\":{\"groupId\":5,"
	  "\"groupName\":\"REJECTED\",\"id\":12,\"name\":"
	  "\"REJECTED_NOT_ENOUGH_CREDITS\",\"description\":\"Not enough "
	  "credits\"}}]}", SMS_TEMPFAIL, "", 0, NULL },
	{ "infobip", 200, "{\"messages\":[{\"status\":{\"groupId\":5,"
	  "\"groupName\":\"REJECTED\",\"id\":13,\"name\":\"REJECTED_SENDER\","
	  "\"description\":\"Sender rejected\"}}]}", SMS_PERMFAIL, "", 0,
	  NULL },
	{ "infobip", 401, "{\"errorCode\":\"E401\",\"description\":"
	  "\"Unauthorized\"}", SMS_PERMFAIL, "", 0, "HTTP 401: Unauthorized "
	  "(code E401)" },
	/* Plivo */
	{ "plivo", 202, "{\"message\":\"message(s) queued\",\"message_uuid\":"
	  "[\"db3ce55a-7f1d-11e1-8ea7-1231380bc196\"],\"api_id\":"
	  "\"db342550-7f1d-11e1-8ea7-1231380bc196\"}", SMS_SENT,
	  "db3ce55a-7f1d-11e1-8ea7-1231380bc196", 1, "" },
	{ "plivo", 400, "{\"api_id\":\"x\",\"error\":\"invalid 'dst' "
	  "parameter\"}", SMS_BADNUMBER, "", 0, NULL },
	{ "plivo", 401, "{\"api_id\":\"x\",\"error\":\"not authorized\"}",
	  SMS_PERMFAIL, "", 0, "HTTP 401: not authorized" },
	{ "plivo", 500, "{\"api_id\":\"x\",\"error\":\"internal error\"}",
	  SMS_TEMPFAIL, "", 0, NULL },
};

static void
test_profile_classify(void **state)
{
	const struct profile_verdict	*pv;
	struct http_conf		 hc;
	struct http_response		 r;
	struct http_outcome		 o;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(pverdicts) / sizeof(pverdicts[0]); i++) {
		pv = &pverdicts[i];
		profile_conf(pv->profile, &hc);
		memset(&r, 0, sizeof(r));
		r.status = pv->status;
		r.body = pv->body;
		r.len = strlen(pv->body);
		http_classify(&hc, &r, &o);
		if (o.result != pv->want)
			fail_msg("case %zu (%s %ld): result %s, want %s (%s)",
			    i, pv->profile, pv->status,
			    sms_result_name(o.result),
			    sms_result_name(pv->want), o.reason);
		assert_string_equal(o.provider_id, pv->want_id);
		assert_int_equal(o.npart_ids, pv->want_parts);
		if (pv->want_parts > 0)
			assert_string_equal(o.part_ids[0], pv->want_id);
		if (pv->want_reason != NULL)
			assert_string_equal(o.reason, pv->want_reason);
		else
			assert_true(strlen(o.reason) > 10);
		http_conf_clear(&hc);
	}
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
		cmocka_unit_test(test_profile_bodies),
		cmocka_unit_test(test_profile_callback),
		cmocka_unit_test(test_profile_extra_fields),
		cmocka_unit_test(test_profile_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
