/*
 * test_check.c - the policy checks as verdicts (each reply to the letter),
 * verdicts read from whole reply lines, the counters each stage asks the
 * limiter about and charges, and the run of checks that may answer later:
 * at once, later, cancelled, against the in-process counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/intake/check.h"
#include "smtpd/intake/limits.h"
#include "smtpd/intake/tx.h"
#include "smtpd/policy/limiter.h"
#include "smtpd/server.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define NUMBER		"+4917012345678"
#define NUMBER2		"+4917012345679"

static char *clerk_senders[] = { "clerk@example.com" };
static char *clerk_prefixes[] = { "+43" };
static char *domains[] = { "sms.example" };

static struct user_conf users[] = {
	{ .name = "clerk", .senders = clerk_senders,
	    .nsenders = NITEMS(clerk_senders) },
	{ .name = "austria", .allow_prefixes = clerk_prefixes,
	    .nallow_prefixes = NITEMS(clerk_prefixes),
	    .limits = { 5, 0 } },
};

/* What the recording limiter saw and will say. */
struct fake {
	struct limit_ask	 asks[8];	/* of the last check */
	size_t			 nasks;
	unsigned		 checks;
	struct limit_ask	 charged[8];
	size_t			 ncharged;
	unsigned		 cancels;
	bool			 later;		/* answer LIMIT_LATER */
	struct limit_answer	 answer;
	limit_done_cb		*cb;		/* of a check answering later */
	void			*cb_arg;
};

struct fixture {
	struct conf		 conf;
	struct server		 srv;
	struct fake		 fake;
	struct smtp_tx		 tx;
	struct verdict		 answered;	/* what check_later's cb got */
	unsigned		 answers;
};

/* fake_check - remember the asks; answer as told */
static enum limit_when
fake_check(void *self, const struct limit_ask *asks, size_t n,
    struct limit_answer *now, limit_done_cb *cb, void *arg,
    struct limit_request **req)
{
	struct fake *f = self;

	f->checks++;
	f->nasks = n < NITEMS(f->asks) ? n : NITEMS(f->asks);
	memcpy(f->asks, asks, f->nasks * sizeof(*asks));
	if (!f->later) {
		*now = f->answer;
		return LIMIT_NOW;
	}
	f->cb = cb;
	f->cb_arg = arg;
	*req = (struct limit_request *)f;
	return LIMIT_LATER;
}

static void
fake_cancel(void *self, struct limit_request *req)
{
	struct fake *f = self;

	assert_ptr_equal(req, f);
	f->cancels++;
	f->cb = NULL;
}

static void
fake_charge(void *self, const struct limit_ask *asks, size_t n)
{
	struct fake *f = self;

	assert_int_equal(n, 1);
	assert_true(f->ncharged < NITEMS(f->charged));
	f->charged[f->ncharged++] = asks[0];
}

static const struct limiter_ops fake_ops = {
	fake_check, fake_cancel, fake_charge, NULL
};

/* fake_answer - the limiter's later answer, as the loop would give it */
static void
fake_answer(struct fake *f, const char *which, size_t ask)
{
	struct limit_answer a = { which, ask };
	limit_done_cb	*cb = f->cb;

	assert_non_null(cb);
	f->cb = NULL;
	cb(f->cb_arg, &a);
}

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->conf.domains = domains;
	fx->conf.ndomains = NITEMS(domains);
	fx->conf.users = users;
	fx->conf.nusers = NITEMS(users);
	fx->conf.smtp.max_recipients = 2;
	fx->conf.smtp.max_message_size = 1000;
	fx->srv.conf = &fx->conf;
	if ((fx->srv.limiter = limiter_new(&fake_ops, &fx->fake)) == NULL)
		return -1;
	fx->tx = (struct smtp_tx){ .srv = &fx->srv, .sid = 7,
	    .client = "192.0.2.1", .helo = "client.example", .relay_ok = true };
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	tx_free(&fx->tx);
	limiter_free(fx->srv.limiter);
	free(fx);
	return 0;
}

