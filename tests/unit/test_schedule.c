/*
 * test_schedule.c - the queue's arithmetic without a queue: backoff, expiry
 * (from arrival or the scheduled time), release, and what is owed when.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/queue/schedule.h"
#include "smtpd/envelope.h"

static unsigned	 retries[] = { 60, 300, 900 };

/* conf_with - queue.retry as given, queue.lifetime of an hour */
static struct conf
conf_with(unsigned *retry, size_t n)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.queue.retry = retry;
	c.queue.nretry = n;
	c.queue.lifetime = 3600;
	return c;
}

static void
test_retry_delay(void **state)
{
	struct conf c = conf_with(retries, 3), none = conf_with(NULL, 0);

	(void)state;
	assert_int_equal(schedule_retry_delay(&c, 0), 60);
	assert_int_equal(schedule_retry_delay(&c, 1), 60);
	assert_int_equal(schedule_retry_delay(&c, 2), 300);
	assert_int_equal(schedule_retry_delay(&c, 3), 900);
	assert_int_equal(schedule_retry_delay(&c, 40), 900);
	assert_int_equal(schedule_retry_delay(&none, 5), 60);
}

static void
test_expiry_and_release(void **state)
{
	struct conf	 c = conf_with(retries, 3);
	struct message	 m = { .arrival = 1000 };

	(void)state;
	assert_int_equal(schedule_expiry(&m, &c), 4600);
	assert_int_equal(schedule_release(&m, 1000), 0);
	/* [JOBPERIOD:]: the lifetime runs from the release */
	m.not_before = 2000;
	assert_int_equal(schedule_expiry(&m, &c), 5600);
	assert_int_equal(schedule_release(&m, 1500), 2000);
	assert_int_equal(schedule_release(&m, 2000), 0);
	/* [VALIDITY:] instead of queue.lifetime */
	m.lifetime = 100;
	assert_int_equal(schedule_expiry(&m, &c), 2100);
	/* a release time in the past counts from the arrival */
	m.not_before = 500;
	assert_int_equal(schedule_expiry(&m, &c), 1100);
}

static void
test_retry(void **state)
{
	struct conf		 c = conf_with(retries, 3);
	struct message		 m = { .arrival = 1000 };
	struct rcpt_status	 st = { .state = RCPT_SENDING, .attempts = 2 };

	(void)state;
	assert_int_equal(schedule_retry(&m, &st, &c, 1010), 1310);
	/* never past the expiry, and nothing once it is reached */
	assert_int_equal(schedule_retry(&m, &st, &c, 4500), 4600);
	assert_int_equal(schedule_retry(&m, &st, &c, 4600), 0);
	assert_int_equal(schedule_retry(&m, &st, &c, 9000), 0);
}

static void
test_next_try_and_due(void **state)
{
	struct rcpt_status st[4] = {
		{ .state = RCPT_SENT, .next_try = 10 },
		{ .state = RCPT_DEFERRED, .next_try = 300 },
		{ .state = RCPT_DEFERRED, .next_try = 200 },
		{ .state = RCPT_QUEUED, .next_try = 5 },
	};

	(void)state;
	assert_int_equal(schedule_next_try(st, 4), 200);
	assert_int_equal(schedule_next_try(st, 1), 0);
	assert_int_equal(schedule_next_try(st, 0), 0);
	assert_false(schedule_due(&st[1], 299));
	assert_true(schedule_due(&st[1], 300));
	assert_false(schedule_due(&st[0], 300));
	assert_false(schedule_due(&st[3], 300));
}

