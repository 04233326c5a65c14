/*
 * test_dsn.c - takes composed DSNs apart again: MIME structure, required
 * fields, CRLF and line lengths, quoted-printable text, injection attempts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/queue/dsn.h"

#define NOW	((time_t)1700000100)	/* Tue, 14 Nov 2023 22:15:00 +0000 */

struct part {
	const char	*head;		/* part headers */
	size_t		 headlen;
	const char	*body;
	size_t		 bodylen;
};

struct parsed {
	char		*msg;
	size_t		 len;
	size_t		 headlen;	/* top-level header section */
	char		 boundary[80];
	struct part	 parts[4];
	size_t		 nparts;
};

/* check_lines - CRLF only, no bare CR or LF, no line over 998 octets */
static void
check_lines(const char *s, size_t n)
{
	size_t	 i, col = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			assert_true(i + 1 < n && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(s[i] != '\n');
		assert_true(++col <= 998);
	}
	assert_true(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
}

/* header_value - unfolded value of a field in a header block, or NULL */
static char *
header_value(const char *head, size_t n, const char *name)
{
	size_t	 i = 0, nl = strlen(name), o = 0;
	char	*v;

	while (i < n) {
		if ((i == 0 || head[i - 1] == '\n') && i + nl + 1 < n &&
		    strncasecmp(head + i, name, nl) == 0 && head[i + nl] == ':')
			break;
		i++;
	}
	if (i >= n)
		return NULL;
	v = test_malloc(n + 1);
	for (i += nl + 1; i < n && head[i] == ' '; i++)
		;
	for (; i < n; i++) {
		if (head[i] == '\r' && i + 2 < n && head[i + 1] == '\n' &&
		    (head[i + 2] == ' ' || head[i + 2] == '\t')) {
			i += 1;
			continue;
		}
		if (head[i] == '\r')
			break;
		v[o++] = head[i];
	}
	v[o] = '\0';
	return v;
}

/* assert_field - the field is present and equal to want */
static void
assert_field(const char *head, size_t n, const char *name, const char *want)
{
	char	*v = header_value(head, n, name);

	if (v == NULL)
		fail_msg("missing %s", name);
	if (strcmp(v, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", name, v, want);
	test_free(v);
}

/* parse - compose and take apart; fails the test on any structural fault */
static void
parse(const struct dsn_msg *m, struct parsed *p)
{
	const char *b, *end, *next, *sep;
	char	*ct, *q;
	char	 delim[90];

	memset(p, 0, sizeof(*p));
	p->msg = dsn_compose(m, NOW, &p->len);
	assert_non_null(p->msg);
	assert_int_equal(strlen(p->msg), p->len);
	check_lines(p->msg, p->len);

	sep = strstr(p->msg, "\r\n\r\n");
	assert_non_null(sep);
	p->headlen = sep - p->msg + 2;
	ct = header_value(p->msg, p->headlen, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "multipart/report;"));
	assert_non_null(strstr(ct, "report-type=delivery-status;"));
	q = strstr(ct, "boundary=\"");
	assert_non_null(q);
	q += 10;
	assert_non_null(strchr(q, '"'));
	*strchr(q, '"') = '\0';
	assert_true(strlen(q) > 0 && strlen(q) <= 70);
	strcpy(p->boundary, q);
	test_free(ct);

	snprintf(delim, sizeof(delim), "\r\n--%s", p->boundary);
	b = strstr(p->msg, delim);
	assert_non_null(b);
	end = p->msg + p->len;
	for (;;) {
		b += strlen(delim);
		if (b[0] == '-' && b[1] == '-') {
			assert_true(b + 4 == end);
			break;
		}
		assert_true(b[0] == '\r' && b[1] == '\n');
		b += 2;
		next = strstr(b, delim);
		assert_non_null(next);
		assert_true(p->nparts < 4);
		sep = strstr(b, "\r\n\r\n");
		assert_true(sep != NULL && sep < next + 2);
		p->parts[p->nparts].head = b;
		p->parts[p->nparts].headlen = sep - b + 2;
		p->parts[p->nparts].body = sep + 4;
		p->parts[p->nparts].bodylen = next + 2 - (sep + 4);
		p->nparts++;
		b = next;
	}
	/* the boundary occurs nowhere but on its delimiter lines */
	for (q = strstr(p->msg + p->headlen, p->boundary); q != NULL;
	    q = strstr(q + 1, p->boundary))
		assert_true(q[-1] == '-' && q[-2] == '-' && q[-3] == '\n');
}

/* qp_decode - RFC 2045 quoted-printable to a NUL-terminated string */
static char *
qp_decode(const char *s, size_t n)
{
	char	*out = test_malloc(n + 1), hex[3] = { 0 };
	size_t	 i, o = 0, col = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			assert_true(col <= 76);
			col = 0;
			out[o++] = '\n';
			i++;
			continue;
		}
		col++;
		assert_true((unsigned char)s[i] < 0x80);
		if (s[i] != '=') {
			out[o++] = s[i];
			continue;
		}
		assert_true(i + 2 < n);
		if (s[i + 1] == '\r') {
			assert_true(col <= 76);
			col = 0;
			i += 2;
			continue;
		}
		hex[0] = s[i + 1];
		hex[1] = s[i + 2];
		out[o++] = (char)strtol(hex, NULL, 16);
		col += 2;
		i += 2;
	}
	out[o] = '\0';
	return out;
}

