/*
 * test_session.c - SMTP dialogues with a real session, driven without a
 * network: the session holds one end of a socketpair on an event loop in
 * this process, a script sends and expects at the other (as OpenSMTPD's
 * regress tests do). The server is a real one: a queue on a spool in a
 * temporary directory, the outbox backend, the in-process limiter or one
 * that answers from a timer.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "sms/lib/stats.h"
#include "sms/lib/evbase.h"
#include "smtpd/policy/limiter.h"
#include "smtpd/policy/ratelimit.h"
#include "smtpd/queue/queue.h"
#include "smtpd/server.h"
#include "smtpd/smtp/listen.h"
#include "smtpd/smtp/session.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define NUMBER		"+4917012345678"
#define NUMBER2		"+4917012345679"
#define RCPT1		"RCPT TO:<" NUMBER "@sms.example>\r\n"
#define RCPT2		"RCPT TO:<" NUMBER2 "@sms.example>\r\n"
#define MAIL		"MAIL FROM:<clerk@example.com>\r\n"
#define BODY		"Subject: pickup\r\n\r\nYour parcel is ready.\r\n.\r\n"
#define REPLY_WAIT_MS	5000	/* a reply that takes longer is missing */

enum step_kind {
	SEND,		/* these bytes, in one write */
	EXPECT,		/* the next whole reply begins with this */
	SILENT,		/* no reply for atoi(text) ms */
	CLOSED,		/* the server closes, nothing more said */
};

struct step {
	enum step_kind	 kind;
	const char	*text;
};

/* A limiter that answers from a timer what its script says, in order. */
struct slow_limiter {
	struct event_base	*base;
	struct event		*timer;
	unsigned		 delay_ms;
	const char		*script[8];	/* "which" of each answer; NULL: pass */
	size_t			 asked;
	size_t			 answered;
	unsigned		 cancels;
	limit_done_cb		*cb;
	void			*cb_arg;
};

struct fixture {
	char			 dir[64];
	struct conf		*conf;
	struct event_base	*base;
	struct server		 srv;
	struct limiter		*local;
	struct limiter		*slow;
	struct slow_limiter	 sl;
	struct listener		 plain;		/* port 25 style */
	struct listener		 submission;	/* STARTTLS required */
	int			 fd;		/* the client's end */
	struct event		*readable;
	struct evbuffer		*in;		/* what the server said */
	bool			 closed;
	bool			 timed_out;
};

/* slow_fire - the timer: the answer the script has for this check */
static void
slow_fire(evutil_socket_t fd, short ev, void *arg)
{
	struct slow_limiter *sl = arg;
	struct limit_answer a = { NULL, 0 };
	limit_done_cb	*cb = sl->cb;

	(void)fd;
	(void)ev;
	if (sl->answered < NITEMS(sl->script))
		a.which = sl->script[sl->answered];
	sl->answered++;
	sl->cb = NULL;
	cb(sl->cb_arg, &a);
}

/* slow_check - always later, from the timer: never inside the call */
static enum limit_when
slow_check(void *self, const struct limit_ask *asks, size_t n,
    struct limit_answer *now, limit_done_cb *cb, void *arg,
    struct limit_request **req)
{
	struct slow_limiter *sl = self;
	struct timeval	 tv = { sl->delay_ms / 1000,
	    (sl->delay_ms % 1000) * 1000 };

	(void)asks;
	(void)n;
	(void)now;
	assert_null(sl->cb);
	sl->asked++;
	sl->cb = cb;
	sl->cb_arg = arg;
	*req = (struct limit_request *)sl;
	assert_int_equal(evtimer_add(sl->timer, &tv), 0);
	return LIMIT_LATER;
}

static void
slow_cancel(void *self, struct limit_request *req)
{
	struct slow_limiter *sl = self;

	assert_ptr_equal(req, sl);
	sl->cancels++;
	sl->cb = NULL;
	evtimer_del(sl->timer);
}

