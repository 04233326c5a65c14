/*
 * test_smpp_client.c - the SMPP client's pure parts: command_status to
 * sms_result, and the bounded table of message ids receipts are matched to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/sent_ids.h"
#include "sms/transport/smpp/status_map.h"

/* test_status_map - the classes the issue names, and the nack rule */
static void
test_status_map(void **state)
{
	static const struct {
		uint32_t	 status;
		enum sms_result	 result;
	} cases[] = {
		{ SMPP_ESME_ROK, SMS_SENT },
		{ SMPP_ESME_RINVDSTADR, SMS_BADNUMBER },
		{ SMPP_ESME_RINVDSTTON, SMS_BADNUMBER },
		{ SMPP_ESME_RINVDSTNPI, SMS_BADNUMBER },
		{ SMPP_ESME_RTHROTTLED, SMS_THROTTLED },
		{ SMPP_ESME_RMSGQFUL, SMS_THROTTLED },
		{ SMPP_ESME_RSYSERR, SMS_TEMPFAIL },
		{ SMPP_ESME_RSUBMITFAIL, SMS_TEMPFAIL },
		{ SMPP_ESME_RX_T_APPN, SMS_TEMPFAIL },
		{ SMPP_ESME_RDELIVERYFAILURE, SMS_TEMPFAIL },
		{ SMPP_ESME_RUNKNOWNERR, SMS_TEMPFAIL },
		{ SMPP_ESME_RINVSRCADR, SMS_PERMFAIL },
		{ SMPP_ESME_RINVESMCLASS, SMS_PERMFAIL },
		{ SMPP_ESME_RINVMSGLEN, SMS_PERMFAIL },
		{ SMPP_ESME_RX_P_APPN, SMS_PERMFAIL },
		{ 0x400, SMS_PERMFAIL },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (smpp_status_result(cases[i].status) != cases[i].result)
			fail_msg("status 0x%x: %s, want %s", cases[i].status,
			    sms_result_name(smpp_status_result(
			    cases[i].status)), sms_result_name(cases[i].result));
	/* a generic_nack is never final: the SMSC did not read the PDU */
	assert_int_equal(smpp_nack_result(SMPP_ESME_RINVCMDLEN), SMS_TEMPFAIL);
	assert_int_equal(smpp_nack_result(SMPP_ESME_RINVDSTADR), SMS_TEMPFAIL);
	assert_int_equal(smpp_nack_result(SMPP_ESME_RTHROTTLED), SMS_THROTTLED);
	assert_string_equal(smpp_bind_failure(SMPP_ESME_RINVPASWD),
	    "wrong password");
}

/* test_sent_ids_evict - the oldest id goes first; the newest stay */
static void
test_sent_ids_evict(void **state)
{
	struct sent_ids	*t;
	char		 id[16];
	int		 i;

	(void)state;
	assert_non_null(t = sent_ids_new(100));
	for (i = 0; i < 250; i++) {
		snprintf(id, sizeof(id), "%x", i);
		assert_int_equal(sent_ids_add(t, id), 0);
	}
	for (i = 0; i < 250; i++) {
		snprintf(id, sizeof(id), "%x", i);
		if (sent_ids_has(t, id) != (i >= 150))
			fail_msg("id %s: has=%d at %d", id, sent_ids_has(t, id),
			    i);
	}
	/* adding one again does not take a second slot */
	assert_int_equal(sent_ids_add(t, "f9"), 0);
	assert_true(sent_ids_has(t, "96"));
	assert_false(sent_ids_has(t, "F9"));
	sent_ids_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_map),
		cmocka_unit_test(test_sent_ids_evict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
