/*
 * test_proxy.c - PROXY v2 headers from a table, each also cut at every
 * length, plus the size limit and client bytes that follow a header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "smtpd/smtp/proxy.h"

#define L(s)	(const unsigned char *)(s), (sizeof(s) - 1)
#define SIG	"\r\n\r\n\0\r\nQUIT\n"
/* 192.0.2.1:12345 -> 198.51.100.2:25 */
#define ADDR4	"\xc0\x00\x02\x01" "\xc6\x33\x64\x02" "\x30\x39" "\x00\x19"
/* [2001:db8::1]:50000 -> [2001:db8::2]:587 */
#define ADDR6	"\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x01" \
		"\x20\x01\x0d\xb8" "\0\0\0\0" "\0\0\0\0" "\0\0\0\x02" \
		"\xc3\x50" "\x02\x4b"

/* CHECK - a table assertion that names the failing row */
#define CHECK(name, cond) do {						\
	if (!(cond))							\
		fail_msg("%s: %s", (name), #cond);			\
} while (0)

struct proxy_case {
	const char		*name;
	const unsigned char	*bytes;
	size_t			 len;
	size_t			 decided;	/* first length with a verdict */
	enum proxy_result	 result;
	size_t			 consumed;	/* PROXY_OK */
	const char		*why;		/* PROXY_BAD */
	int			 local;
	int			 family;	/* when !local */
	const char		*src, *dst;
	unsigned		 sport, dport;
};

