/*
 * active_set.c - the bounded active set of the queue: messages beyond it are
 * held on disk as stubs in a release-time index, read back when due.
 *
 * Only a bounded active set lives in memory (queue.active_limit messages):
 * a message due later than HELD_HORIZON, or accepted while the set is full,
 * is held on disk as a 32-byte stub in held.c's release-time index (one
 * timer for all of them). Its record is read back by the spool's I/O thread
 * when it is due and there is room, so a million released at once fill the
 * set as it drains. Only untouched messages are held: nothing about them is
 * journaled but their REC_MSG, so a stub is that record's place and nothing
 * else, and moving it (compaction) is a copy of that record.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/lib/log.h"
#include "smtpd/queue/hash.h"
#include "smtpd/queue/held.h"
#include "smtpd/queue/queue_int.h"
#include "smtpd/queue/schedule.h"
#include "smtpd/queue/spool.h"

#define HELD_HORIZON	60	/* seconds: a message due later waits on disk */
#define LOAD_RETRY	1	/* seconds before a failed read is tried again */
#define TRIM_AFTER	10000	/* messages: a drain of this many trims malloc */

/* note_size - the most messages known since memory was last given back */
void
note_size(struct queue *q)
{
	size_t n = q->ids.count + q->held.n + q->loading;

	if (n > q->peak)
		q->peak = n;
	else if (q->peak >= TRIM_AFTER && n < q->peak / 4 && q->trim_ev != NULL)
		event_active(q->trim_ev, EV_TIMEOUT, 1);
}

/*
 * queue_trim - most of a large queue drained: glibc keeps freed pages in
 * its arenas, so hand them back (measured: 200k messages drained leave
 * their RSS without this)
 */
void
queue_trim(evutil_socket_t fd, short ev, void *arg)
{
	struct queue	*q = arg;

	(void)fd;
	(void)ev;
	q->peak = q->ids.count + q->held.n + q->loading;
#ifdef HAVE_MALLOC_TRIM
	(void)malloc_trim(0);
#endif
}

/* room_for - n more messages fit in the active set (the parked aside) */
static int
room_for(const struct queue *q, size_t n)
{
	return q->ids.count - q->parked + q->loading + n <=
	    q->conf->queue.active_limit;
}

/* stub_release - when a message is due: its release, else its arrival */
static int64_t
stub_release(int64_t not_before, int64_t arrival)
{
	return not_before > arrival ? not_before : arrival;
}

/* mid_hash_of - the 32-bit hash of a Message-ID as a stub keeps it */
static uint32_t
mid_hash_of(const char *mid)
{
	uint64_t h = hash_str(mid);

	h ^= h >> 32;
	return (uint32_t)h != 0 ? (uint32_t)h : 1;
}

/* mid_hash - the hash of a message's Message-ID, 0 if it has none */
static uint32_t
mid_hash(const char *headers, size_t len)
{
	char	 mid[256];

	if (!message_id_of(headers, len, mid, sizeof(mid)))
		return 0;
	return mid_hash_of(mid);
}

/* holdable - a release time a stub can keep */
static int
holdable(int64_t release)
{
	return release >= 0 && release <= (int64_t)UINT32_MAX;
}

static struct spool_loc
stub_loc(const struct held_stub *s)
{
	return (struct spool_loc){ s->seg, s->off, s->len };
}

/*
 * msg_hold - keep a just accepted message on disk only, if it can wait: 1
 * (m is gone, its record stays pinned for the stub), or 0 (start it)
 */
int
msg_hold(struct queue *q, struct qmsg *m)
{
	const struct message *d = m->msg;
	int64_t		 release = stub_release(d->not_before, d->arrival);
	struct held_stub s = { .id = m->id, .release = (uint32_t)release,
	    .mid_hash = mid_hash(d->headers, d->headers_len),
	    .seg = m->loc.seg, .off = (uint32_t)m->loc.off,
	    .len = m->loc.len };

	/* m is counted already: room for one more is room with it */
	if (d->kind != MSG_SMS || m->loc.off > UINT32_MAX ||
	    !holdable(release) ||
	    (release <= now_sec() + HELD_HORIZON && room_for(q, 0)) ||
	    held_push(&q->held, &s) == -1)
		return 0;
	msg_remove(q, m);
	return 1;
}

