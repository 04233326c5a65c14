/*
 * session.c - one SMTP connection from accept to close: PROXY header, greet
 * pause, greeting, TLS (implicit or after STARTTLS), reading lines, writing
 * replies, timeouts and the error delay. The commands are in commands.c.
 *
 * Replies gather in the session's own buffer and go to the socket once per
 * batch of input (pipelined replies in one write), or after the error delay.
 * A plain session writes straight to the socket, saving the two epoll_ctl
 * calls of arming EV_WRITE; only a full socket buffer hands the rest to the
 * bufferevent. A TLS session always writes through its bufferevent.
 *
 * Each request has a deadline set when it begins and never moved by what
 * the peer sends (Postfix's per-request deadline): the PROXY header from
 * accept, the TLS handshake, one whole command line, message content at a
 * minimum rate, the last replies of a closing session.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/bufferevent_ssl.h>

#include "conf/lookup.h"
#include "smtpd/smtp/deadline.h"
#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/smtp/proxy.h"
#include "smtpd/policy/ratelimit.h"
#include "smtpd/smtp/session.h"
#include "smtpd/smtp/session_priv.h"
#include "smtpd/smtp/tls.h"

#define PROXY_TIMEOUT_MS	5000	/* the load balancer's header, from accept */
#define CLOSE_GRACE_MS		5000	/* the last replies of a closing session */
#define OUT_MAX			(64 * 1024)	/* unread replies: stop reading */

static const char *state_names[] = { "proxy", "greeting", "connected", "helo",
    "auth", "auth-check", "mail", "rcpt", "body", "bdat", "check", "commit",
    "quit" };

static uint64_t	 next_sid = 1;
static LIST_HEAD(, session) sessions = LIST_HEAD_INITIALIZER(sessions);

static void	session_read(struct bufferevent *, void *);
static void	session_write(struct bufferevent *, void *);
static void	session_event(struct bufferevent *, short, void *);
static void	session_flush(struct session *);

/* enter_state - every transition passes here, so it can be traced */
void
enter_state(struct session *s, enum smtp_state st)
{
	log_debug("%016" PRIx64 " smtp state %s -> %s", s->sid,
	    state_names[s->state], state_names[st]);
	s->state = st;
	session_deadline(s);
}

/*
 * server_moves - the server, not the client, has the next move: a password
 * or policy check, or the queue, answers before more input is taken
 */
static int
server_moves(const struct session *s)
{
	return s->state == S_AUTH_CHECK || s->state == S_CHECK ||
	    s->state == S_COMMIT;
}

/* deadline_arm - the deadline is ms from now, for w */
static void
deadline_arm(struct session *s, enum session_wait w, uint64_t ms)
{
	struct timeval	 tv = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000 };

	s->wait = w;
	if (evtimer_add(s->deadline, &tv) == -1)
		log_warnx("%016" PRIx64 " smtp cannot set a deadline", s->sid);
}

/* data_deadline - when the content under way runs out of time */
static uint64_t
data_deadline(const struct session *s)
{
	const struct conf *c = s->srv->conf;

	return (uint64_t)deadline_data_ms((int64_t)s->data_start_ms,
	    (int64_t)s->rx_last_ms, s->rx_bytes - s->data_rx0,
	    c->smtp.data_timeout, c->smtp.min_data_rate);
}

/*
 * session_deadline - the deadline the session's state calls for: a new one
 * for each command line and each DATA or BDAT chunk, none while the server
 * works; the PROXY, TLS and closing deadlines are set once and kept.
 */
void
session_deadline(struct session *s)
{
	const struct conf *c = s->srv->conf;
	uint64_t	 now;

	if (s->state == S_PROXY)
		return;
	if (s->tls && !s->tls_up) {
		if (s->wait != WAIT_TLS)
			deadline_arm(s, WAIT_TLS,
			    (uint64_t)c->smtp.tls_handshake_timeout * 1000);
		return;
	}
	switch (s->state) {
	case S_GREETING:
	case S_AUTH_CHECK:
	case S_CHECK:
	case S_COMMIT:
		s->wait = WAIT_NONE;
		evtimer_del(s->deadline);
		break;
	case S_QUIT:
		if (s->wait != WAIT_CLOSE)
			deadline_arm(s, WAIT_CLOSE, CLOSE_GRACE_MS);
		break;
	case S_BODY:
	case S_BDAT:
		now = ratelimit_now_ms();
		s->data_start_ms = s->rx_last_ms = now;
		s->data_rx0 = s->rx_bytes;
		deadline_arm(s, WAIT_DATA, data_deadline(s) - now);
		break;
	default:
		deadline_arm(s, WAIT_COMMAND,
		    (uint64_t)c->smtp.idle_timeout * 1000);
		break;
	}
}

