/*
 * fuzz_smpp_pdu.c - libFuzzer target: bytes from an SMSC framed, decoded,
 * encoded and decoded again to the same PDU, and read as a delivery receipt.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/mo.h"
#include "sms/transport/smpp/receipt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* same_str - both strings there and equal */
static void
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL || strcmp(a, b) != 0)
		abort();
}

/* same_bind - the binds' and outbind's body */
static void
same_bind(const struct smpp_bind *a, const struct smpp_bind *b)
{
	same_str(a->system_id, b->system_id);
	same_str(a->password, b->password);
	same_str(a->system_type, b->system_type);
	same_str(a->address_range, b->address_range);
	if (a->interface_version != b->interface_version ||
	    a->addr_ton != b->addr_ton || a->addr_npi != b->addr_npi)
		abort();
}

/* same_sm - submit_sm, deliver_sm, data_sm, alert_notification */
static void
same_sm(const struct smpp_sm *a, const struct smpp_sm *b)
{
	same_str(a->service_type, b->service_type);
	same_str(a->source_addr, b->source_addr);
	same_str(a->destination_addr, b->destination_addr);
	same_str(a->schedule_delivery_time, b->schedule_delivery_time);
	same_str(a->validity_period, b->validity_period);
	if (a->source_addr_ton != b->source_addr_ton ||
	    a->source_addr_npi != b->source_addr_npi ||
	    a->dest_addr_ton != b->dest_addr_ton ||
	    a->dest_addr_npi != b->dest_addr_npi ||
	    a->esm_class != b->esm_class || a->protocol_id != b->protocol_id ||
	    a->priority_flag != b->priority_flag ||
	    a->registered_delivery != b->registered_delivery ||
	    a->replace_if_present_flag != b->replace_if_present_flag ||
	    a->data_coding != b->data_coding ||
	    a->sm_default_msg_id != b->sm_default_msg_id ||
	    a->sm_length != b->sm_length || a->sm_length > SMPP_SM_MAX ||
	    a->short_message == NULL || b->short_message == NULL ||
	    memcmp(a->short_message, b->short_message, a->sm_length) != 0)
		abort();
}

/* same_body - the member of body command_id names */
static void
same_body(uint32_t command_id, const struct smpp_pdu *a,
    const struct smpp_pdu *b)
{
	switch (command_id) {
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_TRANSCEIVER:
	case SMPP_OUTBIND:
		same_bind(&a->body.bind, &b->body.bind);
		break;
	case SMPP_BIND_RECEIVER | SMPP_RESP:
	case SMPP_BIND_TRANSMITTER | SMPP_RESP:
	case SMPP_BIND_TRANSCEIVER | SMPP_RESP:
		same_str(a->body.system_id, b->body.system_id);
		break;
	case SMPP_SUBMIT_SM:
	case SMPP_DELIVER_SM:
	case SMPP_DATA_SM:
	case SMPP_ALERT_NOTIFICATION:
		same_sm(&a->body.sm, &b->body.sm);
		break;
	case SMPP_SUBMIT_SM | SMPP_RESP:
	case SMPP_DELIVER_SM | SMPP_RESP:
	case SMPP_DATA_SM | SMPP_RESP:
		same_str(a->body.message_id, b->body.message_id);
		break;
	default:
		break;
	}
}

/* same_pdu - header, body and TLVs alike */
static void
same_pdu(const struct smpp_pdu *a, const struct smpp_pdu *b)
{
	size_t	 i;

	if (a->command_id != b->command_id ||
	    a->command_status != b->command_status ||
	    a->sequence != b->sequence || a->ntlv != b->ntlv ||
	    a->ntlv > SMPP_TLV_MAX)
		abort();
	same_body(a->command_id, a, b);
	for (i = 0; i < a->ntlv; i++)
		if (a->tlv[i].tag != b->tlv[i].tag ||
		    a->tlv[i].len != b->tlv[i].len ||
		    memcmp(a->tlv[i].value, b->tlv[i].value,
		    a->tlv[i].len) != 0)
			abort();
}

