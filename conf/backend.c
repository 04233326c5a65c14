/*
 * backend.c - where SMS go: backend = { } or backends = ( { name = ...; } )
 * (the outbox file, or an HTTP provider: profile, request template,
 * authentication, how to read its replies; throughput and failure limits),
 * and the rules between those keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

#define HOFF(member)	BOFF(http.member)
#define NAME_MAX_LEN	32
/* max_in_flight by type when unset: an outbox answers at once */
#define HTTP_IN_FLIGHT	64
#define OUTBOX_IN_FLIGHT 1024
#define SMPP_IN_FLIGHT	256	/* a few windows' worth waiting for one */

static const char *const type_names[] = { "outbox", "http", "smpp", NULL };
static const char *const format_names[] = { "json", "form", NULL };
static const char *const auth_names[] = { "none", "basic", "bearer", NULL };

/*
 * The provider profiles beside generic and twilio: what backend.user and
 * backend.password carry (NULL: user is not used). Their request format and
 * authentication are fixed; sms/transport/profile_*.c build them.
 */
static const struct provider {
	const char	*name;
	const char	*user;
	const char	*password;
	enum http_format format;
	enum http_auth	 auth;	/* none: the profile authenticates itself */
} providers[] = {
	{ "vonage", "the API key", "the API secret", HTTP_FORMAT_FORM,
	  HTTP_AUTH_NONE },
	{ "messagebird", NULL, "the access key", HTTP_FORMAT_JSON,
	  HTTP_AUTH_NONE },
	{ "sinch", "the service plan ID", "the API token", HTTP_FORMAT_JSON,
	  HTTP_AUTH_NONE },
	{ "infobip", NULL, "the API key", HTTP_FORMAT_JSON, HTTP_AUTH_NONE },
	{ "plivo", "the auth ID", "the auth token", HTTP_FORMAT_JSON,
	  HTTP_AUTH_BASIC },
	{ NULL, NULL, NULL, HTTP_FORMAT_JSON, HTTP_AUTH_NONE }
};

/* provider_find - the fixed-format profile of that name, or NULL */
static const struct provider *
provider_find(const char *name)
{
	const struct provider	*p;

	for (p = providers; p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* valid_profile - a provider profile known to the http backend */
static const char *
valid_profile(const char *s)
{
	if (strcmp(s, "generic") != 0 && strcmp(s, "twilio") != 0 &&
	    provider_find(s) == NULL)
		return "must be \"generic\", \"twilio\", \"vonage\", "
		    "\"messagebird\", \"sinch\", \"infobip\" or \"plivo\"";
	return NULL;
}

/* valid_name - a backend's name: letters, digits, '-', '_', '.' */
static const char *
valid_name(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != n)
		return "must be 1-32 letters, digits, '-', '_' or '.'";
	return NULL;
}

/* valid_url - an http or https URL template */
static const char *
valid_url(const char *s)
{
	if (!conf_has_scheme(s, "http"))
		return "must start with http:// or https://";
	return conf_valid_text(s);
}

/* valid_method - an HTTP method token */
static const char *
valid_method(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 16)
		return "must be an HTTP method such as \"POST\"";
	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return "must be an HTTP method in capitals, "
			    "e.g. \"POST\"";
	return NULL;
}

/* valid_header - "Name: value" with a token as the name */
static const char *
valid_header(const char *s)
{
	const char	*colon = strchr(s, ':');
	const char	*p;

	if (colon == NULL || colon == s)
		return "must be \"Name: value\"";
	for (p = s; p < colon; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("()<>@,;\\\"/[]?={}", *p))
			return "has an invalid header name";
	return conf_valid_text(s);
}

/* valid_callback_secret - a signing key or secret of up to 256 characters */
static const char *
valid_callback_secret(const char *s)
{
	if (strlen(s) > 256)
		return "is longer than 256 characters";
	return conf_valid_text(s);
}

/*
 * check_callback - Twilio and Plivo sign their delivery reports with the
 * auth token (password): a callback_secret would never be used
 */
static int
check_callback(struct loader *ld, const conf_setting *grp,
    const struct http_conf *h)
{
	if (h->callback_secret == NULL || (strcmp(h->profile, "twilio") != 0 &&
	    strcmp(h->profile, "plivo") != 0))
		return 0;
	return conf_fail(ld, conf_member(grp, "callback_secret"), "not used "
	    "with profile \"%s\": its callbacks are signed with the auth "
	    "token (password)", h->profile);
}

