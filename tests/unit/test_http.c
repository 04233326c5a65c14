/*
 * test_http.c - the SMS backends: templates, bodies, profiles, the verdict
 * on provider answers, the outbox file, and live requests through curlev.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
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
	assert_int_equal(out.max_in_flight, 64);
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
	  SMS_TEMPFAIL, "", "HTTP 429: slow down", NULL },
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

/* results of the backend callbacks, in the order they came */
struct results {
	int		 n;
	enum sms_result	 result[8];
	char		 id[8][HTTP_ID_MAX + 16];
	char		 reason[8][256];
	int		 submitting;	/* set while backend_submit runs */
	int		 early;		/* callbacks during backend_submit */
	int		 elsewhere;	/* callbacks off the submitting thread */
	int		 total;		/* every callback, past the 8 kept */
};

static pthread_t	 test_thread;

/* record_cb - the user's callback: remember what came, and when */
static void
record_cb(void *arg, enum sms_result result, const char *id,
    const char *reason)
{
	struct results	*rs = arg;

	if (rs->submitting)
		rs->early++;
	if (!pthread_equal(pthread_self(), test_thread))
		rs->elsewhere++;
	rs->total++;
	if (rs->n >= 8)
		return;
	rs->result[rs->n] = result;
	snprintf(rs->id[rs->n], sizeof(rs->id[0]), "%s", id ? id : "");
	snprintf(rs->reason[rs->n], sizeof(rs->reason[0]), "%s",
	    reason ? reason : "");
	rs->n++;
}

/* submit - backend_submit, noting that it runs */
static int
submit(struct backend *b, struct results *rs, const struct sms *sms)
{
	int	 rc;

	rs->submitting = 1;
	rc = backend_submit(b, sms, record_cb, rs);
	rs->submitting = 0;
	return rc;
}

static void
test_outbox(void **state)
{
	char		 dir[] = "/tmp/test_http.XXXXXX", path[64];
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct stat	 st;
	struct sms	 s1 = { "0123456789ABCDEF.0", "+4917012345678", NULL,
	    "Gr\xc3\xbc\xc3\x9f" "e \"x\"", 1, "UCS-2" };
	struct sms	 s2 = { "0123456789ABCDEF.1", "+4366412345678", "Shop",
	    "Hi", 1, "GSM-7" };
	struct sms	 bad = { "0123456789ABCDEF.2", "+4366412345678", NULL,
	    "\xff", 1, "GSM-7" };
	struct sms	 dsn = { .ref = "0123456789ABCDEF", .to = "clerk@example.com",
	    .text = "Subject: Undelivered\r\n\r\nsorry\r\n" };
	char		 line[4][1024], err[256];
	json_t		*j;
	FILE		*f;
	int		 i, n = 0;

	(void)state;
	umask(022);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/outbox.jsonl", dir);
	memset(&conf, 0, sizeof(conf));
	conf.backend.type = BACKEND_OUTBOX;
	conf.backend.path = path;
	conf.backend.from = "Service";
	base = event_base_new();
	assert_non_null(base);
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_true(backend_has_capacity(b));
	assert_int_equal(submit(b, &rs, &s1), 0);
	assert_int_equal(submit(b, &rs, &s2), 0);
	assert_int_equal(submit(b, &rs, &bad), 0);
	assert_int_equal(rs.n, 0);
	assert_int_equal(b->in_flight, 3);
	event_base_dispatch(base);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 3);
	assert_int_equal(b->in_flight, 0);
	assert_int_equal(rs.result[0], SMS_SENT);
	assert_string_equal(rs.id[0], "outbox-0123456789ABCDEF.0");
	assert_int_equal(rs.result[1], SMS_SENT);
	assert_int_equal(rs.result[2], SMS_PERMFAIL);
	assert_non_null(strstr(rs.reason[2], "UTF-8"));
	backend_free(b);
	/* the bounce sender's outbox: a DSN line, durable before its result */
	b = backend_dsn_outbox_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &dsn), 0);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 4);
	assert_int_equal(rs.result[3], SMS_SENT);
	backend_free(b);
	event_base_free(base);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	f = fopen(path, "r");
	assert_non_null(f);
	while (n < 4 && fgets(line[n], sizeof(line[0]), f) != NULL)
		n++;
	assert_null(fgets(line[0] + 1000, 24, f));
	fclose(f);
	assert_int_equal(n, 3);
	assert_memory_equal(line[0], "{\"queue_id\":\"0123456789ABCDEF\","
	    "\"ref\":\"0123456789ABCDEF.0\",\"to\":\"+4917012345678\","
	    "\"from\":\"Service\","
	    "\"text\":\"Gr\xc3\xbc\xc3\x9f" "e \\\"x\\\"\","
	    "\"parts\":1,\"encoding\":\"UCS-2\",\"time\":\"", 143);
	for (i = 0; i < n; i++)
		assert_int_equal(line[i][strlen(line[i]) - 1], '\n');
	j = json_loads(line[1], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "from")),
	    "Shop");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "time"))),
	    20);
	assert_int_equal(json_string_value(json_object_get(j, "time"))[19],
	    'Z');
	json_decref(j);
	j = json_loads(line[2], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")),
	    "dsn");
	assert_string_equal(json_string_value(json_object_get(j, "queue_id")),
	    "0123456789ABCDEF");
	assert_string_equal(json_string_value(json_object_get(j, "message")),
	    "Subject: Undelivered\r\n\r\nsorry\r\n");
	json_decref(j);
	unlink(path);
	rmdir(dir);
}

