/*
 * test_smpp_receipt.c - delivery receipts as SMSCs really send them (TLVs,
 * Appendix B text in its many spellings) and the forms of a message id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/receipt.h"

/* receipt_pdu - a deliver_sm with the receipt bit carrying text */
static void
receipt_pdu(struct smpp_pdu *pdu, const char *text)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->command_id = SMPP_DELIVER_SM;
	pdu->body.sm.esm_class = SMPP_ESM_DELIVERY_RECEIPT;
	pdu->body.sm.short_message = (const uint8_t *)text;
	pdu->body.sm.sm_length = (uint8_t)strlen(text);
}

/* parse_text - the receipt of text, which must be one */
static void
parse_text(const char *text, struct smpp_receipt *rc)
{
	struct smpp_pdu	 pdu;

	receipt_pdu(&pdu, text);
	assert_int_equal(smpp_receipt_parse(&pdu, rc), 0);
}

/* the TLVs alone, after a trip over the wire; the id without its NUL */
static void
test_tlv_receipt(void **state)
{
	static const uint8_t	 delivered = SMPP_STATE_DELIVERED;
	static const uint8_t	 neterr[3] = { 0x03, 0x00, 0x05 };
	struct smpp_pdu		 pdu, in;
	struct smpp_receipt	 rc;
	uint8_t			 wire[512];
	uint32_t		 status;
	ssize_t			 n;

	(void)state;
	receipt_pdu(&pdu, "");
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_RECEIPTED_MESSAGE_ID,
	    "A1B2", 4), 0);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_STATE, &delivered,
	    1), 0);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_NETWORK_ERROR_CODE,
	    neterr, 3), 0);
	assert_true((n = smpp_encode(&pdu, wire, sizeof(wire))) > 0);
	assert_int_equal(smpp_decode(wire, (size_t)n, &in, &status), 0);
	assert_int_equal(smpp_receipt_parse(&in, &rc), 0);
	assert_string_equal(rc.id, "A1B2");
	assert_int_equal(rc.state, SMS_REPORT_DELIVERED);
	assert_string_equal(rc.stat, "DELIVRD");
	assert_string_equal(rc.err, "005");
	assert_int_equal(rc.done, 0);
	assert_string_equal(rc.raw, "stat:DELIVRD err:005");

	/* with its NUL, a state out of range falls back to the text: none */
	pdu.tlv[0].value = (const uint8_t *)"77\0";
	pdu.tlv[0].len = 3;
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
	assert_string_equal(rc.id, "77");
	pdu.tlv[1].value = (const uint8_t *)"\x09";
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	pdu.tlv[1].value = (const uint8_t *)"\x04\x04";
	pdu.tlv[1].len = 2;
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
}

/* each message_state; DELETED is a final failure */
static void
test_tlv_states(void **state)
{
	static const struct {
		uint8_t		 value;
		enum sms_report	 report;
		const char	*stat;
	} cases[] = {
		{ SMPP_STATE_ENROUTE, SMS_REPORT_ENROUTE, "ENROUTE" },
		{ SMPP_STATE_DELIVERED, SMS_REPORT_DELIVERED, "DELIVRD" },
		{ SMPP_STATE_EXPIRED, SMS_REPORT_EXPIRED, "EXPIRED" },
		{ SMPP_STATE_DELETED, SMS_REPORT_UNDELIVERABLE, "DELETED" },
		{ SMPP_STATE_UNDELIVERABLE, SMS_REPORT_UNDELIVERABLE,
		    "UNDELIV" },
		{ SMPP_STATE_ACCEPTED, SMS_REPORT_ENROUTE, "ACCEPTD" },
		{ SMPP_STATE_UNKNOWN, SMS_REPORT_UNKNOWN, "UNKNOWN" },
		{ SMPP_STATE_REJECTED, SMS_REPORT_REJECTED, "REJECTD" },
	};
	struct smpp_pdu		 pdu;
	struct smpp_receipt	 rc;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		receipt_pdu(&pdu, "");
		assert_int_equal(smpp_tlv_add(&pdu,
		    SMPP_TLV_RECEIPTED_MESSAGE_ID, "1", 1), 0);
		assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_STATE,
		    &cases[i].value, 1), 0);
		assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
		assert_int_equal(rc.state, cases[i].report);
		assert_string_equal(rc.stat, cases[i].stat);
		assert_string_equal(rc.err, "");
	}
}

/* the TLVs win over the text, field by field */
static void
test_tlv_wins(void **state)
{
	static const uint8_t	 expired = SMPP_STATE_EXPIRED;
	struct smpp_pdu		 pdu;
	struct smpp_receipt	 rc;

	(void)state;
	receipt_pdu(&pdu, "id:111 sub:001 dlvrd:000 submit date:2412011230 "
	    "done date:2412011231 stat:UNDELIV err:034 text:");
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_STATE, &expired,
	    1), 0);
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
	assert_string_equal(rc.id, "111");	/* no TLV id: the text's */
	assert_int_equal(rc.state, SMS_REPORT_EXPIRED);
	assert_string_equal(rc.stat, "EXPIRED");
	assert_string_equal(rc.err, "034");	/* no TLV error: the text's */
	assert_int_equal(rc.done, 1733056260);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_RECEIPTED_MESSAGE_ID,
	    "222", 4), 0);
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
	assert_string_equal(rc.id, "222");
}

