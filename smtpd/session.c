/*
 * session.c - the SMTP server state machine: one struct per connection, one
 * per transaction, a command table of check-and-proceed handlers.
 *
 * Input is taken a whole line at a time; a line ending in a bare LF or
 * holding a bare CR ends the session (SMTP smuggling cannot start here). The
 * message is converted to SMS text before it is accepted, and 250 is said
 * only after the queue reports the message durable.
 */
#include <sys/queue.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "sms/mime.h"
#include "sms/number.h"
#include "sms/text.h"
#include "smtpd/log.h"
#include "smtpd/record.h"
#include "smtpd/session.h"
#include "smtpd/smtp_parse.h"

#define CMD_LINE_MAX	1000	/* RFC 5321 4.5.3.1.4 text line, with CRLF */
#define HELO_MAX	255

enum smtp_state {
	S_CONNECTED,		/* greeted, waiting for HELO/EHLO */
	S_HELO,			/* between transactions */
	S_MAIL,			/* MAIL accepted */
	S_RCPT,			/* at least one RCPT accepted */
	S_BODY,			/* DATA content streaming in */
	S_COMMIT,		/* message handed to the queue, 250 pending */
	S_QUIT,			/* closing once the output is flushed */
};

static const char *state_names[] = { "connected", "helo", "mail", "rcpt",
    "body", "commit", "quit" };

struct tx_rcpt {
	char		*addr;
	char		 e164[E164_MAX + 1];
	char		*orcpt;
	uint8_t		 notify;
};

struct smtp_tx {
	char		*sender;
	char		 envid[SMTP_ENVID_MAX + 1];
	uint8_t		 ret;
	int		 smtputf8;
	struct tx_rcpt	*rcpts;
	size_t		 nrcpts;
	size_t		 rcap;
	struct buf	 data;		/* the message, dot-unstuffed, CRLF */
	int		 too_big;
	unsigned	 parts;		/* of the SMS it became */
	enum sms_encoding encoding;
};

struct session {
	struct server		*srv;
	struct bufferevent	*bev;
	struct sockaddr_storage	 ss;
	char			 addr[INET6_ADDRSTRLEN];
	uint64_t		 sid;
	enum smtp_state		 state;
	char			 helo[HELO_MAX + 1];
	int			 esmtp;
	unsigned		 errors;
	int			 discarding;	/* skipping an over-long line */
	int			 relay_ok;	/* client may send through us */
	int			 freed_later;	/* closed while the queue works */
	struct smtp_tx		 tx;
	char			 queue_id[QID_LEN + 1];
	LIST_ENTRY(session)	 entry;
};

struct command {
	const char	*name;
	enum smtp_verb	 verb;
	int		(*proceed)(struct session *, const char *, size_t);
};

static uint64_t	 next_sid = 1;
static LIST_HEAD(, session) sessions = LIST_HEAD_INITIALIZER(sessions);

static void	reply(struct session *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	reply_error(struct session *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	session_read(struct bufferevent *, void *);
static void	session_process(struct session *);
static void	session_close(struct session *);

/* enter_state - every transition passes here, so it can be traced */
static void
enter_state(struct session *s, enum smtp_state st)
{
	log_debug("%016" PRIx64 " smtp state %s -> %s", s->sid,
	    state_names[s->state], state_names[st]);
	s->state = st;
}

/* reply - queue one reply line; the loop flushes pipelined replies together */
static void
reply(struct session *s, const char *fmt, ...)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	rc = evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	if (rc == -1 || evbuffer_add(out, "\r\n", 2) == -1) {
		log_warnx("%016" PRIx64 " smtp reply failed: out of memory",
		    s->sid);
		enter_state(s, S_QUIT);
	}
}

/* reply_error - a 5xx/4xx that counts toward max_errors */
static void
reply_error(struct session *s, const char *fmt, ...)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	va_list		 ap;

	va_start(ap, fmt);
	if (evbuffer_add_vprintf(out, fmt, ap) == -1 ||
	    evbuffer_add(out, "\r\n", 2) == -1)
		enter_state(s, S_QUIT);
	va_end(ap);
	if (++s->errors >= s->srv->conf->smtp.max_errors) {
		reply(s, "421 4.7.0 %s Error: too many errors",
		    s->srv->conf->hostname);
		log_info("%016" PRIx64 " smtp disconnected client=%s "
		    "reason=too-many-errors", s->sid, s->addr);
		enter_state(s, S_QUIT);
	}
}

