/*
 * commands.c - the SMTP commands of a session: a table of verbs with their
 * protocol facts (states, STARTTLS, pipelining, line length) and handlers,
 * DATA and BDAT input, and the end of a message.
 *
 * Who may send what is decided here, command by command: relay networks or
 * AUTH at MAIL, the user's senders at MAIL and in From: and Sender:, the
 * destination at RCPT, the rate limits at MAIL, RCPT and end of data (sms
 * parts are only known then). A limit is charged when the message is
 * accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/convert/mime.h"
#include "sms/convert/text.h"
#include "sms/lib/log.h"
#include "smtpd/policy/policy.h"
#include "smtpd/policy/ratelimit.h"
#include "smtpd/queue/record.h"
#include "smtpd/smtp/session_priv.h"

/* the states a command may come in, as bits of struct command.states */
#define IN(st)		(1u << (st))
#define ANY_STATE	(IN(S_CONNECTED) | IN(S_HELO) | IN(S_MAIL) | IN(S_RCPT))

#define CMD_PRE_TLS	0x01	/* answered as usual before a required STARTTLS */
#define CMD_ENDS_GROUP	0x02	/* RFC 2920 3.1: nothing may follow unanswered */

/*
 * One verb and its protocol facts. A command line is refused, in this order:
 * 530 before a required STARTTLS (RFC 3207 4) unless CMD_PRE_TLS; by
 * unavailable(), when the session cannot take the verb at all (not offered,
 * bad arguments); by wrong_state() outside its states; else it proceeds.
 */
struct command {
	enum smtp_verb	 verb;
	unsigned	 states;	/* IN() of each state it may come in */
	unsigned	 flags;		/* CMD_* */
	size_t		 line_max;	/* octets of its line, CRLF included */
	int		(*unavailable)(struct session *, const char *, size_t);
	void		(*wrong_state)(struct session *);
	void		(*proceed)(struct session *, const char *, size_t);
};

/* tx_reset - forget the transaction (RSET, after DATA, HELO) */
void
tx_reset(struct smtp_tx *tx)
{
	size_t i;

	for (i = 0; i < tx->nrcpts; i++) {
		free(tx->rcpts[i].addr);
		free(tx->rcpts[i].orcpt);
	}
	free(tx->sender);
	tx->sender = NULL;
	tx->nrcpts = 0;
	tx->envid[0] = '\0';
	tx->ret = 0;
	tx->smtputf8 = 0;
	tx->too_big = 0;
	tx->bdat = 0;
	tx->data.len = 0;
	if (tx->data.cap > 1024 * 1024)
		buf_free(&tx->data);
}

/* tx_free - the transaction and its buffers */
void
tx_free(struct smtp_tx *tx)
{
	tx_reset(tx);
	free(tx->rcpts);
	buf_free(&tx->data);
}

/* ---- policy ---- */

/* tx_user - the policy entry of the authenticated user, if it has one */
static const struct user_conf *
tx_user(const struct session *s)
{
	return s->user != NULL ? conf_user(s->srv->conf, s->user) : NULL;
}

/* user_limits - the user's own limits, the general ones where unset */
static struct rate_limits
user_limits(const struct conf *c, const struct user_conf *u)
{
	struct rate_limits l = c->limits.user;

	if (u != NULL && u->limits.messages_per_minute != 0)
		l.messages_per_minute = u->limits.messages_per_minute;
	if (u != NULL && u->limits.parts_per_day != 0)
		l.parts_per_day = u->limits.parts_per_day;
	return l;
}

/* limited - whether a scope has a limit at all (most have none) */
static int
limited(const struct rate_limits *l)
{
	return l->messages_per_minute != 0 || l->parts_per_day != 0;
}

/* over_limit - 450 4.7.1 naming the limit; 1 if refused */
static int
over_limit(struct session *s, enum rl_scope scope, const char *key,
    const struct rate_limits *l, unsigned messages, unsigned parts,
    const char *whose)
{
	const char *which;

	if (!limited(l))
		return 0;
	which = ratelimit_exceeded(s->srv->limits, scope, key, l, messages,
	    parts, ratelimit_now_ms());
	if (which == NULL)
		return 0;
	reply_error(s, "450 4.7.1 Error: rate limit of %u %s reached for %s "
	    "%s, try again later", strcmp(which, "messages per minute") == 0 ?
	    l->messages_per_minute : l->parts_per_day, which, whose, key);
	log_info("%016" PRIx64 " smtp limit client=%s %s=%s limit=\"%s\"",
	    s->sid, s->addr, whose, key, which);
	return 1;
}

