/*
 * profile_messagebird.c - MessageBird's REST API: a JSON POST to /messages
 * with "Authorization: AccessKey KEY"; 201 with the message, else errors[].
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/http_profile.h"

/*
 * messagebird_body - recipients (digits), originator, body, datacoding
 * (unicode for UCS-2, plain for GSM-7) and reference, the client reference
 * MessageBird returns with its reports; reportUrl when smsrelay listens
 * for reports.
 */
static char *
messagebird_body(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	json_t	*obj;
	int	 bad = 0;

	if ((obj = json_object()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	bad |= json_object_set_new(obj, "recipients",
	    json_pack("[s]", http_digits(v->to))) == -1;
	if (v->from != NULL && *v->from != '\0')
		bad |= json_object_set_new(obj, "originator",
		    json_string(http_digits(v->from))) == -1;
	bad |= json_object_set_new(obj, "body",
	    json_string(v->text != NULL ? v->text : "")) == -1;
	bad |= json_object_set_new(obj, "datacoding", json_string(
	    v->encoding != NULL && strcmp(v->encoding, "UCS-2") == 0 ?
	    "unicode" : "plain")) == -1;
	if (v->ref != NULL && *v->ref != '\0')
		bad |= json_object_set_new(obj, "reference",
		    json_string(v->ref)) == -1;
	if (v->callback != NULL && *v->callback != '\0')
		bad |= json_object_set_new(obj, "reportUrl",
		    json_string(v->callback)) == -1;
	return http_json_body(hc, v, obj, bad, len);
}

/*
 * messagebird_classify - errors[0] of a 4xx: code 9 (missing) or 10
 * (invalid) on the recipient is a bad number, 25 (not enough balance) and
 * 99 (internal error) pass, the rest (2 request not allowed, 20 not found,
 * 21 bad request, 98 API not found) bounce.
 */
static int
messagebird_classify(const struct http_conf *hc, const struct http_response *r,
    json_t *root, struct http_outcome *o)
{
	json_t		*err, *param;
	char		 code[40];
	long		 n;
	enum sms_result	 res = SMS_PERMFAIL;

	(void)hc;
	if (r->status < 400)
		return 0;
	err = json_array_get(json_object_get(root, "errors"), 0);
	if (!http_json_code(json_object_get(err, "code"), &n, code,
	    sizeof(code)))
		return 0;
	param = json_object_get(err, "parameter");
	if ((n == 9 || n == 10) && http_mentions(param, "recipient"))
		res = SMS_BADNUMBER;
	else if (n == 25 || n == 99)
		res = SMS_TEMPFAIL;
	http_outcome_fail(o, res, r->status,
	    json_string_value(json_object_get(err, "description")), code);
	return 1;
}

const struct http_profile http_profile_messagebird = {
	.name = "messagebird",
	.url = "https://rest.messagebird.com/messages",
	.format = HTTP_FORMAT_JSON,
	.auth_scheme = "AccessKey",
	.password_means = "the access key",
	.id_field = "id",
	.code_field = "errors.0.code",
	.message_field = "errors.0.description",
	.body = messagebird_body,
	.classify = messagebird_classify,
};
