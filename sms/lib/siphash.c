/*
 * siphash.c - SipHash-2-4 as its paper gives it: 64-bit little-endian words,
 * two compression rounds a word, four finalisation rounds.
 */
#include <sys/random.h>
#include <errno.h>

#include "sms/lib/siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

struct sip_state {
	uint64_t	 v0, v1, v2, v3;
};

/* sip_rounds - n SipRounds */
static void
sip_rounds(struct sip_state *s, int n)
{
	while (n-- > 0) {
		s->v0 += s->v1;
		s->v1 = ROTL(s->v1, 13);
		s->v1 ^= s->v0;
		s->v0 = ROTL(s->v0, 32);
		s->v2 += s->v3;
		s->v3 = ROTL(s->v3, 16);
		s->v3 ^= s->v2;
		s->v0 += s->v3;
		s->v3 = ROTL(s->v3, 21);
		s->v3 ^= s->v0;
		s->v2 += s->v1;
		s->v1 = ROTL(s->v1, 17);
		s->v1 ^= s->v2;
		s->v2 = ROTL(s->v2, 32);
	}
}

/* sip_word - absorb one message word */
static void
sip_word(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_rounds(s, 2);
	s->v0 ^= m;
}

/* load_le - n (at most 8) octets as a little-endian number */
static uint64_t
load_le(const unsigned char *p, size_t n)
{
	uint64_t	 w = 0;

	while (n-- > 0)
		w = w << 8 | p[n];
	return w;
}

/* siphash - the last word carries the length in its top octet */
uint64_t
siphash(const struct siphash_key *k, const void *data, size_t len)
{
	const unsigned char	*p = data;
	struct sip_state	 s = {
		k->k0 ^ 0x736f6d6570736575ULL, k->k1 ^ 0x646f72616e646f6dULL,
		k->k0 ^ 0x6c7967656e657261ULL, k->k1 ^ 0x7465646279746573ULL
	};
	size_t			 i;

	for (i = 0; i + 8 <= len; i += 8)
		sip_word(&s, load_le(p + i, 8));
	sip_word(&s, (uint64_t)len << 56 | load_le(p + i, len - i));
	s.v2 ^= 0xff;
	sip_rounds(&s, 4);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

/* siphash_key_random - up to 256 octets come whole once the pool is ready */
int
siphash_key_random(struct siphash_key *k)
{
	ssize_t	 n;

	while ((n = getrandom(k, sizeof(*k), 0)) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(*k))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}
