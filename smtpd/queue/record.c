/*
 * record.c - encoding and bounds-checked decoding of the journal records
 * (little-endian integers, length-prefixed strings, crc32 per record).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "smtpd/queue/record.h"

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* enc_* - field encoders that cannot fail once space is reserved */
static void
enc_u8(struct buf *b, uint8_t v)
{
	b->p[b->len++] = v;
}

static void
enc_u32(struct buf *b, uint32_t v)
{
	put_u32(b->p + b->len, v);
	b->len += 4;
}

static void
enc_u64(struct buf *b, uint64_t v)
{
	put_u64(b->p + b->len, v);
	b->len += 8;
}

static void
enc_str(struct buf *b, struct rec_str s)
{
	enc_u32(b, s.len);
	if (s.len)
		memcpy(b->p + b->len, s.p, s.len);
	b->len += s.len;
}

/* rec_begin - reserve header and payload; returns the record's offset */
static int
rec_begin(struct buf *b, size_t payload, uint8_t type, size_t *start)
{
	if (payload > REC_MAX_LEN)
		return -1;
	if (buf_reserve(b, REC_HDR_LEN + payload) == -1)
		return -1;
	*start = b->len;
	b->len += 8;
	enc_u8(b, type);
	return 0;
}

/* rec_end - fill in length and checksum of the record begun at start */
static void
rec_end(struct buf *b, size_t start)
{
	uint32_t len = (uint32_t)(b->len - start - 8);
	uLong	 crc;

	crc = crc32(0L, b->p + start + 8, len);
	put_u32(b->p + start, len);
	put_u32(b->p + start + 4, (uint32_t)crc);
}

/* str_of - a record string of an optional C string */
static struct rec_str
str_of(const char *s)
{
	struct rec_str r = { s != NULL ? s : "", s != NULL ? (uint32_t)strlen(s) : 0 };

	return r;
}

/* bytes_of - a record string of n bytes at p (NULL: none) */
static struct rec_str
bytes_of(const char *p, size_t n)
{
	struct rec_str r = { p != NULL ? p : "", p != NULL ? (uint32_t)n : 0 };

	return r;
}

/* rec_state_of - see record.h; strings point into st */
struct rec_state
rec_state_of(uint64_t id, uint32_t rcpt, const struct rcpt_status *st)
{
	struct rec_state r = { .id = id, .rcpt = rcpt,
	    .state = (uint8_t)st->state, .attempts = st->attempts,
	    .next_try = st->next_try, .provider_id = str_of(st->provider_id),
	    .reason = str_of(st->reason) };

	return r;
}

/* rec_report_of - see record.h; the status points into st */
struct rec_report
rec_report_of(uint64_t id, uint32_t rcpt, const struct rcpt_status *st)
{
	struct rec_report r = { .id = id, .rcpt = rcpt,
	    .report = (uint8_t)st->report, .when = st->report_time,
	    .status = str_of(st->report_status) };

	return r;
}

/* rec_event_of - see record.h; the status points into st */
struct rec_report
rec_event_of(uint64_t id, uint32_t rcpt, const struct rcpt_status *st,
    uint32_t k)
{
	const struct rcpt_event *ev = &st->events[k];
	struct rec_report r = { .id = id, .rcpt = rcpt,
	    .report = (uint8_t)ev->report, .when = ev->when,
	    .status = str_of(ev->status), .part = ev->part };

	return r;
}

/* str_size - the encoded size of an optional C string */
static size_t
str_size(const char *s)
{
	return 4 + (s != NULL ? strlen(s) : 0);
}

/*
 * A REC_MSG may end with tagged fields added after its first format: a
 * tag, a length, the value. A record without them (an old spool, or every
 * field at its default) replays as before; an unknown tag is skipped.
 */
#define MSG_TAG_PRIORITY	1	/* u8: enum sms_priority */
#define MSG_TAG_QUIET		2	/* string: the quiet hours rule */
#define MSG_TAG_USER		3	/* string: the AUTH user */
#define MSG_TAG_HDR		(1 + 4)

