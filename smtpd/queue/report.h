/*
 * report.h - where a provider's delivery report belongs: provider message
 * ids (as the journal's sent states record them) and client references
 * mapped to a message and recipient; the queue applies the report.
 */
#ifndef SMSRELAY_REPORT_H
#define SMSRELAY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sms/transport/backend.h"

struct report_map;

struct report_map	*report_map_new(void);
void			 report_map_free(struct report_map *);
/*
 * report_expect - reports about provider_id concern part `part` of
 * recipient rcpt of message id (replacing what it concerned before); -1 if
 * no memory.
 */
int			 report_expect(struct report_map *, const char *provider_id,
			    uint64_t id, uint32_t rcpt, uint32_t part);
/*
 * report_lookup - the recipient and part reports about provider_id
 * concern: the id as given first, then its other spellings (hex or
 * decimal, with or without leading zeros, see smpp_id_forms); -1: none
 */
int			 report_lookup(const struct report_map *,
			    const char *provider_id, uint64_t *id, uint32_t *rcpt,
			    uint32_t *part);
/* report_forget - provider_id no longer concerns recipient rcpt of id */
void			 report_forget(struct report_map *, const char *provider_id,
			    uint64_t id, uint32_t rcpt);
size_t			 report_map_size(const struct report_map *);

#define REPORT_EARLY_MAX	256	/* reports kept for ids not known yet */
#define REPORT_EARLY_TTL	600	/* seconds they are kept */
#define REPORT_EARLY_RAW	256	/* octets of their words kept */
/*
 * report_keep_early - a report about an id no SMS is known by yet: a
 * receipt may overtake its SMS's outcome (a part's receipt while another
 * part waits out a throttle, or the other mailbox of a backend's thread).
 * Kept REPORT_EARLY_TTL seconds from now; the oldest of REPORT_EARLY_MAX
 * goes for a new one. -1 if no memory.
 */
int			 report_keep_early(struct report_map *,
			    const char *provider_id, enum sms_report,
			    int64_t when, const char *raw, int64_t now);
/*
 * report_take_early - the first kept report about provider_id (in its
 * normal form) that is still fresh, which leaves the map: 0, or -1 if
 * none. *raw is the caller's to free (NULL if the report had no words).
 */
int			 report_take_early(struct report_map *,
			    const char *provider_id, int64_t now,
			    enum sms_report *, int64_t *when, char **raw);

/*
 * report_id_normal - the one form provider ids are matched in (ASCII case
 * folded, leading zeros dropped), a new string; NULL if no memory. An id
 * given back in another base is found by report_lookup's other spellings.
 */
char			*report_id_normal(const char *provider_id);

/* a client reference: the queue id, '.', the recipient's index */
#define REPORT_REF_MAX	32
/* report_ref - the client reference of recipient rcpt of message idstr */
void			 report_ref(char ref[REPORT_REF_MAX], const char *idstr,
			    uint32_t rcpt);
/* report_ref_parse - the message id and recipient of a reference; -1: none */
int			 report_ref_parse(const char *ref, uint64_t *id,
			    uint32_t *rcpt);

#endif
