/*
 * dsn.h - RFC 3464 delivery status notifications, composed as one complete
 * multipart/report message with CRLF line endings, ready for SMTP.
 */
#ifndef SMSRELAY_DSN_H
#define SMSRELAY_DSN_H

#include <stddef.h>
#include <time.h>

struct dsn_rcpt {
	const char	*rcpt;		/* as given in RCPT TO: "+4917012345678@sms.example" */
	const char	*orcpt;		/* decoded ORCPT "rfc822;addr", or NULL */
	const char	*action;	/* "failed", "delayed", "delivered", "relayed" */
	const char	*status;	/* RFC 3463 code, "5.1.1" */
	const char	*diagnostic;	/* provider or human text (UTF-8), or NULL */
	time_t		 last_attempt;	/* 0: never attempted, field omitted */
	/*
	 * diag_type: NULL, the diagnostic is our SMTP reply ("smtp; 550
	 * 5.1.1 ..."); else the provider's words of that type ("X-SMPP"),
	 * "" when they name their type themselves ("X-Twilio; delivered")
	 */
	const char	*diag_type;
	const char	*remote_mta;	/* the backend's name, or NULL */
	const char	*explanation;	/* human sentence; NULL: diagnostic */
	time_t		 handset;	/* delivered: when the phone had it */
};

struct dsn_msg {
	const char	*reporting_mta;	/* our hostname */
	const char	*queue_id;
	const char	*from;		/* NULL: MAILER-DAEMON@reporting_mta */
	const char	*to;		/* envelope sender of the original */
	const char	*envid;		/* decoded ENVID, or NULL */
	time_t		 arrival;	/* 0: Arrival-Date omitted */
	const char	*orig_headers;	/* returned as text/rfc822-headers */
	size_t		 orig_headers_len;
	const char	*orig_message;	/* RET=FULL: message/rfc822 instead; else NULL */
	size_t		 orig_message_len;
	const struct dsn_rcpt *rcpts;
	size_t		 nrcpts;
};

/*
 * dsn_compose - the notification, NUL-terminated and owned by the caller
 * (free()); *lenp excludes the NUL. Every header and status field is
 * stripped of CR/LF and non-ASCII; the explanation is UTF-8 in
 * quoted-printable. When the returned original has 8-bit octets the
 * message says "Content-Transfer-Encoding: 8bit" at the top, so the sender
 * must use BODY=8BITMIME. NULL with errno EINVAL (missing field, unknown
 * action, malformed status) or ENOMEM.
 */
char	*dsn_compose(const struct dsn_msg *, time_t now, size_t *lenp);

#endif