/* failure notices and what each state owes, for each kind of recipient */
static void
test_owed(void **state)
{
	struct message_rcpt r[4] = {
		{ "a@x", "+1", NULL, 0 },
		{ "b@x", "+2", NULL, SMTP_NOTIFY_FAILURE },
		{ "c@x", "+3", NULL, SMTP_NOTIFY_SUCCESS },
		{ "d@x", "+4", NULL, SMTP_NOTIFY_NEVER },
	};
	struct message	 m = { .kind = MSG_SMS, .sender = "clerk@example.com",
	    .rcpts = r, .nrcpts = 4 };
	struct message	 null = m, dsn = m;

	(void)state;
	null.sender = "";
	dsn.kind = MSG_DSN;
	dsn.sender = "";
	assert_int_equal(schedule_failure_notice(&m, 0), NOTICE_DSN);
	assert_int_equal(schedule_failure_notice(&m, 1), NOTICE_DSN);
	assert_int_equal(schedule_failure_notice(&m, 2), NOTICE_NONE_NOTIFY);
	assert_int_equal(schedule_failure_notice(&m, 3), NOTICE_NONE_NOTIFY);
	assert_int_equal(schedule_failure_notice(&null, 0), NOTICE_NONE_NULL);
	assert_int_equal(schedule_failure_notice(&dsn, 0), NOTICE_NONE_DSN);

	assert_int_equal(schedule_after_sent(&m, 0, 0), RCPT_SENT);
	assert_int_equal(schedule_after_sent(&m, 2, 0), RCPT_REPORT_OWED);
	assert_int_equal(schedule_after_sent(&null, 2, 0), RCPT_SENT);
	assert_int_equal(schedule_after_sent(&dsn, 2, 0), RCPT_SENT);
	/* a report will come: wait for it, unless NOTIFY=NEVER or a DSN */
	assert_int_equal(schedule_after_sent(&m, 0, 1), RCPT_WAITING);
	assert_int_equal(schedule_after_sent(&m, 2, 1), RCPT_WAITING);
	assert_int_equal(schedule_after_sent(&m, 3, 1), RCPT_SENT);
	assert_int_equal(schedule_after_sent(&dsn, 2, 1), RCPT_SENT);
	assert_int_equal(schedule_after_delivered(&m, 2), RCPT_REPORT_OWED);
	assert_int_equal(schedule_after_delivered(&m, 1), RCPT_SENT);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_DELAY_OWED),
	    DSN_DELAYED);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_WAITING), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_DELAYED), DSN_NONE);

	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_FAILED), DSN_FAILED);
	assert_int_equal(schedule_dsn_owed(&m, 2, RCPT_FAILED), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&null, 0, RCPT_FAILED), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&dsn, 0, RCPT_FAILED), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&m, 2, RCPT_REPORT_OWED),
	    DSN_RELAYED);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_SENT), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_BOUNCED), DSN_NONE);
	assert_int_equal(schedule_dsn_owed(&m, 0, RCPT_DEFERRED), DSN_NONE);
}

static void
test_final(void **state)
{
	struct message_rcpt r[2] = {
		{ "a@x", "+1", NULL, 0 },
		{ "b@x", "+2", NULL, SMTP_NOTIFY_NEVER },
	};
	struct message	 m = { .kind = MSG_SMS, .sender = "clerk@example.com",
	    .rcpts = r, .nrcpts = 2 };
	struct message	 null = m;

	(void)state;
	null.sender = "";
	assert_true(schedule_is_final(&m, 0, RCPT_SENT));
	assert_true(schedule_is_final(&m, 0, RCPT_BOUNCED));
	/* a failure is final once no DSN is owed for it */
	assert_false(schedule_is_final(&m, 0, RCPT_FAILED));
	assert_true(schedule_is_final(&m, 1, RCPT_FAILED));
	assert_true(schedule_is_final(&null, 0, RCPT_FAILED));
	assert_false(schedule_is_final(&m, 0, RCPT_REPORT_OWED));
	assert_false(schedule_is_final(&m, 0, RCPT_QUEUED));
	assert_false(schedule_is_final(&m, 0, RCPT_SENDING));
	assert_false(schedule_is_final(&m, 0, RCPT_DEFERRED));
	assert_false(schedule_is_final(&m, 0, RCPT_WAITING));
	assert_false(schedule_is_final(&m, 0, RCPT_DELAY_OWED));
	assert_false(schedule_is_final(&m, 0, RCPT_DELAYED));
}

/* what each report means: reports.md's table, and the unknown policy */
static void
test_report_verdict(void **state)
{
	struct conf		 c = { 0 };
	struct report_verdict	 v;

	(void)state;
	assert_false(schedule_report_verdict(SMS_REPORT_NONE, &c).final);
	assert_false(schedule_report_verdict(SMS_REPORT_ENROUTE, &c).final);
	v = schedule_report_verdict(SMS_REPORT_DELIVERED, &c);
	assert_true(v.final && v.delivered);
	v = schedule_report_verdict(SMS_REPORT_UNDELIVERABLE, &c);
	assert_true(v.final && !v.delivered);
	assert_string_equal(v.status, "5.1.1");
	assert_string_equal(schedule_report_verdict(SMS_REPORT_REJECTED,
	    &c).status, "5.7.1");
	assert_string_equal(schedule_report_verdict(SMS_REPORT_EXPIRED,
	    &c).status, "5.4.7");
	assert_string_equal(schedule_report_verdict(SMS_REPORT_UNKNOWN,
	    &c).status, "5.0.0");
	c.reports.unknown = REPORT_UNKNOWN_DELIVERED;
	v = schedule_report_verdict(SMS_REPORT_UNKNOWN, &c);
	assert_true(v.final && v.delivered);
}

