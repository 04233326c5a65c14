/*
 * test_callback.c - the providers' delivery report callbacks: each
 * profile's signature check against vectors made with the provider's
 * published algorithm (by the Python below, not by our code), its parser,
 * the parameter and time readers and the report URL.
 *
 * The vectors come from this Python 3, run once:
 *   import hmac, hashlib, base64, json, urllib.parse as up
 *   H = lambda k, m, d: hmac.new(k, m.encode(), d)
 *   twilio: base64(H(b"twtoken0123", URL + "".join(k + v for k, v in
 *     sorted(form)), sha1).digest())
 *   vonage: s = "".join("&%s=%s" % (k, v.replace("&", "_").replace("=",
 *     "_")) for k, v in sorted(params)); H(b"vonageSigSecret", s,
 *     sha256).hexdigest().upper(); md5((s + "vonageSigSecret")).hexdigest()
 *   messagebird: header {"alg":"HS256","typ":"JWT"}, claims {"iss":
 *     "MessageBird", "nbf": 1714746400, "exp": 1714746700, "jti": "1",
 *     "url_hash": sha256(URL).hexdigest()}, base64url without padding,
 *     signed with H(b"mbSigningKey0123", h + "." + c, sha256)
 *   sinch: base64(H(b"sinchHmacSecret", body + ".nonce01.1714746417",
 *     sha256).digest())
 *   plivo: base64(H(b"plivoAuthToken0123", URL + "?" + "".join(k + v for
 *     k, v in sorted(form)) + ".nonce42", sha256).digest())
 *   token: H(b"genericSecret", "smsrelay report gen", sha256).hexdigest()[:32]
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

#include "sms/transport/callback/callback.h"
#include "sms/transport/callback/cb_util.h"

#define NOW		1714746500	/* 2024-05-03T14:28:20Z */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct callback_header	 hdrs[8];

/* request - a callback of method to url with a body of content type ct */
static struct callback_request
request(const char *method, const char *url, const char *ct,
    const char *body)
{
	struct callback_request	 r;
	const char		*q = strchr(url, '?');

	memset(&r, 0, sizeof(r));
	memset(hdrs, 0, sizeof(hdrs));
	r.method = method;
	r.url = url;
	r.query = q != NULL ? q + 1 : NULL;
	r.body = body;
	r.len = strlen(body);
	r.now = NOW;
	r.headers = hdrs;
	if (ct != NULL) {
		hdrs[0].name = "Content-Type";
		hdrs[0].value = ct;
		r.nheaders = 1;
	}
	return r;
}

/* header - one more header of r */
static void
header(struct callback_request *r, const char *name, const char *value)
{
	assert_true(r->nheaders < NELEM(hdrs));
	hdrs[r->nheaders].name = name;
	hdrs[r->nheaders].value = value;
	r->nheaders++;
}

/* verified - what the profile's check says of r with these keys */
static int
verified(const char *profile, const struct callback_request *r,
    const char *password, const char *secret, const char *backend)
{
	const struct callback_profile	*p = callback_profile_find(profile);
	struct callback_keys		 k = { backend, NULL, password, secret };
	const char			*why = NULL;
	int				 rc;

	assert_non_null(p);
	rc = p->verify(r, &k, &why);
	if (rc == -1)
		assert_non_null(why);
	return rc;
}

/* parsed - the one report the profile reads in r */
static void
parsed(const char *profile, const struct callback_request *r,
    struct callback_report *out)
{
	const struct callback_profile	*p = callback_profile_find(profile);
	const char			*why;

	assert_non_null(p);
	assert_int_equal(p->parse(r, out, 1, &why), 1);
}

#define TW_URL	"https://sms.example.com/report/tw"
#define TW_BODY	"MessageSid=SM0123&MessageStatus=undelivered&ErrorCode=30003" \
		"&To=%2B4917012345678&AccountSid=AC1"
#define TW_FORM	"application/x-www-form-urlencoded"

