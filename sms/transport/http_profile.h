/*
 * http_profile.h - what a provider profile of the HTTP backend knows: its
 * URL, format, authentication, request body and how to read its answers.
 */
#ifndef SMSRELAY_HTTP_PROFILE_H
#define SMSRELAY_HTTP_PROFILE_H

#include <stddef.h>

#include <jansson.h>

#include "conf/conf.h"
#include "sms/transport/http.h"

struct http_profile {
	const char	*name;
	const char	*url;		/* default URL template; NULL: required */
	enum http_format format;
	enum http_auth	 auth;		/* the scheme unless backend.auth says */
	/* "Authorization: SCHEME password" ("App", "AccessKey"); NULL: none */
	const char	*auth_scheme;
	const char	*user_means;	/* user required, meaning this; NULL: not */
	const char	*password_means; /* password required; NULL: not */
	const struct kv	*fields;	/* default body fields */
	size_t		 nfields;
	const char	*id_field;
	const char	*code_field;
	const char	*message_field;
	const long	*permanent;	/* default code lists */
	size_t		 npermanent;
	const long	*invalid_number;
	size_t		 ninvalid_number;
	const long	*blocked;
	size_t		 nblocked;
	/*
	 * body - the request body of one SMS, backend.fields added to it;
	 * NULL: the fields alone. errno as http_body says.
	 */
	char		*(*body)(const struct http_conf *,
			    const struct http_vars *, size_t *len);
	/*
	 * classify - the verdict on an answer the generic rules do not settle
	 * (2xx, 4xx but 408 and 429; root: the parsed body or NULL); 0 leaves
	 * it to them.
	 */
	int		 (*classify)(const struct http_conf *,
			    const struct http_response *, json_t *root,
			    struct http_outcome *);
};

/* http_profile_find - the profile of that name, NULL if none */
const struct http_profile *http_profile_find(const char *name);
/* http_profile_names - "generic, twilio, ..." for messages */
const char	*http_profile_names(void);

extern const struct http_profile http_profile_vonage;
extern const struct http_profile http_profile_messagebird;
extern const struct http_profile http_profile_sinch;
extern const struct http_profile http_profile_infobip;
extern const struct http_profile http_profile_plivo;

/*
 * Helpers for the profiles, in http_outcome.c and http.c.
 * http_json_path - the member a dotted path names ("messages.0.id").
 */
json_t	*http_json_path(json_t *, const char *path);
/* http_clean - append s[0..n) to out[pos..max) as printable ASCII */
size_t	 http_clean(char *out, size_t pos, size_t max, const char *s,
	    size_t n);
/* http_outcome_reason - "HTTP 400: msg (code C)" within HTTP_REASON_MAX */
void	 http_outcome_reason(struct http_outcome *, long status,
	    const char *msg, size_t msglen, const char *code);
/* http_outcome_fail - o is result, the reason the provider's msg (or NULL) */
void	 http_outcome_fail(struct http_outcome *, enum sms_result,
	    long status, const char *msg, const char *code);
/* http_outcome_id - the provider's id from j, a string or a number */
void	 http_outcome_id(struct http_outcome *, json_t *j);
/* http_outcome_part - one more part id; the first is also provider_id */
void	 http_outcome_part(struct http_outcome *, json_t *j);
/* http_in_codes - is code one of v[0..n)? */
int	 http_in_codes(const long *v, size_t n, long code);
/* http_json_code - a code (number or numeric string) as long and text */
int	 http_json_code(json_t *, long *code, char *text, size_t textlen);
/* http_mentions - does s (a JSON string or NULL) contain word, any case? */
int	 http_mentions(json_t *s, const char *word);
/*
 * http_fields_json, http_fields_form - add the configured fields to a JSON
 * object or a form being built; -1 with errno as http_body.
 */
int	 http_fields_json(const struct http_conf *, const struct http_vars *,
	    json_t *obj);
int	 http_fields_form(const struct http_conf *, const struct http_vars *,
	    struct buf *);
/* http_form_add - "&key=value", form-encoded */
void	 http_form_add(struct buf *, const char *key, const char *value);
/*
 * http_json_body - the end of a JSON body: obj (a profile's members; bad if
 * one could not be set: EILSEQ) with the configured fields, as text; obj is
 * freed either way, errno set on NULL
 */
char	*http_json_body(const struct http_conf *, const struct http_vars *,
	    json_t *obj, int bad, size_t *len);
/* http_json_finish - the compact text of obj, which it frees; errno set */
char	*http_json_finish(json_t *obj, size_t *len);
/* http_form_finish - the text of a form built in b; errno ENOMEM */
char	*http_form_finish(struct buf *, size_t *len);
/* http_digits - to without its '+' */
const char *http_digits(const char *to);

#endif
