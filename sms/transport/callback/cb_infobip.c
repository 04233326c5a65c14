/*
 * cb_infobip.c - Infobip's delivery reports: a JSON POST to the webhook URL
 * of the message with results[] (messageId, status.groupName, error).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "sms/transport/callback/cb_util.h"

static const struct cb_word groups[] = {
	{ "PENDING", SMS_REPORT_ENROUTE }, { "DELIVERED", SMS_REPORT_DELIVERED },
	{ "UNDELIVERABLE", SMS_REPORT_UNDELIVERABLE },
	{ "EXPIRED", SMS_REPORT_EXPIRED }, { "REJECTED", SMS_REPORT_REJECTED },
	{ NULL, SMS_REPORT_NONE }
};

/* member - a string member of o, NULL if it is none */
static const char *
member(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* one_result - a report from results[i]; 0 if it says nothing usable */
static int
one_result(json_t *res, struct callback_report *out)
{
	json_t		*status = json_object_get(res, "status");
	json_t		*error = json_object_get(res, "error");
	const char	*id = member(res, "messageId");
	char		 code[32] = "";

	if (id == NULL || *id == '\0' || !json_is_object(status))
		return 0;
	memset(out, 0, sizeof(*out));
	out->state = cb_state(groups, member(status, "groupName"), 0,
	    SMS_REPORT_NONE);
	if (out->state == SMS_REPORT_NONE)
		return 0;
	/* we send our client reference as the messageId: it is both */
	cb_copy(out->id, CALLBACK_ID_MAX, id);
	cb_copy(out->ref, CALLBACK_ID_MAX, id);
	out->when = cb_time_iso(member(res, "doneAt"));
	if (json_is_integer(json_object_get(error, "id")) &&
	    json_integer_value(json_object_get(error, "id")) != 0)
		snprintf(code, sizeof(code), "%s",
		    member(error, "name") != NULL ? member(error, "name") : "");
	cb_raw(out, "Infobip", member(status, "name"), code);
	return 1;
}

/* infobip_parse - every usable element of results[], up to max */
static int
infobip_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	json_t	*root, *results;
	size_t	 i, n = 0;

	*why = "not an Infobip delivery report";
	if (!cb_is_json(r) || (root = json_loadb(r->body, r->len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return -1;
	results = json_object_get(root, "results");
	if (!json_is_array(results)) {
		json_decref(root);
		return -1;
	}
	for (i = 0; i < json_array_size(results) && n < max; i++)
		n += (size_t)one_result(json_array_get(results, i), &out[n]);
	json_decref(root);
	return (int)n;
}

const struct callback_profile cb_infobip = {
	.name = "infobip",
	.path_token = 1,
	.needs_secret = 1,
	.verify = cb_token_verify,
	.parse = infobip_parse,
};