/* tx_reset - forget the transaction (RSET, after DATA, HELO) */
static void
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
	tx->data.len = 0;
	if (tx->data.cap > 1024 * 1024)
		buf_free(&tx->data);
}

static void
tx_free(struct smtp_tx *tx)
{
	tx_reset(tx);
	free(tx->rcpts);
	buf_free(&tx->data);
}

/* ---- commands ---- */

static int
cmd_helo_common(struct session *s, const char *arg, size_t len, int esmtp)
{
	const struct conf *c = s->srv->conf;

	if (len == 0) {
		reply_error(s, "501 5.5.4 Syntax: %s hostname",
		    esmtp ? "EHLO" : "HELO");
		return 0;
	}
	if (len > HELO_MAX)
		len = HELO_MAX;
	memcpy(s->helo, arg, len);
	s->helo[len] = '\0';
	s->esmtp = esmtp;
	tx_reset(&s->tx);
	enter_state(s, S_HELO);
	if (!esmtp) {
		reply(s, "250 %s", c->hostname);
		return 0;
	}
	reply(s, "250-%s", c->hostname);
	reply(s, "250-PIPELINING");
	reply(s, "250-SIZE %zu", c->smtp.max_message_size);
	reply(s, "250-8BITMIME");
	reply(s, "250 ENHANCEDSTATUSCODES");
	return 0;
}

static int
cmd_ehlo(struct session *s, const char *arg, size_t len)
{
	return cmd_helo_common(s, arg, len, 1);
}

static int
cmd_helo(struct session *s, const char *arg, size_t len)
{
	return cmd_helo_common(s, arg, len, 0);
}

