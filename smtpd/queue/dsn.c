/*
 * dsn.c - composes RFC 3464 bounces: a quoted-printable explanation, the
 * message/delivery-status report and the original headers or message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/lib/utf8.h"
#include "smtpd/envelope.h"
#include "smtpd/queue/dsn.h"

#define LINE_MAX_OCTETS	998	/* RFC 5322 2.1.1, without the CRLF */
#define FOLD_AT		78	/* where header folding starts */
#define QP_LINE		76	/* RFC 2045 6.7 (5) */
#define WRAP_AT		72	/* human text, before encoding */
#define DIAG_MAX	900	/* octets of diagnostic kept */
#define FIELD_MAX	512	/* octets of any other value kept */
#define QUEUE_ID_MAX	64	/* octets of queue id in the Message-ID */
#define BOUNDARY_ID_MAX	20	/* ... and in the boundary, within its 70 */

/* buf_str - append a C string */
static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* buf_fmt - append printf output; our formats stay far below the buffer */
static void __attribute__((format(printf, 2, 3)))
buf_fmt(struct buf *b, const char *fmt, ...)
{
	char	 tmp[256];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = true;
	else
		buf_add(b, tmp, (size_t)n);
}

/*
 * put_ascii - s as one line of printable ASCII, at most max octets: controls
 * (CR and LF above all) become spaces and each non-ASCII character one '?',
 * so no input can start a header of its own.
 */
static void
put_ascii(struct buf *b, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, n = strlen(s), k, out = 0;
	char	 c;

	while (i < n && out < max) {
		if (u[i] >= 0x80) {
			k = utf8_decode(u + i, n - i, NULL);
			i += k ? k : 1;
			c = '?';
		} else {
			c = (u[i] < 0x20 || u[i] == 0x7f) ? ' ' : (char)u[i];
			i++;
		}
		buf_add(b, &c, 1);
		out++;
	}
}

/*
 * put_utf8 - s as one line of UTF-8 text for the explanation: controls
 * become spaces, malformed octets '?'; cut at a character boundary.
 */
static void
put_utf8(struct buf *b, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, n = strlen(s), k;

	while (i < n && i < max) {
		if ((k = utf8_decode(u + i, n - i, NULL)) == 0) {
			buf_add(b, "?", 1);
			i++;
		} else if (k == 1 && (u[i] < 0x20 || u[i] == 0x7f)) {
			buf_add(b, " ", 1);
			i++;
		} else if (i + k <= max) {
			buf_add(b, u + i, k);
			i += k;
		} else
			break;
	}
}

/* put_token - s for a Message-ID or boundary: letters, digits, '-', '.' only */
static void
put_token(struct buf *b, const char *s, size_t max)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < max && s[i] != '\0'; i++) {
		c = s[i];
		if (!(ascii_alnum((unsigned char)c) || c == '-' || c == '.'))
			c = '_';
		buf_add(b, &c, 1);
	}
}

/*
 * put_field - "Name: value" folded before spaces near column 78. Values
 * are clean ASCII capped at DIAG_MAX or FIELD_MAX octets, so even an
 * unfoldable value stays within 998 octets.
 */
static void
put_field(struct buf *b, const char *name, const char *value)
{
	size_t	 col, i = 0, word, vlen = strlen(value);

	buf_str(b, name);
	buf_str(b, ": ");
	col = strlen(name) + 2;
	while (i < vlen) {
		for (word = 1; i + word < vlen && value[i + word] != ' '; word++)
			;
		if (value[i] == ' ' && col + word > FOLD_AT && i > 0) {
			buf_str(b, "\r\n");
			col = 0;
		}
		buf_add(b, value + i, word);
		col += word;
		i += word;
	}
	buf_str(b, "\r\n");
}

/* put_clean_field - a header or status field from untrusted text */
static void
put_clean_field(struct buf *b, const char *name, const char *prefix,
    const char *value, size_t max, const char *suffix)
{
	struct buf v = { 0 };

	buf_str(&v, prefix);
	put_ascii(&v, value, max);
	buf_str(&v, suffix);
	if (v.failed)
		b->failed = true;
	else
		put_field(b, name, v.p != NULL ? v.s : "");
	free(v.p);
}

