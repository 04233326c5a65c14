/*
 * session.c - one SMPP session as a state machine: connect (TLS for smpps),
 * bind, answer and send enquire_link, reconnect with backoff, unbind.
 *
 * Every wait has a deadline: the connect and TLS handshake, bind_resp,
 * enquire_link_resp and unbind_resp each get the response timeout; a missing
 * one ends the connection. The owner sees only what concerns its SMS.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "sms/lib/log.h"
#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/session.h"
#include "sms/transport/smpp/status_map.h"

#define SEQ_MAX		0x7fffffffU
#define BACKOFF_FIRST	1	/* seconds before the first reconnect */

enum sess_state {
	SESS_IDLE,		/* waiting to reconnect */
	SESS_CONNECTING,	/* TCP, then TLS */
	SESS_BINDING,		/* bind sent */
	SESS_BOUND,
	SESS_UNBINDING,		/* our unbind sent */
	SESS_CLOSED,		/* for good */
};

static const char *const state_names[] = { "idle", "connecting", "binding",
	"bound", "unbinding", "closed" };

struct smpp_session {
	struct event_base		*base;
	const struct smpp_peer		*peer;
	uint32_t			 bind_cmd;
	char				*label;
	const struct smpp_session_ops	*ops;
	void				*arg;
	enum sess_state			 state;
	struct bufferevent		*bev;
	unsigned			 gen;	/* connections so far */
	uint32_t			 seq;	/* the last one used */
	uint32_t			 pending;	/* a session request */
	struct event			*deadline;	/* of pending, connect */
	struct event			*quiet;	/* enquire_link is due */
	struct event			*retry;	/* reconnect */
	struct event			*closing;	/* closed, from the loop */
	unsigned			 backoff;	/* seconds */
	int				 closing_wanted;
	int				 broken;	/* a write failed */
	int				 refused;	/* the bind, bind_status */
	uint32_t			 bind_status;
};

static void	drop(struct smpp_session *, const char *why);
static void	conn_event(struct bufferevent *, short, void *);

/* enter - a new state, logged at debug level */
static void
enter(struct smpp_session *s, enum sess_state st)
{
	log_debug("smpp %s %s: %s -> %s", s->peer->name, s->label,
	    state_names[s->state], state_names[st]);
	s->state = st;
}

/* arm - t fires in secs seconds */
static void
arm(struct event *t, unsigned secs)
{
	struct timeval	 tv = { .tv_sec = secs, .tv_usec = 0 };

	evtimer_add(t, &tv);
}

/* next_seq - 1 .. 0x7fffffff, wrapping */
static uint32_t
next_seq(struct smpp_session *s)
{
	s->seq = s->seq >= SEQ_MAX ? 1 : s->seq + 1;
	return s->seq;
}

/* write_pdu - encode p and queue it; -1 (the session lost) if it fails */
static int
write_pdu(struct smpp_session *s, const struct smpp_pdu *p)
{
	uint8_t		 wire[SMPP_PDU_MAX];
	ssize_t		 n;

	if ((n = smpp_encode(p, wire, sizeof(wire))) == -1) {
		errno = EINVAL;
		return -1;
	}
	log_debug("smpp %s %s > %s seq=%u status=%u", s->peer->name, s->label,
	    smpp_command_name(p->command_id), p->sequence, p->command_status);
	if (bufferevent_write(s->bev, wire, (size_t)n) == -1) {
		/* dropped from the loop: the caller is in the middle of work */
		s->broken = 1;
		arm(s->deadline, 0);
		errno = EIO;
		return -1;
	}
	return 0;
}

/* request - send a session request (bind, enquire_link, unbind) and wait */
static int
request(struct smpp_session *s, struct smpp_pdu *p)
{
	p->sequence = next_seq(s);
	if (write_pdu(s, p) == -1)
		return -1;
	s->pending = p->sequence;
	arm(s->deadline, s->peer->conf->response_timeout);
	return 0;
}

/* schedule_retry - reconnect after the backoff, which then grows */
static void
schedule_retry(struct smpp_session *s)
{
	struct timeval	 tv;
	unsigned	 max = s->peer->conf->reconnect_max;

	/* jitter: clients restarted together do not reconnect together */
	tv.tv_sec = s->backoff;
	tv.tv_usec = (suseconds_t)(arc4random_uniform(250000));
	evtimer_add(s->retry, &tv);
	s->backoff = s->backoff >= max / 2 ? max : s->backoff * 2;
	if (s->backoff == 0)
		s->backoff = BACKOFF_FIRST;
}

