/*
 * test_record.c - journal records: round trips, and every kind of damage
 * (truncation, flipped bits, lying lengths) is detected, never misread; a
 * voided record keeps its frame.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/queue/record.h"

static struct rec_str
S(const char *s)
{
	struct rec_str r = { s, (uint32_t)strlen(s) };
	return r;
}

static void
encode_sample(struct buf *b)
{
	struct message_rcpt r[2] = {
		{ "+4917012345678@sms.example", "+4917012345678", NULL, 0 },
		{ "0170 1234567@sms.example", "+491701234567", "rfc822;x@y", 6 },
	};
	struct message m = { .kind = MSG_SMS,
	    .arrival = 1700000000, .sender = "clerk@example.com",
	    .client = "127.0.0.1", .helo = "pc1", .envid = "E1",
	    .ret = 2, .sender_id = "Service", .text = "Pickup: ready",
	    .parts = 1, .encoding = 0, .headers = "Subject: Pickup\r\n\r\n",
	    .headers_len = 19, .raw = "Subject: Pickup\r\n\r\nready\r\n",
	    .raw_len = 26, .not_before = 1700003600, .lifetime = 7200,
	    .rcpts = r, .nrcpts = 2 };
	struct rec_state st = { .id = 0x1122334455667788ull, .rcpt = 1,
	    .state = 3, .attempts = 2, .next_try = 1700000060,
	    .provider_id = S(""), .reason = S("HTTP 503") };

	assert_int_equal(rec_put_msg(b, 0x1122334455667788ull, &m), 0);
	assert_int_equal(rec_put_state(b, &st), 0);
	assert_int_equal(rec_put_done(b, 0x1122334455667788ull), 0);
}

/* msg_payload - the REC_MSG payload of a small message of priority p */
static size_t
msg_payload(uint8_t p, uint8_t *out, size_t size)
{
	struct message_rcpt r = { "+4917012345678@sms.example",
	    "+4917012345678", NULL, 0 };
	struct message	 m = { .kind = MSG_SMS, .arrival = 1700000000,
	    .sender = "a@b.example", .client = "::1", .helo = "h",
	    .text = "Hi", .parts = 1, .headers = "", .raw = "",
	    .rcpts = &r, .nrcpts = 1, .priority = p };
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total;
	uint8_t		 type;

	assert_int_equal(rec_put_msg(&b, 7, &m), 0);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_true(plen <= size);
	memcpy(out, pl, plen);
	buf_free(&b);
	return plen;
}

/* decoded_priority - the priority of a payload; -1 if it is refused */
static int
decoded_priority(const uint8_t *p, size_t n)
{
	struct message	*m;
	uint64_t	 id;
	int		 prio;

	if ((m = rec_get_msg(p, n, &id)) == NULL)
		return -1;
	prio = m->priority;
	free(m);
	return prio;
}

/*
 * test_msg_tags - a message's priority rides a tagged field: bulk ones are
 * the record of before (old spools replay as bulk), an unknown tag is
 * skipped, a tag that lies about its length is damage
 */
static void
test_msg_tags(void **state)
{
	static const uint8_t unknown[] = { 9, 3, 0, 0, 0, 'x', 'y', 'z' };
	static const uint8_t lying[] = { 1, 100, 0, 0, 0, 1 };
	uint8_t		 bulk[512], express[512], more[600];
	size_t		 nb, ne;

	(void)state;
	nb = msg_payload(SMS_PRIORITY_BULK, bulk, sizeof(bulk));
	ne = msg_payload(SMS_PRIORITY_EXPRESS, express, sizeof(express));
	assert_int_equal(ne, nb + 1 + 4 + 1);
	assert_memory_equal(bulk, express, nb);
	assert_int_equal(decoded_priority(bulk, nb), SMS_PRIORITY_BULK);
	assert_int_equal(decoded_priority(express, ne), SMS_PRIORITY_EXPRESS);
	memcpy(more, express, ne);
	memcpy(more + ne, unknown, sizeof(unknown));
	assert_int_equal(decoded_priority(more, ne + sizeof(unknown)),
	    SMS_PRIORITY_EXPRESS);
	memcpy(more, bulk, nb);
	memcpy(more + nb, lying, sizeof(lying));
	assert_int_equal(decoded_priority(more, nb + sizeof(lying)), -1);
	assert_int_equal(decoded_priority(express, ne - 1), -1);
}