/* msg_tags_size - the bytes of the tagged fields m needs */
static size_t
msg_tags_size(const struct message *m)
{
	return (m->priority != 0 ? MSG_TAG_HDR + 1 : 0) +
	    (m->quiet != NULL ? MSG_TAG_HDR + str_size(m->quiet) : 0) +
	    (m->user != NULL ? MSG_TAG_HDR + str_size(m->user) : 0);
}

/* msg_size - the payload of a REC_MSG record; more than REC_MAX_LEN if huge */
static size_t
msg_size(const struct message *m)
{
	size_t	 need, i;

	if (m->headers_len > REC_MAX_LEN || m->raw_len > REC_MAX_LEN)
		return (size_t)REC_MAX_LEN + 1;
	need = 8 + 1 + 8 + 1 + 4 + 1 + 8 + 4 + 4 + str_size(m->sender) +
	    str_size(m->client) + str_size(m->helo) + str_size(m->envid) +
	    str_size(m->sender_id) + str_size(m->text) + 4 + m->headers_len +
	    4 + m->raw_len;
	for (i = 0; i < m->nrcpts; i++)
		need += str_size(m->rcpts[i].addr) + str_size(m->rcpts[i].to) +
		    str_size(m->rcpts[i].orcpt) + 1;
	return need + msg_tags_size(m);
}

/* rec_put_msg - a whole message: envelope, text, headers, raw bytes, rcpts */
int
rec_put_msg(struct buf *b, uint64_t id, const struct message *m)
{
	size_t	 start;
	uint32_t i;

	if (rec_begin(b, msg_size(m), REC_MSG, &start) == -1)
		return -1;
	enc_u64(b, id);
	enc_u8(b, (uint8_t)m->kind);
	enc_u64(b, (uint64_t)m->arrival);
	enc_str(b, str_of(m->sender));
	enc_str(b, str_of(m->client));
	enc_str(b, str_of(m->helo));
	enc_str(b, str_of(m->envid));
	enc_u8(b, m->ret);
	enc_str(b, str_of(m->sender_id));
	enc_str(b, str_of(m->text));
	enc_u32(b, m->parts);
	enc_u8(b, m->encoding);
	enc_str(b, bytes_of(m->headers, m->headers_len));
	enc_str(b, bytes_of(m->raw, m->raw_len));
	enc_u64(b, (uint64_t)m->not_before);
	enc_u32(b, m->lifetime);
	enc_u32(b, m->nrcpts);
	for (i = 0; i < m->nrcpts; i++) {
		enc_str(b, str_of(m->rcpts[i].addr));
		enc_str(b, str_of(m->rcpts[i].to));
		enc_str(b, str_of(m->rcpts[i].orcpt));
		enc_u8(b, m->rcpts[i].notify);
	}
	if (m->priority != 0) {
		enc_u8(b, MSG_TAG_PRIORITY);
		enc_u32(b, 1);
		enc_u8(b, m->priority);
	}
	if (m->quiet != NULL) {
		enc_u8(b, MSG_TAG_QUIET);
		enc_u32(b, (uint32_t)str_size(m->quiet));
		enc_str(b, str_of(m->quiet));
	}
	if (m->user != NULL) {
		enc_u8(b, MSG_TAG_USER);
		enc_u32(b, (uint32_t)str_size(m->user));
		enc_str(b, str_of(m->user));
	}
	rec_end(b, start);
	return 0;
}

/* rec_put_state - one recipient's new state */
int
rec_put_state(struct buf *b, const struct rec_state *s)
{
	size_t	 start;

	if (rec_begin(b, 8 + 4 + 1 + 4 + 8 + 8 + s->provider_id.len +
	    (size_t)s->reason.len, REC_STATE, &start) == -1)
		return -1;
	enc_u64(b, s->id);
	enc_u32(b, s->rcpt);
	enc_u8(b, s->state);
	enc_u32(b, s->attempts);
	enc_u64(b, (uint64_t)s->next_try);
	enc_str(b, s->provider_id);
	enc_str(b, s->reason);
	rec_end(b, start);
	return 0;
}

