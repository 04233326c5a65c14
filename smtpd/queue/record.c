/*
 * record.c - encoding and bounds-checked decoding of the journal records
 * (little-endian integers, length-prefixed strings, crc32 per record).
 */
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

static size_t
rcpt_size(const struct rec_rcpt *r)
{
	return 12 + (size_t)r->addr.len + r->to.len + r->orcpt.len + 1;
}

/* rec_put_msg - a whole message: envelope, text, headers, raw bytes, rcpts */
int
rec_put_msg(struct buf *b, const struct rec_msg *m, const struct rec_rcpt *r)
{
	size_t	 need, start;
	uint32_t i;

	need = 8 + 1 + 8 + 1 + 4 + 1 + 8 + 4 + 4 * 8 + m->sender.len + m->client.len +
	    m->helo.len + m->envid.len + m->sender_id.len + m->text.len +
	    m->headers.len + (size_t)m->raw.len + 4;
	for (i = 0; i < m->nrcpts; i++)
		need += rcpt_size(&r[i]);
	if (rec_begin(b, need, REC_MSG, &start) == -1)
		return -1;
	enc_u64(b, m->id);
	enc_u8(b, m->kind);
	enc_u64(b, (uint64_t)m->arrival);
	enc_str(b, m->sender);
	enc_str(b, m->client);
	enc_str(b, m->helo);
	enc_str(b, m->envid);
	enc_u8(b, m->ret);
	enc_str(b, m->sender_id);
	enc_str(b, m->text);
	enc_u32(b, m->parts);
	enc_u8(b, m->encoding);
	enc_str(b, m->headers);
	enc_str(b, m->raw);
	enc_u64(b, (uint64_t)m->not_before);
	enc_u32(b, m->lifetime);
	enc_u32(b, m->nrcpts);
	for (i = 0; i < m->nrcpts; i++) {
		enc_str(b, r[i].addr);
		enc_str(b, r[i].to);
		enc_str(b, r[i].orcpt);
		enc_u8(b, r[i].notify);
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

/* rec_get_msg - decode a REC_MSG payload; strings point into it */
int
rec_get_msg(const uint8_t *p, size_t len, struct rec_msg *m)
{
	struct rd r = { p, len, 0, 0 };

	m->id = dec_u64(&r);
	m->kind = dec_u8(&r);
	m->arrival = (int64_t)dec_u64(&r);
	m->sender = dec_str(&r);
	m->client = dec_str(&r);
	m->helo = dec_str(&r);
	m->envid = dec_str(&r);
	m->ret = dec_u8(&r);
	m->sender_id = dec_str(&r);
	m->text = dec_str(&r);
	m->parts = dec_u32(&r);
	m->encoding = dec_u8(&r);
	m->headers = dec_str(&r);
	m->raw = dec_str(&r);
	m->not_before = (int64_t)dec_u64(&r);
	m->lifetime = dec_u32(&r);
	m->nrcpts = dec_u32(&r);
	if (r.bad)
		return -1;
	m->rcpts = p + r.pos;
	m->rcpts_len = len - r.pos;
	return 0;
}

/* rec_next_rcpt - the next recipient of a decoded message */
int
rec_next_rcpt(const struct rec_msg *m, size_t *pos, struct rec_rcpt *out)
{
	struct rd r = { m->rcpts, m->rcpts_len, *pos, 0 };

	out->addr = dec_str(&r);
	out->to = dec_str(&r);
	out->orcpt = dec_str(&r);
	out->notify = dec_u8(&r);
	if (r.bad)
		return -1;
	*pos = r.pos;
	return 0;
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
