/*
 * dstats_table.h - delivery statistics in memory: counters per day, user,
 * sender domain, backend and destination country, in a bounded hash table.
 */
#ifndef SMSRELAY_DSTATS_TABLE_H
#define SMSRELAY_DSTATS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define DSTATS_NAME_MAX		64	/* a user's or a backend's name */
#define DSTATS_DOMAIN_MAX	253	/* a DNS name (RFC 1035) */
#define DSTATS_COUNTRY_LEN	2	/* ISO 3166 alpha-2, "" when unknown */

/* what one row counts; the order is the file's and the views' */
enum dstats_counter {
	DSTATS_MESSAGES = 0,	/* SMS accepted: one per recipient */
	DSTATS_PARTS,		/* their parts */
	DSTATS_DELIVERED,	/* the handset's report said delivered */
	DSTATS_RELAYED,		/* taken by the provider, no report then */
	DSTATS_FAILED,		/* permanent failure */
	DSTATS_EXPIRED,		/* still undelivered when its lifetime ended */
	DSTATS_NCOUNTERS
};

/* a row's key; "" is "none" (no AUTH user, unknown country) */
struct dstats_key {
	int32_t		 day;		/* days since 1970-01-01, UTC */
	char		 user[DSTATS_NAME_MAX + 1];
	char		 domain[DSTATS_DOMAIN_MAX + 1];
	char		 backend[DSTATS_NAME_MAX + 1];
	char		 country[DSTATS_COUNTRY_LEN + 1];
};

struct dstats_row {
	struct dstats_key key;
	uint64_t	 n[DSTATS_NCOUNTERS];
};

struct dstats_table;

/* dstats_table_new - an empty table of at most max_rows rows; NULL: errno */
struct dstats_table	*dstats_table_new(size_t max_rows);
void			 dstats_table_free(struct dstats_table *);

/*
 * dstats_table_add - add n to one counter of key's row, made if new; 0, or
 * -1 when the table is full or out of memory (nothing counted)
 */
int	 dstats_table_add(struct dstats_table *, const struct dstats_key *,
	    enum dstats_counter, uint64_t n);
/* dstats_table_add_row - every counter of row into its key's row; as add */
int	 dstats_table_add_row(struct dstats_table *, const struct dstats_row *);
/* dstats_table_prune - drop the rows of days before oldest; rows dropped */
size_t	 dstats_table_prune(struct dstats_table *, int32_t oldest);

/* the rows in no particular order: index 0 to dstats_table_rows() - 1 */
size_t			 dstats_table_rows(const struct dstats_table *);
const struct dstats_row	*dstats_table_row(const struct dstats_table *, size_t);

/* dstats_key_set - a key with its strings copied, cut to fit, "" for NULL */
void	 dstats_key_set(struct dstats_key *, int32_t day, const char *user,
	    const char *domain, const char *backend, const char *country);

#endif