static int
cmd_mail(struct session *s, const char *arg, size_t len)
{
	const struct conf *c = s->srv->conf;
	struct smtp_mail m;
	struct smtp_error err;

	if (s->state == S_CONNECTED) {
		reply_error(s, "503 5.5.1 Error: send HELO/EHLO first");
		return 0;
	}
	if (s->state != S_HELO) {
		reply_error(s, "503 5.5.1 Error: nested MAIL command");
		return 0;
	}
	if (smtp_parse_mail(arg, len, &m, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return 0;
	}
	if (m.params & ~(SMTP_PARAM_SIZE | SMTP_PARAM_BODY)) {
		reply_error(s, "555 5.5.4 Unsupported option: only SIZE and "
		    "BODY are offered");
		return 0;
	}
	if (m.size > c->smtp.max_message_size) {
		reply_error(s, "552 5.3.4 Message size exceeds fixed limit");
		return 0;
	}
	if ((s->tx.sender = strndup(m.addr, m.addrlen)) == NULL) {
		reply_error(s, "451 4.3.0 Error: out of memory");
		return 0;
	}
	memcpy(s->tx.envid, m.envid, sizeof(s->tx.envid));
	s->tx.ret = (uint8_t)m.ret;
	s->tx.smtputf8 = (m.params & SMTP_PARAM_SMTPUTF8) != 0;
	enter_state(s, S_MAIL);
	reply(s, "250 2.1.0 Ok");
	return 0;
}

/* rcpt_number - the E.164 number of a recipient, or a 550 5.1.1 reply */
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
	if (e == NUMBER_OK)
		return 0;
	reply_error(s, "550 5.1.1 <%s>: Recipient address rejected: %s",
	    addr, number_strerror(e));
	return -1;
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

static int
cmd_rcpt(struct session *s, const char *arg, size_t len)
{
	const struct conf *c = s->srv->conf;
	struct smtp_rcpt r;
	struct smtp_error err;
	struct smtp_addr a;
	struct tx_rcpt	*tr;
	char		 e164[E164_MAX + 1];

	if (s->state != S_MAIL && s->state != S_RCPT) {
		reply_error(s, "503 5.5.1 Error: need MAIL command");
		return 0;
	}
	if (smtp_parse_rcpt(arg, len, s->tx.smtputf8, &r, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return 0;
	}
	if (r.params != 0) {
		reply_error(s, "555 5.5.4 Unsupported option: RCPT takes no "
		    "parameters here");
		return 0;
	}
	if (smtp_addr_split(r.addr, r.addrlen, &a) == -1 || a.domainlen == 0 ||
	    !conf_domain_served(c, a.domain) || !s->relay_ok) {
		reply_error(s, "554 5.7.1 <%s>: Relay access denied", r.addr);
		return 0;
	}
	if (rcpt_number(s, &a, r.addr, e164) == -1)
		return 0;
	if (s->tx.nrcpts >= c->smtp.max_recipients) {
		reply_error(s, "452 4.5.3 Error: too many recipients");
		return 0;
	}
	if (tx_has_number(&s->tx, e164)) {
		reply(s, "250 2.1.5 Ok (duplicate number %s)", e164);
		return 0;
	}
	if (s->tx.nrcpts == s->tx.rcap) {
		size_t cap = s->tx.rcap ? s->tx.rcap * 2 : 4;
		if ((tr = reallocarray(s->tx.rcpts, cap, sizeof(*tr))) == NULL) {
			reply_error(s, "451 4.3.0 Error: out of memory");
			return 0;
		}
		s->tx.rcpts = tr;
		s->tx.rcap = cap;
	}
	tr = &s->tx.rcpts[s->tx.nrcpts];
	memset(tr, 0, sizeof(*tr));
	memcpy(tr->e164, e164, sizeof(tr->e164));
	tr->notify = (uint8_t)r.notify;
	if ((tr->addr = strndup(r.addr, r.addrlen)) == NULL ||
	    (r.orcpt[0] && (tr->orcpt = strdup(r.orcpt)) == NULL)) {
		free(tr->addr);
		reply_error(s, "451 4.3.0 Error: out of memory");
		return 0;
	}
	s->tx.nrcpts++;
	enter_state(s, S_RCPT);
	reply(s, "250 2.1.5 Ok");
	return 0;
}

static int
cmd_data(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	if (len != 0) {
		reply_error(s, "501 5.5.4 Syntax: DATA");
		return 0;
	}
	if (s->state == S_MAIL) {
		reply_error(s, "554 5.5.1 Error: no valid recipients");
		return 0;
	}
	if (s->state != S_RCPT) {
		reply_error(s, "503 5.5.1 Error: need RCPT command");
		return 0;
	}
	enter_state(s, S_BODY);
	bufferevent_set_timeouts(s->bev, &(struct timeval){
	    s->srv->conf->smtp.data_timeout, 0 }, NULL);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	return 0;
}

static int
cmd_rset(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	tx_reset(&s->tx);
	if (s->state != S_CONNECTED)
		enter_state(s, S_HELO);
	reply(s, "250 2.0.0 Ok");
	return 0;
}

static int
cmd_noop(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "250 2.0.0 Ok");
	return 0;
}

static int
cmd_quit(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "221 2.0.0 Bye");
	enter_state(s, S_QUIT);
	return 0;
}

static int
cmd_vrfy(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	if (len == 0) {
		reply_error(s, "501 5.5.4 Syntax: VRFY address");
		return 0;
	}
	reply(s, "252 2.5.2 Cannot VRFY user, but will accept message "
	    "and attempt delivery");
	return 0;
}

static int
cmd_help(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply(s, "214-2.0.0 smsrelay: mail to <phone-number@domain> becomes an SMS");
	reply(s, "214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT "
	    "VRFY HELP");
	reply(s, "214 2.0.0 End of HELP info");
	return 0;
}

static int
cmd_not_implemented(struct session *s, const char *arg, size_t len)
{
	(void)arg;
	(void)len;
	reply_error(s, "502 5.5.1 Error: command not implemented");
	return 0;
}

/*
 * STARTTLS and AUTH are known verbs without a handler yet: the TLS and
 * submission issue fills them in (states and the EHLO list grow with them).
 */
static const struct command commands[] = {
	{ "HELO", SMTP_CMD_HELO, cmd_helo },
	{ "EHLO", SMTP_CMD_EHLO, cmd_ehlo },
	{ "MAIL", SMTP_CMD_MAIL, cmd_mail },
	{ "RCPT", SMTP_CMD_RCPT, cmd_rcpt },
	{ "DATA", SMTP_CMD_DATA, cmd_data },
	{ "RSET", SMTP_CMD_RSET, cmd_rset },
	{ "NOOP", SMTP_CMD_NOOP, cmd_noop },
	{ "QUIT", SMTP_CMD_QUIT, cmd_quit },
	{ "VRFY", SMTP_CMD_VRFY, cmd_vrfy },
	{ "HELP", SMTP_CMD_HELP, cmd_help },
	{ "EXPN", SMTP_CMD_EXPN, cmd_not_implemented },
	{ "STARTTLS", SMTP_CMD_STARTTLS, cmd_not_implemented },
	{ "AUTH", SMTP_CMD_AUTH, cmd_not_implemented },
	{ "BDAT", SMTP_CMD_BDAT, cmd_not_implemented },
};

