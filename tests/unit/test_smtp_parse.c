/*
 * test_smtp_parse.c - table-driven tests of the SMTP command parsers: verbs,
 * MAIL/RCPT paths and parameters, AUTH and BDAT arguments, every error
 * reply, bounds, xtext. Addresses split: test_envelope.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/smtp/parse.h"

#define L(s)	(s), (sizeof(s) - 1)	/* literal with its length; NULs kept */

/* CHECK - a table assertion that names the failing row */
#define CHECK(i, cond) do {						\
	if (!(cond))							\
		fail_msg("row %zu: %s", (size_t)(i), #cond);		\
} while (0)

struct cmd_case {
	const char	*line;
	size_t		 len;
	int		 rc;
	enum smtp_verb	 verb;
	const char	*args;
};

static const struct cmd_case cmd_cases[] = {
	{ L("HELO client.example"), 0, SMTP_CMD_HELO, "client.example" },
	{ L("ehlo client.example"), 0, SMTP_CMD_EHLO, "client.example" },
	{ L("MaIl FROM:<a@b.example>"), 0, SMTP_CMD_MAIL, "FROM:<a@b.example>" },
	{ L("RCPT TO:<x@y.example>"), 0, SMTP_CMD_RCPT, "TO:<x@y.example>" },
	{ L("DATA"), 0, SMTP_CMD_DATA, "" },
	{ L("rset"), 0, SMTP_CMD_RSET, "" },
	{ L("NOOP hello there"), 0, SMTP_CMD_NOOP, "hello there" },
	{ L("QUIT"), 0, SMTP_CMD_QUIT, "" },
	{ L("VRFY user"), 0, SMTP_CMD_VRFY, "user" },
	{ L("EXPN list"), 0, SMTP_CMD_EXPN, "list" },
	{ L("HELP"), 0, SMTP_CMD_HELP, "" },
	{ L("StartTLS"), 0, SMTP_CMD_STARTTLS, "" },
	{ L("AUTH PLAIN AGZvbwBiYXI="), 0, SMTP_CMD_AUTH, "PLAIN AGZvbwBiYXI=" },
	{ L("BDAT 100 LAST"), 0, SMTP_CMD_BDAT, "100 LAST" },
	{ L("MAIL   \t FROM:<a@b>  \t"), 0, SMTP_CMD_MAIL, "FROM:<a@b>" },
	{ L("  QUIT"), 0, SMTP_CMD_QUIT, "" },
	{ L("DATA "), 0, SMTP_CMD_DATA, "" },
	{ L("MAILFROM:<a@b>"), -1, SMTP_CMD_UNKNOWN, "" },
	{ L("MAI"), -1, SMTP_CMD_UNKNOWN, "" },
	{ L("STARTTLSX"), -1, SMTP_CMD_UNKNOWN, "" },
	{ L(""), -1, SMTP_CMD_UNKNOWN, "" },
	{ L("DA\0TA"), -1, SMTP_CMD_UNKNOWN, "" },
	{ L("QUIT\0"), -1, SMTP_CMD_UNKNOWN, "" },
	{ L("GET / HTTP/1.0"), -1, SMTP_CMD_UNKNOWN, "/ HTTP/1.0" },
	{ L("\xc4\xb0" "DATA"), -1, SMTP_CMD_UNKNOWN, "" },
};

/* test_commands - every verb, case, spacing and junk */
static void
test_commands(void **state)
{
	struct smtp_command c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		const struct cmd_case *t = &cmd_cases[i];

		CHECK(i, smtp_parse_command(t->line, t->len, &c) == t->rc);
		CHECK(i, c.verb == t->verb);
		if (t->rc == 0 || t->args[0] != '\0') {
			CHECK(i, c.argslen == strlen(t->args));
			CHECK(i, memcmp(c.args, t->args, c.argslen) == 0);
		}
		CHECK(i, c.args >= t->line && c.args + c.argslen <=
		    t->line + t->len);
	}
}

struct line_case {
	const char	*line;
	size_t		 len;
	int		 rc;
};

static const struct line_case line_cases[] = {
	{ L("EHLO client.example"), 0 },
	{ L("MAIL\tFROM:<a@b.example>\t"), 0 },
	{ L("MAIL FROM:<\"\xc3\xa9\"@b.example> SMTPUTF8"), 0 },
	{ L(""), 0 },
	{ L(" ~"), 0 },
	{ L("EHLO a\0b"), -1 },
	{ L("\0"), -1 },
	{ L("NOOP \x1b[2J"), -1 },
	{ L("VRFY a\x7f"), -1 },
	{ L("HELP \x01"), -1 },
	{ L("HELO a\x1f"), -1 },
	{ L("RSET\x0b"), -1 },
	{ L("AUTH LOGIN\x0c"), -1 },
	{ L("BDAT 6\0 LAST"), -1 },
};

