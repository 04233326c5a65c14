/*
 * test_smpp_pdu.c - the SMPP 3.4 codec: wire forms worked out by hand from
 * the spec, round trips of every PDU it writes, and malformed PDUs refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sms/transport/smpp/pdu.h"

/* pdu_raw - a header of 16 + n octets for id, then body: the PDU's length */
static size_t
pdu_raw(uint8_t *buf, uint32_t id, uint32_t status, uint32_t seq,
    const void *body, size_t n)
{
	uint32_t	 words[4] = { (uint32_t)(SMPP_HEADER_LEN + n), id, status,
	    seq };
	size_t		 i;

	for (i = 0; i < 4; i++) {
		buf[i * 4] = (uint8_t)(words[i] >> 24);
		buf[i * 4 + 1] = (uint8_t)(words[i] >> 16);
		buf[i * 4 + 2] = (uint8_t)(words[i] >> 8);
		buf[i * 4 + 3] = (uint8_t)words[i];
	}
	if (n > 0)
		memcpy(buf + SMPP_HEADER_LEN, body, n);
	return SMPP_HEADER_LEN + n;
}

/* decode_fails - buf[0..len) is refused with status */
static void
decode_fails(const uint8_t *buf, size_t len, uint32_t want)
{
	struct smpp_pdu	 pdu;
	uint32_t	 status = 0;

	assert_int_equal(smpp_decode(buf, len, &pdu, &status), -1);
	assert_int_equal(status, want);
}

/*
 * round_trip - pdu encoded, decoded into *out and encoded again gives the
 * same octets; every shorter buffer is refused
 */
static void
round_trip(const struct smpp_pdu *pdu, struct smpp_pdu *out, uint8_t *wire)
{
	uint8_t		 again[SMPP_PDU_MAX];
	uint32_t	 status = 1;
	ssize_t		 n, m;
	size_t		 cap;

	n = smpp_encode(pdu, wire, SMPP_PDU_MAX);
	assert_true(n >= SMPP_HEADER_LEN);
	assert_int_equal(smpp_decode(wire, (size_t)n, out, &status), 0);
	assert_int_equal(status, SMPP_ESME_ROK);
	assert_int_equal(out->command_id, pdu->command_id);
	assert_int_equal(out->command_status, pdu->command_status);
	assert_int_equal(out->sequence, pdu->sequence);
	assert_int_equal(out->ntlv, pdu->ntlv);
	m = smpp_encode(out, again, sizeof(again));
	assert_int_equal(m, n);
	assert_memory_equal(again, wire, (size_t)n);
	for (cap = 0; cap < (size_t)n; cap++)
		assert_int_equal(smpp_encode(pdu, again, cap), -1);
}

/*
 * bind_transceiver "smsrelay"/"secret", interface 3.4, sequence 1, as
 * section 4.1.5 lays it out
 */
static void
test_bind_bytes(void **state)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x25,	/* command_length 37 */
		0x00, 0x00, 0x00, 0x09,	/* bind_transceiver */
		0x00, 0x00, 0x00, 0x00,	/* command_status */
		0x00, 0x00, 0x00, 0x01,	/* sequence_number */
		's', 'm', 's', 'r', 'e', 'l', 'a', 'y', 0x00,	/* system_id */
		's', 'e', 'c', 'r', 'e', 't', 0x00,	/* password */
		0x00,			/* system_type "" */
		0x34,			/* interface_version */
		0x01, 0x01,		/* addr_ton, addr_npi */
		0x00,			/* address_range "" */
	};
	struct smpp_pdu	 pdu, out;
	uint8_t		 wire[SMPP_PDU_MAX];

	(void)state;
	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_BIND_TRANSCEIVER;
	pdu.sequence = 1;
	pdu.body.bind.system_id = "smsrelay";
	pdu.body.bind.password = "secret";
	pdu.body.bind.system_type = NULL;	/* NULL is "" */
	pdu.body.bind.interface_version = SMPP_INTERFACE_VERSION;
	pdu.body.bind.addr_ton = 1;
	pdu.body.bind.addr_npi = 1;
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), sizeof(want));
	assert_memory_equal(wire, want, sizeof(want));
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.bind.system_id, "smsrelay");
	assert_string_equal(out.body.bind.password, "secret");
	assert_string_equal(out.body.bind.system_type, "");
	assert_string_equal(out.body.bind.address_range, "");
	assert_int_equal(out.body.bind.interface_version, 0x34);
}

