/*
 * tzfile.c - TZif files (RFC 8536) read into transition tables, and the UTC
 * offset of a zone at an instant looked up in them.
 *
 * Why not localtime_r: it follows the process's TZ, and switching TZ with
 * setenv while other threads (the backends' curl) read the environment is
 * undefined. The version 2+ block with 64-bit times is used. Past the last
 * transition the last offset holds; the footer's POSIX rule is not read,
 * which is exact while the files are "fat" (Debian's tzdata: transitions
 * to 2037) and loses summer time after that.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sms/lib/tzfile.h"

#define TZ_FILE_MAX	(256 * 1024)	/* the largest zones are ~4 KB */
#define TZ_NAME_MAX	64
#define TZ_HDR_LEN	44
#define TZ_CACHE_MAX	128		/* zones in use at once */

struct tz_zone {
	char	 name[TZ_NAME_MAX + 1];
	int64_t	*times;		/* transitions, ascending */
	uint8_t	*idx;		/* the type from each transition on */
	int32_t	*offsets;	/* of each type */
	uint8_t	*isdst;
	uint32_t ntimes, ntypes;
};

static struct tz_zone	 cache[TZ_CACHE_MAX];
static size_t		 ncache;
static pthread_mutex_t	 cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* be32, be64 - big-endian integers of the file */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* counts - the six counts of the header at p: isut, isstd, leap, time, type, char */
static void
counts(const uint8_t *p, uint32_t c[6])
{
	int	 i;

	for (i = 0; i < 6; i++)
		c[i] = be32(p + 20 + 4 * i);
}

/* block_len - bytes of the data block after a header, time size tsz */
static uint64_t
block_len(const uint32_t c[6], unsigned tsz)
{
	return (uint64_t)c[3] * tsz + c[3] + (uint64_t)c[4] * 6 + c[5] +
	    (uint64_t)c[2] * (tsz + 4) + c[1] + c[0];
}

/* parse - the v2 block of the file in buf into z; -1 if malformed */
static int
parse(const uint8_t *buf, size_t len, struct tz_zone *z)
{
	uint32_t	 c[6];
	const uint8_t	*p;
	uint64_t	 skip;
	uint32_t	 i;

	if (len < TZ_HDR_LEN || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
		return -1;
	counts(buf, c);
	skip = TZ_HDR_LEN + block_len(c, 4);
	if (skip + TZ_HDR_LEN > len || memcmp(buf + skip, "TZif", 4) != 0)
		return -1;
	p = buf + skip;
	counts(p, c);
	if (c[4] == 0 || c[4] > 256 || skip + TZ_HDR_LEN + block_len(c, 8) > len)
		return -1;
	p += TZ_HDR_LEN;
	z->ntimes = c[3];
	z->ntypes = c[4];
	z->times = calloc(z->ntimes + 1, sizeof(*z->times));
	z->idx = calloc(z->ntimes + 1, sizeof(*z->idx));
	z->offsets = calloc(z->ntypes, sizeof(*z->offsets));
	z->isdst = calloc(z->ntypes, sizeof(*z->isdst));
	if (z->times == NULL || z->idx == NULL || z->offsets == NULL ||
	    z->isdst == NULL)
		return -1;
	for (i = 0; i < z->ntimes; i++)
		z->times[i] = be64(p + 8 * i);
	p += 8 * (size_t)z->ntimes;
	for (i = 0; i < z->ntimes; i++)
		if ((z->idx[i] = p[i]) >= z->ntypes)
			return -1;
	p += z->ntimes;
	for (i = 0; i < z->ntypes; i++) {
		z->offsets[i] = (int32_t)be32(p + 6 * i);
		z->isdst[i] = p[6 * i + 4];
	}
	return 0;
}

/* zone_free - what parse allocated */
static void
zone_free(struct tz_zone *z)
{
	free(z->times);
	free(z->idx);
	free(z->offsets);
	free(z->isdst);
	memset(z, 0, sizeof(*z));
}

/* valid_name - a relative path of letters, digits, "_+-/", no ".." */
static int
valid_name(const char *zone)
{
	size_t	 i, n = strlen(zone);

	if (n == 0 || n > TZ_NAME_MAX || zone[0] == '/' ||
	    strstr(zone, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_+-/", zone[i]) == NULL)
			return 0;
	return 1;
}

/* load - the zone's file into z; -1 if unreadable or malformed */
static int
load(const char *zone, struct tz_zone *z)
{
	char		 path[512];
	uint8_t		*buf;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, rc;

	if (!valid_name(zone))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, zone);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((buf = malloc(TZ_FILE_MAX)) == NULL) {
		close(fd);
		return -1;
	}
	while (len < TZ_FILE_MAX && ((n = read(fd, buf + len,
	    TZ_FILE_MAX - len)) > 0 || (n == -1 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	snprintf(z->name, sizeof(z->name), "%s", zone);
	if ((rc = parse(buf, len, z)) == -1)
		zone_free(z);
	free(buf);
	return rc;
}

/* offset_at - the offset in z at t: the first standard time before any */
static int32_t
offset_at(const struct tz_zone *z, int64_t t)
{
	uint32_t	 lo = 0, hi = z->ntimes, mid, i;

	if (z->ntimes == 0 || t < z->times[0]) {
		for (i = 0; i < z->ntypes; i++)
			if (!z->isdst[i])
				return z->offsets[i];
		return z->offsets[0];
	}
	/* the last transition at or before t */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->offsets[z->idx[lo]];
}

/* find - the cached zone, loading it on first use; NULL if none */
static const struct tz_zone *
find(const char *zone)
{
	size_t	 i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, zone) == 0)
			return &cache[i];
	if (ncache == TZ_CACHE_MAX || load(zone, &cache[ncache]) == -1)
		return NULL;
	return &cache[ncache++];
}

/* tz_offset - see tzfile.h */
int
tz_offset(const char *zone, int64_t t, int32_t *offset)
{
	const struct tz_zone	*z;
	int			 rc = -1;

	pthread_mutex_lock(&cache_lock);
	if ((z = find(zone)) != NULL) {
		*offset = offset_at(z, t);
		rc = 0;
	}
	pthread_mutex_unlock(&cache_lock);
	return rc;
}
