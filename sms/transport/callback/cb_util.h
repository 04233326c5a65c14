/*
 * cb_util.h - what the callback profiles share, not for use outside
 * sms/transport/callback/: parameters, digests, times, JWT, the profiles.
 */
#ifndef SMSRELAY_CB_UTIL_H
#define SMSRELAY_CB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "sms/transport/callback/callback.h"

#define CB_PARAMS_MAX	256	/* parameters one request may have */

/* decoded name=value pairs of a query, a form or a flat JSON object */
struct cb_param {
	char		*key;
	char		*value;
};
struct cb_params {
	struct cb_param	*v;
	size_t		 n;
	size_t		 cap;
};

/* cb_params.c: -1 with errno EINVAL (malformed, too many) or ENOMEM */
int	 cb_params_form(struct cb_params *, const char *s, size_t len);
/* cb_params_json - members of a JSON object: strings, numbers, booleans */
int	 cb_params_json(struct cb_params *, const char *s, size_t len);
/* cb_params_request - the form or JSON body, else the query of r */
int	 cb_params_request(struct cb_params *, const struct callback_request *);
/* cb_params_sort - by key, then value (bytewise) */
void	 cb_params_sort(struct cb_params *);
/* cb_param - the first value of key, NULL if none */
const char *cb_param(const struct cb_params *, const char *key);
void	 cb_params_free(struct cb_params *);
/* cb_is_form, cb_is_json - the request's Content-Type says so */
int	 cb_is_form(const struct callback_request *);
int	 cb_is_json(const struct callback_request *);

/* cb_crypto.c; digests are at most EVP_MAX_MD_SIZE bytes */
size_t	 cb_hmac(const EVP_MD *, const char *key, size_t keylen,
	    const void *data, size_t len, unsigned char *out);
size_t	 cb_digest(const EVP_MD *, const void *data, size_t len,
	    unsigned char *out);
/* cb_base64 - standard alphabet with padding, NUL-terminated in out */
void	 cb_base64(const unsigned char *, size_t, char *out, size_t outlen);
/* cb_hex - lower-case hex, NUL-terminated */
void	 cb_hex(const unsigned char *, size_t, char *out, size_t outlen);
/* cb_equal - a == b, in time that does not depend on where they differ */
int	 cb_equal(const char *a, const char *b);
/* cb_equal_nocase - the same for hex that may be in either case */
int	 cb_equal_nocase(const char *a, const char *b);
/* cb_base64url_decode - RFC 4648 section 5 without padding; -1 if bad */
int	 cb_base64url_decode(const char *s, size_t len, unsigned char *out,
	    size_t outlen, size_t *got);

/* cb_time.c - seconds since the epoch, 0 if s is not such a time */
int64_t	 cb_time_iso(const char *s);	/* 2024-05-03T14:26:57[.123][Z|+hh:mm] */
int64_t	 cb_time_vonage(const char *s);	/* 2024-05-03 14:26:57 (UTC) */
int64_t	 cb_time_number(const char *s);	/* 1714746417 */

/*
 * cb_jwt.c - the claims of a JWS compact token signed with HS256 by key,
 * alive at now (nbf, exp, CALLBACK_SKEW slack); NULL with why
 */
json_t	*cb_jwt_hs256(const char *token, const char *key,
		    int64_t now, const char **why);

/* cb_report.c: filling in a report */
/* cb_copy - s as printable ASCII, cut at max chars; "" for NULL */
void	 cb_copy(char *out, size_t max, const char *s);
/* cb_raw - "X-Name; status code": the provider's words, cleaned */
void	 cb_raw(struct callback_report *, const char *provider,
	    const char *status, const char *code);
/* cb_state - the state of word in a table ending in NULL, else def */
struct cb_word {
	const char	*word;
	enum sms_report	 state;
};
enum sms_report cb_state(const struct cb_word *, const char *word,
	    int nocase, enum sms_report def);
/* the parameter names of a provider's report about one SMS */
struct cb_fields {
	const char		*provider;	/* X-provider in raw */
	const struct cb_word	*statuses;	/* words as given, case kept */
	const char		*id;
	const char		*status;
	const char		*ref;		/* NULL: none */
	const char		*when;		/* NULL: none */
	int64_t			(*time)(const char *);	/* reads when */
	const char		*error;
};
/*
 * cb_report_fields - the one report ps holds under f's names: 1, or -1 if
 * id or status is missing (why untouched) or the status is not known
 */
int	 cb_report_fields(const struct cb_params *, const struct cb_fields *,
	    struct callback_report *, const char **why);
/*
 * cb_report_request - the one report of a form or JSON request under f's
 * names (max 0: none read): 1, or -1 with why left for the caller's text
 * unless the status is not known
 */
int	 cb_report_request(const struct callback_request *,
	    const struct cb_fields *, struct callback_report *, size_t max,
	    const char **why);

/* cb_token.c - the path token derived from backend.callback_secret */
int	 cb_token_verify(const struct callback_request *,
	    const struct callback_keys *, const char **why);

extern const struct callback_profile cb_generic;
extern const struct callback_profile cb_twilio;
extern const struct callback_profile cb_vonage;
extern const struct callback_profile cb_messagebird;
extern const struct callback_profile cb_sinch;
extern const struct callback_profile cb_infobip;
extern const struct callback_profile cb_plivo;

#endif
