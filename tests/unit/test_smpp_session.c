/*
 * test_smpp_session.c - the SMPP backend against a scripted SMSC on the same
 * loop: nacks, unknown PDUs, the SMSC's unbind, lost answers, split SMS.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"
#include "sms/transport/smpp/pdu.h"

#define SEEN_MAX	64

/* what the fake SMSC does with each submit_sm */
enum verdict { V_OK, V_NACK_SYSERR, V_NACK_THROTTLED, V_SILENT_FIRST,
	V_BADNUMBER_SECOND, V_LONG_ID };

struct seen {
	uint32_t	 command_id;
	uint32_t	 status;
	uint32_t	 sequence;
};

struct fake {
	struct event_base	*base;
	struct evconnlistener	*lis;
	struct bufferevent	*bev;
	int			 port;
	unsigned		 conns;
	unsigned		 binds;
	unsigned		 submits;
	enum verdict		 verdict;
	uint32_t		 bind_status;
	struct seen		 seen[SEEN_MAX];
	size_t			 nseen;
	unsigned		 next_id;
};

struct result {
	int			 done;
	enum sms_result		 result;
	char			 provider_id[80];
	size_t			 nparts;
};

/* fake_send - one PDU from the SMSC */
static void
fake_send(struct fake *f, const struct smpp_pdu *p)
{
	uint8_t		 wire[SMPP_PDU_MAX];
	ssize_t		 n = smpp_encode(p, wire, sizeof(wire));

	assert_true(n > 0);
	assert_int_equal(bufferevent_write(f->bev, wire, (size_t)n), 0);
}

/* fake_answer - a response without body, or with a message id */
static void
fake_answer(struct fake *f, uint32_t id, uint32_t status, uint32_t seq,
    const char *msgid)
{
	struct smpp_pdu	 p = { .command_id = id,
	    .command_status = status, .sequence = seq };

	if (id == (SMPP_SUBMIT_SM | SMPP_RESP))
		p.body.message_id = msgid != NULL ? msgid : "";
	if ((id & ~SMPP_RESP) == SMPP_BIND_TRANSCEIVER && id & SMPP_RESP)
		p.body.system_id = "FAKE";
	fake_send(f, &p);
}

/* fake_long_id - submit_sm_resp ESME_ROK with a message_id of 70 octets */
static void
fake_long_id(struct fake *f, uint32_t seq)
{
	uint8_t		 wire[SMPP_HEADER_LEN + 71];
	uint32_t	 len = sizeof(wire), id = SMPP_SUBMIT_SM | SMPP_RESP;
	size_t		 i;

	memset(wire, 0, sizeof(wire));
	for (i = 0; i < 4; i++) {
		wire[i] = (uint8_t)(len >> (24 - 8 * i));
		wire[4 + i] = (uint8_t)(id >> (24 - 8 * i));
		wire[12 + i] = (uint8_t)(seq >> (24 - 8 * i));
	}
	memset(wire + SMPP_HEADER_LEN, 'a', 70);
	assert_int_equal(bufferevent_write(f->bev, wire, sizeof(wire)), 0);
}

/* fake_submit - the verdict of the test on one submit_sm */
static void
fake_submit(struct fake *f, const struct smpp_pdu *p)
{
	char	 id[16];

	f->submits++;
	snprintf(id, sizeof(id), "%x", f->next_id++);
	switch (f->verdict) {
	case V_NACK_SYSERR:
		fake_answer(f, SMPP_GENERIC_NACK, SMPP_ESME_RSYSERR,
		    p->sequence, NULL);
		return;
	case V_NACK_THROTTLED:
		fake_answer(f, SMPP_GENERIC_NACK, SMPP_ESME_RTHROTTLED,
		    p->sequence, NULL);
		return;
	case V_SILENT_FIRST:
		if (f->conns == 1)
			return;		/* not on the first session */
		break;
	case V_BADNUMBER_SECOND:
		if (f->submits == 2) {
			fake_answer(f, SMPP_SUBMIT_SM | SMPP_RESP,
			    SMPP_ESME_RINVDSTADR, p->sequence, NULL);
			return;
		}
		break;
	case V_LONG_ID:
		fake_long_id(f, p->sequence);
		return;
	case V_OK:
		break;
	}
	fake_answer(f, SMPP_SUBMIT_SM | SMPP_RESP, SMPP_ESME_ROK, p->sequence,
	    id);
}

