/*
 * status_route.h - /status (HTML) and /status.json on the HTTP listener,
 * behind the admin access check.
 */
#ifndef SMSRELAY_STATUS_ROUTE_H
#define SMSRELAY_STATUS_ROUTE_H

#include "smtpd/http/admin_access.h"
#include "smtpd/http/http_listener.h"
#include "smtpd/queue/queue.h"

#define STATUS_PREFIX	"/status"

struct status_route;

/* status_route_new - the route on hl for q, guarded by aa; NULL: ENOMEM, full */
struct status_route *status_route_new(struct http_listener *, struct queue *,
		    struct admin_access *aa);
/* status_route_free - after the listener (it calls the route) */
void		 status_route_free(struct status_route *);

#endif
