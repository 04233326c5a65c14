/*
 * bounce.c - DSNs for recipients of a queued message: what each recipient's
 * state says, in dsn.c's RFC 3464 report. The queue journals the result as
 * a message of its own and sends it through the DSN transport.
 */
#include <stdlib.h>

#include "smtpd/queue/bounce.h"
#include "smtpd/queue/dsn.h"

/* bounce_compose - see bounce.h */
char *
bounce_compose(const struct conf *conf, const struct queue_view *m,
    const uint32_t *idx, size_t n, int64_t now, size_t *lenp)
{
	struct dsn_rcpt	*dr;
	struct dsn_msg	 dm;
	char		*out;
	size_t		 i;

	if ((dr = calloc(n ? n : 1, sizeof(*dr))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct message_rcpt *r = &m->msg->rcpts[idx[i]];
		const struct rcpt_status *st = &m->rcpts[idx[i]];

		dr[i] = (struct dsn_rcpt){ .rcpt = r->addr, .orcpt = r->orcpt,
		    .action = "failed",
		    .status = st->status[0] ? st->status : "5.0.0",
		    .diagnostic = st->reason != NULL ? st->reason :
		    "delivery failed",
		    .last_attempt = (time_t)(st->last_try ? st->last_try : now) };
		if (st->state == RCPT_REPORT_OWED) {
			/* the provider took it; the handset is beyond our sight */
			dr[i].action = "relayed";
			dr[i].status = "2.0.0";
			dr[i].diagnostic = st->provider_id != NULL ?
			    st->provider_id : NULL;
		}
	}
	dm = (struct dsn_msg){ .reporting_mta = conf->hostname,
	    .queue_id = m->idstr, .from = conf->bounce.from,
	    .to = m->msg->sender, .envid = m->msg->envid,
	    .arrival = (time_t)m->msg->arrival,
	    .orig_headers = m->msg->headers,
	    .orig_headers_len = m->msg->headers_len,
	    .rcpts = dr, .nrcpts = n };
	out = dsn_compose(&dm, (time_t)now, lenp);
	free(dr);
	return out;
}
