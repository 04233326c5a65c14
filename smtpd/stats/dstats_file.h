/*
 * dstats_file.h - the delivery statistics on disk: one snapshot file with a
 * checksum, replaced whole (written new, synced, renamed over the old one).
 */
#ifndef SMSRELAY_DSTATS_FILE_H
#define SMSRELAY_DSTATS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "sms/lib/buf.h"
#include "smtpd/stats/dstats_table.h"

#define DSTATS_FILE_NAME	"stats"		/* under the spool directory */

/* dstats_file_checksum - the sum the file ends with, of p[0..len) */
uint64_t dstats_file_checksum(const void *p, size_t len);

/* dstats_file_encode - every row of t as the file's bytes, appended to b */
int	 dstats_file_encode(const struct dstats_table *, struct buf *);

/*
 * dstats_file_decode - the rows of a file's bytes added to t; 0, or -1 with
 * why in err (bad magic or version, truncated, checksum, malformed row,
 * table full). On -1 t may hold some rows: the caller starts afresh.
 */
int	 dstats_file_decode(const uint8_t *, size_t, struct dstats_table *,
	    char *err, size_t errlen);

/*
 * dstats_file_save - p[0..len) becomes path: written to path.new, synced,
 * renamed, the directory synced; 0, or -1 with errno. Blocks: a worker's.
 */
int	 dstats_file_save(const char *path, const void *p, size_t len);

/*
 * dstats_file_load - path's rows added to t: 0, 1 when there is no file,
 * -1 with why in err
 */
int	 dstats_file_load(const char *path, struct dstats_table *, char *err,
	    size_t errlen);

#endif