/* sender_limits - per user and per client address, before a transaction */
static int
sender_limits(struct session *s, unsigned parts)
{
	const struct conf *c = s->srv->conf;
	struct rate_limits ul = user_limits(c, tx_user(s));
	unsigned	 msgs = parts == 0 ? 1 : 0;

	if (s->user != NULL && over_limit(s, RL_USER, s->user, &ul, msgs, parts,
	    "user"))
		return 1;
	return over_limit(s, RL_CLIENT, s->addr, &c->limits.client, msgs, parts,
	    "client");
}

/*
 * charge_limits - the accepted message counts against every limit that is
 * set; a limit set later by a reload starts counting then.
 */
static void
charge_limits(struct session *s, unsigned parts)
{
	const struct conf *c = s->srv->conf;
	struct smtp_tx	*tx = &s->tx;
	struct rate_limits ul = user_limits(c, tx_user(s));
	uint64_t	 now = ratelimit_now_ms();
	size_t		 i;
	unsigned	 all = parts * (unsigned)tx->nrcpts;

	if (s->user != NULL && limited(&ul))
		ratelimit_charge(s->srv->limits, RL_USER, s->user, 1, all, now);
	if (limited(&c->limits.client))
		ratelimit_charge(s->srv->limits, RL_CLIENT, s->addr, 1, all, now);
	for (i = 0; limited(&c->limits.number) && i < tx->nrcpts; i++)
		ratelimit_charge(s->srv->limits, RL_NUMBER, tx->rcpts[i].e164, 1,
		    parts, now);
}

/* ---- commands ---- */

/* ehlo_keywords - what this session offers, depending on TLS and AUTH */
static void
ehlo_keywords(struct session *s)
{
	const struct conf *c = s->srv->conf;
	const char	*kw[12];
	char		 size[40];
	size_t		 n = 0, i;

	snprintf(size, sizeof(size), "SIZE %zu", c->smtp.max_message_size);
	kw[n++] = "PIPELINING";
	kw[n++] = size;
	kw[n++] = "8BITMIME";
	kw[n++] = "ENHANCEDSTATUSCODES";
	kw[n++] = "DSN";
	kw[n++] = "SMTPUTF8";
	kw[n++] = "CHUNKING";
	if (s->lst->tls == LISTEN_TLS_STARTTLS && !s->tls &&
	    s->srv->tls_ctx != NULL)
		kw[n++] = "STARTTLS";
	if (smtp_auth_offered(s)) {
		kw[n++] = "AUTH PLAIN LOGIN";
		if (c->auth.broken_clients)
			kw[n++] = "AUTH=PLAIN LOGIN";
	}
	reply(s, "250-%s", c->hostname);
	for (i = 0; i < n; i++)
		reply(s, "250%c%s", i + 1 == n ? ' ' : '-', kw[i]);
}

static void
cmd_helo_common(struct session *s, const char *arg, size_t len, int esmtp)
{
	if (len == 0) {
		reply_error(s, "501 5.5.4 Syntax: %s hostname",
		    esmtp ? "EHLO" : "HELO");
		return;
	}
	if (s->state == S_MAIL || s->state == S_RCPT)
		tx_reset(&s->tx);
	if (len > HELO_MAX)
		len = HELO_MAX;
	memcpy(s->helo, arg, len);
	s->helo[len] = '\0';
	s->esmtp = esmtp;
	enter_state(s, S_HELO);
	if (!esmtp)
		reply(s, "250 %s", s->srv->conf->hostname);
	else
		ehlo_keywords(s);
}

static void
cmd_ehlo(struct session *s, const char *arg, size_t len)
{
	cmd_helo_common(s, arg, len, 1);
}

static void
cmd_helo(struct session *s, const char *arg, size_t len)
{
	cmd_helo_common(s, arg, len, 0);
}

/* starttls_unavailable - not offered here, or with arguments; 1 if refused */
static int
starttls_unavailable(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	if (s->lst->tls != LISTEN_TLS_STARTTLS || s->tls ||
	    s->srv->tls_ctx == NULL) {
		reply_error(s, "502 5.5.1 Error: STARTTLS not offered here");
		return 1;
	}
	if (len != 0) {
		reply_error(s, "501 5.5.4 Syntax: STARTTLS");
		return 1;
	}
	return 0;
}

