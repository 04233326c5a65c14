/*
 * limiter.h - rate limits as a service that may answer later: would
 * charging these counters pass a limit, and charge them. The in-process
 * counters of ratelimit.c answer at once; counters shared between relays
 * (Redis: GET, then INCRBY with expiry) answer from the loop.
 */
#ifndef SMSRELAY_LIMITER_H
#define SMSRELAY_LIMITER_H

#include <stddef.h>

#include "conf/conf.h"
#include "smtpd/policy/ratelimit.h"

/* One counter to check or to charge. */
struct limit_ask {
	enum rl_scope		 scope;
	const char		*key;
	struct rate_limits	 limits;	/* those in force for the key */
	unsigned		 messages;
	unsigned		 parts;
};

/* The first ask that charging would put over its limit, if any. */
struct limit_answer {
	const char		*which;		/* NULL: none; else as ratelimit_exceeded() */
	size_t			 ask;		/* its index, when which is set */
};

enum limit_when { LIMIT_NOW, LIMIT_LATER };

typedef void limit_done_cb(void *arg, const struct limit_answer *);

struct limit_request;		/* an implementation's own */

/*
 * What a limiter implements. check answers LIMIT_NOW with *now filled, or
 * LIMIT_LATER and sets *req: then cb comes from the event loop, never from
 * inside check (curl's rule: no callback from inside the call that asked),
 * exactly once unless cancel comes first. asks stay as they are until then.
 */
struct limiter_ops {
	enum limit_when (*check)(void *self, const struct limit_ask *, size_t n,
		    struct limit_answer *now, limit_done_cb *cb, void *arg,
		    struct limit_request **req);
	void	(*cancel)(void *self, struct limit_request *);
	void	(*charge)(void *self, const struct limit_ask *, size_t n);
	void	(*free)(void *self);		/* NULL: self is not owned */
};

struct limiter {
	const struct limiter_ops *ops;
	void			*self;
};

/* limiter_new - a limiter of these ops on self; NULL if out of memory */
struct limiter	*limiter_new(const struct limiter_ops *, void *self);
/* limiter_local_new - ratelimit's counters (not owned), answering at once */
struct limiter	*limiter_local_new(struct ratelimit *);
void		 limiter_free(struct limiter *);

/* limiter_check - see struct limiter_ops */
enum limit_when	 limiter_check(struct limiter *, const struct limit_ask *,
		    size_t n, struct limit_answer *now, limit_done_cb *cb,
		    void *arg, struct limit_request **req);
/* limiter_cancel - the asker is gone: cb will not come */
void		 limiter_cancel(struct limiter *, struct limit_request *);
/* limiter_charge - count an accepted message against each ask */
void		 limiter_charge(struct limiter *, const struct limit_ask *,
		    size_t n);

#endif