/* submit_sm "Hello" to +447700900123 with a receipt asked for (4.4.1) */
static void
test_submit_bytes(void **state)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x3d,	/* command_length 61 */
		0x00, 0x00, 0x00, 0x04,	/* submit_sm */
		0x00, 0x00, 0x00, 0x00,	/* command_status */
		0x00, 0x00, 0x00, 0x02,	/* sequence_number */
		0x00,			/* service_type "" */
		0x05, 0x00,		/* source: alphanumeric, unknown */
		'R', 'e', 'l', 'a', 'y', 0x00,	/* source_addr */
		0x01, 0x01,		/* dest: international, E.164 */
		'4', '4', '7', '7', '0', '0', '9', '0', '0', '1', '2', '3',
		0x00,			/* destination_addr */
		0x00, 0x00, 0x00,	/* esm_class, protocol_id, priority */
		0x00,			/* schedule_delivery_time "" */
		0x00,			/* validity_period "" */
		0x01,			/* registered_delivery: final */
		0x00, 0x00, 0x00,	/* replace, data_coding, default_msg */
		0x05,			/* sm_length */
		'H', 'e', 'l', 'l', 'o',	/* short_message */
		0x02, 0x04,		/* TLV user_message_reference */
		0x00, 0x02,		/* its length */
		0x00, 0x07,		/* its value */
	};
	static const uint8_t	 ref[2] = { 0x00, 0x07 };
	struct smpp_pdu		 pdu, out;
	uint8_t			 wire[SMPP_PDU_MAX];

	(void)state;
	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_SUBMIT_SM;
	pdu.sequence = 2;
	pdu.body.sm.service_type = "";
	pdu.body.sm.source_addr_ton = 5;
	pdu.body.sm.source_addr = "Relay";
	pdu.body.sm.dest_addr_ton = 1;
	pdu.body.sm.dest_addr_npi = 1;
	pdu.body.sm.destination_addr = "447700900123";
	pdu.body.sm.registered_delivery = SMPP_REGISTERED_FINAL;
	pdu.body.sm.sm_length = 5;
	pdu.body.sm.short_message = (const uint8_t *)"Hello";
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_USER_MESSAGE_REFERENCE,
	    ref, sizeof(ref)), 0);
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), sizeof(want));
	assert_memory_equal(wire, want, sizeof(want));
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.sm.source_addr, "Relay");
	assert_string_equal(out.body.sm.destination_addr, "447700900123");
	assert_string_equal(out.body.sm.validity_period, "");
	assert_int_equal(out.body.sm.sm_length, 5);
	assert_memory_equal(out.body.sm.short_message, "Hello", 5);
	assert_int_equal(out.ntlv, 1);
	assert_int_equal(out.tlv[0].tag, SMPP_TLV_USER_MESSAGE_REFERENCE);
	assert_int_equal(out.tlv[0].len, 2);
	assert_memory_equal(out.tlv[0].value, ref, 2);
}

