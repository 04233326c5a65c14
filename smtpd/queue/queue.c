/*
 * queue.c - the life of an accepted message: durable submit, dispatch to the
 * backend, retry with backoff, expiry, DSNs for failures, and recovery.
 *
 * Every state change is journaled before it matters: SENDING before the
 * backend sees an SMS, the provider's answer after, DONE when nothing of the
 * message is needed again. Replaying the journal rebuilds this table. While
 * the journal cannot record states (a failed write, or a full disk with
 * half its reserve gone) nothing new goes to a backend, and no DSN is made.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "sms/transport/backend.h"
#include "sms/convert/gsm.h"
#include "smtpd/queue/bounce.h"
#include "sms/lib/log.h"
#include "smtpd/queue/queue.h"
#include "smtpd/envelope.h"

#define MAX_RCPTS_REPLAY	100000

TAILQ_HEAD(msgq, qmsg);
TAILQ_HEAD(rcptq, qrcpt);

struct queue {
	struct event_base	*base;
	const struct conf	*conf;
	struct spool		*spool;
	struct backend		*backend;
	struct bounce		*bounce;
	struct msgq		 msgs;
	size_t			 nmsgs;
	struct qmsg		**hash;		/* by id, chained */
	size_t			 nhash;		/* buckets, a power of two */
	struct msgq		 owed;		/* failed recipients, no DSN yet */
	struct rcptq		 ready;
	struct event		*pump_ev;
	struct event		*bounce_ev;	/* DSNs owed, coalesced per tick */
	uint64_t		 last_id;
	int			 draining;
	unsigned		 committing;
	void			(*drained)(void *);
	void			*drained_arg;
};

struct accept_wait {
	struct queue		*q;
	struct qmsg		*msg;
	queue_accept_cb		 cb;
	void			*arg;
};

static void	queue_pump_soon(struct queue *);
static void	msg_check_done(struct queue *, struct qmsg *);
static void	check_drained(struct queue *);

/* rcpt_state_name - for logs and smsrelayctl */
const char *
rcpt_state_name(enum rcpt_state s)
{
	static const char *names[] = { "queued", "sending", "sent",
	    "deferred", "failed", "bounced", "sent-report-owed" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int64_t
now_sec(void)
{
	return (int64_t)time(NULL);
}

/* new_id - unique and increasing: microseconds since the epoch, shifted */
static uint64_t
new_id(struct queue *q)
{
	struct timeval tv;
	uint64_t id;

	gettimeofday(&tv, NULL);
	id = ((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec) << 8;
	if (id <= q->last_id)
		id = q->last_id + 1;
	q->last_id = id;
	return id;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s != NULL ? s : "", s != NULL ? n : 0);

	if (p == NULL)
		fatal("queue: out of memory");
	return p;
}

static char *
xstrdup_opt(const char *s)
{
	return s != NULL ? xstrndup(s, strlen(s)) : NULL;
}

static struct rec_str
rs(const char *s)
{
	struct rec_str r = { s != NULL ? s : "", s != NULL ? (uint32_t)strlen(s) : 0 };

	return r;
}

/* msg_free - release a message and everything it owns */
static void
msg_free(struct qmsg *m)
{
	uint32_t i;

	if (m->timer != NULL)
		event_free(m->timer);
	for (i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i].addr);
		free(m->rcpts[i].to);
		free(m->rcpts[i].orcpt);
		free(m->rcpts[i].provider_id);
		free(m->rcpts[i].reason);
	}
	free(m->rcpts);
	free(m->sender);
	free(m->client);
	free(m->helo);
	free(m->envid);
	free(m->sender_id);
	free(m->text);
	free(m->headers);
	free(m);
}

static void msg_timer_cb(evutil_socket_t, short, void *);

/* msg_new - an empty message with n recipients */
static struct qmsg *
msg_new(struct queue *q, uint64_t id, uint32_t n)
{
	struct qmsg *m;
	uint32_t i;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->rcpts = calloc(n ? n : 1, sizeof(*m->rcpts))) == NULL ||
	    (m->timer = evtimer_new(q->base, msg_timer_cb, m)) == NULL)
		fatal("queue: out of memory");
	m->id = id;
	snprintf(m->idstr, sizeof(m->idstr), "%016" PRIX64, id);
	m->nrcpts = n;
	for (i = 0; i < n; i++) {
		m->rcpts[i].msg = m;
		m->rcpts[i].index = i;
	}
	return m;
}

static size_t
id_bucket(uint64_t id, size_t nhash)
{
	return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 32) & (nhash - 1);
}

/* hash_grow - keep chains short: double the buckets and rehash */
static void
hash_grow(struct queue *q)
{
	struct qmsg	**nh, *m, *next;
	size_t		 n = q->nhash ? q->nhash * 2 : 1024, i, b;

	if ((nh = calloc(n, sizeof(*nh))) == NULL)
		return;			/* longer chains, still correct */
	for (i = 0; i < q->nhash; i++)
		for (m = q->hash[i]; m != NULL; m = next) {
			next = m->hnext;
			b = id_bucket(m->id, n);
			m->hnext = nh[b];
			nh[b] = m;
		}
	free(q->hash);
	q->hash = nh;
	q->nhash = n;
}