/* sample_rcpt - a permanent failure of one number */
static struct dsn_rcpt
sample_rcpt(void)
{
	struct dsn_rcpt r = {
		.rcpt = "+4917012345678@sms.example",
		.orcpt = "rfc822;+4917012345678@sms.example",
		.action = "failed",
		.status = "5.1.1",
		.diagnostic = "number is not in service",
		.last_attempt = NOW - 100,
	};
	return r;
}

/* sample_msg - a bounce of one recipient with headers returned */
static struct dsn_msg
sample_msg(const struct dsn_rcpt *r, size_t n)
{
	static const char headers[] = "From: Alice <alice@example.com>\r\n"
	    "To: +4917012345678@sms.example\r\nSubject: hello\r\n\r\n";
	struct dsn_msg m = {
		.reporting_mta = "sms.example.com",
		.queue_id = "0123456789ABCDEF",
		.to = "alice@example.com",
		.envid = "QQ314159",
		.arrival = NOW - 3600,
		.orig_headers = headers,
		.orig_headers_len = sizeof(headers) - 1,
		.rcpts = r,
		.nrcpts = n,
	};
	return m;
}

/* test_structure - top-level fields, three parts, their types */
static void
test_structure(void **state)
{
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;
	struct part *st;

	(void)state;
	parse(&m, &p);
	assert_field(p.msg, p.headlen, "Date", "Tue, 14 Nov 2023 22:15:00 +0000");
	assert_field(p.msg, p.headlen, "From",
	    "Mail Delivery System <MAILER-DAEMON@sms.example.com>");
	assert_field(p.msg, p.headlen, "To", "<alice@example.com>");
	assert_field(p.msg, p.headlen, "Subject",
	    "Undelivered SMS: +4917012345678");
	assert_field(p.msg, p.headlen, "Message-ID",
	    "<0123456789ABCDEF.1700000100@sms.example.com>");
	assert_field(p.msg, p.headlen, "Auto-Submitted", "auto-replied");
	assert_field(p.msg, p.headlen, "MIME-Version", "1.0");
	assert_field(p.msg, p.headlen, "Content-Transfer-Encoding", "7bit");

	assert_int_equal(p.nparts, 3);
	assert_field(p.parts[0].head, p.parts[0].headlen, "Content-Type",
	    "text/plain; charset=utf-8");
	assert_field(p.parts[0].head, p.parts[0].headlen,
	    "Content-Transfer-Encoding", "quoted-printable");
	assert_field(p.parts[1].head, p.parts[1].headlen, "Content-Type",
	    "message/delivery-status");
	assert_field(p.parts[2].head, p.parts[2].headlen, "Content-Type",
	    "text/rfc822-headers");

	st = &p.parts[1];
	assert_field(st->body, st->bodylen, "Reporting-MTA",
	    "dns; sms.example.com");
	assert_field(st->body, st->bodylen, "Original-Envelope-Id", "QQ314159");
	assert_field(st->body, st->bodylen, "Arrival-Date",
	    "Tue, 14 Nov 2023 21:15:00 +0000");
	assert_field(st->body, st->bodylen, "Original-Recipient",
	    "rfc822;+4917012345678@sms.example");
	assert_field(st->body, st->bodylen, "Final-Recipient",
	    "rfc822; +4917012345678@sms.example");
	assert_field(st->body, st->bodylen, "Action", "failed");
	assert_field(st->body, st->bodylen, "Status", "5.1.1");
	assert_field(st->body, st->bodylen, "Diagnostic-Code",
	    "smtp; 550 5.1.1 number is not in service");
	assert_field(st->body, st->bodylen, "Last-Attempt-Date",
	    "Tue, 14 Nov 2023 22:13:20 +0000");
	/* per-message fields, blank line, per-recipient fields */
	assert_non_null(strstr(st->body,
	    "+0000\r\n\r\nOriginal-Recipient:"));

	assert_memory_equal(p.parts[2].body, m.orig_headers,
	    m.orig_headers_len);
	free(p.msg);
}

