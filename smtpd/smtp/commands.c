/*
 * commands.c - the SMTP commands of a session: a table of verbs with their
 * protocol facts (states, STARTTLS, pipelining, line length) and handlers,
 * DATA and BDAT input, and the end of a message.
 *
 * Who may send what is not decided here: the checks of smtpd/intake give
 * verdicts, which the commands say. A check that may answer later leaves the
 * session in S_CHECK, reading nothing, until the verdict comes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/lib/clock.h"
#include "sms/lib/datetime.h"
#include "sms/lib/log.h"
#include "smtpd/intake/dedup.h"
#include "smtpd/intake/intake.h"
#include "smtpd/intake/release.h"
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

/* reply_verdict - say a check's refusal; the server's own trouble is no error */
static void
reply_verdict(struct session *s, const struct verdict *v)
{
	if (v->server_fault || v->code < 400)
		reply(s, "%d %s %s", v->code, v->enhanced, v->text);
	else
		reply_error(s, "%d %s %s", v->code, v->enhanced, v->text);
}

/* checks_answered - the verdict that was waited for: back, then on */
static void
checks_answered(void *arg, const struct verdict *v)
{
	struct session *s = arg;

	enter_state(s, s->check_from);
	s->checked(s, v);
	session_resume(s);
}

/*
 * wait_checks - the checks of a stage that may answer later; checked(s, v)
 * at once, or from S_CHECK when the answer comes (input waits meanwhile)
 */
static void
wait_checks(struct session *s, enum check_stage stage,
    void (*checked)(struct session *, const struct verdict *))
{
	struct verdict	 v;

	if (check_later(&s->tx.check, &s->tx, stage, &v, checks_answered, s) ==
	    CHECK_NOW) {
		checked(s, &v);
		return;
	}
	s->checked = checked;
	s->check_from = s->state;
	bufferevent_disable(s->bev, EV_READ);
	enter_state(s, S_CHECK);
}

/* tx_begin - who sends the transaction MAIL starts, for its checks */
static void
tx_begin(struct session *s)
{
	struct smtp_tx	*tx = &s->tx;

	tx->srv = s->srv;
	tx->sid = s->sid;
	tx->client = s->addr;
	tx->helo = s->helo;
	tx->user = s->user;
	tx->relay_ok = s->relay_ok;
	tx->auth_required = s->lst->auth == LISTEN_AUTH_REQUIRED;
	tx->tls = s->tls;
}

/* ---- commands ---- */

