/*
 * profile_infobip.c - Infobip's SMS API v3: a JSON POST to /sms/3/messages
 * with "Authorization: App KEY"; a status object per message, even on 200.
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/http_profile.h"

/*
 * infobip_body - one message: sender, one destination (digits) whose
 * messageId is the client reference (Infobip's id of the SMS is then ours,
 * the same on a re-send), content.text; Infobip picks the encoding.
 * webhooks.delivery.url (reports as JSON) when smsrelay listens for them.
 * backend.fields go into the message object.
 */
static char *
infobip_body(const struct http_conf *hc, const struct http_vars *v,
    size_t *len)
{
	json_t	*root, *msg, *dest;
	int	 bad = 0, saved;

	root = json_object();
	msg = json_object();
	dest = json_object();
	if (root == NULL || msg == NULL || dest == NULL) {
		json_decref(root);
		json_decref(msg);
		json_decref(dest);
		errno = ENOMEM;
		return NULL;
	}
	bad |= json_object_set_new(dest, "to",
	    json_string(http_digits(v->to))) == -1;
	if (v->ref != NULL && *v->ref != '\0')
		bad |= json_object_set_new(dest, "messageId",
		    json_string(v->ref)) == -1;
	if (v->from != NULL && *v->from != '\0')
		bad |= json_object_set_new(msg, "sender",
		    json_string(v->from)) == -1;
	bad |= json_object_set_new(msg, "destinations",
	    json_pack("[O]", dest)) == -1;
	bad |= json_object_set_new(msg, "content", json_pack("{s:s}", "text",
	    v->text != NULL ? v->text : "")) == -1;
	if (v->callback != NULL && *v->callback != '\0')
		bad |= json_object_set_new(msg, "webhooks", json_pack(
		    "{s:{s:s}, s:s}", "delivery", "url", v->callback,
		    "contentType", "application/json")) == -1;
	json_decref(dest);
	bad |= json_object_set_new(root, "messages", json_pack("[O]", msg)) ==
	    -1;
	if (!bad && http_fields_json(hc, v, msg) == -1) {
		saved = errno;
		json_decref(msg);
		json_decref(root);
		errno = saved;
		return NULL;
	}
	json_decref(msg);
	if (bad) {
		json_decref(root);
		errno = EILSEQ;
		return NULL;
	}
	return http_json_finish(root, len);
}

/*
 * infobip_rejected - the meaning of a REJECTED status (group 5) by name:
 * no such number, blocklisted or do-not-disturb, or something that may
 * pass later (credit, flooding filter, route, Infobip's own error).
 */
static enum sms_result
infobip_rejected(const char *name)
{
	static const char *const bad_number[] = {
		"REJECTED_PREFIX_MISSING", "REJECTED_INVALID_DESTINATION",
		"REJECTED_DESTINATION_NOT_REGISTERED", "MISSING_TO", NULL
	};
	static const char *const blocked[] = {
		"REJECTED_DESTINATION", "REJECTED_DND", NULL
	};
	static const char *const temporary[] = {
		"REJECTED_NOT_ENOUGH_CREDITS", "REJECTED_FLOODING_FILTER",
		"REJECTED_ROUTE_NOT_AVAILABLE", "REJECTED_SYSTEM_ERROR", NULL
	};
	size_t	 i;

	for (i = 0; bad_number[i] != NULL; i++)
		if (strcmp(name, bad_number[i]) == 0)
			return SMS_BADNUMBER;
	for (i = 0; blocked[i] != NULL; i++)
		if (strcmp(name, blocked[i]) == 0)
			return SMS_BLOCKED;
	for (i = 0; temporary[i] != NULL; i++)
		if (strcmp(name, temporary[i]) == 0)
			return SMS_TEMPFAIL;
	return SMS_PERMFAIL;
}

/*
 * infobip_classify - messages[0].status of a 2xx: PENDING (1) and DELIVERED
 * (3) are sent, UNDELIVERABLE (2) bounces, EXPIRED (4) is retried,
 * REJECTED (5) as infobip_rejected says. A 4xx is left to the generic
 * rules (errorCode, description).
 */
static int
infobip_classify(const struct http_conf *hc, const struct http_response *r,
    json_t *root, struct http_outcome *o)
{
	json_t		*m, *st, *name;
	long		 group;
	char		 gtext[16];
	enum sms_result	 res;

	(void)hc;
	if (r->status >= 300)
		return 0;
	m = json_array_get(json_object_get(root, "messages"), 0);
	st = json_object_get(m, "status");
	name = json_object_get(st, "name");
	if (!http_json_code(json_object_get(st, "groupId"), &group, gtext,
	    sizeof(gtext)) || !json_is_string(name))
		return 0;
	switch (group) {
	case 1:
	case 3:
		o->result = SMS_SENT;
		http_outcome_id(o, json_object_get(m, "messageId"));
		return 1;
	case 2:
		res = SMS_PERMFAIL;
		break;
	case 4:
		res = SMS_TEMPFAIL;
		break;
	default:
		res = infobip_rejected(json_string_value(name));
		break;
	}
	http_outcome_fail(o, res, r->status,
	    json_string_value(json_object_get(st, "description")),
	    json_string_value(name));
	return 1;
}

const struct http_profile http_profile_infobip = {
	.name = "infobip",
	.url = "https://api.infobip.com/sms/3/messages",
	.format = HTTP_FORMAT_JSON,
	.auth_scheme = "App",
	.password_means = "the API key",
	.id_field = "messages.0.messageId",
	.code_field = "errorCode",
	.message_field = "description",
	.body = infobip_body,
	.classify = infobip_classify,
};