/* every other PDU the codec writes comes back as it went */
static void
test_round_trips(void **state)
{
	static const uint32_t	 bodiless[] = { SMPP_ENQUIRE_LINK,
	    SMPP_ENQUIRE_LINK | SMPP_RESP, SMPP_UNBIND, SMPP_UNBIND | SMPP_RESP,
	    SMPP_GENERIC_NACK };
	static const uint32_t	 binds[] = { SMPP_BIND_RECEIVER,
	    SMPP_BIND_TRANSMITTER, SMPP_BIND_TRANSCEIVER };
	static const uint8_t	 state_delivered = SMPP_STATE_DELIVERED;
	struct smpp_pdu		 pdu, out;
	uint8_t			 wire[SMPP_PDU_MAX];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bodiless) / sizeof(bodiless[0]); i++) {
		memset(&pdu, 0, sizeof(pdu));
		pdu.command_id = bodiless[i];
		pdu.command_status = bodiless[i] == SMPP_GENERIC_NACK ?
		    SMPP_ESME_RINVCMDID : 0;
		pdu.sequence = 0x7fffffff;
		round_trip(&pdu, &out, wire);
		assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), 16);
	}
	for (i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
		memset(&pdu, 0, sizeof(pdu));
		pdu.command_id = binds[i];
		pdu.body.bind.system_id = "123456789012345";
		pdu.body.bind.password = "12345678";
		pdu.body.bind.system_type = "123456789012";
		pdu.body.bind.address_range = "^44";
		round_trip(&pdu, &out, wire);
		assert_string_equal(out.body.bind.address_range, "^44");
		/* and its answer */
		memset(&pdu, 0, sizeof(pdu));
		pdu.command_id = binds[i] | SMPP_RESP;
		pdu.body.system_id = "SMSC";
		round_trip(&pdu, &out, wire);
		assert_string_equal(out.body.system_id, "SMSC");
	}

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_SUBMIT_SM | SMPP_RESP;
	pdu.body.message_id = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";	/* 64, the most */
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.message_id, pdu.body.message_id);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_DELIVER_SM | SMPP_RESP;
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.message_id, "");

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_DELIVER_SM;
	pdu.body.sm.esm_class = SMPP_ESM_DELIVERY_RECEIPT;
	pdu.body.sm.source_addr = "447700900123";
	pdu.body.sm.schedule_delivery_time = "241201123000000+";
	pdu.body.sm.validity_period = "000001000000000R";
	pdu.body.sm.data_coding = SMPP_DC_UCS2;
	pdu.body.sm.sm_length = SMPP_SM_MAX;
	pdu.body.sm.short_message = wire + 1000;	/* any 254 octets */
	memset(wire + 1000, 0xa5, SMPP_SM_MAX);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_STATE,
	    &state_delivered, 1), 0);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_PAYLOAD, NULL, 0),
	    0);
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.sm.validity_period, "000001000000000R");
	assert_int_equal(out.body.sm.sm_length, SMPP_SM_MAX);
	assert_int_equal(out.tlv[1].len, 0);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_DATA_SM;
	pdu.body.sm.source_addr = "0123456789012345678901234567890123456789"
	    "012345678901234567890123";	/* 64: data_sm's addresses are longer */
	pdu.body.sm.destination_addr = "447700900123";
	pdu.body.sm.esm_class = SMPP_ESM_DELIVERY_RECEIPT;
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.sm.source_addr, pdu.body.sm.source_addr);
	assert_int_equal(out.body.sm.esm_class, SMPP_ESM_DELIVERY_RECEIPT);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_DATA_SM | SMPP_RESP;
	pdu.body.message_id = "42";
	round_trip(&pdu, &out, wire);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_OUTBIND;
	pdu.body.bind.system_id = "SMSC";
	pdu.body.bind.password = "pw";
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.bind.password, "pw");
	assert_string_equal(out.body.bind.address_range, "");

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_ALERT_NOTIFICATION;
	pdu.body.sm.source_addr = "447700900123";
	pdu.body.sm.destination_addr = "ESME";
	round_trip(&pdu, &out, wire);
	assert_string_equal(out.body.sm.destination_addr, "ESME");
}

