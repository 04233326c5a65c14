/*
 * route_table.h - which route an SMS takes: the longest prefix of its
 * number, then the sender (an address before its domain), then the order
 * written; each route an ordered list of backend indexes.
 */
#ifndef SMSRELAY_ROUTE_TABLE_H
#define SMSRELAY_ROUTE_TABLE_H

#include <stddef.h>

#include "conf/conf.h"

struct route {
	char		**prefixes;	/* none: any number */
	size_t		  nprefixes;
	char		**senders;	/* "a@b.example", "@b.example"; none: any */
	size_t		  nsenders;
	size_t		 *backends;	/* indexes into conf_backend_at() */
	size_t		  nbackends;
};

struct route_table {
	struct route	*routes;
	size_t		 nroutes;
};

/*
 * route_table_new - the routes of conf (names resolved; without routes one
 * route of every backend in order); NULL with a message in err
 */
struct route_table	*route_table_new(const struct conf *, char *err,
			    size_t errlen);
void			 route_table_free(struct route_table *);
/* route_table_pick - the route for an SMS to `to` from `sender`; NULL: none */
const struct route	*route_table_pick(const struct route_table *,
			    const char *to, const char *sender);

#endif
