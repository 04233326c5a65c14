/*
 * pdu.c - the SMPP 3.4 codec: PDUs decoded in place from the caller's buffer
 * and encoded into one, every length checked against the PDU and the spec.
 */
#include <string.h>

#include "sms/transport/smpp/pdu.h"

/* what follows the header, and where a decode keeps it */
enum body_kind {
	BODY_NONE,		/* unbind, enquire_link, generic_nack, ... */
	BODY_BIND,		/* the three binds: body.bind */
	BODY_BIND_RESP,		/* their responses: body.system_id */
	BODY_OUTBIND,		/* system_id and password in body.bind */
	BODY_SM,		/* submit_sm, deliver_sm: body.sm */
	BODY_DATA_SM,		/* the fields data_sm shares with body.sm */
	BODY_ALERT,		/* source and esme_addr as body.sm's addresses */
	BODY_MESSAGE_ID,	/* submit_sm_resp, data_sm_resp */
	BODY_DELIVER_RESP,	/* deliver_sm_resp: message_id, often left out */
	BODY_OPAQUE		/* query_sm, replace_sm, ...: header only */
};

struct command {
	uint32_t	 id;
	const char	*name;
	enum body_kind	 body;
};

static const struct command commands[] = {
	{ SMPP_GENERIC_NACK, "generic_nack", BODY_NONE },
	{ SMPP_BIND_RECEIVER, "bind_receiver", BODY_BIND },
	{ SMPP_BIND_RECEIVER | SMPP_RESP, "bind_receiver_resp",
	    BODY_BIND_RESP },
	{ SMPP_BIND_TRANSMITTER, "bind_transmitter", BODY_BIND },
	{ SMPP_BIND_TRANSMITTER | SMPP_RESP, "bind_transmitter_resp",
	    BODY_BIND_RESP },
	{ SMPP_QUERY_SM, "query_sm", BODY_OPAQUE },
	{ SMPP_QUERY_SM | SMPP_RESP, "query_sm_resp", BODY_OPAQUE },
	{ SMPP_SUBMIT_SM, "submit_sm", BODY_SM },
	{ SMPP_SUBMIT_SM | SMPP_RESP, "submit_sm_resp", BODY_MESSAGE_ID },
	{ SMPP_DELIVER_SM, "deliver_sm", BODY_SM },
	{ SMPP_DELIVER_SM | SMPP_RESP, "deliver_sm_resp", BODY_DELIVER_RESP },
	{ SMPP_UNBIND, "unbind", BODY_NONE },
	{ SMPP_UNBIND | SMPP_RESP, "unbind_resp", BODY_NONE },
	{ SMPP_REPLACE_SM, "replace_sm", BODY_OPAQUE },
	{ SMPP_REPLACE_SM | SMPP_RESP, "replace_sm_resp", BODY_OPAQUE },
	{ SMPP_CANCEL_SM, "cancel_sm", BODY_OPAQUE },
	{ SMPP_CANCEL_SM | SMPP_RESP, "cancel_sm_resp", BODY_OPAQUE },
	{ SMPP_BIND_TRANSCEIVER, "bind_transceiver", BODY_BIND },
	{ SMPP_BIND_TRANSCEIVER | SMPP_RESP, "bind_transceiver_resp",
	    BODY_BIND_RESP },
	{ SMPP_OUTBIND, "outbind", BODY_OUTBIND },
	{ SMPP_ENQUIRE_LINK, "enquire_link", BODY_NONE },
	{ SMPP_ENQUIRE_LINK | SMPP_RESP, "enquire_link_resp", BODY_NONE },
	{ SMPP_SUBMIT_MULTI, "submit_multi", BODY_OPAQUE },
	{ SMPP_SUBMIT_MULTI | SMPP_RESP, "submit_multi_resp", BODY_OPAQUE },
	{ SMPP_ALERT_NOTIFICATION, "alert_notification", BODY_ALERT },
	{ SMPP_DATA_SM, "data_sm", BODY_DATA_SM },
	{ SMPP_DATA_SM | SMPP_RESP, "data_sm_resp", BODY_MESSAGE_ID },
};