/* fields over their maximum, bodies not modelled, commands not known */
static void
test_encode_refuses(void **state)
{
	struct smpp_pdu	 pdu;
	uint8_t		 wire[SMPP_PDU_MAX];

	(void)state;
	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_BIND_TRANSMITTER;
	pdu.body.bind.system_id = "1234567890123456";	/* 16 > 15 */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.body.bind.system_id = "ok";
	pdu.body.bind.password = "123456789";	/* 9 > 8 */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_SUBMIT_SM;
	pdu.body.sm.destination_addr = "123456789012345678901";	/* 21 */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.body.sm.destination_addr = "12345678901234567890";
	assert_true(smpp_encode(&pdu, wire, sizeof(wire)) > 0);
	pdu.body.sm.validity_period = "12345678901234567";	/* 17 */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.body.sm.validity_period = "";
	pdu.body.sm.sm_length = 255;
	pdu.body.sm.short_message = wire;
	assert_int_equal(smpp_encode(&pdu, wire + 300, 1000), -1);
	pdu.body.sm.sm_length = 3;
	pdu.body.sm.short_message = NULL;
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_SUBMIT_SM | SMPP_RESP;
	pdu.body.message_id = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0";	/* 65 */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);

	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_QUERY_SM;	/* no body in struct smpp_pdu */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.command_id = 0x00000099;
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.command_id = SMPP_ENQUIRE_LINK;
	pdu.ntlv = SMPP_TLV_MAX + 1;
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
	pdu.ntlv = 1;
	pdu.tlv[0].len = 2;		/* and no value */
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
}

/* a PDU longer than SMPP_PDU_MAX is never written */
static void
test_encode_max(void **state)
{
	static uint8_t	 big[8192];
	struct smpp_pdu	 pdu;
	static uint8_t	 wire[2 * SMPP_PDU_MAX];

	(void)state;
	memset(&pdu, 0, sizeof(pdu));
	pdu.command_id = SMPP_ENQUIRE_LINK;
	assert_int_equal(smpp_tlv_add(&pdu, 0x1400, big, sizeof(big)), 0);
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)),
	    16 + 4 + sizeof(big));
	assert_int_equal(smpp_tlv_add(&pdu, 0x1401, big, sizeof(big)), 0);
	assert_int_equal(smpp_encode(&pdu, wire, sizeof(wire)), -1);
}

/* command_length under 16, over the most, other than the buffer */
static void
test_decode_lengths(void **state)
{
	struct smpp_pdu	 pdu;
	uint8_t		 buf[SMPP_PDU_MAX + 16];
	uint32_t	 status;
	size_t		 n;

	(void)state;
	n = pdu_raw(buf, SMPP_ENQUIRE_LINK, 0, 9, NULL, 0);
	decode_fails(buf, 0, SMPP_ESME_RINVCMDLEN);
	decode_fails(buf, 8, SMPP_ESME_RINVCMDLEN);
	decode_fails(buf, n - 1, SMPP_ESME_RINVCMDLEN);
	buf[3] = 15;			/* command_length 15, 16 given */
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
	buf[3] = 20;			/* 20, 16 given: the header is read */
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), -1);
	assert_int_equal(status, SMPP_ESME_RINVCMDLEN);
	assert_int_equal(pdu.command_id, SMPP_ENQUIRE_LINK);
	assert_int_equal(pdu.sequence, 9);

	memset(buf, 0, sizeof(buf));
	(void)pdu_raw(buf, SMPP_ENQUIRE_LINK, 0, 1, NULL, 0);
	buf[2] = 0x40;			/* 16400 > SMPP_PDU_MAX */
	buf[3] = 0x10;
	decode_fails(buf, 16400, SMPP_ESME_RINVCMDLEN);
	/* exactly SMPP_PDU_MAX is one TLV of the rest */
	buf[2] = 0x40;
	buf[3] = 0x00;
	buf[16] = 0x14;
	buf[18] = (SMPP_PDU_MAX - 20) >> 8;
	buf[19] = (SMPP_PDU_MAX - 20) & 0xff;
	assert_int_equal(smpp_decode(buf, SMPP_PDU_MAX, &pdu, &status), 0);
	assert_int_equal(pdu.tlv[0].len, SMPP_PDU_MAX - 20);
}

