/*
 * test_policy.c - sender patterns and their case rules, sender ids by the
 * sender's domain and its parents, destination prefixes per user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/envelope.h"
#include "smtpd/policy/policy.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static char *clerk_senders[] = {
	"clerk@example.com", "*@service.example.com", "@Alerts.Example.NET",
};
static char *wild_senders[] = { "*" };
static char *null_senders[] = { "<>", "ops@example.org" };
static char *local_senders[] = { "postmaster", "\"a@b\"@example.com" };
static char *odd_senders[] = { "@", "*@", "*x@example.com" };

static struct user_conf clerk = {
	.name = "clerk", .senders = clerk_senders,
	.nsenders = NITEMS(clerk_senders),
};
static struct user_conf wild = {
	.name = "wild", .senders = wild_senders,
	.nsenders = NITEMS(wild_senders),
};
static struct user_conf nulls = {
	.name = "nulls", .senders = null_senders,
	.nsenders = NITEMS(null_senders),
};
static struct user_conf locals = {
	.name = "locals", .senders = local_senders,
	.nsenders = NITEMS(local_senders),
};
static struct user_conf odd = {
	.name = "odd", .senders = odd_senders,
	.nsenders = NITEMS(odd_senders),
};
static struct user_conf anyone = { .name = "anyone" };

struct sender_case {
	const struct user_conf	*user;
	const char		*addr;
	bool			 allowed;
};

static const struct sender_case sender_cases[] = {
	/* no user, no list: anything */
	{ NULL, "anybody@anywhere.example", true },
	{ NULL, "", true },
	{ NULL, NULL, true },
	{ &anyone, "anybody@anywhere.example", true },
	{ &anyone, "", true },
	/* exact: local part exact, domain in any case */
	{ &clerk, "clerk@example.com", true },
	{ &clerk, "clerk@EXAMPLE.Com", true },
	{ &clerk, "Clerk@example.com", false },
	{ &clerk, "CLERK@example.com", false },
	{ &clerk, "clerk@example.co", false },
	{ &clerk, "clerk@example.com.", false },
	{ &clerk, "clerk@mail.example.com", false },
	{ &clerk, "clerk2@example.com", false },
	{ &clerk, "lerk@example.com", false },
	{ &clerk, "clerk", false },
	{ &clerk, "clerk@", false },
	{ &clerk, "boss@example.com", false },
	/* "*@domain": any local part, that domain only */
	{ &clerk, "anyone@service.example.com", true },
	{ &clerk, "Any.One@SERVICE.example.COM", true },
	{ &clerk, "a@b@service.example.com", true },
	{ &clerk, "x@sub.service.example.com", false },
	{ &clerk, "x@xservice.example.com", false },
	{ &clerk, "@service.example.com", false },
	{ &clerk, "service.example.com", false },
	/* "@domain" is the same, pattern case does not matter either */
	{ &clerk, "pager@alerts.example.net", true },
	{ &clerk, "pager@ALERTS.EXAMPLE.NET", true },
	{ &clerk, "pager@alerts.example.ne", false },
	/* the null sender */
	{ &clerk, "", false },
	{ &clerk, NULL, false },
	{ &nulls, "", true },
	{ &nulls, "ops@example.org", true },
	{ &nulls, "<>", false },
	{ &nulls, "x@example.org", false },
	{ &wild, "", true },
	{ &wild, "whoever@whatever.example", true },
	/* patterns without a domain, '@' in a quoted local part */
	{ &locals, "postmaster", true },
	{ &locals, "Postmaster", false },
	{ &locals, "postmaster@example.com", false },
	{ &locals, "\"a@b\"@example.com", true },
	{ &locals, "\"a@b\"@Example.COM", true },
	{ &locals, "\"a@B\"@example.com", false },
	{ &locals, "a@b", false },
	/* degenerate patterns match nothing, "*x@" is literal */
	{ &odd, "user@", false },
	{ &odd, "user@example.com", false },
	{ &odd, "*x@example.com", true },
	{ &odd, "yx@example.com", false },
};

/* test_sender_allowed - the pattern table */
static void
test_sender_allowed(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NITEMS(sender_cases); i++) {
		if (policy_sender_allowed(NULL, sender_cases[i].user,
		    sender_cases[i].addr) != sender_cases[i].allowed)
			fail_msg("case %zu: %s as %s: want %s", i,
			    sender_cases[i].user != NULL ?
			    sender_cases[i].user->name : "(none)",
			    sender_cases[i].addr != NULL ?
			    sender_cases[i].addr : "(null)",
			    sender_cases[i].allowed ? "allowed" : "refused");
	}
}

