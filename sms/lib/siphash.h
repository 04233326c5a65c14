/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein), a keyed hash for tables
 * whose keys an outsider chooses: collisions cannot be aimed without the key.
 */
#ifndef SMSRELAY_SIPHASH_H
#define SMSRELAY_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t	 k0, k1;
};

/* siphash_key_random - a fresh key from getrandom(2); -1 with errno */
int	 siphash_key_random(struct siphash_key *);
/* siphash - the 64-bit SipHash-2-4 of p[0..len) under key */
uint64_t siphash(const struct siphash_key *, const void *p, size_t len);

#endif