/* rec_put_done - the message is finished: nothing of it is needed again */
int
rec_put_done(struct buf *b, uint64_t id)
{
	size_t	 start;

	if (rec_begin(b, 8, REC_DONE, &start) == -1)
		return -1;
	enc_u64(b, id);
	rec_end(b, start);
	return 0;
}

/* rec_put_report - a delivery report about one recipient */
int
rec_put_report(struct buf *b, const struct rec_report *r)
{
	size_t	 start;

	if (rec_begin(b, 8 + 4 + 1 + 8 + 4 + (size_t)r->status.len + 4,
	    REC_REPORT, &start) == -1)
		return -1;
	enc_u64(b, r->id);
	enc_u32(b, r->rcpt);
	enc_u8(b, r->report);
	enc_u64(b, (uint64_t)r->when);
	enc_str(b, r->status);
	enc_u32(b, r->part);
	rec_end(b, start);
	return 0;
}

/* rec_put_parts - the recipient as the provider took it, part by part */
int
rec_put_parts(struct buf *b, uint64_t id, uint32_t rcpt,
    const struct rcpt_status *st)
{
	size_t	 start, need = 8 + 4 + 8 + str_size(st->backend) + 4;
	uint32_t i;

	for (i = 0; i < st->nparts; i++)
		need += str_size(st->parts[i].id);
	if (rec_begin(b, need, REC_PARTS, &start) == -1)
		return -1;
	enc_u64(b, id);
	enc_u32(b, rcpt);
	enc_u64(b, (uint64_t)st->sent_at);
	enc_str(b, str_of(st->backend));
	enc_u32(b, st->nparts);
	for (i = 0; i < st->nparts; i++)
		enc_str(b, str_of(st->parts[i].id));
	rec_end(b, start);
	return 0;
}

/*
 * rec_void - a record that must never be replayed (its message was refused)
 * keeps its length, so that the offsets after it hold, and loses its content.
 */
void
rec_void(uint8_t *p, size_t total)
{
	uint32_t len = (uint32_t)(total - 8);

	memset(p + 8, 0, len);
	p[8] = REC_VOID;
	put_u32(p + 4, (uint32_t)crc32(0L, p + 8, len));
}

/* rec_frame - validate length and checksum of the record at p */
int
rec_frame(const uint8_t *p, size_t avail, uint8_t *type,
    const uint8_t **payload, size_t *paylen, size_t *total)
{
	uint32_t len, crc;

	if (avail < REC_HDR_LEN)
		return 0;
	len = get_u32(p);
	crc = get_u32(p + 4);
	if (len < 1 || len > REC_MAX_LEN)
		return -1;
	if (avail - 8 < len)
		return 0;
	if ((uint32_t)crc32(0L, p + 8, len) != crc)
		return -1;
	*type = p[8];
	*payload = p + 9;
	*paylen = len - 1;
	*total = 8 + (size_t)len;
	return 1;
}

struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 pos;
	int		 bad;
};

static uint8_t
dec_u8(struct rd *r)
{
	if (r->bad || r->len - r->pos < 1) {
		r->bad = 1;
		return 0;
	}
	return r->p[r->pos++];
}

static uint32_t
dec_u32(struct rd *r)
{
	uint32_t v;

	if (r->bad || r->len - r->pos < 4) {
		r->bad = 1;
		return 0;
	}
	v = get_u32(r->p + r->pos);
	r->pos += 4;
	return v;
}

static uint64_t
dec_u64(struct rd *r)
{
	uint64_t v;

	if (r->bad || r->len - r->pos < 8) {
		r->bad = 1;
		return 0;
	}
	v = get_u64(r->p + r->pos);
	r->pos += 8;
	return v;
}