static void
test_twilio(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;

	(void)state;
	r = request("POST", TW_URL, TW_FORM, TW_BODY);
	header(&r, "X-Twilio-Signature", "8EMusmNr6oBlI/K04Dve+oPjujw=");
	assert_int_equal(verified("twilio", &r, "twtoken0123", NULL, "tw"), 0);
	/* another auth token, another URL, a changed parameter */
	assert_int_equal(verified("twilio", &r, "twtoken0124", NULL, "tw"), -1);
	r.url = TW_URL "x";
	assert_int_equal(verified("twilio", &r, "twtoken0123", NULL, "tw"), -1);
	r.url = TW_URL;
	r.body = "MessageSid=SM0123&MessageStatus=delivered&ErrorCode=30003"
	    "&To=%2B4917012345678&AccountSid=AC1";
	r.len = strlen(r.body);
	assert_int_equal(verified("twilio", &r, "twtoken0123", NULL, "tw"), -1);
	/* no signature at all */
	r = request("POST", TW_URL, TW_FORM, TW_BODY);
	assert_int_equal(verified("twilio", &r, "twtoken0123", NULL, "tw"), -1);

	parsed("twilio", &r, &rep);
	assert_string_equal(rep.id, "SM0123");
	assert_string_equal(rep.ref, "");
	assert_int_equal(rep.state, SMS_REPORT_UNDELIVERABLE);
	assert_string_equal(rep.raw, "X-Twilio; undelivered 30003");
	/* carrier filtering: refused, not unreachable */
	r = request("POST", TW_URL, TW_FORM, "MessageSid=SM1&MessageStatus="
	    "undelivered&ErrorCode=30007");
	parsed("twilio", &r, &rep);
	assert_int_equal(rep.state, SMS_REPORT_REJECTED);
	r = request("POST", TW_URL, TW_FORM, "MessageSid=SM1&MessageStatus="
	    "sent");
	parsed("twilio", &r, &rep);
	assert_int_equal(rep.state, SMS_REPORT_ENROUTE);
	assert_string_equal(rep.raw, "X-Twilio; sent");
	r = request("POST", TW_URL, TW_FORM, "MessageSid=SM1&MessageStatus="
	    "delivered");
	parsed("twilio", &r, &rep);
	assert_int_equal(rep.state, SMS_REPORT_DELIVERED);
}

#define VO_URL	"https://sms.example.com/report/vo?messageId=0A0000001&status=" \
		"delivered&err-code=0&client-ref=0660F81A4616D400.0&message-" \
		"timestamp=2024-05-03+14%3A26%3A57&timestamp=1714746417&nonce=" \
		"x%26y%3Dz&sig="

static void
test_vonage(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;

	(void)state;
	r = request("GET", VO_URL "C3EB587134072B199CDD52F7D33FC1A537FE8181"
	    "C9276037D0BF9400FDBA7CBD", NULL, "");
	assert_int_equal(verified("vonage", &r, NULL, "vonageSigSecret", "vo"),
	    0);
	assert_int_equal(verified("vonage", &r, NULL, "vonageSigSecreT", "vo"),
	    -1);
	/* the md5hash method, any case */
	r = request("GET", VO_URL "B797D9D0946E1F4167C7A1F041395B74", NULL, "");
	assert_int_equal(verified("vonage", &r, NULL, "vonageSigSecret", "vo"),
	    0);
	r = request("GET", VO_URL "b797d9d0946e1f4167c7a1f041395b75", NULL, "");
	assert_int_equal(verified("vonage", &r, NULL, "vonageSigSecret", "vo"),
	    -1);
	/* no sig parameter */
	r = request("GET", "https://sms.example.com/report/vo?messageId=1&"
	    "status=delivered", NULL, "");
	assert_int_equal(verified("vonage", &r, NULL, "vonageSigSecret", "vo"),
	    -1);

	r = request("GET", VO_URL "00", NULL, "");
	parsed("vonage", &r, &rep);
	assert_string_equal(rep.id, "0A0000001");
	assert_string_equal(rep.ref, "0660F81A4616D400.0");
	assert_int_equal(rep.state, SMS_REPORT_DELIVERED);
	assert_int_equal(rep.when, 1714746417);
	assert_string_equal(rep.raw, "X-Vonage; delivered 0");
	/* the same receipt as a JSON POST */
	r = request("POST", "https://sms.example.com/report/vo",
	    "application/json", "{\"messageId\":\"0A0000002\",\"status\":"
	    "\"expired\",\"err-code\":\"5\",\"client-ref\":\"X.1\"}");
	parsed("vonage", &r, &rep);
	assert_string_equal(rep.id, "0A0000002");
	assert_int_equal(rep.state, SMS_REPORT_EXPIRED);
	assert_int_equal(rep.when, 0);
}