/* ehlo_keywords - what this session offers, depending on TLS and AUTH */
static void
ehlo_keywords(struct session *s)
{
	const struct conf *c = s->srv->conf;
	const char	*kw[12];
	char		 size[40], hold[80], until[DATETIME_UTC_LEN + 1];
	size_t		 n = 0, i;

	snprintf(size, sizeof(size), "SIZE %zu", c->smtp.max_message_size);
	/* RFC 4865 3: the longest hold, and the latest time it reaches */
	datetime_utc(clock_now() + (int64_t)c->queue.max_hold, until);
	snprintf(hold, sizeof(hold), "FUTURERELEASE %u %s", c->queue.max_hold,
	    until);
	kw[n++] = "PIPELINING";
	kw[n++] = size;
	kw[n++] = "8BITMIME";
	kw[n++] = "ENHANCEDSTATUSCODES";
	kw[n++] = "DSN";
	kw[n++] = "SMTPUTF8";
	kw[n++] = "CHUNKING";
	if (c->queue.max_hold > 0)
		kw[n++] = hold;
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

/* mail_checked - MAIL's verdict: the transaction starts, or not */
static void
mail_checked(struct session *s, const struct verdict *v)
{
	if (v->code != 0) {
		reply_verdict(s, v);
		tx_reset(&s->tx);
		return;
	}
	enter_state(s, S_MAIL);
	reply(s, "250 2.1.0 Ok");
}

static void
cmd_mail(struct session *s, const char *arg, size_t len)
{
	struct smtp_mail m;
	struct smtp_error err;
	struct verdict	 v;

	tx_begin(s);
	if (check_client(&s->tx, &v) == -1) {
		reply_verdict(s, &v);
		return;
	}
	if (smtp_parse_mail(arg, len, &m, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return;
	}
	if (check_sender(&s->tx, m.addr, m.size, &v) == -1 ||
	    release_hold(s->srv->conf, (m.params & SMTP_PARAM_HOLDFOR) != 0,
	    m.holdfor, (m.params & SMTP_PARAM_HOLDUNTIL) != 0, m.holduntil,
	    clock_now(), &s->tx.release_at, &v) == -1) {
		reply_verdict(s, &v);
		return;
	}
	if ((s->tx.sender = strndup(m.addr, m.addrlen)) == NULL) {
		reply_error(s, "451 4.3.0 Error: out of memory");
		return;
	}
	memcpy(s->tx.envid, m.envid, sizeof(s->tx.envid));
	s->tx.ret = (uint8_t)m.ret;
	s->tx.smtputf8 = (m.params & SMTP_PARAM_SMTPUTF8) != 0;
	wait_checks(s, CHECK_MAIL, mail_checked);
}

/* rcpt_checked - RCPT's verdict on the recipient added last */
static void
rcpt_checked(struct session *s, const struct verdict *v)
{
	if (v->code != 0) {
		tx_drop_last_rcpt(&s->tx);
		reply_verdict(s, v);
		return;
	}
	enter_state(s, S_RCPT);
	reply(s, "250 2.1.5 Ok");
}

static void
cmd_rcpt(struct session *s, const char *arg, size_t len)
{
	struct smtp_rcpt r;
	struct smtp_error err;
	struct verdict	 v;
	char		 e164[E164_MAX + 1];

	if (smtp_parse_rcpt(arg, len, s->tx.smtputf8, &r, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return;
	}
	if (check_rcpt(&s->tx, r.addr, r.addrlen, e164, &v) == -1) {
		reply_verdict(s, &v);
		return;
	}
	if (tx_has_number(&s->tx, e164)) {
		reply(s, "250 2.1.5 Ok (duplicate number %s)", e164);
		return;
	}
	if (tx_add_rcpt(&s->tx, r.addr, r.addrlen, e164, r.orcpt,
	    (uint8_t)r.notify) == -1) {
		reply_error(s, "451 4.3.0 Error: out of memory");
		return;
	}
	wait_checks(s, CHECK_RCPT, rcpt_checked);
}

/* no_recipients - why DATA or BDAT cannot come now; NULL: they can */
static const char *
no_recipients(const struct session *s)
{
	if (s->state == S_RCPT)
		return NULL;
	if (s->state == S_MAIL)
		return "554 5.5.1 Error: no valid recipients";
	return "503 5.5.1 Error: need RCPT command";
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
	s->bdat_error = no_recipients(s);
	if (s->bdat_error == NULL && (s->tx.too_big ||
	    size > c->smtp.max_message_size - s->tx.data.len))
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
	reply_error(s, "%s", no_recipients(s));
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

/* data_refused - the message is not taken; the next transaction may come */
static void
data_refused(struct session *s, const struct verdict *v)
{
	reply_verdict(s, v);
	tx_reset(&s->tx);
	enter_state(s, S_HELO);
}

/* data_checked - the checks that waited have answered */
static void
data_checked(void *arg, const struct verdict *v)
{
	struct session *s = arg;

	if (v->code != 0)
		data_refused(s, v);
	else
		enter_state(s, S_COMMIT);
	session_resume(s);
}

/* dropped_note - "; N duplicates not sent", or "" */
static const char *
dropped_note(const struct smtp_tx *tx, char *buf, size_t size)
{
	unsigned n = dedup_dropped(tx);

	if (n == 0)
		return "";
	snprintf(buf, size, "; %u duplicate%s not sent", n, n == 1 ? "" : "s");
	return buf;
}

/* data_committed - the queue has the message on disk (or failed) */
static void
data_committed(void *arg, const struct verdict *refusal)
{
	struct session	*s = arg;
	struct smtp_tx	*tx = &s->tx;
	char		 note[64];

	if (s->freed_later) {
		session_close(s);
		return;
	}
	if (refusal != NULL)
		reply_verdict(s, refusal);
	else
		reply(s, "250 2.0.0 Ok: queued as %s (%u part%s, %s)%s",
		    tx->queue_id, tx->parts, tx->parts == 1 ? "" : "s",
		    gsm_encoding_name(tx->encoding), dropped_note(tx, note,
		    sizeof(note)));
	tx_reset(tx);
	enter_state(s, S_HELO);
	session_process(s);
}

static const struct intake_events data_events = {
	data_checked, data_committed
};

/* smtp_end_of_data - the message is in: the intake takes it from here */
void
smtp_end_of_data(struct session *s)
{
	struct verdict	 v;

	switch (intake_message(&s->tx, &v, &data_events, s)) {
	case INTAKE_REFUSED:
		data_refused(s, &v);
		break;
	case INTAKE_WAITING:
		bufferevent_disable(s->bev, EV_READ);
		enter_state(s, S_CHECK);
		break;
	case INTAKE_SUBMITTED:
		enter_state(s, S_COMMIT);
		break;
	}
}