/* session_command - one complete command line, CRLF removed */
static void
session_command(struct session *s, const char *line, size_t len)
{
	struct smtp_command cmd;
	size_t		 i;

	if (smtp_parse_command(line, len, &cmd) == -1) {
		reply_error(s, "500 5.5.1 Error: command not recognized");
		return;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].verb == cmd.verb) {
			commands[i].proceed(s, cmd.args, cmd.argslen);
			return;
		}
	reply_error(s, "500 5.5.1 Error: command not recognized");
}

/* smuggling - refuse a bare LF or CR and hang up: no guessing at line ends */
static void
smuggling(struct session *s, const char *where)
{
	reply(s, "521 5.5.2 %s Error: bare <LF> or <CR> received; lines must "
	    "end with <CR><LF>", s->srv->conf->hostname);
	log_info("%016" PRIx64 " smtp disconnected client=%s reason=bare-newline "
	    "in=%s", s->sid, s->addr, where);
	enter_state(s, S_QUIT);
}

/* read_command - take one line; 1 if one was handled, 0 if none is whole */
static int
read_command(struct session *s, struct evbuffer *in)
{
	struct evbuffer_ptr p;
	char	 line[CMD_LINE_MAX + 1];
	size_t	 n;

	p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (p.pos == -1) {
		if (evbuffer_get_length(in) > CMD_LINE_MAX) {
			evbuffer_drain(in, evbuffer_get_length(in));
			s->discarding = 1;
		}
		return 0;
	}
	n = (size_t)p.pos + 1;
	if (s->discarding || n > CMD_LINE_MAX) {
		evbuffer_drain(in, n);
		s->discarding = 0;
		reply_error(s, "500 5.5.2 Error: line too long");
		return 1;
	}
	evbuffer_remove(in, line, n);
	if (n < 2 || line[n - 2] != '\r' || memchr(line, '\r', n - 2) != NULL) {
		smuggling(s, "command");
		return 1;
	}
	line[n - 2] = '\0';
	session_command(s, line, n - 2);
	return 1;
}

static void	session_end_of_data(struct session *);

/*
 * read_data - move DATA lines into the transaction, unstuffing dots; 1 at
 * the end-of-data line, 0 when more input is needed.
 */
static int
read_data(struct session *s, struct evbuffer *in)
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
			smuggling(s, "data");
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
		reply(s, "451 4.3.0 Error: queue file write error, try again later");
		log_warnx("%016" PRIx64 " smtp queue write failed client=%s",
		    s->sid, s->addr);
	} else
		reply(s, "250 2.0.0 Ok: queued as %s (%u part%s, %s)",
		    s->queue_id, tx->parts, tx->parts == 1 ? "" : "s",
		    gsm_encoding_name(tx->encoding));
	tx_reset(tx);
	enter_state(s, S_HELO);
	bufferevent_set_timeouts(s->bev, &(struct timeval){
	    s->srv->conf->smtp.idle_timeout, 0 }, NULL);
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

