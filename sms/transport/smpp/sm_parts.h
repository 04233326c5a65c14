/*
 * sm_parts.h - the short messages an SMS travels in over SMPP: the text in
 * GSM 03.38 (packed or not) or UCS-2, cut where sms/convert/gsm.c cuts it,
 * with a UDH, SAR TLVs or whole in message_payload.
 */
#ifndef SMSRELAY_SMPP_SM_PARTS_H
#define SMSRELAY_SMPP_SM_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "sms/convert/gsm.h"

#define SM_PARTS_MAX	255		/* a UDH counts parts in one octet */
#define SM_PAYLOAD_MAX	(SM_PARTS_MAX * 140)
/*
 * Octets the parts of one SMS may take: unpacked GSM is the longest, 160
 * septets in a single part, UDH + 153 in each of many, 153 each with SAR
 */
#define SM_BYTES_MAX	(SM_PARTS_MAX * 160)

/* one submit_sm's worth */
struct sm_part {
	uint8_t		 esm_class;	/* SMPP_ESM_UDHI with a UDH, else 0 */
	/* SAR: sar_msg_ref_num, sar_total_segments, sar_segment_seqnum */
	uint16_t	 sar_ref;
	uint8_t		 sar_total;
	uint8_t		 sar_seq;	/* 1-based; 0: no SAR TLVs */
	/* short_message, or with payload the message_payload TLV's value */
	size_t		 len;
	const uint8_t	*data;		/* into the sm_message */
};

/*
 * An SMS as submit_sm bodies. mode SMPP_LONG_PAYLOAD gives one part whose
 * data goes in message_payload (sm_length 0); the others give as many
 * parts as gsm_split counts for the text.
 */
struct sm_message {
	uint8_t		 data_coding;	/* SMPP_DC_DEFAULT or SMPP_DC_UCS2 */
	unsigned	 nparts;
	struct sm_part	 parts[SM_PARTS_MAX];
	size_t		 used;
	uint8_t		 bytes[SM_BYTES_MAX];
};

/*
 * sm_message_build - msg for the UTF-8 text: GSM 03.38 (data_coding 0,
 * escape pairs for the extension table, septets packed when packed holds,
 * else one per octet) when every character has a GSM form, else UCS-2 big
 * endian (data_coding 8, surrogate pairs never split). ref tells one
 * concatenated message from another (UDH 8-bit reference, SAR 16-bit).
 * -1 if the text needs more than SM_PARTS_MAX parts or is empty.
 */
int		 sm_message_build(struct sm_message *msg, const char *utf8,
		    size_t len, enum smpp_long mode, bool packed, uint16_t ref);

/*
 * sm_gsm_encode - the GSM 03.38 septets of a UTF-8 text, one per octet
 * (extension characters as 0x1b and their code) into out (cap octets):
 * their count, or -1 if a character has no GSM form or out is too short
 */
ssize_t		 sm_gsm_encode(const char *utf8, size_t len, uint8_t *out,
		    size_t cap);

/*
 * sm_gsm_pack - n septets (one per octet) packed into out, after fill bits
 * of padding so the first septet starts on a septet boundary after a UDH
 * (0 without a UDH): the octets written
 */
size_t		 sm_gsm_pack(const uint8_t *septets, size_t n, unsigned fill,
		    uint8_t *out);

#endif