/* C-octet strings: their NUL within the PDU and within their maximum */
static void
test_decode_strings(void **state)
{
	static const uint8_t	 bind[] = "sixteen_chars_id\0pw\0\0\x34\0\0";
	static const uint8_t	 pw[] = "id\0ninechars\0\0\x34\0\0";
	static const uint8_t	 max[] = "fifteen_chars_i\0pw\0\0\x34\0\0";
	struct smpp_pdu		 pdu;
	uint8_t			 buf[256];
	uint32_t		 status;
	size_t			 n;

	(void)state;
	/* message_id "abc" and no NUL before the end */
	n = pdu_raw(buf, SMPP_SUBMIT_SM | SMPP_RESP, 0, 1, "abc", 3);
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
	n = pdu_raw(buf, SMPP_BIND_TRANSCEIVER, 0, 1, bind, sizeof(bind));
	decode_fails(buf, n, SMPP_ESME_RINVSYSID);
	n = pdu_raw(buf, SMPP_BIND_TRANSCEIVER, 0, 1, pw, sizeof(pw));
	decode_fails(buf, n, SMPP_ESME_RINVPASWD);
	n = pdu_raw(buf, SMPP_BIND_TRANSCEIVER, 0, 1, max, sizeof(max));
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_string_equal(pdu.body.bind.system_id, "fifteen_chars_i");
	/* the bind cut before address_range */
	n = pdu_raw(buf, SMPP_BIND_TRANSCEIVER, 0, 1, max, sizeof(max) - 1);
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
	/* a bind_resp's system_id of 16 */
	n = pdu_raw(buf, SMPP_BIND_TRANSMITTER | SMPP_RESP, 0, 1,
	    "sixteen_chars_id", 17);
	decode_fails(buf, n, SMPP_ESME_RINVSYSID);
}

/* a submit_sm body up to sm_length, which is then n */
static size_t
sm_body(uint8_t *b, uint8_t sm_length)
{
	static const uint8_t	 head[] = { 0, 1, 1, '1', '2', 0, 1, 1, '3', 0,
	    0, 0, 0, 0, 0, 1, 0, 0, 0 };

	memcpy(b, head, sizeof(head));
	b[sizeof(head)] = sm_length;
	return sizeof(head) + 1;
}

/* sm_length past the PDU or over 254; a source_addr over 20 */
static void
test_decode_sm(void **state)
{
	struct smpp_pdu	 pdu;
	uint8_t		 body[300], buf[400];
	uint32_t	 status;
	size_t		 n, b;

	(void)state;
	b = sm_body(body, 4);
	memcpy(body + b, "abcd", 4);
	n = pdu_raw(buf, SMPP_DELIVER_SM, 0, 1, body, b + 4);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_memory_equal(pdu.body.sm.short_message, "abcd", 4);
	assert_string_equal(pdu.body.sm.source_addr, "12");
	n = pdu_raw(buf, SMPP_DELIVER_SM, 0, 1, body, b + 3);
	decode_fails(buf, n, SMPP_ESME_RINVMSGLEN);
	b = sm_body(body, 255);
	memset(body + b, 'x', 255);
	n = pdu_raw(buf, SMPP_SUBMIT_SM, 0, 1, body, b + 255);
	decode_fails(buf, n, SMPP_ESME_RINVMSGLEN);
	/* cut before sm_length */
	n = pdu_raw(buf, SMPP_SUBMIT_SM, 0, 1, body, b - 1);
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
	/* source_addr of 21 characters */
	memset(body, 0, sizeof(body));
	memset(body + 3, '7', 21);
	n = pdu_raw(buf, SMPP_SUBMIT_SM, 0, 1, body, 60);
	decode_fails(buf, n, SMPP_ESME_RINVSRCADR);
}