static const struct {
	uint32_t	 status;
	const char	*name;
} statuses[] = {
	{ SMPP_ESME_ROK, "ESME_ROK" },
	{ SMPP_ESME_RINVMSGLEN, "ESME_RINVMSGLEN" },
	{ SMPP_ESME_RINVCMDLEN, "ESME_RINVCMDLEN" },
	{ SMPP_ESME_RINVCMDID, "ESME_RINVCMDID" },
	{ SMPP_ESME_RINVBNDSTS, "ESME_RINVBNDSTS" },
	{ SMPP_ESME_RALYBND, "ESME_RALYBND" },
	{ SMPP_ESME_RSYSERR, "ESME_RSYSERR" },
	{ SMPP_ESME_RINVSRCADR, "ESME_RINVSRCADR" },
	{ SMPP_ESME_RINVDSTADR, "ESME_RINVDSTADR" },
	{ SMPP_ESME_RINVMSGID, "ESME_RINVMSGID" },
	{ SMPP_ESME_RBINDFAIL, "ESME_RBINDFAIL" },
	{ SMPP_ESME_RINVPASWD, "ESME_RINVPASWD" },
	{ SMPP_ESME_RINVSYSID, "ESME_RINVSYSID" },
	{ SMPP_ESME_RMSGQFUL, "ESME_RMSGQFUL" },
	{ SMPP_ESME_RINVSERTYP, "ESME_RINVSERTYP" },
	{ SMPP_ESME_RINVESMCLASS, "ESME_RINVESMCLASS" },
	{ SMPP_ESME_RSUBMITFAIL, "ESME_RSUBMITFAIL" },
	{ SMPP_ESME_RINVSRCTON, "ESME_RINVSRCTON" },
	{ SMPP_ESME_RINVSRCNPI, "ESME_RINVSRCNPI" },
	{ SMPP_ESME_RINVDSTTON, "ESME_RINVDSTTON" },
	{ SMPP_ESME_RINVDSTNPI, "ESME_RINVDSTNPI" },
	{ SMPP_ESME_RINVSYSTYP, "ESME_RINVSYSTYP" },
	{ SMPP_ESME_RTHROTTLED, "ESME_RTHROTTLED" },
	{ SMPP_ESME_RINVSCHED, "ESME_RINVSCHED" },
	{ SMPP_ESME_RINVEXPIRY, "ESME_RINVEXPIRY" },
	{ SMPP_ESME_RX_T_APPN, "ESME_RX_T_APPN" },
	{ SMPP_ESME_RX_P_APPN, "ESME_RX_P_APPN" },
	{ SMPP_ESME_RX_R_APPN, "ESME_RX_R_APPN" },
	{ SMPP_ESME_RINVOPTPARSTREAM, "ESME_RINVOPTPARSTREAM" },
	{ SMPP_ESME_ROPTPARNOTALLWD, "ESME_ROPTPARNOTALLWD" },
	{ SMPP_ESME_RINVPARLEN, "ESME_RINVPARLEN" },
	{ SMPP_ESME_RMISSINGOPTPARAM, "ESME_RMISSINGOPTPARAM" },
	{ SMPP_ESME_RINVOPTPARAMVAL, "ESME_RINVOPTPARAMVAL" },
	{ SMPP_ESME_RDELIVERYFAILURE, "ESME_RDELIVERYFAILURE" },
	{ SMPP_ESME_RUNKNOWNERR, "ESME_RUNKNOWNERR" },
};

/* the longest C-octet strings (their NUL not counted), section 4 */
#define MAX_SYSTEM_ID		15
#define MAX_PASSWORD		8
#define MAX_SYSTEM_TYPE		12
#define MAX_ADDRESS_RANGE	40
#define MAX_SERVICE_TYPE	5
#define MAX_SM_ADDR		20	/* submit_sm, deliver_sm */
#define MAX_VAR_ADDR		64	/* data_sm, alert_notification */
#define MAX_TIME		16
#define MAX_MESSAGE_ID		64

#define TLV_HEADER_LEN		4

/* a decode's position; the first error stops every later read */
struct reader {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	bool		 failed;
	uint32_t	 status;
};

