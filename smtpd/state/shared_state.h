/*
 * shared_state.h - state the relays behind one balancer must share (rate
 * counters, duplicate keys, opt-out numbers, provider id -> message): a small
 * asynchronous store shaped like Redis, in process by default.
 *
 * Every operation answers later, through its callback on the store's event
 * loop, never inside the call, whichever store it is: a caller written for
 * the local store works unchanged against a remote one. Keys are C strings
 * of 1 to STATE_KEY_MAX octets; callers keep them apart by a prefix
 * ("rl:", "dup:", "optout:", "pid:"). Each operation is one Redis command
 * or one MULTI block, so a Redis store needs no script:
 *
 *   state_incr    INCRBY key by; PEXPIRE key window NX; PTTL key
 *   state_set_nx  SET key value NX [PX ttl]
 *   state_get     GET key
 *   state_del     DEL key
 */
#ifndef SMSRELAY_SHARED_STATE_H
#define SMSRELAY_SHARED_STATE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define STATE_KEY_MAX	255	/* octets of a key */
#define STATE_VALUE_MAX	1024	/* octets of a value */

/*
 * An answer, valid only during the callback. error is 0 or why the store
 * could not answer: ENOSPC (the local store is at its memory bound),
 * EINVAL (INCR of a value that is not a number), EOVERFLOW (the count
 * would leave int64), or a remote store's connection errors. Then the
 * caller decides whether to fail open or closed.
 */
struct state_reply {
	int		 error;
	int64_t		 n;	/* incr: the count now; set_nx: 1 set, 0 it was
				 * there; get: 1 found, 0 not; del: 1 removed */
	uint64_t	 ttl_ms;	/* incr: the window's time left, 0 none */
	const char	*value;	/* get: the value, NUL after it; else NULL */
	size_t		 len;
};

typedef void state_done_cb(void *arg, const struct state_reply *);

struct shared_state;

/* a request under way; each store's own request struct begins with it */
struct state_req {
	state_done_cb	*cb;
	void		*arg;
	int		 cancelled;
};

/* what a store implements: validated arguments in, a request out or NULL */
struct shared_state_ops {
	const char	*name;
	struct state_req *(*incr)(struct shared_state *, const char *key,
			    int64_t by, uint64_t window_ms, state_done_cb *,
			    void *);
	struct state_req *(*set_nx)(struct shared_state *, const char *key,
			    const void *value, size_t len, uint64_t ttl_ms,
			    state_done_cb *, void *);
	struct state_req *(*get)(struct shared_state *, const char *key,
			    state_done_cb *, void *);
	struct state_req *(*del)(struct shared_state *, const char *key,
			    state_done_cb *, void *);
	void		(*free)(struct shared_state *);
};

struct shared_state {
	const struct shared_state_ops *ops;
};

/*
 * The operations. Each returns the request, to cancel it, or NULL with
 * errno (EINVAL: an empty or too long key or value; ENOMEM) and then no
 * callback follows.
 */
/*
 * state_incr - add by to the number at key (a missing key is 0) and give
 * the sum; a key without expiry gets window_ms, so the first increment
 * opens a fixed window and the key is gone when it ends (0: no expiry).
 */
struct state_req *state_incr(struct shared_state *, const char *key,
		    int64_t by, uint64_t window_ms, state_done_cb *, void *arg);
/* state_set_nx - store value at key unless the key exists; ttl_ms 0: no expiry */
struct state_req *state_set_nx(struct shared_state *, const char *key,
		    const void *value, size_t len, uint64_t ttl_ms,
		    state_done_cb *, void *arg);
/* state_get - the value at key; a number is given in decimal, as Redis does */
struct state_req *state_get(struct shared_state *, const char *key,
		    state_done_cb *, void *arg);
/* state_del - remove key */
struct state_req *state_del(struct shared_state *, const char *key,
		    state_done_cb *, void *arg);
/*
 * state_cancel - the caller went away: its callback will not be called
 * (the operation itself may still take effect). Not once the callback ran.
 */
void		 state_cancel(struct state_req *);
/* state_free - pending callbacks are not called; not from inside one */
void		 state_free(struct shared_state *);

/* the in-process store: one relay, nothing shared beyond it */
struct state_local_conf {
	size_t		 max_bytes;	/* keys, values, table; 0: 64 MiB */
	unsigned	 sweep_ms;	/* expired keys swept; 0: every 1000 ms */
	uint64_t	(*now_ms)(void *);	/* NULL: CLOCK_MONOTONIC */
	void		*clock_arg;
};

/* state_local_new - a store on base's loop; NULL with errno */
struct shared_state *state_local_new(struct event_base *base,
		    const struct state_local_conf *);
/* state_local_keys - keys held now, expired ones not yet swept included */
size_t		 state_local_keys(const struct shared_state *);

#endif