/* close_conn - free the connection and stop its timers */
static void
close_conn(struct smpp_session *s)
{
	if (s->bev != NULL) {
		bufferevent_free(s->bev);
		s->bev = NULL;
	}
	s->gen++;
	s->pending = 0;
	s->broken = 0;
	evtimer_del(s->deadline);
	evtimer_del(s->quiet);
}

/*
 * drop - the connection ends (why says how): the owner hears of it if it
 * was bound; then reconnect later, or report closed if closing
 */
/* lost_how - what the owner hears of a connection ending in state st */
static enum backend_link_why
lost_how(const struct smpp_session *s, enum sess_state st)
{
	switch (st) {
	case SESS_CONNECTING:
		return LINK_WHY_CONNECT;
	case SESS_BINDING:
		return s->refused ? LINK_WHY_REFUSED : LINK_WHY_UNANSWERED;
	default:
		return LINK_WHY_LOST;
	}
}

static void
drop(struct smpp_session *s, const char *why)
{
	enum sess_state	 was = s->state;
	int		 was_bound = was == SESS_BOUND ||
	    was == SESS_UNBINDING;

	close_conn(s);
	if (s->closing_wanted) {
		enter(s, SESS_CLOSED);
		event_active(s->closing, EV_TIMEOUT, 1);
	} else {
		enter(s, SESS_IDLE);
		log_info("smpp %s %s disconnected reason=\"%s\" reconnect in "
		    "%us", s->peer->name, s->label, why, s->backoff);
		schedule_retry(s);
	}
	if (was_bound)
		s->ops->down(s->arg, s, why);
	if (!s->closing_wanted && s->ops->unbound != NULL)
		s->ops->unbound(s->arg, s, lost_how(s, was), s->refused ?
		    s->bind_status : 0);
	s->refused = 0;
}

/* send_bind - the bind of this session, as configured */
static void
send_bind(struct smpp_session *s)
{
	const struct smpp_conf	*c = s->peer->conf;
	struct smpp_pdu		 p = { .command_id = s->bind_cmd };

	p.body.bind = (struct smpp_bind){ .system_id = c->system_id,
	    .password = c->password, .system_type = c->system_type,
	    .interface_version = SMPP_INTERFACE_VERSION,
	    .addr_ton = (uint8_t)c->addr_ton, .addr_npi = (uint8_t)c->addr_npi,
	    .address_range = c->address_range };
	enter(s, SESS_BINDING);
	if (request(s, &p) == -1 && errno == EINVAL)
		drop(s, "cannot encode the bind");
}

/* bind_answered - the SMSC's bind_*_resp (or generic_nack) to our bind */
static void
bind_answered(struct smpp_session *s, const struct smpp_pdu *p)
{
	s->pending = 0;
	evtimer_del(s->deadline);
	if (p->command_id != SMPP_GENERIC_NACK &&
	    p->command_status == SMPP_ESME_ROK) {
		enter(s, SESS_BOUND);
		s->backoff = BACKOFF_FIRST;
		log_info("smpp %s %s bound system_id=%s to %s:%s%s smsc=%s",
		    s->peer->name, s->label, s->peer->conf->system_id,
		    s->peer->host, s->peer->port,
		    s->peer->tls != NULL ? " tls" : "", p->body.system_id);
		arm(s->quiet, s->peer->conf->enquire_link);
		s->ops->bound(s->arg, s);
		return;
	}
	log_warnx("smpp %s %s bind failed system_id=%s status=%s (%s)",
	    s->peer->name, s->label, s->peer->conf->system_id,
	    smpp_status_name(p->command_status),
	    smpp_bind_failure(p->command_status));
	s->refused = 1;
	s->bind_status = p->command_status;
	drop(s, "bind refused");
}

/* enquire_due - quiet for enquire_link seconds: is the SMSC still there? */
static void
enquire_due(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_session	*s = arg;
	struct smpp_pdu		 p = { .command_id = SMPP_ENQUIRE_LINK };

	(void)fd;
	(void)ev;
	if (s->state != SESS_BOUND)
		return;
	if (s->pending == 0 && request(s, &p) == -1)
		return;
	arm(s->quiet, s->peer->conf->enquire_link);
}

