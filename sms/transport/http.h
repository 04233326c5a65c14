/*
 * http.h - the pure parts of the HTTP provider backend, for its tests:
 * templates, request bodies, profile defaults, response classification.
 */
#ifndef SMSRELAY_HTTP_H
#define SMSRELAY_HTTP_H

#include <stddef.h>

#include <curl/curl.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"

#define HTTP_BODY_MAX		(64 * 1024)	/* response bytes kept */
#define HTTP_REASON_MAX		200		/* chars of a failure reason */
#define HTTP_ID_MAX		128		/* chars of a provider id */
#define HTTP_MAX_IN_FLIGHT	64		/* requests, unless configured */
#define HTTP_RETRY_AFTER_MAX	3600		/* seconds of a 429's pause */
#define HTTP_PARTS_MAX		16		/* part ids kept of one SMS */

struct buf;

/*
 * What the placeholders stand for: {to} {to_digits} {from} {text} {ref}
 * {parts} {encoding} {user} {callback}.
 */
struct http_vars {
	const char	*to;
	const char	*from;		/* "" when there is no sender id */
	const char	*text;
	const char	*ref;
	const char	*encoding;
	const char	*user;		/* "" when unset */
	unsigned	 parts;
	const char	*callback;	/* the report URL; NULL or "": none */
};

enum http_escape {
	HTTP_ESCAPE_NONE,	/* values as they are (JSON bodies, headers) */
	HTTP_ESCAPE_URL		/* percent-encoded but RFC 3986 unreserved */
};

/* http_template_check - 0, or -1 naming the first unknown placeholder in err */
int	 http_template_check(const char *tmpl, char *err, size_t errlen);
/* http_expand - tmpl with placeholders replaced; NULL: EINVAL or ENOMEM */
char	*http_expand(const char *tmpl, const struct http_vars *,
	    enum http_escape);
/* http_form_encode - application/x-www-form-urlencoded form of s[0..len) */
char	*http_form_encode(const char *s, size_t len);
/*
 * http_body - the request body of the fields of hc, JSON or form; fields
 * that expand to "" are left out. NULL with errno EILSEQ if a value is not
 * UTF-8 (JSON only), ENOMEM, or EINVAL for an unknown placeholder.
 */
char	*http_body(const struct http_conf *hc, const struct http_vars *,
	    size_t *len);

/*
 * http_conf_resolve - deep copy of in with the profile's defaults filled in
 * for what is NULL/0, templates checked; -1 with a message in err.
 * The twilio profile always uses form bodies and basic auth unless bearer
 * is asked for, because struct http_conf cannot say "format not set".
 */
int	 http_conf_resolve(const struct http_conf *in, struct http_conf *out,
	    char *err, size_t errlen);
/* http_conf_clear - free what http_conf_resolve allocated */
void	 http_conf_clear(struct http_conf *);

struct http_response {
	CURLcode	 result;	/* curl's transfer result */
	const char	*error;		/* curl's error buffer, NULL or "" */
	long		 status;	/* HTTP status, 0 if none */
	const char	*body;		/* not NUL-terminated */
	size_t		 len;
	int		 truncated;	/* more than HTTP_BODY_MAX bytes came */
	long		 retry_after;	/* Retry-After in seconds, 0 if none */
};

struct http_outcome {
	enum sms_result	 result;
	char		 provider_id[HTTP_ID_MAX + 1];	/* "" if none */
	char		 reason[HTTP_REASON_MAX + 1];	/* "" on success */
	unsigned	 retry_after;	/* SMS_THROTTLED: seconds, 0 if unsaid */
	/* one id per part where the provider gives them (Vonage) */
	char		 part_ids[HTTP_PARTS_MAX][HTTP_ID_MAX + 1];
	size_t		 npart_ids;
};

/* http_classify - sent, temporary or permanent failure, by the rules of hc */
void	 http_classify(const struct http_conf *hc, const struct http_response *,
	    struct http_outcome *);

#endif