static void
slow_charge(void *self, const struct limit_ask *asks, size_t n)
{
	(void)self;
	(void)asks;
	(void)n;
}

static const struct limiter_ops slow_ops = {
	slow_check, slow_cancel, slow_charge, NULL
};

/* replace - a string setting of the configuration */
static void
replace(char **setting, const char *dir, const char *name)
{
	free(*setting);
	assert_true(asprintf(setting, "%s%s", dir, name) != -1);
}

static int
setup(void **state)
{
	struct fixture	*fx;
	char		 err[256];

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_session.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_non_null(fx->conf = conf_default());
	replace(&fx->conf->spool, fx->dir, "");
	replace(&fx->conf->backend.path, fx->dir, "/outbox.jsonl");
	replace(&fx->conf->control_socket, fx->dir, "/control.sock");
	replace(&fx->conf->domains[0], "sms.example", "");
	fx->conf->smtp.error_delay_ms = 0;
	assert_non_null(fx->base = evbase_new());
	fx->srv.base = fx->base;
	fx->srv.conf = fx->conf;
	fx->srv.fd_sessions = 100;
	fx->srv.queue = queue_new(fx->base, fx->conf, err, sizeof(err));
	if (fx->srv.queue == NULL)
		fail_msg("queue_new: %s", err);
	assert_non_null(fx->srv.limits = ratelimit_new());
	assert_non_null(fx->local = limiter_local_new(fx->srv.limits));
	assert_non_null(fx->slow = limiter_new(&slow_ops, &fx->sl));
	fx->sl.base = fx->base;
	assert_non_null(fx->sl.timer = evtimer_new(fx->base, slow_fire, &fx->sl));
	fx->srv.limiter = fx->local;
	fx->plain = (struct listener){ .srv = &fx->srv, .tls = LISTEN_TLS_NONE,
	    .starttls = STARTTLS_OPTIONAL, .auth = LISTEN_AUTH_OPTIONAL,
	    .address = "127.0.0.1:25" };
	fx->submission = (struct listener){ .srv = &fx->srv,
	    .tls = LISTEN_TLS_STARTTLS, .starttls = STARTTLS_REQUIRED,
	    .auth = LISTEN_AUTH_REQUIRED, .address = "127.0.0.1:587" };
	fx->fd = -1;
	*state = fx;
	return 0;
}

/* remove_entry - nftw: one file or directory of the spool */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* hang_up - the client goes; the session is freed at teardown */
static void
hang_up(struct fixture *fx)
{
	if (fx->fd == -1)
		return;
	event_free(fx->readable);
	evbuffer_free(fx->in);
	close(fx->fd);
	fx->fd = -1;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	hang_up(fx);
	/* the queue first, as in main: its last commits answer sessions */
	queue_free(fx->srv.queue);
	session_close_all(&fx->srv);
	server_free(&fx->srv);
	event_free(fx->sl.timer);
	limiter_free(fx->slow);
	limiter_free(fx->local);
	ratelimit_free(fx->srv.limits);
	event_base_free(fx->base);
	conf_free(fx->conf);
	nftw(fx->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* client_read - what the server says, kept for the script */
static void
client_read(evutil_socket_t fd, short ev, void *arg)
{
	struct fixture	*fx = arg;
	int		 n;

	(void)ev;
	n = evbuffer_read(fx->in, fd, 4096);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		fx->closed = true;
		event_del(fx->readable);
	}
}

/* connect_to - a client of this listener, from 127.0.0.1 */
static void
connect_to(struct fixture *fx, struct listener *l)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons(40000) };
	int		 sv[2];

	hang_up(fx);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(evutil_make_socket_nonblocking(sv[0]), 0);
	assert_int_equal(evutil_make_socket_nonblocking(sv[1]), 0);
	fx->fd = sv[1];
	fx->closed = false;
	assert_non_null(fx->in = evbuffer_new());
	fx->readable = event_new(fx->base, fx->fd, EV_READ | EV_PERSIST,
	    client_read, fx);
	assert_non_null(fx->readable);
	assert_int_equal(event_add(fx->readable, NULL), 0);
	session_start(l, sv[0], (struct sockaddr *)&sin, sizeof(sin));
}

