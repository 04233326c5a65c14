/*
 * breaker.c - the circuit breaker's arithmetic: counting failures in a row,
 * when to probe, how the wait between probes grows.
 */
#include "sms/transport/route/breaker.h"

/* breaker_init - see breaker.h */
void
breaker_init(struct breaker *br, unsigned down_after, unsigned probe)
{
	br->state = BREAKER_UP;
	br->failures = 0;
	br->down_after = down_after;
	br->first = br->wait = probe > 0 ? probe : 1;
	br->until = 0;
}

/* breaker_admit - see breaker.h */
bool
breaker_admit(struct breaker *br, int64_t now, bool *probe)
{
	*probe = false;
	switch (br->state) {
	case BREAKER_UP:
		return true;
	case BREAKER_DOWN:
		if (now < br->until)
			return false;
		br->state = BREAKER_PROBING;
		*probe = true;
		return true;
	case BREAKER_PROBING:
		break;
	}
	return false;
}

/* breaker_answered - see breaker.h */
bool
breaker_answered(struct breaker *br)
{
	bool	 was_down = br->state != BREAKER_UP;

	br->state = BREAKER_UP;
	br->failures = 0;
	br->wait = br->first;
	return was_down;
}

/* breaker_failed - see breaker.h */
bool
breaker_failed(struct breaker *br, int64_t now)
{
	if (br->failures < UINT32_MAX)
		br->failures++;
	if (br->state == BREAKER_PROBING) {
		/* the probe failed: wait longer before the next one */
		if (br->wait <= br->first * (BREAKER_MAX_FACTOR / 2))
			br->wait *= 2;
		else
			br->wait = br->first * BREAKER_MAX_FACTOR;
		br->state = BREAKER_DOWN;
		br->until = now + br->wait;
		return true;
	}
	if (br->state == BREAKER_UP && br->down_after > 0 &&
	    br->failures >= br->down_after) {
		br->state = BREAKER_DOWN;
		br->until = now + br->wait;
		return true;
	}
	return false;
}