static void
test_outbox_write_error(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AA.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7" };
	char		 err[256];

	(void)state;
	if (access("/dev/full", W_OK) == -1)
		skip();
	memset(&conf, 0, sizeof(conf));
	conf.backend.type = BACKEND_OUTBOX;
	conf.backend.path = "/dev/full";
	base = event_base_new();
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_non_null(strstr(rs.reason[0], strerror(ENOSPC)));
	backend_free(b);
	event_base_free(base);

	conf.backend.path = "/nonexistent/dir/outbox.jsonl";
	base = event_base_new();
	assert_null(backend_new(&conf, base, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/outbox.jsonl"));
	event_base_free(base);
}

/* listener - a TCP socket on 127.0.0.1 that is never accepted from */
static int
listener(int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* http_conf_init - a generic HTTP backend configuration for url */
static void
http_conf_init(struct conf *conf, const char *url, unsigned max_in_flight)
{
	memset(conf, 0, sizeof(*conf));
	conf->backend.type = BACKEND_HTTP;
	conf->backend.from = "Service";
	conf->backend.http.profile = "generic";
	conf->backend.http.url = (char *)(uintptr_t)url;
	conf->backend.http.timeout = 10;
	conf->backend.http.max_in_flight = max_in_flight;
}

static void
test_http_refused_and_capacity(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AB.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7" };
	char		 url[64], err[256];
	int		 fd, port;

	(void)state;
	/* a port that was just free: connecting is refused */
	fd = listener(&port);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms", port);
	http_conf_init(&conf, url, 2);
	base = event_base_new();
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	assert_int_equal(submit(b, &rs, &s), 0);
	assert_false(backend_has_capacity(b));
	assert_int_equal(submit(b, &rs, &s), -1);
	event_base_dispatch(base);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_int_equal(rs.result[1], SMS_TEMPFAIL);
	assert_memory_equal(rs.reason[0], "curl: ", 6);
	assert_true(backend_has_capacity(b));
	backend_free(b);
	event_base_free(base);
}

static void
test_http_free_in_flight(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AC.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7" };
	struct timeval	 tv = { 0, 200000 };
	char		 url[64], err[256];
	int		 fd, port;

	(void)state;
	fd = listener(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms", port);
	http_conf_init(&conf, url, 4);
	base = event_base_new();
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 0);
	backend_free(b);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_string_equal(rs.reason[0], "backend shut down");
	event_base_free(base);
	close(fd);
}

/* mockprov - start tests/e2e/mockprov.py; 0 if it is not there */
static pid_t
mockprov(int *port)
{
	const char	*top = getenv("top_srcdir");
	char		 script[1024], pfile[] = "/tmp/test_http_port.XXXXXX";
	struct timespec	 ts = { 0, 50000000 };
	FILE		*f;
	pid_t		 pid;
	int		 fd, i;

	snprintf(script, sizeof(script), "%s/tests/e2e/mockprov.py",
	    top != NULL ? top : ".");
	if (access(script, R_OK) == -1)
		return 0;
	fd = mkstemp(pfile);
	assert_true(fd >= 0);
	close(fd);
	unlink(pfile);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDOUT_FILENO);
		execlp("python3", "python3", script, "--port", "0",
		    "--port-file", pfile, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	*port = 0;
	for (i = 0; i < 200 && *port == 0; i++) {
		if ((f = fopen(pfile, "r")) != NULL) {
			if (fscanf(f, "%d", port) != 1)
				*port = 0;
			fclose(f);
		} else if (waitpid(pid, NULL, WNOHANG) == pid)
			return 0;
		else
			nanosleep(&ts, NULL);
	}
	unlink(pfile);
	if (*port == 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return 0;
	}
	return pid;
}

static void
test_http_live(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AD.0", "+4917012345678", NULL,
	    "Gr\xc3\xbc\xc3\x9f" "e & \"so\"", 1, "UCS-2" };
	struct timeval	 tv = { 15, 0 };
	char		 url[128], err[256];
	int		 port, i;
	pid_t		 pid;

	(void)state;
	if ((pid = mockprov(&port)) == 0)
		skip();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms?to={to}", port);
	http_conf_init(&conf, url, 8);
	base = event_base_new();
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	for (i = 0; i < 3; i++)
		assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	backend_free(b);

	/* the Twilio shape: form body, basic auth, 201 {"sid": ...} */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/2010-04-01/Accounts/"
	    "{user}/Messages.json", port);
	http_conf_init(&conf, url, 8);
	conf.backend.http.profile = "twilio";
	conf.backend.http.user = "AC0001";
	conf.backend.http.password = "secret";
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	backend_free(b);
	event_base_free(base);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 4);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rs.result[i], SMS_SENT);
		assert_memory_equal(rs.id[i], "mock-", 5);
	}
	assert_int_equal(rs.result[3], SMS_SENT);
	assert_string_equal(rs.id[3], "SM4");
}