static void
test_round_trip(void **state)
{
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, pos = 0;
	uint8_t		 type;
	struct message	*m;
	struct rec_state st;
	uint64_t	 id;

	(void)state;
	encode_sample(&b);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(type, REC_MSG);
	m = rec_get_msg(pl, plen, &id);
	assert_non_null(m);
	assert_true(id == 0x1122334455667788ull);
	assert_int_equal(m->kind, MSG_SMS);
	assert_int_equal(m->arrival, 1700000000);
	assert_string_equal(m->sender, "clerk@example.com");
	assert_string_equal(m->client, "127.0.0.1");
	assert_string_equal(m->helo, "pc1");
	assert_string_equal(m->envid, "E1");
	assert_string_equal(m->sender_id, "Service");
	assert_string_equal(m->text, "Pickup: ready");
	assert_int_equal(m->headers_len, 19);
	assert_memory_equal(m->headers, "Subject: Pickup\r\n\r\n", 19);
	assert_int_equal(m->ret, 2);
	assert_int_equal(m->not_before, 1700003600);
	assert_int_equal(m->lifetime, 7200);
	/* the raw bytes stay in the journal */
	assert_null(m->raw);
	assert_int_equal(m->nrcpts, 2);
	assert_string_equal(m->rcpts[0].to, "+4917012345678");
	assert_null(m->rcpts[0].orcpt);
	assert_string_equal(m->rcpts[1].orcpt, "rfc822;x@y");
	assert_int_equal(m->rcpts[1].notify, 6);
	free(m);
	/* the recipients end the record: a byte more is damage */
	assert_null(rec_get_msg(pl, plen - 1, &id));
	pos += total;
	assert_int_equal(rec_frame(b.p + pos, b.len - pos, &type, &pl, &plen,
	    &total), 1);
	assert_int_equal(type, REC_STATE);
	assert_int_equal(rec_get_state(pl, plen, &st), 0);
	assert_int_equal(st.rcpt, 1);
	assert_int_equal(st.state, 3);
	assert_int_equal(st.attempts, 2);
	assert_memory_equal(st.reason.p, "HTTP 503", st.reason.len);
	pos += total;
	assert_int_equal(rec_frame(b.p + pos, b.len - pos, &type, &pl, &plen,
	    &total), 1);
	assert_int_equal(type, REC_DONE);
	assert_int_equal(rec_get_done(pl, plen, &id), 0);
	assert_true(id == 0x1122334455667788ull);
	pos += total;
	assert_int_equal(pos, b.len);
	buf_free(&b);
}

/* the bytes of a message record: those of the format before this one */
static void
test_msg_bytes(void **state)
{
	struct message_rcpt r = { "a@b", "+49170", NULL, 2 };
	struct message	 m = { .kind = MSG_DSN, .arrival = 1, .sender = "s",
	    .client = "c", .text = "t", .parts = 3, .encoding = 1,
	    .rcpts = &r, .nrcpts = 1 };
	static const uint8_t payload[] = {
		REC_MSG, 7, 0, 0, 0, 0, 0, 0, 0,	/* type, id */
		1, 1, 0, 0, 0, 0, 0, 0, 0,		/* kind, arrival */
		1, 0, 0, 0, 's', 1, 0, 0, 0, 'c',	/* sender, client */
		0, 0, 0, 0, 0, 0, 0, 0, 0,		/* helo, envid, ret */
		0, 0, 0, 0, 1, 0, 0, 0, 't',		/* sender id, text */
		3, 0, 0, 0, 1,				/* parts, encoding */
		0, 0, 0, 0, 0, 0, 0, 0,			/* headers, raw */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* not before, lifetime */
		1, 0, 0, 0,				/* recipients */
		3, 0, 0, 0, 'a', '@', 'b', 6, 0, 0, 0,
		'+', '4', '9', '1', '7', '0', 0, 0, 0, 0, 2,
	};
	struct buf	 b = { 0 };

	(void)state;
	assert_int_equal(rec_put_msg(&b, 7, &m), 0);
	assert_int_equal(b.len, 8 + sizeof(payload));
	assert_memory_equal(b.p + 8, payload, sizeof(payload));
	buf_free(&b);
}

