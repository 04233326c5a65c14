/*
 * cb_crypto.c - the digests callback signatures are made of (HMAC and plain,
 * through OpenSSL's EVP), their text forms, and comparisons in fixed time.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sms/lib/ascii.h"
#include "sms/transport/callback/cb_util.h"

/* cb_hmac - see cb_util.h; 0 if OpenSSL refused */
size_t
cb_hmac(const EVP_MD *md, const char *key, size_t keylen, const void *data,
    size_t len, unsigned char *out)
{
	unsigned int	 n = 0;

	if (keylen > (size_t)INT32_MAX ||
	    HMAC(md, key, (int)keylen, data, len, out, &n) == NULL)
		return 0;
	return n;
}

/* cb_digest - see cb_util.h; 0 if OpenSSL refused */
size_t
cb_digest(const EVP_MD *md, const void *data, size_t len, unsigned char *out)
{
	unsigned int	 n = 0;

	if (EVP_Digest(data, len, out, &n, md, NULL) != 1)
		return 0;
	return n;
}

/* cb_base64 - see cb_util.h; out holds at least 4 * ceil(n / 3) + 1 */
void
cb_base64(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i, o = 0;
	unsigned long		 v;

	for (i = 0; i < n && o + 5 <= outlen; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	if (outlen > 0)
		out[o] = '\0';
}

/* cb_hex - see cb_util.h; out holds 2 * n + 1 */
void
cb_hex(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n && 2 * i + 2 < outlen; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	if (outlen > 0)
		out[2 * i] = '\0';
}

/*
 * cb_equal - see cb_util.h; the lengths may show (signatures have fixed
 * lengths by algorithm), the contents do not
 */
int
cb_equal(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* cb_equal_nocase - see cb_util.h: ASCII letters folded, no early exit */
int
cb_equal_nocase(const char *a, const char *b)
{
	size_t		 i, n = strlen(a);
	unsigned char	 diff = 0;

	if (n != strlen(b))
		return 0;
	for (i = 0; i < n; i++)
		diff |= ascii_lower((unsigned char)a[i]) ^
		    ascii_lower((unsigned char)b[i]);
	return diff == 0;
}

/* b64url_value - one character of the URL-safe alphabet, -1 if none */
static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* cb_base64url_decode - see cb_util.h */
int
cb_base64url_decode(const char *s, size_t len, unsigned char *out,
    size_t outlen, size_t *got)
{
	unsigned long	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0, v;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if ((v = b64url_value(s[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* the bits left over must be zero: one spelling per value */
	if ((acc & ((1UL << bits) - 1)) != 0)
		return -1;
	*got = o;
	return 0;
}
