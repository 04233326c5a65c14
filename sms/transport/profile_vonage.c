/*
 * profile_vonage.c - the Vonage SMS API: a form POST to /sms/json with the
 * API key and secret in it; HTTP 200 with a status per part in the body.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/transport/http_profile.h"

/*
 * vonage_status - the meaning of a non-zero messages[].status, from
 * Vonage's SMS API error table.
 */
static enum sms_result
vonage_status(long status)
{
	switch (status) {
	case 1:		/* Throttled: faster than the account limit */
		return SMS_THROTTLED;
	case 5:		/* Internal Error */
	case 9:		/* Partner Quota Violation: top up and retry */
	case 10:	/* Too Many Existing Binds: back off and retry */
	case 13:	/* Communication Failed */
		return SMS_TEMPFAIL;
	case 6:		/* Invalid Message: e.g. unrecognised number prefix */
	case 33:	/* Number De-activated */
		return SMS_BADNUMBER;
	case 7:		/* Number Barred: the number may not receive SMS */
		return SMS_BLOCKED;
	default:	/* 2, 3, 4, 8, 11, 12, 14, 15, 22, 23, 29, 32, ... */
		return SMS_PERMFAIL;
	}
}

/*
 * vonage_body - api_key, api_secret, to (digits), from, text, type (unicode
 * for UCS-2, so Vonage does not mangle it), client-ref, and callback, the
 * delivery receipt URL, when smsrelay listens for reports (else the
 * account's setting stands).
 */
static char *
vonage_body(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	struct buf	 b = { 0 };

	http_form_add(&b, "api_key", hc->user);
	http_form_add(&b, "api_secret", hc->password);
	http_form_add(&b, "to", http_digits(v->to));
	if (v->from != NULL && *v->from != '\0')
		http_form_add(&b, "from", http_digits(v->from));
	http_form_add(&b, "text", v->text != NULL ? v->text : "");
	http_form_add(&b, "type", v->encoding != NULL &&
	    strcmp(v->encoding, "UCS-2") == 0 ? "unicode" : "text");
	if (v->ref != NULL && *v->ref != '\0')
		http_form_add(&b, "client-ref", v->ref);
	if (v->callback != NULL && *v->callback != '\0')
		http_form_add(&b, "callback", v->callback);
	if (http_fields_form(hc, v, &b) == -1) {
		buf_free(&b);
		return NULL;
	}
	return http_form_finish(&b, len);
}

/*
 * vonage_classify - every part must have status 0; the first part that
 * does not decides (an SMS half sent is retried whole: at least once).
 */
static int
vonage_classify(const struct http_conf *hc, const struct http_response *r,
    json_t *root, struct http_outcome *o)
{
	json_t		*msgs, *m;
	char		 code[40];
	long		 status;
	size_t		 i;

	(void)hc;
	if (r->status < 200 || r->status >= 300)
		return 0;
	msgs = json_object_get(root, "messages");
	if (!json_is_array(msgs) || json_array_size(msgs) == 0)
		return 0;
	o->result = SMS_SENT;
	for (i = 0; (m = json_array_get(msgs, i)) != NULL; i++) {
		if (!http_json_code(json_object_get(m, "status"), &status,
		    code, sizeof(code))) {
			http_outcome_fail(o, SMS_TEMPFAIL, r->status,
			    "a part without a status", NULL);
			return 1;
		}
		if (status != 0) {
			http_outcome_fail(o, vonage_status(status), r->status,
			    json_string_value(json_object_get(m, "error-text")),
			    code);
			return 1;
		}
		http_outcome_part(o, json_object_get(m, "message-id"));
	}
	return 1;
}

const struct http_profile http_profile_vonage = {
	.name = "vonage",
	.url = "https://rest.nexmo.com/sms/json",
	.format = HTTP_FORMAT_FORM,
	.user_means = "the API key",
	.password_means = "the API secret",
	.id_field = "messages.0.message-id",
	.code_field = "messages.0.status",
	.message_field = "messages.0.error-text",
	.body = vonage_body,
	.classify = vonage_classify,
};
