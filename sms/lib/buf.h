/*
 * buf.h - the growable byte buffer (journal records are encoded into one,
 * DSNs, HTML and TNEF text are built in one) and growable arrays.
 */
#ifndef SMSRELAY_BUF_H
#define SMSRELAY_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* All zero is an empty buffer; p is NULL until something is stored. */
struct buf {
	union {
		uint8_t	*p;		/* the bytes */
		char	*s;		/* the same bytes as text */
	};
	size_t		 len;
	size_t		 cap;
	bool		 failed;	/* buf_add could not grow: text cut */
};

/* buf_reserve - room for more bytes after len; -1 (b unchanged) on ENOMEM */
int	 buf_reserve(struct buf *, size_t more);
/* buf_append - copy n bytes to the end; -1 (b unchanged) on ENOMEM */
int	 buf_append(struct buf *, const void *, size_t);

/*
 * buf_add - for text: append n bytes and keep a NUL after them, so s is a C
 * string even when n is 0. On ENOMEM failed is set and this and every later
 * buf_add is dropped: builders check once, at the end.
 */
void	 buf_add(struct buf *, const void *, size_t);

/* buf_free - release the storage; b is an empty buffer again */
void	 buf_free(struct buf *);

/*
 * array_grow - room for element n of the array whose pointer is at pp, with
 * cap elements of elem bytes allocated: doubled when full, first when empty.
 * -1 (array and cap unchanged) on ENOMEM.
 */
int	 array_grow(void *pp, size_t *cap, size_t n, size_t elem, size_t first);

#endif
