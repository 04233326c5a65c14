/*
 * schedule.c - when a recipient is tried again, when its message expires,
 * and what is owed to the sender; functions of their arguments alone.
 */
#include "smtpd/queue/schedule.h"
#include "smtpd/envelope.h"

/* the backoff without queue.retry: a minute, every time */
#define RETRY_DEFAULT	60

/* schedule_retry_delay - the n-th delay of queue.retry; the last repeats */
unsigned
schedule_retry_delay(const struct conf *c, uint32_t attempts)
{
	size_t i;

	if (c->queue.nretry == 0)
		return RETRY_DEFAULT;
	i = attempts == 0 ? 0 : attempts - 1;
	if (i >= c->queue.nretry)
		i = c->queue.nretry - 1;
	return c->queue.retry[i];
}

/* schedule_expiry - a scheduled message's lifetime starts at its release */
int64_t
schedule_expiry(const struct message *m, const struct conf *c)
{
	int64_t start = m->not_before > m->arrival ? m->not_before : m->arrival;

	return start + (int64_t)(m->lifetime ? m->lifetime : c->queue.lifetime);
}

/* schedule_release - see schedule.h */
int64_t
schedule_release(const struct message *m, int64_t now)
{
	return m->not_before > now ? m->not_before : 0;
}

/* schedule_retry - see schedule.h */
int64_t
schedule_retry(const struct message *m, const struct rcpt_status *st,
    const struct conf *c, int64_t now)
{
	int64_t	 expiry = schedule_expiry(m, c), next;

	if (now >= expiry)
		return 0;
	next = now + schedule_retry_delay(c, st->attempts);
	return next < expiry ? next : expiry;
}

/* schedule_next_try - see schedule.h */
int64_t
schedule_next_try(const struct rcpt_status *st, uint32_t n)
{
	int64_t	 next = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		if ((st[i].state == RCPT_DEFERRED || st[i].state == RCPT_HELD) &&
		    (next == 0 || st[i].next_try < next))
			next = st[i].next_try;
	return next;
}

/* schedule_due - see schedule.h */
int
schedule_due(const struct rcpt_status *st, int64_t now)
{
	return (st->state == RCPT_DEFERRED || st->state == RCPT_HELD) &&
	    st->next_try <= now;
}

/* schedule_failure_notice - RFC 3461 4.1: no NOTIFY means FAILURE, DELAY */
enum fail_notice
schedule_failure_notice(const struct message *m, uint32_t i)
{
	uint8_t notify = m->rcpts[i].notify;

	if (m->kind == MSG_DSN)
		return NOTICE_NONE_DSN;
	if (m->sender[0] == '\0')
		return NOTICE_NONE_NULL;
	if (notify != 0 && (notify & SMTP_NOTIFY_FAILURE) == 0)
		return NOTICE_NONE_NOTIFY;
	return NOTICE_DSN;
}

/* schedule_after_delivered - see schedule.h */
enum rcpt_state
schedule_after_delivered(const struct message *m, uint32_t i)
{
	if (m->kind == MSG_SMS && m->sender[0] != '\0' &&
	    (m->rcpts[i].notify & SMTP_NOTIFY_SUCCESS))
		return RCPT_REPORT_OWED;
	return RCPT_SENT;
}

/* schedule_after_sent - see schedule.h; NOTIFY=NEVER asks for no report */
enum rcpt_state
schedule_after_sent(const struct message *m, uint32_t i, int reports_awaited)
{
	if (reports_awaited && m->kind == MSG_SMS &&
	    m->rcpts[i].notify != SMTP_NOTIFY_NEVER)
		return RCPT_WAITING;
	return schedule_after_delivered(m, i);
}

/* schedule_awaits_report - see schedule.h */
int
schedule_awaits_report(enum rcpt_state s)
{
	return s == RCPT_WAITING || s == RCPT_DELAY_OWED || s == RCPT_DELAYED;
}

/* wants_delay_notice - NOTIFY=DELAY asked for, a sender to tell */
static int
wants_delay_notice(const struct message *m, uint32_t i)
{
	return m->sender[0] != '\0' &&
	    (m->rcpts[i].notify & SMTP_NOTIFY_DELAY) != 0;
}