/* msg_insert - make the message known (admin views, replay, lookups) */
static void
msg_insert(struct queue *q, struct qmsg *m)
{
	size_t b;

	if (q->nmsgs + 1 > q->nhash * 2)
		hash_grow(q);
	if (q->nhash == 0)
		fatal("queue: out of memory");
	b = id_bucket(m->id, q->nhash);
	m->hnext = q->hash[b];
	q->hash[b] = m;
	TAILQ_INSERT_TAIL(&q->msgs, m, entry);
	q->nmsgs++;
}

/* msg_owes_dsn - put a message with newly failed recipients on the list */
static void
msg_owes_dsn(struct queue *q, struct qmsg *m)
{
	if (!m->owes_dsn) {
		TAILQ_INSERT_TAIL(&q->owed, m, owed);
		m->owes_dsn = 1;
	}
	event_active(q->bounce_ev, EV_TIMEOUT, 1);
}

static void
msg_remove(struct queue *q, struct qmsg *m)
{
	struct qmsg	**pp;
	uint32_t	 i;

	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].on_ready) {
			TAILQ_REMOVE(&q->ready, &m->rcpts[i], ready);
			m->rcpts[i].on_ready = 0;
		}
	if (m->owes_dsn)
		TAILQ_REMOVE(&q->owed, m, owed);
	for (pp = &q->hash[id_bucket(m->id, q->nhash)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == m) {
			*pp = m->hnext;
			break;
		}
	TAILQ_REMOVE(&q->msgs, m, entry);
	q->nmsgs--;
	msg_free(m);
}

static struct qmsg *
msg_find(struct queue *q, uint64_t id)
{
	struct qmsg *m;

	if (q->nhash == 0)
		return NULL;
	for (m = q->hash[id_bucket(id, q->nhash)]; m != NULL; m = m->hnext)
		if (m->id == id)
			return m;
	return NULL;
}

/* journal_state - append a recipient's state; rides the next commit */
static void
journal_state(struct queue *q, const struct qrcpt *r)
{
	struct rec_state st = {
		.id = r->msg->id, .rcpt = r->index, .state = r->state,
		.attempts = r->attempts, .next_try = r->next_try,
		.provider_id = rs(r->provider_id), .reason = rs(r->reason),
	};

	if (spool_put_state(q->spool, &st) == -1)
		log_warnx("%s spool: cannot journal state of rcpt %u",
		    r->msg->idstr, r->index);
}

/* rcpt_make_ready - put a recipient in line for the backend */
static void
rcpt_make_ready(struct queue *q, struct qrcpt *r)
{
	if (r->on_ready)
		return;
	r->state = RCPT_QUEUED;
	TAILQ_INSERT_TAIL(&q->ready, r, ready);
	r->on_ready = 1;
	queue_pump_soon(q);
}

/* msg_next_try - the earliest retry of a deferred recipient, 0 if none */
static int64_t
msg_next_try(const struct qmsg *m)
{
	int64_t	 next = 0;
	uint32_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].state == RCPT_DEFERRED &&
		    (next == 0 || m->rcpts[i].next_try < next))
			next = m->rcpts[i].next_try;
	return next;
}

/* msg_arm_timer - wake the message at its earliest retry */
static void
msg_arm_timer(struct qmsg *m)
{
	int64_t	 next = msg_next_try(m), now = now_sec();
	struct timeval tv = { 0, 0 };

	if (next == 0) {
		evtimer_del(m->timer);
		return;
	}
	if (next > now)
		tv.tv_sec = next - now;
	evtimer_add(m->timer, &tv);
}

static struct queue *timer_queue;	/* the one queue, for timer callbacks */

/* msg_timer_cb - retry time: deferred recipients whose time has come */
static void
msg_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct qmsg	*m = arg;
	struct queue	*q = timer_queue;
	int64_t		 now = now_sec();
	uint32_t	 i;

	(void)fd;
	(void)ev;
	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].state == RCPT_DEFERRED &&
		    m->rcpts[i].next_try <= now)
			rcpt_make_ready(q, &m->rcpts[i]);
	msg_arm_timer(m);
}

/* retry_delay - the backoff after the n-th failed attempt */
static unsigned
retry_delay(const struct conf *c, uint32_t attempts)
{
	size_t i;

	if (c->queue.nretry == 0)
		return 60;
	i = attempts == 0 ? 0 : attempts - 1;
	if (i >= c->queue.nretry)
		i = c->queue.nretry - 1;
	return c->queue.retry[i];
}

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup_opt(src);
}

