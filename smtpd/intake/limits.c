/*
 * limits.c - which rate limits a transaction meets, through the server's
 * limiter: the user and the client per message at MAIL, the number at each
 * RCPT, all of them by SMS parts at end of DATA (parts are only known
 * then); a 450 naming the limit that bites. An accepted message is charged
 * to every limit that is set; one set later by a reload counts from then.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/log.h"
#include "smtpd/intake/limits.h"
#include "smtpd/intake/tx.h"
#include "smtpd/policy/limiter.h"
#include "smtpd/server.h"

/* scope_name - how the reply and the log call the owner of a counter */
static const char *
scope_name(enum rl_scope scope)
{
	switch (scope) {
	case RL_USER:
		return "user";
	case RL_CLIENT:
		return "client";
	default:
		return "number";
	}
}

/* user_limits - the user's own limits, the general ones where unset */
static struct rate_limits
user_limits(const struct conf *c, const struct user_conf *u)
{
	struct rate_limits l = c->limits.user;

	if (u != NULL && u->limits.messages_per_minute != 0)
		l.messages_per_minute = u->limits.messages_per_minute;
	if (u != NULL && u->limits.parts_per_day != 0)
		l.parts_per_day = u->limits.parts_per_day;
	return l;
}

/* limited - whether a scope has a limit at all (most have none) */
static bool
limited(const struct rate_limits *l)
{
	return l->messages_per_minute != 0 || l->parts_per_day != 0;
}

typedef void put_ask_fn(void *ctx, const struct limit_ask *);

/* put_ask - one counter more for put, if its scope is limited */
static void
put_ask(put_ask_fn *put, void *ctx, enum rl_scope scope, const char *key,
    const struct rate_limits *l, unsigned messages, unsigned parts)
{
	struct limit_ask ask = { scope, key, *l, messages, parts };

	if (limited(l))
		put(ctx, &ask);
}

/*
 * stage_asks - each counter a stage meets, to put; charge: the end of DATA
 * as an accepted message is charged, a message to each counter
 */
static void
stage_asks(const struct smtp_tx *tx, enum check_stage stage, bool charge,
    put_ask_fn *put, void *ctx)
{
	const struct conf *c = tx->srv->conf;
	struct rate_limits ul = user_limits(c, tx_user_conf(tx));
	unsigned	 msgs = stage == CHECK_DATA && !charge ? 0 : 1;
	unsigned	 parts = stage == CHECK_DATA ? tx->parts : 0;
	unsigned	 all = parts * (unsigned)tx->nrcpts;
	size_t		 i;

	if (stage == CHECK_RCPT) {
		put_ask(put, ctx, RL_NUMBER, tx->rcpts[tx->nrcpts - 1].e164,
		    &c->limits.number, 1, 0);
		return;
	}
	if (tx->user != NULL)
		put_ask(put, ctx, RL_USER, tx->user, &ul, msgs, all);
	put_ask(put, ctx, RL_CLIENT, tx->client, &c->limits.client, msgs, all);
	for (i = 0; stage == CHECK_DATA && i < tx->nrcpts; i++)
		put_ask(put, ctx, RL_NUMBER, tx->rcpts[i].e164,
		    &c->limits.number, msgs, parts);
}

/* count_ask - how many asks a stage has */
static void
count_ask(void *ctx, const struct limit_ask *ask)
{
	(void)ask;
	(*(size_t *)ctx)++;
}

/* keep_ask - the run's asks, for the limiter and the reply */
static void
keep_ask(void *ctx, const struct limit_ask *ask)
{
	struct check_run *run = ctx;

	run->asks[run->nasks++] = *ask;
}

/* charge_ask - count the accepted message on one counter */
static void
charge_ask(void *ctx, const struct limit_ask *ask)
{
	limiter_charge(ctx, ask, 1);
}

/* refusal - the 450 for an answer that names an ask over its limit */
static void
refusal(const struct check_run *run, const struct limit_answer *a,
    struct verdict *v)
{
	const struct limit_ask *ask;

	if (a->which == NULL || a->ask >= run->nasks)
		return;
	ask = &run->asks[a->ask];
	log_info("%016" PRIx64 " smtp limit client=%s %s=%s limit=\"%s\"",
	    run->tx->sid, run->tx->client, scope_name(ask->scope), ask->key,
	    a->which);
	verdict_set(v, 450, "4.7.1", "Error: rate limit of %u %s reached for "
	    "%s %s, try again later", strcmp(a->which, "messages per minute") ==
	    0 ? ask->limits.messages_per_minute : ask->limits.parts_per_day,
	    a->which, scope_name(ask->scope), ask->key);
}

/* forget_asks - the run's asks are answered or cancelled */
static void
forget_asks(struct check_run *run)
{
	free(run->asks);
	run->asks = NULL;
	run->nasks = 0;
	run->req = NULL;
}

/* limits_answered - the limiter's answer, from the loop */
static void
limits_answered(void *arg, const struct limit_answer *a)
{
	struct check_run *run = arg;
	struct verdict	 v;

	verdict_none(&v);
	refusal(run, a, &v);
	forget_asks(run);
	check_step_answered(run, &v);
}

/* limits_start - see limits.h; with no limit set nothing is allocated */
enum check_when
limits_start(struct check_run *run, struct verdict *v)
{
	struct smtp_tx	*tx = run->tx;
	struct limit_answer a;
	size_t		 n = 0;

	stage_asks(tx, run->stage, false, count_ask, &n);
	if (n == 0)
		return CHECK_NOW;
	if ((run->asks = calloc(n, sizeof(*run->asks))) == NULL) {
		verdict_set(v, 451, "4.3.0", "Error: out of memory");
		v->server_fault = true;
		return CHECK_NOW;
	}
	stage_asks(tx, run->stage, false, keep_ask, run);
	if (limiter_check(tx->srv->limiter, run->asks, run->nasks, &a,
	    limits_answered, run, &run->req) == LIMIT_LATER)
		return CHECK_LATER;
	refusal(run, &a, v);
	forget_asks(run);
	return CHECK_NOW;
}

/* limits_cancel - see limits.h */
void
limits_cancel(struct check_run *run)
{
	limiter_cancel(run->tx->srv->limiter, run->req);
	forget_asks(run);
}

/* limits_charge - see limits.h */
void
limits_charge(const struct smtp_tx *tx)
{
	stage_asks(tx, CHECK_DATA, true, charge_ask, tx->srv->limiter);
}