/*
 * print_headers - "Name: ********": the values often carry API keys, the
 * names (tokens, nothing to escape) say what is sent
 */
static void
print_headers(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	const struct http_conf	*h = &((const struct backend_conf *)base)->http;
	size_t			 i;

	(void)kd;
	(void)depth;
	fputs("[ ", fp);
	for (i = 0; i < h->nheaders; i++)
		fprintf(fp, "%s\"%.*s: " SECRET_MASK "\"", i > 0 ? ", " : "",
		    (int)strcspn(h->headers[i], ":"), h->headers[i]);
	fputs(" ]", fp);
}

/* is_http - the key belongs to the http backend */
static bool
is_http(const void *base)
{
	return ((const struct backend_conf *)base)->type == BACKEND_HTTP;
}


static const struct keydef response_keys[] = {
	{ .name = "id", .type = K_STRING, .off = HOFF(id_field),
	  .valid = conf_valid_text },
	{ .name = "code", .type = K_STRING, .off = HOFF(code_field),
	  .valid = conf_valid_text },
	{ .name = "message", .type = K_STRING, .off = HOFF(message_field),
	  .valid = conf_valid_text },
	{ .name = "permanent_codes", .type = K_CODES,
	  .off = HOFF(permanent_codes), .noff = HOFF(npermanent_codes) },
	{ .name = "temporary_codes", .type = K_CODES,
	  .off = HOFF(temporary_codes), .noff = HOFF(ntemporary_codes) },
	{ .name = "invalid_number_codes", .type = K_CODES,
	  .off = HOFF(invalid_number_codes),
	  .noff = HOFF(ninvalid_number_codes) },
	{ .name = "blocked_codes", .type = K_CODES,
	  .off = HOFF(blocked_codes), .noff = HOFF(nblocked_codes) },
	{ .name = NULL }
};

static const struct keydef backend_keys[] = {
	{ .name = "name", .type = K_STRING, .off = BOFF(name),
	  .valid = valid_name },
	{ .name = "type", .type = K_ENUM, .off = BOFF(type),
	  .def = BACKEND_OUTBOX, .choices = type_names },
	{ .name = "path", .type = K_STRING, .off = BOFF(path),
	  .valid = conf_valid_text },
	{ .name = "from", .type = K_STRING, .off = BOFF(from),
	  .valid = conf_valid_text },
	{ .name = "max_in_flight", .type = K_UINT, .off = BOFF(max_in_flight),
	  .min = 1, .max = 100000 },
	{ .name = "rate", .type = K_UINT, .off = BOFF(rate), .max = 100000,
	  .flags = KF_TERSE },
	{ .name = "burst", .type = K_UINT, .off = BOFF(burst), .min = 1,
	  .max = 100000, .flags = KF_TERSE },
	{ .name = "down_after", .type = K_UINT, .off = BOFF(down_after),
	  .max = 1000, .def = 5 },
	{ .name = "probe_interval", .type = K_DURATION,
	  .off = BOFF(probe_interval), .min = 1, .max = HOUR, .def = 30 },
	{ .name = "profile", .type = K_STRING, .off = HOFF(profile),
	  .valid = valid_profile, .when = is_http },
	{ .name = "url", .type = K_STRING, .off = HOFF(url),
	  .valid = valid_url, .when = is_http },
	{ .name = "method", .type = K_STRING, .off = HOFF(method),
	  .valid = valid_method, .when = is_http },
	{ .name = "format", .type = K_ENUM, .off = HOFF(format),
	  .def = HTTP_FORMAT_JSON, .choices = format_names, .when = is_http },
	{ .name = "fields", .type = K_KV, .off = HOFF(fields),
	  .noff = HOFF(nfields),
	  .example = "{ to = \"{to}\"; text = \"{text}\"; }",
	  .when = is_http },
	{ .name = "headers", .type = K_STRLIST, .off = HOFF(headers),
	  .noff = HOFF(nheaders), .valid = valid_header,
	  .print = print_headers, .when = is_http, .flags = KF_SECRET },
	{ .name = "auth", .type = K_ENUM, .off = HOFF(auth),
	  .def = HTTP_AUTH_NONE, .choices = auth_names, .when = is_http },
	{ .name = "user", .type = K_STRING, .off = HOFF(user),
	  .valid = conf_valid_text, .when = is_http },
	{ .name = "password", .type = K_STRING, .off = HOFF(password),
	  .valid = conf_valid_text, .when = is_http, .flags = KF_SECRET },
	{ .name = "token", .type = K_STRING, .off = HOFF(token),
	  .valid = conf_valid_text, .when = is_http, .flags = KF_SECRET },
	{ .name = "callback_secret", .type = K_STRING,
	  .off = HOFF(callback_secret), .valid = valid_callback_secret,
	  .when = is_http, .flags = KF_SECRET },
	{ .name = "response", .type = K_GROUP, .sub = response_keys,
	  .when = is_http, .flags = KF_TERSE },
	{ .name = "timeout", .type = K_DURATION, .off = HOFF(timeout),
	  .min = 1, .max = HOUR, .def = 30, .when = is_http },
	{ .name = "max_connections", .type = K_UINT,
	  .off = HOFF(max_connections), .min = 1, .max = 10000, .def = 16,
	  .when = is_http },
	{ .type = K_SECTION, .sub = conf_smpp_keys },
	{ .name = NULL }
};