/* TLVs must fill the rest of the PDU exactly; only SMPP_TLV_MAX are kept */
static void
test_decode_tlvs(void **state)
{
	static const uint8_t	 cut_header[] = { 0x04, 0x27, 0x00 };
	static const uint8_t	 too_long[] = { 0x04, 0x27, 0x00, 0x02, 0x02 };
	static const uint8_t	 two[] = { 0x04, 0x27, 0x00, 0x01, 0x02,
	    0x00, 0x1e, 0x00, 0x00 };
	struct smpp_pdu		 pdu;
	uint8_t			 body[200], buf[300];
	uint32_t		 status;
	size_t			 n, i;

	(void)state;
	n = pdu_raw(buf, SMPP_ENQUIRE_LINK, 0, 1, cut_header,
	    sizeof(cut_header));
	decode_fails(buf, n, SMPP_ESME_RINVOPTPARSTREAM);
	n = pdu_raw(buf, SMPP_ENQUIRE_LINK, 0, 1, too_long, sizeof(too_long));
	decode_fails(buf, n, SMPP_ESME_RINVOPTPARSTREAM);
	n = pdu_raw(buf, SMPP_ENQUIRE_LINK, 0, 1, two, sizeof(two));
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_int_equal(pdu.ntlv, 2);
	assert_ptr_equal(smpp_tlv_find(&pdu, SMPP_TLV_MESSAGE_STATE),
	    &pdu.tlv[0]);
	assert_int_equal(smpp_tlv_find(&pdu, SMPP_TLV_MESSAGE_STATE)->value[0],
	    2);
	assert_int_equal(smpp_tlv_find(&pdu, SMPP_TLV_RECEIPTED_MESSAGE_ID)->len,
	    0);
	assert_null(smpp_tlv_find(&pdu, SMPP_TLV_MESSAGE_PAYLOAD));
	/* twenty empty TLVs: sixteen kept, the rest read and skipped */
	memset(body, 0, sizeof(body));
	for (i = 0; i < 20; i++)
		body[i * 4 + 1] = (uint8_t)i;
	n = pdu_raw(buf, SMPP_UNBIND, 0, 1, body, 80);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_int_equal(pdu.ntlv, SMPP_TLV_MAX);
	assert_int_equal(pdu.tlv[15].tag, 15);
	n = pdu_raw(buf, SMPP_UNBIND, 0, 1, body, 81);
	decode_fails(buf, n, SMPP_ESME_RINVOPTPARSTREAM);
}

/* unknown commands; answers without their body; opaque bodies skipped */
static void
test_decode_commands(void **state)
{
	struct smpp_pdu	 pdu;
	uint8_t		 buf[64];
	uint32_t	 status;
	size_t		 n;

	(void)state;
	n = pdu_raw(buf, 0x00000099, 0, 77, NULL, 0);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), -1);
	assert_int_equal(status, SMPP_ESME_RINVCMDID);
	assert_int_equal(pdu.command_id, 0x00000099);
	assert_int_equal(pdu.sequence, 77);
	n = pdu_raw(buf, SMPP_OUTBIND | SMPP_RESP, 0, 1, NULL, 0);
	decode_fails(buf, n, SMPP_ESME_RINVCMDID);

	n = pdu_raw(buf, SMPP_SUBMIT_SM | SMPP_RESP, SMPP_ESME_RTHROTTLED, 3,
	    NULL, 0);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_int_equal(pdu.command_status, SMPP_ESME_RTHROTTLED);
	assert_string_equal(pdu.body.message_id, "");
	n = pdu_raw(buf, SMPP_BIND_TRANSCEIVER | SMPP_RESP,
	    SMPP_ESME_RBINDFAIL, 1, NULL, 0);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_string_equal(pdu.body.system_id, "");
	/* a success must carry its body; deliver_sm_resp's may go */
	n = pdu_raw(buf, SMPP_SUBMIT_SM | SMPP_RESP, 0, 3, NULL, 0);
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
	n = pdu_raw(buf, SMPP_DELIVER_SM | SMPP_RESP, 0, 3, NULL, 0);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_string_equal(pdu.body.message_id, "");

	n = pdu_raw(buf, SMPP_QUERY_SM, 0, 5, "\x01\x02\x03", 3);
	assert_int_equal(smpp_decode(buf, n, &pdu, &status), 0);
	assert_int_equal(pdu.ntlv, 0);
	n = pdu_raw(buf, SMPP_ALERT_NOTIFICATION, 0, 5, "\x01\x01", 2);
	decode_fails(buf, n, SMPP_ESME_RINVCMDLEN);
}