/* fmt_date - RFC 5322 date in UTC, English names whatever the locale */
static int
fmt_date(time_t t, char out[40])
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 + 1 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	snprintf(out, 40, "%s, %d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

/* status_ok - RFC 3463 "class.subject.detail" with class 2, 4 or 5 */
static int
status_ok(const char *s)
{
	size_t	 i = 2, digits;
	int	 part;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	if (s[1] != '.')
		return 0;
	for (part = 0; part < 2; part++) {
		for (digits = 0; s[i] >= '0' && s[i] <= '9'; digits++, i++)
			;
		if (digits == 0 || digits > 3)
			return 0;
		if (part == 0 && s[i++] != '.')
			return 0;
	}
	return s[i] == '\0';
}

/* valid_msg - everything dsn_compose relies on is there and well-formed */
static int
valid_msg(const struct dsn_msg *m)
{
	size_t	 i;

	if (m == NULL || m->reporting_mta == NULL || !m->reporting_mta[0] ||
	    m->queue_id == NULL || m->to == NULL || !m->to[0] ||
	    m->rcpts == NULL || m->nrcpts == 0 ||
	    (m->orig_headers == NULL && m->orig_headers_len != 0) ||
	    (m->orig_message == NULL && m->orig_message_len != 0))
		return 0;
	for (i = 0; i < m->nrcpts; i++) {
		const struct dsn_rcpt *r = &m->rcpts[i];

		if (r->rcpt == NULL || r->action == NULL || r->status == NULL ||
		    !status_ok(r->status) ||
		    (strcmp(r->action, "failed") != 0 &&
		    strcmp(r->action, "delayed") != 0 &&
		    strcmp(r->action, "delivered") != 0 &&
		    strcmp(r->action, "relayed") != 0))
			return 0;
	}
	return 1;
}

/* count_action - recipients with this action */
static size_t
count_action(const struct dsn_msg *m, const char *action)
{
	size_t	 i, n = 0;

	for (i = 0; i < m->nrcpts; i++)
		if (strcmp(m->rcpts[i].action, action) == 0)
			n++;
	return n;
}

/* put_number - the SMS number of a recipient: its unquoted local part */
static void
put_number(struct buf *b, const char *rcpt, int utf8)
{
	struct smtp_addr a;

	if (smtp_addr_split(rcpt, strlen(rcpt), &a) == -1)
		a.local[0] = '\0';
	if (utf8)
		put_utf8(b, a.local[0] ? a.local : rcpt, FIELD_MAX);
	else
		put_ascii(b, a.local[0] ? a.local : rcpt, FIELD_MAX);
}

/* put_subject - by the gravest action: failure, then delay, then success */
static void
put_subject(struct buf *b, const struct dsn_msg *m)
{
	struct buf s = { 0 };
	size_t	 i, nfailed = count_action(m, "failed");

	if (nfailed > 0) {
		for (i = 0; strcmp(m->rcpts[i].action, "failed") != 0; i++)
			;
		buf_str(&s, "Undelivered SMS: ");
		put_number(&s, m->rcpts[i].rcpt, 0);
		if (nfailed > 1)
			buf_fmt(&s, " and %zu more", nfailed - 1);
	} else if (count_action(m, "delayed") > 0)
		buf_str(&s, "Delivery Status Notification (Delay)");
	else
		buf_str(&s, "Delivery Status Notification (Success)");
	if (s.failed)
		b->failed = true;
	else
		put_field(b, "Subject", s.s);
	free(s.p);
}

/* explain_reason - a recipient's reason, and the provider's words */
static void
explain_reason(struct buf *t, const struct dsn_rcpt *r)
{
	const char *why = r->explanation != NULL ? r->explanation :
	    r->diagnostic;

	if (why != NULL && why[0] != '\0') {
		if (r->explanation == NULL && r->diag_type != NULL)
			buf_str(t, "    The provider said: ");
		else if (r->explanation == NULL &&
		    strcmp(r->action, "relayed") == 0)
			buf_str(t, "    Provider message id: ");
		else
			buf_str(t, "    Reason: ");
		put_utf8(t, why, DIAG_MAX);
		buf_str(t, "\n");
	}
	if (r->explanation != NULL && r->diagnostic != NULL &&
	    r->diagnostic[0] != '\0') {
		buf_str(t, "    The provider said: ");
		put_utf8(t, r->diagnostic, DIAG_MAX);
		buf_str(t, "\n");
	}
	if (r->remote_mta != NULL) {
		buf_str(t, "    Backend: ");
		put_utf8(t, r->remote_mta, FIELD_MAX);
		buf_str(t, "\n");
	}
}

/* explain - the human part, UTF-8 with LF line ends, before QP encoding */
static void
explain(struct buf *t, const struct dsn_msg *m)
{
	const struct dsn_rcpt *r;
	char	 date[40];
	size_t	 i;

	buf_str(t, "This is the SMS relay at ");
	put_utf8(t, m->reporting_mta, FIELD_MAX);
	buf_str(t, ".\n\n");
	if (count_action(m, "failed") > 0)
		buf_str(t, "Your message could not be delivered as SMS to one "
		    "or more recipients. No further attempts will be made "
		    "for them.\n");
	else if (count_action(m, "delayed") > 0)
		buf_str(t, "Your message has not yet been delivered as SMS to "
		    "one or more recipients. Delivery will be retried; there "
		    "is no need to send it again.\n");
	else if (count_action(m, "delivered") == m->nrcpts)
		buf_str(t, "Your message was delivered as SMS to the phones "
		    "of the recipients below.\n");
	else
		buf_str(t, "Your message was handed to the SMS provider for "
		    "the recipients below.\n");
	for (i = 0; i < m->nrcpts; i++) {
		r = &m->rcpts[i];
		buf_str(t, "\nNumber ");
		put_number(t, r->rcpt, 1);
		buf_str(t, " (<");
		put_utf8(t, r->rcpt, FIELD_MAX);
		if (strcmp(r->action, "failed") == 0)
			buf_str(t, ">): not delivered");
		else if (strcmp(r->action, "delayed") == 0)
			buf_str(t, ">): delayed, still trying");
		else if (strcmp(r->action, "relayed") == 0)
			buf_str(t, ">): accepted by the SMS provider");
		else
			buf_str(t, ">): delivered");
		if (r->handset != 0 && fmt_date(r->handset, date) == 0)
			buf_fmt(t, " to the phone on %s", date);
		buf_fmt(t, " (status %s)\n", r->status);
		explain_reason(t, r);
	}
}

/*
 * wrap - text with LF line ends re-broken at spaces before column 72, the
 * continuation indented like its line, so readers see whole words and
 * quoted-printable soft breaks are left for runs without spaces.
 */
static void
wrap(struct buf *b, const char *s, size_t n)
{
	size_t	 i = 0, eol, indent, col, word;

	while (i < n) {
		for (eol = i; eol < n && s[eol] != '\n'; eol++)
			;
		for (indent = 0; i + indent < eol && s[i + indent] == ' ';
		    indent++)
			;
		buf_add(b, s + i, indent);
		col = indent;
		i += indent;
		while (i < eol) {
			for (word = 1; i + word < eol && s[i + word] != ' ';
			    word++)
				;
			if (s[i] == ' ' && word > 1 && col + word > WRAP_AT &&
			    col > indent) {
				buf_str(b, "\n");
				for (col = 0; col < indent; col++)
					buf_str(b, " ");
				i++;
				word--;
			}
			buf_add(b, s + i, word);
			col += word;
			i += word;
		}
		buf_str(b, "\n");
		i = eol + 1;
	}
}

/*
 * put_qp - RFC 2045 quoted-printable of UTF-8 text with LF line ends:
 * CRLF hard breaks, "=" soft breaks within 76 columns, trailing blanks
 * encoded. '=' is always encoded, so the boundary's "=_" cannot occur.
 */
static void
put_qp(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i, col = 0, tlen;
	char	 tok[3];
	int	 last;

	for (i = 0; i < n; i++) {
		if (u[i] == '\n') {
			buf_str(b, "\r\n");
			col = 0;
			continue;
		}
		last = i + 1 == n || u[i + 1] == '\n';
		if ((u[i] >= 33 && u[i] <= 126 && u[i] != '=') ||
		    ((u[i] == ' ' || u[i] == '\t') && !last)) {
			tok[0] = (char)u[i];
			tlen = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[u[i] >> 4];
			tok[2] = hex[u[i] & 15];
			tlen = 3;
		}
		/* a line that goes on needs room for its soft break '=' */
		if (col + tlen > (last ? QP_LINE : QP_LINE - 1)) {
			buf_str(b, "=\r\n");
			col = 0;
		}
		buf_add(b, tok, tlen);
		col += tlen;
	}
	if (col > 0)
		buf_str(b, "\r\n");
}

/*
 * put_original - headers or message with CRLF line ends whatever came in,
 * NULs as '?', lines cut at 998 octets (continued with a space while in
 * the header section); returns whether an 8-bit octet was seen.
 */
static int
put_original(struct buf *b, const char *s, size_t n, int all_headers)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, start, col;
	int	 in_headers = 1, eightbit = 0;

	while (i < n) {
		start = i;
		col = 0;
		while (i < n && u[i] != '\r' && u[i] != '\n') {
			if (col == LINE_MAX_OCTETS) {
				buf_str(b, in_headers ? "\r\n " : "\r\n");
				col = in_headers ? 1 : 0;
			}
			if (u[i] >= 0x80)
				eightbit = 1;
			buf_add(b, u[i] == '\0' ? "?" : s + i, 1);
			col++;
			i++;
		}
		if (i == start && !all_headers)
			in_headers = 0;
		buf_str(b, "\r\n");
		/* CRLF, a bare LF and a bare CR each end one line */
		if (i < n && u[i] == '\r' && i + 1 < n && u[i + 1] == '\n')
			i += 2;
		else if (i < n)
			i++;
	}
	return eightbit;
}

