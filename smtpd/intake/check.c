/*
 * check.c - the policy checks as verdicts, and the run of the checks that
 * may answer later: one after the other, each answering at once or from
 * the loop, until one objects. A check that answers later is a start and a
 * cancel in later_checks[]; limits.c's rate limits are the first.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf/lookup.h"
#include "sms/convert/mime.h"
#include "sms/lib/ascii.h"
#include "sms/lib/log.h"
#include "smtpd/envelope.h"
#include "smtpd/intake/check.h"
#include "smtpd/intake/dedup.h"
#include "smtpd/intake/optout_check.h"
#include "smtpd/intake/limits.h"
#include "smtpd/intake/tx.h"
#include "smtpd/policy/policy.h"
#include "smtpd/server.h"

struct later_check {
	enum check_when	(*start)(struct check_run *, struct verdict *);
	void		(*cancel)(struct check_run *);
};

/* The checks that may answer later, in the order they run at each stage. */
static const struct later_check later_checks[] = {
	{ optout_start, optout_cancel },
	{ dedup_start, dedup_cancel },
	{ limits_start, limits_cancel },
};

#define NLATER	(sizeof(later_checks) / sizeof(later_checks[0]))

/* verdict_none - see check.h */
void
verdict_none(struct verdict *v)
{
	v->code = 0;
	v->enhanced[0] = '\0';
	v->text[0] = '\0';
	v->server_fault = false;
}

/* verdict_set - see check.h */
int
verdict_set(struct verdict *v, int code, const char *enhanced,
    const char *fmt, ...)
{
	va_list	 ap;

	v->code = code;
	v->server_fault = false;
	snprintf(v->enhanced, sizeof(v->enhanced), "%s", enhanced);
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
	return -1;
}

/* verdict_parse - see check.h: "550 5.6.0 Message has no text ..." */
int
verdict_parse(struct verdict *v, const char *line)
{
	const char	*enh = line + 4;
	size_t		 n;

	if (strlen(line) < 5 || !ascii_digit(line[0]) || !ascii_digit(line[1]) ||
	    !ascii_digit(line[2]) || line[3] != ' ')
		return verdict_set(v, 451, "4.3.0", "Error: %s", line);
	n = strcspn(enh, " ");
	verdict_set(v, (line[0] - '0') * 100 + (line[1] - '0') * 10 +
	    (line[2] - '0'), "", "%s", enh[n] == ' ' ? enh + n + 1 : enh + n);
	if (n < sizeof(v->enhanced))
		snprintf(v->enhanced, sizeof(v->enhanced), "%.*s", (int)n, enh);
	return -1;
}

/* server_fault - a refusal that is the server's trouble, not the client's */
static int
server_fault(struct verdict *v, int code, const char *enhanced,
    const char *text)
{
	verdict_set(v, code, enhanced, "%s", text);
	v->server_fault = true;
	return -1;
}

/* check_client - see check.h: relay networks, or AUTH where required */
int
check_client(const struct smtp_tx *tx, struct verdict *v)
{
	if (tx->user != NULL || (!tx->auth_required && tx->relay_ok))
		return 0;
	log_info("%016" PRIx64 " smtp reject client=%s reason=no-auth",
	    tx->sid, tx->client);
	return verdict_set(v, 530, "5.7.0", "Authentication required");
}

/* check_sender - see check.h */
int
check_sender(const struct smtp_tx *tx, const char *addr, uint64_t size,
    struct verdict *v)
{
	const struct conf *c = tx->srv->conf;

	if (size > c->smtp.max_message_size)
		return verdict_set(v, 552, "5.3.4",
		    "Message size exceeds fixed limit");
	if (!policy_sender_allowed(c, tx_user_conf(tx), addr))
		return verdict_set(v, 553, "5.7.1", "<%s>: Sender address "
		    "rejected: not owned by user %s", addr, tx->user);
	return 0;
}

