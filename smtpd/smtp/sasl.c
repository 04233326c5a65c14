/*
 * sasl.c - the AUTH exchange of a session (RFC 4954, PLAIN and LOGIN):
 * when it is offered, the 334 challenges, the hash check off the loop, the
 * per-address failure limit. Passwords are wiped and never logged.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/policy/ratelimit.h"
#include "smtpd/smtp/sasl_codec.h"
#include "smtpd/smtp/session_priv.h"

#define B64_USERNAME	"VXNlcm5hbWU6"	/* "Username:" */
#define B64_PASSWORD	"UGFzc3dvcmQ6"	/* "Password:" */

/* is_loopback - 127/8 or ::1, where AUTH may go without TLS if configured */
static int
is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >>
		    24) == 127;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
}

/* smtp_auth_offered - see session_priv.h */
int
smtp_auth_offered(const struct session *s)
{
	if (s->srv->auth == NULL || s->lst->auth == LISTEN_AUTH_NONE)
		return 0;
	return s->tls || (s->srv->conf->auth.on_loopback && is_loopback(&s->ss));
}

/* too_many_failures - the client has used up its attempts for the window */
static int
too_many_failures(struct session *s)
{
	const struct conf *c = s->srv->conf;

	if (ratelimit_failures(s->srv->limits, s->addr, c->auth.failure_window,
	    ratelimit_now_ms()) < c->auth.max_failures)
		return 0;
	stats_increment(STAT_LIMIT_AUTH_FAILURES, 1);
	reply(s, "421 4.7.0 %s Error: too many failed authentications, try "
	    "again later", c->hostname);
	log_info("%016" PRIx64 " smtp disconnected client=%s "
	    "reason=auth-failures", s->sid, s->addr);
	enter_state(s, S_QUIT);
	return 1;
}

/* auth_done - the worker's verdict, back on the loop */
static void
auth_done(void *arg, int ok)
{
	struct session	*s = arg;
	const struct conf *c = s->srv->conf;

	s->auth_req = NULL;
	enter_state(s, S_HELO);
	if (ok && (s->user = strdup(s->auth_user)) != NULL) {
		reply(s, "235 2.7.0 Authentication successful");
		log_info("%016" PRIx64 " smtp auth client=%s user=%s result=ok",
		    s->sid, s->addr, s->user);
	} else {
		ratelimit_fail(s->srv->limits, s->addr, c->auth.failure_window,
		    ratelimit_now_ms());
		log_info("%016" PRIx64 " smtp auth client=%s user=%s "
		    "result=failed", s->sid, s->addr, s->auth_user);
		reply_error(s, "535 5.7.8 Error: authentication failed");
		if (s->state != S_QUIT)
			too_many_failures(s);
	}
	explicit_bzero(s->auth_user, sizeof(s->auth_user));
	session_resume(s);
}

/* check_password - user and password are known: the hash check starts */
static void
check_password(struct session *s, const char *user, const char *pass)
{
	if (user != s->auth_user)
		snprintf(s->auth_user, sizeof(s->auth_user), "%s", user);
	s->auth_req = auth_check(s->srv->auth, s->auth_user, pass, auth_done, s);
	if (s->auth_req == NULL) {
		reply(s, "454 4.7.0 Error: temporary authentication failure");
		enter_state(s, S_HELO);
		return;
	}
	/* input waits: the next command must see the verdict first */
	bufferevent_disable(s->bev, EV_READ);
	enter_state(s, S_AUTH_CHECK);
}

/* plain_response - "authzid NUL user NUL password", base64 */
static void
plain_response(struct session *s, const char *b64, size_t len)
{
	char	 msg[AUTH_USER_MAX * 2 + AUTH_PASS_MAX + 3];
	char	 user[AUTH_USER_MAX + 1], pass[AUTH_PASS_MAX + 1];
	size_t	 n;

	if (sasl_base64_decode(b64, len, msg, sizeof(msg), &n) == -1 ||
	    sasl_plain_split(msg, n, user, pass) == -1) {
		explicit_bzero(msg, sizeof(msg));
		enter_state(s, S_HELO);
		reply_error(s, "501 5.5.2 Error: malformed PLAIN response");
		return;
	}
	check_password(s, user, pass);
	explicit_bzero(msg, sizeof(msg));
	explicit_bzero(pass, sizeof(pass));
}