/* an encode's position; the first error stops every later write */
struct writer {
	uint8_t		*p;
	size_t		 cap;
	size_t		 off;
	bool		 failed;
};

/* command_find - the table row of command_id, or NULL */
static const struct command *
command_find(uint32_t command_id)
{
	size_t	 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].id == command_id)
			return &commands[i];
	return NULL;
}

/* rd_fail - remember the first error only: it names the first bad field */
static void
rd_fail(struct reader *r, uint32_t status)
{
	if (!r->failed) {
		r->failed = true;
		r->status = status;
	}
}

/* rd_left - the octets not read yet */
static size_t
rd_left(const struct reader *r)
{
	return r->len - r->off;
}

/* rd_u8 - one octet; a field cut off by command_length is RINVCMDLEN */
static uint8_t
rd_u8(struct reader *r)
{
	if (r->failed)
		return 0;
	if (rd_left(r) < 1) {
		rd_fail(r, SMPP_ESME_RINVCMDLEN);
		return 0;
	}
	return r->p[r->off++];
}

/* rd_u16 - a big-endian 16-bit integer */
static uint16_t
rd_u16(struct reader *r, uint32_t short_status)
{
	uint16_t	 v;

	if (r->failed)
		return 0;
	if (rd_left(r) < 2) {
		rd_fail(r, short_status);
		return 0;
	}
	v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return v;
}

/* rd_u32 - a big-endian 32-bit integer */
static uint32_t
rd_u32(struct reader *r)
{
	const uint8_t	*q;

	if (r->failed)
		return 0;
	if (rd_left(r) < 4) {
		rd_fail(r, SMPP_ESME_RINVCMDLEN);
		return 0;
	}
	q = r->p + r->off;
	r->off += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | q[3];
}

/*
 * rd_cstr - a C-octet string of at most max characters: its NUL must come
 * within max + 1 octets and within the PDU. Not within the PDU is
 * RINVCMDLEN (command_length cuts the body short), too long is the
 * field's own status. "" after an error, never NULL.
 */
static const char *
rd_cstr(struct reader *r, size_t max, uint32_t too_long)
{
	const uint8_t	*start, *nul;
	size_t		 span;

	if (r->failed)
		return "";
	start = r->p + r->off;
	span = rd_left(r) < max + 1 ? rd_left(r) : max + 1;
	if ((nul = memchr(start, '\0', span)) == NULL) {
		rd_fail(r, span == rd_left(r) ? SMPP_ESME_RINVCMDLEN :
		    too_long);
		return "";
	}
	r->off += (size_t)(nul - start) + 1;
	return (const char *)start;
}

/* rd_tlvs - the rest of the PDU as TLVs, the first SMPP_TLV_MAX kept */
static void
rd_tlvs(struct reader *r, struct smpp_pdu *out)
{
	struct smpp_tlv	 tlv;

	while (!r->failed && rd_left(r) > 0) {
		tlv.tag = rd_u16(r, SMPP_ESME_RINVOPTPARSTREAM);
		tlv.len = rd_u16(r, SMPP_ESME_RINVOPTPARSTREAM);
		if (r->failed)
			return;
		if (rd_left(r) < tlv.len) {
			rd_fail(r, SMPP_ESME_RINVOPTPARSTREAM);
			return;
		}
		tlv.value = r->p + r->off;
		r->off += tlv.len;
		if (out->ntlv < SMPP_TLV_MAX)
			out->tlv[out->ntlv++] = tlv;
	}
}

/* sm_blank - body.sm with every string "", for the PDUs that fill part */
static void
sm_blank(struct smpp_sm *sm)
{
	memset(sm, 0, sizeof(*sm));
	sm->service_type = sm->source_addr = sm->destination_addr = "";
	sm->schedule_delivery_time = sm->validity_period = "";
	sm->short_message = (const uint8_t *)"";
}

/* bind_blank - body.bind with every string "" */
static void
bind_blank(struct smpp_bind *b)
{
	memset(b, 0, sizeof(*b));
	b->system_id = b->password = b->system_type = b->address_range = "";
}