static void
cmd_starttls(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	/* RFC 3207 5: anything after STARTTLS in the same batch is injected */
	if (evbuffer_get_length(bufferevent_get_input(s->bev)) > 0) {
		reply(s, "554 5.5.0 Error: pipelined input after STARTTLS");
		log_info("%016" PRIx64 " smtp disconnected client=%s "
		    "reason=starttls-injection", s->sid, s->addr);
		enter_state(s, S_QUIT);
		return;
	}
	reply(s, "220 2.0.0 Ready to start TLS");
	s->tls_pending = 1;
}

/* may_relay - AUTH as this listener and client need it; replies when not */
static int
may_relay(struct session *s)
{
	if (s->user == NULL && (s->lst->auth == LISTEN_AUTH_REQUIRED ||
	    !s->relay_ok)) {
		reply_error(s, "530 5.7.0 Authentication required");
		log_info("%016" PRIx64 " smtp reject client=%s reason=no-auth",
		    s->sid, s->addr);
		return 0;
	}
	return 1;
}

static void
cmd_mail(struct session *s, const char *arg, size_t len)
{
	const struct conf *c = s->srv->conf;
	struct smtp_mail m;
	struct smtp_error err;

	if (!may_relay(s))
		return;
	if (smtp_parse_mail(arg, len, &m, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return;
	}
	if (m.size > c->smtp.max_message_size) {
		reply_error(s, "552 5.3.4 Message size exceeds fixed limit");
		return;
	}
	if (!policy_sender_allowed(c, tx_user(s), m.addr)) {
		reply_error(s, "553 5.7.1 <%s>: Sender address rejected: not "
		    "owned by user %s", m.addr, s->user);
		return;
	}
	if (sender_limits(s, 0))
		return;
	if ((s->tx.sender = strndup(m.addr, m.addrlen)) == NULL) {
		reply_error(s, "451 4.3.0 Error: out of memory");
		return;
	}
	memcpy(s->tx.envid, m.envid, sizeof(s->tx.envid));
	s->tx.ret = (uint8_t)m.ret;
	s->tx.smtputf8 = (m.params & SMTP_PARAM_SMTPUTF8) != 0;
	enter_state(s, S_MAIL);
	reply(s, "250 2.1.0 Ok");
}

/* rcpt_number - the E.164 number of a recipient, or a 550 reply */
static int
rcpt_number(struct session *s, const struct smtp_addr *a, const char *addr,
    char e164[E164_MAX + 1])
{
	const struct conf *c = s->srv->conf;
	enum number_error e;

	e = number_parse(a->local, a->locallen, c->numbers.default_country, e164);
	if (e == NUMBER_OK && !number_allowed(e164, c->numbers.allow_prefixes,
	    c->numbers.nallow_prefixes))
		e = NUMBER_NOT_ALLOWED;
	if (e != NUMBER_OK) {
		reply_error(s, "550 5.1.1 <%s>: Recipient address rejected: %s",
		    addr, number_strerror(e));
		return -1;
	}
	if (!policy_number_allowed(tx_user(s), e164)) {
		reply_error(s, "550 5.7.1 <%s>: Recipient address rejected: "
		    "user %s may not send to %s", addr, s->user, e164);
		return -1;
	}
	return 0;
}

/* tx_has_number - the same phone number twice gets one SMS */
static int
tx_has_number(const struct smtp_tx *tx, const char *e164)
{
	size_t i;

	for (i = 0; i < tx->nrcpts; i++)
		if (strcmp(tx->rcpts[i].e164, e164) == 0)
			return 1;
	return 0;
}

/* tx_add_rcpt - one more recipient in the transaction; -1 out of memory */
static int
tx_add_rcpt(struct smtp_tx *tx, const struct smtp_rcpt *r, const char *e164)
{
	struct tx_rcpt	*tr;

	if (array_grow(&tx->rcpts, &tx->rcap, tx->nrcpts, sizeof(*tx->rcpts),
	    4) == -1)
		return -1;
	tr = &tx->rcpts[tx->nrcpts];
	memset(tr, 0, sizeof(*tr));
	memcpy(tr->e164, e164, sizeof(tr->e164));
	tr->notify = (uint8_t)r->notify;
	if ((tr->addr = strndup(r->addr, r->addrlen)) == NULL ||
	    (r->orcpt[0] && (tr->orcpt = strdup(r->orcpt)) == NULL)) {
		free(tr->addr);
		return -1;
	}
	tx->nrcpts++;
	return 0;
}

static void
cmd_rcpt(struct session *s, const char *arg, size_t len)
{
	const struct conf *c = s->srv->conf;
	struct smtp_rcpt r;
	struct smtp_error err;
	struct smtp_addr a;
	char		 e164[E164_MAX + 1];

	if (smtp_parse_rcpt(arg, len, s->tx.smtputf8, &r, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return;
	}
	if (smtp_addr_split(r.addr, r.addrlen, &a) == -1 || a.domainlen == 0 ||
	    !conf_domain_served(c, a.domain) ||
	    (!s->relay_ok && s->user == NULL)) {
		reply_error(s, "554 5.7.1 <%s>: Relay access denied", r.addr);
		return;
	}
	if (rcpt_number(s, &a, r.addr, e164) == -1)
		return;
	if (s->tx.nrcpts >= c->smtp.max_recipients) {
		reply_error(s, "452 4.5.3 Error: too many recipients");
		return;
	}
	if (tx_has_number(&s->tx, e164)) {
		reply(s, "250 2.1.5 Ok (duplicate number %s)", e164);
		return;
	}
	if (over_limit(s, RL_NUMBER, e164, &c->limits.number, 1, 0, "number"))
		return;
	if (tx_add_rcpt(&s->tx, &r, e164) == -1) {
		reply_error(s, "451 4.3.0 Error: out of memory");
		return;
	}
	enter_state(s, S_RCPT);
	reply(s, "250 2.1.5 Ok");
}

/* data_unavailable - DATA takes no argument; 1 if refused */
static int
data_unavailable(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	if (len != 0) {
		reply_error(s, "501 5.5.4 Syntax: DATA");
		return 1;
	}
	return 0;
}

static void
cmd_data(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	if (s->tx.bdat) {
		reply_error(s, "503 5.5.1 Error: DATA after BDAT; send RSET");
		return;
	}
	enter_state(s, S_BODY);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
}

/*
 * cmd_bdat - RFC 3030: the chunk is read whatever the verdict, so the
 * client stays in step; a refusal is said once its octets are in.
 */
static void
cmd_bdat(struct session *s, const char *arg, size_t len)
{
	const struct conf *c = s->srv->conf;
	struct smtp_error err;
	uint64_t	 size;
	int		 last;

	if (smtp_parse_bdat(arg, len, &size, &last, &err) == -1) {
		/* the chunk's length is unknown: no way to stay in step */
		reply(s, "%d %s %s", err.code, err.enhanced, err.text);
		enter_state(s, S_QUIT);
		return;
	}
	s->bdat_left = size;
	s->bdat_last = last;
	s->bdat_error = NULL;
	if (s->state == S_MAIL)
		s->bdat_error = "554 5.5.1 Error: no valid recipients";
	else if (s->state != S_RCPT)
		s->bdat_error = "503 5.5.1 Error: need RCPT command";
	else if (s->tx.too_big || size > c->smtp.max_message_size -
	    s->tx.data.len)
		s->bdat_error = "552 5.3.4 Message size exceeds fixed limit";
	s->tx.bdat = s->bdat_error == NULL;
	enter_state(s, S_BDAT);
}

/* bdat_chunk_done - all of a chunk is in: refuse, acknowledge or accept */
static void
bdat_chunk_done(struct session *s)
{
	const char *why = s->bdat_error;

	if (why != NULL) {
		/* the transaction cannot continue without a hole */
		reply_error(s, "%s", why);
		tx_reset(&s->tx);
		if (s->state != S_QUIT)
			enter_state(s, s->helo[0] != '\0' ? S_HELO : S_CONNECTED);
		return;
	}
	if (s->bdat_last) {
		enter_state(s, S_RCPT);
		smtp_end_of_data(s);
		return;
	}
	enter_state(s, S_RCPT);
	reply(s, "250 2.0.0 Ok: %zu octets received", s->tx.data.len);
}

/* smtp_read_bdat - see session_priv.h: 1 when the chunk is complete */
int
smtp_read_bdat(struct session *s, struct evbuffer *in)
{
	struct smtp_tx	*tx = &s->tx;
	size_t		 avail = evbuffer_get_length(in), n;

	n = s->bdat_left < avail ? (size_t)s->bdat_left : avail;
	if (n > 0) {
		if (s->bdat_error != NULL)
			evbuffer_drain(in, n);
		else if (buf_reserve(&tx->data, n) == -1) {
			evbuffer_drain(in, n);
			s->bdat_error = "452 4.3.1 Error: insufficient system "
			    "storage";
		} else {
			evbuffer_remove(in, tx->data.s + tx->data.len, n);
			tx->data.len += n;
		}
		s->bdat_left -= n;
	}
	if (s->bdat_left > 0)
		return 0;
	bdat_chunk_done(s);
	return 1;
}

static void
cmd_rset(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	tx_reset(&s->tx);
	if (s->state != S_CONNECTED)
		enter_state(s, S_HELO);
	reply(s, "250 2.0.0 Ok");
}

static void
cmd_noop(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "250 2.0.0 Ok");
}

static void
cmd_quit(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "221 2.0.0 Bye");
	enter_state(s, S_QUIT);
}

