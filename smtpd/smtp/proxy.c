/*
 * proxy.c - the PROXY protocol v2 header (HAProxy's binary form) read from
 * the first bytes of a connection: signature, command, addresses, TLVs.
 */
#include <string.h>
#include <netinet/in.h>

#include "smtpd/smtp/proxy.h"

#define PROXY_VERSION		0x2
#define PROXY_CMD_LOCAL		0x0
#define PROXY_CMD_PROXY		0x1
#define PROXY_TCP4		0x11
#define PROXY_TCP6		0x21
#define PROXY_ADDR_TCP4_LEN	12	/* two addresses, two ports */
#define PROXY_ADDR_TCP6_LEN	36
#define PROXY_TLV_HDR_LEN	3	/* type, 16-bit length */

static const unsigned char proxy_sig[PROXY_V2_SIG_LEN] = {
	'\r', '\n', '\r', '\n', '\0', '\r', '\n', 'Q', 'U', 'I', 'T', '\n'
};

/* bad - refuse the header, naming why for the log */
static enum proxy_result
bad(const char **why, const char *phrase, size_t *consumed)
{
	*consumed = 0;
	if (why != NULL)
		*why = phrase;
	return PROXY_BAD;
}

/* get16 - a big-endian 16-bit field */
static size_t
get16(const unsigned char *p)
{
	return (size_t)p[0] << 8 | p[1];
}

/* tlvs_valid - each TLV of p[0..n) has its 3-byte head and its whole value */
static int
tlvs_valid(const unsigned char *p, size_t n)
{
	size_t	 i = 0, vlen;

	while (i < n) {
		if (n - i < PROXY_TLV_HDR_LEN)
			return 0;
		vlen = get16(p + i + 1);
		i += PROXY_TLV_HDR_LEN;
		if (vlen > n - i)
			return 0;
		i += vlen;
	}
	return 1;
}

/*
 * set_inet - source and destination from a TCP over IPv4 block; addresses
 * and ports are copied as sent, so they stay in network order.
 */
static void
set_inet(const unsigned char *a, struct proxy_info *out)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, a, 4);
	memcpy(&sin.sin_port, a + 8, 2);
	memcpy(&out->src, &sin, sizeof(sin));
	out->srclen = sizeof(sin);
	memcpy(&sin.sin_addr, a + 4, 4);
	memcpy(&sin.sin_port, a + 10, 2);
	memcpy(&out->dst, &sin, sizeof(sin));
	out->dstlen = sizeof(sin);
}

/* set_inet6 - the same for a TCP over IPv6 block */
static void
set_inet6(const unsigned char *a, struct proxy_info *out)
{
	struct sockaddr_in6	 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, a, 16);
	memcpy(&sin6.sin6_port, a + 32, 2);
	memcpy(&out->src, &sin6, sizeof(sin6));
	out->srclen = sizeof(sin6);
	memcpy(&sin6.sin6_addr, a + 16, 16);
	memcpy(&sin6.sin6_port, a + 34, 2);
	memcpy(&out->dst, &sin6, sizeof(sin6));
	out->dstlen = sizeof(sin6);
}

/*
 * proxy_v2_parse - everything that 16 bytes can tell is judged before the
 * rest arrives, and the signature byte by byte, so that a client speaking
 * SMTP or PROXY v1 is refused on its first byte rather than at the timeout.
 */
enum proxy_result
proxy_v2_parse(const unsigned char *buf, size_t len, struct proxy_info *out,
    size_t *consumed, const char **why)
{
	size_t	 i, total, addrlen;
	unsigned cmd;
	unsigned char family;

	memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = NULL;
	for (i = 0; i < len && i < PROXY_V2_SIG_LEN; i++)
		if (buf[i] != proxy_sig[i])
			return bad(why, "not a PROXY v2 header", consumed);
	if (len < PROXY_V2_HDR_LEN) {
		*consumed = PROXY_V2_HDR_LEN;
		return PROXY_NEED_MORE;
	}
	if (buf[12] >> 4 != PROXY_VERSION)
		return bad(why, "unsupported PROXY protocol version", consumed);
	cmd = buf[12] & 0x0f;
	family = buf[13];
	total = PROXY_V2_HDR_LEN + get16(buf + 14);
	if (total > PROXY_V2_MAX_LEN)
		return bad(why, "PROXY header too long", consumed);
	switch (cmd) {
	case PROXY_CMD_LOCAL:
		/* the balancer's own connection: the block means nothing */
		addrlen = 0;
		break;
	case PROXY_CMD_PROXY:
		if (family == PROXY_TCP4)
			addrlen = PROXY_ADDR_TCP4_LEN;
		else if (family == PROXY_TCP6)
			addrlen = PROXY_ADDR_TCP6_LEN;
		else
			return bad(why, "unsupported PROXY address family",
			    consumed);
		if (total - PROXY_V2_HDR_LEN < addrlen)
			return bad(why, "PROXY address block too short",
			    consumed);
		break;
	default:
		return bad(why, "unknown PROXY command", consumed);
	}
	if (len < total) {
		*consumed = total;
		return PROXY_NEED_MORE;
	}
	if (cmd == PROXY_CMD_LOCAL) {
		out->local = 1;
		*consumed = total;
		return PROXY_OK;
	}
	if (!tlvs_valid(buf + PROXY_V2_HDR_LEN + addrlen,
	    total - PROXY_V2_HDR_LEN - addrlen))
		return bad(why, "bad PROXY TLV framing", consumed);
	if (family == PROXY_TCP4)
		set_inet(buf + PROXY_V2_HDR_LEN, out);
	else
		set_inet6(buf + PROXY_V2_HDR_LEN, out);
	*consumed = total;
	return PROXY_OK;
}