/* deadline_passed - connect, bind, enquire_link or unbind took too long */
static void
deadline_passed(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_session	*s = arg;
	char			 why[64];

	(void)fd;
	(void)ev;
	if (s->broken)
		snprintf(why, sizeof(why), "cannot write");
	else
		snprintf(why, sizeof(why), "no answer in %us while %s",
		    s->peer->conf->response_timeout, state_names[s->state]);
	drop(s, why);
}

/* unbind_answered - our unbind_resp left: end the connection */
static void
unbind_answered(struct bufferevent *bev, void *arg)
{
	(void)bev;
	drop(arg, "the SMSC unbound");
}

/*
 * drop_when_written - the SMSC unbound: it gets its unbind_resp, nothing
 * more is read, and the connection ends when written (or at the deadline)
 */
static void
drop_when_written(struct smpp_session *s)
{
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		drop(s, "the SMSC unbound");
		return;
	}
	enter(s, SESS_UNBINDING);
	bufferevent_disable(s->bev, EV_READ);
	bufferevent_setcb(s->bev, NULL, unbind_answered, conn_event, s);
	s->gen++;	/* stop reading what is already in */
	arm(s->deadline, s->peer->conf->response_timeout);
}

/* session_request - a request of the SMSC's about the session itself */
static void
session_request(struct smpp_session *s, const struct smpp_pdu *p)
{
	switch (p->command_id) {
	case SMPP_ENQUIRE_LINK:
		(void)smpp_session_answer(s, SMPP_ENQUIRE_LINK | SMPP_RESP,
		    SMPP_ESME_ROK, p->sequence);
		break;
	case SMPP_UNBIND:
		log_info("smpp %s %s unbound by the SMSC", s->peer->name,
		    s->label);
		if (smpp_session_answer(s, SMPP_UNBIND | SMPP_RESP,
		    SMPP_ESME_ROK, p->sequence) == 0)
			drop_when_written(s);
		break;
	case SMPP_ALERT_NOTIFICATION:
		break;		/* it wants no answer */
	default:
		(void)smpp_session_answer(s, SMPP_GENERIC_NACK,
		    SMPP_ESME_RINVCMDID, p->sequence);
		break;
	}
}

/* pending_answered - the response (or nack) to our pending request */
static void
pending_answered(struct smpp_session *s, const struct smpp_pdu *p)
{
	if (s->state == SESS_BINDING) {
		bind_answered(s, p);
		return;
	}
	s->pending = 0;
	evtimer_del(s->deadline);
	if (s->state == SESS_UNBINDING)
		drop(s, "unbound");
}

/* dispatch - one PDU from the SMSC */
static void
dispatch(struct smpp_session *s, const struct smpp_pdu *p)
{
	log_debug("smpp %s %s < %s seq=%u status=%u", s->peer->name, s->label,
	    smpp_command_name(p->command_id), p->sequence, p->command_status);
	if (s->state == SESS_BOUND)
		arm(s->quiet, s->peer->conf->enquire_link);
	if (s->pending != 0 && p->sequence == s->pending &&
	    (p->command_id & SMPP_RESP) != 0) {
		pending_answered(s, p);
		return;
	}
	switch (p->command_id) {
	case SMPP_SUBMIT_SM | SMPP_RESP:
	case SMPP_GENERIC_NACK:
	case SMPP_DELIVER_SM:
	case SMPP_DATA_SM:	/* an SMSC may give receipts so (4.7) */
		s->ops->pdu(s->arg, s, p);
		return;
	default:
		if ((p->command_id & SMPP_RESP) == 0)
			session_request(s, p);
		return;		/* late: its request was given up */
	}
}

/*
 * malformed - answer a PDU that cannot be decoded (never a nack's). A
 * submit_sm_resp still answers its submit_sm, with its status and no
 * message_id: left unanswered, the SMS would go again on every session.
 */