static struct rec_str
dec_str(struct rd *r)
{
	struct rec_str s = { "", 0 };
	uint32_t len = dec_u32(r);

	if (r->bad || r->len - r->pos < len) {
		r->bad = 1;
		return s;
	}
	s.p = (const char *)r->p + r->pos;
	s.len = len;
	r->pos += len;
	return s;
}

/* dec_cstr - a string of the payload as a C string of the message */
static const char *
dec_cstr(struct rd *r, struct message_space *sp, int optional)
{
	struct rec_str s = dec_str(r);

	return message_space_str(sp, s.p, s.len, optional);
}

/* the smallest encoded recipient: three empty strings and NOTIFY */
#define REC_RCPT_MIN	13
/* more than a session ever takes: a count beyond it is damage */
#define REC_RCPTS_MAX	100000

struct msg_payload {
	const uint8_t	*p;
	size_t		 len;
	uint64_t	*id;
};

/* dec_tags - the tagged fields after the recipients, to the payload's end */
static void
dec_tags(struct rd *r, struct message *m, struct message_space *sp)
{
	struct rd	 v;
	uint8_t		 tag;
	uint32_t	 len;

	while (!r->bad && r->pos < r->len) {
		tag = dec_u8(r);
		len = dec_u32(r);
		if (r->bad || r->len - r->pos < len) {
			r->bad = 1;
			return;
		}
		v = (struct rd){ r->p + r->pos, len, 0, 0 };
		if (tag == MSG_TAG_PRIORITY && len == 1)
			m->priority = r->p[r->pos];
		else if (tag == MSG_TAG_QUIET || tag == MSG_TAG_USER) {
			*(tag == MSG_TAG_QUIET ? &m->quiet : &m->user) =
			    dec_cstr(&v, sp, 1);
			if (v.bad || v.pos != len)
				r->bad = 1;
		}
		r->pos += len;
	}
}

/* fill_decoded - the fill of rec_get_msg: every field in the record's order */
static int
fill_decoded(const void *arg, struct message *m, struct message_space *sp)
{
	const struct msg_payload *pl = arg;
	struct rd		 r = { pl->p, pl->len, 0, 0 };
	struct message_rcpt	*rcpts;
	struct rec_str		 hs;
	uint32_t		 i, n;

	memset(m, 0, sizeof(*m));
	*pl->id = dec_u64(&r);
	m->kind = dec_u8(&r) == MSG_DSN ? MSG_DSN : MSG_SMS;
	m->arrival = (int64_t)dec_u64(&r);
	m->sender = dec_cstr(&r, sp, 0);
	m->client = dec_cstr(&r, sp, 0);
	m->helo = dec_cstr(&r, sp, 0);
	m->envid = dec_cstr(&r, sp, 1);
	m->ret = dec_u8(&r);
	m->sender_id = dec_cstr(&r, sp, 1);
	m->text = dec_cstr(&r, sp, 0);
	m->parts = dec_u32(&r);
	m->encoding = dec_u8(&r);
	hs = dec_str(&r);
	m->headers = message_space_str(sp, hs.p, hs.len, 0);
	m->headers_len = hs.len;
	(void)dec_str(&r);		/* raw: only the journal keeps it */
	m->not_before = (int64_t)dec_u64(&r);
	m->lifetime = dec_u32(&r);
	n = dec_u32(&r);
	if (r.bad || n > REC_RCPTS_MAX || n > (r.len - r.pos) / REC_RCPT_MIN)
		return -1;
	rcpts = message_space_rcpts(sp, n);
	for (i = 0; i < n; i++) {
		struct message_rcpt rr;

		rr.addr = dec_cstr(&r, sp, 0);
		rr.to = dec_cstr(&r, sp, 0);
		rr.orcpt = dec_cstr(&r, sp, 1);
		rr.notify = dec_u8(&r);
		if (rcpts != NULL)
			rcpts[i] = rr;
	}
	m->rcpts = rcpts;
	m->nrcpts = n;
	dec_tags(&r, m, sp);
	return r.bad || r.pos != r.len ? -1 : 0;
}