/* reply_length - octets of the first whole reply in the input, 0 if none */
static size_t
reply_length(struct evbuffer *in)
{
	size_t		 len = evbuffer_get_length(in), start = 0, end;
	const char	*p = (const char *)evbuffer_pullup(in, -1);
	const char	*nl;

	while (start < len && (nl = memchr(p + start, '\n', len - start)) !=
	    NULL) {
		end = (size_t)(nl - p) + 1;
		/* "250-..." goes on, "250 ..." (or a bare "250") ends it */
		if (end - start < 6 || p[start + 3] != '-')
			return end;
		start = end;
	}
	return 0;
}

static void
timed_out(evutil_socket_t fd, short ev, void *arg)
{
	struct fixture *fx = arg;

	(void)fd;
	(void)ev;
	fx->timed_out = true;
}

/* run_until - turn the loop until done(fx) or ms pass; done's last value */
static bool
run_until(struct fixture *fx, bool (*done)(struct fixture *), unsigned ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event	*timer;

	assert_non_null(timer = evtimer_new(fx->base, timed_out, fx));
	assert_int_equal(evtimer_add(timer, &tv), 0);
	fx->timed_out = false;
	while (!done(fx) && !fx->timed_out)
		event_base_loop(fx->base, EVLOOP_ONCE);
	event_free(timer);
	return done(fx);
}

static bool
has_reply(struct fixture *fx)
{
	return reply_length(fx->in) > 0 || fx->closed;
}

static bool
has_closed(struct fixture *fx)
{
	return fx->closed;
}

/* next_reply - the next whole reply, NUL-terminated; NULL if none came */
static char *
next_reply(struct fixture *fx)
{
	size_t	 n;
	char	*r;

	if (!run_until(fx, has_reply, REPLY_WAIT_MS) ||
	    (n = reply_length(fx->in)) == 0)
		return NULL;
	assert_non_null(r = malloc(n + 1));
	evbuffer_remove(fx->in, r, n);
	r[n] = '\0';
	return r;
}

/* send_all - the bytes in one write, as a pipelining client sends them */
static void
send_all(struct fixture *fx, const char *text, size_t len)
{
	ssize_t	 n = write(fx->fd, text, len);

	if (n != (ssize_t)len)
		fail_msg("write: %zd of %zu", n, len);
}

/* run - the script, step by step; a failure names the step */
static void
run(struct fixture *fx, const struct step *steps, size_t nsteps)
{
	char	*r;
	size_t	 i;

	for (i = 0; i < nsteps; i++) {
		const struct step *s = &steps[i];

		switch (s->kind) {
		case SEND:
			send_all(fx, s->text, strlen(s->text));
			break;
		case EXPECT:
			if ((r = next_reply(fx)) == NULL)
				fail_msg("step %zu: no reply, expected \"%s\"",
				    i, s->text);
			if (strncmp(r, s->text, strlen(s->text)) != 0)
				fail_msg("step %zu: expected \"%s\", got "
				    "\"%s\"", i, s->text, r);
			free(r);
			break;
		case SILENT:
			if (run_until(fx, has_reply, (unsigned)atoi(s->text)))
				fail_msg("step %zu: a reply came while none "
				    "should", i);
			break;
		case CLOSED:
			if (!run_until(fx, has_closed, REPLY_WAIT_MS))
				fail_msg("step %zu: still open", i);
			if (evbuffer_get_length(fx->in) > 0)
				fail_msg("step %zu: more said before closing",
				    i);
			break;
		}
	}
}

#define RUN(fx, steps)	run((fx), (steps), NITEMS(steps))