/* wants_failure_dsn - RFC 3461 4.1: no NOTIFY means FAILURE (and DELAY) */
static int
wants_failure_dsn(const struct qrcpt *r)
{
	return r->notify == 0 || (r->notify & SMTP_NOTIFY_FAILURE) != 0;
}

/* rcpt_fail - permanent failure: a DSN is owed unless the sender is <> */
static void
rcpt_fail(struct queue *q, struct qrcpt *r, const char *status, const char *why)
{
	struct qmsg *m = r->msg;

	r->state = RCPT_FAILED;
	snprintf(r->status, sizeof(r->status), "%s", status);
	set_str(&r->reason, why);
	if (m->kind == QMSG_DSN)
		log_info("%s dsn undeliverable to=<%s> reason=\"%s\", dropped",
		    m->idstr, r->to, why);
	else if (m->sender[0] == '\0')
		log_info("%s bounced to=%s status=%s reason=\"%s\", no DSN: "
		    "null sender", m->idstr, r->to, status, why);
	else if (!wants_failure_dsn(r))
		log_info("%s bounced to=%s status=%s reason=\"%s\", no DSN: "
		    "NOTIFY", m->idstr, r->to, status, why);
	else {
		log_info("%s bounced to=%s status=%s reason=\"%s\"", m->idstr,
		    r->to, status, why);
		msg_owes_dsn(q, m);
	}
}

/* msg_expiry - when trying ends: lifetime from arrival or scheduled time */
static int64_t
msg_expiry(const struct queue *q, const struct qmsg *m)
{
	int64_t start = m->not_before > m->arrival ? m->not_before : m->arrival;

	return start + (int64_t)(m->lifetime ? m->lifetime :
	    q->conf->queue.lifetime);
}

/*
 * msg_start - recipients not yet under way go in line, or wait for the
 * scheduled time ([JOBPERIOD:] in the subject) as deferred.
 */
static void
msg_start(struct queue *q, struct qmsg *m)
{
	int64_t	 now = now_sec();
	uint32_t i;

	for (i = 0; i < m->nrcpts; i++) {
		struct qrcpt *r = &m->rcpts[i];

		if (r->state != RCPT_QUEUED && r->state != RCPT_SENDING)
			continue;
		if (m->not_before > now) {
			r->state = RCPT_DEFERRED;
			r->next_try = m->not_before;
		} else
			rcpt_make_ready(q, r);
	}
	msg_arm_timer(m);
}

/* rcpt_defer - temporary failure: retry later, or expire */
static void
rcpt_defer(struct queue *q, struct qrcpt *r, const char *why)
{
	struct qmsg	*m = r->msg;
	int64_t		 now = now_sec(), expiry;
	unsigned	 delay;
	char		 reason[512];

	expiry = msg_expiry(q, m);
	if (now >= expiry) {
		snprintf(reason, sizeof(reason), "delivery time expired, "
		    "last error: %s", why);
		rcpt_fail(q, r, "4.4.7", reason);
		return;
	}
	delay = retry_delay(q->conf, r->attempts);
	r->state = RCPT_DEFERRED;
	r->next_try = now + delay < expiry ? now + delay : expiry;
	set_str(&r->reason, why);
	log_info("%s deferred to=%s attempt=%u delay=%" PRId64 " reason=\"%s\"",
	    m->idstr, r->to, r->attempts, r->next_try - now, why);
	msg_arm_timer(m);
}

/* delivery_done - the backend's (or bounce sender's) answer */
static void
delivery_done(void *arg, enum sms_result res, const char *provider_id,
    const char *reason)
{
	struct qrcpt	*r = arg;
	struct qmsg	*m = r->msg;
	struct queue	*q = timer_queue;

	m->in_flight--;
	r->last_try = now_sec();
	switch (res) {
	case SMS_SENT:
		r->state = RCPT_SENT;
		set_str(&r->provider_id, provider_id);
		set_str(&r->reason, NULL);
		if (m->kind == QMSG_SMS && m->sender[0] != '\0' &&
		    (r->notify & SMTP_NOTIFY_SUCCESS)) {
			r->state = RCPT_REPORT_OWED;
			msg_owes_dsn(q, m);
		}
		if (m->kind == QMSG_DSN)
			log_info("%s dsn sent to=<%s>", m->idstr, r->to);
		else
			log_info("%s sent to=%s rcpt=<%s> parts=%u provider_id=%s",
			    m->idstr, r->to, r->addr, m->parts,
			    provider_id != NULL ? provider_id : "-");
		break;
	case SMS_TEMPFAIL:
		rcpt_defer(q, r, reason != NULL ? reason : "temporary failure");
		break;
	case SMS_PERMFAIL:
		rcpt_fail(q, r, "5.0.0", reason != NULL ? reason :
		    "permanent failure");
		break;
	case SMS_BADNUMBER:
		rcpt_fail(q, r, "5.1.1", reason != NULL ? reason :
		    "the provider says the number cannot receive SMS");
		break;
	}
	journal_state(q, r);
	msg_check_done(q, m);
	queue_pump_soon(q);
	check_drained(q);
}

