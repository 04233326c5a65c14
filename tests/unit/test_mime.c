/*
 * test_mime.c - mime_extract() on one message of each kind the fuzz corpus
 * seeds, each fed with LF and with CRLF line ends; plus the selftest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/mime.h"

struct mime_case {
	const char	*name;
	const char	*raw;		/* LF line ends; run also as CRLF */
	const char	*subject;	/* expected; NULL: none */
	const char	*body;
	const char	*from;
	const char	*from_name;
};

static const struct mime_case cases[] = {
	{ "plain",
	  "From: Alice Example <alice@example.org>\n"
	  "To: +4917012345678@sms.example.com\n"
	  "Subject: Server down\n"
	  "\n"
	  "The web server stopped answering at 20:00.\n"
	  "Please check.\n",
	  "Server down",
	  "The web server stopped answering at 20:00.\nPlease check.\n",
	  "alice@example.org", "Alice Example" },
	{ "quoted-printable windows-1252, soft break",
	  "From: bob@example.org\n"
	  "Subject: Rechnung\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=windows-1252\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "Betrag: 12,50 =80 =93f=E4llig=94 am Montag, sehr lange Zeile =\n"
	  "fortgesetzt.\n",
	  "Rechnung",
	  "Betrag: 12,50 \xe2\x82\xac \xe2\x80\x9c" "f\xc3\xa4llig\xe2\x80\x9d"
	  " am Montag, sehr lange Zeile fortgesetzt.\n",
	  "bob@example.org", NULL },
	{ "base64 UTF-8 with encoded subject and name",
	  "From: =?UTF-8?B?SsO8cmdlbg==?= <j@example.org>\n"
	  "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n"
	  "Content-Type: text/plain; charset=\"UTF-8\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "R3LDvMOfZSBhdXMgS8O2bG4g4oCUIOKCrCAxMAo=\n",
	  "Gr\xc3\xbc\xc3\x9f" "e",
	  "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln "
	  "\xe2\x80\x94 \xe2\x82\xac 10\n",
	  "j@example.org", "J\xc3\xbcrgen" },
	{ "multipart/alternative picks text/plain",
	  "From: \"Carol C.\" <carol@example.org>\n"
	  "Subject: Meeting\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=\"alt-1\"\n"
	  "\n"
	  "preamble\n"
	  "--alt-1\n"
	  "Content-Type: text/html; charset=us-ascii\n"
	  "\n"
	  "<p>Meeting moved to <b>3pm</b>.</p>\n"
	  "--alt-1\n"
	  "Content-Type: text/plain; charset=us-ascii\n"
	  "\n"
	  "Meeting moved to 3pm.\n"
	  "--alt-1--\n",
	  "Meeting", "Meeting moved to 3pm.",
	  "carol@example.org", "Carol C." },
	{ "nested mixed: text attachment and PDF are skipped",
	  "From: dave@example.org\n"
	  "Subject: Report attached\n"
	  "Content-Type: multipart/mixed; boundary=\"mix\"\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: text/plain; name=\"notes.txt\"\n"
	  "Content-Disposition: attachment; filename=\"notes.txt\"\n"
	  "\n"
	  "not the body\n"
	  "--mix\n"
	  "Content-Type: multipart/alternative; boundary=\"alt\"\n"
	  "\n"
	  "--alt\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "See the report.\n"
	  "--alt--\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: application/pdf; name=\"report.pdf\"\n"
	  "Content-Disposition: attachment; filename=\"report.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "JVBERi0xLjQK\n"
	  "--mix--\n",
	  "Report attached", "See the report.", "dave@example.org", NULL },
	{ "message/rfc822: inner text, outer headers",
	  "From: eve@example.org\n"
	  "Subject: Fwd: Alarm\n"
	  "Content-Type: multipart/mixed; boundary=\"outer\"\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Forwarding.</p>\n"
	  "--outer\n"
	  "Content-Type: message/rfc822\n"
	  "\n"
	  "From: monitor@example.net\n"
	  "Subject: Alarm\n"
	  "Content-Type: text/plain; charset=iso-8859-1\n"
	  "\n"
	  "Disk /var voll (98 \xb0" "C).\n"
	  "--outer--\n",
	  "Fwd: Alarm", "Disk /var voll (98 \xc2\xb0" "C).",
	  "eve@example.org", NULL },
	{ "RFC 2047: mixed charsets, adjacent words, folding",
	  "From: =?ISO-8859-1?Q?Fran=E7ois?= \"de la Tour\" <f@example.org>\n"
	  "Subject: =?iso-8859-1?q?Caf=E9?= =?utf-8?q?_und_?=\n"
	  " =?UTF-8?B?8J+Ygg==?= done\n"
	  "\n"
	  "ok\n",
	  "Caf\xc3\xa9 und \xf0\x9f\x98\x82 done", "ok\n",
	  "f@example.org", "Fran\xc3\xa7ois de la Tour" },
	{ "broken boundary: stray delimiter, no close delimiter",
	  "From: frank@example.org\n"
	  "Subject: broken\n"
	  "Content-Type: multipart/mixed; boundary=\"right\"\n"
	  "\n"
	  "--wrong\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<p>ignored</p>\n"
	  "--right\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "first part, never closed\n",
	  "broken", "first part, never closed", "frank@example.org", NULL },
	{ "truncated base64 with junk characters",
	  "From: grace@example.org\n"
	  "Subject: truncated\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "SGVsbG8gV29y!!bGQ\n",
	  "truncated", "Hello World", "grace@example.org", NULL },
	{ "no charset, 8-bit windows-1252 body and subject",
	  "From: heidi@example.org\n"
	  "Subject: Gr\xfc\xdf" "e\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "Sch\xf6ne Gr\xfc\xdf" "e \x96 bis bald.\n",
	  "Gr\xc3\xbc\xc3\x9f" "e",
	  "Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x93 bis bald.\n",
	  "heidi@example.org", NULL },
	{ "no charset, valid UTF-8 stays UTF-8",
	  "From: ivan@example.org\n"
	  "Subject: Stra\xc3\x9f" "e\n"
	  "\n"
	  "Stra\xc3\x9f" "e gesperrt \xe2\x80\x93 Umleitung.\n",
	  "Stra\xc3\x9f" "e",
	  "Stra\xc3\x9f" "e gesperrt \xe2\x80\x93 Umleitung.\n",
	  "ivan@example.org", NULL },
	{ "HTML only: no body yet",
	  "From: judy@example.org\n"
	  "Subject: Newsletter\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Hello</p>\n",
	  "Newsletter", NULL, "judy@example.org", NULL },
	{ "invalid UTF-8 and NUL become U+FFFD",
	  "From: mallory@example.org\n"
	  "Subject: bad bytes\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "A=FFB=C3C=00D=ED=A0=80E\n",
	  "bad bytes",
	  "A\xef\xbf\xbd" "B\xef\xbf\xbd" "C\xef\xbf\xbd" "D"
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "E\n",
	  "mallory@example.org", NULL },
	{ "unknown charset label falls back to the guess",
	  "Subject: x\n"
	  "Content-Type: text/plain; charset=x-no-such-charset\n"
	  "\n"
	  "caf\xe9\n",
	  "x", "caf\xc3\xa9\n", NULL, NULL },
	{ "ISO-8859-1 body label read as windows-1252",
	  "Subject: =?iso-8859-1?q?Gr=FC=DFe?=\n"
	  "Content-Type: text/plain; charset=ISO-8859-1\n"
	  "\n"
	  "\x93quoted\x94\n",
	  "Gr\xc3\xbc\xc3\x9f" "e", "\xe2\x80\x9cquoted\xe2\x80\x9d\n",
	  NULL, NULL },
	{ "empty message",
	  "", NULL, "", NULL, NULL },
};

