/*
 * client.c - the SMPP backend: the SMS it holds, each cut into submit_sm
 * parts, sent through a window of outstanding PDUs on a bound session.
 *
 * An SMS is sent when every part has ESME_ROK, failed when one part failed
 * for good; a throttled part pauses the client and hands the SMS that had
 * not started back to the router. A lost session puts the parts without a
 * response back in line for the next one (at least once); SMS that wait
 * unbound longer than the response timeout fail temporarily, so the router
 * can take them elsewhere. Receipts map back to the spelling of the message
 * id the SMSC gave in submit_sm_resp.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "sms/transport/backend.h"
#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/mo.h"
#include "sms/transport/smpp/receipt.h"
#include "sms/transport/smpp/sent_ids.h"
#include "sms/transport/smpp/session.h"
#include "sms/transport/smpp/sm_parts.h"
#include "sms/transport/smpp/status_map.h"

#define SMPP_MAX_IN_FLIGHT	256	/* SMS held at once, by default */
#define SENT_IDS_KEPT		100000	/* ids receipts may name */
#define ID_FORMS		8
#define PAUSE_FIRST		1	/* seconds after a throttled part */
#define PAUSE_MAX		30
#define MILLION			1000000
#define ADDR_MAX		21	/* an address and its NUL */

/* each SMS in c's line, which m may leave inside the loop */
#define LINE_FOREACH_SAFE(m, c, next)					\
	for ((m) = TAILQ_FIRST(&(c)->line);				\
	    (m) != NULL && ((next) = TAILQ_NEXT((m), entry), 1);	\
	    (m) = (next))

enum part_state { PART_WAIT, PART_OUT, PART_DONE };

/* one submit_sm of an SMS */
struct smpp_part {
	uint8_t		 esm_class;
	uint8_t		 sar_total;
	uint8_t		 sar_seq;
	uint8_t		 state;		/* enum part_state */
	uint16_t	 sar_ref;
	uint16_t	 len;
	size_t		 off;		/* into the SMS's bytes */
	char		*id;		/* message_id once ESME_ROK */
};

/* one SMS the client holds, in one allocation with its parts and bytes */
struct smpp_sms {
	TAILQ_ENTRY(smpp_sms)	 entry;
	sms_done_cb		 cb;
	void			*arg;
	const char		*ref;		/* for logs */
	char			 dest[ADDR_MAX];
	char			 source[ADDR_MAX];
	uint8_t			 src_ton;
	uint8_t			 src_npi;
	uint8_t			 registered;
	uint8_t			 data_coding;
	unsigned		 nparts;
	unsigned		 nout;		/* parts in the window */
	unsigned		 ndone;
	bool			 throttled;	/* a part was, lately */
	bool			 failed;
	enum sms_result		 fail;
	char			 reason[96];
	uint64_t		 since;		/* us: taken, or session lost */
	struct smpp_part	*parts;
	uint8_t			*bytes;
};

TAILQ_HEAD(smpp_smsq, smpp_sms);

/* a submit_sm without its response yet */
struct slot {
	uint32_t		 seq;
	unsigned		 part;
	struct smpp_sms		*sms;
	uint64_t		 sent;		/* us */
};

struct smpp_client {
	struct backend		 b;	/* first: backend.c sees this */
	char			*name;
	char			*from;		/* the default sender id */
	struct smpp_conf	 conf;		/* a copy, for the sessions */
	struct smpp_peer	 peer;
	struct smpp_session	*tx;		/* submits; trx: receipts too */
	struct smpp_session	*rx;		/* receipts; NULL: on tx */
	struct smpp_smsq	 line;		/* in the order taken */
	struct slot		*window;
	size_t			 nwindow;
	uint64_t		 unbound_since;	/* us; 0: tx bound */
	uint64_t		 paused_until;	/* us; 0: not paused */
	unsigned		 pause;		/* s: the last throttle pause */
	uint16_t		 ref;		/* of the next long SMS */
	struct event		*tick;		/* deadlines, each second */
	struct event		*resume;	/* the pause is over */
	struct sent_ids		*ids;
	struct sm_message	*msg;		/* sm_message_build's */
	bool			 closing;
	unsigned		 open_sessions;	/* while closing */
	void			(*close_done)(void *);
	void			*close_arg;
};