/* rd_bind - the body of the three binds (section 4.1.1) */
static void
rd_bind(struct reader *r, struct smpp_bind *b)
{
	b->system_id = rd_cstr(r, MAX_SYSTEM_ID, SMPP_ESME_RINVSYSID);
	b->password = rd_cstr(r, MAX_PASSWORD, SMPP_ESME_RINVPASWD);
	b->system_type = rd_cstr(r, MAX_SYSTEM_TYPE, SMPP_ESME_RINVSYSTYP);
	b->interface_version = rd_u8(r);
	b->addr_ton = rd_u8(r);
	b->addr_npi = rd_u8(r);
	/* the spec names no status of its own for address_range */
	b->address_range = rd_cstr(r, MAX_ADDRESS_RANGE, SMPP_ESME_RINVPARLEN);
}

/* rd_short_message - sm_length and its octets, RINVMSGLEN past the PDU */
static void
rd_short_message(struct reader *r, struct smpp_sm *sm)
{
	sm->sm_length = rd_u8(r);
	if (r->failed)
		return;
	if (sm->sm_length > SMPP_SM_MAX || sm->sm_length > rd_left(r)) {
		rd_fail(r, SMPP_ESME_RINVMSGLEN);
		return;
	}
	sm->short_message = r->p + r->off;
	r->off += sm->sm_length;
}

/* rd_sm - the body of submit_sm and deliver_sm (sections 4.4.1, 4.6.1) */
static void
rd_sm(struct reader *r, struct smpp_sm *sm)
{
	sm->service_type = rd_cstr(r, MAX_SERVICE_TYPE, SMPP_ESME_RINVSERTYP);
	sm->source_addr_ton = rd_u8(r);
	sm->source_addr_npi = rd_u8(r);
	sm->source_addr = rd_cstr(r, MAX_SM_ADDR, SMPP_ESME_RINVSRCADR);
	sm->dest_addr_ton = rd_u8(r);
	sm->dest_addr_npi = rd_u8(r);
	sm->destination_addr = rd_cstr(r, MAX_SM_ADDR, SMPP_ESME_RINVDSTADR);
	sm->esm_class = rd_u8(r);
	sm->protocol_id = rd_u8(r);
	sm->priority_flag = rd_u8(r);
	sm->schedule_delivery_time = rd_cstr(r, MAX_TIME, SMPP_ESME_RINVSCHED);
	sm->validity_period = rd_cstr(r, MAX_TIME, SMPP_ESME_RINVEXPIRY);
	sm->registered_delivery = rd_u8(r);
	sm->replace_if_present_flag = rd_u8(r);
	sm->data_coding = rd_u8(r);
	sm->sm_default_msg_id = rd_u8(r);
	rd_short_message(r, sm);
}

/* rd_data_sm - data_sm's body (section 4.7.1); its text is in TLVs */
static void
rd_data_sm(struct reader *r, struct smpp_sm *sm)
{
	sm->service_type = rd_cstr(r, MAX_SERVICE_TYPE, SMPP_ESME_RINVSERTYP);
	sm->source_addr_ton = rd_u8(r);
	sm->source_addr_npi = rd_u8(r);
	sm->source_addr = rd_cstr(r, MAX_VAR_ADDR, SMPP_ESME_RINVSRCADR);
	sm->dest_addr_ton = rd_u8(r);
	sm->dest_addr_npi = rd_u8(r);
	sm->destination_addr = rd_cstr(r, MAX_VAR_ADDR, SMPP_ESME_RINVDSTADR);
	sm->esm_class = rd_u8(r);
	sm->registered_delivery = rd_u8(r);
	sm->data_coding = rd_u8(r);
}

/* rd_alert - alert_notification (section 4.12.1): esme_addr as destination */
static void
rd_alert(struct reader *r, struct smpp_sm *sm)
{
	sm->source_addr_ton = rd_u8(r);
	sm->source_addr_npi = rd_u8(r);
	sm->source_addr = rd_cstr(r, MAX_VAR_ADDR, SMPP_ESME_RINVSRCADR);
	sm->dest_addr_ton = rd_u8(r);
	sm->dest_addr_npi = rd_u8(r);
	sm->destination_addr = rd_cstr(r, MAX_VAR_ADDR, SMPP_ESME_RINVDSTADR);
}