/* to_crlf - the same text with every LF preceded by CR */
static char *
to_crlf(const char *s)
{
	char	*out, *o;

	out = malloc(strlen(s) * 2 + 1);
	assert_non_null(out);
	for (o = out; *s != '\0'; s++) {
		if (*s == '\n')
			*o++ = '\r';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* check_field - equal strings, or both NULL */
static void
check_field(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* check_case - extract raw and compare every field */
static void
check_case(const struct mime_case *c, const char *raw)
{
	struct mime_text	 t;

	print_message("# case: %s\n", c->name);
	assert_int_equal(mime_extract(raw, strlen(raw), &t), 0);
	check_field(t.subject, c->subject);
	check_field(t.body, c->body);
	check_field(t.from, c->from);
	check_field(t.from_name, c->from_name);
	mime_text_free(&t);
	assert_null(t.body);
}

/* test_cases_lf - every case with bare LF line ends */
static void
test_cases_lf(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i], cases[i].raw);
}

/* test_cases_crlf - every case as it arrives over SMTP */
static void
test_cases_crlf(void **state)
{
	size_t	 i;
	char	*raw;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw = to_crlf(cases[i].raw);
		check_case(&cases[i], raw);
		free(raw);
	}
}

/*
 * test_not_terminated - the length is the bound: a buffer with no NUL,
 * cut in the middle of a word, yields only the bytes before the cut.
 */
static void
test_not_terminated(void **state)
{
	static const char	 msg[] =
	    "Subject: s\r\n\r\nkeep this, not that";
	struct mime_text	 t;
	size_t			 n = strlen("Subject: s\r\n\r\nkeep this");
	char			*raw;

	(void)state;
	/* exactly n bytes on the heap: ASan catches any read past them */
	raw = malloc(n);
	assert_non_null(raw);
	memcpy(raw, msg, n);
	assert_int_equal(mime_extract(raw, n, &t), 0);
	assert_string_equal(t.subject, "s");
	assert_string_equal(t.body, "keep this");
	mime_text_free(&t);
	free(raw);
}

/* test_crlf_in_body_normalised - no CR survives, lone CR is a line break */
static void
test_crlf_in_body_normalised(void **state)
{
	static const char	 raw[] =
	    "Subject: a\r\n b\r\n\r\none\r\ntwo\rthree";
	struct mime_text	 t;

	(void)state;
	assert_int_equal(mime_extract(raw, sizeof(raw) - 1, &t), 0);
	assert_string_equal(t.subject, "a b");
	assert_string_equal(t.body, "one\ntwo\nthree");
	mime_text_free(&t);
}

/* test_selftest - iconv has windows-1252 on the build machine */
static void
test_selftest(void **state)
{
	(void)state;
	assert_int_equal(mime_selftest(), 0);
}

/* main - run the group, TAP when CMOCKA_MESSAGE_OUTPUT=TAP */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_lf),
		cmocka_unit_test(test_cases_crlf),
		cmocka_unit_test(test_not_terminated),
		cmocka_unit_test(test_crlf_in_body_normalised),
		cmocka_unit_test(test_selftest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