/* vreply - one reply line into the session's output */
static void vreply(struct session *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vreply(struct session *s, const char *fmt, va_list ap)
{
	if (evbuffer_add_vprintf(s->out, fmt, ap) == -1 ||
	    evbuffer_add(s->out, "\r\n", 2) == -1) {
		log_warnx("%016" PRIx64 " smtp reply failed: out of memory",
		    s->sid);
		enter_state(s, S_QUIT);
	}
}

/* reply - queue one reply line; the loop flushes pipelined replies together */
void
reply(struct session *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreply(s, fmt, ap);
	va_end(ap);
}

/*
 * reply_error - a 4xx/5xx that counts: past smtp.soft_error_limit replies
 * wait smtp.error_delay (a guessing client slows down), at max_errors 421.
 */
void
reply_error(struct session *s, const char *fmt, ...)
{
	const struct conf *c = s->srv->conf;
	va_list	 ap;

	va_start(ap, fmt);
	vreply(s, fmt, ap);
	va_end(ap);
	if (++s->errors >= c->smtp.max_errors) {
		reply(s, "421 4.7.0 %s Error: too many errors", c->hostname);
		log_info("%016" PRIx64 " smtp disconnected client=%s "
		    "reason=too-many-errors", s->sid, s->addr);
		enter_state(s, S_QUIT);
		return;
	}
	if (s->errors > c->smtp.soft_error_limit && c->smtp.error_delay_ms > 0)
		s->hold = 1;
}

/* sync_error - input the client had no right to send yet */
static void
sync_error(struct session *s, const char *where)
{
	reply(s, "554 5.5.0 Error: SMTP protocol synchronization");
	log_info("%016" PRIx64 " smtp disconnected client=%s "
	    "reason=pipelining in=%s", s->sid, s->addr, where);
	enter_state(s, S_QUIT);
}

/* smtp_smuggling - refuse a bare LF or CR and hang up: no guessing at line ends */
void
smtp_smuggling(struct session *s, const char *where)
{
	reply(s, "521 5.5.2 %s Error: bare <LF> or <CR> received; lines must "
	    "end with <CR><LF>", s->srv->conf->hostname);
	log_info("%016" PRIx64 " smtp disconnected client=%s reason=bare-newline "
	    "in=%s", s->sid, s->addr, where);
	enter_state(s, S_QUIT);
}

/*
 * line_limit - the longest the line now arriving may be: as the command
 * table says for its verb, or for the lines of an AUTH exchange as for AUTH
 * (RFC 4954 4)
 */
static size_t
line_limit(const struct session *s, struct evbuffer *in)
{
	size_t	 n = evbuffer_get_length(in);

	if (s->state == S_AUTH)
		return AUTH_LINE_MAX;
	if (n > SMTP_VERB_MAX + 1)
		n = SMTP_VERB_MAX + 1;
	return smtp_line_max((const char *)evbuffer_pullup(in, n), n);
}

/* read_command - take one line; 1 if one was handled, 0 if none is whole */
static int
read_command(struct session *s, struct evbuffer *in)
{
	struct evbuffer_ptr p;
	enum smtp_verb verb;
	char	 line[LINE_MAX_ANY + 1];
	size_t	 n;

	p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (p.pos == -1) {
		if (evbuffer_get_length(in) > LINE_MAX_ANY) {
			evbuffer_drain(in, evbuffer_get_length(in));
			s->discarding = 1;
		}
		return 0;
	}
	n = (size_t)p.pos + 1;
	/* most lines are short: the verb is looked at only for a long one */
	if (s->discarding || (n > CMD_LINE_MAX && n > line_limit(s, in))) {
		evbuffer_drain(in, n);
		s->discarding = 0;
		if (s->state == S_AUTH)
			smtp_auth_abort(s);
		reply_error(s, "500 5.5.2 Error: line too long");
		return 1;
	}
	evbuffer_remove(in, line, n);
	if (n < 2 || line[n - 2] != '\r' || memchr(line, '\r', n - 2) != NULL) {
		smtp_smuggling(s, "command");
		return 1;
	}
	line[n - 2] = '\0';
	if (s->state == S_AUTH) {
		smtp_auth_response(s, line, n - 2);
		explicit_bzero(line, n);
		session_deadline(s);
		return 1;
	}
	verb = smtp_command(s, line, n - 2);
	if (s->user == NULL && s->srv->conf->smtp.forbid_unauth_pipelining &&
	    s->state != S_QUIT && evbuffer_get_length(in) > 0 &&
	    smtp_ends_group(verb))
		sync_error(s, "command");
	explicit_bzero(line, n);
	/* the next command line gets a deadline of its own */
	if (s->state != S_BODY && s->state != S_BDAT)
		session_deadline(s);
	return 1;
}

/*
 * session_resume - the server has answered (a check, the queue): read
 * again unless the session is closing, and take what input waits
 */
void
session_resume(struct session *s)
{
	if (s->state != S_QUIT && !s->eof)
		bufferevent_enable(s->bev, EV_READ);
	session_process(s);
}

/* say_shutdown - 421 and close: nothing more is accepted */
static void
say_shutdown(struct session *s)
{
	reply(s, "421 4.3.2 %s Service shutting down, try again later",
	    s->srv->conf->hostname);
	log_info("%016" PRIx64 " smtp disconnected client=%s reason=shutdown "
	    "state=%s", s->sid, s->addr, state_names[s->state]);
	enter_state(s, S_QUIT);
}

/*
 * output_full - a client that does not read its replies is not read
 * either, until they are out: its replies cannot pile up in memory.
 */
static int
output_full(struct session *s)
{
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) +
	    evbuffer_get_length(s->out) <= OUT_MAX)
		return 0;
	s->out_blocked = 1;
	bufferevent_disable(s->bev, EV_READ);
	return 1;
}

