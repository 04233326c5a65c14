/*
 * queue.c - the life of an accepted message: durable submit, dispatch to the
 * backend, retry with backoff, expiry, DSNs for failures, and recovery.
 *
 * Every state change is journaled before it matters: SENDING before the
 * backend sees an SMS, the provider's answer after (with the id of every
 * part), each delivery report as it comes, DONE when nothing of the
 * message is needed again. A sent recipient whose backend gives reports
 * waits for the handset's (reports.wait at most); its final report decides
 * the DSN: delivered, failed, or after the wait relayed. Replaying the journal rebuilds this table. While
 * the journal cannot record states (a failed write, or a full disk with
 * half its reserve gone) nothing new goes to a backend, and no DSN is made.
 * When to try and what is owed is schedule.c's arithmetic; which messages
 * are in memory at all (the rest held on disk), active_set.c's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/time.h>

#include "sms/transport/backend.h"
#include "sms/convert/gsm.h"
#include "smtpd/queue/bounce.h"
#include "smtpd/queue/hash.h"
#include "smtpd/queue/held.h"
#include "smtpd/queue/hold.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "sms/lib/stats_backend.h"
#include "smtpd/http/status_history.h"
#include "sms/transport/callback/callback.h"
#include "smtpd/queue/queue.h"
#include "smtpd/queue/queue_int.h"
#include "smtpd/queue/report.h"
#include "smtpd/queue/schedule.h"
#include "smtpd/queue/spool.h"
#include "smtpd/envelope.h"
#include "smtpd/stats/dstats.h"

/* the metrics' queue states, what gauge_of() sorts recipients into */
static const enum stat_id queue_gauges[] = { STAT_QUEUE_QUEUED,
	STAT_QUEUE_DEFERRED, STAT_QUEUE_SCHEDULED, STAT_QUEUE_HELD,
	STAT_QUEUE_AWAITING_REPORT };
_Static_assert(sizeof(queue_gauges) / sizeof(queue_gauges[0]) == QUEUE_GAUGES,
    "a counter per gauge");

struct accept_wait {
	struct qmsg		*msg;
	queue_accept_cb		 cb;
	void			*arg;
};

typedef struct backend *(*transport_new)(const struct conf *,
    struct event_base *, char *, size_t);

/* each kind of message goes out through a transport of its own */
static const transport_new transports[MSG_KINDS] = {
	[MSG_SMS] = backend_new,	/* to the SMS provider */
	[MSG_DSN] = backend_dsn_new,	/* mail to the sender */
};

static void	queue_pump_soon(struct queue *);
static void	msg_check_done(struct queue *, struct qmsg *);
static void	rcpt_forget_parts(struct queue *, struct qmsg *, uint32_t);
static void	rcpt_take_report(struct queue *, struct qmsg *, uint32_t,
		    uint32_t, enum sms_report, int64_t, const char *);

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

/* set_str - replace an owned string with a copy of s (NULL stays NULL) */
static void
set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = NULL;
	if (s != NULL && (*dst = strndup(s, n)) == NULL)
		fatal("queue: out of memory");
}

/* msg_free - release a message and everything it owns */
static void
msg_free(struct qmsg *m)
{
	uint32_t i;

	if (m->timer != NULL)
		event_free(m->timer);
	for (i = 0; i < m->msg->nrcpts; i++)
		rcpt_status_clear(&m->status[i]);
	free(m->status);
	free(m->rcpts);
	free(m->msg);
	free(m);
}

static void msg_timer_cb(evutil_socket_t, short, void *);

/* msg_new - the queue's message of desc (which it takes), nothing tried */
struct qmsg *
msg_new(struct queue *q, uint64_t id, struct message *desc)
{
	struct qmsg	*m;
	uint32_t	 i, n = desc->nrcpts;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->status = calloc(n ? n : 1, sizeof(*m->status))) == NULL ||
	    (m->rcpts = calloc(n ? n : 1, sizeof(*m->rcpts))) == NULL ||
	    (m->timer = evtimer_new(q->base, msg_timer_cb, m)) == NULL)
		fatal("queue: out of memory");
	m->id = id;
	qid_format(m->idstr, id);
	m->q = q;
	m->msg = desc;
	for (i = 0; i < n; i++) {
		m->rcpts[i].msg = m;
		m->rcpts[i].index = i;
		m->rcpts[i].st = &m->status[i];
	}
	return m;
}

/* msg_view - what others may see of m */
static void
msg_view(const struct qmsg *m, struct queue_view *v)
{
	v->idstr = m->idstr;
	v->msg = m->msg;
	v->rcpts = m->status;
}