/* held_arm - the one timer of the held messages: the first one's time */
void
held_arm(struct queue *q)
{
	const struct held_stub *s = held_top(&q->held);
	struct timeval	 tv = { 0, 0 };
	int64_t		 at, now = now_sec();

	if (q->held_ev == NULL)
		return;
	if (s == NULL || q->draining || !room_for(q, 1)) {
		evtimer_del(q->held_ev);
		return;
	}
	at = (int64_t)s->release - HELD_HORIZON;
	if (at < q->load_again)
		at = q->load_again;
	if (at > now)
		tv.tv_sec = at - now;
	evtimer_add(q->held_ev, &tv);
}

/* a held message on its way back from disk */
struct held_load {
	struct queue		*q;
	struct held_stub	 stub;
};

/* held_back - a read failed: the stub waits again, reads pause a while */
static void
held_back(struct queue *q, const struct held_stub *s)
{
	if (held_push(&q->held, s) == -1)
		fatal("queue: out of memory");
	q->load_again = now_sec() + LOAD_RETRY;
}

/* held_loaded - a held message's record is read: it becomes active */
static void
held_loaded(void *arg, const uint8_t *rec, int error)
{
	struct held_load *l = arg;
	struct queue	*q = l->q;
	struct spool_loc loc = stub_loc(&l->stub);
	const uint8_t	*payload;
	size_t		 plen, total;
	uint8_t		 type;
	uint64_t	 id = 0;
	struct message	*desc = NULL;
	struct qmsg	*m;
	char		 idstr[QID_LEN + 1];

	q->loading--;
	if (error == 0 && (rec_frame(rec, loc.len, &type, &payload, &plen,
	    &total) != 1 || type != REC_MSG || total != loc.len ||
	    (desc = rec_get_msg(payload, plen, &id)) == NULL ||
	    id != l->stub.id))
		error = EINVAL;
	if (error != 0 || q->draining) {
		qid_format(idstr, l->stub.id);
		if (error != 0)
			log_warnx("%s spool: cannot read the held message back "
			    "(segment %" PRIu32 " offset %" PRIu32 "): %s; "
			    "kept, tried again", idstr, l->stub.seg,
			    l->stub.off, strerror(error));
		free(desc);
		held_back(q, &l->stub);
	} else {
		m = msg_new(q, id, desc);
		m->loc = loc;
		m->committed = 1;
		msg_insert(q, m);
		msg_start(q, m);
	}
	free(l);
	held_arm(q);
	check_drained(q);
}

/* held_due - held messages whose time has come go to the active set */
void
held_due(evutil_socket_t fd, short ev, void *arg)
{
	struct queue		*q = arg;
	const struct held_stub	*top;
	struct held_load	*l;
	struct spool_loc	 loc;
	int64_t			 now = now_sec();

	(void)fd;
	(void)ev;
	while (!q->draining && room_for(q, 1) && now >= q->load_again &&
	    (top = held_top(&q->held)) != NULL &&
	    (int64_t)top->release - HELD_HORIZON <= now) {
		if ((l = malloc(sizeof(*l))) == NULL)
			fatal("queue: out of memory");
		l->q = q;
		(void)held_pop(&q->held, &l->stub);
		loc = stub_loc(&l->stub);
		if (spool_read(q->spool, &loc, held_loaded, l) == -1) {
			held_back(q, &l->stub);
			free(l);
			break;
		}
		q->loading++;
	}
	held_arm(q);
}

/* held_find_idstr - the stub of the message idstr names, or NULL */
struct held_stub *
held_find_idstr(const struct queue *q, const char *idstr)
{
	uint64_t id;

	if (strlen(idstr) != QID_LEN || qid_parse(idstr, &id) == -1)
		return NULL;
	return held_find(&q->held, id);
}