/* session_process - handle every whole line that has arrived, then reply */
void
session_process(struct session *s)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);

	while (!s->hold && !s->tls_pending && s->state != S_QUIT &&
	    !server_moves(s)) {
		if (s->srv->stopping) {
			say_shutdown(s);
			break;
		}
		if (output_full(s))
			break;
		if (s->state == S_BODY) {
			if (!smtp_read_data(s, in))
				break;
			if (s->state == S_BODY)
				smtp_end_of_data(s);
			continue;
		}
		if (s->state == S_BDAT) {
			if (!smtp_read_bdat(s, in))
				break;
			continue;
		}
		if (!read_command(s, in))
			break;
	}
	/* a client that half-closed after pipelining still gets its replies */
	if (s->eof && !server_moves(s) && s->state != S_QUIT)
		enter_state(s, S_QUIT);
	if (s->state == S_QUIT)
		bufferevent_disable(s->bev, EV_READ);
	session_flush(s);
}

/* delay_done - the error delay is over: say what was held, read on */
static void
delay_done(evutil_socket_t fd, short ev, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)ev;
	s->hold = 0;
	if (s->state != S_QUIT && !s->eof)
		bufferevent_enable(s->bev, EV_READ);
	session_process(s);
}

/* session_timer - cb once after ms (greet pause, error delay); -1 if none */
static int
session_timer(struct session *s, event_callback_fn cb, unsigned ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	if (s->timer == NULL)
		s->timer = evtimer_new(s->srv->base, cb, s);
	else
		evtimer_assign(s->timer, s->srv->base, cb, s);
	if (s->timer == NULL || evtimer_add(s->timer, &tv) == -1)
		return -1;
	return 0;
}

/* hold_output - keep the replies back for smtp.error_delay */
static void
hold_output(struct session *s)
{
	bufferevent_disable(s->bev, EV_READ);
	if (session_timer(s, delay_done, s->srv->conf->smtp.error_delay_ms) == -1)
		s->hold = 0;
}