static void	pump(struct smpp_client *);
static void	settle(struct smpp_client *, struct smpp_sms *);
static void	check_closed(struct smpp_client *);

static uint64_t
now_us(void)
{
	return stats_now_us();
}

/* ---- one SMS ---- */

/* sender - source_addr and its TON/NPI: "+49..." a number, else a name */
static int
sender(struct smpp_sms *m, const char *from)
{
	size_t	 n;

	if (from == NULL || *from == '\0') {
		m->src_ton = m->src_npi = 0;	/* the SMSC's default */
		m->source[0] = '\0';
		return 0;
	}
	if (from[0] == '+' && from[1] != '\0' && (n = strspn(from + 1,
	    "0123456789")) == strlen(from + 1)) {
		m->src_ton = 1;		/* international */
		m->src_npi = 1;		/* ISDN/E.164 */
		from++;
	} else if (strspn(from, "0123456789") == strlen(from)) {
		m->src_ton = 0;		/* unknown: national, short code */
		m->src_npi = 1;
	} else {
		m->src_ton = 5;		/* alphanumeric */
		m->src_npi = 0;
	}
	if (strlen(from) >= sizeof(m->source))
		return -1;
	memcpy(m->source, from, strlen(from) + 1);
	return 0;
}

/* fail_now - m fails with result and a reason, once settled */
static void
fail_now(struct smpp_sms *m, enum sms_result result, const char *reason)
{
	if (m->failed)
		return;
	m->failed = true;
	m->fail = result;
	snprintf(m->reason, sizeof(m->reason), "%s", reason);
}

/* sms_new - m of sms as submit_sm parts; NULL if out of memory */
static struct smpp_sms *
sms_new(struct smpp_client *c, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct sm_message	*msg = c->msg;
	struct smpp_sms		*m;
	const char		*to = sms->to + (sms->to[0] == '+');
	size_t			 i, reflen = strlen(sms->ref) + 1;
	int			 built;
	char			*p;

	built = sm_message_build(msg, sms->text, strlen(sms->text),
	    c->conf.long_messages, c->conf.gsm7_packed, c->ref++);
	if (built == -1) {
		msg->nparts = 0;
		msg->used = 0;
	}
	m = calloc(1, sizeof(*m) + msg->nparts * sizeof(*m->parts) +
	    msg->used + reflen);
	if (m == NULL)
		return NULL;
	m->cb = cb;
	m->arg = arg;
	m->since = now_us();
	m->nparts = msg->nparts;
	m->data_coding = msg->data_coding;
	m->parts = (struct smpp_part *)(m + 1);
	m->bytes = (uint8_t *)(m->parts + m->nparts);
	memcpy(m->bytes, msg->bytes, msg->used);
	p = (char *)m->bytes + msg->used;
	memcpy(p, sms->ref, reflen);
	m->ref = p;
	for (i = 0; i < m->nparts; i++) {
		m->parts[i] = (struct smpp_part){
		    .esm_class = msg->parts[i].esm_class,
		    .sar_ref = msg->parts[i].sar_ref,
		    .sar_total = msg->parts[i].sar_total,
		    .sar_seq = msg->parts[i].sar_seq,
		    .len = (uint16_t)msg->parts[i].len,
		    .off = (size_t)(msg->parts[i].data - msg->bytes) };
	}
	m->registered = sms->want_report ? SMPP_REGISTERED_FINAL : 0;
	if (built == -1)
		fail_now(m, SMS_PERMFAIL, "the text cannot travel as SMS");
	else if (sender(m, sms->from != NULL ? sms->from : c->from) == -1)
		fail_now(m, SMS_PERMFAIL, "the sender id is too long");
	else if (strlen(to) >= sizeof(m->dest))
		fail_now(m, SMS_BADNUMBER, "the number is too long");
	else
		memcpy(m->dest, to, strlen(to) + 1);
	return m;
}

/* sms_free - m and the ids of its parts */
static void
sms_free(struct smpp_sms *m)
{
	unsigned	 i;

	for (i = 0; i < m->nparts; i++)
		free(m->parts[i].id);
	free(m);
}

/* finish - the router hears of m, which leaves the client */
static void
finish(struct smpp_client *c, struct smpp_sms *m,
    const struct sms_outcome *o)
{
	TAILQ_REMOVE(&c->line, m, entry);
	m->cb(m->arg, o);
	sms_free(m);
}