#define MB_URL	"https://sms.example.com/report/mb?id=e8077d803532c0b5937c" \
		"639b60216938&reference=0660F81A4616D400.0&recipient=" \
		"4917012345678&status=delivered&statusDatetime=2024-05-03T14" \
		"%3A26%3A57%2B00%3A00"
#define MB_JWT	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmly" \
		"ZCIsIm5iZiI6MTcxNDc0NjQwMCwiZXhwIjoxNzE0NzQ2NzAwLCJqdGkiOiIx" \
		"IiwidXJsX2hhc2giOiIyMjdjOWQ2ZDBiYjg4OWYyYzcwMzdmOGNlYTc5ZjAy" \
		"NWYyOGE5NDI4MTY0Y2NhZmIwYjM3MTg4ZmVjYWE2MDAwIn0.QobPEcYz-5N5" \
		"OfY58vpB4eDz5eLx8hNBPnCkz4PA5X4"

static void
test_messagebird(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;

	(void)state;
	r = request("GET", MB_URL, NULL, "");
	header(&r, "MessageBird-Signature-JWT", MB_JWT);
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0123",
	    "mb"), 0);
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0124",
	    "mb"), -1);
	/* expired: exp + the skew is past */
	r.now = 1714746700 + CALLBACK_SKEW + 1;
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0123",
	    "mb"), -1);
	/* another URL (the status changed on the way) */
	r = request("GET", "https://sms.example.com/report/mb?id=e8077d80353"
	    "2c0b5937c639b60216938&status=delivery_failed", NULL, "");
	header(&r, "MessageBird-Signature-JWT", MB_JWT);
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0123",
	    "mb"), -1);
	/* a body the claims do not cover */
	r = request("POST", MB_URL, "application/json", "{}");
	header(&r, "MessageBird-Signature-JWT", MB_JWT);
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0123",
	    "mb"), -1);
	/* "alg": "none" is never accepted */
	r = request("GET", MB_URL, NULL, "");
	header(&r, "MessageBird-Signature-JWT", "eyJhbGciOiJub25lIn0."
	    "eyJpc3MiOiJNZXNzYWdlQmlyZCJ9.");
	assert_int_equal(verified("messagebird", &r, NULL, "mbSigningKey0123",
	    "mb"), -1);

	r = request("GET", MB_URL, NULL, "");
	parsed("messagebird", &r, &rep);
	assert_string_equal(rep.id, "e8077d803532c0b5937c639b60216938");
	assert_string_equal(rep.ref, "0660F81A4616D400.0");
	assert_int_equal(rep.state, SMS_REPORT_DELIVERED);
	assert_int_equal(rep.when, 1714746417);
	r = request("GET", "https://x/report/mb?id=1&status=delivery_failed&"
	    "statusErrorCode=104", NULL, "");
	parsed("messagebird", &r, &rep);
	assert_int_equal(rep.state, SMS_REPORT_UNDELIVERABLE);
	assert_string_equal(rep.raw, "X-MessageBird; delivery_failed 104");
}

#define SI_BODY	"{\"type\":\"recipient_delivery_report_sms\",\"batch_id\":" \
		"\"01FC66621XXXXX119Z8PM00001\",\"recipient\":\"+4917012345678\"," \
		"\"code\":401,\"status\":\"Dispatched\",\"at\":" \
		"\"2024-05-03T14:26:57.123Z\",\"client_reference\":" \
		"\"0660F81A4616D400.0\"}"