/*
 * put_diagnostic - "smtp" is the registered diagnostic type that bounce
 * parsers read; the reply is the one we would have given had the provider
 * answered during the SMTP dialogue. A delivery report is given in the
 * provider's own words and type (RFC 3464 2.3.6: "X-SMPP; stat:DELIVRD").
 */
static void
put_diagnostic(struct buf *b, const struct dsn_rcpt *r)
{
	char	 prefix[40];

	if (r->diagnostic == NULL || r->diagnostic[0] == '\0')
		return;
	if (r->diag_type == NULL)
		snprintf(prefix, sizeof(prefix), "smtp; %c50 %s ",
		    r->status[0], r->status);
	else if (r->diag_type[0] != '\0')
		snprintf(prefix, sizeof(prefix), "%.30s; ", r->diag_type);
	else
		prefix[0] = '\0';
	put_clean_field(b, "Diagnostic-Code", prefix, r->diagnostic,
	    DIAG_MAX, "");
}

/* put_status - the message/delivery-status body (RFC 3464 2.2, 2.3) */
static void
put_status(struct buf *b, const struct dsn_msg *m)
{
	const struct dsn_rcpt *r;
	char	 date[40];
	size_t	 i;

	put_clean_field(b, "Reporting-MTA", "dns; ", m->reporting_mta,
	    FIELD_MAX, "");
	if (m->envid != NULL && m->envid[0] != '\0')
		put_clean_field(b, "Original-Envelope-Id", "", m->envid,
		    FIELD_MAX, "");
	if (m->arrival != 0 && fmt_date(m->arrival, date) == 0)
		put_field(b, "Arrival-Date", date);
	for (i = 0; i < m->nrcpts; i++) {
		r = &m->rcpts[i];
		buf_str(b, "\r\n");
		if (r->orcpt != NULL && r->orcpt[0] != '\0')
			put_clean_field(b, "Original-Recipient",
			    strchr(r->orcpt, ';') ? "" : "rfc822;", r->orcpt,
			    FIELD_MAX, "");
		put_clean_field(b, "Final-Recipient", "rfc822; ", r->rcpt,
		    FIELD_MAX, "");
		put_field(b, "Action", r->action);
		put_field(b, "Status", r->status);
		if (r->remote_mta != NULL && r->remote_mta[0] != '\0')
			put_clean_field(b, "Remote-MTA", "x-backend; ",
			    r->remote_mta, FIELD_MAX, "");
		put_diagnostic(b, r);
		if (r->last_attempt != 0 && fmt_date(r->last_attempt, date) == 0)
			put_field(b, "Last-Attempt-Date", date);
	}
}