/* finish_sent - every part has its message id */
static void
finish_sent(struct smpp_client *c, struct smpp_sms *m)
{
	const char	*ids[SM_PARTS_MAX];
	unsigned	 i;

	for (i = 0; i < m->nparts; i++)
		ids[i] = m->parts[i].id;
	log_debug("smpp %s %s sent parts=%u message_id=%s", c->name, m->ref,
	    m->nparts, ids[0]);
	finish(c, m, &(struct sms_outcome){ .result = SMS_SENT,
	    .provider_id = ids[0], .part_ids = ids, .npart_ids = m->nparts });
}

/* finish_fail - m ends without being sent */
static void
finish_fail(struct smpp_client *c, struct smpp_sms *m, enum sms_result r,
    const char *reason)
{
	finish(c, m, &(struct sms_outcome){ .result = r, .reason = reason });
}

/* started - has any part of m reached the SMSC? */
static bool
started(const struct smpp_sms *m)
{
	return m->nout > 0 || m->ndone > 0;
}

/*
 * settle - once none of m's parts is out: sent, failed, or (throttled
 * before any part got through) back to the router; else it stays
 */
static void
settle(struct smpp_client *c, struct smpp_sms *m)
{
	if (m->nout > 0)
		return;
	if (m->failed)
		finish_fail(c, m, m->fail, m->reason);
	else if (m->ndone == m->nparts)
		finish_sent(c, m);
	else if (m->throttled && m->ndone == 0)
		finish(c, m, &(struct sms_outcome){ .result = SMS_THROTTLED,
		    .reason = "the SMSC is throttling" });
	else if (c->closing)
		finish_fail(c, m, SMS_TEMPFAIL, "backend shut down");
	else
		m->throttled = false;	/* the rest go after the pause */
}

/* ---- the window ---- */

/* slot_find - the window slot of seq, or NULL */
static struct slot *
slot_find(struct smpp_client *c, uint32_t seq)
{
	size_t	 i;

	for (i = 0; i < c->nwindow; i++)
		if (c->window[i].seq == seq)
			return &c->window[i];
	return NULL;
}

/* slot_take - what waited on sl, which leaves the window */
static struct slot
slot_take(struct smpp_client *c, struct slot *sl)
{
	struct slot	 out = *sl;

	*sl = c->window[--c->nwindow];
	out.sms->nout--;
	return out;
}

/* put_sar - the SAR TLVs of part pt (values in v, 4 octets) */
static void
put_sar(struct smpp_pdu *p, const struct smpp_part *pt, uint8_t *v)
{
	v[0] = (uint8_t)(pt->sar_ref >> 8);
	v[1] = (uint8_t)pt->sar_ref;
	v[2] = pt->sar_total;
	v[3] = pt->sar_seq;
	(void)smpp_tlv_add(p, SMPP_TLV_SAR_MSG_REF_NUM, v, 2);
	(void)smpp_tlv_add(p, SMPP_TLV_SAR_TOTAL_SEGMENTS, v + 2, 1);
	(void)smpp_tlv_add(p, SMPP_TLV_SAR_SEGMENT_SEQNUM, v + 3, 1);
}

/* send_part - part i of m as a submit_sm into the window; -1 if not sent */
static int
send_part(struct smpp_client *c, struct smpp_sms *m, unsigned i)
{
	struct smpp_part	*pt = &m->parts[i];
	struct smpp_pdu		 p = { .command_id = SMPP_SUBMIT_SM };
	struct smpp_sm		*sm = &p.body.sm;
	uint8_t			 sar[4];
	uint32_t		 seq;

	sm->service_type = c->conf.service_type;
	sm->source_addr_ton = m->src_ton;
	sm->source_addr_npi = m->src_npi;
	sm->source_addr = m->source;
	sm->dest_addr_ton = 1;
	sm->dest_addr_npi = 1;
	sm->destination_addr = m->dest;
	sm->esm_class = pt->esm_class;
	sm->registered_delivery = m->registered;
	sm->data_coding = m->data_coding;
	if (c->conf.long_messages == SMPP_LONG_PAYLOAD)
		(void)smpp_tlv_add(&p, SMPP_TLV_MESSAGE_PAYLOAD,
		    m->bytes + pt->off, pt->len);
	else {
		sm->sm_length = (uint8_t)pt->len;
		sm->short_message = m->bytes + pt->off;
	}
	if (pt->sar_seq != 0)
		put_sar(&p, pt, sar);
	if (smpp_session_send(c->tx, &p, &seq) == -1) {
		if (errno == EINVAL)
			fail_now(m, SMS_PERMFAIL,
			    "a field is too long for SMPP");
		return -1;
	}
	pt->state = PART_OUT;
	m->nout++;
	c->window[c->nwindow++] = (struct slot){ .seq = seq, .part = i,
	    .sms = m, .sent = now_us() };
	return 0;
}