/* test_qp_utf8 - the explanation survives quoted-printable intact */
static void
test_qp_utf8(void **state)
{
	char	 diag[1200];
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;
	char	*text;
	size_t	 i;

	(void)state;
	/* long words without spaces, '=', UTF-8, a trailing space */
	snprintf(diag, sizeof(diag), "Ung\xc3\xbcltige Rufnummer \xe2\x80\x93 "
	    "a=b %s \xf0\x9f\x93\xb1 ", "x");
	for (i = strlen(diag); i < 300; i++)
		diag[i] = 'z';
	diag[i++] = ' ';
	diag[i] = '\0';
	r.diagnostic = diag;
	parse(&m, &p);
	text = qp_decode(p.parts[0].body, p.parts[0].bodylen);
	assert_non_null(strstr(text, "+4917012345678"));
	/* words wrapped at spaces, continuation indented like the line */
	assert_non_null(strstr(text, "    Reason: Ung\xc3\xbcltige Rufnummer "
	    "\xe2\x80\x93 a=b x \xf0\x9f\x93\xb1\n    zzzz"));
	/* a trailing blank is encoded so transport cannot strip it */
	assert_non_null(strstr(text, "zzz \n"));
	assert_non_null(memmem(p.parts[0].body, p.parts[0].bodylen,
	    "z=20\r\n", 6));
	assert_non_null(strstr(text, "not delivered"));
	test_free(text);
	/* the status part is ASCII: one '?' per character not in it */
	assert_non_null(strstr(p.parts[1].body,
	    "Diagnostic-Code: smtp; 550 5.1.1 Ung?ltige Rufnummer ? a=b x ?"));
	for (i = 0; i < p.len; i++)
		assert_true((unsigned char)p.msg[i] < 0x80);
	free(p.msg);
}

static const char *const top_fields[] = {
	"Date", "From", "To", "Subject", "Message-ID", "Auto-Submitted",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", NULL
};
static const char *const status_fields[] = {
	"Reporting-MTA", "Original-Envelope-Id", "Arrival-Date",
	"Original-Recipient", "Final-Recipient", "Action", "Status",
	"Diagnostic-Code", "Last-Attempt-Date", NULL
};
static const char *const part_fields[] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-Description", NULL
};

/* only_fields - every line of a header block starts a known field or folds */
static void
only_fields(const char *s, size_t n, const char *const *names)
{
	size_t	 i, k, nl;

	for (i = 0; i < n; i++) {
		if (i > 0 && s[i - 1] != '\n')
			continue;
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
			continue;
		for (k = 0; names[k] != NULL; k++) {
			nl = strlen(names[k]);
			if (i + nl < n && strncmp(s + i, names[k], nl) == 0 &&
			    s[i + nl] == ':')
				break;
		}
		if (names[k] == NULL)
			fail_msg("unexpected line: %.40s", s + i);
	}
}

