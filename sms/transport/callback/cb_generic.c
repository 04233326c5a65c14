/*
 * cb_generic.c - reports of a provider behind the generic template: id or
 * reference, status in smsrelay's words, a form, JSON or query; a path token.
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/callback/cb_util.h"

static const struct cb_word statuses[] = {
	{ "enroute", SMS_REPORT_ENROUTE }, { "sent", SMS_REPORT_ENROUTE },
	{ "delivered", SMS_REPORT_DELIVERED }, { "expired", SMS_REPORT_EXPIRED },
	{ "undeliverable", SMS_REPORT_UNDELIVERABLE },
	{ "failed", SMS_REPORT_UNDELIVERABLE },
	{ "rejected", SMS_REPORT_REJECTED }, { "unknown", SMS_REPORT_UNKNOWN },
	{ NULL, SMS_REPORT_NONE }
};

/*
 * generic_parse - one report: id (the provider's) and/or reference (the
 * {ref} it was given), status, optional timestamp (ISO 8601 or seconds)
 * and error
 */
static int
generic_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	struct cb_params	 ps = { 0 };
	const char		*id, *ref, *status, *ts;
	int			 n = -1;

	*why = "no id or reference with a status";
	if (max == 0 || cb_params_request(&ps, r) == -1)
		goto done;
	id = cb_param(&ps, "id");
	ref = cb_param(&ps, "reference");
	status = cb_param(&ps, "status");
	if (((id == NULL || *id == '\0') && (ref == NULL || *ref == '\0')) ||
	    status == NULL)
		goto done;
	memset(out, 0, sizeof(*out));
	if ((out->state = cb_state(statuses, status, 1, SMS_REPORT_NONE)) ==
	    SMS_REPORT_NONE) {
		*why = "an unknown status";
		goto done;
	}
	cb_copy(out->id, CALLBACK_ID_MAX, id != NULL && *id != '\0' ? id : ref);
	cb_copy(out->ref, CALLBACK_ID_MAX, ref);
	ts = cb_param(&ps, "timestamp");
	out->when = cb_time_number(ts) != 0 ? cb_time_number(ts) :
	    cb_time_iso(ts);
	cb_raw(out, "Generic", status, cb_param(&ps, "error"));
	n = 1;
done:
	cb_params_free(&ps);
	return n;
}

const struct callback_profile cb_generic = {
	.name = "generic",
	.path_token = 1,
	.needs_secret = 1,
	.verify = cb_token_verify,
	.parse = generic_parse,
};
