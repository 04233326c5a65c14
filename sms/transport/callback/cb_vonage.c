/*
 * cb_vonage.c - Vonage SMS API delivery receipts (GET query, form or JSON
 * POST) with the signed-webhook "sig" parameter of the signature secret.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/transport/callback/cb_util.h"

static const struct cb_word statuses[] = {
	{ "accepted", SMS_REPORT_ENROUTE }, { "buffered", SMS_REPORT_ENROUTE },
	{ "delivered", SMS_REPORT_DELIVERED }, { "expired", SMS_REPORT_EXPIRED },
	{ "failed", SMS_REPORT_UNDELIVERABLE },
	{ "rejected", SMS_REPORT_REJECTED }, { "unknown", SMS_REPORT_UNKNOWN },
	{ NULL, SMS_REPORT_NONE }
};

/*
 * signed_text - "&k=v" for every parameter but sig, sorted by name, '&'
 * and '=' inside a value replaced by '_' (Vonage's signing rules)
 */
static void
signed_text(const struct cb_params *ps, struct buf *b)
{
	const char	*v;
	size_t		 i;
	char		 c;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].key, "sig") == 0)
			continue;
		buf_add(b, "&", 1);
		buf_add(b, ps->v[i].key, strlen(ps->v[i].key));
		buf_add(b, "=", 1);
		for (v = ps->v[i].value; *v != '\0'; v++) {
			c = *v == '&' || *v == '=' ? '_' : *v;
			buf_add(b, &c, 1);
		}
	}
}

/* md5_hash - the "md5hash" method: MD5 of the text with the secret after */
static int
md5_hash(struct buf *text, const char *secret, char *hex, size_t hexlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 n;

	buf_add(text, secret, strlen(secret));
	if (text->failed || (n = cb_digest(EVP_md5(), text->p, text->len,
	    md)) == 0)
		return -1;
	text->len -= strlen(secret);
	cb_hex(md, n, hex, hexlen);
	return 0;
}

/* hmac_hex - an HMAC method: the text keyed with the secret */
static int
hmac_hex(const EVP_MD *md, const struct buf *text, const char *secret,
    char *hex, size_t hexlen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	size_t		 n;

	if (text->failed || (n = cb_hmac(md, secret, strlen(secret),
	    text->p != NULL ? text->p : (const uint8_t *)"", text->len,
	    mac)) == 0)
		return -1;
	cb_hex(mac, n, hex, hexlen);
	return 0;
}

/*
 * vonage_check - sig against the method its length names (the account
 * chooses one: md5hash, or HMAC-MD5/SHA1/SHA256/SHA512); 32 hex digits
 * are either MD5 method, both need the secret
 */
static int
vonage_check(const struct cb_params *ps, const char *sig, const char *secret)
{
	struct buf	 text = { 0 };
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	const EVP_MD	*md;
	int		 ok = 0;

	signed_text(ps, &text);
	switch (strlen(sig)) {
	case 32:
		md = EVP_md5();
		break;
	case 40:
		md = EVP_sha1();
		break;
	case 64:
		md = EVP_sha256();
		break;
	case 128:
		md = EVP_sha512();
		break;
	default:
		buf_free(&text);
		return 0;
	}
	if (hmac_hex(md, &text, secret, hex, sizeof(hex)) == 0)
		ok = cb_equal_nocase(sig, hex);
	if (strlen(sig) == 32 && md5_hash(&text, secret, hex,
	    sizeof(hex)) == 0)
		ok |= cb_equal_nocase(sig, hex);
	buf_free(&text);
	return ok;
}

/* vonage_verify - the sig parameter with backend.callback_secret */
static int
vonage_verify(const struct callback_request *r, const struct callback_keys *k,
    const char **why)
{
	struct cb_params	 ps = { 0 };
	const char		*sig;
	int			 ok;

	*why = "parameters that do not parse";
	if (cb_params_request(&ps, r) == -1) {
		cb_params_free(&ps);
		return -1;
	}
	cb_params_sort(&ps);
	*why = "no sig parameter";
	if ((sig = cb_param(&ps, "sig")) == NULL || k->secret == NULL) {
		cb_params_free(&ps);
		return -1;
	}
	ok = vonage_check(&ps, sig, k->secret);
	cb_params_free(&ps);
	*why = "a wrong sig";
	return ok ? 0 : -1;
}

/* a delivery receipt's parameters */
static const struct cb_fields fields = {
	.provider = "Vonage", .statuses = statuses,
	.id = "messageId", .status = "status", .ref = "client-ref",
	.when = "message-timestamp", .time = cb_time_vonage,
	.error = "err-code",
};

/* vonage_parse - one receipt: messageId, status, err-code, client-ref */
static int
vonage_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	*why = "not a Vonage delivery receipt";
	return cb_report_request(r, &fields, out, max, why);
}

const struct callback_profile cb_vonage = {
	.name = "vonage",
	.needs_secret = 1,
	.verify = vonage_verify,
	.parse = vonage_parse,
};