/* check_rcpt - see check.h */
int
check_rcpt(const struct smtp_tx *tx, const char *addr, size_t len,
    char e164[E164_MAX + 1], struct verdict *v)
{
	const struct conf *c = tx->srv->conf;
	struct smtp_addr a;
	enum number_error e;

	if (smtp_addr_split(addr, len, &a) == -1 || a.domainlen == 0 ||
	    !conf_domain_served(c, a.domain) ||
	    (!tx->relay_ok && tx->user == NULL))
		return verdict_set(v, 554, "5.7.1", "<%.*s>: Relay access denied",
		    (int)len, addr);
	e = number_parse(a.local, a.locallen, c->numbers.default_country, e164);
	if (e == NUMBER_OK && !number_allowed(e164, c->numbers.allow_prefixes,
	    c->numbers.nallow_prefixes))
		e = NUMBER_NOT_ALLOWED;
	if (e != NUMBER_OK)
		return verdict_set(v, 550, "5.1.1", "<%.*s>: Recipient address "
		    "rejected: %s", (int)len, addr, number_strerror(e));
	if (check_number_kind(c, e164, v) == -1)
		return -1;
	if (!policy_number_allowed(tx_user_conf(tx), e164))
		return verdict_set(v, 550, "5.7.1", "<%.*s>: Recipient address "
		    "rejected: user %s may not send to %s", (int)len, addr,
		    tx->user, e164);
	if (tx->nrcpts >= c->smtp.max_recipients)
		return verdict_set(v, 452, "4.5.3", "Error: too many recipients");
	return 0;
}

/*
 * check_originators - see check.h: no second or listed mailbox may speak
 * for someone else
 */
int
check_originators(const struct smtp_tx *tx, struct verdict *v)
{
	const struct conf *c = tx->srv->conf;
	const struct user_conf *u = tx_user_conf(tx);
	struct mime_originators o;
	size_t		 i;
	int		 rc = 0;

	if (!policy_restricts_senders(u))
		return 0;
	if (mime_originators(tx->data.s, tx->data.len, &o) == -1)
		return server_fault(v, 451, "4.3.0", "Error: out of memory");
	if (o.nfrom > 1)
		rc = verdict_set(v, 550, "5.7.1",
		    "Error: more than one From: header");
	else if (o.unreadable)
		rc = verdict_set(v, 550, "5.7.1", "Error: From: or Sender: "
		    "header without a readable address");
	else if (o.nfrom == 0 && !policy_sender_allowed(c, u, ""))
		rc = verdict_set(v, 550, "5.7.1",
		    "Header From: <> not owned by user %s", tx->user);
	else {
		for (i = 0; i < o.n; i++)
			if (!policy_sender_allowed(c, u, o.v[i].addr))
				break;
		if (i < o.n)
			rc = verdict_set(v, 550, "5.7.1", "Header %s: <%.256s> "
			    "not owned by user %s", o.v[i].header, o.v[i].addr,
			    tx->user);
	}
	mime_originators_free(&o);
	return rc;
}

/* run_from - the checks from run->step on, until one objects or waits */
static enum check_when
run_from(struct check_run *run, struct verdict *v)
{
	for (; run->step < NLATER; run->step++) {
		verdict_none(v);
		if (later_checks[run->step].start(run, v) == CHECK_LATER) {
			run->waiting = true;
			return CHECK_LATER;
		}
		if (v->code != 0)
			break;
	}
	return CHECK_NOW;
}

/* check_later - see check.h */
enum check_when
check_later(struct check_run *run, struct smtp_tx *tx, enum check_stage stage,
    struct verdict *v, check_done_cb *cb, void *arg)
{
	*run = (struct check_run){ .tx = tx, .stage = stage, .cb = cb,
	    .arg = arg };
	verdict_none(v);
	return run_from(run, v);
}

/* check_step_answered - see check.h: the next check, or the asker's cb */
void
check_step_answered(struct check_run *run, struct verdict *v)
{
	run->waiting = false;
	if (v->code == 0) {
		run->step++;
		if (run_from(run, v) == CHECK_LATER)
			return;
	}
	/* the last thing: the asker may end the transaction, run with it */
	run->cb(run->arg, v);
}

/* check_cancel - see check.h */
void
check_cancel(struct check_run *run)
{
	if (!run->waiting)
		return;
	run->waiting = false;
	later_checks[run->step].cancel(run);
}
