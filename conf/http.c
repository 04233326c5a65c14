/*
 * http.c - the HTTP listener: http = { listen; public_url; tls; max_body;
 * max_connections; timeout; rate; burst; admin; } (provider callbacks, the
 * admin pages), its rules.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

#define URL_MAX		512	/* characters of public_url */

/* parse_listen - "127.0.0.1:8025" into the string and the socket address */
static int
parse_listen(struct loader *ld, const conf_setting *s,
    const struct keydef *kd, void *base)
{
	struct conf	*c = base;
	const char	*v;

	(void)kd;
	if (conf_get_string(ld, s, NULL, &v) == -1)
		return -1;
	if (conf_parse_address(v, &c->http.ss, &c->http.sslen) == -1)
		return conf_fail(ld, s, "invalid address \"%s\" (use a numeric "
		    "host:port such as \"127.0.0.1:8025\" or \"[::1]:8025\")",
		    v);
	free(c->http.listen);
	if ((c->http.listen = strdup(v)) == NULL)
		return conf_nomem(ld);
	return 0;
}

/*
 * valid_public_url - http(s)://host[:port][/path], what the providers are
 * told to call; a query or fragment would break the signed URLs
 */
static const char *
valid_public_url(const char *s)
{
	const char	*host;

	if (!conf_has_scheme(s, "http"))
		return "must start with https:// (or http://)";
	if (strlen(s) > URL_MAX)
		return "is longer than 512 characters";
	host = strstr(s, "://") + 3;
	if (*host == '\0' || *host == '/')
		return "must name a host";
	if (strpbrk(s, "?#@ ") != NULL)
		return "must be a plain URL without user, query or fragment";
	return conf_valid_text(s);
}

/* has_listen - the other keys need the listener */
static bool
has_listen(const void *base)
{
	return ((const struct conf *)base)->http.listen != NULL;
}

static const char *const admin_names[] = { "loopback", "users", NULL };

static const struct keydef http_keys[] = {
	{ .name = "listen", .type = K_STRING, .off = OFF(http.listen),
	  .parse = parse_listen },
	{ .name = "public_url", .type = K_STRING, .off = OFF(http.public_url),
	  .valid = valid_public_url, .when = has_listen },
	{ .name = "tls", .type = K_BOOL, .off = OFF(http.tls),
	  .when = has_listen, .flags = KF_TERSE },
	{ .name = "max_body", .type = K_SIZE, .off = OFF(http.max_body),
	  .min = 1024, .max = 1024 * 1024, .def = 64 * 1024,
	  .when = has_listen },
	{ .name = "max_connections", .type = K_UINT,
	  .off = OFF(http.max_connections), .min = 1, .max = 10000,
	  .def = 64, .when = has_listen },
	{ .name = "timeout", .type = K_DURATION, .off = OFF(http.timeout),
	  .min = 1, .max = 10 * MINUTE, .def = 10, .when = has_listen },
	{ .name = "rate", .type = K_UINT, .off = OFF(http.rate), .min = 1,
	  .max = 100000, .def = 50, .when = has_listen },
	{ .name = "burst", .type = K_UINT, .off = OFF(http.burst), .min = 1,
	  .max = 100000, .def = 100, .when = has_listen },
	{ .name = "admin", .type = K_ENUM, .off = OFF(http.admin),
	  .def = HTTP_ADMIN_LOOPBACK, .choices = admin_names,
	  .when = has_listen },
	{ .name = NULL }
};

const struct keydef conf_http_section[] = {
	{ .name = "http", .type = K_GROUP, .sub = http_keys,
	  .flags = KF_TERSE },
	{ .name = NULL }
};

/* conf_http_check - the keys beside listen need it, TLS a certificate */
int
conf_http_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	const conf_setting	*grp = conf_member(root, "http");

	if (grp == NULL)
		return 0;
	if (conf_check_when(ld, grp, http_keys, c, "only used with listen") ==
	    -1)
		return -1;
	if (c->http.tls && c->tls.certificate == NULL)
		return conf_fail(ld, conf_member(grp, "tls"), "needs "
		    "tls.certificate and tls.key");
	/* passwords in clear text go over TLS only */
	if (c->http.admin == HTTP_ADMIN_USERS && !c->http.tls)
		return conf_fail(ld, conf_member(grp, "admin"), "\"users\" "
		    "needs http.tls = true (passwords must not cross in clear)");
	if (c->http.admin == HTTP_ADMIN_USERS && c->auth.users_file == NULL)
		return conf_fail(ld, conf_member(grp, "admin"), "\"users\" "
		    "needs auth.users_file");
	return 0;
}
