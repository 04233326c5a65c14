/*
 * metrics_route.h - /metrics on the HTTP listener: every metric of the
 * stats table, the backends' and the queue's, as Prometheus text.
 */
#ifndef SMSRELAY_METRICS_ROUTE_H
#define SMSRELAY_METRICS_ROUTE_H

#include "smtpd/http/http_listener.h"
#include "smtpd/queue/queue.h"

#define METRICS_PATH	"/metrics"

struct metrics_route;

/*
 * metrics_route_new - the route on hl, reading q, for the clients admin
 * lets in; NULL: ENOMEM, full
 */
struct admin_access;
struct metrics_route *metrics_route_new(struct http_listener *,
		    struct queue *, struct admin_access *);
/* metrics_route_free - the listener must be gone: it calls the route */
void		 metrics_route_free(struct metrics_route *);

#endif
