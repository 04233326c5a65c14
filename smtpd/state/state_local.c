/*
 * state_local.c - the shared-state store of a single relay: a SipHash table
 * in memory, keys expiring on a monotonic clock, within a memory bound.
 *
 * An operation is carried out at once and its answer queued; a zero
 * timer, armed when the queue turns non-empty, calls back on the loop's
 * next turn, after the I/O of this one, as a remote store's answers would
 * come (event_active would run them in this turn, and a caller that kept
 * asking from its callback would hold the loop). Expired keys are gone the moment
 * they are touched (as in Redis); a timer sweeps a slice of the table each
 * sweep_ms, so a full pass takes at most 64 ticks whatever the size. A new
 * key that would pass max_bytes sweeps one more slice first and is refused
 * with ENOSPC if that frees nothing: the callers choose how to fail.
 */
#include <sys/queue.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "sms/lib/siphash.h"
#include "smtpd/state/shared_state.h"

#define LOCAL_MAX_BYTES		(64 * 1024 * 1024)
#define LOCAL_SWEEP_MS		1000
#define LOCAL_MIN_BUCKETS	64
#define SWEEP_SLICES		64	/* a full pass in this many ticks */
#define SWEEP_MIN_BUCKETS	64

struct entry {
	struct entry	*next;		/* in its bucket */
	uint64_t	 hash;
	uint64_t	 expires_ms;	/* 0: never */
	int		 is_number;	/* n holds it; else value, len */
	int64_t		 n;
	size_t		 len;
	char		*value;		/* after the key's NUL */
	size_t		 keylen;
	char		 key[];
};

struct local_req {
	struct state_req	 req;	/* first: what the caller holds */
	TAILQ_ENTRY(local_req)	 entry;
	struct state_reply	 reply;
	char			 value[];	/* get: the value's copy */
};

TAILQ_HEAD(req_queue, local_req);

struct local {
	struct shared_state	 st;	/* first: the interface */
	struct event		*deliver_ev;	/* zero timer */
	struct event		*sweep_ev;
	struct req_queue	 answered;
	struct entry		**buckets;
	size_t			 nbuckets;	/* a power of two */
	size_t			 nkeys;
	size_t			 nexpiring;	/* keys with an expiry */
	size_t			 bytes;		/* entries and the bucket array */
	size_t			 max_bytes;
	size_t			 cursor;	/* the sweep's next bucket */
	struct siphash_key	 hkey;
	struct timeval		 sweep_tv;
	uint64_t		(*now_ms)(void *);
	void			*clock_arg;
};

