/*
 * sent_ids.c - a bounded set of message ids: a ring in arrival order (the
 * oldest is evicted when full) indexed by a chained hash table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/transport/smpp/sent_ids.h"

struct id_entry {
	struct id_entry	*next;		/* in its bucket */
	char		*id;		/* NULL: slot unused */
};

struct sent_ids {
	struct id_entry	*ring;
	size_t		 cap;
	size_t		 oldest;	/* the oldest id: filled next */
	struct id_entry	**buckets;
	size_t		 nbuckets;	/* a power of two */
};

/* id_hash - FNV-1a of id: ids are the SMSC's, not an attacker's choosing */
static size_t
id_hash(const char *id)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return (size_t)h;
}

/* sent_ids_new - see sent_ids.h */
struct sent_ids *
sent_ids_new(size_t cap)
{
	struct sent_ids	*t;

	if (cap == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cap = cap;
	for (t->nbuckets = 1; t->nbuckets < cap; t->nbuckets <<= 1)
		;
	t->ring = calloc(cap, sizeof(*t->ring));
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->ring == NULL || t->buckets == NULL) {
		sent_ids_free(t);
		return NULL;
	}
	return t;
}

/* sent_ids_free - see sent_ids.h */
void
sent_ids_free(struct sent_ids *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	if (t->ring != NULL)
		for (i = 0; i < t->cap; i++)
			free(t->ring[i].id);
	free(t->ring);
	free(t->buckets);
	free(t);
}

/* unlink_entry - take e out of its bucket */
static void
unlink_entry(struct sent_ids *t, struct id_entry *e)
{
	struct id_entry	**pp;

	pp = &t->buckets[id_hash(e->id) & (t->nbuckets - 1)];
	while (*pp != NULL && *pp != e)
		pp = &(*pp)->next;
	if (*pp == e)
		*pp = e->next;
	free(e->id);
	e->id = NULL;
	e->next = NULL;
}

/* sent_ids_add - see sent_ids.h */
int
sent_ids_add(struct sent_ids *t, const char *id)
{
	struct id_entry	*e;
	char		*copy;
	size_t		 b;

	if (sent_ids_has(t, id))
		return 0;
	if ((copy = strdup(id)) == NULL)
		return -1;
	e = &t->ring[t->oldest];
	if (e->id != NULL)
		unlink_entry(t, e);
	t->oldest = (t->oldest + 1) % t->cap;
	e->id = copy;
	b = id_hash(copy) & (t->nbuckets - 1);
	e->next = t->buckets[b];
	t->buckets[b] = e;
	return 0;
}

/* sent_ids_has - see sent_ids.h */
int
sent_ids_has(const struct sent_ids *t, const char *id)
{
	const struct id_entry	*e;

	for (e = t->buckets[id_hash(id) & (t->nbuckets - 1)]; e != NULL;
	    e = e->next)
		if (strcmp(e->id, id) == 0)
			return 1;
	return 0;
}