/* test_injection - CR/LF in every input stays inside its own field */
static void
test_injection(void **state)
{
	static const char evil[] = "x\r\nBcc: victim@example.net\r\n\r\nbody";
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;
	char	*v;
	size_t	 i;

	(void)state;
	r.rcpt = evil;
	r.orcpt = evil;
	r.diagnostic = evil;
	m.to = evil;
	m.from = evil;
	m.envid = evil;
	m.queue_id = evil;
	m.reporting_mta = "host\nX-Injected: 1";
	parse(&m, &p);
	assert_int_equal(p.nparts, 3);
	only_fields(p.msg, p.headlen, top_fields);
	only_fields(p.parts[1].body, p.parts[1].bodylen, status_fields);
	for (i = 0; i < p.nparts; i++)
		only_fields(p.parts[i].head, p.parts[i].headlen, part_fields);
	v = header_value(p.msg, p.headlen, "To");
	assert_string_equal(v, "<x  Bcc: victim@example.net    body>");
	test_free(v);
	v = header_value(p.msg, p.headlen, "Message-ID");
	assert_non_null(v);
	assert_null(strchr(v, ' '));
	assert_null(strchr(v + 1, '<'));
	test_free(v);
	free(p.msg);
}

/* test_multiple - one recipient group each; subject counts the failures */
static void
test_multiple(void **state)
{
	struct dsn_rcpt r[3];
	struct dsn_msg m;
	struct parsed p;
	const char *s;
	size_t	 groups = 0;
	char	*text;

	(void)state;
	r[0] = sample_rcpt();
	r[1] = sample_rcpt();
	r[1].rcpt = "\"+49 170 999\"@sms.example";
	r[1].orcpt = NULL;
	r[1].diagnostic = NULL;
	r[1].last_attempt = 0;
	r[2] = sample_rcpt();
	r[2].rcpt = "+4369912345@sms.example";
	r[2].orcpt = "+4369912345@sms.example";
	r[2].action = "delayed";
	r[2].status = "4.4.1";
	m = sample_msg(r, 3);
	m.envid = NULL;
	parse(&m, &p);
	assert_field(p.msg, p.headlen, "Subject",
	    "Undelivered SMS: +4917012345678 and 1 more");
	for (s = p.parts[1].body; (s = strstr(s, "Final-Recipient:")) != NULL;
	    s++)
		groups++;
	assert_int_equal(groups, 3);
	assert_null(strstr(p.parts[1].body, "Original-Envelope-Id"));
	assert_non_null(strstr(p.parts[1].body, "Final-Recipient: rfc822; "
	    "\"+49 170 999\"@sms.example\r\nAction: failed\r\n"
	    "Status: 5.1.1\r\n\r\n"));
	/* ORCPT without a type gets rfc822 */
	assert_non_null(strstr(p.parts[1].body,
	    "Original-Recipient: rfc822;+4369912345@sms.example\r\n"));
	assert_non_null(strstr(p.parts[1].body, "Action: delayed\r\n"
	    "Status: 4.4.1\r\nDiagnostic-Code: smtp; 450 4.4.1 "));
	text = qp_decode(p.parts[0].body, p.parts[0].bodylen);
	assert_non_null(strstr(text, "Number +49 170 999 "));
	assert_non_null(strstr(text, "+4369912345"));
	test_free(text);
	free(p.msg);
}

/* test_subjects - delay and success notices; no third part without headers */
static void
test_subjects(void **state)
{
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;

	(void)state;
	r.action = "delayed";
	r.status = "4.4.1";
	m.orig_headers = NULL;
	m.orig_headers_len = 0;
	parse(&m, &p);
	assert_field(p.msg, p.headlen, "Subject",
	    "Delivery Status Notification (Delay)");
	assert_int_equal(p.nparts, 2);
	free(p.msg);

	r.action = "delivered";
	r.status = "2.0.0";
	r.diagnostic = NULL;
	m.from = "bounces@sms.example.com";
	parse(&m, &p);
	assert_field(p.msg, p.headlen, "Subject",
	    "Delivery Status Notification (Success)");
	assert_field(p.msg, p.headlen, "From",
	    "Mail Delivery System <bounces@sms.example.com>");
	assert_null(strstr(p.msg, "Diagnostic-Code"));
	free(p.msg);
}

