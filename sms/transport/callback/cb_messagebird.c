/*
 * cb_messagebird.c - MessageBird's status reports: a GET to reportUrl with
 * id, reference, status and statusDatetime, signed by MessageBird-Signature-JWT.
 */
#include <errno.h>
#include <string.h>

#include "sms/transport/callback/cb_util.h"

static const struct cb_word statuses[] = {
	{ "scheduled", SMS_REPORT_ENROUTE }, { "sent", SMS_REPORT_ENROUTE },
	{ "buffered", SMS_REPORT_ENROUTE },
	{ "delivered", SMS_REPORT_DELIVERED }, { "expired", SMS_REPORT_EXPIRED },
	{ "delivery_failed", SMS_REPORT_UNDELIVERABLE },
	{ NULL, SMS_REPORT_NONE }
};

/* hash_claim - the claim is the hex SHA-256 of data[0..len) */
static int
hash_claim(json_t *claims, const char *name, const void *data, size_t len)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	json_t		*c = json_object_get(claims, name);
	size_t		 n;

	if (!json_is_string(c) || (n = cb_digest(EVP_sha256(), data, len,
	    md)) == 0)
		return 0;
	cb_hex(md, n, hex, sizeof(hex));
	return cb_equal_nocase(json_string_value(c), hex);
}

/*
 * messagebird_verify - the JWT is signed with the signing key and alive;
 * url_hash is of the URL called, payload_hash of the body (absent: none)
 */
static int
messagebird_verify(const struct callback_request *r,
    const struct callback_keys *k, const char **why)
{
	const char	*jwt = callback_header(r, "MessageBird-Signature-JWT");
	json_t		*claims;
	int		 ok;

	*why = "no MessageBird-Signature-JWT";
	if (jwt == NULL || k->secret == NULL)
		return -1;
	if ((claims = cb_jwt_hs256(jwt, k->secret, r->now, why)) == NULL)
		return -1;
	ok = hash_claim(claims, "url_hash", r->url, strlen(r->url));
	*why = "a url_hash of another URL";
	if (ok && r->len > 0) {
		ok = hash_claim(claims, "payload_hash", r->body, r->len);
		*why = "a payload_hash of another body";
	} else if (ok && json_object_get(claims, "payload_hash") != NULL) {
		ok = 0;
		*why = "a payload_hash but no body";
	}
	json_decref(claims);
	return ok ? 0 : -1;
}

/* a status report's parameters */
static const struct cb_fields fields = {
	.provider = "MessageBird", .statuses = statuses,
	.id = "id", .status = "status", .ref = "reference",
	.when = "statusDatetime", .time = cb_time_iso,
	.error = "statusErrorCode",
};

/* messagebird_parse - one report: id, reference, status, statusDatetime */
static int
messagebird_parse(const struct callback_request *r,
    struct callback_report *out, size_t max, const char **why)
{
	*why = "not a MessageBird status report";
	return cb_report_request(r, &fields, out, max, why);
}

const struct callback_profile cb_messagebird = {
	.name = "messagebird",
	.needs_secret = 1,
	.verify = messagebird_verify,
	.parse = messagebird_parse,
};