/*
 * rd_resp_string - a response's one string; an error response may leave
 * the body out, deliver_sm_resp (whose message_id is unused) always may
 */
static const char *
rd_resp_string(struct reader *r, uint32_t command_status, bool optional,
    size_t max, uint32_t too_long)
{
	if (rd_left(r) == 0 && (optional || command_status != SMPP_ESME_ROK))
		return "";
	return rd_cstr(r, max, too_long);
}

/* rd_body - the mandatory fields of cmd into out->body */
static void
rd_body(struct reader *r, const struct command *cmd, struct smpp_pdu *out)
{
	switch (cmd->body) {
	case BODY_NONE:
		break;
	case BODY_BIND:
		bind_blank(&out->body.bind);
		rd_bind(r, &out->body.bind);
		break;
	case BODY_OUTBIND:
		bind_blank(&out->body.bind);
		out->body.bind.system_id = rd_cstr(r, MAX_SYSTEM_ID,
		    SMPP_ESME_RINVSYSID);
		out->body.bind.password = rd_cstr(r, MAX_PASSWORD,
		    SMPP_ESME_RINVPASWD);
		break;
	case BODY_BIND_RESP:
		out->body.system_id = rd_resp_string(r, out->command_status,
		    false, MAX_SYSTEM_ID, SMPP_ESME_RINVSYSID);
		break;
	case BODY_SM:
		sm_blank(&out->body.sm);
		rd_sm(r, &out->body.sm);
		break;
	case BODY_DATA_SM:
		sm_blank(&out->body.sm);
		rd_data_sm(r, &out->body.sm);
		break;
	case BODY_ALERT:
		sm_blank(&out->body.sm);
		rd_alert(r, &out->body.sm);
		break;
	case BODY_MESSAGE_ID:
	case BODY_DELIVER_RESP:
		out->body.message_id = rd_resp_string(r, out->command_status,
		    cmd->body == BODY_DELIVER_RESP, MAX_MESSAGE_ID,
		    SMPP_ESME_RINVMSGID);
		break;
	case BODY_OPAQUE:
		r->off = r->len;
		break;
	}
}

/* smpp_frame - see pdu.h */
int
smpp_frame(const uint8_t *buf, size_t avail, size_t *len)
{
	uint32_t	 length;

	if (avail < 4)
		return 0;
	length = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (length < SMPP_HEADER_LEN || length > SMPP_PDU_MAX)
		return -1;
	if (avail < length)
		return 0;
	*len = length;
	return 1;
}

/*
 * smpp_decode - see pdu.h. Every known command may carry TLVs after its
 * mandatory fields; query_sm, replace_sm, cancel_sm, submit_multi and
 * their responses are read to the header and their bodies skipped.
 */
int
smpp_decode(const uint8_t *buf, size_t len, struct smpp_pdu *out,
    uint32_t *status)
{
	struct reader		 r = { buf, len, 0, false, SMPP_ESME_ROK };
	const struct command	*cmd;
	uint32_t		 length;

	memset(out, 0, sizeof(*out));
	length = rd_u32(&r);
	out->command_id = rd_u32(&r);
	out->command_status = rd_u32(&r);
	out->sequence = rd_u32(&r);
	if (!r.failed && (length < SMPP_HEADER_LEN || length > SMPP_PDU_MAX ||
	    length != len))
		rd_fail(&r, SMPP_ESME_RINVCMDLEN);
	cmd = r.failed ? NULL : command_find(out->command_id);
	if (!r.failed && cmd == NULL)
		rd_fail(&r, SMPP_ESME_RINVCMDID);
	if (!r.failed && cmd != NULL) {
		rd_body(&r, cmd, out);
		rd_tlvs(&r, out);
	}
	*status = r.status;
	return r.failed ? -1 : 0;
}

/* wr_bytes - n octets, or the writer fails when they do not fit */
static void
wr_bytes(struct writer *w, const void *data, size_t n)
{
	if (w->failed)
		return;
	if (w->cap - w->off < n) {
		w->failed = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->off, data, n);
	w->off += n;
}

/* wr_u8 - one octet */
static void
wr_u8(struct writer *w, uint8_t v)
{
	wr_bytes(w, &v, 1);
}