/* check_name - a name, not one an earlier backend already has */
static int
check_name(struct loader *ld, const conf_setting *e, void *elems, size_t i)
{
	const struct backend_conf	*bcs = elems;
	size_t				 j;

	if (bcs[i].name == NULL)
		return conf_fail(ld, e, "name is required");
	for (j = 0; j < i; j++)
		if (strcmp(bcs[j].name, bcs[i].name) == 0)
			return conf_fail(ld, e, "backend \"%s\" is already "
			    "listed", bcs[i].name);
	return 0;
}

/* single_backend - -n shows backend = { } only when backends is unset */
static bool
single_backend(const void *base)
{
	return ((const struct conf *)base)->nbackends == 0;
}

const struct keydef conf_backend_section[] = {
	{ .name = "backend", .type = K_GROUP, .off = OFF(backend),
	  .sub = backend_keys, .when = single_backend },
	{ .name = "backends", .type = K_GROUPLIST, .off = OFF(backends),
	  .noff = OFF(nbackends), .sub = backend_keys,
	  .size = sizeof(struct backend_conf), .check = check_name,
	  .example = "{ name = \"smsc1\"; type = \"http\"; url = \"...\"; }",
	  .flags = KF_NONEMPTY | KF_TERSE },
	{ .name = NULL }
};

/*
 * check_provider - a fixed-format profile: its credentials are there, and
 * format and auth are its own (as smsrelayd -n prints them) or unset
 */
static int
check_provider(struct loader *ld, const conf_setting *grp, struct http_conf *h,
    const struct provider *p)
{
	const conf_setting	*at = NULL;

	if (conf_member(grp, "format") != NULL && h->format != p->format)
		at = conf_member(grp, "format");
	else if (conf_member(grp, "auth") != NULL && h->auth != p->auth)
		at = conf_member(grp, "auth");
	else if (h->token != NULL)
		at = conf_member(grp, "token");
	if (at != NULL)
		return conf_fail(ld, at, "not used with this profile: its "
		    "request format and authentication are fixed");
	h->format = p->format;
	h->auth = p->auth;
	if (p->user != NULL && (h->user == NULL || h->password == NULL))
		return conf_fail(ld, grp, "profile \"%s\" requires user (%s) "
		    "and password (%s)", p->name, p->user, p->password);
	if (h->password == NULL)
		return conf_fail(ld, grp, "profile \"%s\" requires password "
		    "(%s)", p->name, p->password);
	return 0;
}

/* conf_backend_count - see conf.h */
size_t
conf_backend_count(const struct conf *c)
{
	return c->nbackends > 0 ? c->nbackends : 1;
}

/* conf_backend_at - see conf.h */
const struct backend_conf *
conf_backend_at(const struct conf *c, size_t i)
{
	return c->nbackends > 0 ? &c->backends[i] : &c->backend;
}

