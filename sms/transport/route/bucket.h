/*
 * bucket.h - a token bucket counting SMS parts: a steady rate per second
 * with a small burst, on a monotonic clock in microseconds.
 */
#ifndef SMSRELAY_BUCKET_H
#define SMSRELAY_BUCKET_H

#include <stdint.h>

struct bucket {
	int64_t		 tokens;	/* millionths of a part; may go below 0 */
	int64_t		 rate;		/* parts per second; 0: no limit */
	int64_t		 burst;		/* millionths of a part, the most held */
	uint64_t	 last_us;	/* when tokens was last topped up */
};

/* bucket_init - a full bucket of burst parts filling at rate parts/s */
void		 bucket_init(struct bucket *, unsigned rate, unsigned burst,
		    uint64_t now_us);
/*
 * bucket_take - 0 if parts may go now (they are taken), else the
 * microseconds until they may. An SMS of more parts than the burst goes
 * when the bucket is full and leaves it in debt, so the rate still holds.
 */
uint64_t	 bucket_take(struct bucket *, unsigned parts, uint64_t now_us);
/* bucket_give_back - parts taken for an SMS that did not go after all */
void		 bucket_give_back(struct bucket *, unsigned parts);

#endif
