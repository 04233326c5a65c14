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

/* callback_profile_of - the callback profile b reports through, or NULL */
static const struct callback_profile *
callback_profile_of(const struct conf *c, const struct backend_conf *b)
{
	const struct callback_profile	*p;

	if (c->http.public_url == NULL || c->http.listen == NULL ||
	    b->type != BACKEND_HTTP ||
	    (p = callback_profile_find(b->http.profile)) == NULL)
		return NULL;
	if (p->needs_secret ? b->http.callback_secret == NULL :
	    b->http.password == NULL)
		return NULL;
	return p;
}

/* uses_callback - a generic backend's request names {callback} */
static bool
uses_callback(const struct http_conf *h)
{
	size_t	 i;

	if (h->url != NULL && strstr(h->url, "{callback}") != NULL)
		return true;
	for (i = 0; i < h->nfields; i++)
		if (strstr(h->fields[i].value, "{callback}") != NULL)
			return true;
	return false;
}

/* callback_reports - see callback.h */
bool
callback_reports(const struct conf *c, const struct backend_conf *b)
{
	const struct callback_profile	*p = callback_profile_of(c, b);

	if (p == NULL)
		return false;
	/* the built-in profiles send the URL themselves; generic if told to */
	return strcmp(p->name, "generic") != 0 || uses_callback(&b->http);
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
	if ((p = callback_profile_of(c, b)) == NULL)
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