/* msg_insert - make the message known (admin views, replay, lookups) */
void
msg_insert(struct queue *q, struct qmsg *m)
{
	if (hash_insert(&q->ids, &m->by_id, hash_u64(m->id)) == -1)
		fatal("queue: out of memory");
	TAILQ_INSERT_TAIL(&q->msgs, m, entry);
	note_size(q);
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

/*
 * gauge_of - the queue gauge a recipient counts in, -1 for none: deferred
 * before its first attempt is scheduled (a release time), after it retried
 */
static int
gauge_of(const struct rcpt_status *st)
{
	switch (st->state) {
	case RCPT_QUEUED:
	case RCPT_SENDING:
		return 0;
	case RCPT_DEFERRED:
		return st->attempts > 0 ? 1 : 2;
	case RCPT_HELD:
		return 3;
	case RCPT_WAITING:
	case RCPT_DELAY_OWED:
	case RCPT_DELAYED:
		return 4;
	default:
		return -1;
	}
}

/*
 * msg_recount - m's SMS recipients in the queue gauges (none if gone):
 * recounted from their states each time the message is touched, and only
 * the change applied, so a scrape reads gauges instead of walking the
 * queue, and a missed transition cannot make them drift
 */
static void
msg_recount(struct qmsg *m, bool gone)
{
	uint32_t	 now[QUEUE_GAUGES] = { 0 }, i;
	int		 g;

	if (m->msg->kind != MSG_SMS)
		return;
	for (i = 0; !gone && i < m->msg->nrcpts; i++)
		if ((g = gauge_of(&m->status[i])) >= 0)
			now[g]++;
	for (i = 0; i < QUEUE_GAUGES; i++) {
		if (now[i] > m->counted[i])
			stats_increment(queue_gauges[i], now[i] - m->counted[i]);
		else
			stats_decrement(queue_gauges[i], m->counted[i] - now[i]);
		m->counted[i] = now[i];
	}
}

/* msg_remove - forget a message: lists, lookups, memory */
void
msg_remove(struct queue *q, struct qmsg *m)
{
	uint32_t	 i;

	msg_recount(m, true);
	for (i = 0; i < m->msg->nrcpts; i++) {
		if (m->rcpts[i].on_ready) {
			TAILQ_REMOVE(m->rcpts[i].line, &m->rcpts[i], ready);
			m->rcpts[i].on_ready = 0;
		}
		rcpt_forget_parts(q, m, i);
	}
	if (m->owes_dsn)
		TAILQ_REMOVE(&q->owed, m, owed);
	if (m->parked)
		q->parked--;
	hash_remove(&q->ids, &m->by_id);
	TAILQ_REMOVE(&q->msgs, m, entry);
	msg_free(m);
	note_size(q);
	held_arm(q);	/* room for a held one */
}

struct qmsg *
msg_find(const struct queue *q, uint64_t id)
{
	uint64_t		 hv = hash_u64(id);
	struct hash_entry	*e;
	struct qmsg		*m;

	for (e = hash_first(&q->ids, hv); e != NULL; e = hash_next(e, hv)) {
		m = HASH_OWNER(e, struct qmsg, by_id);
		if (m->id == id)
			return m;
	}
	return NULL;
}

/* rcpt_forget_parts - reports about the recipient's ids find it no more */
static void
rcpt_forget_parts(struct queue *q, struct qmsg *m, uint32_t i)
{
	struct rcpt_status	*st = &m->status[i];
	uint32_t		 k;

	for (k = 0; k < st->nparts; k++)
		report_forget(q->reports, st->parts[k].id, m->id, i);
	if (st->provider_id != NULL)
		report_forget(q->reports, st->provider_id, m->id, i);
	rcpt_parts_clear(st);
}

/* rcpt_parts_room - an empty list of n parts for the recipient */
static void
rcpt_parts_room(struct rcpt_status *st, size_t n)
{
	if ((st->parts = calloc(n ? n : 1, sizeof(*st->parts))) == NULL)
		fatal("queue: out of memory");
	st->nparts = 0;
}

/* rcpt_part_add - the next part's id (n bytes at id) */
static void
rcpt_part_add(struct rcpt_status *st, const char *id, size_t n)
{
	struct rcpt_part *p = &st->parts[st->nparts];

	if ((p->id = strndup(id, n)) == NULL)
		fatal("queue: out of memory");
	p->report = SMS_REPORT_NONE;
	st->nparts++;
}

/* rcpt_expect_parts - reports about any part's id will find recipient i */
static void
rcpt_expect_parts(struct queue *q, struct qmsg *m, uint32_t i)
{
	struct rcpt_status	*st = &m->status[i];
	uint32_t		 k;

	for (k = 0; k < st->nparts; k++)
		if (report_expect(q->reports, st->parts[k].id, m->id, i,
		    k) == -1)
			log_warnx("%s no memory to expect reports for rcpt %u",
			    m->idstr, i);
}

/*
 * rcpt_set_parts - the provider's id of recipient i (n bytes at id, NULL:
 * none) and one per part; without a list, that id is the only part.
 * Reports about them find the recipient while the message is queued.
 */
static void
rcpt_set_parts(struct queue *q, struct qmsg *m, uint32_t i, const char *id,
    size_t n, const char *const *ids, size_t nids)
{
	struct rcpt_status	*st = &m->status[i];
	size_t			 k;

	rcpt_forget_parts(q, m, i);
	set_str(&st->provider_id, id, n);
	if (st->provider_id == NULL && nids == 0)
		return;
	rcpt_parts_room(st, nids ? nids : 1);
	if (nids == 0)
		rcpt_part_add(st, st->provider_id, strlen(st->provider_id));
	for (k = 0; k < nids; k++)
		if (ids[k] != NULL)
			rcpt_part_add(st, ids[k], strlen(ids[k]));
	rcpt_expect_parts(q, m, i);
}

/* journal_state - append a recipient's state; rides the next commit */
static void
journal_state(struct queue *q, const struct qrcpt *r)
{
	struct rec_state rec = rec_state_of(r->msg->id, r->index, r->st);

	if (spool_put_state(q->spool, &rec) == -1)
		log_warnx("%s spool: cannot journal state of rcpt %u",
		    r->msg->idstr, r->index);
}

/* journal_event - append the k-th report of recipient i */
static void
journal_event(struct queue *q, const struct qmsg *m, uint32_t i, uint32_t k)
{
	struct rec_report rec = rec_event_of(m->id, i, &m->status[i], k);

	if (spool_put_report(q->spool, &rec) == -1)
		log_warnx("%s spool: cannot journal the report of rcpt %u",
		    m->idstr, i);
}

/* journal_parts - append when and through which backend i went, its ids */
static void
journal_parts(struct queue *q, const struct qmsg *m, uint32_t i)
{
	if (spool_put_parts(q->spool, m->id, i, &m->status[i]) == -1)
		log_warnx("%s spool: cannot journal the parts of rcpt %u",
		    m->idstr, i);
}

/* report_is_final - a state no later report changes */
static int
report_is_final(const struct queue *q, enum sms_report r)
{
	return schedule_report_verdict(r, q->conf).final;
}

/*
 * report_is_news - whether a report about part (out of range: the whole
 * recipient) tells something new: not the same again, nothing after a
 * final state
 */
static int
report_is_news(const struct queue *q, const struct rcpt_status *st,
    uint32_t part, enum sms_report report)
{
	enum sms_report	 now = part < st->nparts ? st->parts[part].report :
	    st->report;

	return now != report && !report_is_final(q, now);
}

/*
 * rcpt_note_report - what a report says of part `part` of the recipient
 * (out of range: of every part still under way), on its timeline; the
 * recipient's report follows its parts', and its time and words are those
 * of the report that made it what it is
 */
static void
rcpt_note_report(struct queue *q, struct rcpt_status *st, uint32_t part,
    enum sms_report report, int64_t when, const char *status, size_t n)
{
	enum sms_report	 before = st->report, after = report;
	uint32_t	 k;

	if (part < st->nparts)
		st->parts[part].report = report;
	else
		for (k = 0; k < st->nparts; k++)
			if (!report_is_final(q, st->parts[k].report))
				st->parts[k].report = report;
	if (st->nparts > 0)
		after = schedule_parts_report(st->parts, st->nparts, q->conf);
	if (rcpt_event_add(st, report, when, part, status, n) == -1)
		fatal("queue: out of memory");
	st->report = after;
	if (after != before || after == report) {
		st->report_time = when;
		set_str(&st->report_status, status, n);
	}
}

/* same_pair - the same sender to the same number: their order stays */
static int
same_pair(const struct qrcpt *a, const struct qrcpt *b)
{
	const struct message *ma = a->msg->msg, *mb = b->msg->msg;

	return strcmp(ma->rcpts[a->index].to, mb->rcpts[b->index].to) == 0 &&
	    strcmp(ma->sender, mb->sender) == 0;
}

/*
 * ready_line - the line a recipient waits in: express goes first, unless
 * bulk of the same sender to the same number waits (it would overtake it)
 */
static struct rcptq *
ready_line(struct queue *q, const struct qrcpt *r)
{
	const struct qrcpt *w;

	if (r->msg->msg->priority != SMS_PRIORITY_EXPRESS)
		return &q->ready[0];
	TAILQ_FOREACH(w, &q->ready[0], ready)
		if (same_pair(w, r))
			return &q->ready[0];
	return &q->ready[1];
}

/* rcpt_make_ready - put a recipient in line for the backend */
static void
rcpt_make_ready(struct queue *q, struct qrcpt *r)
{
	if (r->on_ready)
		return;
	r->st->state = RCPT_QUEUED;
	r->line = ready_line(q, r);
	TAILQ_INSERT_TAIL(r->line, r, ready);
	r->on_ready = 1;
	queue_pump_soon(q);
}

/* msg_next_wake - the earliest retry or end of a wait for a report */
static int64_t
msg_next_wake(const struct qmsg *m)
{
	int64_t	 next = schedule_next_try(m->status, m->msg->nrcpts), t;
	uint32_t i;

	for (i = 0; i < m->msg->nrcpts; i++)
		if ((t = schedule_report_deadline(m->msg, i, &m->status[i],
		    m->q->conf)) != 0 && (next == 0 || t < next))
			next = t;
	return next;
}

/* msg_arm_timer - wake the message at its earliest retry or deadline */
static void
msg_arm_timer(struct qmsg *m)
{
	int64_t	 next = msg_next_wake(m);
	int64_t	 now = now_sec();
	struct timeval tv = { 0, 0 };

	msg_park(m);
	if (next == 0) {
		evtimer_del(m->timer);
		return;
	}
	if (next > now)
		tv.tv_sec = next - now;
	evtimer_add(m->timer, &tv);
}

/* queue_clock_moved - a test moved the clock: every timer to its new time */
static void
queue_clock_moved(void *arg)
{
	struct queue	*q = arg;
	struct qmsg	*m;

	TAILQ_FOREACH(m, &q->msgs, entry)
		msg_arm_timer(m);
	held_arm(q);
}

static void	rcpt_wait_end(struct queue *, struct qrcpt *, enum wait_end);
static void	rcpt_fail(struct queue *, struct qrcpt *, const char *,
		    const char *);

/*
 * rcpt_release - in line for the backend, unless the recipient's quiet
 * hours hold it (no attempt charged) or outlast its validity (bounced now,
 * 5.4.7: waiting could only end in expiry)
 */
static void
rcpt_release(struct queue *q, struct qrcpt *r)
{
	struct qmsg	*m = r->msg;
	struct hold	 h;
	int64_t		 now = now_sec();

	switch (hold_check(m->msg, r->index, q->conf, now, &h)) {
	case HOLD_GO:
		rcpt_make_ready(q, r);
		return;
	case HOLD_EXPIRES:
		rcpt_fail(q, r, "5.4.7", h.why);
		if (m->msg->kind == MSG_SMS)
			stats_backend_outcome(NULL,
			    STATS_OUT_FAILED_QUIET_HOURS);
		break;
	case HOLD_WAIT:
		r->st->state = RCPT_HELD;
		r->st->next_try = h.until;
		set_str(&r->st->reason, h.why, strlen(h.why));
		log_info("%s held to=%s until=%" PRId64 " (in %" PRId64 "s) "
		    "reason=\"%s\"", m->idstr, m->msg->rcpts[r->index].to,
		    h.until, h.until - now, h.why);
		break;
	}
	journal_state(q, r);
}

/*
 * msg_timer_cb - deferred recipients whose retry has come, waiting ones
 * whose delay notice is due or whose wait is over
 */
static void
msg_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct qmsg	*m = arg;
	struct queue	*q = m->q;
	int64_t		 now = now_sec();
	uint32_t	 i;
	enum wait_end	 w;

	(void)fd;
	(void)ev;
	for (i = 0; i < m->msg->nrcpts; i++) {
		if (schedule_due(&m->status[i], now))
			rcpt_release(q, &m->rcpts[i]);
		else if ((w = schedule_wait_check(m->msg, i, &m->status[i],
		    q->conf, now)) != WAIT_ON)
			rcpt_wait_end(q, &m->rcpts[i], w);
	}
	msg_arm_timer(m);
	spool_commit(q->spool, NULL, NULL);
	msg_check_done(q, m);
}