/* mono_ms - the default clock */
static uint64_t
mono_ms(void *arg)
{
	struct timespec	 ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* entry_size - what a key costs against max_bytes */
static size_t
entry_size(size_t keylen, size_t len)
{
	return sizeof(struct entry) + keylen + 1 + len + 1;
}

/* expired - keys die at their expiry time exactly, as in Redis */
static int
expired(const struct entry *e, uint64_t now)
{
	return e->expires_ms != 0 && now >= e->expires_ms;
}

/* unlink_entry - take *ep out of its chain and free it */
static void
unlink_entry(struct local *l, struct entry **ep)
{
	struct entry	*e = *ep;

	*ep = e->next;
	if (e->expires_ms != 0)
		l->nexpiring--;
	l->nkeys--;
	l->bytes -= entry_size(e->keylen, e->len);
	free(e);
}

/* sweep_buckets - drop the expired keys of n buckets from the cursor on */
static size_t
sweep_buckets(struct local *l, size_t n, uint64_t now)
{
	struct entry	**ep;
	size_t		 i, dropped = 0;

	for (i = 0; i < n && i < l->nbuckets; i++) {
		ep = &l->buckets[l->cursor];
		while (*ep != NULL) {
			if (expired(*ep, now)) {
				unlink_entry(l, ep);
				dropped++;
			} else
				ep = &(*ep)->next;
		}
		l->cursor = (l->cursor + 1) & (l->nbuckets - 1);
	}
	return dropped;
}

/* sweep_slice - one tick's share of a full pass */
static size_t
sweep_slice(struct local *l)
{
	size_t	 n = l->nbuckets / SWEEP_SLICES;

	return sweep_buckets(l, n > SWEEP_MIN_BUCKETS ? n : SWEEP_MIN_BUCKETS,
	    l->now_ms(l->clock_arg));
}

/* sweep_tick - the timer; it stops while no key can expire */
static void
sweep_tick(evutil_socket_t fd, short events, void *arg)
{
	struct local	*l = arg;

	(void)fd;
	(void)events;
	sweep_slice(l);
	if (l->nexpiring == 0)
		evtimer_del(l->sweep_ev);
}

/*
 * link_of - the link that holds key's live entry, for finding or removing
 * it; NULL if there is none (an expired one is dropped on the way)
 */
static struct entry **
link_of(struct local *l, const char *key, size_t keylen, uint64_t h)
{
	struct entry	**ep = &l->buckets[h & (l->nbuckets - 1)];
	uint64_t	 now = l->now_ms(l->clock_arg);

	for (; *ep != NULL; ep = &(*ep)->next) {
		if ((*ep)->hash != h || (*ep)->keylen != keylen ||
		    memcmp((*ep)->key, key, keylen) != 0)
			continue;
		if (!expired(*ep, now))
			return ep;
		unlink_entry(l, ep);
		return NULL;
	}
	return NULL;
}

/* find - key's live entry, NULL if there is none */
static struct entry *
find(struct local *l, const char *key, size_t keylen, uint64_t h)
{
	struct entry	**ep = link_of(l, key, keylen, h);

	return ep != NULL ? *ep : NULL;
}

/* grow - double the buckets when the budget has room; else chains lengthen */
static void
grow(struct local *l)
{
	struct entry	**nb, *e, *next;
	size_t		 n = l->nbuckets * 2, i, more = l->nbuckets * sizeof(*nb);

	if (l->bytes + more > l->max_bytes ||
	    (nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < l->nbuckets; i++)
		for (e = l->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(l->buckets);
	l->buckets = nb;
	l->nbuckets = n;
	l->bytes += more;
	l->cursor = 0;
}

/* set_expiry - keys that expire keep the sweep running */
static void
set_expiry(struct local *l, struct entry *e, uint64_t ttl_ms)
{
	if (ttl_ms == 0 || e->expires_ms != 0)
		return;
	e->expires_ms = l->now_ms(l->clock_arg) + ttl_ms;
	if (l->nexpiring++ == 0 && !evtimer_pending(l->sweep_ev, NULL))
		evtimer_add(l->sweep_ev, &l->sweep_tv);
}

/*
 * insert - a new entry for key holding value[0..len); NULL with ENOSPC
 * when the memory bound leaves no room even after a slice is swept.
 */
static struct entry *
insert(struct local *l, const char *key, size_t keylen, uint64_t h,
    const void *value, size_t len)
{
	struct entry	*e;
	size_t		 size = entry_size(keylen, len);

	if (l->bytes + size > l->max_bytes &&
	    (sweep_slice(l) == 0 || l->bytes + size > l->max_bytes)) {
		errno = ENOSPC;
		return NULL;
	}
	if ((e = calloc(1, size)) == NULL)
		return NULL;
	memcpy(e->key, key, keylen);
	e->keylen = keylen;
	e->value = e->key + keylen + 1;
	if (len > 0)
		memcpy(e->value, value, len);
	e->len = len;
	e->hash = h;
	e->next = l->buckets[h & (l->nbuckets - 1)];
	l->buckets[h & (l->nbuckets - 1)] = e;
	l->nkeys++;
	l->bytes += size;
	if (l->nkeys > l->nbuckets)
		grow(l);
	return e;
}

/* req_new - a request with room for a value of len octets; NULL on ENOMEM */
static struct local_req *
req_new(state_done_cb *cb, void *arg, size_t len)
{
	struct local_req	*r;

	if ((r = calloc(1, sizeof(*r) + len + 1)) == NULL)
		return NULL;
	r->req.cb = cb;
	r->req.arg = arg;
	return r;
}

/* queue_answer - the reply goes out on the next turn of the loop */
static struct state_req *
queue_answer(struct local *l, struct local_req *r)
{
	static const struct timeval	 now = { 0, 0 };
	int				 was_empty = TAILQ_EMPTY(&l->answered);

	TAILQ_INSERT_TAIL(&l->answered, r, entry);
	if (was_empty)
		evtimer_add(l->deliver_ev, &now);
	return &r->req;
}

/*
 * deliver - the answers queued before this turn; one asked for from a
 * callback goes out on the next turn
 */
static void
deliver(evutil_socket_t fd, short events, void *arg)
{
	struct local		*l = arg;
	struct req_queue	 now = TAILQ_HEAD_INITIALIZER(now);
	struct local_req	*r;

	(void)fd;
	(void)events;
	TAILQ_CONCAT(&now, &l->answered, entry);
	while ((r = TAILQ_FIRST(&now)) != NULL) {
		TAILQ_REMOVE(&now, r, entry);
		if (!r->req.cancelled)
			r->req.cb(r->req.arg, &r->reply);
		free(r);
	}
}

/* number_of - a value as Redis' INCR reads it: a decimal int64 */
static int
number_of(const struct entry *e, int64_t *n)
{
	char	 text[24], *end;

	if (e->len == 0 || e->len >= sizeof(text))
		return -1;
	memcpy(text, e->value, e->len);
	text[e->len] = '\0';
	errno = 0;
	*n = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || text[0] == ' ' || text[0] == '+' ||
	    (text[0] == '0' && e->len > 1) || (text[0] == '-' && text[1] == '0'))
		return -1;
	return 0;
}

/* local_incr - INCRBY, then PEXPIRE NX, then PTTL */
static struct state_req *
local_incr(struct shared_state *st, const char *key, int64_t by,
    uint64_t window_ms, state_done_cb *cb, void *arg)
{
	struct local		*l = (struct local *)st;
	struct local_req	*r;
	struct entry		*e;
	size_t			 keylen = strlen(key);
	uint64_t		 h = siphash(&l->hkey, key, keylen), now;
	int64_t			 n = 0;

	if ((r = req_new(cb, arg, 0)) == NULL)
		return NULL;
	if ((e = find(l, key, keylen, h)) == NULL) {
		if ((e = insert(l, key, keylen, h, NULL, 0)) == NULL) {
			r->reply.error = errno;
			return queue_answer(l, r);
		}
		e->is_number = 1;	/* a missing key counts from 0 */
	}
	if (e->is_number)
		n = e->n;
	else if (number_of(e, &n) == -1) {
		r->reply.error = EINVAL;
		return queue_answer(l, r);
	}
	if (__builtin_add_overflow(n, by, &n)) {
		r->reply.error = EOVERFLOW;
		return queue_answer(l, r);
	}
	e->is_number = 1;
	e->n = n;
	set_expiry(l, e, window_ms);
	now = l->now_ms(l->clock_arg);
	r->reply.n = n;
	r->reply.ttl_ms = e->expires_ms > now ? e->expires_ms - now : 0;
	return queue_answer(l, r);
}

/* local_set_nx - SET NX [PX]: an existing key keeps its value and expiry */
static struct state_req *
local_set_nx(struct shared_state *st, const char *key, const void *value,
    size_t len, uint64_t ttl_ms, state_done_cb *cb, void *arg)
{
	struct local		*l = (struct local *)st;
	struct local_req	*r;
	struct entry		*e;
	size_t			 keylen = strlen(key);
	uint64_t		 h = siphash(&l->hkey, key, keylen);

	if ((r = req_new(cb, arg, 0)) == NULL)
		return NULL;
	if (find(l, key, keylen, h) != NULL)
		return queue_answer(l, r);
	if ((e = insert(l, key, keylen, h, value, len)) == NULL)
		r->reply.error = errno;
	else {
		set_expiry(l, e, ttl_ms);
		r->reply.n = 1;
	}
	return queue_answer(l, r);
}

/* local_get - the value copied into the request: the key may go first */
static struct state_req *
local_get(struct shared_state *st, const char *key, state_done_cb *cb,
    void *arg)
{
	struct local		*l = (struct local *)st;
	struct local_req	*r;
	struct entry		*e;
	size_t			 keylen = strlen(key);
	char			 num[24];
	const char		*v = NULL;
	int			 len = 0;

	if ((e = find(l, key, keylen, siphash(&l->hkey, key, keylen))) != NULL &&
	    e->is_number) {
		len = snprintf(num, sizeof(num), "%" PRId64, e->n);
		v = num;
	} else if (e != NULL) {
		len = (int)e->len;
		v = e->value;
	}
	if ((r = req_new(cb, arg, (size_t)len)) == NULL)
		return NULL;
	if (v != NULL) {
		memcpy(r->value, v, (size_t)len);
		r->reply.n = 1;
		r->reply.value = r->value;
		r->reply.len = (size_t)len;
	}
	return queue_answer(l, r);
}

/* local_del - DEL of one key */
static struct state_req *
local_del(struct shared_state *st, const char *key, state_done_cb *cb,
    void *arg)
{
	struct local		*l = (struct local *)st;
	struct local_req	*r;
	struct entry		**ep;
	size_t			 keylen = strlen(key);

	if ((r = req_new(cb, arg, 0)) == NULL)
		return NULL;
	if ((ep = link_of(l, key, keylen, siphash(&l->hkey, key,
	    keylen))) != NULL) {
		unlink_entry(l, ep);
		r->reply.n = 1;
	}
	return queue_answer(l, r);
}

/* local_free - answers not yet given are dropped with their requests */
static void
local_free(struct shared_state *st)
{
	struct local		*l = (struct local *)st;
	struct local_req	*r;
	struct entry		*e, *next;
	size_t			 i;

	while ((r = TAILQ_FIRST(&l->answered)) != NULL) {
		TAILQ_REMOVE(&l->answered, r, entry);
		free(r);
	}
	for (i = 0; i < l->nbuckets; i++)
		for (e = l->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(l->buckets);
	if (l->deliver_ev != NULL)
		event_free(l->deliver_ev);
	if (l->sweep_ev != NULL)
		event_free(l->sweep_ev);
	free(l);
}

static const struct shared_state_ops local_ops = {
	"local", local_incr, local_set_nx, local_get, local_del, local_free
};

/* state_local_new - see shared_state.h */
struct shared_state *
state_local_new(struct event_base *base, const struct state_local_conf *conf)
{
	struct local	*l;
	unsigned	 ms;
	int		 saved;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->st.ops = &local_ops;
	TAILQ_INIT(&l->answered);
	l->max_bytes = conf != NULL && conf->max_bytes ? conf->max_bytes :
	    LOCAL_MAX_BYTES;
	ms = conf != NULL && conf->sweep_ms ? conf->sweep_ms : LOCAL_SWEEP_MS;
	l->sweep_tv.tv_sec = ms / 1000;
	l->sweep_tv.tv_usec = (ms % 1000) * 1000;
	l->now_ms = conf != NULL && conf->now_ms != NULL ? conf->now_ms :
	    mono_ms;
	l->clock_arg = conf != NULL ? conf->clock_arg : NULL;
	l->nbuckets = LOCAL_MIN_BUCKETS;
	l->bytes = l->nbuckets * sizeof(*l->buckets);
	if (siphash_key_random(&l->hkey) == -1)
		goto fail;
	if ((l->buckets = calloc(l->nbuckets, sizeof(*l->buckets))) == NULL ||
	    (l->deliver_ev = evtimer_new(base, deliver, l)) == NULL ||
	    (l->sweep_ev = event_new(base, -1, EV_PERSIST, sweep_tick,
	    l)) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	return &l->st;
fail:
	saved = errno;
	local_free(&l->st);
	errno = saved;
	return NULL;
}

/* state_local_keys - for the status page and the tests */
size_t
state_local_keys(const struct shared_state *st)
{
	return ((const struct local *)st)->nkeys;
}