/* outbox_has - the outbox backend wrote a line holding this */
static bool
outbox_has(struct fixture *fx, const char *what)
{
	FILE	*f = fopen(fx->conf->backend.path, "r");
	char	 line[4096];
	bool	 found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

static bool
outbox_has_number(struct fixture *fx)
{
	return outbox_has(fx, "\"" NUMBER "\"") && outbox_has(fx, "parcel");
}

static const struct step greeting[] = {
	{ EXPECT, "220 " },
	{ SEND, "EHLO client.example\r\n" },
	{ EXPECT, "250-" },
};

/* test_happy_path - greeting to "queued as", and the SMS in the outbox */
static void
test_happy_path(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL },
		{ EXPECT, "250 2.1.0 Ok" },
		{ SEND, RCPT1 },
		{ EXPECT, "250 2.1.5 Ok" },
		{ SEND, RCPT1 },
		{ EXPECT, "250 2.1.5 Ok (duplicate number " NUMBER ")" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "354 End data with <CR><LF>.<CR><LF>" },
		{ SEND, BODY },
		{ EXPECT, "250 2.0.0 Ok: queued as " },
		{ SEND, "QUIT\r\n" },
		{ EXPECT, "221 2.0.0 Bye" },
		{ CLOSED, NULL },
	};
	struct fixture *fx = *state;
	int64_t	 sessions = stats_value(STAT_SESSIONS_PLAIN);
	int64_t	 accepted = stats_value(STAT_MSG_ACCEPTED);
	int64_t	 parts = stats_value(STAT_PARTS_GSM7);

	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
	if (!run_until(fx, outbox_has_number, REPLY_WAIT_MS))
		fail_msg("no SMS to " NUMBER " in %s", fx->conf->backend.path);
	/* the stats seam saw the session and the message */
	assert_int_equal(stats_value(STAT_SESSIONS_PLAIN), sessions + 1);
	assert_int_equal(stats_value(STAT_MSG_ACCEPTED), accepted + 1);
	assert_int_equal(stats_value(STAT_PARTS_GSM7), parts + 1);
}

/* test_pipelining - a group may end only at its end (RFC 2920 3.1) */
static void
test_pipelining(void **state)
{
	static const struct step group[] = {
		{ SEND, MAIL RCPT1 RCPT2 "DATA\r\n" },
		{ EXPECT, "250 2.1.0 Ok" },
		{ EXPECT, "250 2.1.5 Ok" },
		{ EXPECT, "250 2.1.5 Ok" },
		{ EXPECT, "354 " },
		{ SEND, BODY "RSET\r\nNOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok: queued as " },
		{ EXPECT, "250 2.0.0 Ok" },
		{ EXPECT, "250 2.0.0 Ok" },
		{ SEND, "NOOP\r\nNOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
		{ EXPECT, "554 5.5.0 Error: SMTP protocol synchronization" },
		{ CLOSED, NULL },
	};
	static const struct step ehlo_then_mail[] = {
		{ EXPECT, "220 " },
		{ SEND, "EHLO client.example\r\n" MAIL },
		{ EXPECT, "250-" },
		{ EXPECT, "554 5.5.0 Error: SMTP protocol synchronization" },
		{ CLOSED, NULL },
	};
	struct fixture *fx = *state;

	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, group);
	connect_to(fx, &fx->plain);
	RUN(fx, ehlo_then_mail);
}

/* test_starttls_required - 530 for MAIL and AUTH, the rest as usual */
static void
test_starttls_required(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL },
		{ EXPECT, "530 5.7.0 Must issue a STARTTLS command first" },
		{ SEND, "AUTH PLAIN AGNsZXJrAHNlY3JldA==\r\n" },
		{ EXPECT, "530 5.7.0 Must issue a STARTTLS command first" },
		{ SEND, RCPT1 },
		{ EXPECT, "503 5.5.1 Error: need MAIL command" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "503 5.5.1 Error: need RCPT command" },
		{ SEND, "NOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
		{ SEND, "STARTTLS\r\n" },
		{ EXPECT, "502 5.5.1 Error: STARTTLS not offered here" },
		{ SEND, "QUIT\r\n" },
		{ EXPECT, "221 2.0.0 Bye" },
		{ CLOSED, NULL },
	};
	struct fixture *fx = *state;

	connect_to(fx, &fx->submission);
	RUN(fx, greeting);
	RUN(fx, steps);
}

