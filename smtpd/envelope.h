/*
 * envelope.h - the facts of a mail envelope that the protocol, the queue and
 * the DSNs share: address limits and grammar (RFC 5321 4.1.2, 4.5.3.1), DSN
 * NOTIFY and RET values (RFC 3461), taking a stored address apart.
 */
#ifndef SMSRELAY_ENVELOPE_H
#define SMSRELAY_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_LOCAL_MAX	64	/* octets, as written (RFC 5321 4.5.3.1.1) */
#define SMTP_DOMAIN_MAX	255	/* octets (RFC 5321 4.5.3.1.2) */
#define SMTP_PATH_MAX	256	/* local@domain as stored: no <>, no route */
#define SMTP_ENVID_MAX	100	/* ENVID value as sent, xtext (RFC 3461 4.4) */
#define SMTP_ORCPT_MAX	500	/* ORCPT value as sent, xtext (RFC 3461 4.2) */

/* RET= of MAIL (RFC 3461 4.3): what a DSN returns of the message */
enum smtp_ret { SMTP_RET_UNSET, SMTP_RET_FULL, SMTP_RET_HDRS };

/* NOTIFY= of RCPT (RFC 3461 4.1); none given is 0 */
#define SMTP_NOTIFY_NEVER	0x01
#define SMTP_NOTIFY_SUCCESS	0x02
#define SMTP_NOTIFY_FAILURE	0x04
#define SMTP_NOTIFY_DELAY	0x08

/* How an address failed to parse. */
enum smtp_addr_fault {
	SMTP_ADDR_OK, SMTP_ADDR_SYNTAX, SMTP_ADDR_LOCAL_LONG,
	SMTP_ADDR_DOMAIN_LONG, SMTP_ADDR_PATH_LONG
};

/* What smtp_addr_parse() accepts beyond a Mailbox. */
#define SMTP_ADDR_ROUTE		0x01	/* a source route, checked and dropped */
#define SMTP_ADDR_POSTMASTER	0x02	/* a bare "postmaster" (recipients) */

/* An address taken apart: both halves copied and NUL-terminated. */
struct smtp_addr {
	char		 local[SMTP_LOCAL_MAX + 1];	/* quotes and quoting '\' removed */
	size_t		 locallen;
	char		 domain[SMTP_DOMAIN_MAX + 1];	/* "" for a bare postmaster */
	size_t		 domainlen;
};

/*
 * smtp_addr_parse - the inside of a path (no <>) s[0..n) into
 * addr[SMTP_PATH_MAX + 1] as stored: a Mailbox (Dot-string or
 * Quoted-string local part, domain or address literal), or what flags
 * allow. *nonascii is set when it holds UTF-8 (RFC 6531), read strictly.
 */
enum smtp_addr_fault smtp_addr_parse(const char *s, size_t n, unsigned flags,
	    char *addr, size_t *addrlen, int *nonascii);

/*
 * smtp_addr_split - a stored address (as smtp_addr_parse() leaves it) into
 * local part and domain; -1 if it is not a mailbox or a bare postmaster.
 */
int	smtp_addr_split(const char *addr, size_t len, struct smtp_addr *out);

/* smtp_atext - RFC 5322 atext, ASCII part: what an atom is made of */
bool	smtp_atext(unsigned char c);

#endif