/* expect_verdict - a refusal, to the letter; code 0: none */
static void
expect_verdict(int rc, const struct verdict *v, int code,
    const char *enhanced, const char *text)
{
	if (code == 0) {
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(v->code, code);
	assert_string_equal(v->enhanced, enhanced);
	assert_string_equal(v->text, text);
}

/* test_verdicts - set with a format, read from a reply line, malformed */
static void
test_verdicts(void **state)
{
	struct verdict v;

	(void)state;
	verdict_none(&v);
	assert_int_equal(v.code, 0);
	assert_int_equal(verdict_set(&v, 553, "5.7.1", "<%s>: no", "a@b"), -1);
	assert_string_equal(v.text, "<a@b>: no");
	assert_false(v.server_fault);
	assert_int_equal(verdict_parse(&v, "550 5.6.0 Message has no text to "
	    "send as SMS (empty body, or only attachments)"), -1);
	expect_verdict(-1, &v, 550, "5.6.0", "Message has no text to send as "
	    "SMS (empty body, or only attachments)");
	verdict_parse(&v, "451 4.3.0 Error: out of memory, try again later");
	expect_verdict(-1, &v, 451, "4.3.0",
	    "Error: out of memory, try again later");
	verdict_parse(&v, "garbage");
	expect_verdict(-1, &v, 451, "4.3.0", "Error: garbage");
}

/* test_client - relay networks or AUTH, and AUTH where the listener says */
static void
test_client(void **state)
{
	static const struct {
		const char	*user;
		bool		 relay_ok, auth_required;
		int		 code;
	} cases[] = {
		{ NULL, true, false, 0 },
		{ NULL, false, false, 530 },
		{ NULL, true, true, 530 },
		{ "clerk", false, true, 0 },
	};
	struct fixture	*fx = *state;
	struct verdict	 v;
	size_t		 i;

	for (i = 0; i < NITEMS(cases); i++) {
		fx->tx.user = cases[i].user;
		fx->tx.relay_ok = cases[i].relay_ok;
		fx->tx.auth_required = cases[i].auth_required;
		expect_verdict(check_client(&fx->tx, &v), &v, cases[i].code,
		    "5.7.0", "Authentication required");
	}
}

/* test_sender - SIZE over the limit, addresses the user does not own */
static void
test_sender(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;

	expect_verdict(check_sender(&fx->tx, "anyone@example.org", 1000, &v),
	    &v, 0, NULL, NULL);
	expect_verdict(check_sender(&fx->tx, "anyone@example.org", 1001, &v),
	    &v, 552, "5.3.4", "Message size exceeds fixed limit");
	fx->tx.user = "clerk";
	expect_verdict(check_sender(&fx->tx, "clerk@example.com", 10, &v), &v,
	    0, NULL, NULL);
	expect_verdict(check_sender(&fx->tx, "boss@example.com", 10, &v), &v,
	    553, "5.7.1", "<boss@example.com>: Sender address rejected: not "
	    "owned by user clerk");
}

/* test_rcpt - relaying, the number, the user's prefixes, the count */
static void
test_rcpt(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;
	char		 e164[E164_MAX + 1], want[200];
	const char	*bad = "12ab@sms.example";

	expect_verdict(check_rcpt(&fx->tx, NUMBER "@sms.example",
	    strlen(NUMBER "@sms.example"), e164, &v), &v, 0, NULL, NULL);
	assert_string_equal(e164, NUMBER);
	expect_verdict(check_rcpt(&fx->tx, NUMBER "@other.example",
	    strlen(NUMBER "@other.example"), e164, &v), &v, 554, "5.7.1",
	    "<" NUMBER "@other.example>: Relay access denied");
	/* the length bounds the address */
	expect_verdict(check_rcpt(&fx->tx, NUMBER "@sms.example.org",
	    strlen(NUMBER "@sms.example"), e164, &v), &v, 0, NULL, NULL);
	expect_verdict(check_rcpt(&fx->tx, "postmaster", 10, e164, &v), &v,
	    554, "5.7.1", "<postmaster>: Relay access denied");
	snprintf(want, sizeof(want), "<%s>: Recipient address rejected: %s",
	    bad, number_strerror(number_parse("12ab", 4, NULL, e164)));
	expect_verdict(check_rcpt(&fx->tx, bad, strlen(bad), e164, &v), &v,
	    550, "5.1.1", want);
	fx->tx.relay_ok = false;
	expect_verdict(check_rcpt(&fx->tx, NUMBER "@sms.example",
	    strlen(NUMBER "@sms.example"), e164, &v), &v, 554, "5.7.1",
	    "<" NUMBER "@sms.example>: Relay access denied");
	fx->tx.user = "austria";
	expect_verdict(check_rcpt(&fx->tx, NUMBER "@sms.example",
	    strlen(NUMBER "@sms.example"), e164, &v), &v, 550, "5.7.1",
	    "<" NUMBER "@sms.example>: Recipient address rejected: user "
	    "austria may not send to " NUMBER);
	fx->tx.user = "clerk";
	assert_int_equal(tx_add_rcpt(&fx->tx, "a", 1, NUMBER, NULL, 0), 0);
	assert_int_equal(tx_add_rcpt(&fx->tx, "b", 1, NUMBER2, "rfc822;b", 0),
	    0);
	expect_verdict(check_rcpt(&fx->tx, NUMBER "@sms.example",
	    strlen(NUMBER "@sms.example"), e164, &v), &v, 452, "4.5.3",
	    "Error: too many recipients");
}

/* set_data - the message of the transaction */
static void
set_data(struct smtp_tx *tx, const char *msg)
{
	tx->data.len = 0;
	assert_int_equal(buf_reserve(&tx->data, strlen(msg)), 0);
	memcpy(tx->data.s, msg, strlen(msg));
	tx->data.len = strlen(msg);
}

/* test_originators - the header's From: and Sender: against the user */
static void
test_originators(void **state)
{
	static const struct {
		const char	*msg;
		int		 code;
		const char	*text;
	} cases[] = {
		{ "From: clerk@example.com\r\n\r\nhi\r\n", 0, NULL },
		{ "From: Boss <boss@example.com>\r\n\r\nhi\r\n", 550,
		    "Header From: <boss@example.com> not owned by user clerk" },
		{ "From: clerk@example.com\r\nSender: x@example.net\r\n\r\n"
		    "hi\r\n", 550,
		    "Header Sender: <x@example.net> not owned by user clerk" },
		{ "From: clerk@example.com\r\nFrom: clerk@example.com\r\n\r\n"
		    "hi\r\n", 550, "Error: more than one From: header" },
		{ "Subject: none\r\n\r\nhi\r\n", 550,
		    "Header From: <> not owned by user clerk" },
	};
	struct fixture	*fx = *state;
	struct verdict	 v;
	size_t		 i;

	set_data(&fx->tx, cases[1].msg);
	expect_verdict(check_originators(&fx->tx, &v), &v, 0, NULL, NULL);
	fx->tx.user = "clerk";
	for (i = 0; i < NITEMS(cases); i++) {
		set_data(&fx->tx, cases[i].msg);
		expect_verdict(check_originators(&fx->tx, &v), &v,
		    cases[i].code, "5.7.1", cases[i].text);
	}
}

/* expect_ask - one counter as asked or charged */
static void
expect_ask(const struct limit_ask *a, enum rl_scope scope, const char *key,
    unsigned messages, unsigned parts)
{
	assert_int_equal(a->scope, scope);
	assert_string_equal(a->key, key);
	assert_int_equal(a->messages, messages);
	assert_int_equal(a->parts, parts);
}

/* later_cb - check_later's answer */
static void
later_cb(void *arg, const struct verdict *v)
{
	struct fixture *fx = arg;

	fx->answered = *v;
	fx->answers++;
}

/* test_stage_asks - the counters of MAIL, RCPT, end of DATA, the charge */
static void
test_stage_asks(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;

	/* no limit set: the limiter is not asked */
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_NOW);
	assert_int_equal(v.code, 0);
	assert_int_equal(fx->fake.checks, 0);
	fx->conf.limits.client.messages_per_minute = 3;
	fx->conf.limits.number.parts_per_day = 10;
	fx->conf.limits.user.parts_per_day = 100;
	fx->tx.user = "austria";
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_NOW);
	assert_int_equal(fx->fake.nasks, 2);
	expect_ask(&fx->fake.asks[0], RL_USER, "austria", 1, 0);
	assert_int_equal(fx->fake.asks[0].limits.messages_per_minute, 5);
	assert_int_equal(fx->fake.asks[0].limits.parts_per_day, 100);
	expect_ask(&fx->fake.asks[1], RL_CLIENT, "192.0.2.1", 1, 0);
	assert_int_equal(tx_add_rcpt(&fx->tx, "a", 1, NUMBER, NULL, 0), 0);
	assert_int_equal(tx_add_rcpt(&fx->tx, "b", 1, NUMBER2, NULL, 0), 0);
	check_later(&fx->tx.check, &fx->tx, CHECK_RCPT, &v, later_cb, fx);
	assert_int_equal(fx->fake.nasks, 1);
	expect_ask(&fx->fake.asks[0], RL_NUMBER, NUMBER2, 1, 0);
	fx->tx.parts = 3;
	check_later(&fx->tx.check, &fx->tx, CHECK_DATA, &v, later_cb, fx);
	assert_int_equal(fx->fake.nasks, 4);
	expect_ask(&fx->fake.asks[0], RL_USER, "austria", 0, 6);
	expect_ask(&fx->fake.asks[1], RL_CLIENT, "192.0.2.1", 0, 6);
	expect_ask(&fx->fake.asks[2], RL_NUMBER, NUMBER, 0, 3);
	expect_ask(&fx->fake.asks[3], RL_NUMBER, NUMBER2, 0, 3);
	limits_charge(&fx->tx);
	assert_int_equal(fx->fake.ncharged, 4);
	expect_ask(&fx->fake.charged[0], RL_USER, "austria", 1, 6);
	expect_ask(&fx->fake.charged[1], RL_CLIENT, "192.0.2.1", 1, 6);
	expect_ask(&fx->fake.charged[2], RL_NUMBER, NUMBER, 1, 3);
	expect_ask(&fx->fake.charged[3], RL_NUMBER, NUMBER2, 1, 3);
	assert_int_equal(fx->answers, 0);
}

