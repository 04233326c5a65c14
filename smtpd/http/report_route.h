/*
 * report_route.h - /report/<backend>[/<token>] on the HTTP listener: a
 * provider's delivery report, authenticated, handed to the queue.
 */
#ifndef SMSRELAY_REPORT_ROUTE_H
#define SMSRELAY_REPORT_ROUTE_H

#include "conf/conf.h"
#include "smtpd/http/http_listener.h"
#include "smtpd/queue/queue.h"

#define REPORT_PREFIX		"/report/"
#define REPORT_HEADERS_MAX	64	/* headers of one callback */

struct report_route;

/* report_route_new - the route on hl, reports to q; NULL: ENOMEM, full */
struct report_route *report_route_new(struct http_listener *, struct queue *,
		    const struct conf *);
/* report_route_set_conf - backends and secrets of a reloaded file */
void		 report_route_set_conf(struct report_route *,
		    const struct conf *);
void		 report_route_free(struct report_route *);

#endif