/* session_end_of_data - convert, then hand over to the queue */
static void
session_end_of_data(struct session *s)
{
	const struct conf *c = s->srv->conf;
	struct smtp_tx	*tx = &s->tx;
	struct mime_text mt = { 0 };
	struct sms_text	 st = { 0 };
	struct qsubmit	 sub;
	struct qsubmit_rcpt *qr = NULL;
	size_t		 i, hlen;

	bufferevent_set_timeouts(s->bev, &(struct timeval){
	    c->smtp.idle_timeout, 0 }, NULL);
	if (tx->too_big) {
		reply_error(s, "552 5.3.4 Message size exceeds fixed limit");
		goto reset;
	}
	errno = 0;
	if (mime_extract(tx->data.s, tx->data.len, &mt) == -1)
		errno = ENODATA;
	else if (text_compose(&mt, c, &st) == 0)
		errno = 0;
	if (errno != 0) {
		char why[256];

		if (errno == ENOMEM)
			reply(s, "%s", text_reply(errno, c, why, sizeof(why)));
		else
			reply_error(s, "%s", text_reply(errno, c, why, sizeof(why)));
		goto reset;
	}
	s->tx.parts = st.layout.parts;
	s->tx.encoding = st.layout.encoding;
	if ((qr = calloc(tx->nrcpts, sizeof(*qr))) == NULL) {
		reply(s, "451 4.3.0 Error: out of memory");
		goto reset;
	}
	for (i = 0; i < tx->nrcpts; i++)
		qr[i] = (struct qsubmit_rcpt){ tx->rcpts[i].addr,
		    tx->rcpts[i].e164, tx->rcpts[i].orcpt, tx->rcpts[i].notify };
	hlen = header_block_len(tx->data.s, tx->data.len);
	sub = (struct qsubmit){ .sender = tx->sender, .client = s->addr,
	    .helo = s->helo, .envid = tx->envid[0] ? tx->envid : NULL,
	    .ret = tx->ret, .sender_id = st.subject_options.src[0] ?
	    st.subject_options.src : c->backend.from, .text = st.text,
	    .not_before = (int64_t)st.subject_options.send_at,
	    .lifetime = st.subject_options.validity_hours * 3600,
	    .parts = st.layout.parts, .encoding = (uint8_t)st.layout.encoding,
	    .headers = tx->data.s, .headers_len = hlen,
	    .raw = tx->data.s, .raw_len = tx->data.len,
	    .rcpts = qr, .nrcpts = (uint32_t)tx->nrcpts };
	if (queue_submit(s->srv->queue, &sub, session_accepted, s,
	    s->queue_id) == -1) {
		reply(s, "451 4.3.0 Error: queue file write error, try again later");
		goto reset;
	}
	log_info("%s accepted from=<%s> nrcpt=%zu size=%zu parts=%u "
	    "encoding=%s%s client=%s", s->queue_id, tx->sender, tx->nrcpts,
	    tx->data.len, st.layout.parts, gsm_encoding_name(st.layout.encoding),
	    st.truncated ? " truncated" : "", s->addr);
	if (st.transliterated && st.translit.total > 0)
		log_translit(s->queue_id, &st.translit);
	free(qr);
	mime_text_free(&mt);
	text_free(&st);
	enter_state(s, S_COMMIT);
	return;
reset:
	free(qr);
	mime_text_free(&mt);
	text_free(&st);
	tx_reset(tx);
	enter_state(s, S_HELO);
}

/*
 * session_flush - write the replies now instead of arming EV_WRITE: almost
 * always the socket takes them at once, and two epoll_ctl calls per reply
 * are saved. Only a full socket buffer hands the rest to the bufferevent.
 * A closing session is freed here once its last reply is out.
 */
static void
session_flush(struct session *s)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	int		 n = 0;

	/* a socket bufferevent keeps its output's start frozen between its own writes */
	if (evbuffer_get_length(out) > 0) {
		evbuffer_unfreeze(out, 1);
		n = evbuffer_write(out, bufferevent_getfd(s->bev));
		evbuffer_freeze(out, 1);
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		log_debug("%016" PRIx64 " smtp write error client=%s: %s",
		    s->sid, s->addr, strerror(errno));
		if (s->state == S_COMMIT) {
			s->freed_later = 1;
			bufferevent_disable(s->bev, EV_READ);
			return;
		}
		session_close(s);
		return;
	}
	if (evbuffer_get_length(out) > 0) {
		bufferevent_enable(s->bev, EV_WRITE);
		return;
	}
	if (s->state == S_QUIT)
		session_close(s);
}

/* session_process - handle every whole line that has arrived, then reply */
static void
session_process(struct session *s)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);

	while (s->state != S_QUIT && s->state != S_COMMIT) {
		if (s->srv->stopping && s->state <= S_HELO) {
			reply(s, "421 4.3.2 %s Service shutting down",
			    s->srv->conf->hostname);
			enter_state(s, S_QUIT);
			break;
		}
		if (s->state == S_BODY) {
			if (!read_data(s, in))
				break;
			if (s->state == S_BODY)
				session_end_of_data(s);
			continue;
		}
		if (!read_command(s, in))
			break;
	}
	if (s->state == S_QUIT)
		bufferevent_disable(s->bev, EV_READ);
	session_flush(s);
}

