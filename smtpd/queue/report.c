/*
 * report.c - the report channel's lookups: a hash from normalised provider
 * ids to (message, recipient), filled from sent states as they happen and
 * as the journal replays them, the client references the queue sends, and
 * the few reports that came before their SMS was known to be sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/transport/smpp/receipt.h"
#include "smtpd/queue/hash.h"
#include "smtpd/queue/message.h"
#include "smtpd/queue/report.h"

struct expected {
	struct hash_entry	 he;
	uint64_t		 id;
	uint32_t		 rcpt;
	uint32_t		 part;
	char			 key[];		/* the normal form */
};

/* a report that came before its id was known */
struct early {
	char			*key;		/* normal form; NULL: free */
	enum sms_report		 report;
	int64_t			 when;
	int64_t			 kept;		/* when it came */
	uint64_t		 order;		/* of arrival */
	char			*raw;
};

struct report_map {
	struct hash		 ids;
	struct early		 early[REPORT_EARLY_MAX];
	size_t			 early_next;	/* the slot to fill */
	uint64_t		 early_order;
};

/* report_map_new - an empty map */
struct report_map *
report_map_new(void)
{
	return calloc(1, sizeof(struct report_map));
}

/* report_id_normal - see report.h */
char *
report_id_normal(const char *provider_id)
{
	char	*s, *p;

	/* "0042" and "42" are one id; "000" is "0" */
	while (provider_id[0] == '0' && provider_id[1] != '\0')
		provider_id++;
	if ((s = strdup(provider_id)) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		*p = (char)ascii_lower((unsigned char)*p);
	return s;
}

/* find - the entry of a normal key */
static struct expected *
find(const struct report_map *rm, const char *key)
{
	uint64_t		 hv = hash_str(key);
	struct hash_entry	*e;
	struct expected		*x;

	for (e = hash_first(&rm->ids, hv); e != NULL; e = hash_next(e, hv)) {
		x = HASH_OWNER(e, struct expected, he);
		if (strcmp(x->key, key) == 0)
			return x;
	}
	return NULL;
}

/* report_expect - see report.h */
int
report_expect(struct report_map *rm, const char *provider_id, uint64_t id,
    uint32_t rcpt, uint32_t part)
{
	struct expected	*x;
	char		*key;
	size_t		 n;

	if ((key = report_id_normal(provider_id)) == NULL)
		return -1;
	if ((x = find(rm, key)) == NULL) {
		n = strlen(key) + 1;
		if ((x = malloc(sizeof(*x) + n)) == NULL) {
			free(key);
			return -1;
		}
		memcpy(x->key, key, n);
		if (hash_insert(&rm->ids, &x->he, hash_str(key)) == -1) {
			free(x);
			free(key);
			return -1;
		}
	}
	free(key);
	x->id = id;
	x->rcpt = rcpt;
	x->part = part;
	return 0;
}

/* lookup_one - the entry of one spelling of an id; -1 if no memory */
static int
lookup_one(const struct report_map *rm, const char *spelling,
    const struct expected **found)
{
	char	*key;

	if ((key = report_id_normal(spelling)) == NULL)
		return -1;
	*found = find(rm, key);
	free(key);
	return 0;
}

/* the spellings of an id tried: as given, then smpp_id_forms' others */
#define ID_FORMS_MAX	8

/* report_lookup - see report.h */
int
report_lookup(const struct report_map *rm, const char *provider_id,
    uint64_t *id, uint32_t *rcpt, uint32_t *part)
{
	const struct expected	*x = NULL;
	char			 forms[ID_FORMS_MAX][SMPP_ID_MAX];
	size_t			 n, i;

	if (lookup_one(rm, provider_id, &x) == -1)
		return -1;
	n = x == NULL ? smpp_id_forms(provider_id, forms, ID_FORMS_MAX) : 0;
	for (i = 0; i < n && x == NULL; i++)
		if (lookup_one(rm, forms[i], &x) == -1)
			return -1;
	if (x == NULL)
		return -1;
	*id = x->id;
	*rcpt = x->rcpt;
	*part = x->part;
	return 0;
}

/* report_forget - see report.h; a key taken over by another stays */
void
report_forget(struct report_map *rm, const char *provider_id, uint64_t id,
    uint32_t rcpt)
{
	struct expected	*x;
	char		*key;

	if ((key = report_id_normal(provider_id)) == NULL)
		return;
	x = find(rm, key);
	free(key);
	if (x == NULL || x->id != id || x->rcpt != rcpt)
		return;
	hash_remove(&rm->ids, &x->he);
	free(x);
}

size_t
report_map_size(const struct report_map *rm)
{
	return rm->ids.count;
}

/* early_clear - the slot is free */
static void
early_clear(struct early *e)
{
	free(e->key);
	free(e->raw);
	memset(e, 0, sizeof(*e));
}

/* report_keep_early - see report.h */
int
report_keep_early(struct report_map *rm, const char *provider_id,
    enum sms_report report, int64_t when, const char *raw, int64_t now)
{
	struct early	*e = &rm->early[rm->early_next];
	char		*key, *words = NULL;

	if ((key = report_id_normal(provider_id)) == NULL || (raw != NULL &&
	    (words = strndup(raw, REPORT_EARLY_RAW)) == NULL)) {
		free(key);
		return -1;
	}
	early_clear(e);
	*e = (struct early){ .key = key, .report = report, .when = when,
	    .kept = now, .order = rm->early_order++, .raw = words };
	rm->early_next = (rm->early_next + 1) % REPORT_EARLY_MAX;
	return 0;
}

/* report_take_early - see report.h; stale ones are dropped on the way */
int
report_take_early(struct report_map *rm, const char *provider_id,
    int64_t now, enum sms_report *report, int64_t *when, char **raw)
{
	struct early	*e, *first = NULL;
	char		*key;
	size_t		 i;

	if ((key = report_id_normal(provider_id)) == NULL)
		return -1;
	for (i = 0; i < REPORT_EARLY_MAX; i++) {
		e = &rm->early[i];
		if (e->key != NULL && e->kept + REPORT_EARLY_TTL < now)
			early_clear(e);
		else if (e->key != NULL && strcmp(e->key, key) == 0 &&
		    (first == NULL || e->order < first->order))
			first = e;
	}
	free(key);
	if (first == NULL)
		return -1;
	*report = first->report;
	*when = first->when;
	*raw = first->raw;
	first->raw = NULL;
	early_clear(first);
	return 0;
}

/* report_map_free - every entry, then the map */
void
report_map_free(struct report_map *rm)
{
	struct hash_entry	*e;
	size_t			 i;

	if (rm == NULL)
		return;
	for (i = 0; i < REPORT_EARLY_MAX; i++)
		early_clear(&rm->early[i]);
	for (i = 0; i < rm->ids.nbuckets; i++)
		while ((e = rm->ids.buckets[i]) != NULL) {
			rm->ids.buckets[i] = e->next;
			free(HASH_OWNER(e, struct expected, he));
		}
	hash_clear(&rm->ids);
	free(rm);
}

/* report_ref - see report.h */
void
report_ref(char ref[REPORT_REF_MAX], const char *idstr, uint32_t rcpt)
{
	snprintf(ref, REPORT_REF_MAX, "%s.%" PRIu32, idstr, rcpt);
}

/* report_ref_parse - a queue id, '.', a recipient index in decimal */
int
report_ref_parse(const char *ref, uint64_t *id, uint32_t *rcpt)
{
	unsigned long	 r;
	char		*end;

	if (qid_parse(ref, id) == -1 || ref[QID_LEN] != '.' || !ascii_digit((unsigned char)ref[QID_LEN + 1]))
		return -1;
	errno = 0;
	r = strtoul(ref + QID_LEN + 1, &end, 10);
	if (errno != 0 || *end != '\0' || r > UINT32_MAX)
		return -1;
	*rcpt = (uint32_t)r;
	return 0;
}