/* rcpt_dispatch - journal SENDING, then hand the recipient over */
static int
rcpt_dispatch(struct queue *q, struct qrcpt *r)
{
	struct qmsg	*m = r->msg;
	char		 ref[QID_LEN + 16];
	struct sms	 sms;
	int		 rc;

	r->state = RCPT_SENDING;
	r->attempts++;
	journal_state(q, r);
	m->in_flight++;
	if (m->kind == QMSG_DSN)
		rc = bounce_send(q->bounce, m, delivery_done, r);
	else {
		snprintf(ref, sizeof(ref), "%s.%u", m->idstr, r->index);
		sms = (struct sms){ .ref = ref, .to = r->to,
		    .from = m->sender_id, .text = m->text, .parts = m->parts,
		    .encoding = gsm_encoding_name(m->encoding) };
		rc = backend_submit(q->backend, &sms, delivery_done, r);
	}
	if (rc == -1) {
		m->in_flight--;
		r->attempts--;
		r->state = RCPT_QUEUED;
	}
	return rc;
}

/* queue_pump - feed ready recipients while the backends have room */
static void
queue_pump(evutil_socket_t fd, short ev, void *arg)
{
	struct queue	*q = arg;
	struct qrcpt	*r, *next;
	int		 sms_full = 0, dsn_full = 0;

	(void)fd;
	(void)ev;
	if (q->draining)
		return;
	for (r = TAILQ_FIRST(&q->ready); r != NULL && !(sms_full && dsn_full) &&
	    spool_recording(q->spool); r = next) {
		int is_dsn = r->msg->kind == QMSG_DSN;

		next = TAILQ_NEXT(r, ready);
		if (is_dsn ? dsn_full : sms_full)
			continue;
		if (!(is_dsn ? bounce_has_capacity(q->bounce) :
		    backend_has_capacity(q->backend))) {
			*(is_dsn ? &dsn_full : &sms_full) = 1;
			continue;
		}
		TAILQ_REMOVE(&q->ready, r, ready);
		r->on_ready = 0;
		if (rcpt_dispatch(q, r) == -1) {
			TAILQ_INSERT_HEAD(&q->ready, r, ready);
			r->on_ready = 1;
			*(is_dsn ? &dsn_full : &sms_full) = 1;
		}
	}
	spool_commit(q->spool, NULL, NULL);
}

static void
queue_pump_soon(struct queue *q)
{
	if (!q->draining)
		event_active(q->pump_ev, EV_TIMEOUT, 1);
}

/* rcpt_is_final - nothing more will happen to this recipient */
static int
rcpt_is_final(const struct qmsg *m, const struct qrcpt *r)
{
	if (r->state == RCPT_SENT || r->state == RCPT_BOUNCED)
		return 1;
	return r->state == RCPT_FAILED &&
	    (m->kind == QMSG_DSN || m->sender[0] == '\0' ||
	    !wants_failure_dsn(r));
}

/* msg_check_done - journal DONE and forget a finished message */
static void
msg_check_done(struct queue *q, struct qmsg *m)
{
	uint32_t i;

	if (m->in_flight > 0 || !m->committed)
		return;
	for (i = 0; i < m->nrcpts; i++)
		if (!rcpt_is_final(m, &m->rcpts[i]))
			return;
	if (spool_put_done(q->spool, m->id, &m->loc) == -1)
		log_warnx("%s spool: cannot journal completion", m->idstr);
	log_info("%s removed", m->idstr);
	msg_remove(q, m);
}

/* put_msg_record - journal a message from its in-memory form (cb: spool.h) */
static int
put_msg_record(struct queue *q, struct qmsg *m, const char *raw, size_t rawlen,
    spool_done_cb cb, void *arg)
{
	struct rec_rcpt	*rr;
	struct rec_msg	 rec = {
		.id = m->id, .kind = m->kind, .arrival = m->arrival,
		.sender = rs(m->sender), .client = rs(m->client),
		.helo = rs(m->helo), .envid = rs(m->envid), .ret = m->ret,
		.sender_id = rs(m->sender_id), .text = rs(m->text),
		.parts = m->parts, .encoding = m->encoding,
		.headers = { m->headers ? m->headers : "", (uint32_t)m->headers_len },
		.raw = { raw ? raw : "", (uint32_t)rawlen },
		.not_before = m->not_before, .lifetime = m->lifetime,
		.nrcpts = m->nrcpts,
	};
	uint32_t	 i;
	int		 rc;

	if ((rr = calloc(m->nrcpts ? m->nrcpts : 1, sizeof(*rr))) == NULL)
		return -1;
	for (i = 0; i < m->nrcpts; i++) {
		rr[i].addr = rs(m->rcpts[i].addr);
		rr[i].to = rs(m->rcpts[i].to);
		rr[i].orcpt = rs(m->rcpts[i].orcpt);
		rr[i].notify = m->rcpts[i].notify;
	}
	rc = spool_put_msg(q->spool, &rec, rr, &m->loc, cb, arg);
	free(rr);
	return rc;
}