static void	start_tls(struct session *);

/* flush_plain - write the replies now; a full socket leaves the rest queued */
static int
flush_plain(struct session *s)
{
	struct evbuffer	*bout = bufferevent_get_output(s->bev);
	int		 n = 0;

	if (evbuffer_get_length(bout) > 0) {
		/* earlier output still waits for the socket: keep the order */
		evbuffer_add_buffer(bout, s->out);
		return 0;
	}
	if (evbuffer_get_length(s->out) > 0)
		n = evbuffer_write(s->out, s->fd);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		log_debug("%016" PRIx64 " smtp write error client=%s: %s",
		    s->sid, s->addr, strerror(errno));
		return -1;
	}
	if (evbuffer_get_length(s->out) > 0) {
		evbuffer_add_buffer(bout, s->out);
		bufferevent_enable(s->bev, EV_WRITE);
	}
	return 0;
}

/*
 * session_flush - hand the replies on (or hold them for the error delay);
 * a closing session is freed once its last reply is out.
 */
static void
session_flush(struct session *s)
{
	struct evbuffer	*bout = bufferevent_get_output(s->bev);

	if (s->hold && s->state != S_QUIT) {
		hold_output(s);
		return;
	}
	if (s->tls) {
		if (evbuffer_get_length(s->out) > 0)
			evbuffer_add_buffer(bout, s->out);
	} else if (flush_plain(s) == -1) {
		if (s->state == S_COMMIT) {
			s->freed_later = 1;
			bufferevent_disable(s->bev, EV_READ);
			return;
		}
		session_close(s);
		return;
	}
	if (evbuffer_get_length(bout) > 0)
		return;
	if (s->state == S_QUIT)
		session_close(s);
	else if (s->tls_pending)
		start_tls(s);
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

	if (!s->tls)
		bufferevent_disable(bev, EV_WRITE);
	if (s->state == S_QUIT)
		session_close(s);
	else if (s->tls_pending)
		start_tls(s);
	else if (s->out_blocked) {
		s->out_blocked = 0;
		if (!s->hold && !s->eof)
			bufferevent_enable(bev, EV_READ);
		session_process(s);
	}
}

/* session_gone - the client left or timed out; the queue may still answer */
static int
session_gone(struct session *s)
{
	if (s->state == S_COMMIT) {
		s->freed_later = 1;
		bufferevent_disable(s->bev, EV_READ | EV_WRITE);
		return 0;
	}
	session_close(s);
	return 1;
}

/* session_event - handshake done, timeouts, EOF and errors */
static void
session_event(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;
	char	 desc[128];

	if (what & BEV_EVENT_CONNECTED) {
		tls_describe(bufferevent_openssl_get_ssl(bev), desc, sizeof(desc));
		log_info("%016" PRIx64 " smtp tls client=%s %s", s->sid, s->addr,
		    desc);
		s->tls_up = 1;
		stats_increment(STAT_TLS_OK, 1);
		s->wait = WAIT_NONE;
		session_deadline(s);
		return;
	}
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    server_moves(s)) {
		/* e.g. exim: BDAT LAST, QUIT, shutdown; answer both first */
		s->eof = 1;
		bufferevent_disable(s->bev, EV_READ);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (s->state != S_QUIT && s->state != S_HELO &&
		    s->state != S_CONNECTED)
			log_info("%016" PRIx64 " smtp disconnected client=%s "
			    "reason=%s state=%s", s->sid, s->addr,
			    (what & BEV_EVENT_EOF) ? "eof" : s->tls ?
			    "tls-error" : "error", state_names[s->state]);
		session_gone(s);
	}
}

/* proxy_drop - no usable PROXY header: close without a word */
static void
proxy_drop(struct session *s, const char *why)
{
	log_info("%016" PRIx64 " smtp disconnected client=%s reason=proxy: %s",
	    s->sid, s->addr, why);
	session_close(s);
}

