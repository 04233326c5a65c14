/*
 * listen.c - the listeners: listen = ( { address; tls; starttls; auth;
 * proxy; proxy_from; } ), what each needs elsewhere (a certificate, a users
 * file), their defaults, and the names of their modes as the file spells them.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

#define DEFAULT_LISTEN	"127.0.0.1:2525"
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define LOFF(member)	offsetof(struct listen_conf, member)

/* relay_networks and a PROXY listener's proxy_from: loopback */
static const char *const loopback[] = { "127.0.0.0/8", "::1/128" };

static const char *const listen_tls_names[] = {
	"none", "starttls", "implicit", NULL
};
static const char *const starttls_names[] = { "optional", "required", NULL };
static const char *const listen_auth_names[] = {
	"optional", "required", "none", NULL
};

/* conf_listen_tls_name - see conf.h */
const char *
conf_listen_tls_name(enum listen_tls t)
{
	return listen_tls_names[t];
}

/* conf_listen_auth_name - see conf.h */
const char *
conf_listen_auth_name(enum listen_auth a)
{
	return listen_auth_names[a];
}

/* parse_address - "127.0.0.1:2525" into the string and the socket address */
static int
parse_address(struct loader *ld, const conf_setting *s,
    const struct keydef *kd, void *base)
{
	struct listen_conf	*l = base;
	const char		*v;

	(void)kd;
	if (conf_get_string(ld, s, NULL, &v) == -1)
		return -1;
	if (conf_parse_address(v, &l->ss, &l->sslen) == -1)
		return conf_fail(ld, s, "invalid address \"%s\" (use a numeric "
		    "host:port such as \"127.0.0.1:2525\" or \"[::1]:2525\")",
		    v);
	free(l->address);
	if ((l->address = strdup(v)) == NULL)
		return conf_nomem(ld);
	return 0;
}

/* is_proxy - proxy_from applies to a PROXY listener only */
static bool
is_proxy(const void *base)
{
	return ((const struct listen_conf *)base)->proxy;
}

/* -n shows a listener's modes only where they differ from the default */
static const struct keydef listen_keys[] = {
	{ .name = "address", .type = K_STRING, .off = LOFF(address),
	  .parse = parse_address },
	{ .name = "tls", .type = K_ENUM, .off = LOFF(tls),
	  .def = LISTEN_TLS_NONE, .choices = listen_tls_names,
	  .flags = KF_TERSE },
	{ .name = "starttls", .type = K_ENUM, .off = LOFF(starttls),
	  .def = STARTTLS_OPTIONAL, .choices = starttls_names,
	  .flags = KF_TERSE },
	{ .name = "auth", .type = K_ENUM, .off = LOFF(auth),
	  .def = LISTEN_AUTH_OPTIONAL, .choices = listen_auth_names,
	  .flags = KF_TERSE },
	{ .name = "proxy", .type = K_BOOL, .off = LOFF(proxy),
	  .flags = KF_TERSE },
	{ .name = "proxy_from", .type = K_CIDRS, .off = LOFF(proxy_from),
	  .noff = LOFF(nproxy_from), .when = is_proxy, .flags = KF_NONEMPTY },
	{ .name = NULL }
};

/* check_listener - one listener: an address, and modes that fit together */
static int
check_listener(struct loader *ld, const conf_setting *e, void *elems, size_t i)
{
	const struct listen_conf *l = (struct listen_conf *)elems + i;

	if (l->address == NULL)
		return conf_fail(ld, e, "address is required");
	if (conf_check_when(ld, e, listen_keys, l,
	    "only used with proxy = true") == -1)
		return -1;
	if (l->starttls == STARTTLS_REQUIRED && l->tls != LISTEN_TLS_STARTTLS)
		return conf_fail(ld, conf_member(e, "starttls"),
		    "only used with tls = \"starttls\"");
	return 0;
}

const struct keydef conf_listen_section[] = {
	{ .name = "listen", .type = K_GROUPLIST, .off = OFF(listen),
	  .noff = OFF(nlisten), .sub = listen_keys,
	  .size = sizeof(struct listen_conf), .check = check_listener,
	  .example = "{ address = \"127.0.0.1:2525\"; }",
	  .flags = KF_NONEMPTY | KF_INLINE },
	{ .name = NULL }
};

/* conf_listen_check - TLS listeners need a certificate, AUTH a users file */
int
conf_listen_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	const conf_setting	*list = conf_member(root, "listen");
	size_t			 i;

	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].tls != LISTEN_TLS_NONE &&
		    c->tls.certificate == NULL)
			return conf_fail(ld, conf_elem(list, i), "tls = \"%s\" "
			    "needs tls.certificate and tls.key",
			    listen_tls_names[c->listen[i].tls]);
		if (c->listen[i].auth == LISTEN_AUTH_REQUIRED &&
		    c->auth.users_file == NULL)
			return conf_fail(ld, conf_elem(list, i), "auth = "
			    "\"required\" needs auth.users_file");
	}
	return 0;
}

/* conf_loopback - see schema.h */
int
conf_loopback(struct cidr **nets, size_t *n)
{
	size_t	 i;

	if ((*nets = calloc(nitems(loopback), sizeof(**nets))) == NULL)
		return -1;
	*n = nitems(loopback);
	for (i = 0; i < *n; i++)
		if (conf_parse_cidr(loopback[i], &(*nets)[i]) == -1)
			return -1;
	return 0;
}

/* conf_listen_fill - one listener on loopback; PROXY trusted from loopback */
int
conf_listen_fill(struct loader *ld, const conf_setting *root, struct conf *c)
{
	size_t	 i;

	(void)root;
	if (c->listen == NULL) {
		if ((c->listen = calloc(1, sizeof(*c->listen))) == NULL)
			return conf_nomem(ld);
		c->nlisten = 1;
		conf_defaults(listen_keys, &c->listen[0]);
		if ((c->listen[0].address = strdup(DEFAULT_LISTEN)) == NULL ||
		    conf_parse_address(DEFAULT_LISTEN, &c->listen[0].ss,
		    &c->listen[0].sslen) == -1)
			return conf_nomem(ld);
	}
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].proxy && c->listen[i].proxy_from == NULL &&
		    conf_loopback(&c->listen[i].proxy_from,
		    &c->listen[i].nproxy_from) == -1)
			return conf_nomem(ld);
	return 0;
}