/* fake_read - every PDU the client wrote */
static void
fake_read(struct bufferevent *bev, void *arg)
{
	struct fake	*f = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct smpp_pdu	 p;
	const uint8_t	*buf;
	size_t		 len, avail;
	uint32_t	 status;

	while ((avail = evbuffer_get_length(in)) >= SMPP_HEADER_LEN) {
		buf = evbuffer_pullup(in, (ssize_t)avail);
		if (smpp_frame(buf, avail, &len) != 1)
			return;
		assert_int_equal(smpp_decode(buf, len, &p, &status), 0);
		if (f->nseen < SEEN_MAX)
			f->seen[f->nseen++] = (struct seen){ p.command_id,
			    p.command_status, p.sequence };
		if (p.command_id == SMPP_BIND_TRANSCEIVER) {
			f->binds++;
			fake_answer(f, SMPP_BIND_TRANSCEIVER | SMPP_RESP,
			    f->bind_status, p.sequence, NULL);
		} else if (p.command_id == SMPP_SUBMIT_SM)
			fake_submit(f, &p);
		else if (p.command_id == SMPP_UNBIND)
			fake_answer(f, SMPP_UNBIND | SMPP_RESP, 0, p.sequence,
			    NULL);
		evbuffer_drain(in, len);
	}
}

/* fake_event - the client went away */
static void
fake_event(struct bufferevent *bev, short what, void *arg)
{
	struct fake	*f = arg;

	(void)what;
	if (f->bev == bev) {
		bufferevent_free(bev);
		f->bev = NULL;
	}
}

/* fake_accept - one client connection at a time */
static void
fake_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct fake	*f = arg;

	(void)lis;
	(void)sa;
	(void)salen;
	if (f->bev != NULL)
		bufferevent_free(f->bev);
	f->conns++;
	f->bev = bufferevent_socket_new(f->base, fd, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(f->bev);
	bufferevent_setcb(f->bev, fake_read, NULL, fake_event, f);
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
}

static void
fake_start(struct fake *f, struct event_base *base)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	socklen_t		 len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->base = base;
	f->next_id = 0x100;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->lis = evconnlistener_new_bind(base, fake_accept, f,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(f->lis);
	getsockname(evconnlistener_get_fd(f->lis), (struct sockaddr *)&sin,
	    &len);
	f->port = ntohs(sin.sin_port);
}

static void
fake_stop(struct fake *f)
{
	if (f->bev != NULL)
		bufferevent_free(f->bev);
	evconnlistener_free(f->lis);
}

/* fake_saw - how many PDUs of command id the client sent */
static unsigned
fake_saw(const struct fake *f, uint32_t id)
{
	unsigned	 n = 0;
	size_t		 i;

	for (i = 0; i < f->nseen; i++)
		n += f->seen[i].command_id == id;
	return n;
}

/* run_until - turn the loop until *flag or secs pass; whether it came */
static int
run_until(struct event_base *base, const int *flag, unsigned secs)
{
	time_t	 end = time(NULL) + secs;

	while (!*flag && time(NULL) <= end)
		event_base_loop(base, EVLOOP_ONCE);
	return *flag;
}

static void
done_cb(void *arg, const struct sms_outcome *o)
{
	struct result	*r = arg;

	r->done = 1;
	r->result = o->result;
	r->nparts = o->npart_ids;
	snprintf(r->provider_id, sizeof(r->provider_id), "%s",
	    o->provider_id != NULL ? o->provider_id : "");
}

/* client - the backend connecting to the fake */
static struct backend *
client(struct event_base *base, struct backend_conf *bc, char *url,
    size_t urllen, int port, unsigned timeout)
{
	struct backend	*b;
	char		 err[200];

	snprintf(url, urllen, "smpp://127.0.0.1:%d", port);
	*bc = (struct backend_conf){ .name = "t", .type = BACKEND_SMPP,
	    .from = "ACME" };
	bc->smpp = (struct smpp_conf){ .url = url, .system_id = "sys",
	    .password = "pw", .window = 10, .enquire_link = 30,
	    .response_timeout = timeout, .reconnect_max = 1,
	    .tls_verify = true };
	b = smpp_backend_new(NULL, bc, base, err, sizeof(err));
	if (b == NULL)
		fail_msg("smpp_backend_new: %s", err);
	return b;
}

/* one_sms - submit text to b and wait for its outcome */
static void
one_sms(struct event_base *base, struct backend *b, const char *text,
    struct result *r, unsigned secs)
{
	struct sms	 sms = { .ref = "Q.0", .to = "+4917012345678",
	    .text = text, .parts = 1, .encoding = "GSM-7" };