/* check_one - the rules that tie the keys of one backend together */
static int
check_one(struct loader *ld, const conf_setting *grp, struct backend_conf *b)
{
	const conf_setting	*auth;
	struct http_conf	*h = &b->http;
	char			 why[64];

	snprintf(why, sizeof(why), "not used with type = \"%s\"",
	    type_names[b->type]);
	if (conf_check_when(ld, grp, backend_keys, b, why) == -1)
		return -1;
	if (b->type == BACKEND_OUTBOX)
		return 0;
	if (b->type == BACKEND_SMPP)
		return conf_smpp_check(ld, grp, b);

	if (h->profile == NULL && (h->profile = strdup("generic")) == NULL)
		return conf_nomem(ld);
	auth = conf_member(grp, "auth");
	if (check_callback(ld, grp, h) == -1)
		return -1;
	if (provider_find(h->profile) != NULL)
		return check_provider(ld, grp, h, provider_find(h->profile));
	if (strcmp(h->profile, "twilio") == 0) {
		/* Twilio wants a form and basic auth; enums have no "unset" */
		if (conf_member(grp, "format") == NULL)
			h->format = HTTP_FORMAT_FORM;
		if (auth == NULL)
			h->auth = HTTP_AUTH_BASIC;
		if (h->user == NULL || h->password == NULL)
			return conf_fail(ld, grp, "profile \"twilio\" requires "
			    "user (the account SID) and password (the auth "
			    "token)");
	} else if (h->url == NULL)
		return conf_fail(ld, grp, "type \"http\" requires url");

	if (auth == NULL)
		auth = grp;
	if (h->auth == HTTP_AUTH_BASIC &&
	    (h->user == NULL || h->password == NULL))
		return conf_fail(ld, auth,
		    "auth \"basic\" requires user and password");
	if (h->auth == HTTP_AUTH_BEARER && h->token == NULL)
		return conf_fail(ld, auth, "auth \"bearer\" requires token");
	if (h->auth != HTTP_AUTH_BASIC && h->password != NULL)
		return conf_fail(ld, conf_member(grp, "password"),
		    "only used with auth = \"basic\"");
	if (h->auth != HTTP_AUTH_BEARER && h->token != NULL)
		return conf_fail(ld, conf_member(grp, "token"),
		    "only used with auth = \"bearer\"");
	return 0;
}

/* conf_backend_check - each backend's rules; backend or backends, not both */
int
conf_backend_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	const conf_setting	*one = conf_member(root, "backend");
	const conf_setting	*list = conf_member(root, "backends");
	size_t			 i;

	if (one != NULL && list != NULL)
		return conf_fail(ld, list, "backend = { } and backends = ( ) "
		    "exclude each other: name the single backend in backends");
	if (list == NULL)
		return one != NULL ? check_one(ld, one, &c->backend) : 0;
	for (i = 0; i < c->nbackends; i++)
		if (check_one(ld, conf_elem(list, i), &c->backends[i]) == -1)
			return -1;
	return 0;
}

/*
 * fill_one - what a backend derives: the outbox file in the spool (one per
 * named outbox, so two never share a file), the in-flight bound by type, a
 * burst of a tenth of a second
 */
static int
fill_one(struct loader *ld, const struct conf *c, struct backend_conf *b,
    bool named)
{
	char	 file[NAME_MAX_LEN + sizeof("/outbox-.jsonl")];

	if (b->name == NULL && (b->name = strdup("default")) == NULL)
		return conf_nomem(ld);
	/* backend.path is the DSN outbox too, whatever the type */
	if ((b->type == BACKEND_OUTBOX || !named) && b->path == NULL) {
		snprintf(file, sizeof(file), named ? "/outbox-%s.jsonl" :
		    "/outbox.jsonl", b->name);
		if ((b->path = conf_join(c->spool, file)) == NULL)
			return conf_nomem(ld);
	}
	if (b->max_in_flight == 0)
		b->max_in_flight = b->type == BACKEND_HTTP ? HTTP_IN_FLIGHT :
		    b->type == BACKEND_SMPP ? SMPP_IN_FLIGHT : OUTBOX_IN_FLIGHT;
	if (b->rate > 0 && b->burst == 0)
		b->burst = b->rate >= 10 ? b->rate / 10 : 1;
	return 0;
}

/* conf_backend_fill - every backend's derived values */
int
conf_backend_fill(struct loader *ld, const conf_setting *root, struct conf *c)
{
	size_t	 i;

	(void)root;
	/* the DSN outbox (no smarthost) is backend.path, set or not */
	if (fill_one(ld, c, &c->backend, false) == -1)
		return -1;
	for (i = 0; i < c->nbackends; i++)
		if (fill_one(ld, c, &c->backends[i], true) == -1)
			return -1;
	return 0;
}