/* next_part - m's first part still to send, or -1 */
static int
next_part(const struct smpp_sms *m)
{
	unsigned	 i;

	if (m->failed || m->throttled)
		return -1;
	for (i = 0; i < m->nparts; i++)
		if (m->parts[i].state == PART_WAIT)
			return (int)i;
	return -1;
}

/* pump - fill the window from the line while bound and not paused */
static void
pump(struct smpp_client *c)
{
	struct smpp_sms	*m, *next;
	int		 i;

	if (c->closing || !smpp_session_bound(c->tx) ||
	    c->paused_until > now_us())
		return;
	LINE_FOREACH_SAFE(m, c, next) {
		if (c->nwindow >= c->conf.window)
			return;
		while (c->nwindow < c->conf.window && (i = next_part(m)) != -1)
			if (send_part(c, m, (unsigned)i) == -1) {
				if (!m->failed)
					return;	/* the session is lost */
				break;
			}
		if (m->failed)
			settle(c, m);
	}
}

/* ---- answers ---- */

/* part_sent - ESME_ROK for part i of m with its message id */
static void
part_sent(struct smpp_client *c, struct smpp_sms *m, unsigned i,
    const char *id)
{
	struct smpp_part	*pt = &m->parts[i];

	pt->state = PART_DONE;
	m->ndone++;
	c->pause = 0;
	if ((pt->id = strdup(id)) == NULL)
		fail_now(m, SMS_TEMPFAIL, "out of memory");
	else if (sent_ids_add(c->ids, id) == -1)
		log_warnx("smpp %s no memory to match receipts for %s",
		    c->name, id);
}

/*
 * throttle - the SMSC wants fewer: pause the window, and hand the SMS
 * that have not started back to the router, which pauses too
 */
static void
throttle(struct smpp_client *c)
{
	struct smpp_sms	*m, *next;
	uint64_t	 now = now_us();
	struct timeval	 tv;

	if (c->paused_until <= now) {
		c->pause = c->pause == 0 ? PAUSE_FIRST :
		    c->pause >= PAUSE_MAX / 2 ? PAUSE_MAX : c->pause * 2;
		c->paused_until = now + (uint64_t)c->pause * MILLION;
		tv = (struct timeval){ .tv_sec = c->pause };
		evtimer_add(c->resume, &tv);
		log_info("smpp %s throttled by the SMSC pause=%us", c->name,
		    c->pause);
	}
	LINE_FOREACH_SAFE(m, c, next)
		if (!started(m) && !m->failed)
			finish(c, m, &(struct sms_outcome){
			    .result = SMS_THROTTLED,
			    .reason = "the SMSC is throttling" });
}

/* part_answered - the submit_sm_resp or generic_nack of a window slot */
static void
part_answered(struct smpp_client *c, struct slot *sl,
    const struct smpp_pdu *p)
{
	struct slot	 got = slot_take(c, sl);
	struct smpp_sms	*m = got.sms;
	uint32_t	 st = p->command_status;
	enum sms_result	 r;
	char		 why[64];

	r = p->command_id == SMPP_GENERIC_NACK ? smpp_nack_result(st) :
	    smpp_status_result(st);
	if (r == SMS_SENT && p->body.message_id[0] != '\0')
		part_sent(c, m, got.part, p->body.message_id);
	else if (r == SMS_SENT) {
		m->parts[got.part].state = PART_WAIT;
		fail_now(m, SMS_TEMPFAIL, "the SMSC gave no message_id");
	} else {
		m->parts[got.part].state = PART_WAIT;
		log_info("smpp %s %s part %u/%u refused status=%s%s",
		    c->name, m->ref, got.part + 1, m->nparts,
		    smpp_status_name(st), p->command_id ==
		    SMPP_GENERIC_NACK ? " (generic_nack)" : "");
		if (r == SMS_THROTTLED)
			m->throttled = true;
		else {
			snprintf(why, sizeof(why), "the SMSC answered %s",
			    smpp_status_name(st));
			fail_now(m, r, why);
		}
	}
	settle(c, m);
	if (r == SMS_THROTTLED)
		throttle(c);
}

