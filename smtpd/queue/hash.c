/*
 * hash.c - chained buckets, doubled when they hold two entries each on
 * average; a failed growth only makes the chains longer.
 */
#include <stdlib.h>

#include "smtpd/queue/hash.h"

#define HASH_FIRST	1024	/* buckets at the first insert */

static size_t
bucket(uint64_t hv, size_t nbuckets)
{
	return (size_t)(hv >> 32 ^ hv) & (nbuckets - 1);
}

/* hash_grow - double the buckets and rehash */
static void
hash_grow(struct hash *h)
{
	struct hash_entry	**nb, *e, *next;
	size_t			  n = h->nbuckets ? h->nbuckets * 2 : HASH_FIRST;
	size_t			  i, b;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < h->nbuckets; i++)
		for (e = h->buckets[i]; e != NULL; e = next) {
			next = e->next;
			b = bucket(e->hv, n);
			e->next = nb[b];
			nb[b] = e;
		}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
}

/* hash_insert - see hash.h */
int
hash_insert(struct hash *h, struct hash_entry *e, uint64_t hv)
{
	size_t b;

	if (h->count + 1 > h->nbuckets * 2)
		hash_grow(h);
	if (h->nbuckets == 0)
		return -1;
	e->hv = hv;
	b = bucket(hv, h->nbuckets);
	e->next = h->buckets[b];
	h->buckets[b] = e;
	h->count++;
	return 0;
}

/* hash_remove - unlink e, which must be stored */
void
hash_remove(struct hash *h, struct hash_entry *e)
{
	struct hash_entry **pp;

	for (pp = &h->buckets[bucket(e->hv, h->nbuckets)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			h->count--;
			return;
		}
}

/* hash_first - see hash.h */
struct hash_entry *
hash_first(const struct hash *h, uint64_t hv)
{
	struct hash_entry *e;

	if (h->nbuckets == 0)
		return NULL;
	e = h->buckets[bucket(hv, h->nbuckets)];
	while (e != NULL && e->hv != hv)
		e = e->next;
	return e;
}

/* hash_next - see hash.h */
struct hash_entry *
hash_next(const struct hash_entry *e, uint64_t hv)
{
	for (e = e->next; e != NULL && e->hv != hv; e = e->next)
		;
	return (struct hash_entry *)(uintptr_t)e;
}

/* hash_clear - see hash.h */
void
hash_clear(struct hash *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = h->count = 0;
}

/* hash_u64 - Fibonacci hashing spreads ids that differ in low bits */
uint64_t
hash_u64(uint64_t v)
{
	return v * 0x9E3779B97F4A7C15ull;
}

/* hash_str - FNV-1a */
uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}