static void
session_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	session_process(arg);
}

/* session_write - the bufferevent wrote what the socket refused earlier */
static void
session_write(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;

	bufferevent_disable(bev, EV_WRITE);
	if (s->state == S_QUIT)
		session_close(s);
}

/* session_event - timeouts, EOF and errors */
static void
session_event(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		log_info("%016" PRIx64 " smtp disconnected client=%s "
		    "reason=timeout state=%s", s->sid, s->addr,
		    state_names[s->state]);
		if (s->state == S_COMMIT) {
			s->freed_later = 1;
			bufferevent_disable(s->bev, EV_READ | EV_WRITE);
			return;
		}
		reply(s, "421 4.4.2 %s Error: timeout exceeded",
		    s->srv->conf->hostname);
		enter_state(s, S_QUIT);
		bufferevent_disable(s->bev, EV_READ);
		session_flush(s);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (s->state != S_QUIT && s->state != S_HELO &&
		    s->state != S_CONNECTED)
			log_info("%016" PRIx64 " smtp disconnected client=%s "
			    "reason=%s state=%s", s->sid, s->addr,
			    (what & BEV_EVENT_EOF) ? "eof" : "error",
			    state_names[s->state]);
		if (s->state == S_COMMIT) {
			s->freed_later = 1;
			bufferevent_disable(s->bev, EV_READ | EV_WRITE);
			return;
		}
		session_close(s);
	}
}

/* session_close - free everything; the client count goes down */
static void
session_close(struct session *s)
{
	struct server *srv = s->srv;

	log_debug("%016" PRIx64 " smtp closed client=%s", s->sid, s->addr);
	bufferevent_free(s->bev);
	LIST_REMOVE(s, entry);
	client_leave(srv, (struct sockaddr *)&s->ss);
	srv->nsessions--;
	tx_free(&s->tx);
	free(s);
}

/* session_start - see session.h */
void
session_start(struct server *srv, evutil_socket_t fd,
    const struct sockaddr *sa, socklen_t salen)
{
	const struct conf *c = srv->conf;
	struct session	*s;
	const char	*refuse = NULL;
	int		 shutting = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	s->srv = srv;
	s->sid = next_sid++;
	memcpy(&s->ss, sa, salen < sizeof(s->ss) ? salen : sizeof(s->ss));
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    s->addr, sizeof(s->addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    s->addr, sizeof(s->addr));
	else
		snprintf(s->addr, sizeof(s->addr), "local");
	s->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		evutil_closesocket(fd);
		free(s);
		return;
	}
	srv->nsessions++;
	LIST_INSERT_HEAD(&sessions, s, entry);
	if (client_enter(srv, sa) == -1)
		refuse = "too many connections from your address";
	else if (srv->nsessions > c->smtp.max_sessions)
		refuse = "too many connections";
	else if (srv->stopping) {
		refuse = "service shutting down";
		shutting = 1;
	}
	s->relay_ok = conf_relay_allowed(c, sa);
	bufferevent_setcb(s->bev, session_read, session_write, session_event, s);
	bufferevent_disable(s->bev, EV_WRITE);
	bufferevent_set_timeouts(s->bev, &(struct timeval){ c->smtp.idle_timeout, 0 },
	    NULL);
	if (refuse != NULL) {
		reply(s, "421 %s %s Error: %s", shutting ? "4.3.2" : "4.7.0",
		    c->hostname, refuse);
		log_info("%016" PRIx64 " smtp refused client=%s reason=limit",
		    s->sid, s->addr);
		enter_state(s, S_QUIT);
		session_flush(s);
		return;
	}
	reply(s, "220 %s ESMTP smsrelay", c->hostname);
	bufferevent_enable(s->bev, EV_READ);
	session_flush(s);
}

/* session_shutdown_idle - sessions between transactions are told to go */
void
session_shutdown_idle(struct server *srv)
{
	struct session *s, *next;

	for (s = LIST_FIRST(&sessions); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->srv == srv && s->state <= S_HELO)
			session_process(s);
	}
}

/* session_close_all - at exit: whatever is left is closed and freed */
void
session_close_all(struct server *srv)
{
	struct session *s, *next;

	for (s = LIST_FIRST(&sessions); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->srv == srv)
			session_close(s);
	}
}