/* test_sender_bounds - 256 octets may match, longer never, unterminated safe */
static void
test_sender_bounds(void **state)
{
	char			*pats[1];
	struct user_conf	 u = { .name = "long", .senders = pats,
				    .nsenders = 1 };
	struct user_conf	 w = { .name = "wild", .senders = wild_senders,
				    .nsenders = 1 };
	char			 addr[300], *buf;
	static char		 dom[] = "*@example.com";

	(void)state;
	pats[0] = dom;
	/* 244 'a', '@', "example.com": 256 octets */
	memset(addr, 'a', 244);
	memcpy(addr + 244, "@example.com", 13);
	assert_int_equal(strlen(addr), 256);
	assert_true(policy_sender_allowed(NULL, &u, addr));
	/* one more: too long even for "*" */
	memset(addr, 'a', 245);
	memcpy(addr + 245, "@example.com", 13);
	assert_false(policy_sender_allowed(NULL, &u, addr));
	assert_false(policy_sender_allowed(NULL, &w, addr));

	/* an unterminated buffer of 257 octets is not read beyond its end */
	if ((buf = malloc(257)) == NULL)
		fail();
	memset(buf, 'b', 257);
	assert_false(policy_sender_allowed(NULL, &u, buf));
	assert_null(policy_sender_id(&(struct conf){ 0 }, NULL, buf));
	free(buf);
}

static struct sender_id_conf sender_ids[] = {
	{ "example.com", "Example" },
	{ "Mail.Example.com", "ExMail" },
	{ "example.org", "ExOrg" },
	{ "deep.sub.example.org", "Deep" },
	{ "", "Empty" },
	{ NULL, "NoDomain" },
	{ "example.net", NULL },
	{ "com", "AllCom" },
};

/* test_restricts_senders - only a user with a senders list is held to it */
static void
test_restricts_senders(void **state)
{
	(void)state;
	assert_false(policy_restricts_senders(NULL));
	assert_false(policy_restricts_senders(&anyone));
	assert_true(policy_restricts_senders(&clerk));
	assert_true(policy_restricts_senders(&wild));
}

static struct user_conf with_id = { .name = "withid", .sender_id = "Own" };

struct id_case {
	bool			 has_from;	/* backend.from set */
	const struct user_conf	*user;
	const char		*addr;
	const char		*want;
};

static const struct id_case id_cases[] = {
	/* the user's own id wins over everything */
	{ true, &with_id, "x@example.com", "Own" },
	{ false, &with_id, NULL, "Own" },
	/* the domain itself, then the longest parent */
	{ true, NULL, "x@example.com", "Example" },
	{ true, &anyone, "x@EXAMPLE.COM", "Example" },
	{ true, NULL, "x@www.example.com", "Example" },
	{ true, NULL, "x@mail.example.com", "ExMail" },
	{ true, NULL, "x@a.b.mail.example.com", "ExMail" },
	{ true, NULL, "x@ail.example.com", "Example" },
	{ true, NULL, "x@sub.example.org", "ExOrg" },
	{ true, NULL, "x@deep.sub.example.org", "Deep" },
	{ true, NULL, "x@x.deep.sub.example.org", "Deep" },
	{ true, NULL, "x@eep.sub.example.org", "ExOrg" },
	{ true, NULL, "x@other.com", "AllCom" },
	/* look-alikes are not parents */
	{ true, NULL, "x@badexample.org", "Default" },
	{ true, NULL, "x@example.org.evil", "Default" },
	{ true, NULL, "x@xcom", "Default" },
	/* entries without a domain or an id are skipped */
	{ true, NULL, "x@example.net", "Default" },
	/* no domain to go by */
	{ true, NULL, "x@", "Default" },
	{ true, NULL, "", "Default" },
	{ true, NULL, "nodomain", "Default" },
	{ true, NULL, NULL, "Default" },
	{ false, NULL, "x@unknown.example", NULL },
	{ false, NULL, "x@example.com", "Example" },
	/* the last '@' separates the domain */
	{ true, NULL, "\"x@example.org\"@example.com", "Example" },
};

/* test_sender_id - user, then domain or parent (longest), then backend.from */
static void
test_sender_id(void **state)
{
	struct conf	 conf;
	const char	*got;
	size_t		 i;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.sender_ids = sender_ids;
	conf.nsender_ids = NITEMS(sender_ids);
	for (i = 0; i < NITEMS(id_cases); i++) {
		conf.backend.from = id_cases[i].has_from ? "Default" : NULL;
		got = policy_sender_id(&conf, id_cases[i].user,
		    id_cases[i].addr);
		if (id_cases[i].want == NULL) {
			if (got != NULL)
				fail_msg("case %zu: want NULL, got %s", i, got);
		} else if (got == NULL || strcmp(got, id_cases[i].want) != 0)
			fail_msg("case %zu: %s: want %s, got %s", i,
			    id_cases[i].addr != NULL ? id_cases[i].addr :
			    "(null)", id_cases[i].want,
			    got != NULL ? got : "(null)");
	}
}