/* wr_u16 - a big-endian 16-bit integer */
static void
wr_u16(struct writer *w, uint16_t v)
{
	uint8_t	 b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wr_bytes(w, b, sizeof(b));
}

/* wr_u32 - a big-endian 32-bit integer */
static void
wr_u32(struct writer *w, uint32_t v)
{
	uint8_t	 b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	wr_bytes(w, b, sizeof(b));
}

/* wr_cstr - s and its NUL; NULL is "", longer than max fails */
static void
wr_cstr(struct writer *w, const char *s, size_t max)
{
	size_t	 n;

	if (s == NULL)
		s = "";
	if ((n = strnlen(s, max + 1)) > max) {
		w->failed = true;
		return;
	}
	wr_bytes(w, s, n + 1);
}

/* wr_bind - the body of the three binds */
static void
wr_bind(struct writer *w, const struct smpp_bind *b)
{
	wr_cstr(w, b->system_id, MAX_SYSTEM_ID);
	wr_cstr(w, b->password, MAX_PASSWORD);
	wr_cstr(w, b->system_type, MAX_SYSTEM_TYPE);
	wr_u8(w, b->interface_version);
	wr_u8(w, b->addr_ton);
	wr_u8(w, b->addr_npi);
	wr_cstr(w, b->address_range, MAX_ADDRESS_RANGE);
}

/* wr_sm - the body of submit_sm and deliver_sm */
static void
wr_sm(struct writer *w, const struct smpp_sm *sm)
{
	wr_cstr(w, sm->service_type, MAX_SERVICE_TYPE);
	wr_u8(w, sm->source_addr_ton);
	wr_u8(w, sm->source_addr_npi);
	wr_cstr(w, sm->source_addr, MAX_SM_ADDR);
	wr_u8(w, sm->dest_addr_ton);
	wr_u8(w, sm->dest_addr_npi);
	wr_cstr(w, sm->destination_addr, MAX_SM_ADDR);
	wr_u8(w, sm->esm_class);
	wr_u8(w, sm->protocol_id);
	wr_u8(w, sm->priority_flag);
	wr_cstr(w, sm->schedule_delivery_time, MAX_TIME);
	wr_cstr(w, sm->validity_period, MAX_TIME);
	wr_u8(w, sm->registered_delivery);
	wr_u8(w, sm->replace_if_present_flag);
	wr_u8(w, sm->data_coding);
	wr_u8(w, sm->sm_default_msg_id);
	if (sm->sm_length > SMPP_SM_MAX ||
	    (sm->sm_length > 0 && sm->short_message == NULL)) {
		w->failed = true;
		return;
	}
	wr_u8(w, sm->sm_length);
	wr_bytes(w, sm->short_message, sm->sm_length);
}

/* wr_data_sm - data_sm's body */
static void
wr_data_sm(struct writer *w, const struct smpp_sm *sm)
{
	wr_cstr(w, sm->service_type, MAX_SERVICE_TYPE);
	wr_u8(w, sm->source_addr_ton);
	wr_u8(w, sm->source_addr_npi);
	wr_cstr(w, sm->source_addr, MAX_VAR_ADDR);
	wr_u8(w, sm->dest_addr_ton);
	wr_u8(w, sm->dest_addr_npi);
	wr_cstr(w, sm->destination_addr, MAX_VAR_ADDR);
	wr_u8(w, sm->esm_class);
	wr_u8(w, sm->registered_delivery);
	wr_u8(w, sm->data_coding);
}

/* wr_alert - alert_notification's body */
static void
wr_alert(struct writer *w, const struct smpp_sm *sm)
{
	wr_u8(w, sm->source_addr_ton);
	wr_u8(w, sm->source_addr_npi);
	wr_cstr(w, sm->source_addr, MAX_VAR_ADDR);
	wr_u8(w, sm->dest_addr_ton);
	wr_u8(w, sm->dest_addr_npi);
	wr_cstr(w, sm->destination_addr, MAX_VAR_ADDR);
}