/* test_bad_sequence - commands out of order get their 503 (or 554) */
static void
test_bad_sequence(void **state)
{
	static const struct step steps[] = {
		{ EXPECT, "220 " },
		{ SEND, MAIL },
		{ EXPECT, "503 5.5.1 Error: send HELO/EHLO first" },
		{ SEND, "HELO client.example\r\n" },
		{ EXPECT, "250 " },
		{ SEND, RCPT1 },
		{ EXPECT, "503 5.5.1 Error: need MAIL command" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "503 5.5.1 Error: need RCPT command" },
		{ SEND, MAIL },
		{ EXPECT, "250 2.1.0 Ok" },
		{ SEND, MAIL },
		{ EXPECT, "503 5.5.1 Error: nested MAIL command" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "554 5.5.1 Error: no valid recipients" },
		{ SEND, "DATA now\r\n" },
		{ EXPECT, "501 5.5.4 Syntax: DATA" },
		{ SEND, "AUTH PLAIN\r\n" },
		{ EXPECT, "503 5.5.1 Error: authentication not enabled" },
		{ SEND, "RSET\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
		{ SEND, "BDAT 5\r\nhello" },
		{ EXPECT, "503 5.5.1 Error: need RCPT command" },
		{ SEND, "NOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
	};
	struct fixture *fx = *state;

	connect_to(fx, &fx->plain);
	RUN(fx, steps);
}

/* long_line - a command line of n octets with its CRLF */
static char *
long_line(const char *verb, size_t n)
{
	char	*l;
	size_t	 v = strlen(verb);

	assert_non_null(l = malloc(n + 1));
	memcpy(l, verb, v);
	memset(l + v, 'A', n - v - 2);
	memcpy(l + n - 2, "\r\n", 3);
	return l;
}

/* test_line_too_long - 1000 octets for commands, AUTH's longer, then none */
static void
test_line_too_long(void **state)
{
	struct fixture	*fx = *state;
	char		*noop_max = long_line("NOOP ", 1000);
	char		*noop_over = long_line("NOOP ", 1001);
	char		*auth_long = long_line("AUTH PLAIN ", 4000);
	char		*auth_over = long_line("AUTH PLAIN ", 12289);
	const struct step steps[] = {
		{ SEND, noop_max },
		{ EXPECT, "250 2.0.0 Ok" },
		{ SEND, noop_over },
		{ EXPECT, "500 5.5.2 Error: line too long" },
		{ SEND, auth_long },
		{ EXPECT, "503 5.5.1 Error: authentication not enabled" },
		{ SEND, auth_over },
		{ EXPECT, "500 5.5.2 Error: line too long" },
		{ SEND, "NOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
	};

	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
	free(noop_max);
	free(noop_over);
	free(auth_long);
	free(auth_over);
}

/* test_policy_refusals - verdicts said as they are, the session goes on */
static void
test_policy_refusals(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL },
		{ EXPECT, "250 2.1.0 Ok" },
		{ SEND, "RCPT TO:<" NUMBER "@elsewhere.example>\r\n" },
		{ EXPECT, "554 5.7.1 <" NUMBER "@elsewhere.example>: Relay "
		    "access denied" },
		{ SEND, "RCPT TO:<12ab@sms.example>\r\n" },
		{ EXPECT, "550 5.1.1 <12ab@sms.example>: Recipient address "
		    "rejected: " },
		{ SEND, RCPT1 },
		{ EXPECT, "250 2.1.5 Ok" },
		{ SEND, RCPT2 },
		{ EXPECT, "452 4.5.3 Error: too many recipients" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "354 " },
		{ SEND, BODY },
		{ EXPECT, "250 2.0.0 Ok: queued as " },
		{ SEND, MAIL },
		{ EXPECT, "450 4.7.1 Error: rate limit of 1 messages per "
		    "minute reached for client 127.0.0.1, try again later" },
		{ SEND, "DATA\r\n" },
		{ EXPECT, "503 5.5.1 Error: need RCPT command" },
	};
	struct fixture *fx = *state;
	int64_t	 accepted = stats_value(STAT_MSG_ACCEPTED);

	fx->conf->smtp.max_recipients = 1;
	fx->conf->limits.client.messages_per_minute = 1;
	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
	assert_int_equal(stats_value(STAT_MSG_ACCEPTED), accepted + 1);
}

/*
 * test_async_verdicts - verdicts that come from the loop: the pipelined
 * commands behind wait for them, each reply in its turn
 */
static void
test_async_verdicts(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL RCPT1 RCPT2 "DATA\r\n" },
		{ SILENT, "50" },
		{ EXPECT, "250 2.1.0 Ok" },
		{ EXPECT, "450 4.7.1 Error: rate limit of 5 messages per minute "
		    "reached for number " NUMBER ", try again later" },
		{ EXPECT, "250 2.1.5 Ok" },
		{ EXPECT, "354 " },
		{ SEND, BODY },
		{ EXPECT, "250 2.0.0 Ok: queued as " },
		{ SEND, MAIL RCPT1 "DATA\r\n" },
		{ EXPECT, "250 2.1.0 Ok" },
		{ EXPECT, "250 2.1.5 Ok" },
		{ EXPECT, "354 " },
		{ SEND, BODY },
		{ EXPECT, "450 4.7.1 Error: rate limit of 5 messages per minute "
		    "reached for client 127.0.0.1, try again later" },
		{ SEND, "RCPT TO:<" NUMBER "@sms.example>\r\n" },
		{ EXPECT, "503 5.5.1 Error: need MAIL command" },
		{ SEND, "QUIT\r\n" },
		{ EXPECT, "221 2.0.0 Bye" },
		{ CLOSED, NULL },
	};
	struct fixture *fx = *state;

	fx->conf->limits.client.messages_per_minute = 5;
	fx->conf->limits.number.messages_per_minute = 5;
	fx->sl.delay_ms = 100;
	/* MAIL, RCPT, RCPT, DATA; MAIL, RCPT, DATA */
	fx->sl.script[1] = "messages per minute";
	fx->sl.script[6] = "messages per minute";
	fx->srv.limiter = fx->slow;
	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
	assert_int_equal(fx->sl.asked, 7);
	assert_int_equal(fx->sl.cancels, 0);
}