static void
cmd_vrfy(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	if (len == 0) {
		reply_error(s, "501 5.5.4 Syntax: VRFY address");
		return;
	}
	reply(s, "252 2.5.2 Cannot VRFY user, but will accept message "
	    "and attempt delivery");
}

static void
cmd_help(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "214-2.0.0 smsrelay: mail to <phone-number@domain> becomes an SMS");
	reply(s, "214-2.0.0 Commands: HELO EHLO STARTTLS AUTH MAIL RCPT DATA "
	    "BDAT RSET NOOP QUIT VRFY HELP");
	reply(s, "214 2.0.0 End of HELP info");
}

static void
cmd_expn(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply_error(s, "502 5.5.1 Error: command not implemented");
}

/* mail_wrong_state - MAIL before HELO/EHLO or within a transaction */
static void
mail_wrong_state(struct session *s)
{
	if (s->state == S_CONNECTED)
		reply_error(s, "503 5.5.1 Error: send HELO/EHLO first");
	else
		reply_error(s, "503 5.5.1 Error: nested MAIL command");
}

/* rcpt_wrong_state - RCPT outside a transaction */
static void
rcpt_wrong_state(struct session *s)
{
	reply_error(s, "503 5.5.1 Error: need MAIL command");
}

/* data_wrong_state - DATA without a recipient */
static void
data_wrong_state(struct session *s)
{
	if (s->state == S_MAIL)
		reply_error(s, "554 5.5.1 Error: no valid recipients");
	else
		reply_error(s, "503 5.5.1 Error: need RCPT command");
}