/* test_sender_id_no_table - no sender_ids: straight to backend.from */
static void
test_sender_id_no_table(void **state)
{
	struct conf	 conf;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	assert_null(policy_sender_id(&conf, NULL, "x@example.com"));
	conf.backend.from = "Service";
	assert_string_equal(policy_sender_id(&conf, &anyone, "x@example.com"),
	    "Service");
}

static char *de_prefixes[] = { "+49", "+4317" };
static struct user_conf de = {
	.name = "de", .allow_prefixes = de_prefixes,
	.nallow_prefixes = NITEMS(de_prefixes),
};

struct number_case {
	const struct user_conf	*user;
	const char		*e164;
	bool			 allowed;
};

static const struct number_case number_cases[] = {
	{ NULL, "+12125550123", true },
	{ &anyone, "+12125550123", true },
	{ &de, "+4917012345678", true },
	{ &de, "+49", true },
	{ &de, "+431701234567", true },
	{ &de, "+43664123456", false },
	{ &de, "+4", false },
	{ &de, "+12125550123", false },
	{ &de, "4917012345678", false },
	{ &de, "", false },
	{ &de, NULL, false },
};

/* test_number_allowed - prefixes of the user; none means every number */
/* the NOTIFY a recipient gets: given, [DN:ON], the user's, the domain's */
static void
test_notify(void **state)
{
	struct notify_domain_conf domains[2] = {
		{ "example.com", NOTIFY_DEFAULT_FAILURES },
		{ "quiet.example.com", NOTIFY_DEFAULT_NEVER },
	};
	struct conf	 conf = { 0 };
	struct user_conf loud = { .name = "loud",
	    .notify = NOTIFY_DEFAULT_ALWAYS };
	struct user_conf plain = { .name = "plain" };
	const uint8_t	 always = SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE;

	(void)state;
	conf.reports.senders = domains;
	conf.reports.nsenders = 2;
	/* what RCPT TO says wins */
	assert_int_equal(policy_notify(&conf, &loud, "a@quiet.example.com",
	    SMTP_NOTIFY_NEVER, true), SMTP_NOTIFY_NEVER);
	assert_int_equal(policy_notify(&conf, NULL, "a@other.example",
	    0, true), always);
	assert_int_equal(policy_notify(&conf, &loud, "a@quiet.example.com",
	    0, false), always);
	/* the longest domain: a subdomain, case folded */
	assert_int_equal(policy_notify(&conf, &plain, "a@Mail.Quiet.Example.COM",
	    0, false), SMTP_NOTIFY_NEVER);
	assert_int_equal(policy_notify(&conf, NULL, "a@example.com", 0, false),
	    SMTP_NOTIFY_FAILURE);
	assert_int_equal(policy_notify(&conf, NULL, "a@notexample.com", 0,
	    false), 0);
	assert_int_equal(policy_notify(&conf, NULL, "", 0, false), 0);
	assert_int_equal(policy_notify(&conf, NULL, NULL, 0, false), 0);
}

/* test_quiet_hours - the subject's, the user's, the domain's, the default */
static void
test_quiet_hours(void **state)
{
	struct quiet_sender_conf domains[2] = {
		{ "example.com", "22:00-07:00" },
		{ "alerts.example.com", "none" },
	};
	struct conf	 conf = { 0 };
	struct user_conf night = { .name = "night",
	    .quiet_hours = "20:00-09:00" };
	struct user_conf plain = { .name = "plain" };

	(void)state;
	assert_null(policy_quiet_hours(&conf, NULL, "a@example.com", ""));
	conf.queue.quiet_hours = "21:00-08:00";
	conf.queue.quiet_senders = domains;
	conf.queue.nquiet_senders = 2;
	assert_string_equal(policy_quiet_hours(&conf, &night, "a@example.com",
	    "sat,sun"), "sat,sun");
	assert_string_equal(policy_quiet_hours(&conf, &night, "a@example.com",
	    ""), "20:00-09:00");
	assert_string_equal(policy_quiet_hours(&conf, &plain,
	    "a@mail.example.com", ""), "22:00-07:00");
	assert_null(policy_quiet_hours(&conf, &plain, "a@Alerts.Example.com",
	    ""));
	assert_string_equal(policy_quiet_hours(&conf, NULL, "a@other.example",
	    ""), "21:00-08:00");
	assert_null(policy_quiet_hours(&conf, NULL, "a@other.example", "none"));
}

static void
test_number_allowed(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NITEMS(number_cases); i++)
		if (policy_number_allowed(number_cases[i].user,
		    number_cases[i].e164) != number_cases[i].allowed)
			fail_msg("case %zu: %s: want %s", i,
			    number_cases[i].e164 != NULL ?
			    number_cases[i].e164 : "(null)",
			    number_cases[i].allowed ? "allowed" : "refused");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sender_allowed),
		cmocka_unit_test(test_sender_bounds),
		cmocka_unit_test(test_restricts_senders),
		cmocka_unit_test(test_sender_id),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_sender_id_no_table),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_number_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