/* a multi-part SMS: delivered when every part is, failed when any fails */
static void
test_parts_report(void **state)
{
	struct conf		 c = { 0 };
	struct rcpt_part	 p[3] = { { NULL, SMS_REPORT_NONE },
	    { NULL, SMS_REPORT_NONE }, { NULL, SMS_REPORT_NONE } };

	(void)state;
	assert_int_equal(schedule_parts_report(p, 3, &c), SMS_REPORT_NONE);
	p[0].report = SMS_REPORT_ENROUTE;
	assert_int_equal(schedule_parts_report(p, 3, &c), SMS_REPORT_ENROUTE);
	p[0].report = SMS_REPORT_DELIVERED;
	p[1].report = SMS_REPORT_DELIVERED;
	assert_int_equal(schedule_parts_report(p, 3, &c), SMS_REPORT_ENROUTE);
	p[2].report = SMS_REPORT_DELIVERED;
	assert_int_equal(schedule_parts_report(p, 3, &c),
	    SMS_REPORT_DELIVERED);
	p[1].report = SMS_REPORT_EXPIRED;
	assert_int_equal(schedule_parts_report(p, 3, &c), SMS_REPORT_EXPIRED);
	p[1].report = SMS_REPORT_UNKNOWN;
	assert_int_equal(schedule_parts_report(p, 3, &c), SMS_REPORT_UNKNOWN);
	c.reports.unknown = REPORT_UNKNOWN_DELIVERED;
	assert_int_equal(schedule_parts_report(p, 3, &c),
	    SMS_REPORT_DELIVERED);
	assert_int_equal(schedule_parts_report(p, 0, &c), SMS_REPORT_NONE);
}

/* the wait for a report: one delay notice for NOTIFY=DELAY, then its end */
static void
test_report_wait(void **state)
{
	struct message_rcpt r[2] = {
		{ "a@x", "+1", NULL, SMTP_NOTIFY_DELAY | SMTP_NOTIFY_FAILURE },
		{ "b@x", "+2", NULL, 0 },
	};
	struct message	 m = { .kind = MSG_SMS, .sender = "clerk@example.com",
	    .rcpts = r, .nrcpts = 2 };
	struct conf	 c = { 0 };
	struct rcpt_status st = { .state = RCPT_WAITING, .sent_at = 1000 };

	(void)state;
	c.reports.wait = 72 * 3600;
	c.reports.delay_after = 4 * 3600;
	assert_int_equal(schedule_report_deadline(&m, 0, &st, &c),
	    1000 + 4 * 3600);
	assert_int_equal(schedule_report_deadline(&m, 1, &st, &c),
	    1000 + 72 * 3600);
	assert_int_equal(schedule_wait_check(&m, 0, &st, &c, 1000 + 3600),
	    WAIT_ON);
	assert_int_equal(schedule_wait_check(&m, 0, &st, &c,
	    1000 + 4 * 3600), WAIT_DELAY_NOTICE);
	assert_int_equal(schedule_wait_check(&m, 1, &st, &c,
	    1000 + 4 * 3600), WAIT_ON);
	assert_int_equal(schedule_wait_check(&m, 0, &st, &c,
	    1000 + 72 * 3600), WAIT_OVER);
	st.state = RCPT_DELAYED;
	assert_int_equal(schedule_report_deadline(&m, 0, &st, &c),
	    1000 + 72 * 3600);
	assert_int_equal(schedule_wait_check(&m, 0, &st, &c,
	    1000 + 5 * 3600), WAIT_ON);
	st.state = RCPT_SENT;
	assert_int_equal(schedule_report_deadline(&m, 0, &st, &c), 0);
	assert_int_equal(schedule_wait_check(&m, 0, &st, &c,
	    1000 + 99 * 3600), WAIT_ON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_delay),
		cmocka_unit_test(test_expiry_and_release),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_next_try_and_due),
		cmocka_unit_test(test_owed),
		cmocka_unit_test(test_final),
		cmocka_unit_test(test_report_verdict),
		cmocka_unit_test(test_parts_report),
		cmocka_unit_test(test_report_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