	memset(r, 0, sizeof(*r));
	assert_int_equal(backend_submit(b, &sms, done_cb, r), 0);
	assert_false(r->done);		/* never from inside submit */
	if (!run_until(base, &r->done, secs))
		fail_msg("no outcome in %us", secs);
}

/* test_nack - a generic_nack for a submit_sm: temporary, or throttled */
static void
test_nack(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct backend		*b;
	char			 url[64];

	(void)state;
	fake_start(&f, base);
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	f.verdict = V_NACK_SYSERR;
	one_sms(base, b, "hello", &r, 5);
	assert_int_equal(r.result, SMS_TEMPFAIL);
	f.verdict = V_NACK_THROTTLED;
	one_sms(base, b, "hello", &r, 5);
	assert_int_equal(r.result, SMS_THROTTLED);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

/* wait_seen - until the client sent a PDU of id */
static void
wait_seen(struct event_base *base, struct fake *f, uint32_t id)
{
	int	 seen;
	time_t	 end = time(NULL) + 5;

	while (!(seen = fake_saw(f, id) > 0) && time(NULL) <= end)
		event_base_loop(base, EVLOOP_ONCE);
	if (!seen)
		fail_msg("the client sent no %s", smpp_command_name(id));
}

/*
 * test_smsc_requests - enquire_link answered, an unknown request nacked,
 * the SMSC's unbind answered, then a new bind
 */
static void
test_smsc_requests(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct backend		*b;
	struct smpp_pdu		 p = { .command_id = SMPP_ENQUIRE_LINK,
	    .sequence = 77 };
	static const uint8_t	 unknown[] = { 0, 0, 0, 16, 0, 0, 1, 0x11,
	    0, 0, 0, 0, 0, 0, 0, 78 };
	time_t			 end;
	char			 url[64];
	size_t			 i;

	(void)state;
	fake_start(&f, base);
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	wait_seen(base, &f, SMPP_BIND_TRANSCEIVER);
	fake_send(&f, &p);
	wait_seen(base, &f, SMPP_ENQUIRE_LINK | SMPP_RESP);
	/* a command id SMPP 3.4 does not know */
	assert_int_equal(bufferevent_write(f.bev, unknown,
	    sizeof(unknown)), 0);
	wait_seen(base, &f, SMPP_GENERIC_NACK);
	p = (struct smpp_pdu){ .command_id = SMPP_UNBIND, .sequence = 79 };
	fake_send(&f, &p);
	wait_seen(base, &f, SMPP_UNBIND | SMPP_RESP);
	for (i = 0; i < f.nseen; i++) {
		if (f.seen[i].command_id == (SMPP_ENQUIRE_LINK | SMPP_RESP))
			assert_int_equal(f.seen[i].sequence, 77);
		if (f.seen[i].command_id == SMPP_GENERIC_NACK) {
			assert_int_equal(f.seen[i].sequence, 78);
			assert_int_equal(f.seen[i].status,
			    SMPP_ESME_RINVCMDID);
		}
		if (f.seen[i].command_id == (SMPP_UNBIND | SMPP_RESP))
			assert_int_equal(f.seen[i].sequence, 79);
	}
	/* it binds again after its backoff (about a second) */
	end = time(NULL) + 5;
	while (f.binds < 2 && time(NULL) <= end)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(f.binds, 2);
	assert_int_equal(f.conns, 2);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

/*
 * test_lost_answer - no submit_sm_resp within the response timeout: the
 * session is dropped, the SMS submitted again on the next and sent
 */
static void
test_lost_answer(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct backend		*b;
	char			 url[64];

	(void)state;
	fake_start(&f, base);
	/* 2 s: the reconnect (1 s and jitter) comes before SMS time out */
	b = client(base, &bc, url, sizeof(url), f.port, 2);
	f.verdict = V_SILENT_FIRST;
	one_sms(base, b, "hello again", &r, 8);
	assert_int_equal(r.result, SMS_SENT);
	assert_int_equal(f.conns, 2);
	assert_int_equal(f.submits, 2);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

/* test_parts - a 3-part SMS: all ids, or the failure of one part */
static void
test_parts(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct backend		*b;
	char			 url[64], text[400];

	(void)state;
	memset(text, 'x', 400);
	text[399] = '\0';
	fake_start(&f, base);
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	one_sms(base, b, text, &r, 5);
	assert_int_equal(r.result, SMS_SENT);
	assert_int_equal(r.nparts, 3);
	assert_string_equal(r.provider_id, "100");
	f.submits = 0;
	f.verdict = V_BADNUMBER_SECOND;
	one_sms(base, b, text, &r, 5);
	assert_int_equal(r.result, SMS_BADNUMBER);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

/*
 * test_malformed_resp - a submit_sm_resp the codec refuses (a message_id
 * over 64) still answers its submit_sm: the SMS ends at once, submitted
 * once, not again on every new session until the end of time
 */
static void
test_malformed_resp(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct backend		*b;
	char			 url[64];

	(void)state;
	fake_start(&f, base);
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	f.verdict = V_LONG_ID;
	one_sms(base, b, "hello", &r, 5);
	assert_int_equal(r.result, SMS_TEMPFAIL);
	assert_int_equal(f.submits, 1);
	assert_int_equal(f.conns, 1);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

struct got_report {
	int		 n;
	char		 id[80];
	enum sms_report	 state;
};

static void
report_cb(void *arg, const struct sms_delivery_report *r)
{
	struct got_report	*g = arg;

	g->n++;
	snprintf(g->id, sizeof(g->id), "%s", r->provider_id);
	g->state = r->state;
}

/*
 * test_data_sm_receipt - SMPP 3.4 lets an SMSC give a receipt as a data_sm
 * (section 4.7): answered data_sm_resp, not nacked, and reported
 */
static void
test_data_sm_receipt(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct got_report	 g = { 0 };
	struct backend		*b;
	struct smpp_pdu		 p = { .command_id = SMPP_DATA_SM,
	    .sequence = 91 };
	static const uint8_t	 delivered = SMPP_STATE_DELIVERED;
	char			 url[64];
	size_t			 i;
	time_t			 end;

	(void)state;
	fake_start(&f, base);
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	backend_set_reporter(b, report_cb, &g);
	one_sms(base, b, "hello", &r, 5);
	assert_int_equal(r.result, SMS_SENT);
	p.body.sm = (struct smpp_sm){ .esm_class = SMPP_ESM_DELIVERY_RECEIPT,
	    .source_addr = "4917012345678", .destination_addr = "ACME" };
	assert_int_equal(smpp_tlv_add(&p, SMPP_TLV_RECEIPTED_MESSAGE_ID,
	    r.provider_id, (uint16_t)(strlen(r.provider_id) + 1)), 0);
	assert_int_equal(smpp_tlv_add(&p, SMPP_TLV_MESSAGE_STATE, &delivered,
	    1), 0);
	fake_send(&f, &p);
	end = time(NULL) + 3;
	while ((g.n == 0 || fake_saw(&f, SMPP_DATA_SM | SMPP_RESP) == 0) &&
	    fake_saw(&f, SMPP_GENERIC_NACK) == 0 && time(NULL) <= end)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(fake_saw(&f, SMPP_GENERIC_NACK), 0);
	assert_int_equal(fake_saw(&f, SMPP_DATA_SM | SMPP_RESP), 1);
	for (i = 0; i < f.nseen; i++)
		if (f.seen[i].command_id == (SMPP_DATA_SM | SMPP_RESP)) {
			assert_int_equal(f.seen[i].sequence, 91);
			assert_int_equal(f.seen[i].status, SMPP_ESME_ROK);
		}
	assert_int_equal(g.n, 1);
	assert_string_equal(g.id, r.provider_id);
	assert_int_equal(g.state, SMS_REPORT_DELIVERED);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

/* test_bind_refused - SMS wait unbound for the response timeout, then fail */
static void
test_bind_refused(void **state)
{
	struct event_base	*base = event_base_new();
	struct backend_conf	 bc;
	struct fake		 f;
	struct result		 r;
	struct backend		*b;
	char			 url[64];

	(void)state;
	fake_start(&f, base);
	f.bind_status = SMPP_ESME_RINVPASWD;
	b = client(base, &bc, url, sizeof(url), f.port, 1);
	one_sms(base, b, "hello", &r, 5);
	assert_int_equal(r.result, SMS_TEMPFAIL);
	assert_int_equal(f.submits, 0);
	backend_free(b);
	fake_stop(&f);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nack),
		cmocka_unit_test(test_smsc_requests),
		cmocka_unit_test(test_lost_answer),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_bind_refused),
		cmocka_unit_test(test_malformed_resp),
		cmocka_unit_test(test_data_sm_receipt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
