/*
 * profile_sinch.c - Sinch's SMS REST API (XMS): a JSON batch POSTed to
 * /xms/v1/{service_plan_id}/batches with a bearer token; 201 with its id.
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/http_profile.h"

/*
 * sinch_body - to (E.164), from, body and client_reference, which Sinch
 * returns with its delivery reports; Sinch picks GSM-7 or UCS-2 itself.
 * When smsrelay listens for reports: callback_url, and delivery_report
 * per_recipient (a report per recipient, intermediate states included);
 * else both stay the account's default.
 */
static char *
sinch_body(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	json_t	*obj;
	int	 bad = 0;

	if ((obj = json_object()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	bad |= json_object_set_new(obj, "to", json_pack("[s]",
	    v->to != NULL ? v->to : "")) == -1;
	if (v->from != NULL && *v->from != '\0')
		bad |= json_object_set_new(obj, "from",
		    json_string(v->from)) == -1;
	bad |= json_object_set_new(obj, "body",
	    json_string(v->text != NULL ? v->text : "")) == -1;
	if (v->ref != NULL && *v->ref != '\0')
		bad |= json_object_set_new(obj, "client_reference",
		    json_string(v->ref)) == -1;
	if (v->callback != NULL && *v->callback != '\0') {
		bad |= json_object_set_new(obj, "delivery_report",
		    json_string("per_recipient")) == -1;
		bad |= json_object_set_new(obj, "callback_url",
		    json_string(v->callback)) == -1;
	}
	return http_json_body(hc, v, obj, bad, len);
}

/* sinch_bad_number - a syntax error that names the recipient */
static int
sinch_bad_number(json_t *text)
{
	return http_mentions(text, "msisdn") ||
	    http_mentions(text, "recipient") || http_mentions(text, "'to'") ||
	    http_mentions(text, "\"to\"");
}

/*
 * sinch_classify - code of a 400/403: illegal_number_type, or a format
 * error on the recipient, is a bad number; the rest bounce (blocked_account,
 * syntax_constraint_violation, ...).
 */
static int
sinch_classify(const struct http_conf *hc, const struct http_response *r,
    json_t *root, struct http_outcome *o)
{
	json_t		*code, *text;
	enum sms_result	 res = SMS_PERMFAIL;

	(void)hc;
	code = json_object_get(root, "code");
	if (r->status < 400 || !json_is_string(code))
		return 0;
	text = json_object_get(root, "text");
	if (strcmp(json_string_value(code), "illegal_number_type") == 0 ||
	    (strcmp(json_string_value(code),
	    "syntax_invalid_parameter_format") == 0 && sinch_bad_number(text)))
		res = SMS_BADNUMBER;
	http_outcome_fail(o, res, r->status, json_string_value(text),
	    json_string_value(code));
	return 1;
}

const struct http_profile http_profile_sinch = {
	.name = "sinch",
	.url = "https://us.sms.api.sinch.com/xms/v1/{user}/batches",
	.format = HTTP_FORMAT_JSON,
	.auth_scheme = "Bearer",
	.user_means = "the service plan ID",
	.password_means = "the API token",
	.id_field = "id",
	.code_field = "code",
	.message_field = "text",
	.body = sinch_body,
	.classify = sinch_classify,
};
