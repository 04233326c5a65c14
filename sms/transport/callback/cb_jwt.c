/*
 * cb_jwt.c - a JSON Web Token (RFC 7519) in JWS compact form signed with
 * HS256: the header, the signature in fixed time, nbf and exp, the claims.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "sms/transport/callback/cb_util.h"

#define JWT_MAX		4096	/* characters of a token */

/* part_json - one base64url part decoded and parsed as a JSON object */
static json_t *
part_json(const char *s, size_t len)
{
	unsigned char	 raw[JWT_MAX];
	size_t		 n;
	json_t		*j;

	if (cb_base64url_decode(s, len, raw, sizeof(raw), &n) == -1)
		return NULL;
	j = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* signature_ok - the third part is HMAC-SHA256(key, first.second) */
static int
signature_ok(const char *token, size_t signed_len, const char *sig,
    size_t siglen, const char *key)
{
	unsigned char	 want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
	size_t		 n, m;

	n = cb_hmac(EVP_sha256(), key, strlen(key), token, signed_len, want);
	if (n == 0 || cb_base64url_decode(sig, siglen, got, sizeof(got),
	    &m) == -1 || m != n)
		return 0;
	return CRYPTO_memcmp(want, got, n) == 0;
}

/* alive - nbf and exp, each a number if present, hold at now */
static int
alive(json_t *claims, int64_t now)
{
	json_t	*nbf = json_object_get(claims, "nbf");
	json_t	*exp = json_object_get(claims, "exp");

	if ((nbf != NULL && !json_is_number(nbf)) ||
	    (exp != NULL && !json_is_number(exp)))
		return 0;
	if (nbf != NULL && json_number_value(nbf) > (double)(now +
	    CALLBACK_SKEW))
		return 0;
	if (exp != NULL && json_number_value(exp) < (double)(now -
	    CALLBACK_SKEW))
		return 0;
	return 1;
}

/* cb_jwt_hs256 - see cb_util.h */
json_t *
cb_jwt_hs256(const char *token, const char *key, int64_t now,
    const char **why)
{
	const char	*dot1, *dot2;
	json_t		*header, *claims;
	int		 hs256;
	size_t		 len = strlen(token);

	*why = "a token that is not a JWT";
	if (len > JWT_MAX || (dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL)
		return NULL;
	if ((header = part_json(token, (size_t)(dot1 - token))) == NULL)
		return NULL;
	hs256 = json_is_string(json_object_get(header, "alg")) &&
	    strcmp(json_string_value(json_object_get(header, "alg")),
	    "HS256") == 0;
	json_decref(header);
	*why = "a JWT not signed with HS256";
	if (!hs256)
		return NULL;
	*why = "a wrong JWT signature";
	if (!signature_ok(token, (size_t)(dot2 - token), dot2 + 1,
	    len - (size_t)(dot2 + 1 - token), key))
		return NULL;
	*why = "a JWT with claims that do not parse";
	if ((claims = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL)
		return NULL;
	*why = "an expired or not yet valid JWT";
	if (!alive(claims, now)) {
		json_decref(claims);
		return NULL;
	}
	return claims;
}