/* rcpt_reportable - a DSN is owed for this recipient now */
static int
rcpt_reportable(const struct qrcpt *r)
{
	return r->state == RCPT_REPORT_OWED ||
	    (r->state == RCPT_FAILED && wants_failure_dsn(r));
}

/* bounce_some - one DSN for up to 64 failed recipients of m; 0 if none left */
static int
bounce_some(struct queue *q, struct qmsg *m)
{
	struct qmsg	*dsn;
	uint32_t	 idx[64], i;
	size_t		 n, len;
	char		*text;

	for (n = 0, i = 0; i < m->nrcpts && n < 64; i++)
		if (rcpt_reportable(&m->rcpts[i]))
			idx[n++] = i;
	if (n == 0)
		return 0;
	if ((text = bounce_compose(q->conf, m, idx, n, now_sec(),
	    &len)) == NULL) {
		log_warnx("%s cannot compose DSN", m->idstr);
		return 0;
	}
	dsn = msg_new(q, new_id(q), 1);
	dsn->kind = QMSG_DSN;
	dsn->arrival = now_sec();
	dsn->sender = xstrdup_opt("");
	dsn->client = xstrdup_opt("local");
	dsn->text = text;
	dsn->rcpts[0].addr = xstrdup_opt(m->sender);
	dsn->rcpts[0].to = xstrdup_opt(m->sender);
	if (put_msg_record(q, dsn, NULL, 0, NULL, NULL) == -1) {
		log_warnx("%s cannot journal DSN", m->idstr);
		msg_free(dsn);
		return 0;
	}
	dsn->committed = 1;
	msg_insert(q, dsn);
	log_info("%s dsn queued as %s to=<%s> nrcpt=%zu", m->idstr,
	    dsn->idstr, m->sender, n);
	rcpt_make_ready(q, &dsn->rcpts[0]);
	for (i = 0; i < n; i++) {
		struct qrcpt *r = &m->rcpts[idx[i]];

		r->state = r->state == RCPT_REPORT_OWED ? RCPT_SENT : RCPT_BOUNCED;
		journal_state(q, r);
	}
	return 1;
}

/*
 * queue_bounce_owed - turn failed recipients into DSNs, per message; while
 * the spool takes no new messages they stay owed (the spool says when).
 */
static void
queue_bounce_owed(evutil_socket_t fd, short ev, void *arg)
{
	struct queue	*q = arg;
	struct qmsg	*m;

	(void)fd;
	(void)ev;
	if (!spool_accepting(q->spool))
		return;
	while ((m = TAILQ_FIRST(&q->owed)) != NULL) {
		TAILQ_REMOVE(&q->owed, m, owed);
		m->owes_dsn = 0;
		if (m->kind == QMSG_DSN || m->sender[0] == '\0' || !m->committed)
			continue;
		while (bounce_some(q, m))
			;
		msg_check_done(q, m);
	}
	spool_commit(q->spool, NULL, NULL);
}

/* accept_done - the journal holds the message: answer the client */
static void
accept_done(void *arg, int error)
{
	struct accept_wait *w = arg;
	struct queue	*q = w->q;
	struct qmsg	*m = w->msg;

	q->committing--;
	if (error) {
		w->cb(w->arg, error);
		msg_remove(q, m);
	} else {
		m->committed = 1;
		w->cb(w->arg, 0);
		msg_start(q, m);
		if (m->not_before > now_sec())
			log_info("%s scheduled at=%" PRId64 " (in %" PRId64 "s)",
			    m->idstr, m->not_before, m->not_before - now_sec());
	}
	free(w);
	check_drained(q);
}

