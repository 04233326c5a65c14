/*
 * pdu.h - SMPP 3.4 PDUs as plain structs and their wire form: the PDUs an
 * ESME sends and answers, decoded and encoded with every length checked.
 *
 * Pure: no I/O, no allocation, no global state. A decoded PDU points into
 * the caller's buffer (C-octet strings only once their NUL is found within
 * the field's maximum and the PDU), so it lives as long as that buffer.
 */
#ifndef SMSRELAY_SMPP_PDU_H
#define SMSRELAY_SMPP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SMPP_HEADER_LEN		16
#define SMPP_PDU_MAX		(16 * 1024)	/* longest PDU read or written */
#define SMPP_SM_MAX		254		/* short_message octets */
#define SMPP_TLV_MAX		16		/* TLVs kept per PDU */
#define SMPP_INTERFACE_VERSION	0x34

/* command_id (section 5.1.2); a response is its request | SMPP_RESP */
#define SMPP_RESP			0x80000000U
#define SMPP_GENERIC_NACK		0x80000000U
#define SMPP_BIND_RECEIVER		0x00000001U
#define SMPP_BIND_TRANSMITTER		0x00000002U
#define SMPP_QUERY_SM			0x00000003U
#define SMPP_SUBMIT_SM			0x00000004U
#define SMPP_DELIVER_SM			0x00000005U
#define SMPP_UNBIND			0x00000006U
#define SMPP_REPLACE_SM			0x00000007U
#define SMPP_CANCEL_SM			0x00000008U
#define SMPP_BIND_TRANSCEIVER		0x00000009U
#define SMPP_OUTBIND			0x0000000bU
#define SMPP_ENQUIRE_LINK		0x00000015U
#define SMPP_SUBMIT_MULTI		0x00000021U
#define SMPP_ALERT_NOTIFICATION		0x00000102U
#define SMPP_DATA_SM			0x00000103U

/* command_status (section 5.1.3), those the relay sends or tells apart */
#define SMPP_ESME_ROK			0x00000000U
#define SMPP_ESME_RINVMSGLEN		0x00000001U
#define SMPP_ESME_RINVCMDLEN		0x00000002U
#define SMPP_ESME_RINVCMDID		0x00000003U
#define SMPP_ESME_RINVBNDSTS		0x00000004U
#define SMPP_ESME_RALYBND		0x00000005U
#define SMPP_ESME_RSYSERR		0x00000008U
#define SMPP_ESME_RINVSRCADR		0x0000000aU
#define SMPP_ESME_RINVDSTADR		0x0000000bU
#define SMPP_ESME_RINVMSGID		0x0000000cU
#define SMPP_ESME_RBINDFAIL		0x0000000dU
#define SMPP_ESME_RINVPASWD		0x0000000eU
#define SMPP_ESME_RINVSYSID		0x0000000fU
#define SMPP_ESME_RMSGQFUL		0x00000014U
#define SMPP_ESME_RINVSERTYP		0x00000015U
#define SMPP_ESME_RINVESMCLASS		0x00000043U
#define SMPP_ESME_RSUBMITFAIL		0x00000045U
#define SMPP_ESME_RINVSRCTON		0x00000048U
#define SMPP_ESME_RINVSRCNPI		0x00000049U
#define SMPP_ESME_RINVDSTTON		0x00000050U
#define SMPP_ESME_RINVDSTNPI		0x00000051U
#define SMPP_ESME_RINVSYSTYP		0x00000053U
#define SMPP_ESME_RTHROTTLED		0x00000058U
#define SMPP_ESME_RINVSCHED		0x00000061U
#define SMPP_ESME_RINVEXPIRY		0x00000062U
#define SMPP_ESME_RX_T_APPN		0x00000064U
#define SMPP_ESME_RX_P_APPN		0x00000065U
#define SMPP_ESME_RX_R_APPN		0x00000066U
#define SMPP_ESME_RINVOPTPARSTREAM	0x000000c0U
#define SMPP_ESME_ROPTPARNOTALLWD	0x000000c1U
#define SMPP_ESME_RINVPARLEN		0x000000c2U
#define SMPP_ESME_RMISSINGOPTPARAM	0x000000c3U
#define SMPP_ESME_RINVOPTPARAMVAL	0x000000c4U
#define SMPP_ESME_RDELIVERYFAILURE	0x000000feU
#define SMPP_ESME_RUNKNOWNERR		0x000000ffU

