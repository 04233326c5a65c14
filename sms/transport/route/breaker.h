/*
 * breaker.h - a backend's circuit breaker: down after so many temporary
 * failures in a row, then one probe SMS at growing intervals until one
 * gets an answer. Times are seconds on a monotonic clock.
 */
#ifndef SMSRELAY_BREAKER_H
#define SMSRELAY_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

enum breaker_state { BREAKER_UP, BREAKER_DOWN, BREAKER_PROBING };

struct breaker {
	enum breaker_state state;
	unsigned	 failures;	/* temporary failures in a row */
	unsigned	 down_after;	/* 0: never down */
	unsigned	 first;		/* the first wait before a probe */
	unsigned	 wait;		/* the current one */
	int64_t		 until;		/* DOWN: when a probe may go */
};

/* the wait doubles after each failed probe, up to this many times the first */
#define BREAKER_MAX_FACTOR	16

void	 breaker_init(struct breaker *, unsigned down_after, unsigned probe);
/*
 * breaker_admit - may an SMS go: yes while up; while down, one when its
 * time has come (*probe set, the breaker probing); never while probing
 */
bool	 breaker_admit(struct breaker *, int64_t now, bool *probe);
/* breaker_answered - the backend answered; true if that brought it up */
bool	 breaker_answered(struct breaker *);
/* breaker_failed - a temporary failure; true if that took it down */
bool	 breaker_failed(struct breaker *, int64_t now);

#endif