/* queue_submit - see queue.h */
int
queue_submit(struct queue *q, const struct qsubmit *s, queue_accept_cb cb,
    void *arg, char idstr[QID_LEN + 1])
{
	struct accept_wait *w;
	struct qmsg	*m;
	uint32_t	 i;
	int		 err;

	if (q->draining) {
		errno = ESHUTDOWN;
		return -1;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	m = msg_new(q, new_id(q), s->nrcpts);
	m->kind = QMSG_SMS;
	m->arrival = now_sec();
	m->sender = xstrdup_opt(s->sender);
	m->client = xstrdup_opt(s->client);
	m->helo = xstrdup_opt(s->helo);
	m->envid = xstrdup_opt(s->envid);
	m->ret = s->ret;
	m->sender_id = xstrdup_opt(s->sender_id);
	m->text = xstrdup_opt(s->text);
	m->parts = s->parts;
	m->encoding = s->encoding;
	m->headers = xstrndup(s->headers, s->headers_len);
	m->headers_len = s->headers_len;
	m->not_before = s->not_before;
	m->lifetime = s->lifetime;
	for (i = 0; i < s->nrcpts; i++) {
		m->rcpts[i].addr = xstrdup_opt(s->rcpts[i].addr);
		m->rcpts[i].to = xstrdup_opt(s->rcpts[i].to);
		m->rcpts[i].orcpt = xstrdup_opt(s->rcpts[i].orcpt);
		m->rcpts[i].notify = s->rcpts[i].notify;
	}
	*w = (struct accept_wait){ q, m, cb, arg };
	if (put_msg_record(q, m, s->raw, s->raw_len, accept_done, w) == -1) {
		err = errno;
		msg_free(m);
		free(w);
		errno = err;
		return -1;
	}
	msg_insert(q, m);
	memcpy(idstr, m->idstr, QID_LEN + 1);
	q->committing++;
	return 0;
}

/* ---- replay ---- */

static void
replay_msg(void *arg, const struct rec_msg *rec, const struct spool_loc *loc)
{
	struct queue	*q = arg;
	struct qmsg	*m, *old;
	struct rec_rcpt	 rr;
	size_t		 pos = 0;
	uint32_t	 i;

	if (rec->nrcpts > MAX_RCPTS_REPLAY ||
	    rec->nrcpts > rec->rcpts_len / 13) {
		log_warnx("spool: message %016" PRIX64 " has a bad recipient "
		    "count, skipped", rec->id);
		return;
	}
	if ((old = msg_find(q, rec->id)) != NULL)	/* relocated copy */
		msg_remove(q, old);
	m = msg_new(q, rec->id, rec->nrcpts);
	m->kind = rec->kind == QMSG_DSN ? QMSG_DSN : QMSG_SMS;
	m->arrival = rec->arrival;
	m->sender = xstrndup(rec->sender.p, rec->sender.len);
	m->client = xstrndup(rec->client.p, rec->client.len);
	m->helo = xstrndup(rec->helo.p, rec->helo.len);
	m->envid = rec->envid.len ? xstrndup(rec->envid.p, rec->envid.len) : NULL;
	m->ret = rec->ret;
	m->sender_id = rec->sender_id.len ?
	    xstrndup(rec->sender_id.p, rec->sender_id.len) : NULL;
	m->text = xstrndup(rec->text.p, rec->text.len);
	m->parts = rec->parts;
	m->encoding = rec->encoding;
	m->headers = xstrndup(rec->headers.p, rec->headers.len);
	m->headers_len = rec->headers.len;
	m->not_before = rec->not_before;
	m->lifetime = rec->lifetime;
	m->loc = *loc;
	m->committed = 1;
	for (i = 0; i < rec->nrcpts; i++) {
		if (rec_next_rcpt(rec, &pos, &rr) == -1) {
			log_warnx("spool: message %s: bad recipient list, "
			    "skipped", m->idstr);
			msg_free(m);
			return;
		}
		m->rcpts[i].addr = xstrndup(rr.addr.p, rr.addr.len);
		m->rcpts[i].to = xstrndup(rr.to.p, rr.to.len);
		m->rcpts[i].orcpt = rr.orcpt.len ?
		    xstrndup(rr.orcpt.p, rr.orcpt.len) : NULL;
		m->rcpts[i].notify = rr.notify;
	}
	if (m->id > q->last_id)
		q->last_id = m->id;
	msg_insert(q, m);
}

static void
replay_state(void *arg, const struct rec_state *st)
{
	struct queue	*q = arg;
	struct qmsg	*m = msg_find(q, st->id);
	struct qrcpt	*r;

	if (m == NULL || st->rcpt >= m->nrcpts || st->state > RCPT_REPORT_OWED)
		return;
	r = &m->rcpts[st->rcpt];
	r->state = st->state;
	r->attempts = st->attempts;
	r->next_try = st->next_try;
	free(r->provider_id);
	free(r->reason);
	r->provider_id = st->provider_id.len ?
	    xstrndup(st->provider_id.p, st->provider_id.len) : NULL;
	r->reason = st->reason.len ? xstrndup(st->reason.p, st->reason.len) : NULL;
}

static void
replay_done(void *arg, uint64_t id)
{
	struct queue	*q = arg;
	struct qmsg	*m = msg_find(q, id);

	if (m != NULL)
		msg_remove(q, m);
}

/* relocate_segment - move the live messages of an old segment to the head */
static void
relocate_segment(void *arg, uint32_t seg)
{
	struct queue	*q = arg;
	struct qmsg	*m;
	uint32_t	 i;

	TAILQ_FOREACH(m, &q->msgs, entry) {
		if (m->loc.seg != seg)
			continue;
		if (spool_relocate(q->spool, &m->loc) == -1) {
			log_warnx("%s spool: relocation failed", m->idstr);
			return;
		}
		for (i = 0; i < m->nrcpts; i++)
			journal_state(q, &m->rcpts[i]);
	}
}

/* queue_spool_writable - the journal takes records again: dispatch, DSNs */
static void
queue_spool_writable(void *arg)
{
	struct queue *q = arg;

	queue_pump_soon(q);
	event_active(q->bounce_ev, EV_TIMEOUT, 1);
}

/* queue_resume - after replay: pin segments, restart what was under way */
static void
queue_resume(struct queue *q)
{
	struct qmsg	*m;
	uint32_t	 i;
	size_t		 n = 0;

	TAILQ_FOREACH(m, &q->msgs, entry) {
		n++;
		for (i = 0; i < m->nrcpts; i++)
			if (rcpt_reportable(&m->rcpts[i]) &&
			    m->kind == QMSG_SMS && m->sender[0] != '\0')
				msg_owes_dsn(q, m);
		msg_start(q, m);
	}
	if (n > 0)
		log_info("queue: recovered %zu message%s from the spool", n,
		    n == 1 ? "" : "s");
}

/* queue_new - open the spool, replay it, and start the backends */
struct queue *
queue_new(struct event_base *base, const struct conf *conf, char *err,
    size_t errlen)
{
	struct queue	*q;
	struct spool_replay rp;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	q->base = base;
	q->conf = conf;
	timer_queue = q;
	TAILQ_INIT(&q->msgs);
	TAILQ_INIT(&q->ready);
	TAILQ_INIT(&q->owed);
	q->pump_ev = event_new(base, -1, 0, queue_pump, q);
	q->bounce_ev = event_new(base, -1, 0, queue_bounce_owed, q);
	if (q->pump_ev == NULL || q->bounce_ev == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rp = (struct spool_replay){ replay_msg, replay_state, replay_done,
	    relocate_segment, queue_spool_writable, q };
	if ((q->spool = spool_open(conf->spool, base, 0, err, errlen)) == NULL ||
	    spool_replay(q->spool, &rp, err, errlen) == -1)
		goto fail;
	if ((q->backend = backend_new(conf, base, err, errlen)) == NULL ||
	    (q->bounce = bounce_new(conf, base, err, errlen)) == NULL)
		goto fail;
	{
		struct qmsg *m;

		TAILQ_FOREACH(m, &q->msgs, entry)
			spool_pin(q->spool, &m->loc);
	}
	spool_set_min_free(q->spool, conf->queue.min_free);
	if (spool_start(q->spool, err, errlen) == -1)
		goto fail;
	spool_set_commit_delay(q->spool, conf->queue.commit_delay_ms);
	queue_resume(q);
	return q;
fail:
	queue_free(q);
	return NULL;
}

/* queue_set_conf - a reloaded configuration (retry, lifetime, ...) */
void
queue_set_conf(struct queue *q, const struct conf *conf)
{
	q->conf = conf;
	spool_set_min_free(q->spool, conf->queue.min_free);
}

/* queue_flush - retry every deferred recipient now */
void
queue_flush(struct queue *q)
{
	struct qmsg	*m;
	uint32_t	 i;

	TAILQ_FOREACH(m, &q->msgs, entry) {
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].state == RCPT_DEFERRED)
				rcpt_make_ready(q, &m->rcpts[i]);
		evtimer_del(m->timer);
	}
}

