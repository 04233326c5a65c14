/*
 * lookup.c - the questions the daemon asks of a loaded configuration while
 * it runs; the loader (conf.c) only builds what these read.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "conf/lookup.h"

/* cidr_match - whether the address bytes fall inside the network */
static bool
cidr_match(const struct cidr *c, int family, const unsigned char *addr)
{
	unsigned	 full, rest;
	unsigned char	 mask;

	if (c->family != family)
		return false;
	full = c->prefixlen / 8;
	rest = c->prefixlen % 8;
	if (memcmp(c->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (addr[full] & mask);
}

/* conf_cidr_match - see lookup.h */
bool
conf_cidr_match(const struct cidr *nets, size_t n, const struct sockaddr *sa)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	const unsigned char	*a6;
	size_t			 i;
	bool			 mapped;

	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		memcpy(&sin, sa, sizeof(sin));
		for (i = 0; i < n; i++)
			if (cidr_match(&nets[i], AF_INET,
			    (const unsigned char *)&sin.sin_addr))
				return true;
		return false;
	}
	if (sa->sa_family != AF_INET6)
		return false;

	memcpy(&sin6, sa, sizeof(sin6));
	a6 = (const unsigned char *)&sin6.sin6_addr;
	/* a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d */
	mapped = IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr);
	for (i = 0; i < n; i++) {
		if (cidr_match(&nets[i], AF_INET6, a6))
			return true;
		if (mapped && cidr_match(&nets[i], AF_INET, a6 + 12))
			return true;
	}
	return false;
}

/* conf_relay_allowed - see lookup.h */
bool
conf_relay_allowed(const struct conf *c, const struct sockaddr *sa)
{
	return conf_cidr_match(c->relay_networks, c->nrelay_networks, sa);
}

/* conf_domain_served - see lookup.h; "*" serves every domain */
bool
conf_domain_served(const struct conf *c, const char *domain)
{
	size_t	 i;

	if (domain == NULL)
		return false;
	for (i = 0; i < c->ndomains; i++)
		if (strcmp(c->domains[i], "*") == 0 ||
		    strcasecmp(c->domains[i], domain) == 0)
			return true;
	return false;
}

/* conf_user - see lookup.h */
const struct user_conf *
conf_user(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nusers; i++)
		if (strcmp(c->users[i].name, name) == 0)
			return &c->users[i];
	return NULL;
}
