/*
 * fuzz_proxy.c - libFuzzer target: the first bytes of a connection through
 * the PROXY v2 parser, with its promises about lengths and results checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "smtpd/smtp/proxy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* check_addrs - a proxied connection names two addresses of one family */
static void
check_addrs(const struct proxy_info *info)
{
	if (info->local) {
		if (info->srclen != 0 || info->dstlen != 0)
			abort();
		return;
	}
	if (info->src.ss_family != info->dst.ss_family ||
	    info->srclen != info->dstlen)
		abort();
	if (info->src.ss_family == AF_INET) {
		if (info->srclen != sizeof(struct sockaddr_in))
			abort();
	} else if (info->src.ss_family == AF_INET6) {
		if (info->srclen != sizeof(struct sockaddr_in6))
			abort();
	} else
		abort();
}

/* LLVMFuzzerTestOneInput - parse, then parse again with the bytes it named */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_info info, again;
	const char	*why;
	size_t		 consumed, consumed2;

	switch (proxy_v2_parse(data, size, &info, &consumed, &why)) {
	case PROXY_OK:
		if (consumed < PROXY_V2_HDR_LEN || consumed > size ||
		    consumed > PROXY_V2_MAX_LEN)
			abort();
		check_addrs(&info);
		/* the verdict must not depend on what follows the header */
		if (proxy_v2_parse(data, consumed, &again, &consumed2,
		    &why) != PROXY_OK || consumed2 != consumed ||
		    memcmp(&info, &again, sizeof(info)) != 0)
			abort();
		break;
	case PROXY_NEED_MORE:
		if (consumed <= size || consumed < PROXY_V2_HDR_LEN ||
		    consumed > PROXY_V2_MAX_LEN)
			abort();
		if (size < PROXY_V2_HDR_LEN && consumed != PROXY_V2_HDR_LEN)
			abort();
		break;
	case PROXY_BAD:
		if (why == NULL || why[0] == '\0')
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
