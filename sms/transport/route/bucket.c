/*
 * bucket.c - the token bucket of a backend's rate: integer arithmetic in
 * millionths of a part, so a rate of 200/s is exact over any interval.
 */
#include "sms/transport/route/bucket.h"

#define MILLION	1000000

/* bucket_init - see bucket.h */
void
bucket_init(struct bucket *bk, unsigned rate, unsigned burst, uint64_t now_us)
{
	bk->rate = rate;
	bk->burst = (int64_t)(burst > 0 ? burst : 1) * MILLION;
	bk->tokens = bk->burst;
	bk->last_us = now_us;
}

/* refill - what rate added since last_us, up to the burst */
static void
refill(struct bucket *bk, uint64_t now_us)
{
	uint64_t	 dt;

	if (now_us <= bk->last_us)
		return;
	dt = now_us - bk->last_us;
	bk->last_us = now_us;
	/* a long idle time fills the bucket: no product that overflows */
	if (dt >= (uint64_t)(bk->burst - bk->tokens) / (uint64_t)bk->rate + 1) {
		bk->tokens = bk->burst;
		return;
	}
	bk->tokens += (int64_t)dt * bk->rate;
	if (bk->tokens > bk->burst)
		bk->tokens = bk->burst;
}

/* bucket_take - see bucket.h */
uint64_t
bucket_take(struct bucket *bk, unsigned parts, uint64_t now_us)
{
	int64_t		 need = (int64_t)(parts > 0 ? parts : 1) * MILLION;
	int64_t		 want;

	if (bk->rate == 0)
		return 0;
	refill(bk, now_us);
	want = need < bk->burst ? need : bk->burst;
	if (bk->tokens >= want) {
		bk->tokens -= need;
		return 0;
	}
	/* rounded up: woken a microsecond early it would only wait again */
	return (uint64_t)((want - bk->tokens + bk->rate - 1) / bk->rate);
}

/* bucket_give_back - see bucket.h */
void
bucket_give_back(struct bucket *bk, unsigned parts)
{
	if (bk->rate == 0)
		return;
	bk->tokens += (int64_t)(parts > 0 ? parts : 1) * MILLION;
	if (bk->tokens > bk->burst)
		bk->tokens = bk->burst;
}
