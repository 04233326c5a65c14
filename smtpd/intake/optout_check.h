/*
 * optout_check.h - at each RCPT: has the number opted out of SMS? Asked of
 * the shared state, so every relay sharing it refuses the same numbers.
 */
#ifndef SMSRELAY_OPTOUT_CHECK_H
#define SMSRELAY_OPTOUT_CHECK_H

#include "smtpd/intake/check.h"

/*
 * optout_start - at CHECK_RCPT: CHECK_LATER, then a 550 5.7.1 naming the
 * number if it opted out. A store error lets the recipient through (logged).
 */
enum check_when optout_start(struct check_run *, struct verdict *v);
/* optout_cancel - the run is cancelled while the store works */
void	 optout_cancel(struct check_run *);

#endif
