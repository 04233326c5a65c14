/*
 * cb_plivo.c - Plivo's message status callbacks: a form POST to the url of
 * the message with MessageUUID and Status, signed by X-Plivo-Signature-V3.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/transport/callback/cb_util.h"

#define PLIVO_SIGS_MAX	512	/* characters of X-Plivo-Signature-V3 */

static const struct cb_word statuses[] = {
	{ "queued", SMS_REPORT_ENROUTE }, { "sent", SMS_REPORT_ENROUTE },
	{ "delivered", SMS_REPORT_DELIVERED },
	{ "undelivered", SMS_REPORT_UNDELIVERABLE },
	{ "failed", SMS_REPORT_UNDELIVERABLE },
	{ "rejected", SMS_REPORT_REJECTED },
	{ NULL, SMS_REPORT_NONE }
};

/* add_query - the query of the URL sorted, "k=v" joined by '&' */
static int
add_query(struct buf *b, const char *query)
{
	struct cb_params	 ps = { 0 };
	size_t			 i;

	if (cb_params_form(&ps, query, strlen(query)) == -1) {
		cb_params_free(&ps);
		return -1;
	}
	cb_params_sort(&ps);
	for (i = 0; i < ps.n; i++) {
		if (i > 0)
			buf_add(b, "&", 1);
		buf_add(b, ps.v[i].key, strlen(ps.v[i].key));
		buf_add(b, "=", 1);
		buf_add(b, ps.v[i].value, strlen(ps.v[i].value));
	}
	cb_params_free(&ps);
	return 0;
}

/*
 * signed_text - what Plivo's V3 signature covers: the URL without its
 * query; for a POST with parameters "?" and the sorted query (then "."
 * if it had one) followed by each parameter's name and value, sorted; for
 * a GET "?" and the sorted query if there is one; then "." and the nonce
 */
static int
signed_text(const struct callback_request *r, const char *nonce,
    struct buf *b)
{
	struct cb_params	 ps = { 0 };
	const char		*q = strchr(r->url, '?');
	size_t			 i;
	int			 post = strcmp(r->method, "POST") == 0;
	int			 query, params;

	buf_add(b, r->url, q != NULL ? (size_t)(q - r->url) : strlen(r->url));
	if (post && r->len > 0 && (!cb_is_form(r) ||
	    cb_params_form(&ps, r->body, r->len) == -1)) {
		cb_params_free(&ps);
		return -1;
	}
	query = q != NULL && q[1] != '\0';
	params = post && ps.n > 0;
	if (query || params)
		buf_add(b, "?", 1);
	if (query && add_query(b, q + 1) == -1) {
		cb_params_free(&ps);
		return -1;
	}
	if (query && params)
		buf_add(b, ".", 1);
	cb_params_sort(&ps);
	for (i = 0; i < ps.n; i++) {
		buf_add(b, ps.v[i].key, strlen(ps.v[i].key));
		buf_add(b, ps.v[i].value, strlen(ps.v[i].value));
	}
	cb_params_free(&ps);
	buf_add(b, ".", 1);
	buf_add(b, nonce, strlen(nonce));
	return b->failed ? -1 : 0;
}

/* one_of - want is one of the comma-separated signatures in sigs */
static int
one_of(const char *sigs, const char *want)
{
	char	 copy[PLIVO_SIGS_MAX + 1], *p, *s;
	int	 ok = 0;

	if (strlen(sigs) > PLIVO_SIGS_MAX)
		return 0;
	memcpy(copy, sigs, strlen(sigs) + 1);
	for (p = copy; (s = strsep(&p, ",")) != NULL; )
		ok |= cb_equal(s, want);
	return ok;
}

/* plivo_verify - Base64(HMAC-SHA256(auth token, signed text)) */
static int
plivo_verify(const struct callback_request *r, const struct callback_keys *k,
    const char **why)
{
	const char	*sigs = callback_header(r, "X-Plivo-Signature-V3");
	const char	*nonce = callback_header(r, "X-Plivo-Signature-V3-Nonce");
	struct buf	 text = { 0 };
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	char		 want[2 * EVP_MAX_MD_SIZE];
	size_t		 n = 0;

	*why = "no X-Plivo-Signature-V3 with its nonce";
	if (sigs == NULL || nonce == NULL || k->password == NULL)
		return -1;
	*why = "a body that is not a form";
	if (signed_text(r, nonce, &text) == 0)
		n = cb_hmac(EVP_sha256(), k->password, strlen(k->password),
		    text.p, text.len, mac);
	buf_free(&text);
	if (n == 0)
		return -1;
	cb_base64(mac, n, want, sizeof(want));
	*why = "a wrong X-Plivo-Signature-V3";
	return one_of(sigs, want) ? 0 : -1;
}

/* a message status's parameters */
static const struct cb_fields fields = {
	.provider = "Plivo", .statuses = statuses,
	.id = "MessageUUID", .status = "Status", .error = "ErrorCode",
};

/* plivo_parse - one report: MessageUUID, Status, ErrorCode */
static int
plivo_parse(const struct callback_request *r, struct callback_report *out,
    size_t max, const char **why)
{
	*why = "not a Plivo message status";
	return cb_report_request(r, &fields, out, max, why);
}

const struct callback_profile cb_plivo = {
	.name = "plivo",
	.verify = plivo_verify,
	.parse = plivo_parse,
};
