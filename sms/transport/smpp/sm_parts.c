/*
 * sm_parts.c - an SMS as the short messages of its submit_sm PDUs: GSM 03.38
 * septets (packed or one per octet) or UCS-2, cut where gsm_split cuts.
 *
 * The encoding and the cuts come from sms/convert/gsm.c, so the part count
 * the relay logs and bills is the count the SMSC receives.  Each part of a
 * concatenated message carries a 6-octet UDH (IEI 0x00, 8-bit reference), or
 * SAR TLVs, or the whole text travels in one message_payload.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "sms/convert/gsm.h"
#include "sms/lib/utf8.h"
#include "sms/transport/smpp/pdu.h"
#include "sms/transport/smpp/sm_parts.h"

#define UDH_LEN		6	/* UDHL, IEI 0x00, IEDL 3, ref, total, seq */
#define UDH_FILL_BITS	1	/* 48 bits of UDH + 1 = 7 septets */
#define GSM_PART_MAX	160	/* septets of a single GSM-7 SMS */
#define GSM_CR		0x0d

/* sm_gsm_encode - UTF-8 to septets, one per octet */
ssize_t
sm_gsm_encode(const char *utf8, size_t len, uint8_t *out, size_t cap)
{
	const unsigned char	*p = (const unsigned char *)utf8;
	size_t			 used, n = 0;
	uint8_t			 septets[2];
	unsigned		 k;
	uint32_t		 cp;

	while (len > 0) {
		if ((used = utf8_decode(p, len, &cp)) == 0)
			return -1;
		if ((k = gsm_septet_of(cp, septets)) == 0 || cap - n < k)
			return -1;
		memcpy(out + n, septets, k);
		n += k;
		p += used;
		len -= used;
	}
	return (ssize_t)n;
}

/*
 * sm_gsm_pack - septets packed low bit first after fill zero bits. When the
 * last octet has 7 spare bits, a receiver that counts septets from octets
 * would read them as '@': they hold a CR instead, as 3GPP TS 23.038 6.1.2.3.1
 * pads, which readers drop.
 */
size_t
sm_gsm_pack(const uint8_t *septets, size_t n, unsigned fill, uint8_t *out)
{
	size_t	 bits, octets, i, bit;
	unsigned shift;

	if (n == 0)
		return 0;
	bits = fill + 7 * n;
	octets = (bits + 7) / 8;
	memset(out, 0, octets);
	for (i = 0; i < n; i++) {
		bit = fill + 7 * i;
		shift = bit % 8;
		out[bit / 8] |= (uint8_t)((septets[i] & 0x7f) << shift);
		if (shift > 1)
			out[bit / 8 + 1] |= (uint8_t)((septets[i] & 0x7f) >>
			    (8 - shift));
	}
	if (octets * 8 - bits == 7)
		out[octets - 1] |= GSM_CR << 1;
	return octets;
}

/* room - the octets still free in the message's buffer */
static size_t
room(const struct sm_message *msg)
{
	return sizeof(msg->bytes) - msg->used;
}

/* put_udh - the concatenation UDH of part seq of total */
static int
put_udh(struct sm_message *msg, uint8_t ref, unsigned total, unsigned seq)
{
	uint8_t	*p = msg->bytes + msg->used;

	if (room(msg) < UDH_LEN)
		return -1;
	p[0] = UDH_LEN - 1;
	p[1] = 0x00;		/* concatenated short messages, 8-bit ref */
	p[2] = 3;
	p[3] = ref;
	p[4] = (uint8_t)total;
	p[5] = (uint8_t)seq;
	msg->used += UDH_LEN;
	return 0;
}

/* put_gsm - the text's septets, one per octet or packed after fill bits */
static int
put_gsm(struct sm_message *msg, const char *utf8, size_t len, bool packed,
    unsigned fill)
{
	uint8_t	 septets[GSM_PART_MAX];
	ssize_t	 n;

	if (!packed) {
		n = sm_gsm_encode(utf8, len, msg->bytes + msg->used, room(msg));
		if (n < 0)
			return -1;
		msg->used += (size_t)n;
		return 0;
	}
	if ((n = sm_gsm_encode(utf8, len, septets, sizeof(septets))) < 0)
		return -1;
	if (room(msg) < (fill + 7 * (size_t)n + 7) / 8)
		return -1;
	msg->used += sm_gsm_pack(septets, (size_t)n, fill, msg->bytes +
	    msg->used);
	return 0;
}

