/*
 * receipt.h - what an SMSC's delivery receipt says (a deliver_sm with the
 * receipt bit: TLVs or the text of SMPP 3.4 Appendix B), and message ids
 * matched whatever their spelling (hex, decimal, zero-padded).
 */
#ifndef SMSRELAY_SMPP_RECEIPT_H
#define SMSRELAY_SMPP_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "sms/transport/backend.h"
#include "sms/transport/smpp/pdu.h"

#define SMPP_ID_MAX	65	/* a message_id and its NUL */

struct smpp_receipt {
	char		 id[SMPP_ID_MAX];	/* as the SMSC spelled it */
	enum sms_report	 state;		/* ENROUTE, DELIVERED, EXPIRED, ... */
	char		 stat[8];	/* "DELIVRD", ... or the TLV's name */
	char		 err[8];	/* "000"; "" if not given */
	int64_t		 done;		/* done date, epoch seconds UTC; 0 */
	char		 raw[160];	/* "stat:DELIVRD err:000": for logs */
};

/*
 * smpp_receipt_parse - the receipt a deliver_sm carries: 0, or -1 if it is
 * not a receipt (esm_class without 0x04, or neither the TLVs
 * receipted_message_id and message_state nor a text with id: and stat:).
 * The TLVs win over the text where both are given, field by field.
 * The text is short_message, or message_payload when sm_length is 0; its
 * keys in any case and order, blanks around the colons, nothing read past
 * "text:". DELETED is a final failure (SMS_REPORT_UNDELIVERABLE), ACCEPTD
 * SMS_REPORT_ENROUTE, a stat word not known SMS_REPORT_UNKNOWN (stat as
 * given); err from network_error_code is its 16-bit code as "%03u". A
 * data_sm with the receipt bit is read alike.
 */
int		 smpp_receipt_parse(const struct smpp_pdu *, struct smpp_receipt *);

/*
 * smpp_id_forms - the spellings under which an SMSC may name the message
 * id: itself first, then (where they differ and apply) without leading
 * zeros, in lower case (with and without the zeros), read as hex and
 * written in decimal, read as decimal and written in hex (lower case); no
 * form twice, no number over 64 bits. At most max, each NUL-terminated;
 * returns how many were written (0 for an empty id or one over 64).
 */
size_t		 smpp_id_forms(const char *id, char (*forms)[SMPP_ID_MAX],
		    size_t max);

#endif
