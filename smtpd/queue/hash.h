/*
 * hash.h - a chained hash of entries embedded in their owners' structs,
 * for the queue's lookups: messages by id, recipients by provider id.
 */
#ifndef SMSRELAY_HASH_H
#define SMSRELAY_HASH_H

#include <stddef.h>
#include <stdint.h>

/* embedded in what is stored; the owner compares keys itself */
struct hash_entry {
	struct hash_entry	*next;
	uint64_t		 hv;
};

/* all zero is an empty hash */
struct hash {
	struct hash_entry	**buckets;	/* a power of two of them */
	size_t			  nbuckets;
	size_t			  count;
};

/* HASH_OWNER - the struct of type whose member e is */
#define HASH_OWNER(e, type, member) \
	((type *)(void *)((char *)(e) - offsetof(type, member)))

/* hash_insert - store e under hv; -1 only if not even one bucket exists */
int			 hash_insert(struct hash *, struct hash_entry *, uint64_t hv);
void			 hash_remove(struct hash *, struct hash_entry *);
/* hash_first, hash_next - the entries stored under hv, and maybe others */
struct hash_entry	*hash_first(const struct hash *, uint64_t hv);
struct hash_entry	*hash_next(const struct hash_entry *, uint64_t hv);
/* hash_clear - free the buckets; the entries belong to their owners */
void			 hash_clear(struct hash *);

/* hash_u64, hash_str - hash values of the keys */
uint64_t		 hash_u64(uint64_t);
uint64_t		 hash_str(const char *);

#endif
