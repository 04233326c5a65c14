/*
 * dstats_file.c - the statistics snapshot's format and its safe replacement.
 *
 * Layout, little-endian: "SMSRSTAT", u32 version, u32 row count; per row
 * i32 day, user, domain, backend, country (each u8 length + bytes), then
 * DSTATS_NCOUNTERS u64 counters; last a u64 SipHash of all bytes before.
 * A snapshot, not a log: the table is bounded (days kept x keys), so
 * rewriting it every few seconds is cheap, and rename(2) leaves either
 * the old file or the new one after a crash, never a mix. The checksum
 * catches what rename cannot: a disk or an editor that damaged the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sms/lib/siphash.h"
#include "smtpd/stats/dstats_file.h"

#define MAGIC		"SMSRSTAT"
#define MAGIC_LEN	8
#define VERSION		2
#define HEAD_LEN	(MAGIC_LEN + 4 + 4)
#define SUM_LEN		8
#define FILE_MAX	(256u << 20)	/* far above any table we keep */

/* a fixed key: the sum detects damage, it authenticates nothing */
static const struct siphash_key sum_key = { 0x736d7372656c6179ULL,
	0x7374617473763100ULL };

/* dstats_file_checksum - see dstats_file.h */
uint64_t
dstats_file_checksum(const void *p, size_t len)
{
	return siphash(&sum_key, p, len);
}

/* put_le - v as n little-endian bytes; -1 on ENOMEM */
static int
put_le(struct buf *b, uint64_t v, size_t n)
{
	uint8_t	 x[8];
	size_t	 i;

	for (i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	return buf_append(b, x, n);
}

/* put_str - a length byte, then the bytes (at most 255: the key's sizes) */
static int
put_str(struct buf *b, const char *s)
{
	size_t	 n = strlen(s);

	return put_le(b, n, 1) | buf_append(b, s, n);
}

/* dstats_file_encode - see dstats_file.h; -1 on ENOMEM */
int
dstats_file_encode(const struct dstats_table *t, struct buf *b)
{
	size_t	 i, c, n = dstats_table_rows(t), start = b->len;
	const struct dstats_row *r;
	int	 rc;

	if (buf_reserve(b, HEAD_LEN + n * (4 + 4 + 8 * DSTATS_NCOUNTERS + 32) +
	    SUM_LEN) == -1)
		return -1;
	rc = buf_append(b, MAGIC, MAGIC_LEN) | put_le(b, VERSION, 4) |
	    put_le(b, n, 4);
	for (i = 0; i < n; i++) {
		r = dstats_table_row(t, i);
		rc |= put_le(b, (uint32_t)r->key.day, 4) |
		    put_str(b, r->key.user) | put_str(b, r->key.domain) |
		    put_str(b, r->key.backend) | put_str(b, r->key.country);
		for (c = 0; c < DSTATS_NCOUNTERS; c++)
			rc |= put_le(b, r->n[c], 8);
	}
	/* a byte missing anywhere would make a well-summed wrong file */
	if (rc != 0)
		return -1;
	return put_le(b, dstats_file_checksum(b->p + start, b->len - start), 8);
}

/* a cursor over the file's bytes; bad once anything ran past the end */
struct rd {
	const uint8_t	*p;
	size_t		 len, pos;
	int		 bad;
};

static uint64_t
get_le(struct rd *r, size_t n)
{
	uint64_t v = 0;
	size_t	 i;

	if (r->bad || r->len - r->pos < n) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += n;
	return v;
}

/* get_str - a string of at most max bytes, no NUL among them, into dst */
static void
get_str(struct rd *r, char *dst, size_t max)
{
	size_t	 n = (size_t)get_le(r, 1);

	if (r->bad || n > max || r->len - r->pos < n ||
	    memchr(r->p + r->pos, '\0', n) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(dst, r->p + r->pos, n);
	dst[n] = '\0';
	r->pos += n;
}

static int
fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* dstats_file_decode - see dstats_file.h */
int
dstats_file_decode(const uint8_t *p, size_t len, struct dstats_table *t,
    char *err, size_t errlen)
{
	struct rd	 r = { p, len, MAGIC_LEN, 0 };
	struct dstats_row row;
	uint64_t	 nrows, i, sum;
	size_t		 c;

	if (len < MAGIC_LEN || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return fail(err, errlen, "not a statistics file (bad magic)");
	if (len < HEAD_LEN + SUM_LEN)
		return fail(err, errlen, "truncated header");
	if (get_le(&r, 4) != VERSION)
		return fail(err, errlen, "unknown version");
	sum = dstats_file_checksum(p, len - SUM_LEN);
	r.len = len - SUM_LEN;
	if (get_le(&(struct rd){ p + len - SUM_LEN, SUM_LEN, 0, 0 }, 8) != sum)
		return fail(err, errlen, "checksum mismatch (truncated or "
		    "damaged)");
	nrows = get_le(&r, 4);
	for (i = 0; i < nrows && !r.bad; i++) {
		memset(&row, 0, sizeof(row));
		row.key.day = (int32_t)(uint32_t)get_le(&r, 4);
		get_str(&r, row.key.user, DSTATS_NAME_MAX);
		get_str(&r, row.key.domain, DSTATS_DOMAIN_MAX);
		get_str(&r, row.key.backend, DSTATS_NAME_MAX);
		get_str(&r, row.key.country, DSTATS_COUNTRY_LEN);
		for (c = 0; c < DSTATS_NCOUNTERS; c++)
			row.n[c] = get_le(&r, 8);
		if (!r.bad && dstats_table_add_row(t, &row) == -1)
			return fail(err, errlen, "more rows than the table "
			    "holds");
	}
	if (r.bad || r.pos != r.len)
		return fail(err, errlen, "malformed row");
	return 0;
}

/* write_all - n bytes to fd; -1 with errno */
static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* sync_dir - the directory holding path, so the rename is durable */
static int
sync_dir(const char *path)
{
	char	 dir[PATH_MAX];
	char	*slash;
	int	 fd, rc, err;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* dstats_file_save - see dstats_file.h */
int
dstats_file_save(const char *path, const void *p, size_t len)
{
	char	 tmp[PATH_MAX];
	int	 fd, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		return -1;
	if (write_all(fd, p, len) == -1 || fsync(fd) == -1) {
		err = errno;
		close(fd);
		unlink(tmp);
		errno = err;
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return sync_dir(path);
}

/* read_file - the whole of fd into *out; -1 with errno */
static int
read_file(int fd, struct buf *out)
{
	ssize_t	 n;

	for (;;) {
		if (out->len > FILE_MAX) {
			errno = EFBIG;
			return -1;
		}
		if (buf_reserve(out, 65536) == -1)
			return -1;
		if ((n = read(fd, out->p + out->len, out->cap - out->len)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		out->len += (size_t)n;
	}
}

/* dstats_file_load - see dstats_file.h */
int
dstats_file_load(const char *path, struct dstats_table *t, char *err,
    size_t errlen)
{
	struct buf	 b = { 0 };
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	rc = read_file(fd, &b);
	if (rc == -1)
		snprintf(err, errlen, "%s", strerror(errno));
	close(fd);
	if (rc == 0)
		rc = dstats_file_decode(b.p, b.len, t, err, errlen);
	buf_free(&b);
	return rc;
}
