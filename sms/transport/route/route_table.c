/*
 * route_table.c - the routes as the router uses them: copied from the
 * configuration with backend names turned into indexes, and the choice of
 * one route per SMS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/transport/route/route_table.h"

/* copy_list - a copy of n strings; -1 without memory */
static int
copy_list(char ***dst, size_t *ndst, char *const *src, size_t n)
{
	size_t	 i;

	*ndst = 0;
	if (n == 0)
		return 0;
	if ((*dst = calloc(n, sizeof(**dst))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (((*dst)[i] = strdup(src[i])) == NULL)
			return -1;
		(*ndst)++;
	}
	return 0;
}

/* backend_index - where the backend of that name is; -1 if nowhere */
static long
backend_index(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < conf_backend_count(c); i++)
		if (strcmp(conf_backend_at(c, i)->name != NULL ?
		    conf_backend_at(c, i)->name : "default", name) == 0)
			return (long)i;
	return -1;
}

/* route_copy - one configured route; -1 with a message in err */
static int
route_copy(struct route *rt, const struct conf *c,
    const struct route_conf *rc, char *err, size_t errlen)
{
	size_t	 i;
	long	 at;

	if (copy_list(&rt->prefixes, &rt->nprefixes, rc->prefixes,
	    rc->nprefixes) == -1 || copy_list(&rt->senders, &rt->nsenders,
	    rc->senders, rc->nsenders) == -1 ||
	    (rt->backends = calloc(rc->nbackends + 1, sizeof(size_t))) == NULL) {
		snprintf(err, errlen, "routes: out of memory");
		return -1;
	}
	for (i = 0; i < rc->nbackends; i++) {
		if ((at = backend_index(c, rc->backends[i])) == -1) {
			snprintf(err, errlen, "routes: no backend is named "
			    "\"%s\"", rc->backends[i]);
			return -1;
		}
		rt->backends[rt->nbackends++] = (size_t)at;
	}
	return 0;
}

/* route_table_new - see route_table.h */
struct route_table *
route_table_new(const struct conf *c, char *err, size_t errlen)
{
	struct route_table	*t;
	size_t			 i, n = c->nroutes > 0 ? c->nroutes : 1;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->routes = calloc(n, sizeof(*t->routes))) == NULL) {
		free(t);
		snprintf(err, errlen, "routes: out of memory");
		return NULL;
	}
	t->nroutes = n;
	if (c->nroutes == 0) {
		/* no routes: every backend in the order written */
		n = conf_backend_count(c);
		if ((t->routes[0].backends = calloc(n, sizeof(size_t))) ==
		    NULL) {
			snprintf(err, errlen, "routes: out of memory");
			route_table_free(t);
			return NULL;
		}
		for (i = 0; i < n; i++)
			t->routes[0].backends[i] = i;
		t->routes[0].nbackends = n;
		return t;
	}
	for (i = 0; i < c->nroutes; i++)
		if (route_copy(&t->routes[i], c, &c->routes[i], err,
		    errlen) == -1) {
			route_table_free(t);
			return NULL;
		}
	return t;
}

/* free_list - n strings and their array */
static void
free_list(char **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* route_table_free - see route_table.h */
void
route_table_free(struct route_table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nroutes; i++) {
		free_list(t->routes[i].prefixes, t->routes[i].nprefixes);
		free_list(t->routes[i].senders, t->routes[i].nsenders);
		free(t->routes[i].backends);
	}
	free(t->routes);
	free(t);
}

/* prefix_len - the longest of the route's prefixes `to` starts with; 0 if
 * the route lists none, -1 if it lists some and none matches */
static long
prefix_len(const struct route *rt, const char *to)
{
	size_t	 i, n;
	long	 best = -1;

	if (rt->nprefixes == 0)
		return 0;
	for (i = 0; i < rt->nprefixes; i++) {
		n = strlen(rt->prefixes[i]);
		if (strncmp(to, rt->prefixes[i], n) == 0 && (long)n > best)
			best = (long)n;
	}
	return best;
}

/*
 * sender_rank - 2 if an address of the route is the sender, 1 if a domain
 * ("@b.example") is its domain, 0 if the route names no sender, -1 if it
 * names others
 */
static int
sender_rank(const struct route *rt, const char *sender)
{
	const char	*at = sender != NULL ? strrchr(sender, '@') : NULL;
	size_t		 i;
	int		 best = -1;

	if (rt->nsenders == 0)
		return 0;
	for (i = 0; at != NULL && i < rt->nsenders; i++) {
		if (rt->senders[i][0] == '@') {
			if (strcasecmp(rt->senders[i], at) == 0 && best < 1)
				best = 1;
		} else if (strcasecmp(rt->senders[i], sender) == 0)
			best = 2;
	}
	return best;
}

/* route_table_pick - see route_table.h */
const struct route *
route_table_pick(const struct route_table *t, const char *to,
    const char *sender)
{
	const struct route	*best = NULL;
	long			 len, best_len = -1;
	int			 rank, best_rank = -1;
	size_t			 i;

	for (i = 0; i < t->nroutes; i++) {
		if ((len = prefix_len(&t->routes[i], to)) == -1 ||
		    (rank = sender_rank(&t->routes[i], sender)) == -1)
			continue;
		if (len > best_len || (len == best_len && rank > best_rank)) {
			best = &t->routes[i];
			best_len = len;
			best_rank = rank;
		}
	}
	return best;
}