/* rcpt_fail - permanent failure: a DSN is owed unless schedule.c says not */
static void
rcpt_fail(struct queue *q, struct qrcpt *r, const char *status, const char *why)
{
	struct qmsg		*m = r->msg;
	const struct message	*d = m->msg;
	const char		*to = d->rcpts[r->index].to;

	r->st->state = RCPT_FAILED;
	if (d->kind == MSG_SMS)
		stats_increment(strcmp(status, "4.4.7") == 0 ?
		    STAT_RCPT_EXPIRED : STAT_RCPT_FAILED, 1);
	dstats_failed(d, r->index, r->st->backend, status);
	snprintf(r->st->status, sizeof(r->st->status), "%s", status);
	set_str(&r->st->reason, why, strlen(why));
	if (d->kind == MSG_SMS)
		status_history_failure(status, why);
	switch (schedule_failure_notice(d, r->index)) {
	case NOTICE_NONE_DSN:
		log_info("%s dsn undeliverable to=<%s> reason=\"%s\", dropped",
		    m->idstr, to, why);
		break;
	case NOTICE_NONE_NULL:
		log_info("%s bounced to=%s status=%s reason=\"%s\", no DSN: "
		    "null sender", m->idstr, to, status, why);
		break;
	case NOTICE_NONE_NOTIFY:
		log_info("%s bounced to=%s status=%s reason=\"%s\", no DSN: "
		    "NOTIFY", m->idstr, to, status, why);
		break;
	case NOTICE_DSN:
		log_info("%s bounced to=%s status=%s reason=\"%s\"", m->idstr,
		    to, status, why);
		msg_owes_dsn(q, m);
		break;
	}
}

/*
 * msg_start - recipients not yet under way go in line, or wait for the
 * scheduled time ([JOBPERIOD:] in the subject) as deferred.
 */
