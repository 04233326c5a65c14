/*
 * test_bounce.c - the DSN of a queued message's recipients: what each
 * recipient's state makes of its block (failed with its status and reason,
 * relayed with the provider's id), from a queue view alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/queue/bounce.h"

#define NOW	1700000100	/* Tue, 14 Nov 2023 22:15:00 +0000 */

static const char headers[] =
    "From: clerk@example.com\r\nSubject: Pickup\r\n\r\n";

static const struct message_rcpt rcpts[3] = {
	{ "+4917012345678@sms.example.com", "+4917012345678",
	  "rfc822;pickup@example.com", 0 },
	{ "+4366412345678@sms.example.com", "+4366412345678", NULL, 0 },
	{ "+4179123456@sms.example.com", "+4179123456", NULL, 2 },
};

static const struct message msg = { .kind = MSG_SMS, .arrival = 1700000000,
	.sender = "clerk@example.com", .client = "127.0.0.1", .helo = "pc1",
	.envid = "ENV-7", .text = "Pickup: ready", .parts = 1,
	.headers = headers, .headers_len = sizeof(headers) - 1,
	.rcpts = rcpts, .nrcpts = 3 };

/* an SMSC and Twilio: the types of their words in Diagnostic-Code */
static struct backend_conf backends[2] = {
	{ .name = "smsc1", .type = BACKEND_SMPP },
	{ .name = "tw", .type = BACKEND_HTTP, .http = { .profile = "twilio" } },
};