static const struct proxy_case cases[] = {
	{ "ipv4", L(SIG "\x21\x11\x00\x0c" ADDR4), 28, PROXY_OK, 28, NULL,
	    0, AF_INET, "192.0.2.1", "198.51.100.2", 12345, 25 },
	{ "ipv6", L(SIG "\x21\x21\x00\x24" ADDR6), 52, PROXY_OK, 52, NULL,
	    0, AF_INET6, "2001:db8::1", "2001:db8::2", 50000, 587 },
	{ "local unspec", L(SIG "\x20\x00\x00\x00"), 16, PROXY_OK, 16, NULL,
	    1, 0, NULL, NULL, 0, 0 },
	/* LOCAL: the block is discarded whatever it holds (the spec's rule) */
	{ "local with block", L(SIG "\x20\x11\x00\x0d" ADDR4 "\x01"), 29,
	    PROXY_OK, 29, NULL, 1, 0, NULL, NULL, 0, 0 },
	{ "ipv4 tlvs", L(SIG "\x21\x11\x00\x1d" ADDR4 "\x01\x00\x02h2"
	    "\x04\x00\x00" "\x05\x00\x06" "abcdef"), 45, PROXY_OK, 45, NULL,
	    0, AF_INET, "192.0.2.1", "198.51.100.2", 12345, 25 },
	{ "ipv6 tlv", L(SIG "\x21\x21\x00\x28" ADDR6 "\x04\x00\x01\xff"), 56,
	    PROXY_OK, 56, NULL, 0, AF_INET6, "2001:db8::1", "2001:db8::2",
	    50000, 587 },
	{ "version 1", L(SIG "\x11\x11\x00\x0c" ADDR4), 16, PROXY_BAD, 0,
	    "unsupported PROXY protocol version", 0, 0, NULL, NULL, 0, 0 },
	{ "version 3", L(SIG "\x31\x11\x00\x0c" ADDR4), 16, PROXY_BAD, 0,
	    "unsupported PROXY protocol version", 0, 0, NULL, NULL, 0, 0 },
	{ "command 2", L(SIG "\x22\x11\x00\x0c" ADDR4), 16, PROXY_BAD, 0,
	    "unknown PROXY command", 0, 0, NULL, NULL, 0, 0 },
	{ "command 15", L(SIG "\x2f\x00\x00\x00"), 16, PROXY_BAD, 0,
	    "unknown PROXY command", 0, 0, NULL, NULL, 0, 0 },
	{ "proxy unspec", L(SIG "\x21\x00\x00\x00"), 16, PROXY_BAD, 0,
	    "unsupported PROXY address family", 0, 0, NULL, NULL, 0, 0 },
	{ "proxy udp4", L(SIG "\x21\x12\x00\x0c" ADDR4), 16, PROXY_BAD, 0,
	    "unsupported PROXY address family", 0, 0, NULL, NULL, 0, 0 },
	{ "proxy udp6", L(SIG "\x21\x22\x00\x24" ADDR6), 16, PROXY_BAD, 0,
	    "unsupported PROXY address family", 0, 0, NULL, NULL, 0, 0 },
	{ "proxy unix", L(SIG "\x21\x31\x00\x00"), 16, PROXY_BAD, 0,
	    "unsupported PROXY address family", 0, 0, NULL, NULL, 0, 0 },
	{ "ipv4 block short", L(SIG "\x21\x11\x00\x0b" ADDR4), 16, PROXY_BAD,
	    0, "PROXY address block too short", 0, 0, NULL, NULL, 0, 0 },
	{ "ipv6 block short", L(SIG "\x21\x21\x00\x0c" ADDR4), 16, PROXY_BAD,
	    0, "PROXY address block too short", 0, 0, NULL, NULL, 0, 0 },
	{ "too long", L(SIG "\x21\x11\x04\x01" ADDR4), 16, PROXY_BAD, 0,
	    "PROXY header too long", 0, 0, NULL, NULL, 0, 0 },
	{ "too long local", L(SIG "\x20\x00\xff\xff"), 16, PROXY_BAD, 0,
	    "PROXY header too long", 0, 0, NULL, NULL, 0, 0 },
	{ "tlv value overruns", L(SIG "\x21\x11\x00\x11" ADDR4
	    "\x01\x00\x03" "ab"), 33, PROXY_BAD, 0, "bad PROXY TLV framing",
	    0, 0, NULL, NULL, 0, 0 },
	{ "tlv head cut 2", L(SIG "\x21\x11\x00\x0e" ADDR4 "\x01\x00"), 30,
	    PROXY_BAD, 0, "bad PROXY TLV framing", 0, 0, NULL, NULL, 0, 0 },
	{ "tlv head cut 1", L(SIG "\x21\x11\x00\x10" ADDR4 "\x04\x00\x00"
	    "\x04"), 32, PROXY_BAD, 0, "bad PROXY TLV framing", 0, 0, NULL,
	    NULL, 0, 0 },
	{ "v1 text", L("PROXY TCP4 192.0.2.1 198.51.100.2 12345 25\r\n"), 1,
	    PROXY_BAD, 0, "not a PROXY v2 header", 0, 0, NULL, NULL, 0, 0 },
	{ "smtp client", L("EHLO client.example\r\n"), 1, PROXY_BAD, 0,
	    "not a PROXY v2 header", 0, 0, NULL, NULL, 0, 0 },
	{ "tls hello", L("\x16\x03\x01\x02\x00\x01"), 1, PROXY_BAD, 0,
	    "not a PROXY v2 header", 0, 0, NULL, NULL, 0, 0 },
	{ "signature end", L("\r\n\r\n\0\r\nQUIT\r\n\x21\x11\x00\x0c"), 12,
	    PROXY_BAD, 0, "not a PROXY v2 header", 0, 0, NULL, NULL, 0, 0 },
	{ "signature nul", L("\r\n\r\n\r\n"), 5, PROXY_BAD, 0,
	    "not a PROXY v2 header", 0, 0, NULL, NULL, 0, 0 },
};

/* copy_of - exactly n bytes on the heap, so ASan sees any overread */
static unsigned char *
copy_of(const unsigned char *p, size_t n)
{
	unsigned char	*c;

	c = test_malloc(n == 0 ? 1 : n);
	memcpy(c, p, n);
	return c;
}

/* addr_is - a sockaddr holds the expected family, address and port */
static int
addr_is(const struct sockaddr_storage *ss, socklen_t sslen, int family,
    const char *addr, unsigned port)
{
	char	 text[INET6_ADDRSTRLEN];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family != family)
		return 0;
	if (family == AF_INET)
		return sslen == sizeof(*sin) &&
		    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) &&
		    strcmp(text, addr) == 0 && ntohs(sin->sin_port) == port;
	return sslen == sizeof(*sin6) &&
	    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) &&
	    strcmp(text, addr) == 0 && ntohs(sin6->sin6_port) == port;
}

