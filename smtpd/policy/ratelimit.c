/*
 * ratelimit.c - counters per (scope, key) in a seeded hash table: messages
 * over a sliding minute, SMS parts over a rolling day, failed AUTH attempts.
 *
 * Choices the callers should know:
 * - Messages per minute and AUTH failures use two fixed windows; the count
 *   is previous * (1 - elapsed fraction of the current window) + current.
 *   It assumes the previous window's events were spread evenly, which is
 *   good enough for a burst limit and costs a few bytes per key.
 * - Parts per day use 24 hourly buckets in a ring: exact over the current
 *   hour and the 23 before it.  The two-window estimate over a day could let
 *   nearly twice the limit through in 24 hours (a quota used late in one
 *   day-window is mostly discounted the next morning), and parts per day is
 *   a spending cap, so it is worth 96 bytes per key to be exact.
 * - Failed AUTH counts round up: a partly decayed failure still counts as
 *   one.  A failure window over 7 days is taken as 7 days; a changed window
 *   (configuration reload) starts the client's count afresh.
 * - Keys are compared on their first RL_KEY_MAX octets; merging longer keys
 *   can only make a limit bite sooner.
 * - At most RL_MAX_ENTRIES keys for messages and parts and, separately,
 *   RL_MAX_FAIL_ENTRIES for AUTH failures, so failed logins from many
 *   addresses cannot crowd out the limits on accepted mail.  A charge for a
 *   new key in a full table is dropped and counted; ratelimit_expire logs
 *   the count.  Worst case about 200 bytes a key, some 220 MB in all.
 * - ratelimit_expire forgets keys idle for a day (or for two failure
 *   windows, if longer): by then every count of theirs has decayed to 0.
 * - A time earlier than one already seen is taken as that time, so a clock
 *   stepping back never clears counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "sms/lib/log.h"
#include "smtpd/policy/ratelimit.h"

#define RL_MAX_ENTRIES		1000000
#define RL_MAX_FAIL_ENTRIES	100000
#define RL_KEY_MAX		255
#define RL_MIN_BUCKETS		1024
#define RL_MAX_BUCKETS		((size_t)1 << 20)
#define RL_MINUTE_MS		60000ULL
#define RL_HOUR_MS		3600000ULL
#define RL_HOURS		24
#define RL_DAY_MS		(RL_HOURS * RL_HOUR_MS)
#define RL_MAX_WINDOW_S		(7U * 24 * 3600)

#define FNV_OFFSET		0xcbf29ce484222325ULL
#define FNV_PRIME		0x100000001b3ULL

/* two fixed windows of len_ms; idx is now_ms / len_ms when cur began */
struct slide {
	uint64_t	 len_ms;
	uint64_t	 idx;
	uint32_t	 prev;
	uint32_t	 cur;
};

/* parts per hour; hour is the newest one's number, now_ms / RL_HOUR_MS */
struct day {
	uint64_t	 hour;
	uint32_t	 parts[RL_HOURS];	/* by hour % RL_HOURS */
};

struct entry {
	struct entry	*next;
	uint64_t	 hash;
	uint64_t	 last_ms;	/* last charge or failure */
	struct slide	 win;
	struct day	 day;
	enum rl_scope	 scope;
	size_t		 keylen;
	char		 key[];		/* keylen octets, no NUL */
};

struct ratelimit {
	struct entry	**buckets;
	size_t		 nbuckets;	/* a power of two */
	size_t		 nentries;	/* USER, CLIENT, NUMBER */
	size_t		 nfail_entries;	/* AUTHFAIL */
	uint64_t	 seed;
	uint64_t	 dropped;	/* charges lost to a full table */
	uint64_t	 dropped_fail;	/* failures lost, likewise */
};

/* sat_add - add to a counter that sticks at its maximum, never wraps */
static uint32_t
sat_add(uint32_t a, uint64_t b)
{
	return b > UINT32_MAX - a ? UINT32_MAX : (uint32_t)(a + b);
}

