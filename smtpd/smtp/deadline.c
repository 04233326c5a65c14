/*
 * deadline.c - the arithmetic of the session's deadlines: a DATA phase ends
 * at its idle timeout or as soon as the client falls below the minimum rate.
 */
#include "smtpd/smtp/deadline.h"

/* deadline_data_ms - see deadline.h */
int64_t
deadline_data_ms(int64_t start_ms, int64_t last_ms, uint64_t bytes,
    unsigned timeout_s, unsigned min_rate)
{
	int64_t	 idle = last_ms + (int64_t)timeout_s * 1000, rate;
	uint64_t credit;

	if (min_rate == 0)
		return idle;
	/* bytes earn their time at the minimum rate: bytes / rate seconds */
	credit = bytes / min_rate * 1000 + bytes % min_rate * 1000 / min_rate;
	if (credit > (uint64_t)(idle - start_ms))
		return idle;
	rate = start_ms + DATA_RATE_GRACE_MS + (int64_t)credit;
	return rate < idle ? rate : idle;
}