/* between_transactions - STARTTLS and AUTH before EHLO or in a transaction */
static void
between_transactions(struct session *s)
{
	if (s->state == S_CONNECTED)
		reply_error(s, "503 5.5.1 Error: send EHLO first");
	else
		reply_error(s, "503 5.5.1 Error: MAIL transaction in progress");
}

/*
 * The verbs. BDAT may come in any state: its chunk is read whatever the
 * verdict, and cmd_bdat refuses it once the octets are in (RFC 3030 2).
 */
static const struct command commands[] = {
	{ SMTP_CMD_HELO, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_helo },
	{ SMTP_CMD_EHLO, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_ehlo },
	{ SMTP_CMD_MAIL, IN(S_HELO), 0, CMD_LINE_MAX,
	    NULL, mail_wrong_state, cmd_mail },
	{ SMTP_CMD_RCPT, IN(S_MAIL) | IN(S_RCPT), CMD_PRE_TLS, CMD_LINE_MAX,
	    NULL, rcpt_wrong_state, cmd_rcpt },
	{ SMTP_CMD_DATA, IN(S_RCPT), CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    data_unavailable, data_wrong_state, cmd_data },
	{ SMTP_CMD_BDAT, ANY_STATE, CMD_PRE_TLS, CMD_LINE_MAX,
	    NULL, NULL, cmd_bdat },
	{ SMTP_CMD_RSET, ANY_STATE, CMD_PRE_TLS, CMD_LINE_MAX,
	    NULL, NULL, cmd_rset },
	{ SMTP_CMD_NOOP, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_noop },
	{ SMTP_CMD_QUIT, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_quit },
	{ SMTP_CMD_VRFY, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_vrfy },
	{ SMTP_CMD_HELP, ANY_STATE, CMD_PRE_TLS, CMD_LINE_MAX,
	    NULL, NULL, cmd_help },
	{ SMTP_CMD_EXPN, ANY_STATE, CMD_PRE_TLS | CMD_ENDS_GROUP, CMD_LINE_MAX,
	    NULL, NULL, cmd_expn },
	{ SMTP_CMD_STARTTLS, IN(S_HELO), CMD_PRE_TLS | CMD_ENDS_GROUP,
	    CMD_LINE_MAX, starttls_unavailable, between_transactions,
	    cmd_starttls },
	{ SMTP_CMD_AUTH, IN(S_HELO), 0, AUTH_LINE_MAX,
	    smtp_auth_unavailable, between_transactions, smtp_auth_command },
};

