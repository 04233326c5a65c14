/*
 * held.h - the messages held in the spool, not in memory: compact stubs
 * ordered by release time in one binary heap, found by id through a hash.
 */
#ifndef SMSRELAY_HELD_H
#define SMSRELAY_HELD_H

#include <stddef.h>
#include <stdint.h>

/*
 * What the queue remembers of a message it keeps on disk: where its REC_MSG
 * record is, when it is due, and a 32-bit hash of its Message-ID (0: none)
 * so that delete --message-id reads only the records that may match.
 * 32 bytes: a million of them in 32 MB.
 */
struct held_stub {
	uint64_t	 id;
	uint32_t	 release;	/* due at (epoch s); ties go by id */
	uint32_t	 mid_hash;
	uint32_t	 seg;		/* the record: segment, offset, length */
	uint32_t	 off;
	uint32_t	 len;
	uint32_t	 slot;		/* held.c's: its place in the id hash */
};

/* all zero is an empty index */
struct held {
	struct held_stub *heap;		/* a min-heap on (release, id) */
	size_t		  n;
	size_t		  cap;
	uint32_t	 *slots;	/* heap index + 1 by id; 0: empty */
	size_t		  nslots;	/* a power of two, or 0 */
	unsigned	  shift;	/* 64 - log2(nslots) */
};

/* held_push - add a stub whose id is not held yet; -1 with ENOMEM */
int		 held_push(struct held *, const struct held_stub *);
/* held_top - the stub due first (lowest id among ties); NULL if none */
const struct held_stub *held_top(const struct held *);
/* held_pop - take the stub due first into out; -1 if none */
int		 held_pop(struct held *, struct held_stub *out);
/*
 * held_find - the stub of id, or NULL; the caller may change its seg, off
 * and len (a relocated record), nothing else
 */
struct held_stub *held_find(const struct held *, uint64_t id);
/* held_remove - take the stub of id into out (may be NULL); -1 if none */
int		 held_remove(struct held *, uint64_t id, struct held_stub *out);
/* held_at - the i-th stub in no particular order, i < held->n */
const struct held_stub *held_at(const struct held *, size_t i);
/* held_clear - free everything; an empty index again */
void		 held_clear(struct held *);

#endif