/* rec_get_msg - see record.h */
struct message *
rec_get_msg(const uint8_t *p, size_t len, uint64_t *id)
{
	struct msg_payload pl = { p, len, id };

	return message_build(fill_decoded, &pl);
}

/*
 * rec_peek_msg - see record.h: the fields before the recipients, in the
 * record's order, the strings skipped (headers kept as a pointer)
 */
int
rec_peek_msg(const uint8_t *p, size_t len, struct rec_msg_head *h)
{
	struct rd r = { p, len, 0, 0 };
	int	  i;

	h->id = dec_u64(&r);
	h->kind = dec_u8(&r) == MSG_DSN ? MSG_DSN : MSG_SMS;
	h->arrival = (int64_t)dec_u64(&r);
	for (i = 0; i < 4; i++)		/* sender, client, helo, envid */
		(void)dec_str(&r);
	(void)dec_u8(&r);		/* ret */
	(void)dec_str(&r);		/* sender_id */
	(void)dec_str(&r);		/* text */
	(void)dec_u32(&r);		/* parts */
	(void)dec_u8(&r);		/* encoding */
	h->headers = dec_str(&r);
	(void)dec_str(&r);		/* raw */
	h->not_before = (int64_t)dec_u64(&r);
	return r.bad ? -1 : 0;
}

/* rec_get_state - decode a REC_STATE payload */
int
rec_get_state(const uint8_t *p, size_t len, struct rec_state *s)
{
	struct rd r = { p, len, 0, 0 };

	s->id = dec_u64(&r);
	s->rcpt = dec_u32(&r);
	s->state = dec_u8(&r);
	s->attempts = dec_u32(&r);
	s->next_try = (int64_t)dec_u64(&r);
	s->provider_id = dec_str(&r);
	s->reason = dec_str(&r);
	return r.bad || r.pos != len ? -1 : 0;
}

/* rec_get_done - decode a REC_DONE payload */
int
rec_get_done(const uint8_t *p, size_t len, uint64_t *id)
{
	struct rd r = { p, len, 0, 0 };

	*id = dec_u64(&r);
	return r.bad || r.pos != len ? -1 : 0;
}

/* rec_get_report - decode a REC_REPORT payload */
int
rec_get_report(const uint8_t *p, size_t len, struct rec_report *r)
{
	struct rd rd = { p, len, 0, 0 };

	r->id = dec_u64(&rd);
	r->rcpt = dec_u32(&rd);
	r->report = dec_u8(&rd);
	r->when = (int64_t)dec_u64(&rd);
	r->status = dec_str(&rd);
	/* a report journaled before parts were known is about part 0 */
	r->part = rd.pos == len ? 0 : dec_u32(&rd);
	return rd.bad || rd.pos != len ? -1 : 0;
}

/* rec_get_parts - decode a REC_PARTS payload; the id list is allocated */
int
rec_get_parts(const uint8_t *p, size_t len, struct rec_parts *x)
{
	struct rd r = { p, len, 0, 0 };
	uint32_t  i;

	x->ids = NULL;
	x->id = dec_u64(&r);
	x->rcpt = dec_u32(&r);
	x->sent_at = (int64_t)dec_u64(&r);
	x->backend = dec_str(&r);
	x->nids = dec_u32(&r);
	/* each id takes at least its length: a larger count is damage */
	if (r.bad || x->nids > (len - r.pos) / 4) {
		errno = EINVAL;
		return -1;
	}
	if ((x->ids = calloc(x->nids ? x->nids : 1, sizeof(*x->ids))) == NULL)
		return -1;
	for (i = 0; i < x->nids; i++)
		x->ids[i] = dec_str(&r);
	if (r.bad || r.pos != len) {
		free(x->ids);
		x->ids = NULL;
		errno = EINVAL;
		return -1;
	}
	return 0;
}
