/*
 * status_map.c - command_status to sms_result: invalid destinations are bad
 * numbers, throttling pauses, SMSC-side trouble is temporary, the rest final.
 */
#include <stdint.h>

#include "sms/transport/backend.h"
#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/status_map.h"

/* smpp_status_result - see status_map.h */
enum sms_result
smpp_status_result(uint32_t status)
{
	switch (status) {
	case SMPP_ESME_ROK:
		return SMS_SENT;
	case SMPP_ESME_RINVDSTADR:
	case SMPP_ESME_RINVDSTTON:
	case SMPP_ESME_RINVDSTNPI:
		return SMS_BADNUMBER;
	case SMPP_ESME_RTHROTTLED:
	case SMPP_ESME_RMSGQFUL:
		return SMS_THROTTLED;
	/* the SMSC's own trouble: it, or another backend, may take it later */
	case SMPP_ESME_RSYSERR:
	case SMPP_ESME_RSUBMITFAIL:
	case SMPP_ESME_RX_T_APPN:
	case SMPP_ESME_RDELIVERYFAILURE:
	case SMPP_ESME_RUNKNOWNERR:
	/* a session fault of ours (not bound): a new session mends it */
	case SMPP_ESME_RINVBNDSTS:
		return SMS_TEMPFAIL;
	default:
		return SMS_PERMFAIL;
	}
}

/* smpp_nack_result - see status_map.h */
enum sms_result
smpp_nack_result(uint32_t status)
{
	return smpp_status_result(status) == SMS_THROTTLED ? SMS_THROTTLED :
	    SMS_TEMPFAIL;
}

/* smpp_bind_failure - see status_map.h */
const char *
smpp_bind_failure(uint32_t status)
{
	switch (status) {
	case SMPP_ESME_RINVPASWD:
		return "wrong password";
	case SMPP_ESME_RINVSYSID:
		return "unknown system_id";
	case SMPP_ESME_RBINDFAIL:
		return "the SMSC refused the bind";
	case SMPP_ESME_RALYBND:
		return "already bound";
	case SMPP_ESME_RINVSYSTYP:
		return "invalid system_type";
	default:
		return "bind refused";
	}
}