void
msg_start(struct queue *q, struct qmsg *m)
{
	int64_t	 release = schedule_release(m->msg, now_sec());
	uint32_t i;
	bool	 ended = false;

	for (i = 0; i < m->msg->nrcpts; i++) {
		struct rcpt_status *st = &m->status[i];

		if (st->state != RCPT_QUEUED && st->state != RCPT_SENDING)
			continue;
		if (release > 0) {
			st->state = RCPT_DEFERRED;
			st->next_try = release;
		} else {
			rcpt_release(q, &m->rcpts[i]);
			ended |= st->state == RCPT_FAILED;
		}
	}
	msg_arm_timer(m);
	msg_recount(m, false);
	spool_commit(q->spool, NULL, NULL);
	/* bounced at once (quiet hours past its validity): done from the loop */
	if (ended)
		event_active(m->timer, EV_TIMEOUT, 1);
}

/* rcpt_defer - temporary failure: retry later, or expire */
static void
rcpt_defer(struct queue *q, struct qrcpt *r, const char *why)
{
	struct qmsg	*m = r->msg;
	int64_t		 now = now_sec(), next;
	char		 reason[512];

	if ((next = schedule_retry(m->msg, r->st, q->conf, now)) == 0) {
		snprintf(reason, sizeof(reason), "delivery time expired, "
		    "last error: %s", why);
		rcpt_fail(q, r, "4.4.7", reason);
		return;
	}
	r->st->state = RCPT_DEFERRED;
	r->st->next_try = next;
	if (m->msg->kind == MSG_SMS)
		stats_increment(STAT_RCPT_DEFERRED, 1);
	set_str(&r->st->reason, why, strlen(why));
	log_info("%s deferred to=%s attempt=%u delay=%" PRId64 " reason=\"%s\"",
	    m->idstr, m->msg->rcpts[r->index].to, r->st->attempts, next - now,
	    why);
	msg_arm_timer(m);
}

/*
 * reports_awaited - whether the backend called name (NULL: the only one)
 * will report on the SMS it took: reports are on and it is an SMSC, whose
 * session brings the receipts, or an HTTP provider told to call back the
 * HTTP listener
 */
static int
reports_awaited(const struct conf *c, const char *name)
{
	const struct backend_conf	*bc;
	size_t				 i, n = conf_backend_count(c);

	if (!c->reports.enabled)
		return 0;
	for (i = 0; i < n; i++) {
		bc = conf_backend_at(c, i);
		if ((name == NULL && n == 1) || (name != NULL &&
		    bc->name != NULL && strcmp(bc->name, name) == 0))
			return bc->type == BACKEND_SMPP ||
			    callback_reports(c, bc);
	}
	return 0;
}

/* rcpt_sent - the provider took it: wait for its report, or done */
static void
rcpt_sent(struct queue *q, struct qrcpt *r, const struct sms_outcome *o)
{
	struct qmsg			*m = r->msg;
	const struct message_rcpt	*d = &m->msg->rcpts[r->index];
	const char			*pid = o->provider_id;

	r->st->state = schedule_after_sent(m->msg, r->index,
	    m->msg->kind == MSG_SMS && reports_awaited(q->conf, o->backend));
	if (m->msg->kind == MSG_SMS) {
		r->st->sent_at = now_sec();
		set_str(&r->st->backend, o->backend,
		    o->backend != NULL ? strlen(o->backend) : 0);
	}
	rcpt_set_parts(q, m, r->index, pid, pid != NULL ? strlen(pid) : 0,
	    o->part_ids, o->npart_ids);
	set_str(&r->st->reason, NULL, 0);
	if (r->st->state != RCPT_WAITING)
		dstats_ended(m->msg, r->index, o->backend, DSTATS_RELAYED);
	if (r->st->state == RCPT_REPORT_OWED)
		msg_owes_dsn(q, m);
	if (r->st->state == RCPT_WAITING)
		msg_arm_timer(m);
	if (m->msg->kind == MSG_DSN)
		log_info("%s dsn sent to=<%s>", m->idstr, d->to);
	else {
		stats_increment(STAT_RCPT_SENT, 1);
		log_info("%s sent to=%s rcpt=<%s> parts=%u provider_id=%s "
		    "backend=%s%s", m->idstr, d->to, d->addr, m->msg->parts,
		    pid != NULL ? pid : "-",
		    o->backend != NULL ? o->backend : "-",
		    r->st->state == RCPT_WAITING ? " awaiting_report=yes" :
		    "");
	}
}

/*
 * rcpt_report_final - the recipient's report is final: a success DSN if
 * asked for, or a permanent failure (the report's words are its status)
 */
static void
rcpt_report_final(struct queue *q, struct qrcpt *r,
    const struct report_verdict *v)
{
	struct qmsg	*m = r->msg;

	if (v->delivered) {
		dstats_ended(m->msg, r->index, r->st->backend, DSTATS_DELIVERED);
		r->st->state = schedule_after_delivered(m->msg, r->index);
		stats_increment(STAT_RCPT_DELIVERED, 1);
		stats_backend_outcome(r->st->backend, STATS_OUT_DELIVERED);
		if (r->st->state == RCPT_REPORT_OWED)
			msg_owes_dsn(q, m);
	} else {
		rcpt_fail(q, r, v->status, v->why);
		stats_backend_outcome(r->st->backend, STATS_OUT_FAILED_REPORT);
	}
	journal_state(q, r);
	msg_arm_timer(m);
}

/*
 * rcpt_wait_end - a waiting recipient's time: one delay DSN is owed, or no
 * report will come (NOTIFY=SUCCESS hears "relayed")
 */
static void
rcpt_wait_end(struct queue *q, struct qrcpt *r, enum wait_end w)
{
	struct qmsg	*m = r->msg;
	const char	*to = m->msg->rcpts[r->index].to;

	if (w == WAIT_DELAY_NOTICE) {
		r->st->state = RCPT_DELAY_OWED;
		log_info("%s delayed to=%s reason=\"no report from the handset "
		    "after %us\"", m->idstr, to, q->conf->reports.delay_after);
		msg_owes_dsn(q, m);
	} else {
		dstats_ended(m->msg, r->index, r->st->backend, DSTATS_RELAYED);
		r->st->state = schedule_after_delivered(m->msg, r->index);
		log_info("%s report wait over to=%s last=%s", m->idstr, to,
		    sms_report_name(r->st->report));
		if (r->st->state == RCPT_REPORT_OWED)
			msg_owes_dsn(q, m);
	}
	journal_state(q, r);
}

/*
 * rcpt_take_early_reports - the reports about the recipient's parts that
 * came before its SMS was known to be sent, in the order they came
 */