/* inbound - a deliver_sm that is no receipt: a subscriber's message? */
static void
inbound(struct smpp_client *c, const struct smpp_pdu *p)
{
	struct smpp_mo	 mo;

	if (smpp_mo_parse(p, &mo) == -1) {
		log_debug("smpp %s deliver_sm that is no receipt ignored",
		    c->name);
		return;
	}
	log_debug("smpp %s message from %s", c->name, mo.from);
	backend_inbound(&c->b, &(struct sms_inbound){ .from = mo.from,
	    .text = mo.text });
}

/* receipt - a deliver_sm or data_sm: a delivery report if it is a receipt */
static void
receipt(struct smpp_client *c, const struct smpp_pdu *p)
{
	struct smpp_receipt	 rc;
	char			 forms[ID_FORMS][SMPP_ID_MAX];
	const char		*id;
	size_t			 i, n;

	if (smpp_receipt_parse(p, &rc) == -1) {
		inbound(c, p);
		return;
	}
	id = rc.id;
	n = smpp_id_forms(rc.id, forms, ID_FORMS);
	for (i = 0; i < n; i++)
		if (sent_ids_has(c->ids, forms[i])) {
			id = forms[i];
			break;
		}
	log_debug("smpp %s receipt message_id=%s (%s) %s", c->name, id, rc.id,
	    rc.raw);
	backend_report(&c->b, &(struct sms_delivery_report){
	    .provider_id = id, .state = rc.state, .when = rc.done,
	    .raw = rc.raw });
}

/* on_pdu - submit_sm_resp, generic_nack, deliver_sm, data_sm of a session */
static void
on_pdu(void *arg, struct smpp_session *s, const struct smpp_pdu *p)
{
	struct smpp_client	*c = arg;
	struct slot		*sl;

	if (p->command_id == SMPP_DELIVER_SM || p->command_id == SMPP_DATA_SM) {
		receipt(c, p);
		(void)smpp_session_answer(s, p->command_id | SMPP_RESP,
		    SMPP_ESME_ROK, p->sequence);
		return;
	}
	if (s != c->tx || (sl = slot_find(c, p->sequence)) == NULL) {
		log_debug("smpp %s %s for no submit_sm of ours seq=%u",
		    c->name, smpp_command_name(p->command_id), p->sequence);
		return;
	}
	part_answered(c, sl, p);
	if (c->closing)
		check_closed(c);
	else
		pump(c);
}

/* ---- sessions ---- */

/* on_bound - a session is bound: the window may fill */
static void
on_bound(void *arg, struct smpp_session *s)
{
	struct smpp_client	*c = arg;

	if (s == c->tx) {
		c->unbound_since = 0;
		if (c->b.link != NULL)
			backend_link_bound(c->b.link);
		pump(c);
	}
}

/* on_unbound - tx is not bound: the views say why */
static void
on_unbound(void *arg, struct smpp_session *s, enum backend_link_why how,
    uint32_t status)
{
	struct smpp_client	*c = arg;

	if (s == c->tx && c->b.link != NULL)
		backend_link_unbound(c->b.link, how, status);
}

/*
 * on_down - tx lost: the parts without an answer go back in line, to be
 * submitted again on the next session; the wait clock starts anew
 */
static void
on_down(void *arg, struct smpp_session *s, const char *why)
{
	struct smpp_client	*c = arg;
	struct slot		 got;
	struct smpp_sms		*m, *next;
	size_t			 lost = c->nwindow;

	(void)why;
	if (s != c->tx)
		return;
	c->unbound_since = now_us();
	while (c->nwindow > 0) {
		got = slot_take(c, &c->window[c->nwindow - 1]);
		got.sms->parts[got.part].state = PART_WAIT;
	}
	if (lost > 0)
		log_info("smpp %s %zu submit_sm without answer will be "
		    "submitted again", c->name, lost);
	LINE_FOREACH_SAFE(m, c, next)
		settle(c, m);
	if (c->closing)
		check_closed(c);
}