/* deadline_cb - the request's deadline passed: 421 where it can be said */
static void
deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct session	*s = arg;
	uint64_t	 now = ratelimit_now_ms(), end;

	(void)fd;
	(void)ev;
	switch (s->wait) {
	case WAIT_NONE:
		return;
	case WAIT_PROXY:
		proxy_drop(s, "no header in time");
		return;
	case WAIT_DATA:
		/* bytes since the deadline was set may have earned more time */
		if ((end = data_deadline(s)) > now) {
			deadline_arm(s, WAIT_DATA, end - now);
			return;
		}
		break;
	case WAIT_TLS:
	case WAIT_CLOSE:
		/* no reply can go out: before a handshake, or stuck behind one */
		log_info("%016" PRIx64 " smtp disconnected client=%s "
		    "reason=timeout state=%s", s->sid, s->addr, s->wait ==
		    WAIT_TLS ? "tls-handshake" : state_names[s->state]);
		session_close(s);
		return;
	case WAIT_COMMAND:
		break;
	}
	log_info("%016" PRIx64 " smtp disconnected client=%s reason=timeout "
	    "state=%s", s->sid, s->addr, state_names[s->state]);
	reply(s, "421 4.4.2 %s Error: timeout exceeded", s->srv->conf->hostname);
	enter_state(s, S_QUIT);
	bufferevent_disable(s->bev, EV_READ);
	session_flush(s);
}

/* session_close - free everything; the client count goes down */
void
session_close(struct session *s)
{
	struct server *srv = s->srv;

	log_debug("%016" PRIx64 " smtp closed client=%s", s->sid, s->addr);
	if (s->auth_req != NULL)
		auth_cancel(s->auth_req);
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->deadline != NULL)
		event_free(s->deadline);
	if (s->proxy_ev != NULL)
		event_free(s->proxy_ev);
	free(s->proxy_buf);
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	/* a TLS bufferevent closes the socket itself; a plain one does not */
	if (!s->tls)
		evutil_closesocket(s->fd);
	evbuffer_free(s->out);
	LIST_REMOVE(s, entry);
	if (s->counted)
		client_leave(srv, (struct sockaddr *)&s->ss);
	if (s->tls && !s->tls_up)
		stats_increment(STAT_TLS_FAILED, 1);
	stats_decrement(STAT_SESSIONS_OPEN, 1);
	srv->nsessions--;
	free(s->user);
	explicit_bzero(s->auth_user, sizeof(s->auth_user));
	tx_free(&s->tx);
	free(s);
}

/* count_input - bytes in, and when the last content byte came */
static void
count_input(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct session *s = arg;

	(void)b;
	if (info->n_added == 0)
		return;
	s->rx_bytes += info->n_added;
	if (s->wait == WAIT_DATA)
		s->rx_last_ms = ratelimit_now_ms();
}

/* new_bev - the bufferevent for the socket: plain, or TLS as the server */
static int
new_bev(struct session *s, int with_tls)
{
	struct bufferevent *bev;
	SSL	*ssl;

	if (!with_tls) {
		bev = bufferevent_socket_new(s->srv->base, s->fd, 0);
	} else {
		if ((ssl = SSL_new(s->srv->tls_ctx)) == NULL)
			return -1;
		bev = bufferevent_openssl_socket_new(s->srv->base, s->fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev == NULL) {
			SSL_free(ssl);
			return -1;
		}
		/* a client that just closes the socket has not attacked us */
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	}
	if (bev == NULL)
		return -1;
	s->bev = bev;
	s->tls = with_tls;
	s->tls_up = 0;
	bufferevent_setcb(bev, session_read, session_write, session_event, s);
	if (evbuffer_add_cb(bufferevent_get_input(bev), count_input, s) == NULL)
		return -1;
	if (with_tls)
		bufferevent_enable(bev, EV_READ | EV_WRITE);
	else {
		bufferevent_disable(bev, EV_WRITE);
		bufferevent_enable(bev, EV_READ);
	}
	return 0;
}

/*
 * start_tls - 220 is out: the same socket continues as TLS, and the session
 * starts over as if just greeted (RFC 3207 4.2).
 */