/* Appendix B as Kannel and most SMSCs write it, the text not read */
static void
test_text_kannel(void **state)
{
	struct smpp_receipt	 rc;

	(void)state;
	parse_text("id:0123456789 sub:001 dlvrd:001 submit date:2412011230 "
	    "done date:2412011231 stat:DELIVRD err:000 text:Hello stat:REJECTD",
	    &rc);
	assert_string_equal(rc.id, "0123456789");
	assert_int_equal(rc.state, SMS_REPORT_DELIVERED);
	assert_string_equal(rc.stat, "DELIVRD");
	assert_string_equal(rc.err, "000");
	assert_int_equal(rc.done, 1733056260);
	assert_string_equal(rc.raw, "stat:DELIVRD err:000");

	/* the same in message_payload, short_message empty */
	{
		static const char	 text[] = "id:5 stat:REJECTD err:0A1";
		struct smpp_pdu		 pdu;

		receipt_pdu(&pdu, "");
		assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_MESSAGE_PAYLOAD,
		    text, sizeof(text) - 1), 0);
		assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
		assert_string_equal(rc.id, "5");
		assert_int_equal(rc.state, SMS_REPORT_REJECTED);
		assert_string_equal(rc.err, "0A1");
	}
}

/* lower case, blanks around colons, seconds, another order, "_" for " " */
static void
test_text_liberal(void **state)
{
	struct smpp_receipt	 rc;

	(void)state;
	parse_text("stat : delivered   ID: 00000000000a1b2c  "
	    "Done_Date:241201123145\r\nsubmit   date:241201123000 Err:7", &rc);
	assert_string_equal(rc.id, "00000000000a1b2c");
	assert_int_equal(rc.state, SMS_REPORT_DELIVERED);
	assert_string_equal(rc.stat, "DELIVRD");
	assert_string_equal(rc.err, "7");
	assert_int_equal(rc.done, 1733056305);

	/* no err, no dates, trailing words; an empty value is not the next */
	parse_text("id:77 sub:1 stat:EXPIRED", &rc);
	assert_string_equal(rc.id, "77");
	assert_int_equal(rc.state, SMS_REPORT_EXPIRED);
	assert_string_equal(rc.err, "");
	assert_int_equal(rc.done, 0);
	assert_string_equal(rc.raw, "stat:EXPIRED");
	parse_text("id:9 err: stat:UNDELIV text: whatever it was", &rc);
	assert_string_equal(rc.err, "");
	assert_int_equal(rc.state, SMS_REPORT_UNDELIVERABLE);

	/* a leap day; a month 13 and a 30 February are no date */
	parse_text("id:1 done date:2402292359 stat:DELIVRD", &rc);
	assert_int_equal(rc.done, 1709251140);
	parse_text("id:1 done date:2413011231 stat:DELIVRD", &rc);
	assert_int_equal(rc.done, 0);
	parse_text("id:1 done date:2302291200 stat:DELIVRD", &rc);
	assert_int_equal(rc.done, 0);
	parse_text("id:1 done date:9912312359 stat:DELIVRD", &rc);
	assert_int_equal(rc.done, 4102444740);
	parse_text("id:1 done date:24120112 stat:DELIVRD", &rc);
	assert_int_equal(rc.done, 0);
}

/* every stat: word, short and long, and one nobody knows */
static void
test_text_stats(void **state)
{
	static const struct {
		const char	*word;
		enum sms_report	 report;
		const char	*stat;
	} cases[] = {
		{ "DELIVRD", SMS_REPORT_DELIVERED, "DELIVRD" },
		{ "Delivered", SMS_REPORT_DELIVERED, "DELIVRD" },
		{ "EXPIRED", SMS_REPORT_EXPIRED, "EXPIRED" },
		{ "DELETED", SMS_REPORT_UNDELIVERABLE, "DELETED" },
		{ "UNDELIV", SMS_REPORT_UNDELIVERABLE, "UNDELIV" },
		{ "undeliverable", SMS_REPORT_UNDELIVERABLE, "UNDELIV" },
		{ "ACCEPTD", SMS_REPORT_ENROUTE, "ACCEPTD" },
		{ "ACCEPTED", SMS_REPORT_ENROUTE, "ACCEPTD" },
		{ "UNKNOWN", SMS_REPORT_UNKNOWN, "UNKNOWN" },
		{ "REJECTD", SMS_REPORT_REJECTED, "REJECTD" },
		{ "rejected", SMS_REPORT_REJECTED, "REJECTD" },
		{ "ENROUTE", SMS_REPORT_ENROUTE, "ENROUTE" },
		{ "FAILEDXYZ", SMS_REPORT_UNKNOWN, "FAILEDX" },
	};
	struct smpp_receipt	 rc;
	char			 text[64];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(text, sizeof(text), "id:42 stat:%s err:000",
		    cases[i].word);
		parse_text(text, &rc);
		assert_int_equal(rc.state, cases[i].report);
		assert_string_equal(rc.stat, cases[i].stat);
	}
	/* what the SMSC wrote goes to the logs escaped */
	parse_text("id:42 stat:B\x01\\D err:\x7f", &rc);
	assert_string_equal(rc.raw, "stat:B\\x01\\x5cD err:\\x7f");
}

