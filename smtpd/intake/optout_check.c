/*
 * optout_check.c - the opt-out check of a recipient: one GET of
 * "optout:NUMBER" in the shared state; found means 550, a store that
 * cannot answer means the message goes (opt-outs are also honoured by
 * the providers' own STOP handling, refusing all mail would be worse).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/intake/optout_check.h"
#include "smtpd/intake/tx.h"
#include "smtpd/policy/optout.h"
#include "smtpd/server.h"
#include "smtpd/state/shared_state.h"

/* last_number - the number RCPT asks about: the recipient added last */
static const char *
last_number(const struct check_run *run)
{
	return run->tx->rcpts[run->tx->nrcpts - 1].e164;
}

/* answered - the store's answer for the number */
static void
answered(void *arg, const struct state_reply *r)
{
	struct check_run *run = arg;
	struct smtp_tx	*tx = run->tx;
	struct verdict	 v;

	run->sreq = NULL;
	verdict_none(&v);
	if (r->error != 0)
		log_warnx("%016" PRIx64 " smtp opt-out check failed for %s, "
		    "accepting: %s", tx->sid, last_number(run),
		    strerror(r->error));
	else if (r->n == 1) {
		log_info("%016" PRIx64 " smtp reject client=%s to=%s "
		    "reason=opted-out", tx->sid, tx->client, last_number(run));
		stats_increment(STAT_RCPT_OPTED_OUT, 1);
		verdict_set(&v, 550, "5.7.1", "<%s>: the recipient has opted "
		    "out of SMS", last_number(run));
	}
	check_step_answered(run, &v);
}

/* optout_start - see optout_check.h */
enum check_when
optout_start(struct check_run *run, struct verdict *v)
{
	char	 key[STATE_KEY_MAX + 1];

	(void)v;
	if (run->stage != CHECK_RCPT || run->tx->srv->state == NULL ||
	    run->tx->nrcpts == 0)
		return CHECK_NOW;
	snprintf(key, sizeof(key), OPTOUT_PREFIX "%s", last_number(run));
	if ((run->sreq = state_get(run->tx->srv->state, key, answered,
	    run)) == NULL) {
		log_warn("%016" PRIx64 " smtp opt-out check, accepting",
		    run->tx->sid);
		return CHECK_NOW;
	}
	return CHECK_LATER;
}

/* optout_cancel - see optout_check.h */
void
optout_cancel(struct check_run *run)
{
	state_cancel(run->sreq);
	run->sreq = NULL;
}