static void
test_sinch(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;
	const struct callback_profile *p = callback_profile_find("sinch");
	const char		*why;

	(void)state;
	r = request("POST", "https://sms.example.com/report/si",
	    "application/json", SI_BODY);
	header(&r, "x-sinch-webhook-signature",
	    "znzu4gCxoZC3N3WnHLpnlWg3kkvjatO54FK5m/7/Z5M=");
	header(&r, "X-Sinch-Webhook-Signature-Nonce", "nonce01");
	header(&r, "x-sinch-webhook-signature-timestamp", "1714746417");
	header(&r, "x-sinch-webhook-signature-algorithm", "HmacSHA256");
	assert_int_equal(verified("sinch", &r, NULL, "sinchHmacSecret", "si"),
	    0);
	assert_int_equal(verified("sinch", &r, NULL, "sinchHmacSecreT", "si"),
	    -1);
	hdrs[3].value = "1714746418";
	assert_int_equal(verified("sinch", &r, NULL, "sinchHmacSecret", "si"),
	    -1);
	hdrs[3].value = "1714746417";
	hdrs[4].value = "HmacMD5";
	assert_int_equal(verified("sinch", &r, NULL, "sinchHmacSecret", "si"),
	    -1);
	r.nheaders = 2;
	assert_int_equal(verified("sinch", &r, NULL, "sinchHmacSecret", "si"),
	    -1);

	parsed("sinch", &r, &rep);
	assert_string_equal(rep.id, "01FC66621XXXXX119Z8PM00001");
	assert_string_equal(rep.ref, "0660F81A4616D400.0");
	assert_int_equal(rep.state, SMS_REPORT_ENROUTE);
	assert_int_equal(rep.when, 1714746417);
	assert_string_equal(rep.raw, "X-Sinch; Dispatched 401");
	/* a batch summary reports no recipient */
	r = request("POST", "https://x/report/si", "application/json",
	    "{\"type\":\"delivery_report_sms\",\"batch_id\":\"B\"}");
	assert_int_equal(p->parse(&r, &rep, 1, &why), 0);
}

static void
test_infobip(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep[4];
	const struct callback_profile *p = callback_profile_find("infobip");
	const char		*why;

	(void)state;
	r = request("POST", "https://x/report/ib/b3154aa0b267aa9e8b564c531fb342e6",
	    "application/json", "{\"results\":[{\"messageId\":\"Q.0\","
	    "\"doneAt\":\"2019-11-09T17:00:00.000+0100\",\"status\":{"
	    "\"groupName\":\"DELIVERED\",\"name\":\"DELIVERED_TO_HANDSET\"},"
	    "\"error\":{\"id\":0,\"name\":\"NO_ERROR\"}},{\"messageId\":\"Q.1\","
	    "\"status\":{\"groupName\":\"UNDELIVERABLE\",\"name\":"
	    "\"UNDELIVERABLE_NOT_DELIVERED\"},\"error\":{\"id\":27,\"name\":"
	    "\"EC_ABSENT_SUBSCRIBER\"}},{\"messageId\":\"Q.2\"}]}");
	r.token = "b3154aa0b267aa9e8b564c531fb342e6";
	assert_int_equal(verified("infobip", &r, NULL, "infobipSecret", "ib"),
	    0);
	/* the token of another backend, of another secret, none */
	assert_int_equal(verified("infobip", &r, NULL, "infobipSecret", "ib2"),
	    -1);
	assert_int_equal(verified("infobip", &r, NULL, "infobipSecreT", "ib"),
	    -1);
	r.token = NULL;
	assert_int_equal(verified("infobip", &r, NULL, "infobipSecret", "ib"),
	    -1);

	assert_int_equal(p->parse(&r, rep, NELEM(rep), &why), 2);
	assert_string_equal(rep[0].id, "Q.0");
	assert_string_equal(rep[0].ref, "Q.0");
	assert_int_equal(rep[0].state, SMS_REPORT_DELIVERED);
	assert_int_equal(rep[0].when, 1573315200);
	assert_string_equal(rep[0].raw, "X-Infobip; DELIVERED_TO_HANDSET");
	assert_int_equal(rep[1].state, SMS_REPORT_UNDELIVERABLE);
	assert_string_equal(rep[1].raw,
	    "X-Infobip; UNDELIVERABLE_NOT_DELIVERED EC_ABSENT_SUBSCRIBER");
	/* no more than asked for */
	assert_int_equal(p->parse(&r, rep, 1, &why), 1);
}

#define PL_URL	"https://sms.example.com/report/pl"
#define PL_BODY	"MessageUUID=db3ce55a-7f1d-11e1-8ea7-1231380bc196&Status=" \
		"undelivered&ErrorCode=200&To=4917012345678"

