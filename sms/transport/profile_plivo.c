/*
 * profile_plivo.c - Plivo's Message API: a JSON POST to
 * /v1/Account/{auth_id}/Message/ with basic auth; 202 with message_uuid[].
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/http_profile.h"

/*
 * plivo_body - src, dst (digits), text, type sms. Plivo takes no client
 * reference; url (the status callback, method POST) when smsrelay listens.
 */
static char *
plivo_body(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	json_t	*obj;
	int	 bad = 0;

	if ((obj = json_object()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (v->from != NULL && *v->from != '\0')
		bad |= json_object_set_new(obj, "src",
		    json_string(http_digits(v->from))) == -1;
	bad |= json_object_set_new(obj, "dst",
	    json_string(http_digits(v->to))) == -1;
	bad |= json_object_set_new(obj, "text",
	    json_string(v->text != NULL ? v->text : "")) == -1;
	bad |= json_object_set_new(obj, "type", json_string("sms")) == -1;
	if (v->callback != NULL && *v->callback != '\0') {
		bad |= json_object_set_new(obj, "url",
		    json_string(v->callback)) == -1;
		bad |= json_object_set_new(obj, "method",
		    json_string("POST")) == -1;
	}
	return http_json_body(hc, v, obj, bad, len);
}

/*
 * plivo_classify - a 2xx lists message_uuid[] (kept as the part ids); a
 * 4xx has only "error", a sentence: one that names dst is a bad number.
 */
static int
plivo_classify(const struct http_conf *hc, const struct http_response *r,
    json_t *root, struct http_outcome *o)
{
	json_t	*uuids, *u, *err;
	size_t	 i;

	(void)hc;
	if (r->status < 300) {
		uuids = json_object_get(root, "message_uuid");
		if (!json_is_array(uuids))
			return 0;
		o->result = SMS_SENT;
		for (i = 0; (u = json_array_get(uuids, i)) != NULL; i++)
			http_outcome_part(o, u);
		return 1;
	}
	err = json_object_get(root, "error");
	if (!json_is_string(err))
		return 0;
	http_outcome_fail(o, http_mentions(err, "dst") ? SMS_BADNUMBER :
	    SMS_PERMFAIL, r->status, json_string_value(err), NULL);
	return 1;
}

const struct http_profile http_profile_plivo = {
	.name = "plivo",
	.url = "https://api.plivo.com/v1/Account/{user}/Message/",
	.format = HTTP_FORMAT_JSON,
	.auth = HTTP_AUTH_BASIC,
	.user_means = "the auth ID",
	.password_means = "the auth token",
	.id_field = "message_uuid.0",
	.code_field = "code",
	.message_field = "error",
	.body = plivo_body,
	.classify = plivo_classify,
};