/* test_refusal_now - an answer at once names the limit, value and key */
static void
test_refusal_now(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;

	fx->conf.limits.client.messages_per_minute = 3;
	fx->conf.limits.number.parts_per_day = 10;
	assert_int_equal(tx_add_rcpt(&fx->tx, "a", 1, NUMBER, NULL, 0), 0);
	fx->tx.parts = 11;
	fx->fake.answer = (struct limit_answer){ "SMS parts per day", 1 };
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_DATA, &v,
	    later_cb, fx), CHECK_NOW);
	expect_verdict(-1, &v, 450, "4.7.1", "Error: rate limit of 10 SMS "
	    "parts per day reached for number " NUMBER ", try again later");
	assert_false(v.server_fault);
	fx->fake.answer = (struct limit_answer){ "messages per minute", 0 };
	check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v, later_cb, fx);
	expect_verdict(-1, &v, 450, "4.7.1", "Error: rate limit of 3 messages "
	    "per minute reached for client 192.0.2.1, try again later");
	assert_int_equal(fx->answers, 0);
}

/* test_later - an answer from the loop, never from inside check_later */
static void
test_later(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;

	fx->conf.limits.client.messages_per_minute = 3;
	fx->fake.later = true;
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_LATER);
	assert_int_equal(fx->answers, 0);
	fake_answer(&fx->fake, NULL, 0);
	assert_int_equal(fx->answers, 1);
	assert_int_equal(fx->answered.code, 0);
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_LATER);
	fake_answer(&fx->fake, "messages per minute", 0);
	assert_int_equal(fx->answers, 2);
	expect_verdict(-1, &fx->answered, 450, "4.7.1", "Error: rate limit of "
	    "3 messages per minute reached for client 192.0.2.1, try again "
	    "later");
	/* answered: nothing left to cancel */
	check_cancel(&fx->tx.check);
	assert_int_equal(fx->fake.cancels, 0);
}