/* occurs - whether needle is anywhere in the part */
static int
occurs(const struct buf *part, const char *needle)
{
	return part->p != NULL &&
	    memmem(part->p, part->len, needle, strlen(needle)) != NULL;
}

/* dsn_compose - the whole notification */
char *
dsn_compose(const struct dsn_msg *m, time_t now, size_t *lenp)
{
	struct buf out = { 0 }, text = { 0 }, wrapped = { 0 }, human = { 0 },
	    status = { 0 }, orig = { 0 }, bnd = { 0 };
	char	 date[40];
	unsigned attempt = 0;
	int	 eightbit = 0, full;

	if (!valid_msg(m) || fmt_date(now, date) == -1) {
		errno = EINVAL;
		return NULL;
	}
	full = m->orig_message != NULL;

	explain(&text, m);
	if (text.p != NULL)
		wrap(&wrapped, text.s, text.len);
	if (wrapped.p != NULL)
		put_qp(&human, wrapped.s, wrapped.len);
	put_status(&status, m);
	if (full)
		eightbit = put_original(&orig, m->orig_message,
		    m->orig_message_len, 0);
	else if (m->orig_headers_len > 0)
		eightbit = put_original(&orig, m->orig_headers,
		    m->orig_headers_len, 1);

	do {
		bnd.len = 0;
		buf_str(&bnd, "=_smsrelay_");
		put_token(&bnd, m->queue_id, BOUNDARY_ID_MAX);
		buf_fmt(&bnd, "_%lld_%u", (long long)now, attempt++);
	} while (!bnd.failed && (occurs(&status, bnd.s) ||
	    occurs(&orig, bnd.s) || occurs(&human, bnd.s)));
	if (bnd.failed)
		goto done;	/* the boundary is in every later line */

	put_field(&out, "Date", date);
	if (m->from != NULL)
		put_clean_field(&out, "From", "Mail Delivery System <",
		    m->from, FIELD_MAX, ">");
	else
		put_clean_field(&out, "From",
		    "Mail Delivery System <MAILER-DAEMON@", m->reporting_mta,
		    FIELD_MAX, ">");
	put_clean_field(&out, "To", "<", m->to, FIELD_MAX, ">");
	put_subject(&out, m);
	buf_str(&out, "Message-ID: <");
	put_token(&out, m->queue_id, QUEUE_ID_MAX);
	buf_fmt(&out, ".%lld@", (long long)now);
	put_token(&out, m->reporting_mta, SMTP_DOMAIN_MAX);
	buf_str(&out, ">\r\n");
	buf_str(&out, "Auto-Submitted: auto-replied\r\n");
	buf_str(&out, "MIME-Version: 1.0\r\n");
	buf_str(&out, "Content-Type: multipart/report; "
	    "report-type=delivery-status;\r\n\tboundary=\"");
	buf_add(&out, bnd.p, bnd.len);
	buf_str(&out, "\"\r\n");
	buf_fmt(&out, "Content-Transfer-Encoding: %s\r\n",
	    eightbit ? "8bit" : "7bit");
	buf_str(&out, "\r\nThis is a delivery status notification in MIME "
	    "format.\r\n");

	buf_fmt(&out, "\r\n--%s\r\n", bnd.s);
	buf_str(&out, "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Description: Notification\r\n\r\n");
	buf_add(&out, human.p, human.len);

	buf_fmt(&out, "\r\n--%s\r\n", bnd.s);
	buf_str(&out, "Content-Type: message/delivery-status\r\n"
	    "Content-Description: Delivery report\r\n\r\n");
	buf_add(&out, status.p, status.len);

	if (orig.len > 0) {
		buf_fmt(&out, "\r\n--%s\r\n", bnd.s);
		buf_str(&out, full ? "Content-Type: message/rfc822\r\n"
		    "Content-Description: Undelivered message\r\n" :
		    "Content-Type: text/rfc822-headers\r\n"
		    "Content-Description: Undelivered message headers\r\n");
		if (eightbit)
			buf_str(&out, "Content-Transfer-Encoding: 8bit\r\n");
		buf_str(&out, "\r\n");
		buf_add(&out, orig.p, orig.len);
	}
	buf_fmt(&out, "\r\n--%s--\r\n", bnd.s);

done:
	if (text.failed || wrapped.failed || human.failed || status.failed ||
	    orig.failed || bnd.failed || out.failed) {
		free(out.p);
		out.p = NULL;
		errno = ENOMEM;
	} else if (lenp != NULL)
		*lenp = out.len;
	free(text.p);
	free(wrapped.p);
	free(human.p);
	free(status.p);
	free(orig.p);
	free(bnd.p);
	return out.s;
}
