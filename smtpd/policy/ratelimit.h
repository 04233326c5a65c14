/*
 * ratelimit.h - counters over sliding windows, keyed by a scope and a
 * string: messages per minute, SMS parts per day, failed AUTH attempts.
 */
#ifndef SMSRELAY_RATELIMIT_H
#define SMSRELAY_RATELIMIT_H

#include <stdint.h>

#include "conf/conf.h"

enum rl_scope { RL_USER, RL_CLIENT, RL_NUMBER, RL_AUTHFAIL };

struct ratelimit;

/* ratelimit_now_ms - the monotonic milliseconds the counters are kept in */
uint64_t ratelimit_now_ms(void);

struct ratelimit *ratelimit_new(void);
void	 ratelimit_free(struct ratelimit *);

/*
 * ratelimit_exceeded - would charging messages and parts to (scope, key)
 * pass one of the limits? NULL if not, else which one, as a phrase for the
 * reply: "messages per minute" or "SMS parts per day". now in milliseconds.
 */
const char *ratelimit_exceeded(struct ratelimit *, enum rl_scope,
	    const char *key, const struct rate_limits *, unsigned messages,
	    unsigned parts, uint64_t now_ms);
/* ratelimit_charge - count an accepted message against (scope, key) */
void	 ratelimit_charge(struct ratelimit *, enum rl_scope, const char *key,
	    unsigned messages, unsigned parts, uint64_t now_ms);

/* ratelimit_fail - one failed AUTH from a client; returns failures in window */
unsigned ratelimit_fail(struct ratelimit *, const char *client,
	    unsigned window_s, uint64_t now_ms);
/* ratelimit_failures - failed AUTHs of a client within the window */
unsigned ratelimit_failures(struct ratelimit *, const char *client,
	    unsigned window_s, uint64_t now_ms);

/* ratelimit_expire - forget keys idle for over a day (run from a timer) */
void	 ratelimit_expire(struct ratelimit *, uint64_t now_ms);

#endif