/* command_of - the table entry of a verb; NULL for SMTP_CMD_UNKNOWN */
static const struct command *
command_of(enum smtp_verb verb)
{
	size_t	 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].verb == verb)
			return &commands[i];
	return NULL;
}

/* smtp_ends_group - see session_priv.h */
bool
smtp_ends_group(enum smtp_verb verb)
{
	const struct command *c = command_of(verb);

	return c != NULL && (c->flags & CMD_ENDS_GROUP);
}

/*
 * smtp_line_max - see session_priv.h. The verb is the letters before the
 * first SP, as RFC 5321 writes commands; anything else gets CMD_LINE_MAX.
 */
size_t
smtp_line_max(const char *start, size_t len)
{
	struct smtp_command cmd;
	const struct command *c;
	size_t	 n = 0;

	while (n < len && n < SMTP_VERB_MAX && ascii_alpha((unsigned char)start[n]))
		n++;
	if (n == len || start[n] != ' ' ||
	    smtp_parse_command(start, n, &cmd) == -1 ||
	    (c = command_of(cmd.verb)) == NULL)
		return CMD_LINE_MAX;
	return c->line_max;
}

/* refused - the table's refusals before a verb proceeds; 1 if refused */
static int
refused(struct session *s, const struct command *c, const char *args,
    size_t len)
{
	if (!(c->flags & CMD_PRE_TLS) && s->lst->starttls == STARTTLS_REQUIRED &&
	    !s->tls) {
		reply_error(s, "530 5.7.0 Must issue a STARTTLS command first");
		return 1;
	}
	if (c->unavailable != NULL && c->unavailable(s, args, len))
		return 1;
	if (!(c->states & IN(s->state))) {
		c->wrong_state(s);
		return 1;
	}
	return 0;
}

/* smtp_command - one complete command line, CRLF removed; its verb */
enum smtp_verb
smtp_command(struct session *s, const char *line, size_t len)
{
	struct smtp_command cmd;
	struct smtp_error err;
	const struct command *c;
	int		 known = smtp_parse_command(line, len, &cmd) == 0;

	if (smtp_check_line(line, len, &err) == -1) {
		if (cmd.verb != SMTP_CMD_BDAT) {
			reply_error(s, "%d %s %s", err.code, err.enhanced,
			    err.text);
			return cmd.verb;
		}
		/* the chunk follows whatever we say: no way to stay in step */
		reply(s, "%d %s %s", err.code, err.enhanced, err.text);
		enter_state(s, S_QUIT);
		return cmd.verb;
	}
	if (!known || (c = command_of(cmd.verb)) == NULL) {
		reply_error(s, "500 5.5.1 Error: command not recognized");
		return SMTP_CMD_UNKNOWN;
	}
	if (!refused(s, c, cmd.args, cmd.argslen))
		c->proceed(s, cmd.args, cmd.argslen);
	return cmd.verb;
}

/*
 * smtp_read_data - move DATA lines into the transaction, unstuffing dots; 1
 * at the end-of-data line, 0 when more input is needed.
 */
int
smtp_read_data(struct session *s, struct evbuffer *in)
{
	struct smtp_tx	*tx = &s->tx;
	size_t		 limit = s->srv->conf->smtp.max_message_size;
	struct evbuffer_ptr p;
	size_t		 n, start;
	char		*line;

	for (;;) {
		p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (p.pos == -1) {
			if (evbuffer_get_length(in) > limit + CMD_LINE_MAX) {
				tx->too_big = 1;
				evbuffer_drain(in, evbuffer_get_length(in));
			}
			return 0;
		}
		n = (size_t)p.pos + 1;
		start = tx->data.len;
		if (buf_reserve(&tx->data, n) == -1) {
			evbuffer_drain(in, n);
			tx->too_big = 1;
			continue;
		}
		line = tx->data.s + start;
		evbuffer_remove(in, line, n);
		if (n < 2 || line[n - 2] != '\r' ||
		    memchr(line, '\r', n - 2) != NULL) {
			smtp_smuggling(s, "data");
			return 1;
		}
		if (n == 3 && line[0] == '.')
			return 1;
		if (line[0] == '.') {
			memmove(line, line + 1, n - 1);
			n--;
		}
		tx->data.len = start + n;
		if (tx->data.len > limit) {
			tx->too_big = 1;
			tx->data.len = 0;
		}
	}
}

