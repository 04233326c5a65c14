/*
 * callback.h - providers' delivery report callbacks: per profile, is a
 * request really the provider's (verify) and what does it report (parse).
 */
#ifndef SMSRELAY_CALLBACK_H
#define SMSRELAY_CALLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"

#define CALLBACK_ID_MAX		128	/* chars of a provider id or ref */
#define CALLBACK_RAW_MAX	120	/* chars of the provider's own words */
#define CALLBACK_REPORTS_MAX	32	/* reports one request may carry */
#define CALLBACK_SKEW		300	/* seconds a signed time may be off */
#define CALLBACK_TOKEN_LEN	32	/* hex digits of a path token */

struct callback_header {
	const char	*name;
	const char	*value;
};

/* one request as the listener received it; pure data, no libevent */
struct callback_request {
	const char	*method;	/* "GET", "POST" */
	/* the URL the provider called: http.public_url + path + query */
	const char	*url;
	const char	*query;		/* after '?', NULL if none */
	const char	*token;		/* path segment after the name, or NULL */
	const struct callback_header *headers;
	size_t		 nheaders;
	const char	*body;		/* not NUL-terminated */
	size_t		 len;
	int64_t		 now;		/* seconds since the epoch */
};

/* what a backend authenticates its callbacks with (its configuration) */
struct callback_keys {
	const char	*backend;	/* its name */
	const char	*user;		/* backend.user */
	const char	*password;	/* backend.password (auth tokens) */
	const char	*secret;	/* backend.callback_secret */
};

/*
 * One report: the provider's id of the SMS (or part) and our client
 * reference where the provider returns it ("" if not), the state, when
 * (0: not said) and the provider's words ("X-Twilio; undelivered 30003").
 */
struct callback_report {
	char		 id[CALLBACK_ID_MAX + 1];
	char		 ref[CALLBACK_ID_MAX + 1];
	enum sms_report	 state;
	int64_t		 when;
	char		 raw[CALLBACK_RAW_MAX + 1];
};

struct callback_profile {
	const char	*name;
	/* the secret is a path token (/report/NAME/TOKEN), not a signature */
	int		 path_token;
	/* needs backend.callback_secret (else backend.password does) */
	int		 needs_secret;
	/* verify - 0 if signed by the keys; -1 with why ("no signature") */
	int		(*verify)(const struct callback_request *,
			    const struct callback_keys *, const char **why);
	/*
	 * parse - the reports in the request, at most max; their count, or
	 * -1 with why if it is not a report this profile knows
	 */
	int		(*parse)(const struct callback_request *,
			    struct callback_report *, size_t max,
			    const char **why);
};

/* callback_profile_find - the callback side of an http profile, or NULL */
const struct callback_profile *callback_profile_find(const char *name);
/*
 * callback_url - the report URL of backend b (http.public_url + "/report/"
 * + name, + "/" + token for the token profiles), malloc'd; NULL with errno
 * 0 when b gets none (no public_url, not http, no means to authenticate),
 * ENOMEM
 */
char	*callback_url(const struct conf *, const struct backend_conf *b);
/*
 * callback_reports - whether backend b's provider will report through the
 * listener: it gets a report URL and its request carries it
 */
bool	 callback_reports(const struct conf *, const struct backend_conf *b);
/* callback_keys_of - the keys of backend b */
void	 callback_keys_of(const struct backend_conf *b,
	    struct callback_keys *);
/*
 * callback_path_token - the path token of the token profiles: the first
 * CALLBACK_TOKEN_LEN hex digits of HMAC-SHA256(secret, "smsrelay report
 * " + backend name), so any secret makes a URL-safe token and the URL
 * does not show the secret; -1 if OpenSSL fails
 */
int	 callback_path_token(const char *secret, const char *backend,
	    char out[CALLBACK_TOKEN_LEN + 1]);
/* callback_header - the value of header name (any case), NULL if absent */
const char *callback_header(const struct callback_request *,
	    const char *name);

#endif
