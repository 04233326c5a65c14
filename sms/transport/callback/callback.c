/*
 * callback.c - the callback profiles by name, the report URL a backend
 * gives its provider, a backend's keys, and the headers of a request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/transport/callback/cb_util.h"

static const struct callback_profile *const profiles[] = {
	&cb_generic, &cb_twilio, &cb_vonage, &cb_messagebird, &cb_sinch,
	&cb_infobip, &cb_plivo,
};

/* callback_profile_find - see callback.h */
const struct callback_profile *
callback_profile_find(const char *name)
{
	size_t	 i;

	if (name == NULL)
		name = "generic";
	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i]->name, name) == 0)
			return profiles[i];
	return NULL;
}

/* callback_keys_of - see callback.h */
void
callback_keys_of(const struct backend_conf *b, struct callback_keys *k)
{
	k->backend = b->name;
	k->user = b->http.user;
	k->password = b->http.password;
	k->secret = b->http.callback_secret;
}

/* callback_url - see callback.h */
char *
callback_url(const struct conf *c, const struct backend_conf *b)
{
	const struct callback_profile	*p;
	const char			*base = c->http.public_url;
	char				*url;
	char				 token[CALLBACK_TOKEN_LEN + 1] = "";
	size_t				 n;

	errno = 0;
	if (base == NULL || c->http.listen == NULL ||
	    b->type != BACKEND_HTTP ||
	    (p = callback_profile_find(b->http.profile)) == NULL)
		return NULL;
	if (p->needs_secret ? b->http.callback_secret == NULL :
	    b->http.password == NULL)
		return NULL;
	if (p->path_token && callback_path_token(b->http.callback_secret,
	    b->name, token) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (asprintf(&url, "%.*s/report/%s%s%s", (int)n, base, b->name,
	    p->path_token ? "/" : "", token) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	return url;
}

/* callback_header - see callback.h */
const char *
callback_header(const struct callback_request *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}