/* header_block_len - the length of the header section, with its blank line */
static size_t
header_block_len(const char *p, size_t len)
{
	const char *e = memmem(p, len, "\r\n\r\n", 4);

	return e != NULL ? (size_t)(e - p) + 4 : len;
}

/* queue_refusal - the reply when the queue could not take a message */
static const char *
queue_refusal(int error)
{
	if (error == ENOSPC || error == EDQUOT)
		return "452 4.3.1 Insufficient system storage";
	return "451 4.3.0 Error: queue file write error, try again later";
}

/* session_accepted - the queue has the message on disk (or failed) */
static void
session_accepted(void *arg, int error)
{
	struct session	*s = arg;
	struct smtp_tx	*tx = &s->tx;

	if (s->freed_later) {
		session_close(s);
		return;
	}
	if (error) {
		reply(s, "%s", queue_refusal(error));
		log_warnx("%016" PRIx64 " smtp queue write failed client=%s "
		    "reason=\"%s\"", s->sid, s->addr, strerror(error));
	} else
		reply(s, "250 2.0.0 Ok: queued as %s (%u part%s, %s)",
		    s->queue_id, tx->parts, tx->parts == 1 ? "" : "s",
		    gsm_encoding_name(tx->encoding));
	tx_reset(tx);
	enter_state(s, S_HELO);
	session_process(s);
}