/* opaque - the commands decoded to the header only, never encoded */
static int
opaque(uint32_t command_id)
{
	switch (command_id & ~SMPP_RESP) {
	case SMPP_QUERY_SM:
	case SMPP_REPLACE_SM:
	case SMPP_CANCEL_SM:
	case SMPP_SUBMIT_MULTI:
		return 1;
	default:
		return 0;
	}
}

/* check_mo - a subscriber's SMS has a sender and a printable text */
static void
check_mo(const struct smpp_pdu *pdu)
{
	struct smpp_mo	 mo;
	const char	*c;

	if (smpp_mo_parse(pdu, &mo) != 0)
		return;
	if (memchr(mo.from, '\0', sizeof(mo.from)) == NULL ||
	    mo.from[0] == '\0' ||
	    memchr(mo.text, '\0', sizeof(mo.text)) == NULL)
		abort();
	for (c = mo.text; *c != '\0'; c++)
		if (*c < 0x20 || *c > 0x7e)
			abort();
}

/* check_receipt - a receipt names an id and a state, its raw printable */
static void
check_receipt(const struct smpp_pdu *pdu)
{
	struct smpp_receipt	 rc;
	char			 forms[6][SMPP_ID_MAX];
	size_t			 n, i, j;
	const char		*c;

	if (smpp_receipt_parse(pdu, &rc) != 0)
		return;
	if (memchr(rc.id, '\0', sizeof(rc.id)) == NULL || rc.id[0] == '\0' ||
	    rc.state < SMS_REPORT_ENROUTE || rc.state > SMS_REPORT_LAST ||
	    memchr(rc.stat, '\0', sizeof(rc.stat)) == NULL ||
	    memchr(rc.err, '\0', sizeof(rc.err)) == NULL ||
	    memchr(rc.raw, '\0', sizeof(rc.raw)) == NULL || rc.done < 0)
		abort();
	for (c = rc.raw; *c != '\0'; c++)
		if (*c < 0x20 || *c >= 0x7f)
			abort();
	n = smpp_id_forms(rc.id, forms, 6);
	if (n < 1 || n > 6 || strcmp(forms[0], rc.id) != 0)
		abort();
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(forms[i], forms[j]) == 0)
				abort();
}

/* round_trip - pdu encoded and decoded again is pdu */
static void
round_trip(const struct smpp_pdu *pdu, size_t len)
{
	static uint8_t	 wire[SMPP_PDU_MAX];
	struct smpp_pdu	 again;
	uint32_t	 status;
	ssize_t		 n;

	n = smpp_encode(pdu, wire, sizeof(wire));
	if (opaque(pdu->command_id)) {
		if (n != -1)
			abort();
		return;
	}
	/*
	 * never longer (skipped TLVs are dropped, strings lose nothing) but
	 * for the NUL of a response's string that came without its body
	 */
	if (n < SMPP_HEADER_LEN || (size_t)n > len + 1)
		abort();
	if (smpp_decode(wire, (size_t)n, &again, &status) != 0 ||
	    status != SMPP_ESME_ROK)
		abort();
	same_pdu(pdu, &again);
}

/* LLVMFuzzerTestOneInput - frame, decode, round trip, receipt */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smpp_pdu	 pdu;
	uint8_t		*copy;
	uint32_t	 status;
	size_t		 len = 0;
	int		 framed;

	/* the whole input as one PDU: mostly a length that does not match */
	if (smpp_decode(data, size, &pdu, &status) != 0 &&
	    status == SMPP_ESME_ROK)
		abort();
	framed = smpp_frame(data, size, &len);
	if (framed != 1) {
		if (framed == 0 && size >= SMPP_PDU_MAX)
			abort();
		return 0;
	}
	if (len < SMPP_HEADER_LEN || len > size || len > SMPP_PDU_MAX)
		abort();
	/* a copy of the frame's size: a read past it is ASan's */
	if ((copy = malloc(len)) == NULL)
		return 0;
	memcpy(copy, data, len);
	if (smpp_decode(copy, len, &pdu, &status) == 0) {
		if (status != SMPP_ESME_ROK)
			abort();
		round_trip(&pdu, len);
		check_receipt(&pdu);
		check_mo(&pdu);
	} else if (status == SMPP_ESME_ROK)
		abort();
	free(copy);
	return 0;
}
