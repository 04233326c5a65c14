/*
 * buf.c - the growable byte buffer, doubling from 4 KiB; fails with -1 or,
 * for text, with a flag that sticks until the builder looks. Arrays double too.
 */
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"

/* buf_reserve - room for more bytes, growing geometrically */
int
buf_reserve(struct buf *b, size_t more)
{
	size_t	 cap;
	uint8_t	*p;

	if (b->cap - b->len >= more)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		return -1;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < more)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* buf_append - copy n bytes to the end */
int
buf_append(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

/* buf_add - append text, NUL-terminated; a failure sticks */
void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->failed)
		return;
	/* SIZE_MAX bytes cannot be had: refuse it before n + 1 wraps */
	if (n == SIZE_MAX || buf_reserve(b, n + 1) == -1) {
		b->failed = true;
		return;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* buf_free - release the storage */
void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

/* array_grow - see buf.h; the pointer is copied, not punned, through pp */
int
array_grow(void *pp, size_t *cap, size_t n, size_t elem, size_t first)
{
	void	*p, *np;
	size_t	 ncap;

	if (n < *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : first;
	memcpy(&p, pp, sizeof(p));
	if ((np = reallocarray(p, ncap, elem)) == NULL)
		return -1;
	memcpy(pp, &np, sizeof(np));
	*cap = ncap;
	return 0;
}
