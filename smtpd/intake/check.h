/*
 * check.h - who may send what, as verdicts: each check takes the
 * transaction and answers with the reply that refuses it, or none, as
 * Postfix's smtpd_check_*() do; the protocol only says it. Checks that may
 * need an answer from elsewhere (rate limits; later shared limits,
 * duplicates, opt-outs) run behind check_later(), which answers at once or
 * from the event loop.
 */
#ifndef SMSRELAY_CHECK_H
#define SMSRELAY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/convert/number.h"

struct limit_ask;
struct limit_request;
struct state_req;
struct smtp_tx;

#define VERDICT_TEXT_MAX	1024

/* A reply that refuses, or none. */
struct verdict {
	int		 code;		/* 0: no objection */
	char		 enhanced[12];	/* "5.7.1" */
	char		 text[VERDICT_TEXT_MAX];
	bool		 server_fault;	/* memory, storage: not the client's error */
};

/* verdict_none - no objection */
void	 verdict_none(struct verdict *);
/* verdict_set - a refusal: code, enhanced code and the text; returns -1 */
int	 verdict_set(struct verdict *, int code, const char *enhanced,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* verdict_parse - a refusal from a whole reply line "NNN X.Y.Z text"; -1 */
int	 verdict_parse(struct verdict *, const char *line);

/*
 * The checks that answer at once: 0, or -1 with the refusal in *v.
 * check_client - may the session's client start a transaction (relay
 * networks, or AUTH where needed)?
 * check_sender - the MAIL FROM address and the declared SIZE.
 * check_rcpt - a RCPT TO address: domain served, relaying, its number
 * (written to e164), the user's prefixes, the recipient count.
 * check_originators - every From: and Sender: mailbox of the message is
 * the user's, and there is one From: (RFC 5322 3.6).
 */
int	 check_client(const struct smtp_tx *, struct verdict *);
int	 check_sender(const struct smtp_tx *, const char *addr, uint64_t size,
	    struct verdict *);
int	 check_rcpt(const struct smtp_tx *, const char *addr, size_t len,
	    char e164[E164_MAX + 1], struct verdict *);
int	 check_originators(const struct smtp_tx *, struct verdict *);
/*
 * check_number_kind - e164 is a number in use (libphonenumber, when built
 * with it and numbers.validate) and no landline if numbers.refuse_fixed_line
 * (number_check.c)
 */
struct conf;
int	 check_number_kind(const struct conf *, const char *e164,
	    struct verdict *);

/*
 * When the checks that may answer later run: at MAIL, at each RCPT (the
 * transaction's last recipient is the one asked about), at end of DATA
 * (the message converted, tx->sms set).
 */
enum check_stage { CHECK_MAIL, CHECK_RCPT, CHECK_DATA };
enum check_when { CHECK_NOW, CHECK_LATER };

typedef void check_done_cb(void *arg, const struct verdict *);

/* One run of the checks that may answer later; its fields are check.c's. */
struct check_run {
	struct smtp_tx		*tx;
	enum check_stage	 stage;
	size_t			 step;		/* the check under way */
	bool			 waiting;	/* for its answer */
	check_done_cb		*cb;
	void			*arg;
	struct limit_ask	*asks;		/* the rate limit check's */
	size_t			 nasks;
	struct limit_request	*req;
	struct state_req	*sreq;		/* the opt-out check's */
};

/*
 * check_later - the checks of a stage that may need an answer from
 * elsewhere, in order until one objects. CHECK_NOW: the verdict is in *v.
 * CHECK_LATER: cb(arg, verdict) comes from the event loop, never from inside
 * this call; until then the transaction stays as it is, and check_cancel()
 * stops the run. run is the caller's, kept until the answer.
 */
enum check_when check_later(struct check_run *run, struct smtp_tx *,
	    enum check_stage, struct verdict *v, check_done_cb *cb, void *arg);
/* check_cancel - the asker is gone: no answer comes (a no-op if none waits) */
void	 check_cancel(struct check_run *);

/*
 * For the checks behind check_later() (limits.c; each has a start and a
 * cancel in check.c's table): one that answered CHECK_LATER gives its
 * verdict here, from the event loop.
 */
void	 check_step_answered(struct check_run *, struct verdict *);

#endif
