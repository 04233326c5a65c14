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
	DSN_RELAYED,		/* NOTIFY=SUCCESS: "delivered" after the
				 * handset's report, else "relayed" */
	DSN_DELAYED,		/* "delayed": NOTIFY=DELAY, no final report */
};

/* what a waiting recipient's time brings */
enum wait_end {
	WAIT_ON,		/* nothing yet */
	WAIT_DELAY_NOTICE,	/* NOTIFY=DELAY: the delay DSN is due */
	WAIT_OVER,		/* reports.wait passed: no report will come */
};

/* what a report means for the sender: still under way, or final */
struct report_verdict {
	int		 final;
	int		 delivered;	/* final: on the handset (or as such) */
	const char	*status;	/* failed: RFC 3463 code */
	const char	*why;		/* failed: a human sentence */
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
/*
 * schedule_after_sent - WAITING when a handset report will come (reports
 * awaited: on and from a backend that gives them), else SENT, or
 * REPORT_OWED under NOTIFY=SUCCESS
 */
enum rcpt_state	 schedule_after_sent(const struct message *, uint32_t i,
		    int reports_awaited);
/* schedule_awaits_report - whether recipient i's state waits for a report */
int		 schedule_awaits_report(enum rcpt_state);
/*
 * schedule_report_deadline - when waiting recipient i next needs a look
 * (its delay notice or the end of the wait); 0 if it is not waiting
 */
int64_t		 schedule_report_deadline(const struct message *, uint32_t i,
		    const struct rcpt_status *, const struct conf *);
/* schedule_wait_check - what waiting recipient i's time brings at now */
enum wait_end	 schedule_wait_check(const struct message *, uint32_t i,
		    const struct rcpt_status *, const struct conf *, int64_t now);
/* schedule_after_delivered - REPORT_OWED under NOTIFY=SUCCESS, else SENT */
enum rcpt_state	 schedule_after_delivered(const struct message *, uint32_t i);
/* schedule_report_verdict - what report r means under the configuration */
struct report_verdict schedule_report_verdict(enum sms_report r,
		    const struct conf *);
/*
 * schedule_parts_report - a recipient's report from its parts': the first
 * final failure, else delivered when every part is, else the most
 * advanced state under way (ENROUTE), else NONE
 */
enum sms_report	 schedule_parts_report(const struct rcpt_part *, uint32_t n,
		    const struct conf *);
/* schedule_dsn_owed - the DSN recipient i owes in state s */
enum dsn_owed	 schedule_dsn_owed(const struct message *, uint32_t i,
		    enum rcpt_state);
/* schedule_is_final - nothing more will happen to recipient i in state s */
int		 schedule_is_final(const struct message *, uint32_t i,
		    enum rcpt_state);

#endif