static void
test_plivo(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;

	(void)state;
	r = request("POST", PL_URL, TW_FORM, PL_BODY);
	header(&r, "X-Plivo-Signature-V3",
	    "5jZJn4PweAmneXaviuB1lZGWtBXNPIb6GYFYzE7nUM8=");
	header(&r, "X-Plivo-Signature-V3-Nonce", "nonce42");
	assert_int_equal(verified("plivo", &r, "plivoAuthToken0123", NULL,
	    "pl"), 0);
	assert_int_equal(verified("plivo", &r, "plivoAuthToken0124", NULL,
	    "pl"), -1);
	/* one of several signatures (a rotated token) */
	hdrs[1].value = "c29tZXRoaW5nIGVsc2U=,"
	    "5jZJn4PweAmneXaviuB1lZGWtBXNPIb6GYFYzE7nUM8=";
	assert_int_equal(verified("plivo", &r, "plivoAuthToken0123", NULL,
	    "pl"), 0);
	hdrs[2].value = "nonce43";
	assert_int_equal(verified("plivo", &r, "plivoAuthToken0123", NULL,
	    "pl"), -1);

	parsed("plivo", &r, &rep);
	assert_string_equal(rep.id, "db3ce55a-7f1d-11e1-8ea7-1231380bc196");
	assert_int_equal(rep.state, SMS_REPORT_UNDELIVERABLE);
	assert_string_equal(rep.raw, "X-Plivo; undelivered 200");
}

static void
test_generic(void **state)
{
	struct callback_request	 r;
	struct callback_report	 rep;

	(void)state;
	r = request("POST", "https://x/report/gen/t", TW_FORM,
	    "reference=0660F81A4616D400.0&status=Delivered&timestamp="
	    "1714746417");
	r.token = "ea8853c0d1c4ca506b9e45bcb5ea5c06";
	assert_int_equal(verified("generic", &r, NULL, "genericSecret", "gen"),
	    0);
	r.token = "ea8853c0d1c4ca506b9e45bcb5ea5c07";
	assert_int_equal(verified("generic", &r, NULL, "genericSecret", "gen"),
	    -1);
	parsed("generic", &r, &rep);
	assert_string_equal(rep.id, "0660F81A4616D400.0");
	assert_int_equal(rep.state, SMS_REPORT_DELIVERED);
	assert_int_equal(rep.when, 1714746417);
	r = request("GET", "https://x/report/gen?id=P1&status=rejected&error="
	    "blocked", NULL, "");
	parsed("generic", &r, &rep);
	assert_string_equal(rep.id, "P1");
	assert_int_equal(rep.state, SMS_REPORT_REJECTED);
	assert_string_equal(rep.raw, "X-Generic; rejected blocked");
}

/* test_parse_refusals - what no profile takes as a report */
static void
test_parse_refusals(void **state)
{
	static const struct {
		const char	*profile, *ct, *body;
	} bad[] = {
		{ "twilio", TW_FORM, "MessageStatus=delivered" },
		{ "twilio", TW_FORM, "MessageSid=S&MessageStatus=lost" },
		{ "twilio", "application/json", "{\"MessageSid\":\"S\"}" },
		{ "vonage", TW_FORM, "messageId=1&status=wonderful" },
		{ "sinch", "application/json", "[1, 2]" },
		{ "sinch", "application/json", "{\"type\":\"mo_text\"}" },
		{ "infobip", "application/json", "{\"results\": 7}" },
		{ "infobip", TW_FORM, "results=1" },
		{ "plivo", TW_FORM, "Status=delivered" },
		{ "generic", TW_FORM, "id=1" },
		{ "generic", TW_FORM, "id=1&status=%00" },
	};
	struct callback_request	 r;
	struct callback_report	 rep;
	const char		*why;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		r = request("POST", "https://x/report/b", bad[i].ct,
		    bad[i].body);
		if (callback_profile_find(bad[i].profile)->parse(&r, &rep, 1,
		    &why) != -1)
			fail_msg("%s took %s", bad[i].profile, bad[i].body);
	}
}

