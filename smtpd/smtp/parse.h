/*
 * parse.h - pure parsers for SMTP command lines (RFC 5321): the verb,
 * MAIL FROM and RCPT TO with their ESMTP parameters, AUTH and BDAT
 * arguments. The envelope's own facts (addresses, NOTIFY, RET) are in
 * smtpd/envelope.h.
 */
#ifndef SMSRELAY_SMTP_PARSE_H
#define SMSRELAY_SMTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "smtpd/envelope.h"

#define SMTP_SASL_MECH_MAX	20	/* sasl-mech (RFC 4422 3.1) */
#define SMTP_AUTH_RESP_MAX	12288	/* initial response octets (RFC 4954 4) */
#define SMTP_BDAT_DIGITS_MAX	19	/* chunk-size digits: always fits uint64 */

enum smtp_verb {
	SMTP_CMD_HELO, SMTP_CMD_EHLO, SMTP_CMD_MAIL, SMTP_CMD_RCPT,
	SMTP_CMD_DATA, SMTP_CMD_RSET, SMTP_CMD_NOOP, SMTP_CMD_QUIT,
	SMTP_CMD_VRFY, SMTP_CMD_EXPN, SMTP_CMD_HELP, SMTP_CMD_STARTTLS,
	SMTP_CMD_AUTH, SMTP_CMD_BDAT, SMTP_CMD_UNKNOWN
};

struct smtp_command {
	enum smtp_verb	 verb;
	const char	*args;		/* into the line; not NUL-terminated */
	size_t		 argslen;	/* leading and trailing SP/HTAB excluded */
};

/* A reply for the client; the strings are static. */
struct smtp_error {
	int		 code;		/* 500 (AUTH too long), 501, 553, 555 */
	const char	*enhanced;	/* "5.5.4" */
	const char	*text;		/* "Bad sender address syntax" */
};

/* Parameters seen, in smtp_mail.params and smtp_rcpt.params. */
#define SMTP_PARAM_SIZE		0x01
#define SMTP_PARAM_BODY		0x02
#define SMTP_PARAM_RET		0x04
#define SMTP_PARAM_ENVID	0x08
#define SMTP_PARAM_SMTPUTF8	0x10
#define SMTP_PARAM_AUTH		0x20
#define SMTP_PARAM_NOTIFY	0x40
#define SMTP_PARAM_ORCPT	0x80
#define SMTP_PARAM_HOLDFOR	0x100	/* RFC 4865 future release */
#define SMTP_PARAM_HOLDUNTIL	0x200

#define SMTP_HOLDFOR_DIGITS	10	/* more than any hold a server allows */

enum smtp_body { SMTP_BODY_UNSET, SMTP_BODY_7BIT, SMTP_BODY_8BITMIME };

struct smtp_mail {
	char		 addr[SMTP_PATH_MAX + 1];	/* "" for <>; source route dropped */
	size_t		 addrlen;
	unsigned	 params;			/* SMTP_PARAM_* given */
	uint64_t	 size;				/* SIZE=, 0 when absent */
	enum smtp_body	 body;
	enum smtp_ret	 ret;
	char		 envid[SMTP_ENVID_MAX + 1];	/* xtext-decoded, printable ASCII */
	uint64_t	 holdfor;			/* HOLDFOR= seconds */
	int64_t		 holduntil;			/* HOLDUNTIL= epoch seconds */
};

struct smtp_rcpt {
	char		 addr[SMTP_PATH_MAX + 1];	/* as written; "postmaster" has no domain */
	size_t		 addrlen;
	unsigned	 params;
	unsigned	 notify;			/* SMTP_NOTIFY_*, 0 when absent */
	char		 orcpt[SMTP_ORCPT_MAX + 1];	/* "addr-type;address", decoded */
};

enum smtp_auth_mech { SMTP_AUTH_PLAIN, SMTP_AUTH_LOGIN, SMTP_AUTH_OTHER };

/* AUTH arguments; the pointers are into the line, not NUL-terminated. */
struct smtp_auth {
	enum smtp_auth_mech mech;	/* OTHER: answer 504 5.5.4 */
	const char	*name;		/* the mechanism as sent */
	size_t		 namelen;
	int		 initial;	/* an initial response was given */
	const char	*resp;		/* its base64; "=" gives resplen 0 */
	size_t		 resplen;
};

/*
 * smtp_parse_command - the verb (case-insensitive) of one line without its
 * CRLF and the arguments after it. Like Postfix, any run of SP/HTAB may
 * separate them. 0 for a known verb, -1 for SMTP_CMD_UNKNOWN.
 */
int	smtp_parse_command(const char *line, size_t len, struct smtp_command *out);

/*
 * smtp_check_line - a command line (CRLF removed) holds no NUL and no C0 or
 * DEL control but HTAB, which the parsers take as a space. 0, or -1 with
 * 501 5.5.2 in err: stored or echoed, such bytes would cut names short or
 * reach an administrator's terminal.
 */
int	smtp_check_line(const char *line, size_t len, struct smtp_error *err);

/*
 * smtp_parse_mail - "FROM:<addr> [params]". Also accepted, as Postfix does:
 * spaces after the colon and an address without <> (no route, no params
 * inside). HOLDFOR= (seconds) and HOLDUNTIL= (an RFC 3339 date-time) of
 * RFC 4865 are read, not judged against a limit; both at once are refused.
 * 0, or -1 with the reply in err.
 */
int	smtp_parse_mail(const char *args, size_t len, struct smtp_mail *out,
	    struct smtp_error *err);

/*
 * smtp_parse_rcpt - "TO:<addr> [NOTIFY=..] [ORCPT=..]"; <postmaster> is
 * accepted, <> is not. smtputf8: the transaction's MAIL carried SMTPUTF8,
 * so non-ASCII (UTF-8) addresses are allowed.
 */
int	smtp_parse_rcpt(const char *args, size_t len, int smtputf8,
	    struct smtp_rcpt *out, struct smtp_error *err);

/*
 * smtp_parse_auth - "mechanism [initial-response]" (RFC 4954 4): any
 * syntactically valid mechanism (case-insensitive) is accepted, unknown
 * ones as SMTP_AUTH_OTHER; the response must be base64 or "=". 0, or -1
 * with the reply in err.
 */
int	smtp_parse_auth(const char *args, size_t len, struct smtp_auth *out,
	    struct smtp_error *err);

/*
 * smtp_parse_bdat - "chunk-size [LAST]" (RFC 3030 2): *last is 1 for a
 * final chunk. 0, or -1 with the reply in err.
 */
int	smtp_parse_bdat(const char *args, size_t len, uint64_t *size,
	    int *last, struct smtp_error *err);

/*
 * smtp_xtext_decode - RFC 3461 xtext into out[outsz], NUL-terminated (the
 * decoded text may itself hold NULs: use *outlen); -1 if malformed or too long.
 */
int	smtp_xtext_decode(const char *in, size_t len, char *out, size_t outsz,
	    size_t *outlen);

#endif
