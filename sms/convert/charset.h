/*
 * charset.h - charset conversion through iconv with the handles kept open:
 * opening a converter costs more than converting a typical mail part; and
 * the decoding of mail text whose charset label does not fit its bytes.
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
/*
 * charset_decode - len bytes of str labelled fromcode as UTF-8 into out, as
 * charset_convert() does; but when the label does not decode every byte
 * (a C1 control character out counts as not decoded), UTF-8 and the
 * charsets mailers mean when they write that label (Shift_JIS or EUC-JP
 * under ISO-2022-JP, Windows supersets under GB2312, EUC-KR, Big5,
 * Shift_JIS and ISO-8859-1, Windows Latin-1 under US-ASCII) are tried in
 * turn, as mail clients do: the first that decodes every byte wins, else
 * the one with the fewest bytes not decoded, the label first.
 */
enum charset_result charset_decode(const char *fromcode, const char *str,
	    size_t len, char *out, size_t *outlen);
/* charset_close - close the cached converters (at exit, for leak checks) */
void	charset_close(void);

#endif