static void
rcpt_take_early_reports(struct queue *q, struct qmsg *m, uint32_t i)
{
	struct rcpt_status	*st = &m->status[i];
	enum sms_report		 report;
	int64_t			 when;
	uint32_t		 k;
	char			*raw;

	for (k = 0; k < st->nparts; k++)
		while (report_take_early(q->reports, st->parts[k].id,
		    now_sec(), &report, &when, &raw) == 0) {
			rcpt_take_report(q, m, i, k, report, when != 0 ? when :
			    now_sec(), raw);
			free(raw);
		}
}

/* outcome_of - the metrics' name of a backend's answer, once acted on */
static enum stats_outcome
outcome_of(enum sms_result result, enum rcpt_state now)
{
	switch (result) {
	case SMS_SENT:
		return STATS_OUT_SENT;
	case SMS_TEMPFAIL:
		return now == RCPT_FAILED ? STATS_OUT_EXPIRED :
		    STATS_OUT_DEFERRED_TEMP;
	case SMS_THROTTLED:
		return now == RCPT_FAILED ? STATS_OUT_EXPIRED :
		    STATS_OUT_DEFERRED_THROTTLED;
	case SMS_BLOCKED:
		return STATS_OUT_FAILED_BLOCKED;
	case SMS_BADNUMBER:
		return STATS_OUT_FAILED_BAD_NUMBER;
	case SMS_PERMFAIL:
		break;
	}
	return STATS_OUT_FAILED_PERMANENT;
}