/* not receipts: another esm_class, another command, no id or no stat */
static void
test_not_receipts(void **state)
{
	struct smpp_pdu		 pdu;
	struct smpp_receipt	 rc;

	(void)state;
	receipt_pdu(&pdu, "id:1 stat:DELIVRD");
	pdu.body.sm.esm_class = 0;
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	pdu.body.sm.esm_class = SMPP_ESM_UDHI | 0x08;	/* SME ack */
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	pdu.body.sm.esm_class = SMPP_ESM_UDHI | SMPP_ESM_DELIVERY_RECEIPT;
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), 0);
	pdu.command_id = SMPP_SUBMIT_SM;
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);

	receipt_pdu(&pdu, "sub:001 dlvrd:001 stat:DELIVRD err:000");
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	receipt_pdu(&pdu, "id:1 sub:001 dlvrd:001 err:000 text:stat:DELIVRD");
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	receipt_pdu(&pdu, "xid:1 xstat:DELIVRD");
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	receipt_pdu(&pdu, "Your message to 4477 was delivered");
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	/* an id longer than any message_id */
	receipt_pdu(&pdu, "id:0123456789012345678901234567890123456789"
	    "01234567890123456789012345 stat:DELIVRD");
	assert_int_equal(smpp_receipt_parse(&pdu, &rc), -1);
	assert_string_equal(rc.id, "");
}

/* forms_are - smpp_id_forms(id) gives exactly the n forms of want */
static void
forms_are(const char *id, const char *const *want, size_t n)
{
	char	 forms[8][SMPP_ID_MAX];
	size_t	 i;

	assert_int_equal(smpp_id_forms(id, forms, 8), n);
	for (i = 0; i < n; i++)
		assert_string_equal(forms[i], want[i]);
}

/* the spellings a message id comes back under */
static void
test_id_forms(void **state)
{
	static const char *const	 hex[] = { "0000A1B2", "A1B2",
	    "0000a1b2", "a1b2", "41394" };
	static const char *const	 dec[] = { "12345", "74565", "3039" };
	static const char *const	 padded[] = { "0012345", "12345",
	    "74565", "3039" };
	static const char *const	 lower[] = { "abc", "2748" };
	static const char *const	 zero[] = { "0" };
	static const char *const	 zeros[] = { "000", "0" };
	static const char *const	 long_hex[] = { "1FFFFFFFFFFFFFFFF",
	    "1ffffffffffffffff" };	/* 17 hex digits: no number */
	static const char *const	 u64max[] = { "18446744073709551615",
	    "ffffffffffffffff" };
	static const char *const	 over[] = { "18446744073709551616" };
	static const char *const	 uuid[] = { "a-b-c" };
	char				 forms[8][SMPP_ID_MAX];

	(void)state;
	forms_are("0000A1B2", hex, 5);
	forms_are("12345", dec, 3);
	forms_are("0012345", padded, 4);
	forms_are("abc", lower, 2);
	forms_are("0", zero, 1);
	forms_are("000", zeros, 2);
	forms_are("1FFFFFFFFFFFFFFFF", long_hex, 2);
	forms_are("18446744073709551615", u64max, 2);
	forms_are("18446744073709551616", over, 1);
	forms_are("a-b-c", uuid, 1);
	assert_int_equal(smpp_id_forms("", forms, 8), 0);
	assert_int_equal(smpp_id_forms(NULL, forms, 8), 0);
	assert_int_equal(smpp_id_forms("0000A1B2", forms, 2), 2);
	assert_string_equal(forms[1], "A1B2");
	assert_int_equal(smpp_id_forms("0000A1B2", forms, 0), 0);
	assert_int_equal(smpp_id_forms("0123456789012345678901234567890123456"
	    "7890123456789012345678901234", forms, 8), 0);	/* 65 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlv_receipt),
		cmocka_unit_test(test_tlv_states),
		cmocka_unit_test(test_tlv_wins),
		cmocka_unit_test(test_text_kannel),
		cmocka_unit_test(test_text_liberal),
		cmocka_unit_test(test_text_stats),
		cmocka_unit_test(test_not_receipts),
		cmocka_unit_test(test_id_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