/* put_unit - one UTF-16 unit, big endian */
static int
put_unit(struct sm_message *msg, uint32_t unit)
{
	if (room(msg) < 2)
		return -1;
	msg->bytes[msg->used++] = (uint8_t)(unit >> 8);
	msg->bytes[msg->used++] = (uint8_t)unit;
	return 0;
}

/*
 * put_ucs2 - the text as UTF-16BE, astral characters as surrogate pairs
 * and malformed bytes as U+FFFD, the way gsm_layout counted them
 */
static int
put_ucs2(struct sm_message *msg, const char *utf8, size_t len)
{
	const unsigned char	*p = (const unsigned char *)utf8;
	size_t			 used;
	uint32_t		 cp;

	while (len > 0) {
		if ((used = utf8_decode(p, len, &cp)) == 0) {
			cp = UTF8_REPLACEMENT;
			used = utf8_maximal_subpart(p, len);
		}
		if (cp > 0xffff) {
			cp -= 0x10000;
			if (put_unit(msg, 0xd800 | (cp >> 10)) == -1 ||
			    put_unit(msg, 0xdc00 | (cp & 0x3ff)) == -1)
				return -1;
		} else if (put_unit(msg, cp) == -1)
			return -1;
		p += used;
		len -= used;
	}
	return 0;
}

/* put_text - the text in the message's encoding at the buffer's end */
static int
put_text(struct sm_message *msg, const char *utf8, size_t len, bool packed,
    unsigned fill)
{
	if (msg->data_coding == SMPP_DC_UCS2)
		return put_ucs2(msg, utf8, len);
	return put_gsm(msg, utf8, len, packed, fill);
}

/* add_payload - the one part that carries the whole text in message_payload */
static int
add_payload(struct sm_message *msg, const char *utf8, size_t len)
{
	struct sm_part	*part = &msg->parts[0];

	memset(part, 0, sizeof(*part));
	if (put_text(msg, utf8, len, false, 0) == -1)
		return -1;
	part->data = msg->bytes;
	part->len = msg->used;
	msg->nparts = 1;
	return 0;
}

/*
 * add_part - part i of n: with a UDH in short_message (UDH mode) or SAR
 * numbers beside it, neither for a message of one part
 */
static int
add_part(struct sm_message *msg, const char *utf8, const struct sms_part *cut,
    unsigned i, unsigned n, enum smpp_long mode, bool packed, uint16_t ref)
{
	struct sm_part	*part = &msg->parts[i];
	size_t		 start = msg->used;
	unsigned	 fill = 0;

	memset(part, 0, sizeof(*part));
	if (n > 1 && mode == SMPP_LONG_UDH) {
		if (put_udh(msg, (uint8_t)ref, n, i + 1) == -1)
			return -1;
		part->esm_class = SMPP_ESM_UDHI;
		fill = UDH_FILL_BITS;
	} else if (n > 1) {
		part->sar_ref = ref;
		part->sar_total = (uint8_t)n;
		part->sar_seq = (uint8_t)(i + 1);
	}
	if (put_text(msg, utf8 + cut->start, cut->end - cut->start, packed,
	    fill) == -1)
		return -1;
	part->data = msg->bytes + start;
	part->len = msg->used - start;
	return 0;
}

/* sm_message_build - the submit_sm bodies of a UTF-8 text */
int
sm_message_build(struct sm_message *msg, const char *utf8, size_t len,
    enum smpp_long mode, bool packed, uint16_t ref)
{
	struct sms_part		 cuts[SM_PARTS_MAX];
	struct sms_layout	 layout;
	unsigned		 i, n;

	msg->nparts = 0;
	msg->used = 0;
	gsm_layout(utf8, len, &layout);
	if (layout.parts == 0 || layout.parts > SM_PARTS_MAX)
		return -1;
	msg->data_coding = layout.encoding == SMS_GSM7 ? SMPP_DC_DEFAULT :
	    SMPP_DC_UCS2;
	if (mode == SMPP_LONG_PAYLOAD)
		return add_payload(msg, utf8, len);
	n = gsm_split(utf8, len, layout.encoding, cuts, SM_PARTS_MAX);
	if (n != layout.parts)
		return -1;
	for (i = 0; i < n; i++)
		if (add_part(msg, utf8, &cuts[i], i, n, mode, packed, ref) == -1)
			return -1;
	msg->nparts = n;
	return 0;
}