/* wr_body - the mandatory fields of cmd; an opaque body cannot be written */
static void
wr_body(struct writer *w, const struct command *cmd,
    const struct smpp_pdu *pdu)
{
	switch (cmd->body) {
	case BODY_NONE:
		break;
	case BODY_BIND:
		wr_bind(w, &pdu->body.bind);
		break;
	case BODY_OUTBIND:
		wr_cstr(w, pdu->body.bind.system_id, MAX_SYSTEM_ID);
		wr_cstr(w, pdu->body.bind.password, MAX_PASSWORD);
		break;
	case BODY_BIND_RESP:
		wr_cstr(w, pdu->body.system_id, MAX_SYSTEM_ID);
		break;
	case BODY_SM:
		wr_sm(w, &pdu->body.sm);
		break;
	case BODY_DATA_SM:
		wr_data_sm(w, &pdu->body.sm);
		break;
	case BODY_ALERT:
		wr_alert(w, &pdu->body.sm);
		break;
	case BODY_MESSAGE_ID:
	case BODY_DELIVER_RESP:
		wr_cstr(w, pdu->body.message_id, MAX_MESSAGE_ID);
		break;
	case BODY_OPAQUE:
		w->failed = true;
		break;
	}
}

/* wr_tlvs - pdu's TLVs in their order */
static void
wr_tlvs(struct writer *w, const struct smpp_pdu *pdu)
{
	size_t	 i;

	if (pdu->ntlv > SMPP_TLV_MAX) {
		w->failed = true;
		return;
	}
	for (i = 0; i < pdu->ntlv; i++) {
		if (pdu->tlv[i].len > 0 && pdu->tlv[i].value == NULL) {
			w->failed = true;
			return;
		}
		wr_u16(w, pdu->tlv[i].tag);
		wr_u16(w, pdu->tlv[i].len);
		wr_bytes(w, pdu->tlv[i].value, pdu->tlv[i].len);
	}
}

/*
 * smpp_encode - see pdu.h. query_sm, replace_sm, cancel_sm, submit_multi
 * and their responses have no body in struct smpp_pdu: -1.
 */
ssize_t
smpp_encode(const struct smpp_pdu *pdu, uint8_t *out, size_t cap)
{
	struct writer		 w = { out, cap, 0, false };
	struct writer		 len = { out, cap, 0, false };
	const struct command	*cmd;

	if ((cmd = command_find(pdu->command_id)) == NULL)
		return -1;
	if (w.cap > SMPP_PDU_MAX)
		w.cap = SMPP_PDU_MAX;
	wr_u32(&w, 0);		/* command_length, once known */
	wr_u32(&w, pdu->command_id);
	wr_u32(&w, pdu->command_status);
	wr_u32(&w, pdu->sequence);
	wr_body(&w, cmd, pdu);
	wr_tlvs(&w, pdu);
	if (w.failed)
		return -1;
	wr_u32(&len, (uint32_t)w.off);
	return (ssize_t)w.off;
}

/* smpp_tlv_find - see pdu.h */
const struct smpp_tlv *
smpp_tlv_find(const struct smpp_pdu *pdu, uint16_t tag)
{
	size_t	 i;

	for (i = 0; i < pdu->ntlv && i < SMPP_TLV_MAX; i++)
		if (pdu->tlv[i].tag == tag)
			return &pdu->tlv[i];
	return NULL;
}

/* smpp_tlv_add - see pdu.h */
int
smpp_tlv_add(struct smpp_pdu *pdu, uint16_t tag, const void *value,
    uint16_t len)
{
	if (pdu->ntlv >= SMPP_TLV_MAX || (len > 0 && value == NULL))
		return -1;
	pdu->tlv[pdu->ntlv].tag = tag;
	pdu->tlv[pdu->ntlv].len = len;
	pdu->tlv[pdu->ntlv].value = value;
	pdu->ntlv++;
	return 0;
}

/* smpp_command_name - see pdu.h */
const char *
smpp_command_name(uint32_t command_id)
{
	const struct command	*cmd;

	if ((cmd = command_find(command_id)) == NULL)
		return "unknown";
	return cmd->name;
}

/* smpp_status_name - see pdu.h */
const char *
smpp_status_name(uint32_t command_status)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == command_status)
			return statuses[i].name;
	return "unknown";
}
