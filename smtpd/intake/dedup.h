/*
 * dedup.h - duplicate suppression at the end of DATA: a recipient that got
 * the same text from the same sender, or the same Message-ID, within the
 * window is not sent again; through the server's shared state.
 */
#ifndef SMSRELAY_DEDUP_H
#define SMSRELAY_DEDUP_H

#include "smtpd/intake/check.h"

/* the window of [DUPLICATEDETECTION:ON] when dedup.window is not set */
#define DEDUP_DEFAULT_WINDOW	600

struct dedup_tx;

/*
 * dedup_start - at CHECK_DATA, with a window in force: ask the store about
 * every recipient's keys (CHECK_LATER), then drop the duplicates; when all
 * are, the verdict is 250 "duplicate of ID, not sent again". A store error
 * lets the message through (logged).
 */
enum check_when dedup_start(struct check_run *, struct verdict *v);
/* dedup_cancel - the run is cancelled while the store works */
void	 dedup_cancel(struct check_run *);
/* dedup_remember - the message is durable: its keys name tx->queue_id */
void	 dedup_remember(struct smtp_tx *);
/* dedup_dropped - recipients of tx dropped as duplicates */
unsigned dedup_dropped(const struct smtp_tx *);
/* dedup_tx_free - what the check kept on the transaction */
void	 dedup_tx_free(struct dedup_tx *);

#endif
