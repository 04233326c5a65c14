/*
 * deadline.h - when a client runs out of time: the arithmetic of the
 * session's deadlines, kept pure so it can be tested without a clock.
 */
#ifndef SMSRELAY_DEADLINE_H
#define SMSRELAY_DEADLINE_H

#include <stdint.h>

#define DATA_RATE_GRACE_MS	1000	/* the minimum rate counts after this */

/*
 * deadline_data_ms - the deadline of a client sending message content
 * since start_ms, last heard at last_ms, bytes so far: timeout_s after its
 * last byte, and earlier once it falls below min_rate bytes per second
 * after the first second (0: no minimum). Times in milliseconds.
 */
int64_t	 deadline_data_ms(int64_t start_ms, int64_t last_ms, uint64_t bytes,
	    unsigned timeout_s, unsigned min_rate);

#endif
