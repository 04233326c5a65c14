/*
 * dstats_table.c - the rows of dstats_table.h in one growing array, found by
 * an open-addressing index of their key's hash, rebuilt when it fills up.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/lib/siphash.h"
#include "smtpd/stats/dstats_table.h"

struct dstats_table {
	struct dstats_row	*rows;
	size_t			 nrows, cap, max_rows;
	uint32_t		*slots;		/* row index + 1; 0: empty */
	size_t			 nslots;	/* a power of two, 0 at first */
	struct siphash_key	 hash_key;
};

/*
 * key_hash - SipHash under the table's random key: sender domains are
 * chosen by whoever sends mail, so their collisions must not be aimable
 */
static uint64_t
key_hash(const struct dstats_table *t, const struct dstats_key *k)
{
	char	 flat[sizeof(*k)];
	int	 n;

	n = snprintf(flat, sizeof(flat), "%" PRId32 "%c%s%c%s%c%s%c%s",
	    k->day, 0, k->user, 0, k->domain, 0, k->backend, 0, k->country);
	return siphash(&t->hash_key, flat, n > 0 ? (size_t)n : 0);
}

static int
key_equal(const struct dstats_key *a, const struct dstats_key *b)
{
	return a->day == b->day && strcmp(a->user, b->user) == 0 &&
	    strcmp(a->domain, b->domain) == 0 &&
	    strcmp(a->backend, b->backend) == 0 &&
	    strcmp(a->country, b->country) == 0;
}

/* slot_of - the slot holding k, or the empty one where it would go */
static size_t
slot_of(const struct dstats_table *t, const struct dstats_key *k)
{
	size_t	 i = (size_t)key_hash(t, k) & (t->nslots - 1);

	while (t->slots[i] != 0 && !key_equal(&t->rows[t->slots[i] - 1].key,
	    k))
		i = (i + 1) & (t->nslots - 1);
	return i;
}

/* reindex - an index of nslots slots for every row; -1 on ENOMEM */
static int
reindex(struct dstats_table *t, size_t nslots)
{
	uint32_t	*slots = calloc(nslots, sizeof(*slots));
	size_t		 i;

	if (slots == NULL)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	for (i = 0; i < t->nrows; i++)
		t->slots[slot_of(t, &t->rows[i].key)] = (uint32_t)i + 1;
	return 0;
}

/* dstats_table_new - see dstats_table.h */
struct dstats_table *
dstats_table_new(size_t max_rows)
{
	struct dstats_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->max_rows = max_rows;
	if (siphash_key_random(&t->hash_key) == -1) {
		free(t);
		return NULL;
	}
	return t;
}

void
dstats_table_free(struct dstats_table *t)
{
	if (t == NULL)
		return;
	free(t->rows);
	free(t->slots);
	free(t);
}

/* row_for - k's row, made (zero) if new; NULL when full or out of memory */
static struct dstats_row *
row_for(struct dstats_table *t, const struct dstats_key *k)
{
	size_t	 slot;

	/* the index stays at most half full, so probing stays short */
	if ((t->nrows + 1) * 2 > t->nslots &&
	    reindex(t, t->nslots == 0 ? 64 : t->nslots * 2) == -1)
		return NULL;
	slot = slot_of(t, k);
	if (t->slots[slot] != 0)
		return &t->rows[t->slots[slot] - 1];
	if (t->nrows >= t->max_rows || array_grow(&t->rows, &t->cap, t->nrows,
	    sizeof(*t->rows), 64) == -1)
		return NULL;
	memset(&t->rows[t->nrows], 0, sizeof(t->rows[t->nrows]));
	t->rows[t->nrows].key = *k;
	t->slots[slot] = (uint32_t)++t->nrows;
	return &t->rows[t->nrows - 1];
}

/* dstats_table_add - see dstats_table.h */
int
dstats_table_add(struct dstats_table *t, const struct dstats_key *k,
    enum dstats_counter c, uint64_t n)
{
	struct dstats_row *r = row_for(t, k);

	if (r == NULL)
		return -1;
	r->n[c] += n;
	return 0;
}

/* dstats_table_add_row - see dstats_table.h */
int
dstats_table_add_row(struct dstats_table *t, const struct dstats_row *src)
{
	struct dstats_row *r = row_for(t, &src->key);
	size_t	 c;

	if (r == NULL)
		return -1;
	for (c = 0; c < DSTATS_NCOUNTERS; c++)
		r->n[c] += src->n[c];
	return 0;
}

/* dstats_table_prune - see dstats_table.h; the index is rebuilt */
size_t
dstats_table_prune(struct dstats_table *t, int32_t oldest)
{
	size_t	 i, kept = 0, dropped;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].key.day >= oldest)
			t->rows[kept++] = t->rows[i];
	dropped = t->nrows - kept;
	t->nrows = kept;
	/* the same slots, refilled: fewer rows never need more of them */
	if (dropped > 0 && t->nslots > 0) {
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
		for (i = 0; i < t->nrows; i++)
			t->slots[slot_of(t, &t->rows[i].key)] =
			    (uint32_t)i + 1;
	}
	return dropped;
}

size_t
dstats_table_rows(const struct dstats_table *t)
{
	return t->nrows;
}

const struct dstats_row *
dstats_table_row(const struct dstats_table *t, size_t i)
{
	return i < t->nrows ? &t->rows[i] : NULL;
}

/* copy_cut - s (NULL: "") into dst of size bytes, cut to fit */
static void
copy_cut(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s != NULL ? s : "");
}

/* dstats_key_set - see dstats_table.h */
void
dstats_key_set(struct dstats_key *k, int32_t day, const char *user,
    const char *domain, const char *backend, const char *country)
{
	memset(k, 0, sizeof(*k));
	k->day = day;
	copy_cut(k->user, sizeof(k->user), user);
	copy_cut(k->domain, sizeof(k->domain), domain);
	copy_cut(k->backend, sizeof(k->backend), backend);
	copy_cut(k->country, sizeof(k->country), country);
}