static void
test_params(void **state)
{
	struct cb_params	 ps = { 0 };
	char			 many[CB_PARAMS_MAX * 4 + 8];
	size_t			 i;

	(void)state;
	assert_int_equal(cb_params_form(&ps, "b=2&a=%2B1+x&c&&a=0", 19), 0);
	assert_int_equal(ps.n, 4);
	cb_params_sort(&ps);
	assert_string_equal(ps.v[0].key, "a");
	assert_string_equal(ps.v[0].value, "+1 x");
	assert_string_equal(ps.v[1].value, "0");
	assert_string_equal(cb_param(&ps, "c"), "");
	assert_null(cb_param(&ps, "d"));
	cb_params_free(&ps);
	/* a NUL, a cut escape */
	assert_int_equal(cb_params_form(&ps, "a=%00", 5), -1);
	cb_params_free(&ps);
	assert_int_equal(cb_params_form(&ps, "a=%4", 4), -1);
	cb_params_free(&ps);
	/* one parameter more than the bound */
	for (i = 0; i <= CB_PARAMS_MAX; i++)
		memcpy(many + 4 * i, "a=1&", 4);
	assert_int_equal(cb_params_form(&ps, many, 4 * (CB_PARAMS_MAX + 1)),
	    -1);
	assert_int_equal(errno, EINVAL);
	cb_params_free(&ps);
	assert_int_equal(cb_params_json(&ps, "{\"a\":1,\"b\":{\"c\":2},"
	    "\"d\":true}", 28), 0);
	assert_int_equal(ps.n, 2);
	assert_string_equal(cb_param(&ps, "a"), "1");
	assert_string_equal(cb_param(&ps, "d"), "true");
	cb_params_free(&ps);
}

static void
test_times(void **state)
{
	(void)state;
	assert_int_equal(cb_time_iso("2024-05-03T14:26:57Z"), 1714746417);
	assert_int_equal(cb_time_iso("2024-05-03T14:26:57.123Z"), 1714746417);
	assert_int_equal(cb_time_iso("2024-05-03T16:26:57+02:00"), 1714746417);
	assert_int_equal(cb_time_iso("2024-05-03T13:26:57.5-0100"), 1714746417);
	assert_int_equal(cb_time_iso("2024-05-03T14:26:57"), 1714746417);
	assert_int_equal(cb_time_iso("2024-05-03 14:26:57"), 0);
	assert_int_equal(cb_time_iso("2024-13-03T14:26:57Z"), 0);
	assert_int_equal(cb_time_iso("2024-05-03T14:26:57+2"), 0);
	assert_int_equal(cb_time_iso("2024-05-03T14:26:57."), 0);
	assert_int_equal(cb_time_vonage("2024-05-03 14:26:57"), 1714746417);
	assert_int_equal(cb_time_vonage("2024-05-03 14:26:57x"), 0);
	assert_int_equal(cb_time_number("1714746417"), 1714746417);
	assert_int_equal(cb_time_number("17147464x7"), 0);
	assert_int_equal(cb_time_number(""), 0);
}

static void
test_url(void **state)
{
	struct conf		 c;
	struct backend_conf	 b;
	char			*url;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&b, 0, sizeof(b));
	b.name = "gen";
	b.type = BACKEND_HTTP;
	b.http.profile = "generic";
	b.http.callback_secret = "genericSecret";
	/* no listener, no public URL: nothing asked */
	assert_null(callback_url(&c, &b));
	assert_int_equal(errno, 0);
	c.http.listen = "127.0.0.1:8025";
	c.http.public_url = "https://sms.example.com/relay/";
	url = callback_url(&c, &b);
	assert_non_null(url);
	assert_string_equal(url, "https://sms.example.com/relay/report/gen/"
	    "ea8853c0d1c4ca506b9e45bcb5ea5c06");
	free(url);
	b.name = "tw";
	b.http.profile = "twilio";
	b.http.callback_secret = NULL;
	/* Twilio signs with the auth token */
	assert_null(callback_url(&c, &b));
	b.http.password = "twtoken0123";
	url = callback_url(&c, &b);
	assert_non_null(url);
	assert_string_equal(url, "https://sms.example.com/relay/report/tw");
	free(url);
	/* Vonage without its signature secret cannot check a report */
	b.http.profile = "vonage";
	assert_null(callback_url(&c, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio),
		cmocka_unit_test(test_vonage),
		cmocka_unit_test(test_messagebird),
		cmocka_unit_test(test_sinch),
		cmocka_unit_test(test_infobip),
		cmocka_unit_test(test_plivo),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