/* TLV tags (section 5.3.2) the relay writes or reads */
#define SMPP_TLV_RECEIPTED_MESSAGE_ID	0x001eU
#define SMPP_TLV_USER_MESSAGE_REFERENCE	0x0204U
#define SMPP_TLV_SAR_MSG_REF_NUM	0x020cU
#define SMPP_TLV_SAR_TOTAL_SEGMENTS	0x020eU
#define SMPP_TLV_SAR_SEGMENT_SEQNUM	0x020fU
#define SMPP_TLV_SC_INTERFACE_VERSION	0x0210U
#define SMPP_TLV_NETWORK_ERROR_CODE	0x0423U
#define SMPP_TLV_MESSAGE_PAYLOAD	0x0424U
#define SMPP_TLV_MESSAGE_STATE		0x0427U

/* esm_class bits and registered_delivery values used by the relay */
#define SMPP_ESM_UDHI			0x40U	/* short_message starts with a UDH */
#define SMPP_ESM_TYPE_MASK		0x3cU
#define SMPP_ESM_DELIVERY_RECEIPT	0x04U	/* deliver_sm: an SMSC receipt */
#define SMPP_REGISTERED_FINAL		0x01U	/* receipt on success or failure */

/* data_coding values */
#define SMPP_DC_DEFAULT			0x00U	/* SMSC default: GSM 03.38 */
#define SMPP_DC_UCS2			0x08U

/* message_state values (section 5.2.28) */
enum smpp_message_state {
	SMPP_STATE_ENROUTE = 1, SMPP_STATE_DELIVERED, SMPP_STATE_EXPIRED,
	SMPP_STATE_DELETED, SMPP_STATE_UNDELIVERABLE, SMPP_STATE_ACCEPTED,
	SMPP_STATE_UNKNOWN, SMPP_STATE_REJECTED
};

/* a TLV; value points into the decoded buffer or the caller's memory */
struct smpp_tlv {
	uint16_t	 tag;
	uint16_t	 len;
	const uint8_t	*value;
};

/* bind_transmitter, bind_receiver, bind_transceiver (section 4.1) */
struct smpp_bind {
	const char	*system_id;		/* max 15 */
	const char	*password;		/* max 8 */
	const char	*system_type;		/* max 12 */
	uint8_t		 interface_version;
	uint8_t		 addr_ton;
	uint8_t		 addr_npi;
	const char	*address_range;		/* max 40 */
};

/* submit_sm and deliver_sm share their body (sections 4.4.1, 4.6.1) */
struct smpp_sm {
	const char	*service_type;		/* max 5 */
	uint8_t		 source_addr_ton;
	uint8_t		 source_addr_npi;
	const char	*source_addr;		/* max 20 */
	uint8_t		 dest_addr_ton;
	uint8_t		 dest_addr_npi;
	const char	*destination_addr;	/* max 20 */
	uint8_t		 esm_class;
	uint8_t		 protocol_id;
	uint8_t		 priority_flag;
	const char	*schedule_delivery_time; /* "" or 16 characters */
	const char	*validity_period;	/* "" or 16 characters */
	uint8_t		 registered_delivery;
	uint8_t		 replace_if_present_flag;
	uint8_t		 data_coding;
	uint8_t		 sm_default_msg_id;
	uint8_t		 sm_length;
	const uint8_t	*short_message;		/* sm_length octets */
};

