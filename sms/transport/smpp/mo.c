/*
 * mo.c - reads a subscriber's message out of a deliver_sm: the sender's
 * address and the text as ASCII, all bounds checked against the PDU.
 */
#include <string.h>

#include "sms/transport/smpp/mo.h"

#define TON_INTERNATIONAL	1
#define DC_UCS2			8

/* body - short_message, or message_payload when that is empty */
static void
body(const struct smpp_pdu *pdu, const unsigned char **s, size_t *n)
{
	const struct smpp_tlv	*t;

	*s = NULL;
	*n = 0;
	if (pdu->body.sm.sm_length > 0 && pdu->body.sm.short_message != NULL) {
		*s = pdu->body.sm.short_message;
		*n = pdu->body.sm.sm_length;
	} else if ((t = smpp_tlv_find(pdu, SMPP_TLV_MESSAGE_PAYLOAD)) != NULL &&
	    t->value != NULL) {
		*s = t->value;
		*n = t->len;
	}
}

/* sender - the source address, "+" added for an international one */
static int
sender(const struct smpp_sm *sm, char *out, size_t size)
{
	const char	*a = sm->source_addr;
	size_t		 n;

	if (a == NULL || (n = strlen(a)) == 0 || n + 2 > size)
		return -1;
	if (sm->source_addr_ton == TON_INTERNATIONAL && a[0] != '+') {
		out[0] = '+';
		memcpy(out + 1, a, n + 1);
	} else
		memcpy(out, a, n + 1);
	return 0;
}

/* ascii - one character as the text keeps it */
static char
ascii(unsigned c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

/* smpp_mo_parse - see mo.h */
int
smpp_mo_parse(const struct smpp_pdu *pdu, struct smpp_mo *mo)
{
	const struct smpp_sm	*sm = &pdu->body.sm;
	const unsigned char	*s;
	size_t			 n, i, k = 0, skip = 0;

	memset(mo, 0, sizeof(*mo));
	if (pdu->command_id != SMPP_DELIVER_SM ||
	    (sm->esm_class & SMPP_ESM_TYPE_MASK) != 0 ||
	    sender(sm, mo->from, sizeof(mo->from)) == -1)
		return -1;
	body(pdu, &s, &n);
	if (n > 0 && (sm->esm_class & SMPP_ESM_UDHI))
		skip = (size_t)s[0] + 1;	/* the UDH's length, then it */
	if (skip > n)
		return -1;
	if (sm->data_coding == DC_UCS2) {
		for (i = skip; i + 1 < n && k + 1 < sizeof(mo->text); i += 2)
			mo->text[k++] = s[i] == 0 ? ascii(s[i + 1]) : '?';
	} else
		for (i = skip; i < n && k + 1 < sizeof(mo->text); i++)
			mo->text[k++] = ascii(s[i]);
	mo->text[k] = '\0';
	return 0;
}
