/*
 * route.c - which backends an SMS may take: routes = ( { prefixes; senders;
 * backends; } ), each naming backends that exist, checked at load time.
 */
#include <string.h>

#include "conf/schema.h"

#define ROFF(member)	offsetof(struct route_conf, member)

/* valid_sender - "local@domain" or "@domain": who a route is for */
static const char *
valid_sender(const char *s)
{
	const char	*at = strchr(s, '@');

	if (at == NULL || strchr(at + 1, '@') != NULL ||
	    conf_valid_domain(at + 1) != NULL)
		return "must be \"user@domain\" or \"@domain\"";
	return conf_valid_text(s);
}

static const struct keydef route_keys[] = {
	{ .name = "prefixes", .type = K_STRLIST, .off = ROFF(prefixes),
	  .noff = ROFF(nprefixes), .valid = conf_valid_prefix },
	{ .name = "senders", .type = K_STRLIST, .off = ROFF(senders),
	  .noff = ROFF(nsenders), .valid = valid_sender },
	{ .name = "backends", .type = K_STRLIST, .off = ROFF(backends),
	  .noff = ROFF(nbackends), .flags = KF_NONEMPTY },
	{ .name = NULL }
};

const struct keydef conf_route_section[] = {
	{ .name = "routes", .type = K_GROUPLIST, .off = OFF(routes),
	  .noff = OFF(nroutes), .sub = route_keys,
	  .size = sizeof(struct route_conf),
	  .example = "{ prefixes = [ \"+49\" ]; backends = [ \"smsc1\" ]; }",
	  .flags = KF_NONEMPTY | KF_TERSE },
	{ .name = NULL }
};

/* backend_known - a backend of that name is configured */
static bool
backend_known(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < conf_backend_count(c); i++)
		if (strcmp(conf_backend_at(c, i)->name, name) == 0)
			return true;
	return false;
}

/*
 * conf_route_check - every backend a route names exists, once per route;
 * runs after the backends got their names (a fill)
 */
int
conf_route_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	const conf_setting	*list = conf_member(root, "routes"), *names;
	const struct route_conf	*r;
	size_t			 i, j, k;

	for (i = 0; i < c->nroutes; i++) {
		r = &c->routes[i];
		names = conf_member(conf_elem(list, i), "backends");
		for (j = 0; j < r->nbackends; j++) {
			if (!backend_known(c, r->backends[j]))
				return conf_fail(ld, conf_elem(names, j),
				    "no backend is named \"%s\"",
				    r->backends[j]);
			for (k = 0; k < j; k++)
				if (strcmp(r->backends[k], r->backends[j]) == 0)
					return conf_fail(ld, conf_elem(names, j),
					    "\"%s\" is already in this route",
					    r->backends[j]);
		}
	}
	return 0;
}
