/*
 * status_map.h - what an SMSC's command_status means for an SMS: sent,
 * try again (here or elsewhere), slow down, or never.
 */
#ifndef SMSRELAY_SMPP_STATUS_MAP_H
#define SMSRELAY_SMPP_STATUS_MAP_H

#include <stdint.h>

#include "sms/transport/backend.h"

/* smpp_status_result - the outcome of a submit_sm answered with status */
enum sms_result	 smpp_status_result(uint32_t status);

/*
 * smpp_nack_result - the outcome of a submit_sm answered with a
 * generic_nack of status: the SMSC did not read it, so never permanent
 */
enum sms_result	 smpp_nack_result(uint32_t status);

/* smpp_bind_failure - why a bind_*_resp of status failed, for the log */
const char	*smpp_bind_failure(uint32_t status);

#endif