/* test_cancel - a cancelled run gets no answer and leaves nothing behind */
static void
test_cancel(void **state)
{
	struct fixture	*fx = *state;
	struct verdict	 v;

	fx->conf.limits.number.messages_per_minute = 1;
	fx->fake.later = true;
	assert_int_equal(tx_add_rcpt(&fx->tx, "a", 1, NUMBER, NULL, 0), 0);
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_RCPT, &v,
	    later_cb, fx), CHECK_LATER);
	check_cancel(&fx->tx.check);
	assert_int_equal(fx->fake.cancels, 1);
	assert_null(fx->fake.cb);
	check_cancel(&fx->tx.check);
	assert_int_equal(fx->fake.cancels, 1);
	/* tx_free cancels a run still waiting (teardown) */
	check_later(&fx->tx.check, &fx->tx, CHECK_RCPT, &v, later_cb, fx);
	assert_int_equal(fx->answers, 0);
}

/* test_local_limiter - ratelimit's counters behind the interface */
static void
test_local_limiter(void **state)
{
	struct fixture	*fx = *state;
	struct limiter	*fake = fx->srv.limiter;
	struct ratelimit *rl = ratelimit_new();
	struct verdict	 v;

	assert_non_null(rl);
	assert_non_null(fx->srv.limiter = limiter_local_new(rl));
	fx->conf.limits.client.messages_per_minute = 1;
	assert_int_equal(tx_add_rcpt(&fx->tx, "a", 1, NUMBER, NULL, 0), 0);
	fx->tx.parts = 1;
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_NOW);
	assert_int_equal(v.code, 0);
	limits_charge(&fx->tx);
	assert_int_equal(check_later(&fx->tx.check, &fx->tx, CHECK_MAIL, &v,
	    later_cb, fx), CHECK_NOW);
	expect_verdict(-1, &v, 450, "4.7.1", "Error: rate limit of 1 messages "
	    "per minute reached for client 192.0.2.1, try again later");
	limiter_free(fx->srv.limiter);
	ratelimit_free(rl);
	fx->srv.limiter = fake;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test_setup_teardown(test_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcpt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_originators, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stage_asks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusal_now, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_limiter, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
