/*
 * proxy.h - the PROXY protocol version 2 header a load balancer (HAProxy)
 * puts before the client's bytes: the client's real address.
 */
#ifndef SMSRELAY_PROXY_H
#define SMSRELAY_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

#define PROXY_V2_SIG_LEN	12
#define PROXY_V2_HDR_LEN	16	/* signature, ver/cmd, family, length */
#define PROXY_V2_MAX_LEN	(PROXY_V2_HDR_LEN + 1024)	/* we refuse longer */

enum proxy_result { PROXY_NEED_MORE, PROXY_OK, PROXY_BAD };

struct proxy_info {
	int			 local;		/* LOCAL command: keep the socket's address */
	struct sockaddr_storage	 src;		/* AF_INET/AF_INET6 when !local */
	socklen_t		 srclen;
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen;
};

/*
 * proxy_v2_parse - look at the first len bytes of a connection. PROXY_OK
 * with *consumed = the header's whole length (TLVs skipped); PROXY_NEED_MORE
 * with *consumed = the bytes needed in all, when known (else 16); PROXY_BAD
 * with why set to a static phrase for the log.
 */
enum proxy_result proxy_v2_parse(const unsigned char *buf, size_t len,
	    struct proxy_info *out, size_t *consumed, const char **why);

#endif