/* key_hash - FNV-1a from a random start, so collisions cannot be aimed */
static uint64_t
key_hash(const struct ratelimit *rl, enum rl_scope scope, const char *key,
    size_t len)
{
	uint64_t	 h = FNV_OFFSET ^ rl->seed;
	size_t		 i;

	h = (h ^ (uint64_t)scope) * FNV_PRIME;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * FNV_PRIME;
	/*
	 * Multiplying and xor never carry high bits down: without this the
	 * bucket, picked by the low bits, would ignore most of the seed.
	 */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* find - the entry of (scope, key), NULL if there is none */
static struct entry *
find(const struct ratelimit *rl, enum rl_scope scope, const char *key,
    size_t len, uint64_t h)
{
	struct entry	*e;

	for (e = rl->buckets[h & (rl->nbuckets - 1)]; e != NULL; e = e->next)
		if (e->hash == h && e->scope == scope && e->keylen == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

/* lookup - find without the caller hashing */
static struct entry *
lookup(const struct ratelimit *rl, enum rl_scope scope, const char *key)
{
	size_t	 len = strnlen(key, RL_KEY_MAX);

	return find(rl, scope, key, len, key_hash(rl, scope, key, len));
}

/* grow - double the bucket array; on failure chains just get longer */
static void
grow(struct ratelimit *rl)
{
	struct entry	**nb, *e, *next;
	size_t		 n = rl->nbuckets * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < rl->nbuckets; i++)
		for (e = rl->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(rl->buckets);
	rl->buckets = nb;
	rl->nbuckets = n;
}

/* slide_view - the window's counts as of now_ms, and the weight of prev */
static void
slide_view(const struct slide *w, uint64_t now_ms, uint32_t *prev,
    uint32_t *cur, uint64_t *weight)
{
	uint64_t	 idx = now_ms / w->len_ms;

	if (idx <= w->idx) {
		*prev = w->prev;
		*cur = w->cur;
		*weight = idx == w->idx ? w->len_ms - now_ms % w->len_ms :
		    w->len_ms;
	} else {
		*prev = idx == w->idx + 1 ? w->cur : 0;
		*cur = 0;
		*weight = w->len_ms - now_ms % w->len_ms;
	}
}

/* slide_add - move the window to now_ms and count n events */
static void
slide_add(struct slide *w, uint64_t now_ms, uint64_t n)
{
	uint64_t	 idx = now_ms / w->len_ms, weight;

	slide_view(w, now_ms, &w->prev, &w->cur, &weight);
	if (idx > w->idx)
		w->idx = idx;
	w->cur = sat_add(w->cur, n);
}

/* slide_scaled - the estimate times len_ms, exact in integers */
static uint64_t
slide_scaled(const struct slide *w, uint64_t now_ms, uint64_t extra)
{
	uint32_t	 prev, cur;
	uint64_t	 weight;

	slide_view(w, now_ms, &prev, &cur, &weight);
	/* prev, cur < 2^32, extra < 2^33, len_ms < 2^30: no overflow */
	return prev * weight + (cur + extra) * w->len_ms;
}

/* day_sum - parts in the hour of now_ms and the 23 before it */
static uint64_t
day_sum(const struct day *d, uint64_t now_ms)
{
	uint64_t	 hour = now_ms / RL_HOUR_MS, age, k, sum = 0;

	if (hour < d->hour)
		hour = d->hour;
	age = hour - d->hour;
	if (age >= RL_HOURS)
		return 0;
	for (k = 0; k < RL_HOURS - age; k++)
		sum += d->parts[(d->hour - k) % RL_HOURS];
	return sum;
}

/* day_add - move the ring to now_ms, clearing hours gone by, and count parts */
static void
day_add(struct day *d, uint64_t now_ms, uint64_t parts)
{
	uint64_t	 hour = now_ms / RL_HOUR_MS, h;

	if (hour > d->hour) {
		if (hour - d->hour >= RL_HOURS)
			memset(d->parts, 0, sizeof(d->parts));
		else
			for (h = d->hour + 1; h <= hour; h++)
				d->parts[h % RL_HOURS] = 0;
		d->hour = hour;
	}
	d->parts[d->hour % RL_HOURS] = sat_add(d->parts[d->hour % RL_HOURS],
	    parts);
}

/* window_ms - a failure window in milliseconds, within 1 s and 7 days */
static uint64_t
window_ms(unsigned window_s)
{
	if (window_s == 0)
		window_s = 1;
	if (window_s > RL_MAX_WINDOW_S)
		window_s = RL_MAX_WINDOW_S;
	return (uint64_t)window_s * 1000;
}

/* get - the entry of (scope, key), created if the table has room */
static struct entry *
get(struct ratelimit *rl, enum rl_scope scope, const char *key,
    uint64_t len_ms, uint64_t now_ms)
{
	struct entry	*e;
	size_t		 len = strnlen(key, RL_KEY_MAX), *count, max;
	uint64_t	 h = key_hash(rl, scope, key, len), *dropped;

	if ((e = find(rl, scope, key, len, h)) != NULL) {
		if (e->win.len_ms != len_ms) {
			e->win.len_ms = len_ms;
			e->win.idx = now_ms / len_ms;
			e->win.prev = e->win.cur = 0;
		}
		return e;
	}
	if (scope == RL_AUTHFAIL) {
		count = &rl->nfail_entries;
		max = RL_MAX_FAIL_ENTRIES;
		dropped = &rl->dropped_fail;
	} else {
		count = &rl->nentries;
		max = RL_MAX_ENTRIES;
		dropped = &rl->dropped;
	}
	if (*count >= max || (e = calloc(1, sizeof(*e) + len)) == NULL) {
		(*dropped)++;
		return NULL;
	}
	e->hash = h;
	e->scope = scope;
	e->keylen = len;
	memcpy(e->key, key, len);
	e->last_ms = now_ms;
	e->win.len_ms = len_ms;
	e->win.idx = now_ms / len_ms;
	e->day.hour = now_ms / RL_HOUR_MS;
	e->next = rl->buckets[h & (rl->nbuckets - 1)];
	rl->buckets[h & (rl->nbuckets - 1)] = e;
	(*count)++;
	if (rl->nentries + rl->nfail_entries > rl->nbuckets &&
	    rl->nbuckets < RL_MAX_BUCKETS)
		grow(rl);
	return e;
}

/* ratelimit_now_ms - see ratelimit.h; coarse: a tick is plenty for minutes */
uint64_t
ratelimit_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ratelimit_new - an empty table with a fresh hash seed; NULL, errno set */
struct ratelimit *
ratelimit_new(void)
{
	struct ratelimit	*rl;
	ssize_t			 n;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	do
		n = getrandom(&rl->seed, sizeof(rl->seed), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(rl->seed)) {
		if (n >= 0)
			errno = EIO;
		free(rl);
		return NULL;
	}
	rl->nbuckets = RL_MIN_BUCKETS;
	if ((rl->buckets = calloc(rl->nbuckets, sizeof(*rl->buckets))) ==
	    NULL) {
		free(rl);
		return NULL;
	}
	return rl;
}

/* ratelimit_free - every entry, the buckets and the table */
void
ratelimit_free(struct ratelimit *rl)
{
	struct entry	*e, *next;
	size_t		 i;

	if (rl == NULL)
		return;
	for (i = 0; i < rl->nbuckets; i++)
		for (e = rl->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(rl->buckets);
	free(rl);
}

/* ratelimit_exceeded - which limit the charge would pass, without recording */
const char *
ratelimit_exceeded(struct ratelimit *rl, enum rl_scope scope, const char *key,
    const struct rate_limits *limit, unsigned messages, unsigned parts,
    uint64_t now_ms)
{
	const struct entry	*e;
	uint64_t		 scaled;

	if (limit == NULL || key == NULL)
		return NULL;
	e = lookup(rl, scope, key);
	if (limit->messages_per_minute != 0) {
		if (e != NULL && e->win.len_ms == RL_MINUTE_MS)
			scaled = slide_scaled(&e->win, now_ms, messages);
		else
			scaled = (uint64_t)messages * RL_MINUTE_MS;
		if (scaled > (uint64_t)limit->messages_per_minute *
		    RL_MINUTE_MS)
			return "messages per minute";
	}
	if (limit->parts_per_day != 0 && (e != NULL ?
	    day_sum(&e->day, now_ms) : 0) + parts > limit->parts_per_day)
		return "SMS parts per day";
	return NULL;
}

/* ratelimit_charge - count an accepted message against (scope, key) */
void
ratelimit_charge(struct ratelimit *rl, enum rl_scope scope, const char *key,
    unsigned messages, unsigned parts, uint64_t now_ms)
{
	struct entry	*e;

	if (key == NULL ||
	    (e = get(rl, scope, key, RL_MINUTE_MS, now_ms)) == NULL)
		return;
	slide_add(&e->win, now_ms, messages);
	day_add(&e->day, now_ms, parts);
	if (now_ms > e->last_ms)
		e->last_ms = now_ms;
}

/* ratelimit_fail - one failed AUTH from a client; returns failures in window */
unsigned
ratelimit_fail(struct ratelimit *rl, const char *client, unsigned window_s,
    uint64_t now_ms)
{
	struct entry	*e;

	/* not stored, it is still the one failure the caller just saw */
	if (client == NULL ||
	    (e = get(rl, RL_AUTHFAIL, client, window_ms(window_s), now_ms)) ==
	    NULL)
		return 1;
	slide_add(&e->win, now_ms, 1);
	if (now_ms > e->last_ms)
		e->last_ms = now_ms;
	return ratelimit_failures(rl, client, window_s, now_ms);
}

/* ratelimit_failures - failed AUTHs of a client within the window */
unsigned
ratelimit_failures(struct ratelimit *rl, const char *client,
    unsigned window_s, uint64_t now_ms)
{
	const struct entry	*e;
	uint64_t		 len = window_ms(window_s), n;

	if (client == NULL || (e = lookup(rl, RL_AUTHFAIL, client)) == NULL ||
	    e->win.len_ms != len)
		return 0;
	n = (slide_scaled(&e->win, now_ms, 0) + len - 1) / len;
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

/* ratelimit_expire - forget keys idle for over a day (run from a timer) */
void
ratelimit_expire(struct ratelimit *rl, uint64_t now_ms)
{
	struct entry	**pe, *e;
	uint64_t	 keep;
	size_t		 i;

	for (i = 0; i < rl->nbuckets; i++) {
		pe = &rl->buckets[i];
		while ((e = *pe) != NULL) {
			keep = 2 * e->win.len_ms > RL_DAY_MS ?
			    2 * e->win.len_ms : RL_DAY_MS;
			if (now_ms <= e->last_ms ||
			    now_ms - e->last_ms <= keep) {
				pe = &e->next;
				continue;
			}
			*pe = e->next;
			if (e->scope == RL_AUTHFAIL)
				rl->nfail_entries--;
			else
				rl->nentries--;
			free(e);
		}
	}
	if (rl->dropped != 0 || rl->dropped_fail != 0) {
		log_warnx("ratelimit table full dropped_charges=%" PRIu64
		    " dropped_failures=%" PRIu64 " keys=%zu fail_keys=%zu",
		    rl->dropped, rl->dropped_fail, rl->nentries,
		    rl->nfail_entries);
		rl->dropped = rl->dropped_fail = 0;
	}
}