/* quiet hours and the user ride after the recipients, only when set */
static void
test_msg_quiet(void **state)
{
	struct message_rcpt r = { "a@b", "+49170", NULL, 0 };
	struct message	 m = { .kind = MSG_SMS, .arrival = 1, .sender = "s",
	    .client = "c", .text = "t", .parts = 1, .rcpts = &r, .nrcpts = 1 };
	struct message	*out;
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, without;
	uint64_t	 id;
	uint8_t		 type;

	(void)state;
	assert_int_equal(rec_put_msg(&b, 7, &m), 0);
	without = b.len;
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_non_null(out = rec_get_msg(pl, plen, &id));
	assert_null(out->quiet);
	free(out);
	buf_free(&b);
	m.quiet = "21:00-08:00,sun";
	assert_int_equal(rec_put_msg(&b, 7, &m), 0);
	/* a tagged field: tag, length, then the string's length and bytes */
	assert_int_equal(b.len, without + 1 + 4 + 4 + strlen(m.quiet));
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_non_null(out = rec_get_msg(pl, plen, &id));
	assert_string_equal(out->quiet, "21:00-08:00,sun");
	assert_string_equal(out->rcpts[0].to, "+49170");
	assert_null(out->user);
	free(out);
	buf_free(&b);
	/* the AUTH user (the statistics' key) is one more tagged field */
	m.user = "clerk";
	assert_int_equal(rec_put_msg(&b, 7, &m), 0);
	assert_int_equal(b.len, without + 2 * (1 + 4 + 4) + strlen(m.quiet) +
	    strlen(m.user));
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_non_null(out = rec_get_msg(pl, plen, &id));
	assert_string_equal(out->quiet, "21:00-08:00,sun");
	assert_string_equal(out->user, "clerk");
	free(out);
	buf_free(&b);
}

/* a delivery report's record: what the report channel journals */
static void
test_report(void **state)
{
	struct rec_report in = { .id = 0x1122334455667788ull, .rcpt = 3,
	    .report = 2, .when = 1700000300, .status = S("stat:DELIVRD") };
	struct rec_report out;
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total;
	uint8_t		 type;

	(void)state;
	assert_int_equal(rec_put_report(&b, &in), 0);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(type, REC_REPORT);
	assert_int_equal(total, b.len);
	assert_int_equal(rec_get_report(pl, plen, &out), 0);
	assert_true(out.id == in.id);
	assert_int_equal(out.rcpt, 3);
	assert_int_equal(out.report, 2);
	assert_int_equal(out.when, 1700000300);
	assert_int_equal(out.status.len, 12);
	assert_memory_equal(out.status.p, "stat:DELIVRD", 12);
	assert_int_equal(out.part, 0);
	assert_int_equal(rec_get_report(pl, plen - 1, &out), -1);
	/* a report of a spool from before parts: no part field, part 0 */
	assert_int_equal(rec_get_report(pl, plen - 4, &out), 0);
	assert_int_equal(out.part, 0);
	assert_int_equal(out.status.len, 12);
	b.len = 0;
	in.part = 2;
	assert_int_equal(rec_put_report(&b, &in), 0);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(rec_get_report(pl, plen, &out), 0);
	assert_int_equal(out.part, 2);
	buf_free(&b);
}

