/*
 * test_record.c - journal records: round trips, and every kind of damage
 * (truncation, flipped bits, lying lengths) is detected, never misread; a
 * voided record keeps its frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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
	struct rec_rcpt r[2] = {
		{ S("+4917012345678@sms.example"), S("+4917012345678"), S(""), 0 },
		{ S("0170 1234567@sms.example"), S("+491701234567"),
		  S("rfc822;x@y"), 6 },
	};
	struct rec_msg m = { .id = 0x1122334455667788ull, .kind = 0,
	    .arrival = 1700000000, .sender = S("clerk@example.com"),
	    .client = S("127.0.0.1"), .helo = S("pc1"), .envid = S("E1"),
	    .ret = 2, .sender_id = S("Service"), .text = S("Pickup: ready"),
	    .parts = 1, .encoding = 0, .headers = S("Subject: Pickup\r\n\r\n"),
	    .raw = S("Subject: Pickup\r\n\r\nready\r\n"),
	    .not_before = 1700003600, .lifetime = 7200, .nrcpts = 2 };
	struct rec_state st = { .id = 0x1122334455667788ull, .rcpt = 1,
	    .state = 3, .attempts = 2, .next_try = 1700000060,
	    .provider_id = S(""), .reason = S("HTTP 503") };

	assert_int_equal(rec_put_msg(b, &m, r), 0);
	assert_int_equal(rec_put_state(b, &st), 0);
	assert_int_equal(rec_put_done(b, 0x1122334455667788ull), 0);
}

static void
test_round_trip(void **state)
{
	struct buf	 b = { 0 };
	const uint8_t	*pl;
	size_t		 plen, total, pos = 0, rpos = 0;
	uint8_t		 type;
	struct rec_msg	 m;
	struct rec_rcpt	 r;
	struct rec_state st;
	uint64_t	 id;

	(void)state;
	encode_sample(&b);
	assert_int_equal(rec_frame(b.p, b.len, &type, &pl, &plen, &total), 1);
	assert_int_equal(type, REC_MSG);
	assert_int_equal(rec_get_msg(pl, plen, &m), 0);
	assert_true(m.id == 0x1122334455667788ull);
	assert_int_equal(m.arrival, 1700000000);
	assert_memory_equal(m.sender.p, "clerk@example.com", m.sender.len);
	assert_memory_equal(m.text.p, "Pickup: ready", m.text.len);
	assert_int_equal(m.ret, 2);
	assert_int_equal(m.not_before, 1700003600);
	assert_int_equal(m.lifetime, 7200);
	assert_int_equal(m.nrcpts, 2);
	assert_int_equal(rec_next_rcpt(&m, &rpos, &r), 0);
	assert_memory_equal(r.to.p, "+4917012345678", r.to.len);
	assert_int_equal(rec_next_rcpt(&m, &rpos, &r), 0);
	assert_memory_equal(r.orcpt.p, "rfc822;x@y", r.orcpt.len);
	assert_int_equal(r.notify, 6);
	assert_int_equal(rpos, m.rcpts_len);
	assert_int_equal(rec_next_rcpt(&m, &rpos, &r), -1);
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
	struct rec_msg	 m;
	struct rec_state st;
	uint64_t	 id;

	(void)state;
	memset(p, 0xff, sizeof(p));
	assert_int_equal(rec_get_msg(p, sizeof(p), &m), -1);
	assert_int_equal(rec_get_state(p, sizeof(p), &st), -1);
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
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_void),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
