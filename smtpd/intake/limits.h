/*
 * limits.h - the rate limits of a transaction: the counters it is asked
 * about at MAIL, at each RCPT and at end of DATA, the 450 that refuses it,
 * and what an accepted message is charged; through the server's limiter.
 */
#ifndef SMSRELAY_LIMITS_H
#define SMSRELAY_LIMITS_H

#include "smtpd/intake/check.h"

/*
 * limits_start - the rate limit check of run's stage: CHECK_NOW with the
 * verdict in *v, or CHECK_LATER and check_step_answered() from the loop
 */
enum check_when limits_start(struct check_run *, struct verdict *v);
/* limits_cancel - the run is cancelled while the limiter works */
void	 limits_cancel(struct check_run *);
/* limits_charge - an accepted message counts against every limit set */
void	 limits_charge(const struct smtp_tx *);

#endif
