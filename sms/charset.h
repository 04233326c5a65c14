/*
 * charset.h - charset conversion through iconv with the handles kept open:
 * opening a converter costs more than converting a typical mail part.
 */
#ifndef SMSRELAY_CHARSET_H
#define SMSRELAY_CHARSET_H

#include <stddef.h>

enum charset_result {
	CHARSET_OK = 0,
	CHARSET_UNKNOWN,	/* iconv knows no such pair */
	CHARSET_NOMEM,
	CHARSET_FAILED,
};

/*
 * charset_convert - len bytes of str from fromcode to tocode into out, which
 * holds *outlen bytes; *outlen becomes the converted length. A byte that
 * cannot be converted becomes U+FFFD (to UTF-8; '?' to other charsets) and
 * conversion goes on; an incomplete sequence at the end is dropped.
 */
enum charset_result charset_convert(const char *tocode, const char *fromcode,
	    const char *str, size_t len, char *out, size_t *outlen);
/* charset_close - close the cached converters (at exit, for leak checks) */
void	charset_close(void);

#endif
