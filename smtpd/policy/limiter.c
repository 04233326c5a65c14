/*
 * limiter.c - the limiter interface and its default: the in-process
 * counters of ratelimit.c, which always answer at once, so no request of
 * theirs is ever pending.
 */
#include <stdlib.h>

#include "smtpd/policy/limiter.h"

/* local_check - the first ask over its limit, read from the counters now */
static enum limit_when
local_check(void *self, const struct limit_ask *asks, size_t n,
    struct limit_answer *now, limit_done_cb *cb, void *arg,
    struct limit_request **req)
{
	uint64_t now_ms = ratelimit_now_ms();
	size_t	 i;

	(void)cb;
	(void)arg;
	*req = NULL;
	now->which = NULL;
	for (i = 0; i < n && now->which == NULL; i++) {
		now->which = ratelimit_exceeded(self, asks[i].scope, asks[i].key,
		    &asks[i].limits, asks[i].messages, asks[i].parts, now_ms);
		now->ask = i;
	}
	return LIMIT_NOW;
}

/* local_cancel - nothing is ever pending */
static void
local_cancel(void *self, struct limit_request *req)
{
	(void)self;
	(void)req;
}

/* local_charge - count the message on every counter asked */
static void
local_charge(void *self, const struct limit_ask *asks, size_t n)
{
	uint64_t now_ms = ratelimit_now_ms();
	size_t	 i;

	for (i = 0; i < n; i++)
		ratelimit_charge(self, asks[i].scope, asks[i].key,
		    asks[i].messages, asks[i].parts, now_ms);
}

static const struct limiter_ops local_ops = {
	local_check, local_cancel, local_charge, NULL
};

/* limiter_new - see limiter.h */
struct limiter *
limiter_new(const struct limiter_ops *ops, void *self)
{
	struct limiter *l;

	if ((l = malloc(sizeof(*l))) == NULL)
		return NULL;
	l->ops = ops;
	l->self = self;
	return l;
}

/* limiter_local_new - see limiter.h */
struct limiter *
limiter_local_new(struct ratelimit *rl)
{
	return limiter_new(&local_ops, rl);
}

/* limiter_free - the limiter, and its implementation if it owns one */
void
limiter_free(struct limiter *l)
{
	if (l == NULL)
		return;
	if (l->ops->free != NULL)
		l->ops->free(l->self);
	free(l);
}

/* limiter_check - see limiter.h */
enum limit_when
limiter_check(struct limiter *l, const struct limit_ask *asks, size_t n,
    struct limit_answer *now, limit_done_cb *cb, void *arg,
    struct limit_request **req)
{
	return l->ops->check(l->self, asks, n, now, cb, arg, req);
}

/* limiter_cancel - see limiter.h */
void
limiter_cancel(struct limiter *l, struct limit_request *req)
{
	l->ops->cancel(l->self, req);
}

/* limiter_charge - see limiter.h */
void
limiter_charge(struct limiter *l, const struct limit_ask *asks, size_t n)
{
	l->ops->charge(l->self, asks, n);
}
