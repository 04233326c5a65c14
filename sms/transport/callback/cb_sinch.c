/*
 * cb_sinch.c - Sinch XMS per-recipient delivery reports (JSON POST), signed
 * with the HMAC secret of the service plan's callback configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sms/lib/buf.h"
#include "sms/transport/callback/cb_util.h"

static const struct cb_word statuses[] = {
	{ "Queued", SMS_REPORT_ENROUTE }, { "Dispatched", SMS_REPORT_ENROUTE },
	{ "Delivered", SMS_REPORT_DELIVERED }, { "Expired", SMS_REPORT_EXPIRED },
	{ "Failed", SMS_REPORT_UNDELIVERABLE },
	{ "Rejected", SMS_REPORT_REJECTED }, { "Aborted", SMS_REPORT_REJECTED },
	{ "Cancelled", SMS_REPORT_REJECTED }, { "Deleted", SMS_REPORT_UNKNOWN },
	{ "Unknown", SMS_REPORT_UNKNOWN },
	{ NULL, SMS_REPORT_NONE }
};

/* sinch_md - the digest x-sinch-webhook-signature-algorithm names */
static const EVP_MD *
sinch_md(const char *algorithm)
{
	if (algorithm == NULL || strcasecmp(algorithm, "HmacSHA256") == 0)
		return EVP_sha256();
	if (strcasecmp(algorithm, "HmacSHA512") == 0)
		return EVP_sha512();
	return NULL;
}

/*
 * sinch_verify - x-sinch-webhook-signature is Base64(HMAC(secret, body +
 * "." + nonce + "." + timestamp)), the algorithm HmacSHA256 unless said
 */
static int
sinch_verify(const struct callback_request *r, const struct callback_keys *k,
    const char **why)
{
	const char	*sig = callback_header(r, "x-sinch-webhook-signature");
	const char	*nonce = callback_header(r,
	    "x-sinch-webhook-signature-nonce");
	const char	*ts = callback_header(r,
	    "x-sinch-webhook-signature-timestamp");
	const EVP_MD	*md = sinch_md(callback_header(r,
	    "x-sinch-webhook-signature-algorithm"));
	struct buf	 data = { 0 };
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	char		 want[2 * EVP_MAX_MD_SIZE];
	size_t		 n;

	*why = "no x-sinch-webhook-signature with nonce and timestamp";
	if (sig == NULL || nonce == NULL || ts == NULL || k->secret == NULL)
		return -1;
	*why = "an unknown x-sinch-webhook-signature-algorithm";
	if (md == NULL)
		return -1;
	buf_add(&data, r->body, r->len);
	buf_add(&data, ".", 1);
	buf_add(&data, nonce, strlen(nonce));
	buf_add(&data, ".", 1);
	buf_add(&data, ts, strlen(ts));
	*why = "out of memory";
	n = data.failed ? 0 : cb_hmac(md, k->secret, strlen(k->secret),
	    data.p, data.len, mac);
	buf_free(&data);
	if (n == 0)
		return -1;
	cb_base64(mac, n, want, sizeof(want));
	*why = "a wrong x-sinch-webhook-signature";
	return cb_equal(sig, want) ? 0 : -1;
}

/* a recipient_delivery_report_sms's members */
static const struct cb_fields fields = {
	.provider = "Sinch", .statuses = statuses,
	.id = "batch_id", .status = "status", .ref = "client_reference",
	.when = "at", .time = cb_time_iso, .error = "code",
};

/*
 * sinch_parse - a recipient_delivery_report_sms: batch_id, status, code,
 * at, client_reference; a batch summary (delivery_report_sms) says nothing
 * of one recipient and gives no report
 */
static int
sinch_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	struct cb_params	 ps = { 0 };
	const char		*type;
	int			 n = -1;

	*why = "not a Sinch delivery report";
	if (max > 0 && cb_is_json(r) &&
	    cb_params_json(&ps, r->body, r->len) == 0 &&
	    (type = cb_param(&ps, "type")) != NULL) {
		if (strcmp(type, "delivery_report_sms") == 0)
			n = 0;
		else if (strcmp(type, "recipient_delivery_report_sms") == 0)
			n = cb_report_fields(&ps, &fields, out, why);
	}
	cb_params_free(&ps);
	return n;
}

const struct callback_profile cb_sinch = {
	.name = "sinch",
	.needs_secret = 1,
	.verify = sinch_verify,
	.parse = sinch_parse,
};
