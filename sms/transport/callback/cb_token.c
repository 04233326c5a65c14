/*
 * cb_token.c - the callbacks of providers that sign nothing (Infobip) and
 * of the generic profile: a token derived from the secret in the URL path.
 */
#include <string.h>

#include "sms/transport/callback/cb_util.h"

#define TOKEN_LABEL	"smsrelay report "

/* callback_path_token - see callback.h */
int
callback_path_token(const char *secret, const char *backend,
    char out[CALLBACK_TOKEN_LEN + 1])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	char		 data[sizeof(TOKEN_LABEL) + 64];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	size_t		 n;

	if (strlen(backend) > 64)
		return -1;
	memcpy(data, TOKEN_LABEL, sizeof(TOKEN_LABEL) - 1);
	memcpy(data + sizeof(TOKEN_LABEL) - 1, backend, strlen(backend));
	n = cb_hmac(EVP_sha256(), secret, strlen(secret), data,
	    sizeof(TOKEN_LABEL) - 1 + strlen(backend), mac);
	if (n * 2 < CALLBACK_TOKEN_LEN)
		return -1;
	cb_hex(mac, n, hex, sizeof(hex));
	memcpy(out, hex, CALLBACK_TOKEN_LEN);
	out[CALLBACK_TOKEN_LEN] = '\0';
	return 0;
}

/* cb_token_verify - see cb_util.h */
int
cb_token_verify(const struct callback_request *r,
    const struct callback_keys *k, const char **why)
{
	char	 want[CALLBACK_TOKEN_LEN + 1];

	*why = "no token in the path";
	if (r->token == NULL || k->secret == NULL || k->backend == NULL)
		return -1;
	*why = "out of memory";
	if (callback_path_token(k->secret, k->backend, want) == -1)
		return -1;
	*why = "a wrong token in the path";
	return cb_equal(r->token, want) ? 0 : -1;
}