/* held_delete - drop a held message (admin): its record is done */
int
held_delete(struct queue *q, const char *idstr)
{
	struct held_stub *s = held_find_idstr(q, idstr);
	struct spool_loc loc;

	if (s == NULL)
		return -1;
	loc = stub_loc(s);
	if (spool_put_done(q->spool, s->id, &loc) == -1)
		return -1;
	(void)held_remove(&q->held, s->id, NULL);
	spool_commit(q->spool, NULL, NULL);
	log_info("%s deleted by the administrator", idstr);
	note_size(q);
	return 0;
}

/* held_relocate - move the stubs' records out of segment seg */
void
held_relocate(struct queue *q, uint32_t seg)
{
	struct held_stub *s;
	struct spool_loc loc;
	size_t		 i;

	/* once per segment: what is left there is being read back */
	if (seg == q->stubs_moved)
		return;
	q->stubs_moved = seg;
	for (i = 0; i < q->held.n; i++) {
		s = &q->held.heap[i];
		if (s->seg != seg)
			continue;
		loc = stub_loc(s);
		if (spool_relocate(q->spool, &loc) == -1) {
			log_warnx("spool: relocating held messages failed");
			q->stubs_moved = 0;
			return;
		}
		s->seg = loc.seg;
		s->off = (uint32_t)loc.off;
		s->len = loc.len;
	}
}

/* held_pin - the held messages' records keep their segments (at start) */
void
held_pin(struct queue *q)
{
	struct spool_loc loc;
	size_t		 i;

	for (i = 0; i < q->held.n; i++) {
		loc = stub_loc(held_at(&q->held, i));
		spool_pin(q->spool, &loc);
	}
}

/* peek_clear - forget the held message last shown */
void
peek_clear(struct queue *q)
{
	uint32_t i;

	if (q->peek != NULL)
		for (i = 0; i < q->peek->nrcpts; i++)
			rcpt_status_clear(&q->peek_status[i]);
	free(q->peek_status);
	free(q->peek);
	q->peek = NULL;
	q->peek_status = NULL;
}

/*
 * held_view - a held message as the admin sees it: read from disk (a
 * blocking pread, for the admin only), its recipients deferred to the
 * release; valid until the next call
 */
