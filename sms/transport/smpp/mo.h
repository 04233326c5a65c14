/*
 * mo.h - a mobile-originated SMS in a deliver_sm (a subscriber's reply,
 * "STOP"), as much of it as the relay needs: who sent it and its text.
 */
#ifndef SMSRELAY_SMPP_MO_H
#define SMSRELAY_SMPP_MO_H

#include <stddef.h>

#include "sms/transport/smpp/pdu.h"

#define SMPP_MO_FROM_MAX	22	/* "+", 20 digits, NUL */
#define SMPP_MO_TEXT_MAX	161	/* a part's characters, NUL */

struct smpp_mo {
	char	 from[SMPP_MO_FROM_MAX];	/* "+49..." for TON international */
	char	 text[SMPP_MO_TEXT_MAX];	/* ASCII; '?' for other characters */
};

/*
 * smpp_mo_parse - a deliver_sm that is a plain message (esm_class type 0)
 * into mo: 0, or -1 if it is something else (a receipt, an
 * acknowledgement) or has no sender. A UDH is skipped; GSM-7 (one octet a
 * character), IA5, Latin-1 and UCS-2 are read, other codings as octets.
 */
int	 smpp_mo_parse(const struct smpp_pdu *, struct smpp_mo *mo);

#endif