/* a sent recipient's parts: time, backend, every id; damage refused */
static void
test_parts(void **state)
{
	struct rcpt_part	 parts[3] = { { "0A1B", SMS_REPORT_NONE },
	    { "0A1C", SMS_REPORT_DELIVERED }, { "", SMS_REPORT_NONE } };
	struct rcpt_status	 st = { .sent_at = 1700000400,
	    .backend = "smsc1", .parts = parts, .nparts = 3 };
	struct rec_parts	 out;
	struct buf		 b = { 0 };
	const uint8_t		*pl;
	size_t			 plen, total, cut;
	uint8_t			 type;

	(void)state;
	assert_int_equal(rec_put_parts(&b, 0x42, 1, &st), 0);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(type, REC_PARTS);
	assert_int_equal(rec_get_parts(pl, plen, &out), 0);
	assert_true(out.id == 0x42);
	assert_int_equal(out.rcpt, 1);
	assert_int_equal(out.sent_at, 1700000400);
	assert_int_equal(out.backend.len, 5);
	assert_memory_equal(out.backend.p, "smsc1", 5);
	assert_int_equal(out.nids, 3);
	assert_memory_equal(out.ids[1].p, "0A1C", 4);
	assert_int_equal(out.ids[2].len, 0);
	free(out.ids);
	for (cut = 0; cut < plen; cut++) {
		errno = 0;
		assert_int_equal(rec_get_parts(pl, cut, &out), -1);
		assert_int_equal(errno, EINVAL);
		assert_null(out.ids);
	}
	buf_free(&b);
}

/* every prefix of a record is "truncated", never "whole" */
static void
test_truncation(void **state)
{
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, cut, first;
	uint8_t		 type;

	(void)state;
	encode_sample(&b);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &first), 1);
	for (cut = 0; cut < first; cut++)
		assert_int_equal(rec_frame(b.p, cut, &type, &pl, &plen, &total), 0);
	buf_free(&b);
}

/* any single flipped bit in a record is caught by length or checksum */
static void
test_bit_flips(void **state)
{
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, first, i;
	uint8_t		 type;
	int		 bit, r;

	(void)state;
	encode_sample(&b);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &first), 1);
	for (i = 0; i < first; i++)
		for (bit = 0; bit < 8; bit++) {
			b.p[i] ^= (uint8_t)(1 << bit);
			r = rec_frame(b.p, b.len, &type, &pl, &plen, &total);
			assert_true(r != 1 || total != first);
			b.p[i] ^= (uint8_t)(1 << bit);
		}
	buf_free(&b);
}

/* a payload whose inner lengths lie is refused by the decoders */
static void
test_lying_lengths(void **state)
{
	uint8_t		 p[64];
	struct rec_state st;
	struct rec_report rr;
	uint64_t	 id;

	(void)state;
	memset(p, 0xff, sizeof(p));
	assert_null(rec_get_msg(p, sizeof(p), &id));
	assert_int_equal(rec_get_state(p, sizeof(p), &st), -1);
	assert_int_equal(rec_get_report(p, sizeof(p), &rr), -1);
	assert_int_equal(rec_get_done(p, 7, &id), -1);
	assert_int_equal(rec_get_done(p, 9, &id), -1);
}

/* a voided record keeps its length, frames as REC_VOID, holds no content */
static void
test_void(void **state)
{
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, first, second, i;
	uint8_t		 type;

	(void)state;
	encode_sample(&b);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &first), 1);
	assert_int_equal(rec_frame(b.p + first, b.len - first, &type, &pl,
	    &plen, &second), 1);
	rec_void(b.p, first);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(type, REC_VOID);
	assert_int_equal(total, first);
	for (i = 0; i < plen; i++)
		assert_int_equal(pl[i], 0);
	assert_null(memmem(b.p, first, "clerk@example.com", 17));
	/* the record after it is untouched */
	assert_int_equal(rec_frame(b.p + first, b.len - first, &type, &pl,
	    &plen, &total), 1);
	assert_int_equal(type, REC_STATE);
	assert_int_equal(total, second);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_msg_tags),
		cmocka_unit_test(test_msg_bytes),
		cmocka_unit_test(test_msg_quiet),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_void),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