int
held_view(struct queue *q, const struct held_stub *s, struct queue_view *v)
{
	struct spool_loc loc = stub_loc(s);
	struct buf	 b = { 0 };
	const uint8_t	*payload;
	size_t		 plen, total;
	uint8_t		 type;
	uint64_t	 id;
	uint32_t	 i;
	int		 rc = -1;

	peek_clear(q);
	if (spool_read_record(q->spool, &loc, &b) == 0 &&
	    rec_frame(b.p, b.len, &type, &payload, &plen, &total) == 1 &&
	    type == REC_MSG && (q->peek = rec_get_msg(payload, plen,
	    &id)) != NULL) {
		if ((q->peek_status = calloc(q->peek->nrcpts ?
		    q->peek->nrcpts : 1, sizeof(*q->peek_status))) == NULL)
			fatal("queue: out of memory");
		for (i = 0; i < q->peek->nrcpts; i++) {
			q->peek_status[i].state = RCPT_DEFERRED;
			q->peek_status[i].next_try = s->release;
		}
		qid_format(q->peek_idstr, s->id);
		*v = (struct queue_view){ q->peek_idstr, q->peek,
		    q->peek_status };
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

/* queue_held_count - see queue.h */
size_t
queue_held_count(const struct queue *q)
{
	return q->held.n;
}

/* queue_held_at - see queue.h */
void
queue_held_at(const struct queue *q, size_t i, char idstr[QID_LEN + 1],
    int64_t *release)
{
	const struct held_stub *s = held_at(&q->held, i);

	qid_format(idstr, s->id);
	*release = (int64_t)s->release;
}

/* queue_held_view - see queue.h */
int
queue_held_view(struct queue *q, size_t i, struct queue_view *v)
{
	return held_view(q, held_at(&q->held, i), v);
}

/* queue_held_by_message_id - see queue.h */
size_t
queue_held_by_message_id(struct queue *q, const char *msgid,
    char (*ids)[QID_LEN + 1], size_t max)
{
	struct queue_view v;
	uint32_t	 h = mid_hash_of(msgid);
	size_t		 i, n = 0;
	char		 mid[256];

	for (i = 0; i < q->held.n; i++) {
		/* the hash narrows it down; the record decides */
		if (q->held.heap[i].mid_hash != h ||
		    held_view(q, &q->held.heap[i], &v) == -1 ||
		    !message_id_of(v.msg->headers, v.msg->headers_len, mid,
		    sizeof(mid)) || strcmp(mid, msgid) != 0)
			continue;
		if (n < max)
			qid_format(ids[n], q->held.heap[i].id);
		n++;
	}
	return n;
}

/*
 * msg_park - whether the message only waits for retries: then it does not
 * count against queue.active_limit, or messages that failed for a while (a
 * provider down) would keep held ones, due now, out of the active set
 */
void
msg_park(struct qmsg *m)
{
	int	 parked = 0;
	uint32_t i;

	for (i = 0; i < m->msg->nrcpts; i++) {
		const struct rcpt_status *st = &m->status[i];

		if (st->state == RCPT_DEFERRED && st->attempts > 0 &&
		    !m->rcpts[i].on_ready)
			parked = 1;
		else if (!schedule_is_final(m->msg, i, st->state)) {
			parked = 0;
			break;
		}
	}
	if (parked != m->parked) {
		m->parked = parked;
		if (parked)
			m->q->parked++;
		else
			m->q->parked--;
		if (!parked)
			return;
		held_arm(m->q);		/* room for a held one */
	}
}

/*
 * replay_held - a message record seen at start: held as a stub (only its
 * head decoded) when due beyond the horizon or the active set is full; a
 * relocated copy of a held one moves its stub
 */
int
replay_held(void *arg, const uint8_t *p, size_t len,
    const struct spool_loc *loc)
{
	struct queue		*q = arg;
	struct rec_msg_head	 h;
	struct held_stub	*old, s;
	int64_t			 release;

	if (rec_peek_msg(p, len, &h) == -1 || h.kind != MSG_SMS ||
	    loc->off > UINT32_MAX)
		return 0;
	/* ids only grow: a larger one than all before is no copy (no lookup) */
	if (h.id <= q->last_id && (old = held_find(&q->held, h.id)) != NULL) {
		old->seg = loc->seg;
		old->off = (uint32_t)loc->off;
		old->len = loc->len;
		return 1;
	}
	release = stub_release(h.not_before, h.arrival);
	s = (struct held_stub){ .id = h.id, .release = (uint32_t)release,
	    .mid_hash = mid_hash(h.headers.p, h.headers.len),
	    .seg = loc->seg, .off = (uint32_t)loc->off, .len = loc->len };
	if ((h.id <= q->last_id && msg_find(q, h.id) != NULL) ||
	    !holdable(release) ||
	    (release <= now_sec() + HELD_HORIZON && room_for(q, 1)) ||
	    held_push(&q->held, &s) == -1)
		return 0;
	if (h.id > q->last_id)
		q->last_id = h.id;
	return 1;
}

/*
 * replay_unhold - a held message has journaled states after all (it was
 * under way before the restart): read it whole now, at start-up
 */
struct qmsg *
replay_unhold(struct queue *q, uint64_t id)
{
	struct held_stub s;
	struct spool_loc loc;
	struct buf	 b = { 0 };
	const uint8_t	*payload;
	size_t		 plen, total;
	uint8_t		 type;
	uint64_t	 rid;
	struct message	*desc = NULL;
	struct qmsg	*m = NULL;

	if (held_remove(&q->held, id, &s) == -1)
		return NULL;
	loc = stub_loc(&s);
	if (spool_read_record(q->spool, &loc, &b) == 0 &&
	    rec_frame(b.p, b.len, &type, &payload, &plen, &total) == 1 &&
	    type == REC_MSG && (desc = rec_get_msg(payload, plen, &rid)) != NULL) {
		m = msg_new(q, id, desc);
		m->loc = loc;
		m->committed = 1;
		msg_insert(q, m);
	} else if (held_push(&q->held, &s) == -1)
		fatal("queue: out of memory");
	buf_free(&b);
	return m;
}