static struct qmsg *
msg_by_idstr(struct queue *q, const char *idstr)
{
	char		*end;
	uint64_t	 id;

	if (strlen(idstr) != QID_LEN)
		return NULL;
	errno = 0;
	id = strtoull(idstr, &end, 16);
	if (errno || *end != '\0')
		return NULL;
	return msg_find(q, id);
}

/* queue_delete - drop a message without delivery or DSN (admin) */
int
queue_delete(struct queue *q, const char *idstr)
{
	struct qmsg	*m = msg_by_idstr(q, idstr);

	if (m == NULL || m->in_flight > 0 || !m->committed)
		return -1;
	if (spool_put_done(q->spool, m->id, &m->loc) == -1)
		return -1;
	spool_commit(q->spool, NULL, NULL);
	log_info("%s deleted by the administrator", m->idstr);
	msg_remove(q, m);
	return 0;
}

/* msg_state - the least advanced recipient state, for the list view */
static const char *
msg_state(const struct qmsg *m)
{
	static const int rank[] = { [RCPT_SENDING] = 0, [RCPT_QUEUED] = 1,
	    [RCPT_DEFERRED] = 2, [RCPT_FAILED] = 3, [RCPT_BOUNCED] = 4,
	    [RCPT_REPORT_OWED] = 5, [RCPT_SENT] = 6 };
	enum rcpt_state best = RCPT_SENT;
	uint32_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (rank[m->rcpts[i].state] < rank[best])
			best = m->rcpts[i].state;
	return rcpt_state_name(best);
}