/* check_verdict - the whole row parsed from n >= t->decided bytes */
static void
check_verdict(const struct proxy_case *t, size_t n)
{
	struct proxy_info info;
	unsigned char	*buf = copy_of(t->bytes, n);
	const char	*why = "unset";
	size_t		 consumed = 12345;

	CHECK(t->name, proxy_v2_parse(buf, n, &info, &consumed, &why) ==
	    t->result);
	if (t->result == PROXY_BAD) {
		CHECK(t->name, why != NULL && strcmp(why, t->why) == 0);
	} else {
		CHECK(t->name, consumed == t->consumed);
		CHECK(t->name, info.local == t->local);
		if (t->local) {
			CHECK(t->name, info.srclen == 0 && info.dstlen == 0);
		} else {
			CHECK(t->name, addr_is(&info.src, info.srclen,
			    t->family, t->src, t->sport));
			CHECK(t->name, addr_is(&info.dst, info.dstlen,
			    t->family, t->dst, t->dport));
		}
	}
	test_free(buf);
}

/* test_table - each row as given */
static void
test_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_verdict(&cases[i], cases[i].len);
}

/*
 * test_prefixes - every shorter cut wants more (16 bytes until the header
 * is whole, then the length it announces); from the deciding byte on, the
 * verdict is the row's, so junk and plain clients go at once.
 */
static void
test_prefixes(void **state)
{
	struct proxy_info info;
	const struct proxy_case *t;
	unsigned char	*buf;
	const char	*why;
	size_t		 i, n, consumed, want;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = &cases[i];
		for (n = 0; n < t->decided; n++) {
			buf = copy_of(t->bytes, n);
			want = n < PROXY_V2_HDR_LEN ? PROXY_V2_HDR_LEN :
			    PROXY_V2_HDR_LEN + ((size_t)t->bytes[14] << 8 |
			    t->bytes[15]);
			CHECK(t->name, proxy_v2_parse(buf, n, &info,
			    &consumed, &why) == PROXY_NEED_MORE);
			CHECK(t->name, consumed == want);
			CHECK(t->name, consumed > n);
			test_free(buf);
		}
		for (n = t->decided; n <= t->len; n++)
			check_verdict(t, n);
	}
}

/* test_client_bytes_follow - what comes after the header is not consumed */
static void
test_client_bytes_follow(void **state)
{
	static const unsigned char after[] = SIG "\x21\x11\x00\x0c" ADDR4
	    "EHLO client.example\r\n";
	static const unsigned char hello[] = SIG "\x20\x00\x00\x00"
	    "\x16\x03\x01\x02\x00";
	struct proxy_info info;
	const char	*why;
	size_t		 consumed;

	(void)state;
	assert_int_equal(proxy_v2_parse(after, sizeof(after) - 1, &info,
	    &consumed, &why), PROXY_OK);
	assert_int_equal(consumed, 28);
	assert_int_equal(proxy_v2_parse(hello, sizeof(hello) - 1, &info,
	    &consumed, &why), PROXY_OK);
	assert_int_equal(consumed, 16);
	assert_int_equal(info.local, 1);
}

/* test_max_len - a header of exactly PROXY_V2_MAX_LEN passes, one more not */
static void
test_max_len(void **state)
{
	static const unsigned char head[] = SIG "\x21\x11\x00\x00" ADDR4;
	unsigned char	 buf[PROXY_V2_MAX_LEN + 1];
	struct proxy_info info;
	const char	*why;
	size_t		 consumed, total, tlv;

	(void)state;
	for (total = PROXY_V2_MAX_LEN; total <= PROXY_V2_MAX_LEN + 1;
	    total++) {
		memset(buf, 'x', sizeof(buf));
		memcpy(buf, head, sizeof(head) - 1);
		buf[14] = (unsigned char)((total - PROXY_V2_HDR_LEN) >> 8);
		buf[15] = (unsigned char)(total - PROXY_V2_HDR_LEN);
		/* one TLV fills the rest */
		tlv = total - (sizeof(head) - 1) - 3;
		buf[28] = 0x04;
		buf[29] = (unsigned char)(tlv >> 8);
		buf[30] = (unsigned char)tlv;
		if (total == PROXY_V2_MAX_LEN) {
			assert_int_equal(proxy_v2_parse(buf, total, &info,
			    &consumed, &why), PROXY_OK);
			assert_int_equal(consumed, PROXY_V2_MAX_LEN);
			/* wanted in full before it is judged */
			assert_int_equal(proxy_v2_parse(buf, total - 1, &info,
			    &consumed, &why), PROXY_NEED_MORE);
			assert_int_equal(consumed, PROXY_V2_MAX_LEN);
		} else {
			assert_int_equal(proxy_v2_parse(buf, total, &info,
			    &consumed, &why), PROXY_BAD);
			assert_string_equal(why, "PROXY header too long");
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_client_bytes_follow),
		cmocka_unit_test(test_max_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
