/*
 * schedule.h - the queue's arithmetic, pure: retry delays, expiry, release
 * of scheduled messages, which DSN a recipient owes and when it is final.
 */
#ifndef SMSRELAY_SCHEDULE_H
#define SMSRELAY_SCHEDULE_H

#include <stdint.h>

#include "conf/conf.h"
#include "smtpd/queue/message.h"

/* what a permanent failure leads to: a DSN, or why there is none */
enum fail_notice {
	NOTICE_DSN,		/* a failure DSN to the sender */
	NOTICE_NONE_DSN,	/* the message is a DSN itself: dropped */
	NOTICE_NONE_NULL,	/* the sender is <> */
	NOTICE_NONE_NOTIFY,	/* NOTIFY without FAILURE */
};

/* the DSN a recipient owes in its state */
enum dsn_owed {
	DSN_NONE,
	DSN_FAILED,		/* "failed": permanent failure or expiry */
	DSN_RELAYED,		/* "relayed": NOTIFY=SUCCESS, provider took it */
};

/* schedule_retry_delay - seconds of backoff after the attempts-th try */
unsigned	 schedule_retry_delay(const struct conf *, uint32_t attempts);
/* schedule_expiry - when trying ends: lifetime from arrival or release */
int64_t		 schedule_expiry(const struct message *, const struct conf *);
/* schedule_release - the scheduled send time while it is ahead, else 0 */
int64_t		 schedule_release(const struct message *, int64_t now);
/*
 * schedule_retry - the next try after a temporary failure at now (never
 * past the expiry), or 0 when the message has expired.
 */
int64_t		 schedule_retry(const struct message *,
		    const struct rcpt_status *, const struct conf *, int64_t now);
/* schedule_next_try - the earliest retry of n recipients, 0 if none waits */
int64_t		 schedule_next_try(const struct rcpt_status *, uint32_t n);
/* schedule_due - a deferred recipient whose time has come */
int		 schedule_due(const struct rcpt_status *, int64_t now);

/* schedule_failure_notice - what recipient i failing for good leads to */
enum fail_notice schedule_failure_notice(const struct message *, uint32_t i);
/* schedule_after_sent - SENT, or REPORT_OWED under NOTIFY=SUCCESS */
enum rcpt_state	 schedule_after_sent(const struct message *, uint32_t i);
/* schedule_dsn_owed - the DSN recipient i owes in state s */
enum dsn_owed	 schedule_dsn_owed(const struct message *, uint32_t i,
		    enum rcpt_state);
/* schedule_is_final - nothing more will happen to recipient i in state s */
int		 schedule_is_final(const struct message *, uint32_t i,
		    enum rcpt_state);

#endif