/* test_line_controls - NUL, C0 but HTAB and DEL refuse a line */
static void
test_line_controls(void **state)
{
	struct smtp_error err;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		CHECK(i, smtp_check_line(line_cases[i].line, line_cases[i].len,
		    &err) == line_cases[i].rc);
		if (line_cases[i].rc == -1) {
			CHECK(i, err.code == 501);
			CHECK(i, strcmp(err.enhanced, "5.5.2") == 0);
		}
	}
	/* the length bounds the scan, not a NUL; NULL err is allowed */
	assert_int_equal(smtp_check_line("NOOP\x1b", 4, NULL), 0);
	assert_int_equal(smtp_check_line("NOOP\x1b", 5, NULL), -1);
}

struct mail_case {
	const char	*args;
	size_t		 len;
	int		 code;		/* 0: accepted */
	const char	*expect;	/* stored address, or enhanced code */
	const char	*text;		/* error text (NULL: not checked) */
};

static const struct mail_case mail_cases[] = {
	{ L("FROM:<user@example.com>"), 0, "user@example.com", NULL },
	{ L("from:<user@example.com>"), 0, "user@example.com", NULL },
	{ L("From:<User@Example.COM>"), 0, "User@Example.COM", NULL },
	{ L("FROM:<>"), 0, "", NULL },
	{ L("FROM: <user@example.com>"), 0, "user@example.com", NULL },
	{ L("FROM:\t<user@example.com>"), 0, "user@example.com", NULL },
	{ L("FROM:user@example.com"), 0, "user@example.com", NULL },
	{ L("FROM:user@example.com SIZE=10"), 0, "user@example.com", NULL },
	{ L("FROM:<@relay.example:user@example.com>"), 0, "user@example.com", NULL },
	{ L("FROM:<@a.example,@b.example:user@example.com>"), 0, "user@example.com", NULL },
	{ L("FROM:<\"john doe\"@example.com>"), 0, "\"john doe\"@example.com", NULL },
	{ L("FROM:<\"a\\\"b\\\\c\"@example.com>"), 0, "\"a\\\"b\\\\c\"@example.com", NULL },
	{ L("FROM:<\"a>b\"@example.com>"), 0, "\"a>b\"@example.com", NULL },
	{ L("FROM:<\"\"@example.com>"), 0, "\"\"@example.com", NULL },
	{ L("FROM:<first.last+tag@sub.example.com>"), 0, "first.last+tag@sub.example.com", NULL },
	{ L("FROM:<!#$%&'*+-/=?^_`{|}~@example.com>"), 0, "!#$%&'*+-/=?^_`{|}~@example.com", NULL },
	{ L("FROM:<user@[192.0.2.1]>"), 0, "user@[192.0.2.1]", NULL },
	{ L("FROM:<user@[IPv6:2001:db8::1]>"), 0, "user@[IPv6:2001:db8::1]", NULL },
	{ L("FROM:<user@x-1.example>"), 0, "user@x-1.example", NULL },
	{ L("FROM:<user@localhost>"), 0, "user@localhost", NULL },
	{ L("FROM:<a@b> "), 0, "a@b", NULL },
	{ L("FROM:<a@b>   SIZE=1   BODY=8BITMIME"), 0, "a@b", NULL },
	/* syntax of the command itself */
	{ L("FROM<a@b>"), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	{ L("FROM :<a@b>"), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	{ L("TO:<a@b>"), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	{ L("FROM:"), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	{ L("FROM:   "), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	{ L(""), 501, "5.5.4", "Syntax: MAIL FROM:<address>" },
	/* addresses */
	{ L("FROM:<a@b"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@b>x"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<user>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<postmaster>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<user@>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a..b@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<.a@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a.@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a b@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@exa mple.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@-example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@example-.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@example.com.>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@exa_mple.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@b@c>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<\"unterminated@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<\"tab\there\"@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@[192.0.2.256]>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@[192.0.2]>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@[IPv6:2001:db8:::1]>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@[x-tag:stuff]>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<@a.example:>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<@a.example,b.example:u@c>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:@a.example:u@c"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a\0b@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<a@example.com\0>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<\"a\0b\"@example.com>"), 501, "5.1.7", "Bad sender address syntax" },
	{ L("FROM:<\xc3\xa4@example.com>"), 553, "5.6.7", NULL },
	{ L("FROM:<\xc3@example.com>"), 501, "5.1.7", NULL },
	{ L("FROM:<\xc0\xaf@example.com> SMTPUTF8"), 501, "5.1.7", NULL },
	/* parameters */
	{ L("FROM:<a@b> FOO=bar"), 555, "5.5.4", "Unsupported parameter" },
	{ L("FROM:<a@b> NOTIFY=NEVER"), 555, "5.5.4", "Unsupported parameter" },
	{ L("FROM:<a@b> SIZE=1 SIZE=2"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> BODY=7BIT body=8bitmime"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> SIZE=12a"), 501, "5.5.4", "Bad SIZE parameter" },
	{ L("FROM:<a@b> SIZE"), 501, "5.5.4", "Bad SIZE parameter" },
	{ L("FROM:<a@b> SIZE=-1"), 501, "5.5.4", "Bad SIZE parameter" },
	{ L("FROM:<a@b> SIZE=18446744073709551616"), 501, "5.5.4", "Bad SIZE parameter" },
	{ L("FROM:<a@b> SIZE="), 501, "5.5.4", "Bad parameter syntax" },
	{ L("FROM:<a@b> =x"), 501, "5.5.4", "Bad parameter syntax" },
	{ L("FROM:<a@b> SIZE=1=2"), 501, "5.5.4", "Bad parameter syntax" },
	{ L("FROM:<a@b> SI_ZE=1"), 501, "5.5.4", "Bad parameter syntax" },
	{ L("FROM:<a@b> SIZE=1\0"), 501, "5.5.4", "Bad parameter syntax" },
	{ L("FROM:<a@b> BODY=BINARYMIME"), 501, "5.5.4", "Bad BODY parameter" },
	{ L("FROM:<a@b> BODY"), 501, "5.5.4", "Bad BODY parameter" },
	{ L("FROM:<a@b> RET=ALL"), 501, "5.5.4", "Bad RET parameter" },
	{ L("FROM:<a@b> ENVID=a+2"), 501, "5.5.4", "Bad ENVID parameter" },
	{ L("FROM:<a@b> ENVID=a+0Ab"), 501, "5.5.4", "Bad ENVID parameter" },
	{ L("FROM:<a@b> ENVID"), 501, "5.5.4", "Bad ENVID parameter" },
	{ L("FROM:<a@b> SMTPUTF8=yes"), 501, "5.5.4", "SMTPUTF8 takes no value" },
	{ L("FROM:<a@b> AUTH"), 501, "5.5.4", "Bad AUTH parameter" },
	{ L("FROM:<a@b> AUTH=x+zz"), 501, "5.5.4", "Bad AUTH parameter" },
	{ L("FROM:<a@b> AUTH=a+00b@c"), 501, "5.5.4", "Bad AUTH parameter" },
	{ L("FROM:<a@b> AUTH=a+0Db@c"), 501, "5.5.4", "Bad AUTH parameter" },
	{ L("FROM:<a@b> AUTH=+7F"), 501, "5.5.4", "Bad AUTH parameter" },
	{ L("FROM:<a@b> AUTH=\"john+20doe\"@c"), 0, "a@b", NULL },
	{ L("FROM:<a@b> AUTH=<>"), 0, "a@b", NULL },
	{ L("FROM:<a@b> AUTH=<> AUTH=<>"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> ENVID=x ENVID=y"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> ENVID=+00"), 501, "5.5.4", "Bad ENVID parameter" },
	{ L("FROM:<a@b> RET=FULL RET=HDRS"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> RET=FULL,HDRS"), 501, "5.5.4", "Bad RET parameter" },
	{ L("FROM:<a@b> RET"), 501, "5.5.4", "Bad RET parameter" },
	{ L("FROM:<a@b> SMTPUTF8 smtputf8"), 501, "5.5.4", "Duplicate parameter" },
	{ L("FROM:<a@b> BODY=8BITMIMEX"), 501, "5.5.4", "Bad BODY parameter" },
	{ L("FROM:<a@b> BODY=7BIT,8BITMIME"), 501, "5.5.4", "Bad BODY parameter" },
	{ L("FROM:<a@b> SIZE=+1"), 501, "5.5.4", "Bad SIZE parameter" },
	{ L("FROM:<a@b> SIZE=0"), 0, "a@b", NULL },
	{ L("FROM:<a@b> SIZE=00000000000000000001"), 0, "a@b", NULL },
	{ L("FROM:<a@b> SIZE=000000000000000000001"), 501, "5.5.4", "Bad SIZE parameter" },
};

/* error_is - a failed parse reported the expected reply */
static int
error_is(const struct smtp_error *err, int code, const char *enhanced,
    const char *text)
{
	return err->code == code && err->enhanced != NULL &&
	    strcmp(err->enhanced, enhanced) == 0 && err->text != NULL &&
	    (text == NULL || strcmp(err->text, text) == 0);
}

/* test_mail_table - MAIL arguments, accepted and refused */
static void
test_mail_table(void **state)
{
	struct smtp_mail m;
	struct smtp_error err;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(mail_cases) / sizeof(mail_cases[0]); i++) {
		const struct mail_case *t = &mail_cases[i];

		memset(&err, 0, sizeof(err));
		if (t->code == 0) {
			CHECK(i, smtp_parse_mail(t->args, t->len, &m, &err) == 0);
			CHECK(i, strcmp(m.addr, t->expect) == 0);
			CHECK(i, m.addrlen == strlen(t->expect));
		} else {
			CHECK(i, smtp_parse_mail(t->args, t->len, &m, &err) == -1);
			CHECK(i, error_is(&err, t->code, t->expect, t->text));
		}
	}
}

static const struct mail_case rcpt_cases[] = {
	{ L("TO:<+4917012345678@sms.example>"), 0, "+4917012345678@sms.example", NULL },
	{ L("to:<+4917012345678@SMS.example>"), 0, "+4917012345678@SMS.example", NULL },
	{ L("TO: <0170-1234567@sms.example>"), 0, "0170-1234567@sms.example", NULL },
	{ L("TO:0170.1234567@sms.example"), 0, "0170.1234567@sms.example", NULL },
	{ L("TO:<\"+49 170 1234567\"@sms.example>"), 0, "\"+49 170 1234567\"@sms.example", NULL },
	{ L("TO:<postmaster>"), 0, "postmaster", NULL },
	{ L("TO:<PostMaster>"), 0, "PostMaster", NULL },
	{ L("TO:<Postmaster@sms.example>"), 0, "Postmaster@sms.example", NULL },
	{ L("TO:<@hop.example:+49170@sms.example>"), 0, "+49170@sms.example", NULL },
	{ L("TO:<>"), 501, "5.1.3", "Null recipient address not allowed" },
	{ L("TO:"), 501, "5.5.4", "Syntax: RCPT TO:<address>" },
	{ L("FROM:<a@b>"), 501, "5.5.4", "Syntax: RCPT TO:<address>" },
	{ L("TO:<a b@c>"), 501, "5.1.3", "Bad recipient address syntax" },
	{ L("TO:<postmaster@>"), 501, "5.1.3", "Bad recipient address syntax" },
	{ L("TO:<a@b> SIZE=1"), 555, "5.5.4", "Unsupported parameter" },
	{ L("TO:<a@b> NOTIFY=NEVER,SUCCESS"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=SUCCESS,,DELAY"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=SOMETIMES"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=NEVER NOTIFY=NEVER"), 501, "5.5.4", "Duplicate parameter" },
	{ L("TO:<a@b> NOTIFY=SUCCESS,SUCCESS"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=NEVER,never"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=DELAY,FAILURE,delay"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=SUCCESS,"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=,SUCCESS"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY=FAILURE,NEVER"), 501, "5.5.4", "Bad NOTIFY parameter" },
	{ L("TO:<a@b> NOTIFY="), 501, "5.5.4", "Bad parameter syntax" },
	{ L("TO:<a@b> NOTIFY=never"), 0, "a@b", NULL },
	{ L("TO:<a@b> ORCPT=rfc822;x ORCPT=rfc822;y"), 501, "5.5.4", "Duplicate parameter" },
	{ L("TO:<a@b> ORCPT=rfc\"822;a@b"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc(822);a@b"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;a+00b"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;\xc3\xa4@b"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;a;b@c"), 0, "a@b", NULL },
	{ L("TO:<a@b> ORCPT=rfc822"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=;a@b"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;a+0Db"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<a@b> ORCPT=rfc822;a+G0"), 501, "5.5.4", "Bad ORCPT parameter" },
	{ L("TO:<\xc3\xa4@b>"), 553, "5.6.7", "Non-ASCII recipient address requires SMTPUTF8" },
};

/* test_rcpt_table - RCPT arguments, accepted and refused */
static void
test_rcpt_table(void **state)
{
	struct smtp_rcpt r;
	struct smtp_error err;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(rcpt_cases) / sizeof(rcpt_cases[0]); i++) {
		const struct mail_case *t = &rcpt_cases[i];

		memset(&err, 0, sizeof(err));
		if (t->code == 0) {
			CHECK(i, smtp_parse_rcpt(t->args, t->len, 0, &r,
			    &err) == 0);
			CHECK(i, strcmp(r.addr, t->expect) == 0);
		} else {
			CHECK(i, smtp_parse_rcpt(t->args, t->len, 0, &r,
			    &err) == -1);
			CHECK(i, error_is(&err, t->code, t->expect, t->text));
		}
	}
}

/* test_mail_params - values of every MAIL parameter land in the struct */
static void
test_mail_params(void **state)
{
	struct smtp_mail m;
	struct smtp_error err;
	const char *a = "FROM:<a@b.example> size=18446744073709551615 "
	    "Body=8bitmime RET=hdrs ENVID=QQ+2B1+3Dx SMTPUTF8 AUTH=<>";

	(void)state;
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_int_equal(m.params, SMTP_PARAM_SIZE | SMTP_PARAM_BODY |
	    SMTP_PARAM_RET | SMTP_PARAM_ENVID | SMTP_PARAM_SMTPUTF8 |
	    SMTP_PARAM_AUTH);
	assert_true(m.size == UINT64_MAX);
	assert_int_equal(m.body, SMTP_BODY_8BITMIME);
	assert_int_equal(m.ret, SMTP_RET_HDRS);
	assert_string_equal(m.envid, "QQ+1=x");

	a = "FROM:<> BODY=7BIT RET=FULL AUTH=user+2Bx@example.com";
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_string_equal(m.addr, "");
	assert_int_equal(m.body, SMTP_BODY_7BIT);
	assert_int_equal(m.ret, SMTP_RET_FULL);
	assert_int_equal(m.size, 0);

	a = "FROM:<a@b>";
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_int_equal(m.params, 0);
	assert_int_equal(m.body, SMTP_BODY_UNSET);
	assert_int_equal(m.ret, SMTP_RET_UNSET);
	assert_string_equal(m.envid, "");

	/* SMTPUTF8 makes UTF-8 addresses acceptable, wherever it stands. */
	a = "FROM:<\xc3\xa4rger@b\xc3\xbc" "cher.example> SMTPUTF8";
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_string_equal(m.addr, "\xc3\xa4rger@b\xc3\xbc" "cher.example");
}

/* test_hold_params - RFC 4865 HOLDFOR and HOLDUNTIL, one of them at most */
static void
test_hold_params(void **state)
{
	static const char *const bad[] = {
		"FROM:<a@b> HOLDFOR", "FROM:<a@b> HOLDFOR=", "FROM:<a@b> HOLDFOR=x",
		"FROM:<a@b> HOLDFOR=-1", "FROM:<a@b> HOLDFOR=12345678901",
		"FROM:<a@b> HOLDUNTIL=2025-12-05T22:00:00",
		"FROM:<a@b> HOLDUNTIL=2025-12-05",
		"FROM:<a@b> HOLDFOR=1 HOLDFOR=2",
		"FROM:<a@b> HOLDFOR=60 HOLDUNTIL=2025-12-05T22:00:00Z",
	};
	struct smtp_mail m;
	struct smtp_error err;
	const char	*a;
	size_t		 i;

	(void)state;
	a = "FROM:<a@b> holdfor=3600";
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_int_equal(m.params, SMTP_PARAM_HOLDFOR);
	assert_int_equal(m.holdfor, 3600);
	a = "FROM:<a@b> HOLDUNTIL=2025-12-05T23:00:00.5+01:00";
	assert_int_equal(smtp_parse_mail(a, strlen(a), &m, &err), 0);
	assert_int_equal(m.params, SMTP_PARAM_HOLDUNTIL);
	assert_int_equal(m.holduntil, 1764972001);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (smtp_parse_mail(bad[i], strlen(bad[i]), &m, &err) != -1)
			fail_msg("%s: accepted", bad[i]);
		assert_int_equal(err.code, 501);
		assert_string_equal(err.enhanced, "5.5.4");
	}
}

/* test_rcpt_params - NOTIFY and ORCPT values */
static void
test_rcpt_params(void **state)
{
	struct smtp_rcpt r;
	struct smtp_error err;
	const char *a = "TO:<+49170@sms.example> NOTIFY=failure,DELAY "
	    "ORCPT=rfc822;+2B49170+40sms.example";

	(void)state;
	assert_int_equal(smtp_parse_rcpt(a, strlen(a), 0, &r, &err), 0);
	assert_int_equal(r.params, SMTP_PARAM_NOTIFY | SMTP_PARAM_ORCPT);
	assert_int_equal(r.notify, SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY);
	assert_string_equal(r.orcpt, "rfc822;+49170@sms.example");

	a = "TO:<x@y> NOTIFY=NEVER";
	assert_int_equal(smtp_parse_rcpt(a, strlen(a), 0, &r, &err), 0);
	assert_int_equal(r.notify, SMTP_NOTIFY_NEVER);
	assert_string_equal(r.orcpt, "");

	a = "TO:<x@y> NOTIFY=SUCCESS,FAILURE,DELAY";
	assert_int_equal(smtp_parse_rcpt(a, strlen(a), 0, &r, &err), 0);
	assert_int_equal(r.notify, SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE |
	    SMTP_NOTIFY_DELAY);

	a = "TO:<\xc3\xa4@y>";
	assert_int_equal(smtp_parse_rcpt(a, strlen(a), 1, &r, &err), 0);
	assert_string_equal(r.addr, "\xc3\xa4@y");
}

/* make_arg - "FROM:<" + nl octets of local part + "@" + nd of domain + ">" */
static size_t
make_arg(char *buf, size_t nl, size_t nd)
{
	size_t	 n = 0, i;

	memcpy(buf, "FROM:<", 6);
	n = 6;
	memset(buf + n, 'a', nl);
	n += nl;
	buf[n++] = '@';
	/* labels of at most 50 octets keep the domain valid at any length */
	for (i = 0; i < nd; i++)
		buf[n + i] = (i % 50 == 49 && i + 1 < nd) ? '.' : 'c';
	n += nd;
	buf[n++] = '>';
	return n;
}

/* test_lengths - local part 64/65, domain 255/256, path 256/257 */
static void
test_lengths(void **state)
{
	static const struct {
		size_t		 nl, nd;
		const char	*text;	/* NULL: accepted */
	} cases[] = {
		{ 64, 10, NULL },
		{ 65, 10, "Local part too long" },
		{ 64, 191, NULL },			/* 256 in all */
		{ 64, 192, "Path too long" },		/* 257 */
		{ 1, 254, NULL },			/* 256 */
		{ 1, 255, "Path too long" },		/* domain fits, path not */
		{ 1, 256, "Domain too long" },
		{ 200, 10, "Local part too long" },
	};
	char	 buf[600];
	struct smtp_mail m;
	struct smtp_error err;
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = make_arg(buf, cases[i].nl, cases[i].nd);
		if (cases[i].text == NULL) {
			CHECK(i, smtp_parse_mail(buf, n, &m, &err) == 0);
			CHECK(i, m.addrlen == cases[i].nl + 1 + cases[i].nd);
		} else {
			CHECK(i, smtp_parse_mail(buf, n, &m, &err) == -1);
			CHECK(i, error_is(&err, 501, "5.1.7", cases[i].text));
		}
	}

	/* a label of 64 octets is not a DNS label, 63 is */
	n = (size_t)snprintf(buf, sizeof(buf), "FROM:<a@");
	memset(buf + n, 'c', 64);
	buf[n + 64] = '>';
	assert_int_equal(smtp_parse_mail(buf, n + 65, &m, &err), -1);
	assert_true(error_is(&err, 501, "5.1.7", "Bad sender address syntax"));
	buf[n + 63] = '>';
	assert_int_equal(smtp_parse_mail(buf, n + 64, &m, &err), 0);
}

/* test_xtext - RFC 3461 decoding with bounds */
static void
test_xtext(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*out;
		size_t		 outlen;
	} cases[] = {
		{ "plain", 0, "plain", 5 },
		{ "a+2Bb", 0, "a+b", 3 },
		{ "+3D+2b", 0, "=+", 2 },
		{ "+00", 0, "\0", 1 },
		{ "", 0, "", 0 },
		{ "a=b", -1, NULL, 0 },
		{ "a b", -1, NULL, 0 },
		{ "+4", -1, NULL, 0 },
		{ "+G1", -1, NULL, 0 },
		{ "\x7f", -1, NULL, 0 },
	};
	char	 out[16];
	size_t	 i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(i, smtp_xtext_decode(cases[i].in, strlen(cases[i].in),
		    out, sizeof(out), &len) == cases[i].rc);
		if (cases[i].rc == 0) {
			CHECK(i, len == cases[i].outlen);
			CHECK(i, memcmp(out, cases[i].out, len + 1) == 0);
		}
	}
	/* the NUL needs room too */
	assert_int_equal(smtp_xtext_decode("abcd", 4, out, 4, &len), -1);
	assert_int_equal(smtp_xtext_decode("abc", 3, out, 4, &len), 0);
	assert_int_equal(smtp_xtext_decode("", 0, out, 0, &len), -1);
}

/* test_envid_orcpt_bounds - ENVID 100 and ORCPT 500 octets as sent */
static void
test_envid_orcpt_bounds(void **state)
{
	char	 buf[700];
	struct smtp_mail m;
	struct smtp_rcpt r;
	struct smtp_error err;
	size_t	 n;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "FROM:<a@b> ENVID=");
	memset(buf + n, 'e', 100);
	assert_int_equal(smtp_parse_mail(buf, n + 100, &m, &err), 0);
	assert_int_equal(strlen(m.envid), 100);
	buf[n + 100] = 'e';
	assert_int_equal(smtp_parse_mail(buf, n + 101, &m, &err), -1);
	assert_true(error_is(&err, 501, "5.5.4", "Bad ENVID parameter"));

	n = (size_t)snprintf(buf, sizeof(buf), "TO:<a@b> ORCPT=rfc822;");
	memset(buf + n, 'o', 493);
	assert_int_equal(smtp_parse_rcpt(buf, n + 493, 0, &r, &err), 0);
	assert_int_equal(strlen(r.orcpt), 500);
	buf[n + 493] = 'o';
	assert_int_equal(smtp_parse_rcpt(buf, n + 494, 0, &r, &err), -1);
	assert_true(error_is(&err, 501, "5.5.4", "Bad ORCPT parameter"));
}

/* test_auth_param_bound - AUTH= holds at most a stored path, decoded */
static void
test_auth_param_bound(void **state)
{
	char	 buf[16 + 3 * SMTP_PATH_MAX];
	struct smtp_mail m;
	struct smtp_error err;
	size_t	 n, i;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "FROM:<a@b> AUTH=");
	memset(buf + n, 'u', SMTP_PATH_MAX);
	assert_int_equal(smtp_parse_mail(buf, n + SMTP_PATH_MAX, &m, &err), 0);
	buf[n + SMTP_PATH_MAX] = 'u';
	assert_int_equal(smtp_parse_mail(buf, n + SMTP_PATH_MAX + 1, &m,
	    &err), -1);
	assert_true(error_is(&err, 501, "5.5.4", "Bad AUTH parameter"));
	/* the bound is on the decoded text: "+75" is one octet */
	n = (size_t)snprintf(buf, sizeof(buf), "FROM:<a@b> AUTH=");
	for (i = 0; i < SMTP_PATH_MAX; i++, n += 3)
		memcpy(buf + n, "+75", 3);
	assert_int_equal(smtp_parse_mail(buf, n, &m, &err), 0);
}

/* heap_copy - exactly n bytes without a NUL, so ASan sees any overread */
static char *
heap_copy(const char *s, size_t n)
{
	char	*c;

	c = test_malloc(n == 0 ? 1 : n);
	memcpy(c, s, n);
	return c;
}

struct auth_case {
	const char		*args;
	size_t			 len;
	int			 code;		/* 0: accepted */
	enum smtp_auth_mech	 mech;
	const char		*name;		/* mechanism as sent */
	const char		*resp;		/* NULL: none given */
};

#define AUTH_SYNTAX	"Syntax: AUTH mechanism [initial-response]"

static const struct auth_case auth_cases[] = {
	{ L("PLAIN"), 0, SMTP_AUTH_PLAIN, "PLAIN", NULL },
	{ L("plain AGZvbwBiYXI="), 0, SMTP_AUTH_PLAIN, "plain", "AGZvbwBiYXI=" },
	{ L("PLAIN AGZvbwBiYXJi"), 0, SMTP_AUTH_PLAIN, "PLAIN", "AGZvbwBiYXJi" },
	{ L("PLAIN AGZvbwBiYQ=="), 0, SMTP_AUTH_PLAIN, "PLAIN", "AGZvbwBiYQ==" },
	{ L("PLAIN ="), 0, SMTP_AUTH_PLAIN, "PLAIN", "" },
	{ L("PLAIN \t AGZv"), 0, SMTP_AUTH_PLAIN, "PLAIN", "AGZv" },
	{ L("LOGIN"), 0, SMTP_AUTH_LOGIN, "LOGIN", NULL },
	{ L("Login dXNlcg=="), 0, SMTP_AUTH_LOGIN, "Login", "dXNlcg==" },
	{ L("LOGIN a+/9"), 0, SMTP_AUTH_LOGIN, "LOGIN", "a+/9" },
	{ L("CRAM-MD5"), 0, SMTP_AUTH_OTHER, "CRAM-MD5", NULL },
	{ L("SCRAM-SHA-256-PLUS biws"), 0, SMTP_AUTH_OTHER, "SCRAM-SHA-256-PLUS", "biws" },
	{ L("X_OAUTH2"), 0, SMTP_AUTH_OTHER, "X_OAUTH2", NULL },
	{ L("PLAINX"), 0, SMTP_AUTH_OTHER, "PLAINX", NULL },
	{ L("ABCDEFGHIJKLMNOPQRST"), 0, SMTP_AUTH_OTHER, "ABCDEFGHIJKLMNOPQRST", NULL },
	{ L("ABCDEFGHIJKLMNOPQRSTU"), 501, 0, NULL, NULL },
	{ L(""), 501, 0, NULL, NULL },
	{ L(" PLAIN"), 501, 0, NULL, NULL },
	{ L("PL@IN"), 501, 0, NULL, NULL },
	{ L("PLAIN=AGZv"), 501, 0, NULL, NULL },
	{ L("PLA\xc3\x8fN"), 501, 0, NULL, NULL },
	{ L("PLAIN\0"), 501, 0, NULL, NULL },
	{ L("PLAIN AGZ"), 501, 0, NULL, NULL },
	{ L("PLAIN AGZvbwBiYXI=x"), 501, 0, NULL, NULL },
	{ L("PLAIN AGZvb=Bi"), 501, 0, NULL, NULL },
	{ L("PLAIN =="), 501, 0, NULL, NULL },
	{ L("PLAIN ===="), 501, 0, NULL, NULL },
	{ L("PLAIN A==="), 501, 0, NULL, NULL },
	{ L("PLAIN AGZv bwBi"), 501, 0, NULL, NULL },
	{ L("PLAIN = AGZv"), 501, 0, NULL, NULL },
	{ L("PLAIN *"), 501, 0, NULL, NULL },
	{ L("PLAIN AG-v"), 501, 0, NULL, NULL },
	{ L("PLAIN AG\0v"), 501, 0, NULL, NULL },
	{ L("PLAIN AGZ\xc3\xa4"), 501, 0, NULL, NULL },
};

/* test_auth_table - AUTH arguments, accepted and refused */
static void
test_auth_table(void **state)
{
	struct smtp_auth a;
	struct smtp_error err;
	char	*args;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(auth_cases) / sizeof(auth_cases[0]); i++) {
		const struct auth_case *t = &auth_cases[i];

		args = heap_copy(t->args, t->len);
		memset(&err, 0, sizeof(err));
		if (t->code == 0) {
			CHECK(i, smtp_parse_auth(args, t->len, &a, &err) == 0);
			CHECK(i, a.mech == t->mech);
			CHECK(i, a.name == args);
			CHECK(i, a.namelen == strlen(t->name));
			CHECK(i, memcmp(a.name, t->name, a.namelen) == 0);
			CHECK(i, a.initial == (t->resp != NULL));
			if (t->resp != NULL) {
				CHECK(i, a.resp >= args &&
				    a.resp + a.resplen <= args + t->len);
				CHECK(i, a.resplen == strlen(t->resp));
				CHECK(i, memcmp(a.resp, t->resp,
				    a.resplen) == 0);
			}
		} else {
			CHECK(i, smtp_parse_auth(args, t->len, &a, &err) == -1);
			CHECK(i, error_is(&err, 501, "5.5.4", AUTH_SYNTAX));
		}
		test_free(args);
	}
}

/* test_auth_lengths - an initial response of 12288 octets, not more */
static void
test_auth_lengths(void **state)
{
	struct smtp_auth a;
	struct smtp_error err;
	char	*buf;
	size_t	 n;

	(void)state;
	n = 6 + SMTP_AUTH_RESP_MAX + 4;
	buf = test_malloc(n);
	memcpy(buf, "PLAIN ", 6);
	memset(buf + 6, 'A', n - 6);
	assert_int_equal(smtp_parse_auth(buf, n - 4, &a, &err), 0);
	assert_int_equal(a.resplen, SMTP_AUTH_RESP_MAX);
	assert_int_equal(smtp_parse_auth(buf, n, &a, &err), -1);
	assert_true(error_is(&err, 500, "5.5.6",
	    "Authentication exchange line is too long"));
	/* NULL err is allowed */
	assert_int_equal(smtp_parse_auth(buf, 0, &a, NULL), -1);
	test_free(buf);
}

struct bdat_case {
	const char	*args;
	size_t		 len;
	int		 rc;
	uint64_t	 size;
	int		 last;
};

static const struct bdat_case bdat_cases[] = {
	{ L("0"), 0, 0, 0 },
	{ L("0 LAST"), 0, 0, 1 },
	{ L("100 last"), 0, 100, 1 },
	{ L("4096 LaSt"), 0, 4096, 1 },
	{ L("007"), 0, 7, 0 },
	{ L("9999999999999999999"), 0, 9999999999999999999ULL, 0 },
	{ L("9999999999999999999 LAST"), 0, 9999999999999999999ULL, 1 },
	{ L("18446744073709551615"), -1, 0, 0 },
	{ L("00000000000000000001"), -1, 0, 0 },
	{ L(""), -1, 0, 0 },
	{ L("LAST"), -1, 0, 0 },
	{ L(" 1"), -1, 0, 0 },
	{ L("-1"), -1, 0, 0 },
	{ L("+1"), -1, 0, 0 },
	{ L("0x10"), -1, 0, 0 },
	{ L("1e3"), -1, 0, 0 },
	{ L("1 "), -1, 0, 0 },
	{ L("1LAST"), -1, 0, 0 },
	{ L("1  LAST"), -1, 0, 0 },
	{ L("1\tLAST"), -1, 0, 0 },
	{ L("1 LAS"), -1, 0, 0 },
	{ L("1 LASTX"), -1, 0, 0 },
	{ L("1 LAST LAST"), -1, 0, 0 },
	{ L("1 FIRST"), -1, 0, 0 },
	{ L("1 2"), -1, 0, 0 },
	{ L("1 LAST\0"), -1, 0, 0 },
	{ L("1\0"), -1, 0, 0 },
	{ L("\xd9\xa1"), -1, 0, 0 },
};

/* test_bdat_table - chunk sizes and LAST, accepted and refused */
static void
test_bdat_table(void **state)
{
	struct smtp_error err;
	uint64_t size;
	char	*args;
	size_t	 i;
	int	 last;

	(void)state;
	for (i = 0; i < sizeof(bdat_cases) / sizeof(bdat_cases[0]); i++) {
		const struct bdat_case *t = &bdat_cases[i];

		args = heap_copy(t->args, t->len);
		memset(&err, 0, sizeof(err));
		size = 12345;
		last = 7;
		CHECK(i, smtp_parse_bdat(args, t->len, &size, &last, &err) ==
		    t->rc);
		CHECK(i, size == t->size);
		CHECK(i, last == t->last);
		if (t->rc == -1)
			CHECK(i, error_is(&err, 501, "5.5.4",
			    "Syntax: BDAT chunk-size [LAST]"));
		test_free(args);
	}
}

/* test_bounded_input - parsers never read past len */
static void
test_bounded_input(void **state)
{
	const char *line = "FROM:<a@b.example>";
	struct smtp_mail m;
	struct smtp_error err;
	char	*copy;
	size_t	 n;

	(void)state;
	/* exactly sized heap copy without NUL: ASan catches an overread */
	for (n = 0; n <= strlen(line); n++) {
		copy = test_malloc(n == 0 ? 1 : n);
		memcpy(copy, line, n);
		if (n == strlen(line))
			assert_int_equal(smtp_parse_mail(copy, n, &m, &err), 0);
		else
			assert_int_equal(smtp_parse_mail(copy, n, &m, &err), -1);
		test_free(copy);
	}
	/* NULL err is allowed */
	assert_int_equal(smtp_parse_mail("x", 1, &m, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_line_controls),
		cmocka_unit_test(test_mail_table),
		cmocka_unit_test(test_rcpt_table),
		cmocka_unit_test(test_mail_params),
		cmocka_unit_test(test_hold_params),
		cmocka_unit_test(test_rcpt_params),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_xtext),
		cmocka_unit_test(test_envid_orcpt_bounds),
		cmocka_unit_test(test_auth_param_bound),
		cmocka_unit_test(test_auth_table),
		cmocka_unit_test(test_auth_lengths),
		cmocka_unit_test(test_bdat_table),
		cmocka_unit_test(test_bounded_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