static void
malformed(struct smpp_session *s, const struct smpp_pdu *p, uint32_t status)
{
	struct smpp_pdu	 resp;

	log_info("smpp %s %s malformed %s seq=%u: %s", s->peer->name,
	    s->label, smpp_command_name(p->command_id), p->sequence,
	    smpp_status_name(status));
	if (p->command_id != SMPP_GENERIC_NACK)
		(void)smpp_session_answer(s, SMPP_GENERIC_NACK, status,
		    p->sequence);
	if (p->command_id == (SMPP_SUBMIT_SM | SMPP_RESP)) {
		resp = *p;
		if (resp.body.message_id == NULL)
			resp.body.message_id = "";
		dispatch(s, &resp);
	}
}

/* read_pdus - every whole PDU read so far, in order */
static void
read_pdus(struct bufferevent *bev, void *arg)
{
	struct smpp_session	*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct smpp_pdu		 p;
	unsigned		 gen = s->gen;
	const uint8_t		*buf;
	size_t			 avail, len;
	uint32_t		 status;
	int			 rc;

	while (s->gen == gen && (avail = evbuffer_get_length(in)) >=
	    SMPP_HEADER_LEN) {
		if (avail > SMPP_PDU_MAX)
			avail = SMPP_PDU_MAX;
		buf = evbuffer_pullup(in, (ssize_t)avail);
		if (buf == NULL || (rc = smpp_frame(buf, avail, &len)) == -1) {
			drop(s, "bad command_length: stream lost");
			return;
		}
		if (rc == 0)
			return;
		memset(&p, 0, sizeof(p));
		if (smpp_decode(buf, len, &p, &status) == -1)
			malformed(s, &p, status);
		else
			dispatch(s, &p);
		if (s->gen == gen)
			evbuffer_drain(in, len);
	}
}

/* conn_event - connected (TLS: handshake done), closed or failed */
static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_session	*s = arg;
	unsigned long		 e;
	char			 why[160];

	if (what & BEV_EVENT_CONNECTED) {
		send_bind(s);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		snprintf(why, sizeof(why), "the SMSC read nothing for %us",
		    s->peer->conf->response_timeout);
	else if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "connection closed by the SMSC");
	else if ((e = bufferevent_get_openssl_error(bev)) != 0)
		snprintf(why, sizeof(why), "TLS: %s",
		    ERR_reason_error_string(e));
	else if (bufferevent_socket_get_dns_error(bev) != 0)
		snprintf(why, sizeof(why), "cannot resolve %s: %s",
		    s->peer->host, evutil_gai_strerror(
		    bufferevent_socket_get_dns_error(bev)));
	else
		snprintf(why, sizeof(why), "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	ERR_clear_error();
	drop(s, why);
}

/* tls_ssl - the SSL of one connection, naming and checking the host */
static SSL *
tls_ssl(struct smpp_session *s)
{
	const struct smpp_peer	*pr = s->peer;
	struct in6_addr		 a6;
	struct in_addr		 a4;
	SSL			*ssl;
	int			 is_ip, ok = 1;

	if ((ssl = SSL_new(pr->tls)) == NULL)
		return NULL;
	is_ip = inet_pton(AF_INET, pr->host, &a4) == 1 ||
	    inet_pton(AF_INET6, pr->host, &a6) == 1;
	if (!is_ip)
		ok = SSL_set_tlsext_host_name(ssl, pr->host) == 1;
	if (ok && pr->conf->tls_verify)
		ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    pr->host) == 1 : SSL_set1_host(ssl, pr->host) == 1;
	if (!ok) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* connect_now - open a new connection; its end comes through drop */
