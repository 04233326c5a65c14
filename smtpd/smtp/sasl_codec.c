/*
 * sasl_codec.c - the pure codecs of an AUTH exchange: strict RFC 4648
 * base64 (canonical only, padding bits zero) and RFC 4616 PLAIN.
 */
#include <string.h>

#include "smtpd/smtp/sasl_codec.h"

/* b64_value - the 6 bits of an RFC 4648 base64 character, -1 if none */
static int
b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* sasl_base64_decode - canonical base64 only: the bits padding hides are 0 */
int
sasl_base64_decode(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen)
{
	size_t	 pad = 0, n, i, o = 0;
	int	 v[4], k;

	if (outsz == 0)
		return -1;
	if (len == 0 || (len == 1 && in[0] == '=')) {
		out[0] = '\0';
		*outlen = 0;
		return 0;
	}
	if (len % 4 != 0)
		return -1;
	if (in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n >= outsz)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == len && k >= 4 - (int)pad)
				v[k] = 0;
			else if ((v[k] = b64_value((unsigned char)in[i + k])) == -1)
				goto bad;
		}
		if (i + 4 == len && ((pad == 2 && (v[1] & 0x0f) != 0) ||
		    (pad == 1 && (v[2] & 0x03) != 0)))
			goto bad;
		out[o++] = (char)(v[0] << 2 | v[1] >> 4);
		if (o < n)
			out[o++] = (char)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (o < n)
			out[o++] = (char)((v[2] & 0x03) << 6 | v[3]);
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
bad:
	/* the prefix decoded so far may be part of a password */
	explicit_bzero(out, o);
	return -1;
}

/* sasl_base64_encode - NUL-terminated; 0, or -1 if out is too small */
int
sasl_base64_encode(const char *in, size_t len, char *out, size_t outsz)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 quanta = len / 3 + (len % 3 != 0), i, o = 0;
	unsigned		 b;

	if (outsz == 0 || quanta > (outsz - 1) / 4)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		b = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = alphabet[(b >> 6) & 0x3f];
		out[o++] = alphabet[b & 0x3f];
	}
	if (len - i == 1) {
		b = (unsigned)p[i] << 16;
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		b = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = alphabet[(b >> 6) & 0x3f];
		out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

/* sasl_plain_split - RFC 4616 message; we do not let one user act as another */
int
sasl_plain_split(const char *msg, size_t len, char user[AUTH_USER_MAX + 1],
    char pass[AUTH_PASS_MAX + 1])
{
	const char	*nul1, *nul2, *authcid, *pw;
	size_t		 zlen, clen, plen;

	user[0] = '\0';
	pass[0] = '\0';
	if ((nul1 = memchr(msg, '\0', len)) == NULL)
		return -1;
	zlen = (size_t)(nul1 - msg);
	authcid = nul1 + 1;
	if ((nul2 = memchr(authcid, '\0', len - zlen - 1)) == NULL)
		return -1;
	clen = (size_t)(nul2 - authcid);
	pw = nul2 + 1;
	plen = len - zlen - 1 - clen - 1;
	if (clen == 0 || clen > AUTH_USER_MAX || plen == 0 ||
	    plen > AUTH_PASS_MAX || memchr(pw, '\0', plen) != NULL)
		return -1;
	if (zlen != 0 && (zlen != clen || memcmp(msg, authcid, clen) != 0))
		return -1;
	memcpy(user, authcid, clen);
	user[clen] = '\0';
	memcpy(pass, pw, plen);
	pass[plen] = '\0';
	return 0;
}