/* on_closed - a session finished closing */
static void
on_closed(void *arg, struct smpp_session *s)
{
	struct smpp_client	*c = arg;

	(void)s;
	if (--c->open_sessions == 0 && c->close_done != NULL)
		c->close_done(c->close_arg);
}

static const struct smpp_session_ops session_ops = {
	.bound = on_bound, .pdu = on_pdu, .down = on_down,
	.closed = on_closed, .unbound = on_unbound,
};

/* ---- deadlines ---- */

/*
 * tick - once a second: a submit_sm unanswered for the response timeout
 * means the session is dead; SMS that waited that long unbound fail
 * temporarily so the router may try another backend
 */
static void
tick(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_client	*c = arg;
	struct smpp_sms		*m, *next;
	uint64_t		 now = now_us(), limit, since;
	size_t			 i;
	char			 why[64];

	(void)fd;
	(void)ev;
	limit = (uint64_t)c->conf.response_timeout * MILLION;
	for (i = 0; i < c->nwindow; i++)
		if (c->window[i].sent + limit <= now) {
			snprintf(why, sizeof(why), "no submit_sm_resp in %us",
			    c->conf.response_timeout);
			smpp_session_reset(c->tx, why);
			break;
		}
	if (c->unbound_since == 0)
		return;
	LINE_FOREACH_SAFE(m, c, next) {
		since = m->since > c->unbound_since ? m->since :
		    c->unbound_since;
		if (m->nout == 0 && since + limit <= now)
			finish_fail(c, m, SMS_TEMPFAIL,
			    "the SMSC is unreachable or refuses the bind");
	}
}

/* resume - the throttle pause is over */
static void
resume(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_client	*c = arg;

	(void)fd;
	(void)ev;
	c->paused_until = 0;
	pump(c);
}

/* ---- backend ops ---- */

/* smpp_submit - take sms; its parts go out as the window allows */
static int
smpp_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct smpp_client	*c = (struct smpp_client *)b;
	struct smpp_sms		*m;

	if (c->closing || (m = sms_new(c, sms, cb, arg)) == NULL)
		return -1;
	TAILQ_INSERT_TAIL(&c->line, m, entry);
	if (m->failed) {
		settle(c, m);	/* backend.c reports it from the loop */
		return 0;
	}
	pump(c);
	return 0;
}

/* check_closed - closing: once the window is empty, unbind every session */
static void
check_closed(struct smpp_client *c)
{
	struct smpp_sms	*m, *next;

	if (c->nwindow > 0 || c->open_sessions > 0)
		return;
	LINE_FOREACH_SAFE(m, c, next)
		finish_fail(c, m, SMS_TEMPFAIL, "backend shut down");
	c->open_sessions = c->rx != NULL ? 2 : 1;
	smpp_session_close(c->tx);
	if (c->rx != NULL)
		smpp_session_close(c->rx);
}

/*
 * smpp_close - see backend.h: no new SMS, the window drains (bounded by
 * the response timeout through tick), then unbind and wait for the answer
 */
static void
smpp_close(struct backend *b, void (*done)(void *), void *arg)
{
	struct smpp_client	*c = (struct smpp_client *)b;
	struct smpp_sms		*m, *next;

	c->closing = true;
	c->close_done = done;
	c->close_arg = arg;
	LINE_FOREACH_SAFE(m, c, next)
		if (m->nout == 0)
			finish_fail(c, m, SMS_TEMPFAIL, "backend shut down");
	if (c->nwindow > 0)
		log_info("smpp %s closing: waiting for %zu submit_sm_resp",
		    c->name, c->nwindow);
	check_closed(c);
}

/* conf_copy - the client's own copy of the strings of src */
static int
conf_copy(struct smpp_conf *dst, const struct smpp_conf *src)
{
	char	**strs[] = { &dst->url, &dst->system_id, &dst->password,
	    &dst->system_type, &dst->service_type, &dst->address_range,
	    &dst->ca_file };
	size_t	 i;
	int	 rc = 0;

	*dst = *src;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (*strs[i] != NULL && (*strs[i] = strdup(*strs[i])) == NULL)
			rc = -1;
	return rc;
}

