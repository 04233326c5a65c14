/*
 * sasl_codec.h - the pure codecs of an AUTH exchange (RFC 4954): strict
 * base64 both ways and the PLAIN message (RFC 4616).
 */
#ifndef SMSRELAY_SASL_CODEC_H
#define SMSRELAY_SASL_CODEC_H

#include <stddef.h>

#include "smtpd/policy/users_file.h"

/*
 * sasl_base64_decode - strict RFC 4648 base64 of an AUTH exchange into
 * out[outsz] (NUL-terminated, *outlen excludes it); "=" alone is empty.
 * -1 if malformed or too long.
 */
int	 sasl_base64_decode(const char *in, size_t len, char *out, size_t outsz,
	    size_t *outlen);
/* sasl_base64_encode - for the LOGIN prompts; -1 if out is too small */
int	 sasl_base64_encode(const char *in, size_t len, char *out, size_t outsz);
/*
 * sasl_plain_split - "authzid NUL authcid NUL passwd" (RFC 4616) from a
 * decoded response; -1 unless both NULs are there, authcid and passwd are
 * non-empty and each fits. An authzid other than empty or authcid is -1.
 */
int	 sasl_plain_split(const char *msg, size_t len,
	    char user[AUTH_USER_MAX + 1], char pass[AUTH_PASS_MAX + 1]);

#endif
