/*
 * bounce.c - DSNs for recipients of a queued message: what each recipient's
 * state and delivery report say, in dsn.c's RFC 3464 report. The queue
 * journals the result as a message of its own and sends it through the
 * DSN transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/queue/bounce.h"
#include "smtpd/queue/dsn.h"
#include "smtpd/queue/schedule.h"

/* a diagnostic type: "X-" and a backend type or profile name */
#define DIAG_TYPE_MAX	32

/*
 * diag_type - the type of a report's words (RFC 3464 2.3.6) after the
 * backend that took the SMS: "X-SMPP", "X-Twilio", ..., "X-HTTP"; "" when
 * the words name their own ("X-Twilio; delivered")
 */
static void
diag_type(const struct conf *c, const char *backend, const char *words,
    char out[DIAG_TYPE_MAX])
{
	const struct backend_conf	*bc = NULL;
	const char			*name = "SMS";
	size_t				 i, n = conf_backend_count(c);

	if (words != NULL && (words[0] == 'X' || words[0] == 'x') &&
	    words[1] == '-' && strchr(words, ';') != NULL) {
		out[0] = '\0';
		return;
	}
	for (i = 0; i < n && bc == NULL; i++)
		if ((backend == NULL && n == 1) || (backend != NULL &&
		    conf_backend_at(c, i)->name != NULL &&
		    strcmp(conf_backend_at(c, i)->name, backend) == 0))
			bc = conf_backend_at(c, i);
	if (bc != NULL && bc->type == BACKEND_SMPP)
		name = "SMPP";
	else if (bc != NULL && bc->type == BACKEND_HTTP)
		name = bc->http.profile != NULL &&
		    strcmp(bc->http.profile, "generic") != 0 ?
		    bc->http.profile : "HTTP";
	snprintf(out, DIAG_TYPE_MAX, "X-%s", name);
	/* a profile name as a word: "X-Twilio" */
	if (out[2] >= 'a' && out[2] <= 'z')
		out[2] = (char)(out[2] - 'a' + 'A');
}

/* report_rcpt - a recipient whose final or awaited report the DSN tells */
static void
report_rcpt(const struct conf *conf, const struct rcpt_status *st,
    struct dsn_rcpt *dr, char type[DIAG_TYPE_MAX])
{
	struct report_verdict v = schedule_report_verdict(st->report, conf);

	dr->remote_mta = st->backend;
	if (st->report == SMS_REPORT_NONE || st->report_status == NULL)
		dr->diagnostic = NULL;
	else {
		diag_type(conf, st->backend, st->report_status, type);
		dr->diag_type = type;
		dr->diagnostic = st->report_status;
	}
	if (st->report_time != 0)
		dr->last_attempt = (time_t)st->report_time;
	if (st->state == RCPT_DELAY_OWED) {
		dr->action = "delayed";
		dr->status = "4.4.7";
		dr->explanation = "no delivery report from the phone yet";
	} else if (st->state == RCPT_REPORT_OWED && v.delivered) {
		dr->action = "delivered";
		dr->status = "2.0.0";
		dr->handset = (time_t)st->report_time;
		dr->explanation = NULL;
	} else if (st->state == RCPT_FAILED)
		dr->explanation = st->reason;
}

/* bounce_compose - see bounce.h */
char *
bounce_compose(const struct conf *conf, const struct queue_view *m,
    const uint32_t *idx, size_t n, int64_t now, size_t *lenp)
{
	struct dsn_rcpt	*dr;
	struct dsn_msg	 dm;
	char		(*types)[DIAG_TYPE_MAX];
	char		*out;
	size_t		 i;

	dr = calloc(n ? n : 1, sizeof(*dr));
	types = calloc(n ? n : 1, sizeof(*types));
	if (dr == NULL || types == NULL) {
		free(dr);
		free(types);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const struct message_rcpt *r = &m->msg->rcpts[idx[i]];
		const struct rcpt_status *st = &m->rcpts[idx[i]];
		struct report_verdict v = schedule_report_verdict(st->report,
		    conf);

		dr[i] = (struct dsn_rcpt){ .rcpt = r->addr, .orcpt = r->orcpt,
		    .action = "failed",
		    .status = st->status[0] ? st->status : "5.0.0",
		    .diagnostic = st->reason != NULL ? st->reason :
		    "delivery failed",
		    .last_attempt = (time_t)(st->last_try ? st->last_try : now) };
		if (st->state == RCPT_REPORT_OWED && !v.delivered) {
			/* the provider took it; the handset is beyond our sight */
			dr[i].action = "relayed";
			dr[i].status = "2.0.0";
			dr[i].diagnostic = st->provider_id != NULL ?
			    st->provider_id : NULL;
			dr[i].remote_mta = st->backend;
		} else if (st->state == RCPT_DELAY_OWED ||
		    st->state == RCPT_REPORT_OWED || (v.final &&
		    st->state == RCPT_FAILED))
			report_rcpt(conf, st, &dr[i], types[i]);
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
	free(types);
	return out;
}
