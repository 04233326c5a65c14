/*
 * sent_ids.h - the message ids an SMSC gave this client's submit_sm, the
 * newest so many, so a receipt naming one in another spelling maps back.
 */
#ifndef SMSRELAY_SMPP_SENT_IDS_H
#define SMSRELAY_SMPP_SENT_IDS_H

#include <stddef.h>

struct sent_ids;

/* sent_ids_new - a table of at most cap ids (the oldest go first); NULL */
struct sent_ids	*sent_ids_new(size_t cap);
void		 sent_ids_free(struct sent_ids *);
/* sent_ids_add - remember id; -1 if out of memory */
int		 sent_ids_add(struct sent_ids *, const char *id);
/* sent_ids_has - is id remembered, spelled exactly so? */
int		 sent_ids_has(const struct sent_ids *, const char *id);

#endif
