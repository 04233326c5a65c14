/*
 * http_profile.c - the provider profiles the HTTP backend knows by name:
 * the generic template and Twilio here, the others in profile_*.c.
 */
#include <stddef.h>
#include <string.h>

#include "sms/transport/http_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Twilio: invalid To, To not reachable, region not enabled, unsubscribed,
 * not a mobile number, blocked: resending cannot help. Twilio's Messages
 * API takes no client reference, so none is sent.
 */
static const long twilio_permanent[] = {
	21211, 21214, 21408, 21610, 21612, 21614
};
/* the Twilio codes that say the number itself cannot receive SMS */
static const long twilio_invalid_number[] = { 21211, 21214, 21612, 21614 };
/* 21610: the recipient replied STOP (unsubscribed) */
static const long twilio_blocked[] = { 21610 };

static const struct kv generic_fields[] = {
	{ "to", "{to}" }, { "from", "{from}" }, { "text", "{text}" },
	{ "reference", "{ref}" },
};
/* StatusCallback: left out while there is no report URL (it expands to "") */
static const struct kv twilio_fields[] = {
	{ "To", "{to}" }, { "From", "{from}" }, { "Body", "{text}" },
	{ "StatusCallback", "{callback}" },
};

static const struct http_profile http_profile_generic = {
	.name = "generic",
	.format = HTTP_FORMAT_JSON,
	.fields = generic_fields, .nfields = NELEM(generic_fields),
	.id_field = "id", .code_field = "code", .message_field = "message",
};

static const struct http_profile http_profile_twilio = {
	.name = "twilio",
	.url = "https://api.twilio.com/2010-04-01/Accounts/{user}/Messages.json",
	.format = HTTP_FORMAT_FORM,
	.auth = HTTP_AUTH_BASIC,
	.user_means = "the account SID",
	.fields = twilio_fields, .nfields = NELEM(twilio_fields),
	.id_field = "sid", .code_field = "code", .message_field = "message",
	.permanent = twilio_permanent, .npermanent = NELEM(twilio_permanent),
	.invalid_number = twilio_invalid_number,
	.ninvalid_number = NELEM(twilio_invalid_number),
	.blocked = twilio_blocked, .nblocked = NELEM(twilio_blocked),
};

static const struct http_profile *const profiles[] = {
	&http_profile_generic, &http_profile_twilio, &http_profile_vonage,
	&http_profile_messagebird, &http_profile_sinch, &http_profile_infobip,
	&http_profile_plivo,
};

/* http_profile_find - look a profile up by its configured name */
const struct http_profile *
http_profile_find(const char *name)
{
	size_t	 i;

	if (name == NULL)
		name = "generic";
	for (i = 0; i < NELEM(profiles); i++)
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i];
	return NULL;
}

/* http_profile_names - the names, for a message listing them */
const char *
http_profile_names(void)
{
	return "generic, twilio, vonage, messagebird, sinch, infobip or plivo";
}