/* conf_clear - free what conf_copy made */
static void
conf_clear(struct smpp_conf *c)
{
	free(c->url);
	free(c->system_id);
	free(c->password);
	free(c->system_type);
	free(c->service_type);
	free(c->address_range);
	free(c->ca_file);
}

/* smpp_free - what is still held fails temporarily; sessions just close */
static void
smpp_free(struct backend *b)
{
	struct smpp_client	*c = (struct smpp_client *)b;
	struct smpp_sms		*m;

	c->closing = true;
	c->nwindow = 0;
	while ((m = TAILQ_FIRST(&c->line)) != NULL)
		finish_fail(c, m, SMS_TEMPFAIL, "backend shut down");
	smpp_session_free(c->tx);
	smpp_session_free(c->rx);
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->resume != NULL)
		event_free(c->resume);
	smpp_peer_clear(&c->peer);
	sent_ids_free(c->ids);
	conf_clear(&c->conf);
	free(c->window);
	free(c->msg);
	free(c->name);
	free(c->from);
	free(c);
}

static const struct backend_ops smpp_ops = {
	.name = "smpp", .submit = smpp_submit, .free = smpp_free,
	.close = smpp_close, .reports = 1, .has_link = 1,
};

/* sessions_new - one transceiver, or a transmitter and a receiver */
static int
sessions_new(struct smpp_client *c, struct event_base *base)
{
	if (c->conf.bind == SMPP_BIND_MODE_TRANSCEIVER)
		c->tx = smpp_session_new(base, &c->peer,
		    SMPP_BIND_TRANSCEIVER, "trx", &session_ops, c);
	else if ((c->tx = smpp_session_new(base, &c->peer,
	    SMPP_BIND_TRANSMITTER, "tx", &session_ops, c)) != NULL)
		c->rx = smpp_session_new(base, &c->peer, SMPP_BIND_RECEIVER,
		    "rx", &session_ops, c);
	return c->tx != NULL && (c->conf.bind == SMPP_BIND_MODE_TRANSCEIVER ||
	    c->rx != NULL) ? 0 : -1;
}

/* smpp_backend_new - see backend.h */
struct backend *
smpp_backend_new(const struct conf *conf, const struct backend_conf *bc,
    struct event_base *base, char *err, size_t errlen)
{
	struct smpp_client	*c;
	struct timeval		 sec = { .tv_sec = 1 };

	(void)conf;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "smpp: out of memory");
		return NULL;
	}
	c->b.ops = &smpp_ops;
	c->b.base = base;
	c->b.max_in_flight = bc->max_in_flight > 0 ? bc->max_in_flight :
	    SMPP_MAX_IN_FLIGHT;
	TAILQ_INIT(&c->line);
	c->unbound_since = now_us();
	if (conf_copy(&c->conf, &bc->smpp) == -1 ||
	    (c->name = strdup(bc->name != NULL ? bc->name : "default")) ==
	    NULL || (bc->from != NULL && (c->from = strdup(bc->from)) ==
	    NULL) || (c->window = calloc(c->conf.window,
	    sizeof(*c->window))) == NULL ||
	    (c->msg = malloc(sizeof(*c->msg))) == NULL ||
	    (c->ids = sent_ids_new(SENT_IDS_KEPT)) == NULL ||
	    (c->tick = event_new(base, -1, EV_PERSIST, tick, c)) == NULL ||
	    (c->resume = evtimer_new(base, resume, c)) == NULL) {
		snprintf(err, errlen, "smpp: out of memory");
		smpp_free(&c->b);
		return NULL;
	}
	if (smpp_peer_init(&c->peer, c->name, &c->conf, base, err,
	    errlen) == -1) {
		smpp_free(&c->b);
		return NULL;
	}
	if (sessions_new(c, base) == -1) {
		snprintf(err, errlen, "smpp: out of memory");
		smpp_free(&c->b);
		return NULL;
	}
	evtimer_add(c->tick, &sec);
	smpp_session_start(c->tx);
	if (c->rx != NULL)
		smpp_session_start(c->rx);
	return &c->b;
}
