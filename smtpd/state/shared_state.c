/*
 * shared_state.c - what every store shares: the arguments checked once,
 * before a store sees them, and the cancellation of a request.
 */
#include <errno.h>
#include <string.h>

#include "smtpd/state/shared_state.h"

/* key_ok - 1 to STATE_KEY_MAX octets; sets errno when not */
static int
key_ok(const char *key)
{
	size_t	 len = key != NULL ? strnlen(key, STATE_KEY_MAX + 1) : 0;

	if (len == 0 || len > STATE_KEY_MAX) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

/* state_incr - see shared_state.h */
struct state_req *
state_incr(struct shared_state *st, const char *key, int64_t by,
    uint64_t window_ms, state_done_cb *cb, void *arg)
{
	if (!key_ok(key))
		return NULL;
	return st->ops->incr(st, key, by, window_ms, cb, arg);
}

/* state_set_nx - a value may be empty, and binary */
struct state_req *
state_set_nx(struct shared_state *st, const char *key, const void *value,
    size_t len, uint64_t ttl_ms, state_done_cb *cb, void *arg)
{
	if (!key_ok(key))
		return NULL;
	if (len > STATE_VALUE_MAX || (value == NULL && len > 0)) {
		errno = EINVAL;
		return NULL;
	}
	return st->ops->set_nx(st, key, value, len, ttl_ms, cb, arg);
}

/* state_get - see shared_state.h */
struct state_req *
state_get(struct shared_state *st, const char *key, state_done_cb *cb,
    void *arg)
{
	if (!key_ok(key))
		return NULL;
	return st->ops->get(st, key, cb, arg);
}

/* state_del - see shared_state.h */
struct state_req *
state_del(struct shared_state *st, const char *key, state_done_cb *cb,
    void *arg)
{
	if (!key_ok(key))
		return NULL;
	return st->ops->del(st, key, cb, arg);
}

/* state_cancel - every store checks the flag before it calls back */
void
state_cancel(struct state_req *req)
{
	if (req != NULL)
		req->cancelled = 1;
}

/* state_free - the store drops what it has not answered */
void
state_free(struct shared_state *st)
{
	if (st != NULL)
		st->ops->free(st);
}