static void
connect_now(struct smpp_session *s)
{
	SSL		*ssl;
	struct timeval	 wt = { 0, 0 };
	int		 port = atoi(s->peer->port);

	enter(s, SESS_CONNECTING);
	if (s->peer->tls != NULL) {
		if ((ssl = tls_ssl(s)) != NULL &&
		    (s->bev = bufferevent_openssl_socket_new(s->base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL)
			SSL_free(ssl);
	} else
		s->bev = bufferevent_socket_new(s->base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		drop(s, "out of memory");
		return;
	}
	bufferevent_setcb(s->bev, read_pdus, NULL, conn_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	/*
	 * output pending and unread for response_timeout ends the session:
	 * an SMSC that sends (enquire_link) but never reads would otherwise
	 * keep it alive while our output buffer grows
	 */
	wt.tv_sec = s->peer->conf->response_timeout;
	bufferevent_set_timeouts(s->bev, NULL, &wt);
	arm(s->deadline, s->peer->conf->response_timeout);
	if (bufferevent_socket_connect_hostname(s->bev, s->peer->dns,
	    AF_UNSPEC, s->peer->host, port) == -1 && s->state ==
	    SESS_CONNECTING && s->bev != NULL)
		drop(s, "cannot connect");
}

/* retry_due - the backoff is over */
static void
retry_due(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	connect_now(arg);
}

/* closed_now - tell the owner the close it asked for is done */
static void
closed_now(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_session	*s = arg;

	(void)fd;
	(void)ev;
	s->ops->closed(s->arg, s);
}

/* smpp_session_new - see session.h */
struct smpp_session *
smpp_session_new(struct event_base *base, const struct smpp_peer *peer,
    uint32_t bind_cmd, const char *label, const struct smpp_session_ops *ops,
    void *arg)
{
	struct smpp_session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->base = base;
	s->peer = peer;
	s->bind_cmd = bind_cmd;
	s->ops = ops;
	s->arg = arg;
	s->backoff = BACKOFF_FIRST;
	if ((s->label = strdup(label)) == NULL ||
	    (s->deadline = evtimer_new(base, deadline_passed, s)) == NULL ||
	    (s->quiet = evtimer_new(base, enquire_due, s)) == NULL ||
	    (s->retry = evtimer_new(base, retry_due, s)) == NULL ||
	    (s->closing = evtimer_new(base, closed_now, s)) == NULL) {
		smpp_session_free(s);
		return NULL;
	}
	return s;
}

/* smpp_session_start - see session.h */
void
smpp_session_start(struct smpp_session *s)
{
	if (s->state == SESS_IDLE && !evtimer_pending(s->retry, NULL))
		connect_now(s);
}

/* smpp_session_bound - see session.h */
int
smpp_session_bound(const struct smpp_session *s)
{
	return s->state == SESS_BOUND && !s->broken;
}

/* smpp_session_send - see session.h */
int
smpp_session_send(struct smpp_session *s, struct smpp_pdu *p, uint32_t *seq)
{
	uint32_t	 before = s->seq;

	if (!smpp_session_bound(s)) {
		errno = ENOTCONN;
		return -1;
	}
	p->sequence = next_seq(s);
	if (write_pdu(s, p) == -1) {
		if (errno == EINVAL)
			s->seq = before;	/* never sent: not used */
		return -1;
	}
	*seq = p->sequence;
	return 0;
}

/* smpp_session_answer - see session.h */
int
smpp_session_answer(struct smpp_session *s, uint32_t command_id,
    uint32_t status, uint32_t seq)
{
	struct smpp_pdu	 p = { .command_id = command_id,
	    .command_status = status, .sequence = seq };

	if (s->bev == NULL)
		return -1;
	if (command_id == (SMPP_DELIVER_SM | SMPP_RESP) ||
	    command_id == (SMPP_DATA_SM | SMPP_RESP))
		p.body.message_id = "";
	return write_pdu(s, &p);
}

/* smpp_session_reset - see session.h */
void
smpp_session_reset(struct smpp_session *s, const char *why)
{
	if (s->bev != NULL)
		drop(s, why);
}

/* smpp_session_close - see session.h */
void
smpp_session_close(struct smpp_session *s)
{
	struct smpp_pdu	 p = { .command_id = SMPP_UNBIND };

	if (s->closing_wanted)
		return;
	s->closing_wanted = 1;
	evtimer_del(s->retry);
	if (s->state == SESS_BOUND) {
		enter(s, SESS_UNBINDING);
		log_info("smpp %s %s unbinding", s->peer->name, s->label);
		evtimer_del(s->quiet);
		if (request(s, &p) == 0 || s->state != SESS_UNBINDING)
			return;
	}
	if (s->bev != NULL) {
		drop(s, "closing");
		return;
	}
	close_conn(s);
	enter(s, SESS_CLOSED);
	event_active(s->closing, EV_TIMEOUT, 1);
}

/* smpp_session_free - see session.h */
void
smpp_session_free(struct smpp_session *s)
{
	if (s == NULL)
		return;
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (s->deadline != NULL)
		event_free(s->deadline);
	if (s->quiet != NULL)
		event_free(s->quiet);
	if (s->retry != NULL)
		event_free(s->retry);
	if (s->closing != NULL)
		event_free(s->closing);
	free(s->label);
	free(s);
}