/* smpp_frame: nothing until the whole PDU is there */
static void
test_frame(void **state)
{
	uint8_t		 buf[64];
	size_t		 n, i, len = 0;

	(void)state;
	n = pdu_raw(buf, SMPP_SUBMIT_SM | SMPP_RESP, 0, 1, "id42", 5);
	for (i = 0; i < n; i++)
		assert_int_equal(smpp_frame(buf, i, &len), 0);
	assert_int_equal(smpp_frame(buf, n, &len), 1);
	assert_int_equal(len, n);
	assert_int_equal(smpp_frame(buf, sizeof(buf), &len), 1);
	assert_int_equal(len, n);
	buf[3] = 15;
	assert_int_equal(smpp_frame(buf, 4, &len), -1);
	buf[3] = 0;
	buf[1] = 1;			/* 65536 */
	assert_int_equal(smpp_frame(buf, 4, &len), -1);
	buf[1] = 0;
	buf[2] = 0x40;			/* 16384: the most, not yet read */
	assert_int_equal(smpp_frame(buf, sizeof(buf), &len), 0);
}

/* names for logs; smpp_tlv_add up to SMPP_TLV_MAX */
static void
test_names_and_tlv_add(void **state)
{
	struct smpp_pdu	 pdu;
	size_t		 i;

	(void)state;
	assert_string_equal(smpp_command_name(SMPP_SUBMIT_SM), "submit_sm");
	assert_string_equal(smpp_command_name(SMPP_DELIVER_SM | SMPP_RESP),
	    "deliver_sm_resp");
	assert_string_equal(smpp_command_name(SMPP_GENERIC_NACK),
	    "generic_nack");
	assert_string_equal(smpp_command_name(0x12345678), "unknown");
	assert_string_equal(smpp_status_name(SMPP_ESME_RTHROTTLED),
	    "ESME_RTHROTTLED");
	assert_string_equal(smpp_status_name(0), "ESME_ROK");
	assert_string_equal(smpp_status_name(0x400), "unknown");

	memset(&pdu, 0, sizeof(pdu));
	for (i = 0; i < SMPP_TLV_MAX; i++)
		assert_int_equal(smpp_tlv_add(&pdu, (uint16_t)i, "x", 1), 0);
	assert_int_equal(smpp_tlv_add(&pdu, 99, "x", 1), -1);
	assert_int_equal(pdu.ntlv, SMPP_TLV_MAX);
	memset(&pdu, 0, sizeof(pdu));
	assert_int_equal(smpp_tlv_add(&pdu, 1, NULL, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_bytes),
		cmocka_unit_test(test_submit_bytes),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_encode_max),
		cmocka_unit_test(test_decode_lengths),
		cmocka_unit_test(test_decode_strings),
		cmocka_unit_test(test_decode_sm),
		cmocka_unit_test(test_decode_tlvs),
		cmocka_unit_test(test_decode_commands),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_names_and_tlv_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