/* test_full_message - RET=FULL: message/rfc822, repaired line ends, 8bit */
static void
test_full_message(void **state)
{
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;
	char	*orig, *body;
	size_t	 n = 0, i;

	(void)state;
	orig = test_malloc(4096);
	n += (size_t)sprintf(orig, "Subject: gr\xc3\xbc\xc3\x9f" "e\n"
	    "X-Long: ");
	for (i = 0; i < 1500; i++)
		orig[n++] = 'h';
	n += (size_t)sprintf(orig + n, "\n\nbare LF\nbare CR\rCRLF\r\n");
	for (i = 0; i < 1200; i++)
		orig[n++] = 'b';
	orig[n++] = '\0';
	n += (size_t)sprintf(orig + n, "=_smsrelay_0123456789ABCDEF_1700000100_0");
	m.orig_message = orig;
	m.orig_message_len = n;
	parse(&m, &p);
	assert_int_equal(p.nparts, 3);
	assert_field(p.msg, p.headlen, "Content-Transfer-Encoding", "8bit");
	assert_field(p.parts[2].head, p.parts[2].headlen, "Content-Type",
	    "message/rfc822");
	assert_field(p.parts[2].head, p.parts[2].headlen,
	    "Content-Transfer-Encoding", "8bit");
	/* the original held the first candidate boundary */
	assert_string_equal(p.boundary,
	    "=_smsrelay_0123456789ABCDEF_1700000100_1");
	body = test_malloc(p.parts[2].bodylen + 1);
	memcpy(body, p.parts[2].body, p.parts[2].bodylen);
	body[p.parts[2].bodylen] = '\0';
	/* the long header continues folded; the long body line just breaks */
	assert_non_null(strstr(body, "hhh\r\n hhh"));
	assert_non_null(strstr(body, "\r\n\r\nbare LF\r\nbare CR\r\nCRLF\r\n"));
	assert_non_null(strstr(body, "bbb\r\nbbb"));
	assert_non_null(strstr(body, "b?=_smsrelay_"));
	test_free(body);
	test_free(orig);
	free(p.msg);
}

/* test_long_values - unbroken 3000-octet inputs still give lines <= 998 */
static void
test_long_values(void **state)
{
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	struct parsed p;
	char	*big;

	(void)state;
	big = test_malloc(3001);
	memset(big, 'q', 3000);
	big[3000] = '\0';
	r.rcpt = r.orcpt = r.diagnostic = big;
	m.to = m.envid = m.queue_id = m.reporting_mta = big;
	parse(&m, &p);		/* check_lines() bounds every line */
	assert_int_equal(p.nparts, 3);
	free(p.msg);
	test_free(big);
}

/* test_invalid - refused input, and the length pointer is optional */
static void
test_invalid(void **state)
{
	struct dsn_rcpt r = sample_rcpt();
	struct dsn_msg m = sample_msg(&r, 1);
	static const char *bad_status[] = {
		"5.1", "3.1.1", "5.1.1.", "5.1111.1", "5..1", "", "5.1.1 "
	};
	char	*s;
	size_t	 i;

	(void)state;
	assert_null(dsn_compose(NULL, NOW, NULL));
	assert_int_equal(errno, EINVAL);
	r.action = "bounced";
	assert_null(dsn_compose(&m, NOW, NULL));
	assert_int_equal(errno, EINVAL);
	r = sample_rcpt();
	for (i = 0; i < sizeof(bad_status) / sizeof(bad_status[0]); i++) {
		r.status = bad_status[i];
		errno = 0;
		if (dsn_compose(&m, NOW, NULL) != NULL || errno != EINVAL)
			fail_msg("status \"%s\" accepted", bad_status[i]);
	}
	r = sample_rcpt();
	m.nrcpts = 0;
	assert_null(dsn_compose(&m, NOW, NULL));
	m.nrcpts = 1;
	m.to = "";
	assert_null(dsn_compose(&m, NOW, NULL));
	m.to = "alice@example.com";
	m.reporting_mta = NULL;
	assert_null(dsn_compose(&m, NOW, NULL));
	m.reporting_mta = "sms.example.com";
	r.status = "4.4.7";
	r.action = "failed";
	s = dsn_compose(&m, NOW, NULL);
	assert_non_null(s);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_qp_utf8),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_multiple),
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_full_message),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