/* a burst through the backend's thread: every result once, on our loop */
static void
test_threaded_burst(void **state)
{
	char		 dir[] = "/tmp/test_http.XXXXXX", path[64], ref[32];
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { ref, "+4917012345678", NULL, "Hi", 1, "GSM-7" };
	char		 err[256], line[512];
	FILE		*f;
	int		 i, lines = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/outbox.jsonl", dir);
	memset(&conf, 0, sizeof(conf));
	conf.backend.type = BACKEND_OUTBOX;
	conf.backend.path = path;
	base = event_base_new();
	b = backend_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	for (i = 0; i < 500; i++) {
		snprintf(ref, sizeof(ref), "00000000000000AA.%d", i);
		assert_int_equal(submit(b, &rs, &s), 0);
		if (i % 100 == 99)	/* some results come back meanwhile */
			event_base_loop(base, EVLOOP_NONBLOCK);
	}
	event_base_dispatch(base);	/* returns: idle, nothing is left armed */
	assert_int_equal(rs.total, 500);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.elsewhere, 0);
	assert_int_equal(b->in_flight, 0);
	/* submitted and not yet answered at free: reported there, once */
	for (i = 0; i < 50; i++) {
		snprintf(ref, sizeof(ref), "00000000000000AB.%d", i);
		assert_int_equal(submit(b, &rs, &s), 0);
	}
	backend_free(b);
	assert_int_equal(rs.total, 550);
	assert_int_equal(rs.elsewhere, 0);
	event_base_free(base);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	assert_true(lines >= 500 && lines <= 550);
	unlink(path);
	rmdir(dir);
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
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_outbox_write_error),
		cmocka_unit_test(test_http_refused_and_capacity),
		cmocka_unit_test(test_http_free_in_flight),
		cmocka_unit_test(test_http_live),
		cmocka_unit_test(test_threaded_burst),
	};

	signal(SIGPIPE, SIG_IGN);
	test_thread = pthread_self();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
