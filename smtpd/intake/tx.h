/*
 * tx.h - one mail transaction (RFC 5321 3.3), from MAIL to the queue's
 * answer: who sends it, its envelope, its content, what it became, and the
 * checks it waits for.
 */
#ifndef SMSRELAY_TX_H
#define SMSRELAY_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "sms/convert/gsm.h"
#include "sms/convert/number.h"
#include "sms/lib/buf.h"
#include "smtpd/envelope.h"
#include "smtpd/intake/check.h"
#include "smtpd/queue/queue.h"

struct dedup_tx;
struct intake_events;
struct server;
struct sms_text;

struct tx_rcpt {
	char		*addr;
	char		 e164[E164_MAX + 1];
	char		*orcpt;
	uint8_t		 notify;
};

struct smtp_tx {
	/* who sends it: set by the session at MAIL, fixed until tx_reset() */
	struct server	*srv;
	uint64_t	 sid;		/* the session's, for the log */
	const char	*client;	/* the client's address, as text */
	const char	*helo;
	const char	*user;		/* authenticated as; NULL if not */
	bool		 relay_ok;	/* the client is in relay_networks */
	bool		 auth_required;	/* by the listener */
	bool		 tls;
	/* the envelope */
	char		*sender;
	char		 envid[SMTP_ENVID_MAX + 1];
	uint8_t		 ret;
	int		 smtputf8;
	int64_t		 release_at;	/* when it may go (release.h); 0: at once */
	struct tx_rcpt	*rcpts;
	size_t		 nrcpts;
	size_t		 rcap;
	/* the content */
	struct buf	 data;		/* the message, dot-unstuffed, CRLF */
	int		 too_big;
	int		 bdat;		/* chunks came by BDAT: DATA is refused */
	/* the end of DATA (intake.c) */
	struct sms_text	*sms;		/* the message as SMS text, until queued */
	unsigned	 parts;		/* of the SMS it became */
	enum sms_encoding encoding;
	char		 queue_id[QID_LEN + 1];
	struct check_run check;		/* checks waiting for an answer */
	const struct intake_events *events;
	void		*events_arg;
	struct dedup_tx	*dedup;		/* the duplicate check's keys */
};

/* tx_reset - forget the transaction (RSET, after DATA, HELO) and who sent it */
void	 tx_reset(struct smtp_tx *);
/* tx_free - the transaction, its buffers, and any check it waits for */
void	 tx_free(struct smtp_tx *);
/* tx_user_conf - the policy entry of the authenticated user, if it has one */
const struct user_conf *tx_user_conf(const struct smtp_tx *);
/* tx_has_number - whether a recipient already has this number */
bool	 tx_has_number(const struct smtp_tx *, const char *e164);
/* tx_add_rcpt - one more recipient (strings copied); -1 if out of memory */
int	 tx_add_rcpt(struct smtp_tx *, const char *addr, size_t len,
	    const char *e164, const char *orcpt, uint8_t notify);
/* tx_drop_last_rcpt - take back the recipient added last */
void	 tx_drop_last_rcpt(struct smtp_tx *);

#endif