/* login_user - the LOGIN user name; then ask for the password */
static void
login_user(struct session *s, const char *b64, size_t len)
{
	size_t	 n;

	if (sasl_base64_decode(b64, len, s->auth_user, sizeof(s->auth_user),
	    &n) == -1 || n == 0 || memchr(s->auth_user, '\0', n) != NULL) {
		enter_state(s, S_HELO);
		reply_error(s, "501 5.5.2 Error: malformed LOGIN user name");
		return;
	}
	s->auth_step = AUTH_LOGIN_PASS;
	enter_state(s, S_AUTH);
	reply(s, "334 " B64_PASSWORD);
}

/* login_pass - the LOGIN password */
static void
login_pass(struct session *s, const char *b64, size_t len)
{
	char	 pass[AUTH_PASS_MAX + 1];
	size_t	 n;

	if (sasl_base64_decode(b64, len, pass, sizeof(pass), &n) == -1 ||
	    memchr(pass, '\0', n) != NULL) {
		explicit_bzero(pass, sizeof(pass));
		enter_state(s, S_HELO);
		reply_error(s, "501 5.5.2 Error: malformed LOGIN password");
		return;
	}
	check_password(s, s->auth_user, pass);
	explicit_bzero(pass, sizeof(pass));
}

/* smtp_auth_response - see session_priv.h: one line of the exchange */
void
smtp_auth_response(struct session *s, const char *line, size_t len)
{
	if (len == 1 && line[0] == '*') {
		enter_state(s, S_HELO);
		reply_error(s, "501 5.7.0 Authentication cancelled");
		return;
	}
	switch (s->auth_step) {
	case AUTH_PLAIN_RESPONSE:
		plain_response(s, line, len);
		break;
	case AUTH_LOGIN_USER:
		login_user(s, line, len);
		break;
	case AUTH_LOGIN_PASS:
		login_pass(s, line, len);
		break;
	}
}

/* smtp_auth_abort - an over-long line ended the exchange */
void
smtp_auth_abort(struct session *s)
{
	explicit_bzero(s->auth_user, sizeof(s->auth_user));
	enter_state(s, S_HELO);
}

/*
 * smtp_auth_unavailable - see session_priv.h: AUTH is not offered to this
 * session, or it has authenticated already; 1 if refused.
 */
int
smtp_auth_unavailable(struct session *s, const char *args, size_t len)
{
	(void)args;
	(void)len;
	if (!smtp_auth_offered(s)) {
		if (s->srv->auth != NULL && s->lst->auth != LISTEN_AUTH_NONE &&
		    !s->tls)
			reply_error(s, "538 5.7.11 Encryption required for "
			    "requested authentication mechanism");
		else
			reply_error(s, "503 5.5.1 Error: authentication not "
			    "enabled");
		return 1;
	}
	if (s->user != NULL) {
		reply_error(s, "503 5.5.1 Error: already authenticated");
		return 1;
	}
	return 0;
}

/* smtp_auth_command - see session_priv.h */
void
smtp_auth_command(struct session *s, const char *args, size_t len)
{
	struct smtp_auth a;
	struct smtp_error err;

	if (too_many_failures(s))
		return;
	if (smtp_parse_auth(args, len, &a, &err) == -1) {
		reply_error(s, "%d %s %s", err.code, err.enhanced, err.text);
		return;
	}
	if (a.mech == SMTP_AUTH_OTHER) {
		reply_error(s, "504 5.5.4 Error: unrecognized authentication "
		    "type; PLAIN and LOGIN are offered");
		return;
	}
	if (a.mech == SMTP_AUTH_PLAIN) {
		s->auth_step = AUTH_PLAIN_RESPONSE;
		if (a.initial) {
			plain_response(s, a.resp, a.resplen);
			return;
		}
		enter_state(s, S_AUTH);
		reply(s, "334 ");
		return;
	}
	if (a.initial) {
		login_user(s, a.resp, a.resplen);
		return;
	}
	s->auth_step = AUTH_LOGIN_USER;
	enter_state(s, S_AUTH);
	reply(s, "334 " B64_USERNAME);
}
