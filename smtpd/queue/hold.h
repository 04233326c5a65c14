/*
 * hold.h - whether a recipient's SMS must wait for the end of the quiet
 * hours in its number's time zones, and whether its validity lasts that long.
 */
#ifndef SMSRELAY_HOLD_H
#define SMSRELAY_HOLD_H

#include <stdint.h>

#include "conf/conf.h"
#include "smtpd/queue/message.h"

enum hold_verdict {
	HOLD_GO,		/* no quiet hours now: send */
	HOLD_WAIT,		/* held until hold.until */
	HOLD_EXPIRES,		/* the validity ends before the quiet hours */
};

struct hold {
	int64_t		 until;		/* HOLD_WAIT, HOLD_EXPIRES: their end */
	char		 why[256];	/* the reason the queue shows or bounces */
};

/*
 * hold_check - recipient i of m at now under its message's quiet hours
 * (m->quiet) in the zones of its number's country (numbers.multi_zone
 * deciding between several). A number whose zone is not known is not held.
 */
enum hold_verdict hold_check(const struct message *m, uint32_t i,
	    const struct conf *, int64_t now, struct hold *);

#endif