/* log_translit - which characters became their GSM look-alikes */
static void
log_translit(const char *id, const struct translit_log *t)
{
	char	 list[512];
	size_t	 i, n = 0;
	int	 w;

	list[0] = '\0';
	for (i = 0; i < t->nchanges && n < sizeof(list); i++) {
		char	 to[sizeof(t->changes[i].to) * 4];
		size_t	 j, k = 0;

		/* one line per event: a look-alike such as "\n" is escaped */
		for (j = 0; t->changes[i].to[j] != '\0' && k + 5 < sizeof(to); j++) {
			unsigned char c = (unsigned char)t->changes[i].to[j];

			if (c < 0x20 || c == 0x7f)
				k += (size_t)snprintf(to + k, sizeof(to) - k,
				    "\\x%02x", c);
			else
				to[k++] = (char)c;
		}
		to[k] = '\0';
		w = snprintf(list + n, sizeof(list) - n, "%sU+%04X>%s x%u",
		    i ? ", " : "", t->changes[i].codepoint, to,
		    t->changes[i].count);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	log_info("%s transliterated n=%u to stay in GSM-7: %s", id, t->total,
	    list);
}

/*
 * originator_refused - the sender policy on the header: every From: and
 * Sender: mailbox is the user's, and there is one From: (RFC 5322 3.6), so
 * no second or listed mailbox speaks for someone else; 1 if refused.
 */
static int
originator_refused(struct session *s)
{
	const struct conf *c = s->srv->conf;
	const struct user_conf *u = tx_user(s);
	struct mime_originators o;
	size_t		 i;
	int		 refused = 1;

	if (!policy_restricts_senders(u))
		return 0;
	if (mime_originators(s->tx.data.s, s->tx.data.len, &o) == -1) {
		reply(s, "451 4.3.0 Error: out of memory");
		return 1;
	}
	if (o.nfrom > 1)
		reply_error(s, "550 5.7.1 Error: more than one From: header");
	else if (o.unreadable)
		reply_error(s, "550 5.7.1 Error: From: or Sender: header without "
		    "a readable address");
	else if (o.nfrom == 0 && !policy_sender_allowed(c, u, ""))
		reply_error(s, "550 5.7.1 Header From: <> not owned by user %s",
		    s->user);
	else {
		for (i = 0; i < o.n; i++)
			if (!policy_sender_allowed(c, u, o.v[i].addr))
				break;
		if ((refused = i < o.n))
			reply_error(s, "550 5.7.1 Header %s: <%.256s> not owned "
			    "by user %s", o.v[i].header, o.v[i].addr, s->user);
	}
	mime_originators_free(&o);
	return refused;
}

/* message_refused - policy on the converted message; 1 if refused */
static int
message_refused(struct session *s, unsigned parts)
{
	const struct conf *c = s->srv->conf;
	struct smtp_tx	*tx = &s->tx;
	size_t		 i;

	if (originator_refused(s))
		return 1;
	if (sender_limits(s, parts * (unsigned)tx->nrcpts))
		return 1;
	for (i = 0; i < tx->nrcpts; i++)
		if (over_limit(s, RL_NUMBER, tx->rcpts[i].e164, &c->limits.number,
		    0, parts, "number"))
			return 1;
	return 0;
}

/* sender_id - [SRC:] unless the user's id is fixed, else by policy */
static const char *
sender_id(struct session *s, const struct sms_text *st)
{
	const struct user_conf *u = tx_user(s);

	if (st->subject_options.src[0] != '\0' &&
	    (u == NULL || u->sender_id == NULL))
		return st->subject_options.src;
	return policy_sender_id(s->srv->conf, u, s->tx.sender);
}

/* submit - hand the converted message to the queue; -1 (errno) if it refused */
static int
submit(struct session *s, const struct sms_text *st)
{
	struct smtp_tx	*tx = &s->tx;
	struct qsubmit	 sub;
	struct qsubmit_rcpt *qr;
	size_t		 i, hlen;
	int		 rc, err;

	if ((qr = calloc(tx->nrcpts, sizeof(*qr))) == NULL)
		return -1;
	for (i = 0; i < tx->nrcpts; i++)
		qr[i] = (struct qsubmit_rcpt){ tx->rcpts[i].addr,
		    tx->rcpts[i].e164, tx->rcpts[i].orcpt, tx->rcpts[i].notify };
	hlen = header_block_len(tx->data.s, tx->data.len);
	sub = (struct qsubmit){ .sender = tx->sender, .client = s->addr,
	    .helo = s->helo, .envid = tx->envid[0] ? tx->envid : NULL,
	    .ret = tx->ret, .sender_id = sender_id(s, st), .text = st->text,
	    .not_before = (int64_t)st->subject_options.send_at,
	    .lifetime = st->subject_options.validity_hours * 3600,
	    .parts = st->layout.parts, .encoding = (uint8_t)st->layout.encoding,
	    .headers = tx->data.s, .headers_len = hlen,
	    .raw = tx->data.s, .raw_len = tx->data.len,
	    .rcpts = qr, .nrcpts = (uint32_t)tx->nrcpts };
	rc = queue_submit(s->srv->queue, &sub, session_accepted, s,
	    s->queue_id);
	err = errno;
	free(qr);
	errno = err;
	return rc;
}

/* smtp_end_of_data - convert, check the policy, hand over to the queue */
void
smtp_end_of_data(struct session *s)
{
	const struct conf *c = s->srv->conf;
	struct smtp_tx	*tx = &s->tx;
	struct mime_text mt = { 0 };
	struct sms_text	 st = { 0 };
	char		 why[256];

	if (tx->too_big) {
		reply_error(s, "552 5.3.4 Message size exceeds fixed limit");
		goto reset;
	}
	errno = 0;
	if (mime_extract(tx->data.s, tx->data.len, &mt) == -1)
		errno = ENODATA;
	else if (text_compose(&mt, c, &st) == 0)
		errno = 0;
	if (errno == ENOMEM) {
		reply(s, "%s", text_reply(errno, c, why, sizeof(why)));
		goto reset;
	}
	if (errno != 0) {
		reply_error(s, "%s", text_reply(errno, c, why, sizeof(why)));
		goto reset;
	}
	if (message_refused(s, st.layout.parts))
		goto reset;
	tx->parts = st.layout.parts;
	tx->encoding = st.layout.encoding;
	if (submit(s, &st) == -1) {
		reply(s, "%s", queue_refusal(errno));
		goto reset;
	}
	charge_limits(s, st.layout.parts);
	log_info("%s accepted from=<%s> nrcpt=%zu size=%zu parts=%u "
	    "encoding=%s%s client=%s%s%s%s", s->queue_id, tx->sender, tx->nrcpts,
	    tx->data.len, st.layout.parts, gsm_encoding_name(st.layout.encoding),
	    st.truncated ? " truncated" : "", s->addr,
	    s->user != NULL ? " user=" : "", s->user != NULL ? s->user : "",
	    s->tls ? " tls" : "");
	if (st.transliterated && st.translit.total > 0)
		log_translit(s->queue_id, &st.translit);
	mime_text_free(&mt);
	text_free(&st);
	enter_state(s, S_COMMIT);
	return;
reset:
	mime_text_free(&mt);
	text_free(&st);
	tx_reset(tx);
	enter_state(s, S_HELO);
}
