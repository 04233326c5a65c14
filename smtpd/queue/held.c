/*
 * held.c - the release-time index of messages kept on disk: a binary heap
 * of 32-byte stubs in one flat array, and an open-addressed id hash.
 *
 * Each stub knows its hash slot and each slot its stub's heap index, so a
 * heap move is one store in the hash and a lookup is a probe or two. Both
 * arrays shrink as the index empties, so a drained million gives its
 * memory back (large arrays are mmapped by malloc and unmapped on shrink).
 */
#include <stdlib.h>
#include <string.h>

#include "smtpd/queue/hash.h"
#include "smtpd/queue/held.h"

#define HELD_MIN	64	/* neither array shrinks below this */

/* due_before - the order of release: time, then id */
static int
due_before(const struct held_stub *a, const struct held_stub *b)
{
	return a->release < b->release ||
	    (a->release == b->release && a->id < b->id);
}

/* home - the first slot id probes */
static size_t
home(const struct held *h, uint64_t id)
{
	return (size_t)(hash_u64(id) >> h->shift);
}

/* place - stub s at heap index i, its slot pointing there */
static void
place(struct held *h, size_t i, const struct held_stub *s)
{
	h->heap[i] = *s;
	h->slots[s->slot] = (uint32_t)(i + 1);
}

/* slot_insert - give heap entry i a free slot */
static void
slot_insert(struct held *h, size_t i)
{
	size_t mask = h->nslots - 1, j = home(h, h->heap[i].id);

	while (h->slots[j] != 0)
		j = (j + 1) & mask;
	h->slots[j] = (uint32_t)(i + 1);
	h->heap[i].slot = (uint32_t)j;
}

/* slot_delete - empty slot i, shifting back the probes that passed it */
static void
slot_delete(struct held *h, size_t i)
{
	size_t	 mask = h->nslots - 1, j = i, k;

	h->slots[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (h->slots[j] == 0)
			return;
		k = home(h, h->heap[h->slots[j] - 1].id);
		/* stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		h->slots[i] = h->slots[j];
		h->heap[h->slots[i] - 1].slot = (uint32_t)i;
		h->slots[j] = 0;
		i = j;
	}
}

/* rehash - a hash of nslots (a power of two) for the stubs there are */
static int
rehash(struct held *h, size_t nslots)
{
	uint32_t *slots;
	unsigned  bits = 0;
	size_t	  i;

	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return -1;
	while (((size_t)1 << bits) < nslots)
		bits++;
	free(h->slots);
	h->slots = slots;
	h->nslots = nslots;
	h->shift = 64 - bits;
	for (i = 0; i < h->n; i++)
		slot_insert(h, i);
	return 0;
}

/* resize_heap - room for cap stubs */
static int
resize_heap(struct held *h, size_t cap)
{
	struct held_stub *p;

	if ((p = reallocarray(h->heap, cap, sizeof(*p))) == NULL)
		return -1;
	h->heap = p;
	h->cap = cap;
	return 0;
}

static void
sift_up(struct held *h, size_t i)
{
	struct held_stub s = h->heap[i];
	size_t		 p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!due_before(&s, &h->heap[p]))
			break;
		place(h, i, &h->heap[p]);
		i = p;
	}
	place(h, i, &s);
}

static void
sift_down(struct held *h, size_t i)
{
	struct held_stub s = h->heap[i];
	size_t		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && due_before(&h->heap[c + 1], &h->heap[c]))
			c++;
		if (!due_before(&h->heap[c], &s))
			break;
		place(h, i, &h->heap[c]);
		i = c;
	}
	place(h, i, &s);
}

/* shrink - give memory back once the index is mostly empty */
static void
shrink(struct held *h)
{
	if (h->cap > HELD_MIN && h->n < h->cap / 4)
		(void)resize_heap(h, h->cap / 2);
	if (h->nslots > HELD_MIN && h->n < h->nslots / 8)
		(void)rehash(h, h->nslots / 2);
}

/* held_push - see held.h */
int
held_push(struct held *h, const struct held_stub *s)
{
	if (h->n == h->cap && resize_heap(h, h->cap ? h->cap * 2 :
	    HELD_MIN) == -1)
		return -1;
	if ((h->n + 1) * 2 > h->nslots && rehash(h, h->nslots ? h->nslots * 2 :
	    HELD_MIN) == -1)
		return -1;
	h->heap[h->n] = *s;
	slot_insert(h, h->n);
	h->n++;
	sift_up(h, h->n - 1);
	return 0;
}

/* held_top - see held.h */
const struct held_stub *
held_top(const struct held *h)
{
	return h->n > 0 ? &h->heap[0] : NULL;
}

/* remove_at - take heap entry i out, keep the heap whole */
static void
remove_at(struct held *h, size_t i, struct held_stub *out)
{
	if (out != NULL)
		*out = h->heap[i];
	slot_delete(h, h->heap[i].slot);
	h->n--;
	if (i < h->n) {
		uint64_t moved = h->heap[h->n].id;

		place(h, i, &h->heap[h->n]);
		sift_up(h, i);
		/* what it rose past stays above its children: no sift down */
		if (h->heap[i].id == moved)
			sift_down(h, i);
	}
	shrink(h);
}

/* held_pop - see held.h */
int
held_pop(struct held *h, struct held_stub *out)
{
	if (h->n == 0)
		return -1;
	remove_at(h, 0, out);
	return 0;
}

/* held_find - see held.h */
struct held_stub *
held_find(const struct held *h, uint64_t id)
{
	size_t	 mask, j;

	if (h->nslots == 0)
		return NULL;
	mask = h->nslots - 1;
	for (j = home(h, id); h->slots[j] != 0; j = (j + 1) & mask)
		if (h->heap[h->slots[j] - 1].id == id)
			return &h->heap[h->slots[j] - 1];
	return NULL;
}

/* held_remove - see held.h */
int
held_remove(struct held *h, uint64_t id, struct held_stub *out)
{
	struct held_stub *s = held_find(h, id);

	if (s == NULL)
		return -1;
	remove_at(h, (size_t)(s - h->heap), out);
	return 0;
}

/* held_at - see held.h */
const struct held_stub *
held_at(const struct held *h, size_t i)
{
	return &h->heap[i];
}

/* held_clear - see held.h */
void
held_clear(struct held *h)
{
	free(h->heap);
	free(h->slots);
	memset(h, 0, sizeof(*h));
}