/* schedule_report_deadline - see schedule.h */
int64_t
schedule_report_deadline(const struct message *m, uint32_t i,
    const struct rcpt_status *st, const struct conf *c)
{
	int64_t	 over = st->sent_at + (int64_t)c->reports.wait,
		 delay = st->sent_at + (int64_t)c->reports.delay_after;

	if (st->state == RCPT_WAITING && wants_delay_notice(m, i) &&
	    delay < over)
		return delay;
	return schedule_awaits_report(st->state) ? over : 0;
}

/* schedule_wait_check - see schedule.h */
enum wait_end
schedule_wait_check(const struct message *m, uint32_t i,
    const struct rcpt_status *st, const struct conf *c, int64_t now)
{
	if (!schedule_awaits_report(st->state))
		return WAIT_ON;
	if (now >= st->sent_at + (int64_t)c->reports.wait)
		return WAIT_OVER;
	if (st->state == RCPT_WAITING && wants_delay_notice(m, i) &&
	    now >= st->sent_at + (int64_t)c->reports.delay_after)
		return WAIT_DELAY_NOTICE;
	return WAIT_ON;
}

/* schedule_report_verdict - reports.md: what the sender is told */
struct report_verdict
schedule_report_verdict(enum sms_report r, const struct conf *c)
{
	struct report_verdict v = { 1, 0, NULL, NULL };

	switch (r) {
	case SMS_REPORT_NONE:
	case SMS_REPORT_ENROUTE:
		v.final = 0;
		break;
	case SMS_REPORT_DELIVERED:
		v.delivered = 1;
		break;
	case SMS_REPORT_EXPIRED:
		v.status = "5.4.7";
		v.why = "the SMS expired before the phone could take it";
		break;
	case SMS_REPORT_UNDELIVERABLE:
		v.status = "5.1.1";
		v.why = "the number is unknown or cannot be reached";
		break;
	case SMS_REPORT_REJECTED:
		v.status = "5.7.1";
		v.why = "the SMS was blocked by the provider or the carrier";
		break;
	case SMS_REPORT_UNKNOWN:
		if (c->reports.unknown == REPORT_UNKNOWN_DELIVERED) {
			v.delivered = 1;
			break;
		}
		v.status = "5.0.0";
		v.why = "the provider reports an unknown final state";
		break;
	}
	return v;
}

/* schedule_parts_report - see schedule.h */
enum sms_report
schedule_parts_report(const struct rcpt_part *p, uint32_t n,
    const struct conf *c)
{
	struct report_verdict	 v;
	uint32_t		 i, delivered = 0, enroute = 0;

	for (i = 0; i < n; i++) {
		v = schedule_report_verdict(p[i].report, c);
		if (v.final && !v.delivered)
			return p[i].report;
		if (v.delivered)
			delivered++;
		else if (p[i].report != SMS_REPORT_NONE)
			enroute++;
	}
	if (n > 0 && delivered == n)
		return SMS_REPORT_DELIVERED;
	return delivered + enroute > 0 ? SMS_REPORT_ENROUTE : SMS_REPORT_NONE;
}

/* schedule_dsn_owed - see schedule.h */
enum dsn_owed
schedule_dsn_owed(const struct message *m, uint32_t i, enum rcpt_state s)
{
	if (s == RCPT_REPORT_OWED)
		return DSN_RELAYED;
	if (s == RCPT_DELAY_OWED)
		return DSN_DELAYED;
	if (s == RCPT_FAILED && schedule_failure_notice(m, i) == NOTICE_DSN)
		return DSN_FAILED;
	return DSN_NONE;
}

/* schedule_is_final - sent, bounced, or failed with no DSN to make */
int
schedule_is_final(const struct message *m, uint32_t i, enum rcpt_state s)
{
	if (s == RCPT_SENT || s == RCPT_BOUNCED)
		return 1;
	return s == RCPT_FAILED && schedule_dsn_owed(m, i, s) == DSN_NONE;
}