/* test_no_deadline_while_checking - a slow verdict is not the client's delay */
static void
test_no_deadline_while_checking(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL },
		{ EXPECT, "250 2.1.0 Ok" },
		{ SEND, "NOOP\r\n" },
		{ EXPECT, "250 2.0.0 Ok" },
	};
	struct fixture *fx = *state;

	fx->conf->smtp.idle_timeout = 1;
	fx->conf->limits.client.messages_per_minute = 5;
	fx->sl.delay_ms = 1500;
	fx->srv.limiter = fx->slow;
	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
}

/* test_cancelled - a session freed while it waits cancels its check */
static void
test_cancelled(void **state)
{
	static const struct step steps[] = {
		{ SEND, MAIL },
		{ SILENT, "50" },
	};
	struct fixture *fx = *state;

	fx->conf->limits.client.messages_per_minute = 5;
	fx->sl.delay_ms = 10000;
	fx->srv.limiter = fx->slow;
	connect_to(fx, &fx->plain);
	RUN(fx, greeting);
	RUN(fx, steps);
	assert_int_equal(fx->sl.asked, 1);
	session_close_all(&fx->srv);
	assert_int_equal(fx->sl.cancels, 1);
	assert_int_equal(fx->sl.answered, 0);
	assert_int_equal(fx->srv.nsessions, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_happy_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pipelining, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_starttls_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_sequence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_line_too_long, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_async_verdicts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_while_checking,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