/* compose - the DSN for recipients idx of a message in states st */
static char *
compose(const struct rcpt_status *st, const uint32_t *idx, size_t n)
{
	struct conf		 conf;
	struct queue_view	 v = { "0006452A1F9C3B00", &msg, st };
	size_t			 len;
	char			*out;

	memset(&conf, 0, sizeof(conf));
	conf.hostname = "sms.example.com";
	conf.backends = backends;
	conf.nbackends = 2;
	out = bounce_compose(&conf, &v, idx, n, NOW, &len);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

/* has - is s in the DSN? */
static void
has(const char *dsn, const char *s)
{
	if (strstr(dsn, s) == NULL)
		fail_msg("DSN lacks \"%s\":\n%s", s, dsn);
}

static void
test_failed(void **state)
{
	struct rcpt_status st[3] = {
		{ .state = RCPT_FAILED, .attempts = 1, .last_try = 1700000050,
		  .reason = "HTTP 400: invalid To (code 21211)",
		  .status = "5.1.1" },
		{ .state = RCPT_FAILED, .attempts = 3 },
		{ .state = RCPT_SENT },
	};
	uint32_t idx[] = { 0, 1 };
	char	*dsn;

	(void)state;
	dsn = compose(st, idx, 2);
	has(dsn, "To: <clerk@example.com>\r\n");
	has(dsn, "Subject: Undelivered SMS: +4917012345678 and 1 more\r\n");
	has(dsn, "From: Mail Delivery System "
	    "<MAILER-DAEMON@sms.example.com>\r\n");
	has(dsn, "Reporting-MTA: dns; sms.example.com\r\n");
	has(dsn, "Original-Envelope-Id: ENV-7\r\n");
	has(dsn, "Arrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n");
	has(dsn, "Original-Recipient: rfc822;pickup@example.com\r\n"
	    "Final-Recipient: rfc822; +4917012345678@sms.example.com\r\n"
	    "Action: failed\r\nStatus: 5.1.1\r\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 HTTP 400: invalid To "
	    "(code 21211)\r\n"
	    "Last-Attempt-Date: Tue, 14 Nov 2023 22:14:10 +0000\r\n");
	/* no status, reason or answer: 5.0.0, "delivery failed", now */
	has(dsn, "Final-Recipient: rfc822; +4366412345678@sms.example.com\r\n"
	    "Action: failed\r\nStatus: 5.0.0\r\n"
	    "Diagnostic-Code: smtp; 550 5.0.0 delivery failed\r\n"
	    "Last-Attempt-Date: Tue, 14 Nov 2023 22:15:00 +0000\r\n");
	/* the recipients not asked for stay out */
	assert_null(strstr(dsn, "+4179123456@"));
	/* the original headers come back */
	has(dsn, "Subject: Pickup\r\n");
	free(dsn);
}

/* NOTIFY=SUCCESS: "relayed", 2.0.0, the provider's id as the diagnostic */
static void
test_relayed(void **state)
{
	struct rcpt_status st[3] = {
		{ .state = RCPT_SENT },
		{ .state = RCPT_SENT },
		{ .state = RCPT_REPORT_OWED, .attempts = 1,
		  .last_try = 1700000060, .provider_id = "SM12" },
	};
	uint32_t idx[] = { 2 };
	char	*dsn;

	(void)state;
	dsn = compose(st, idx, 1);
	has(dsn, "Final-Recipient: rfc822; +4179123456@sms.example.com\r\n"
	    "Action: relayed\r\nStatus: 2.0.0\r\n"
	    "Diagnostic-Code: smtp; 250 2.0.0 SM12\r\n"
	    "Last-Attempt-Date: Tue, 14 Nov 2023 22:14:20 +0000\r\n");
	assert_null(strstr(dsn, "Action: failed"));
	free(dsn);
}

/*
 * delivery reports: "delivered" with the handset time and the SMSC's
 * words as X-SMPP, a Twilio failure as X-Twilio with its 5.1.1, a delay
 */
static void
test_reported(void **state)
{
	struct rcpt_status st[3] = {
		{ .state = RCPT_REPORT_OWED, .attempts = 1,
		  .last_try = 1700000010, .provider_id = "0A1B",
		  .backend = "smsc1", .report = SMS_REPORT_DELIVERED,
		  .report_time = 1700000040,
		  .report_status = "stat:DELIVRD err:000" },
		{ .state = RCPT_FAILED, .attempts = 1, .status = "5.1.1",
		  .reason = "the number is unknown or cannot be reached",
		  .backend = "tw", .report = SMS_REPORT_UNDELIVERABLE,
		  .report_time = 1700000050, .report_status = "undelivered 30003" },
		{ .state = RCPT_DELAY_OWED, .attempts = 1, .backend = "smsc1",
		  .report = SMS_REPORT_ENROUTE, .report_time = 1700000060,
		  .report_status = "stat:ENROUTE err:000" },
	};
	uint32_t one[] = { 0 }, all[] = { 0, 1, 2 };
	char	*dsn;

	(void)state;
	dsn = compose(st, one, 1);
	has(dsn, "Subject: Delivery Status Notification (Success)\r\n");
	has(dsn, "Original-Recipient: rfc822;pickup@example.com\r\n"
	    "Final-Recipient: rfc822; +4917012345678@sms.example.com\r\n"
	    "Action: delivered\r\nStatus: 2.0.0\r\n"
	    "Remote-MTA: x-backend; smsc1\r\n"
	    "Diagnostic-Code: X-SMPP; stat:DELIVRD err:000\r\n"
	    "Last-Attempt-Date: Tue, 14 Nov 2023 22:14:00 +0000\r\n");
	has(dsn, "delivered as SMS to the phones");
	free(dsn);

	dsn = compose(st, all, 3);
	has(dsn, "Final-Recipient: rfc822; +4366412345678@sms.example.com\r\n"
	    "Action: failed\r\nStatus: 5.1.1\r\n"
	    "Remote-MTA: x-backend; tw\r\n"
	    "Diagnostic-Code: X-Twilio; undelivered 30003\r\n");
	has(dsn, "Reason: the number is unknown or cannot be reached\r\n"
	    "    The provider said: undelivered 30003\r\n");
	has(dsn, "Final-Recipient: rfc822; +4179123456@sms.example.com\r\n"
	    "Action: delayed\r\nStatus: 4.4.7\r\n"
	    "Remote-MTA: x-backend; smsc1\r\n"
	    "Diagnostic-Code: X-SMPP; stat:ENROUTE err:000\r\n");
	free(dsn);

	/* words that name their type keep it; no report yet: no words */
	st[0].report_status = "X-Custom; DELIVERED";
	st[2].report = SMS_REPORT_NONE;
	st[2].report_status = NULL;
	dsn = compose(st, all, 3);
	has(dsn, "Diagnostic-Code: X-Custom; DELIVERED\r\n");
	has(dsn, "Action: delayed\r\nStatus: 4.4.7\r\n"
	    "Remote-MTA: x-backend; smsc1\r\nLast-Attempt-Date: ");
	free(dsn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_relayed),
		cmocka_unit_test(test_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