static void
start_tls(struct session *s)
{
	struct bufferevent *old = s->bev;

	s->tls_pending = 0;
	if (evbuffer_get_length(bufferevent_get_input(old)) > 0) {
		/* arrived after the check in STARTTLS: still injected */
		reply(s, "554 5.5.0 Error: pipelined input after STARTTLS");
		enter_state(s, S_QUIT);
		session_flush(s);
		return;
	}
	s->bev = NULL;
	bufferevent_free(old);
	if (new_bev(s, 1) == -1) {
		log_warnx("%016" PRIx64 " smtp tls setup failed client=%s",
		    s->sid, s->addr);
		session_close(s);
		return;
	}
	s->helo[0] = '\0';
	s->esmtp = 0;
	free(s->user);
	s->user = NULL;
	tx_reset(&s->tx);
	enter_state(s, S_CONNECTED);
}

/* greet - 220, or 554 for a client that spoke before it */
static void
greet(struct session *s)
{
	char	 c;

	if (s->srv->conf->smtp.forbid_unauth_pipelining && !s->tls &&
	    recv(s->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
		sync_error(s, "greeting");
		session_flush(s);
		return;
	}
	enter_state(s, S_CONNECTED);
	reply(s, "220 %s ESMTP smsrelay", s->srv->conf->hostname);
	bufferevent_enable(s->bev, EV_READ);
	session_flush(s);
}

static void
greet_pause_done(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	greet(arg);
}

/* session_begin - limits, then the greeting (after the pause, if any) */
static void
session_begin(struct session *s)
{
	const struct conf *c = s->srv->conf;
	const char	*refuse = NULL;
	int		 shutting = 0;
	unsigned	 ms = c->smtp.greet_pause_ms;

	s->counted = 1;
	if (client_enter(s->srv, (struct sockaddr *)&s->ss) == -1) {
		refuse = "too many connections from your address";
		stats_increment(STAT_LIMIT_CLIENT_SESSIONS, 1);
	} else if (s->srv->nsessions > c->smtp.max_sessions ||
	    s->srv->nsessions > s->srv->fd_sessions) {
		refuse = "too many connections";
		stats_increment(STAT_LIMIT_SESSIONS, 1);
	} else if (s->srv->stopping) {
		refuse = "service shutting down";
		shutting = 1;
	}
	s->relay_ok = conf_relay_allowed(c, (struct sockaddr *)&s->ss);
	if (new_bev(s, s->lst->tls == LISTEN_TLS_IMPLICIT) == -1) {
		session_close(s);
		return;
	}
	if (refuse != NULL) {
		reply(s, "421 %s %s Error: %s", shutting ? "4.3.2" : "4.7.0",
		    c->hostname, refuse);
		log_info("%016" PRIx64 " smtp refused client=%s reason=limit",
		    s->sid, s->addr);
		enter_state(s, S_QUIT);
		session_flush(s);
		return;
	}
	log_debug("%016" PRIx64 " smtp connect client=%s listener=%s", s->sid,
	    s->addr, s->lst->address);
	if (ms == 0 || s->tls) {
		greet(s);
		return;
	}
	enter_state(s, S_GREETING);
	bufferevent_disable(s->bev, EV_READ);
	if (session_timer(s, greet_pause_done, ms) == -1)
		greet(s);
}

/* set_address - the client's address for limits, relay checks and logs */
static void
set_address(struct session *s, const struct sockaddr *sa, socklen_t salen)
{
	memset(&s->ss, 0, sizeof(s->ss));
	memcpy(&s->ss, sa, salen < sizeof(s->ss) ? salen : sizeof(s->ss));
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    s->addr, sizeof(s->addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    s->addr, sizeof(s->addr));
	else
		snprintf(s->addr, sizeof(s->addr), "local");
}

/* proxy_take - the header is whole: the client's address, then greet */
static void
proxy_take(struct session *s, const struct proxy_info *info)
{
	char	 via[sizeof(s->addr)];

	event_free(s->proxy_ev);
	s->proxy_ev = NULL;
	free(s->proxy_buf);
	s->proxy_buf = NULL;
	if (!info->local) {
		memcpy(via, s->addr, sizeof(via));
		set_address(s, (const struct sockaddr *)&info->src,
		    info->srclen);
		log_debug("%016" PRIx64 " smtp proxy client=%s via=%s", s->sid,
		    s->addr, via);
	}
	s->wait = WAIT_NONE;
	evtimer_del(s->deadline);
	session_begin(s);
}

/*
 * proxy_read - read the header and not a byte more: its fixed part says
 * how long the rest is, so what follows it (a TLS ClientHello) stays in the
 * socket. Bytes are taken as they come, so a cut header does not keep the
 * socket readable; the deadline runs from accept.
 */
static void
proxy_read(evutil_socket_t fd, short ev, void *arg)
{
	struct session	*s = arg;
	struct proxy_info info;
	const char	*why = NULL;
	ssize_t		 n;

	(void)ev;
	n = recv(fd, s->proxy_buf + s->proxy_have,
	    s->proxy_need - s->proxy_have, 0);
	if (n <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		proxy_drop(s, n == 0 ? "closed before the header" :
		    strerror(errno));
		return;
	}
	s->proxy_have += (size_t)n;
	switch (proxy_v2_parse(s->proxy_buf, s->proxy_have, &info,
	    &s->proxy_need, &why)) {
	case PROXY_NEED_MORE:
		return;
	case PROXY_BAD:
		proxy_drop(s, why != NULL ? why : "bad header");
		return;
	case PROXY_OK:
		proxy_take(s, &info);
		return;
	}
}

/* proxy_wait - a PROXY listener: the header first, from an allowed peer */
static void
proxy_wait(struct session *s)
{
	const struct listener *l = s->lst;

	if (!conf_cidr_match(l->proxy_from, l->nproxy_from,
	    (const struct sockaddr *)&s->ss)) {
		log_info("%016" PRIx64 " smtp refused client=%s reason=proxy_from "
		    "listener=%s: not a trusted load balancer", s->sid, s->addr,
		    l->address);
		session_close(s);
		return;
	}
	s->proxy_buf = malloc(PROXY_V2_MAX_LEN);
	s->proxy_need = PROXY_V2_HDR_LEN;
	s->proxy_ev = event_new(s->srv->base, s->fd, EV_READ | EV_PERSIST,
	    proxy_read, s);
	if (s->proxy_buf == NULL || s->proxy_ev == NULL ||
	    event_add(s->proxy_ev, NULL) == -1) {
		session_close(s);
		return;
	}
	deadline_arm(s, WAIT_PROXY, PROXY_TIMEOUT_MS);
}

/* session_start - see session.h */
void
session_start(struct listener *l, evutil_socket_t fd,
    const struct sockaddr *sa, socklen_t salen)
{
	struct server	*srv = l->srv;
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->out = evbuffer_new()) == NULL) {
		free(s);
		evutil_closesocket(fd);
		return;
	}
	s->srv = srv;
	s->lst = l;
	s->fd = fd;
	s->sid = next_sid++;
	s->state = l->proxy ? S_PROXY : S_GREETING;
	set_address(s, sa, salen);
	srv->nsessions++;
	stats_increment(l->tls == LISTEN_TLS_IMPLICIT ? STAT_SESSIONS_IMPLICIT :
	    l->tls == LISTEN_TLS_STARTTLS ? STAT_SESSIONS_STARTTLS :
	    STAT_SESSIONS_PLAIN, 1);
	stats_increment(STAT_SESSIONS_OPEN, 1);
	LIST_INSERT_HEAD(&sessions, s, entry);
	if ((s->deadline = evtimer_new(srv->base, deadline_cb, s)) == NULL) {
		session_close(s);
		return;
	}
	if (l->proxy)
		proxy_wait(s);
	else
		session_begin(s);
}

/*
 * session_shutdown - SIGTERM: every session is told to go at once, but one
 * whose message is being committed (it gets its 250 first) or whose
 * password or policy is being checked (it hears the verdict first).
 */
void
session_shutdown(struct server *srv)
{
	struct session *s, *next;

	for (s = LIST_FIRST(&sessions); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->srv != srv || server_moves(s) || s->state == S_QUIT)
			continue;
		if (s->state == S_PROXY || (s->tls && !s->tls_up)) {
			/* nothing can be said before the header or handshake */
			session_close(s);
			continue;
		}
		if (s->timer != NULL)
			evtimer_del(s->timer);	/* no greeting after the 421 */
		s->hold = 0;
		say_shutdown(s);
		bufferevent_disable(s->bev, EV_READ);
		session_flush(s);
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