/* queue_list - one line per message, recipients indented */
void
queue_list(struct queue *q, struct evbuffer *out)
{
	struct qmsg	*m;
	int64_t		 now = now_sec(), next;
	uint32_t	 i;

	evbuffer_add_printf(out, "%-16s %8s %5s %-9s %s\n", "ID", "AGE",
	    "RCPTS", "STATE", "NEXT-TRY");
	TAILQ_FOREACH(m, &q->msgs, entry) {
		next = msg_next_try(m);
		evbuffer_add_printf(out, "%-16s %7" PRId64 "s %5u %-9s ",
		    m->idstr, now - m->arrival, m->nrcpts, msg_state(m));
		if (next > 0)
			evbuffer_add_printf(out, "in %" PRId64 "s\n",
			    next > now ? next - now : 0);
		else
			evbuffer_add_printf(out, "-\n");
		for (i = 0; i < m->nrcpts; i++)
			evbuffer_add_printf(out, "    %-8s %s%s%s\n",
			    rcpt_state_name(m->rcpts[i].state),
			    m->kind == QMSG_DSN ? "dsn to <" : "",
			    m->rcpts[i].to, m->kind == QMSG_DSN ? ">" : "");
	}
	evbuffer_add_printf(out, "-- %zu message%s\n", q->nmsgs,
	    q->nmsgs == 1 ? "" : "s");
}

/* queue_show - everything known about one message */
int
queue_show(struct queue *q, const char *idstr, struct evbuffer *out)
{
	struct qmsg	*m = msg_by_idstr(q, idstr);
	int64_t		 now = now_sec();
	uint32_t	 i;

	if (m == NULL)
		return -1;
	evbuffer_add_printf(out, "id: %s\nkind: %s\narrival: %" PRId64
	    " (%" PRId64 "s ago)\nsender: <%s>\nclient: %s\nhelo: %s\n",
	    m->idstr, m->kind == QMSG_DSN ? "dsn" : "sms", m->arrival,
	    now - m->arrival, m->sender, m->client, m->helo);
	if (m->not_before > 0)
		evbuffer_add_printf(out, "scheduled: %" PRId64 " (%s)\n",
		    m->not_before, m->not_before > now ? "waiting" : "due");
	if (m->lifetime > 0)
		evbuffer_add_printf(out, "lifetime: %us\n", m->lifetime);
	if (m->kind == QMSG_SMS)
		evbuffer_add_printf(out, "sender-id: %s\nparts: %u\n"
		    "encoding: %s\ntext: %s\n", m->sender_id ? m->sender_id : "-",
		    m->parts, gsm_encoding_name(m->encoding), m->text);
	for (i = 0; i < m->nrcpts; i++) {
		const struct qrcpt *r = &m->rcpts[i];

		evbuffer_add_printf(out, "recipient %u: %s <%s>\n"
		    "  state: %s\n  attempts: %u\n", i, r->to, r->addr,
		    rcpt_state_name(r->state), r->attempts);
		if (r->state == RCPT_DEFERRED)
			evbuffer_add_printf(out, "  next-try: in %" PRId64 "s\n",
			    r->next_try > now ? r->next_try - now : 0);
		if (r->provider_id != NULL)
			evbuffer_add_printf(out, "  provider-id: %s\n",
			    r->provider_id);
		if (r->reason != NULL)
			evbuffer_add_printf(out, "  reason: %s\n", r->reason);
	}
	return 0;
}

size_t
queue_size(const struct queue *q)
{
	return q->nmsgs;
}

/* in_flight_total - sends and commits not yet answered */
static size_t
in_flight_total(struct queue *q)
{
	struct qmsg	*m;
	size_t		 n = q->committing;

	TAILQ_FOREACH(m, &q->msgs, entry)
		n += m->in_flight;
	return n;
}

static void
check_drained(struct queue *q)
{
	void (*cb)(void *) = q->drained;

	if (!q->draining || cb == NULL || in_flight_total(q) > 0)
		return;
	q->drained = NULL;
	cb(q->drained_arg);
}

/* queue_drain - see queue.h */
void
queue_drain(struct queue *q, void (*cb)(void *), void *arg)
{
	q->draining = 1;
	q->drained = cb;
	q->drained_arg = arg;
	check_drained(q);
}

/*
 * queue_free - stop the backends first (transfers still running report a
 * temporary failure, which is journaled), then flush and close the spool.
 */
void
queue_free(struct queue *q)
{
	struct qmsg *m;

	if (q == NULL)
		return;
	q->draining = 1;
	if (q->backend != NULL)
		backend_free(q->backend);
	q->backend = NULL;
	if (q->bounce != NULL)
		bounce_free(q->bounce);
	q->bounce = NULL;
	if (q->spool != NULL)
		spool_close(q->spool);
	q->spool = NULL;
	while ((m = TAILQ_FIRST(&q->msgs)) != NULL)
		msg_remove(q, m);
	if (q->pump_ev != NULL)
		event_free(q->pump_ev);
	if (q->bounce_ev != NULL)
		event_free(q->bounce_ev);
	if (timer_queue == q)
		timer_queue = NULL;
	free(q->hash);
	free(q);
}
