/*
 * cb_twilio.c - Twilio's status callbacks: a form POST with MessageSid and
 * MessageStatus, signed in X-Twilio-Signature with the account's auth token.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/transport/callback/cb_util.h"

/*
 * Error codes of an undelivered message that say it was refused rather
 * than unreachable: 21610 the recipient opted out (STOP), 30004 message
 * blocked, 30007 carrier filtering (spam), 30034 unregistered A2P 10DLC.
 */
static const char *const blocked_codes[] = {
	"21610", "30004", "30007", "30034", NULL
};

static const struct cb_word statuses[] = {
	{ "accepted", SMS_REPORT_ENROUTE }, { "scheduled", SMS_REPORT_ENROUTE },
	{ "queued", SMS_REPORT_ENROUTE }, { "sending", SMS_REPORT_ENROUTE },
	{ "sent", SMS_REPORT_ENROUTE }, { "delivered", SMS_REPORT_DELIVERED },
	{ "read", SMS_REPORT_DELIVERED },
	{ "undelivered", SMS_REPORT_UNDELIVERABLE },
	{ "failed", SMS_REPORT_UNDELIVERABLE },
	{ "canceled", SMS_REPORT_UNKNOWN },
	{ NULL, SMS_REPORT_NONE }
};

/*
 * twilio_verify - Base64(HMAC-SHA1(auth token, URL + each POST parameter's
 * name and value, sorted by name)), as Twilio's webhook security documents
 */
static int
twilio_verify(const struct callback_request *r, const struct callback_keys *k,
    const char **why)
{
	struct cb_params	 ps = { 0 };
	struct buf		 data = { 0 };
	unsigned char		 mac[EVP_MAX_MD_SIZE];
	char			 want[2 * EVP_MAX_MD_SIZE];
	const char		*sig = callback_header(r, "X-Twilio-Signature");
	size_t			 i, n;

	*why = "no X-Twilio-Signature";
	if (sig == NULL || k->password == NULL)
		return -1;
	*why = "a body that is not a form";
	if (r->len > 0 && (!cb_is_form(r) ||
	    cb_params_form(&ps, r->body, r->len) == -1)) {
		cb_params_free(&ps);
		return -1;
	}
	cb_params_sort(&ps);
	buf_add(&data, r->url, strlen(r->url));
	for (i = 0; i < ps.n; i++) {
		buf_add(&data, ps.v[i].key, strlen(ps.v[i].key));
		buf_add(&data, ps.v[i].value, strlen(ps.v[i].value));
	}
	cb_params_free(&ps);
	*why = "out of memory";
	n = data.failed ? 0 : cb_hmac(EVP_sha1(), k->password,
	    strlen(k->password), data.p, data.len, mac);
	buf_free(&data);
	if (n == 0)
		return -1;
	cb_base64(mac, n, want, sizeof(want));
	*why = "a wrong X-Twilio-Signature";
	return cb_equal(sig, want) ? 0 : -1;
}

/* twilio_state - the state of a status, undelivered split by its code */
static enum sms_report
twilio_state(const char *status, const char *code)
{
	enum sms_report	 s = cb_state(statuses, status, 0, SMS_REPORT_NONE);
	size_t		 i;

	if (s == SMS_REPORT_UNDELIVERABLE && code != NULL)
		for (i = 0; blocked_codes[i] != NULL; i++)
			if (strcmp(code, blocked_codes[i]) == 0)
				return SMS_REPORT_REJECTED;
	return s;
}

/* twilio_parse - one report: MessageSid, MessageStatus, ErrorCode */
static int
twilio_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	struct cb_params	 ps = { 0 };
	const char		*sid, *status, *code;
	int			 n = -1;

	*why = "not a Twilio status callback";
	if (max == 0 || !cb_is_form(r) ||
	    cb_params_form(&ps, r->body, r->len) == -1)
		goto done;
	sid = cb_param(&ps, "MessageSid");
	status = cb_param(&ps, "MessageStatus");
	code = cb_param(&ps, "ErrorCode");
	if (sid == NULL || *sid == '\0' || status == NULL)
		goto done;
	memset(out, 0, sizeof(*out));
	if ((out->state = twilio_state(status, code)) == SMS_REPORT_NONE) {
		*why = "an unknown MessageStatus";
		goto done;
	}
	cb_copy(out->id, CALLBACK_ID_MAX, sid);
	cb_raw(out, "Twilio", status, code);
	n = 1;
done:
	cb_params_free(&ps);
	return n;
}

const struct callback_profile cb_twilio = {
	.name = "twilio",
	.verify = twilio_verify,
	.parse = twilio_parse,
};