/* delivery_done - the transport's answer */
static void
delivery_done(void *arg, const struct sms_outcome *o)
{
	struct qrcpt	*r = arg;
	struct qmsg	*m = r->msg;
	struct queue	*q = m->q;
	const char	*reason = o->reason;

	m->in_flight--;
	if (m->msg->kind == MSG_SMS) {
		uint64_t us = stats_now_us() - r->submitted_us;

		stats_decrement(STAT_BACKEND_IN_FLIGHT, 1);
		stats_observe(STAT_BACKEND_REQUEST_US, us);
		stats_backend_latency(o->backend, us);
	}
	r->st->last_try = now_sec();
	switch (o->result) {
	case SMS_SENT:
		rcpt_sent(q, r, o);
		break;
	case SMS_THROTTLED:
		/* not the SMS's fault: this attempt does not count */
		r->st->attempts--;
		rcpt_defer(q, r, reason != NULL ? reason :
		    "the provider asks for fewer SMS");
		break;
	case SMS_TEMPFAIL:
		rcpt_defer(q, r, reason != NULL ? reason : "temporary failure");
		break;
	case SMS_BLOCKED:
		rcpt_fail(q, r, "5.7.1", reason != NULL ? reason :
		    "the provider refuses SMS to this number");
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
	if (m->msg->kind == MSG_SMS)
		stats_backend_outcome(o->backend,
		    outcome_of(o->result, r->st->state));
	if (o->result == SMS_SENT && m->msg->kind == MSG_SMS) {
		journal_parts(q, m, r->index);
		rcpt_take_early_reports(q, m, r->index);
	}
	msg_check_done(q, m);
	queue_pump_soon(q);
	check_drained(q);
}

/*
 * rcpt_sms - what a transport is handed for recipient r: an SMS, or a DSN
 * (to: the sender, text: the mail). The client reference, ID.N, comes back
 * with a provider's delivery reports.
 */
static struct sms
rcpt_sms(const struct qrcpt *r, char ref[REPORT_REF_MAX])
{
	const struct message *d = r->msg->msg;

	report_ref(ref, r->msg->idstr, r->index);
	/* a receipt is asked for whenever the sender may hear of the outcome */
	return (struct sms){ .ref = ref, .to = d->rcpts[r->index].to,
	    .from = d->sender_id, .sender = d->sender, .text = d->text,
	    .parts = d->parts, .priority = d->priority,
	    .encoding = gsm_encoding_name(d->encoding),
	    .want_report = d->rcpts[r->index].notify != SMTP_NOTIFY_NEVER };
}

/* rcpt_dispatch - journal SENDING, then hand the recipient over */
static int
rcpt_dispatch(struct queue *q, struct qrcpt *r)
{
	struct qmsg	*m = r->msg;
	char		 ref[REPORT_REF_MAX];
	struct sms	 sms = rcpt_sms(r, ref);
	int		 rc;

	r->st->state = RCPT_SENDING;
	r->st->attempts++;
	journal_state(q, r);
	m->in_flight++;
	r->submitted_us = stats_now_us();
	rc = backend_submit(q->transport[m->msg->kind], &sms, delivery_done, r);
	if (rc == -1) {
		m->in_flight--;
		r->st->attempts--;
		r->st->state = RCPT_QUEUED;
	} else if (m->msg->kind == MSG_SMS)
		stats_increment(STAT_BACKEND_IN_FLIGHT, 1);
	return rc;
}

/* pump_line - feed one ready line while the transports have room */
static void
pump_line(struct queue *q, struct rcptq *line, int full[MSG_KINDS],
    int *nfull)
{
	struct qrcpt	*r, *next;
	enum msg_kind	 kind;

	for (r = TAILQ_FIRST(line); r != NULL && *nfull < MSG_KINDS &&
	    spool_recording(q->spool); r = next) {
		next = TAILQ_NEXT(r, ready);
		kind = r->msg->msg->kind;
		if (full[kind])
			continue;
		if (!backend_has_capacity(q->transport[kind])) {
			full[kind] = 1;
			(*nfull)++;
			continue;
		}
		TAILQ_REMOVE(line, r, ready);
		r->on_ready = 0;
		if (rcpt_dispatch(q, r) == -1) {
			TAILQ_INSERT_HEAD(line, r, ready);
			r->on_ready = 1;
			full[kind] = 1;
			(*nfull)++;
		}
	}
}

/* queue_pump - feed ready recipients, express first, while there is room */
static void
queue_pump(evutil_socket_t fd, short ev, void *arg)
{
	struct queue	*q = arg;
	int		 full[MSG_KINDS] = { 0 }, nfull = 0;

	(void)fd;
	(void)ev;
	if (q->draining)
		return;
	pump_line(q, &q->ready[1], full, &nfull);
	pump_line(q, &q->ready[0], full, &nfull);
	spool_commit(q->spool, NULL, NULL);
}

static void
queue_pump_soon(struct queue *q)
{
	if (!q->draining)
		event_active(q->pump_ev, EV_TIMEOUT, 1);
}

/* queue_backends - see queue.h */
size_t
queue_backends(struct queue *q, struct backend_status *st, size_t max)
{
	return backend_status(q->transport[MSG_SMS], st, max);
}

/* msg_check_done - journal DONE and forget a finished message */
static void
msg_check_done(struct queue *q, struct qmsg *m)
{
	uint32_t i;

	msg_recount(m, false);
	if (m->in_flight > 0 || !m->committed)
		return;
	for (i = 0; i < m->msg->nrcpts; i++)
		if (!schedule_is_final(m->msg, i, m->status[i].state))
			return;
	if (spool_put_done(q->spool, m->id, &m->loc) == -1)
		log_warnx("%s spool: cannot journal completion", m->idstr);
	log_info("%s removed", m->idstr);
	msg_remove(q, m);
}

/*
 * count_dsn - a DSN about recipients idx of m is queued: counted once for
 * each kind of notice it carries
 */
static void
count_dsn(const struct qmsg *m, const uint32_t *idx, size_t n)
{
	int	 seen[4] = { 0 };
	size_t	 i;

	for (i = 0; i < n; i++) {
		const struct rcpt_status *st = &m->status[idx[i]];

		switch (schedule_dsn_owed(m->msg, idx[i], st->state)) {
		case DSN_FAILED:
			seen[0] = 1;
			break;
		case DSN_DELAYED:
			seen[1] = 1;
			break;
		case DSN_RELAYED:
			seen[schedule_report_verdict(st->report,
			    m->q->conf).delivered ? 2 : 3] = 1;
			break;
		case DSN_NONE:
			break;
		}
	}
	stats_increment(STAT_DSN_FAILED, (uint64_t)seen[0]);
	stats_increment(STAT_DSN_DELAYED, (uint64_t)seen[1]);
	stats_increment(STAT_DSN_DELIVERED, (uint64_t)seen[2]);
	stats_increment(STAT_DSN_RELAYED, (uint64_t)seen[3]);
}

/* bounce_some - one DSN for up to 64 failed recipients of m; 0 if none left */
static int
bounce_some(struct queue *q, struct qmsg *m)
{
	struct qmsg		*dsn;
	struct message		*copy;
	struct queue_view	 v;
	uint32_t		 idx[64], i;
	size_t			 n, len;
	char			*text;

	for (n = 0, i = 0; i < m->msg->nrcpts && n < 64; i++)
		if (schedule_dsn_owed(m->msg, i, m->status[i].state) != DSN_NONE)
			idx[n++] = i;
	if (n == 0)
		return 0;
	msg_view(m, &v);
	if ((text = bounce_compose(q->conf, &v, idx, n, now_sec(),
	    &len)) == NULL) {
		log_warnx("%s cannot compose DSN", m->idstr);
		return 0;
	}
	{
		struct message_rcpt to = { m->msg->sender, m->msg->sender,
		    NULL, 0 };
		struct message desc = { .kind = MSG_DSN, .arrival = now_sec(),
		    .sender = "", .client = "local", .text = text,
		    .rcpts = &to, .nrcpts = 1 };

		copy = message_copy(&desc);
	}
	free(text);
	if (copy == NULL)
		fatal("queue: out of memory");
	dsn = msg_new(q, new_id(q), copy);
	if (spool_put_msg(q->spool, dsn->id, dsn->msg, &dsn->loc, NULL,
	    NULL) == -1) {
		log_warnx("%s cannot journal DSN", m->idstr);
		msg_free(dsn);
		return 0;
	}
	dsn->committed = 1;
	msg_insert(q, dsn);
	log_info("%s dsn queued as %s to=<%s> nrcpt=%zu", m->idstr,
	    dsn->idstr, m->msg->sender, n);
	rcpt_make_ready(q, &dsn->rcpts[0]);
	count_dsn(m, idx, n);
	for (i = 0; i < n; i++) {
		struct qrcpt *r = &m->rcpts[idx[i]];

		r->st->state = r->st->state == RCPT_REPORT_OWED ? RCPT_SENT :
		    r->st->state == RCPT_DELAY_OWED ? RCPT_DELAYED :
		    RCPT_BOUNCED;
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
		if (!m->committed)
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
	struct qmsg	*m = w->msg;
	struct queue	*q = m->q;

	q->committing--;
	if (error) {
		w->cb(w->arg, error);
		msg_remove(q, m);
	} else {
		m->committed = 1;
		w->cb(w->arg, 0);
		if (m->msg->not_before > now_sec())
			log_info("%s scheduled at=%" PRId64 " (in %" PRId64 "s)",
			    m->idstr, m->msg->not_before,
			    m->msg->not_before - now_sec());
		if (!msg_hold(q, m))
			msg_start(q, m);
	}
	free(w);
	check_drained(q);
}

/* queue_submit - see queue.h */
int
queue_submit(struct queue *q, const struct message *s, queue_accept_cb cb,
    void *arg, char idstr[QID_LEN + 1])
{
	struct accept_wait *w;
	struct message	 accepted = *s, *copy;
	struct qmsg	*m;
	int		 err;

	if (q->draining) {
		errno = ESHUTDOWN;
		return -1;
	}
	accepted.kind = MSG_SMS;
	accepted.arrival = now_sec();
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	if ((copy = message_copy(&accepted)) == NULL) {
		free(w);
		return -1;
	}
	m = msg_new(q, new_id(q), copy);
	*w = (struct accept_wait){ m, cb, arg };
	if (spool_put_msg(q->spool, m->id, &accepted, &m->loc, accept_done,
	    w) == -1) {
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
replay_msg(void *arg, uint64_t id, struct message *desc,
    const struct spool_loc *loc)
{
	struct queue	*q = arg;
	struct qmsg	*m, *old;

	if ((old = msg_find(q, id)) != NULL)	/* relocated copy */
		msg_remove(q, old);
	m = msg_new(q, id, desc);
	m->loc = *loc;
	m->committed = 1;
	if (m->id > q->last_id)
		q->last_id = m->id;
	msg_insert(q, m);
}

/* replay_find - the message of id, read whole if it was held */
static struct qmsg *
replay_find(struct queue *q, uint64_t id)
{
	struct qmsg *m = msg_find(q, id);

	return m != NULL ? m : replay_unhold(q, id);
}

/* same_str - whether an optional string is the record's (empty: none) */
static int
same_str(const char *s, const struct rec_str *r)
{
	if (s == NULL)
		return r->len == 0;
	return strlen(s) == r->len && memcmp(s, r->p, r->len) == 0;
}

static void
replay_state(void *arg, const struct rec_state *rec)
{
	struct queue		*q = arg;
	struct qmsg		*m = replay_find(q, rec->id);
	struct rcpt_status	*st;

	if (m == NULL || rec->rcpt >= m->msg->nrcpts ||
	    rec->state > RCPT_STATE_LAST)
		return;
	st = &m->status[rec->rcpt];
	st->state = rec->state;
	st->attempts = rec->attempts;
	st->next_try = rec->next_try;
	/* a later state of a sent recipient keeps the parts it has */
	if (!same_str(st->provider_id, &rec->provider_id))
		rcpt_set_parts(q, m, rec->rcpt, rec->provider_id.len ?
		    rec->provider_id.p : NULL, rec->provider_id.len, NULL, 0);
	set_str(&st->reason, rec->reason.len ? rec->reason.p : NULL,
	    rec->reason.len);
}

static void
replay_report(void *arg, const struct rec_report *rec)
{
	struct queue	*q = arg;
	struct qmsg	*m = replay_find(q, rec->id);

	if (m == NULL || rec->rcpt >= m->msg->nrcpts ||
	    rec->report == SMS_REPORT_NONE || rec->report > SMS_REPORT_LAST)
		return;
	rcpt_note_report(q, &m->status[rec->rcpt], rec->part, rec->report,
	    rec->when, rec->status.len ? rec->status.p : NULL,
	    rec->status.len);
}

/* replay_parts - a sent recipient's backend, time and part ids */
static void
replay_parts(void *arg, const struct rec_parts *rec)
{
	struct queue		*q = arg;
	struct qmsg		*m = replay_find(q, rec->id);
	struct rcpt_status	*st;
	uint32_t		 k;

	if (m == NULL || rec->rcpt >= m->msg->nrcpts)
		return;
	st = &m->status[rec->rcpt];
	rcpt_forget_parts(q, m, rec->rcpt);
	st->sent_at = rec->sent_at;
	set_str(&st->backend, rec->backend.len ? rec->backend.p : NULL,
	    rec->backend.len);
	rcpt_parts_room(st, rec->nids);
	for (k = 0; k < rec->nids; k++)
		rcpt_part_add(st, rec->ids[k].p, rec->ids[k].len);
	rcpt_expect_parts(q, m, rec->rcpt);
}


static void
replay_done(void *arg, uint64_t id)
{
	struct queue	*q = arg;
	struct qmsg	*m = msg_find(q, id);

	if (m != NULL)
		msg_remove(q, m);
	else
		(void)held_remove(&q->held, id, NULL);
}

/* relocate_rcpt - a recipient's state, parts and timeline again */
static void
relocate_rcpt(struct queue *q, struct qmsg *m, uint32_t i)
{
	const struct rcpt_status *st = &m->status[i];
	uint32_t		 k;

	journal_state(q, &m->rcpts[i]);
	if (st->sent_at != 0)
		journal_parts(q, m, i);
	for (k = 0; k < st->nevents; k++)
		journal_event(q, m, i, k);
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
		for (i = 0; i < m->msg->nrcpts; i++)
			relocate_rcpt(q, m, i);
	}
	held_relocate(q, seg);
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
		for (i = 0; i < m->msg->nrcpts; i++)
			if (schedule_dsn_owed(m->msg, i, m->status[i].state) !=
			    DSN_NONE)
				msg_owes_dsn(q, m);
		msg_start(q, m);
	}
	if (n > 0 || q->held.n > 0)
		log_info("queue: recovered %zu message%s from the spool, %zu "
		    "more held there", n, n == 1 ? "" : "s", q->held.n);
	held_arm(q);
}

/* backend_reported - a backend learned of a delivery report */
static void
backend_reported(void *arg, const struct sms_delivery_report *r)
{
	struct queue	*q = arg;

	if (queue_report(q, r->provider_id, r->state, r->when, r->raw) == -1)
		log_info("report for unknown provider_id=%s state=%s",
		    r->provider_id, sms_report_name(r->state));
}

/* queue_new - open the spool, replay it, and start the transports */
struct queue *
queue_new(struct event_base *base, const struct conf *conf, char *err,
    size_t errlen)
{
	struct queue	*q;
	struct spool_replay rp;
	struct qmsg	*m;
	int		 kind;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	q->base = base;
	q->conf = conf;
	q->reports = report_map_new();
	TAILQ_INIT(&q->msgs);
	TAILQ_INIT(&q->ready[0]);
	TAILQ_INIT(&q->ready[1]);
	TAILQ_INIT(&q->owed);
	q->pump_ev = event_new(base, -1, 0, queue_pump, q);
	q->bounce_ev = event_new(base, -1, 0, queue_bounce_owed, q);
	q->held_ev = evtimer_new(base, held_due, q);
	q->trim_ev = event_new(base, -1, 0, queue_trim, q);
	if (q->pump_ev == NULL || q->bounce_ev == NULL || q->reports == NULL ||
	    q->held_ev == NULL || q->trim_ev == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rp = (struct spool_replay){ replay_msg, replay_state, replay_done,
	    relocate_segment, queue_spool_writable, q, replay_report,
	    replay_parts, replay_held };
	if ((q->spool = spool_open(conf->spool, base, conf->queue.segment_size,
	    err, errlen)) == NULL ||
	    spool_replay(q->spool, &rp, err, errlen) == -1)
		goto fail;
	for (kind = 0; kind < MSG_KINDS; kind++)
		if ((q->transport[kind] = transports[kind](conf, base, err,
		    errlen)) == NULL)
			goto fail;
	backend_set_reporter(q->transport[MSG_SMS], backend_reported, q);
	TAILQ_FOREACH(m, &q->msgs, entry)
		spool_pin(q->spool, &m->loc);
	held_pin(q);
	spool_set_min_free(q->spool, conf->queue.min_free);
	if (spool_start(q->spool, err, errlen) == -1)
		goto fail;
	spool_set_commit_delay(q->spool, conf->queue.commit_delay_ms);
	queue_resume(q);
	if (clock_on_jump(queue_clock_moved, q) == -1) {
		snprintf(err, errlen, "too many clock listeners");
		goto fail;
	}
	return q;
fail:
	queue_free(q);
	return NULL;
}

/* queue_set_inbound - see queue.h */
void
queue_set_inbound(struct queue *q, sms_inbound_cb cb, void *arg)
{
	backend_set_inbound(q->transport[MSG_SMS], cb, arg);
}

/* queue_set_conf - a reloaded configuration (retry, lifetime, ...) */
void
queue_set_conf(struct queue *q, const struct conf *conf)
{
	q->conf = conf;
	spool_set_min_free(q->spool, conf->queue.min_free);
}

/* queue_flush - retry every deferred recipient now, not what is held */
void
queue_flush(struct queue *q)
{
	struct qmsg	*m;
	uint32_t	 i;

	TAILQ_FOREACH(m, &q->msgs, entry) {
		/* a release time is the sender's word, not a retry */
		if (schedule_release(m->msg, now_sec()) > 0)
			continue;
		for (i = 0; i < m->msg->nrcpts; i++)
			if (m->status[i].state == RCPT_DEFERRED)
				rcpt_make_ready(q, &m->rcpts[i]);
		evtimer_del(m->timer);
		msg_park(m);
	}
}

static struct qmsg *
msg_by_idstr(const struct queue *q, const char *idstr)
{
	uint64_t id;

	if (strlen(idstr) != QID_LEN || qid_parse(idstr, &id) == -1)
		return NULL;
	return msg_find(q, id);
}

/* queue_delete - drop a message without delivery or DSN (admin) */
int
queue_delete(struct queue *q, const char *idstr)
{
	struct qmsg	*m = msg_by_idstr(q, idstr);

	if (m == NULL)
		return held_delete(q, idstr);
	if (m->in_flight > 0 || !m->committed)
		return -1;
	if (spool_put_done(q->spool, m->id, &m->loc) == -1)
		return -1;
	spool_commit(q->spool, NULL, NULL);
	log_info("%s deleted by the administrator", m->idstr);
	msg_remove(q, m);
	return 0;
}

/* log_report - one line per report: what, to whom, in whose words */
static void
log_report(const struct qmsg *m, uint32_t i, uint32_t part,
    enum sms_report report, const char *raw)
{
	const struct rcpt_status *st = &m->status[i];
	const char	*pid = part < st->nparts ? st->parts[part].id :
	    st->provider_id;
	char		 parts[32] = "";

	if (st->nparts > 1 && part < st->nparts)
		snprintf(parts, sizeof(parts), " part=%u/%u", part + 1,
		    st->nparts);
	log_info("%s %s to=%s provider_id=%s%s status=\"%s\"", m->idstr,
	    sms_report_name(report), m->msg->rcpts[i].to,
	    pid != NULL ? pid : "-", parts, raw != NULL ? raw : "");
}

/*
 * rcpt_take_report - a report about part `part` of recipient i (out of
 * range: the whole recipient): on its timeline and in the journal; a
 * final one ends the wait
 */
static void
rcpt_take_report(struct queue *q, struct qmsg *m, uint32_t i, uint32_t part,
    enum sms_report report, int64_t when, const char *raw)
{
	struct rcpt_status	*st = &m->status[i];
	struct report_verdict	 v;

	if (!report_is_news(q, st, part, report)) {
		log_debug("%s report ignored to=%s state=%s: a repeat, or "
		    "after a final one", m->idstr, m->msg->rcpts[i].to,
		    sms_report_name(report));
		return;
	}
	rcpt_note_report(q, st, part, report, when, raw,
	    raw != NULL ? strlen(raw) : 0);
	journal_event(q, m, i, st->nevents - 1);
	log_report(m, i, part, report, raw);
	v = schedule_report_verdict(st->report, q->conf);
	if (v.final && schedule_awaits_report(st->state))
		rcpt_report_final(q, &m->rcpts[i], &v);
}

/*
 * queue_report - see queue.h: a provider id in any of its spellings names
 * one part, a client reference the whole recipient
 */
int
queue_report(struct queue *q, const char *id, enum sms_report report,
    int64_t when, const char *raw_status)
{
	struct qmsg	*m;
	uint64_t	 msgid;
	uint32_t	 i, part;

	if (report == SMS_REPORT_NONE || report > SMS_REPORT_LAST) {
		errno = EINVAL;
		return -1;
	}
	errno = ENOENT;
	if (id == NULL)
		return -1;
	if (report_lookup(q->reports, id, &msgid, &i, &part) == -1) {
		part = UINT32_MAX;
		if (report_ref_parse(id, &msgid, &i) == -1) {
			/* its SMS may be about to be sent: kept a while */
			if (report_keep_early(q->reports, id, report, when,
			    raw_status, now_sec()) == -1)
				log_warnx("no memory to keep a report for %s",
				    id);
			errno = ENOENT;
			return -1;
		}
	}
	if ((m = msg_find(q, msgid)) == NULL || i >= m->msg->nrcpts ||
	    m->msg->kind != MSG_SMS)
		return -1;
	rcpt_take_report(q, m, i, part, report, when != 0 ? when : now_sec(),
	    raw_status);
	spool_commit(q->spool, NULL, NULL);
	msg_check_done(q, m);
	return 0;
}

/* queue_iter_start - see queue.h */
void
queue_iter_start(const struct queue *q, struct queue_iter *it)
{
	it->next = TAILQ_FIRST(&q->msgs);
}

/* queue_iter_next - see queue.h */
int
queue_iter_next(struct queue_iter *it, struct queue_view *v)
{
	if (it->next == NULL)
		return 0;
	msg_view(it->next, v);
	it->next = TAILQ_NEXT(it->next, entry);
	return 1;
}

/* queue_find - see queue.h */
int
queue_find(struct queue *q, const char *idstr, struct queue_view *v)
{
	const struct qmsg	*m = msg_by_idstr(q, idstr);
	const struct held_stub	*s;

	if (m == NULL)
		return (s = held_find_idstr(q, idstr)) != NULL ?
		    held_view(q, s, v) : -1;
	msg_view(m, v);
	return 0;
}

size_t
queue_size(const struct queue *q)
{
	return q->ids.count + q->held.n + q->loading;
}

/* in_flight_total - sends and commits not yet answered */
static size_t
in_flight_total(struct queue *q)
{
	struct qmsg	*m;
	size_t		 n = q->committing + q->loading;

	TAILQ_FOREACH(m, &q->msgs, entry)
		n += m->in_flight;
	return n;
}

void
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
 * queue_free - stop the transports first (transfers still running report a
 * temporary failure, which is journaled), then flush and close the spool.
 */
void
queue_free(struct queue *q)
{
	struct qmsg	*m;
	int		 kind;

	if (q == NULL)
		return;
	clock_off_jump(queue_clock_moved, q);
	q->draining = 1;
	for (kind = 0; kind < MSG_KINDS; kind++) {
		backend_free(q->transport[kind]);
		q->transport[kind] = NULL;
	}
	if (q->spool != NULL)
		spool_close(q->spool);
	q->spool = NULL;
	while ((m = TAILQ_FIRST(&q->msgs)) != NULL)
		msg_remove(q, m);
	if (q->pump_ev != NULL)
		event_free(q->pump_ev);
	if (q->bounce_ev != NULL)
		event_free(q->bounce_ev);
	if (q->held_ev != NULL)
		event_free(q->held_ev);
	if (q->trim_ev != NULL)
		event_free(q->trim_ev);
	peek_clear(q);
	held_clear(&q->held);
	hash_clear(&q->ids);
	report_map_free(q->reports);
	free(q);
}