/*
 * One PDU. Which member of body holds depends on command_id: bind (the
 * three binds), bind_resp (their responses), sm (submit_sm, deliver_sm),
 * message_id (submit_sm_resp; deliver_sm_resp's is empty); the others
 * have no body. A response with a non-zero status may come without its
 * body: then its strings are "" (never NULL after a decode).
 * Also: outbind's system_id and password are in bind (the rest ""); data_sm
 * fills the fields of sm it has (addresses up to 64), data_sm_resp
 * message_id; alert_notification's source and esme_addr are sm's source
 * and destination. query_sm, replace_sm, cancel_sm, submit_multi and their
 * responses are decoded to the header only and cannot be encoded.
 */
struct smpp_pdu {
	uint32_t	 command_id;
	uint32_t	 command_status;
	uint32_t	 sequence;
	union {
		struct smpp_bind	 bind;
		const char		*system_id;	/* bind_*_resp, max 15 */
		struct smpp_sm		 sm;
		const char		*message_id;	/* submit_sm_resp, max 64 */
	} body;
	struct smpp_tlv	 tlv[SMPP_TLV_MAX];
	size_t		 ntlv;
};

/*
 * smpp_frame - whether buf (avail octets read so far) starts with a whole
 * PDU: 1 and its length in *len, 0 if more must be read, -1 if the
 * command_length cannot be (under 16 or over SMPP_PDU_MAX): the stream is
 * lost and the connection must close.
 */
int		 smpp_frame(const uint8_t *buf, size_t avail, size_t *len);

/*
 * smpp_decode - the PDU in buf[0..len) (one whole frame). 0 on success;
 * -1 if it is malformed, with the command_status to answer it with in
 * *status (ESME_RINVCMDLEN, ESME_RINVCMDID for an unknown command,
 * ESME_RINVMSGLEN, ESME_RINVOPTPARSTREAM, ...) and the header fields of
 * out set as far as they could be read. Unknown TLVs are kept up to
 * SMPP_TLV_MAX and then skipped; a TLV that runs past the PDU is an error.
 * The statuses: RINVCMDLEN for a command_length under 16, over
 * SMPP_PDU_MAX or other than len, and for a field the PDU cuts short (a
 * C-octet string without its NUL before the end included); a string whose
 * NUL is not within its maximum + 1 the field's own (RINVSYSID,
 * RINVPASWD, RINVSYSTYP, RINVSRCADR, RINVDSTADR, RINVSERTYP, RINVSCHED,
 * RINVEXPIRY, RINVMSGID; RINVPARLEN for address_range); RINVMSGLEN for an
 * sm_length over 254 or past the PDU; RINVOPTPARSTREAM for a TLV cut short.
 * Any command may carry TLVs after its mandatory fields.
 */
int		 smpp_decode(const uint8_t *buf, size_t len, struct smpp_pdu *out,
		    uint32_t *status);

/*
 * smpp_encode - the wire form of pdu into out (cap octets): its length, or
 * -1 if a field is longer than SMPP 3.4 allows (a NULL string is empty) or
 * the PDU does not fit. command_length is computed, not taken from pdu.
 */
ssize_t		 smpp_encode(const struct smpp_pdu *pdu, uint8_t *out, size_t cap);

/* smpp_tlv_find - the first TLV with that tag, or NULL */
const struct smpp_tlv *smpp_tlv_find(const struct smpp_pdu *, uint16_t tag);
/* smpp_tlv_add - append a TLV (value is not copied); -1 if full */
int		 smpp_tlv_add(struct smpp_pdu *, uint16_t tag, const void *value,
		    uint16_t len);

/* smpp_command_name - "submit_sm", "submit_sm_resp", ..., or "unknown" */
const char	*smpp_command_name(uint32_t command_id);
/* smpp_status_name - "ESME_RTHROTTLED", ..., or "unknown" */
const char	*smpp_status_name(uint32_t command_status);

#endif
