/*
 * test_envelope.c - the envelope's address grammar: what smtp_addr_parse()
 * accepts with and without a route or a bare postmaster, each fault, and
 * stored addresses split into local part and domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/envelope.h"

/* CHECK - a table assertion that names the failing row */
#define CHECK(i, cond) do {						\
	if (!(cond))							\
		fail_msg("row %zu: %s", (size_t)(i), #cond);		\
} while (0)

/* test_parse - Mailboxes, routes, postmaster, UTF-8 and every fault */
static void
test_parse(void **state)
{
	static const struct {
		const char		*in;
		unsigned		 flags;
		enum smtp_addr_fault	 fault;
		const char		*stored;
		int			 nonascii;
	} cases[] = {
		{ "a@b.example", 0, SMTP_ADDR_OK, "a@b.example", 0 },
		{ "\"a b\"@b.example", 0, SMTP_ADDR_OK, "\"a b\"@b.example", 0 },
		{ "u@[192.0.2.1]", 0, SMTP_ADDR_OK, "u@[192.0.2.1]", 0 },
		{ "u@[IPv6:2001:db8::1]", 0, SMTP_ADDR_OK,
		    "u@[IPv6:2001:db8::1]", 0 },
		{ "u@[192.0.2.256]", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "u@[foo:bar]", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "\xc3\xa9@b.example", 0, SMTP_ADDR_OK, "\xc3\xa9@b.example", 1 },
		{ "a@b\xc3\xa9.example", 0, SMTP_ADDR_OK, "a@b\xc3\xa9.example", 1 },
		{ "\xc0\xa9@b.example", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "@r.example:a@b.example", SMTP_ADDR_ROUTE, SMTP_ADDR_OK,
		    "a@b.example", 0 },
		{ "@r.example,@s.example:a@b.example", SMTP_ADDR_ROUTE,
		    SMTP_ADDR_OK, "a@b.example", 0 },
		{ "@r.example:a@b.example", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "@r..example:a@b.example", SMTP_ADDR_ROUTE, SMTP_ADDR_SYNTAX,
		    NULL, 0 },
		{ "PostMaster", SMTP_ADDR_POSTMASTER, SMTP_ADDR_OK, "PostMaster",
		    0 },
		{ "postmaster", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "a.@b.example", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "a@-b.example", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "a@b-.example", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "a@b", 0, SMTP_ADDR_OK, "a@b", 0 },
		{ "a", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
		{ "", 0, SMTP_ADDR_SYNTAX, NULL, 0 },
	};
	char	 addr[SMTP_PATH_MAX + 1];
	size_t	 i, len;
	int	 nonascii;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nonascii = 0;
		CHECK(i, smtp_addr_parse(cases[i].in, strlen(cases[i].in),
		    cases[i].flags, addr, &len, &nonascii) == cases[i].fault);
		if (cases[i].fault != SMTP_ADDR_OK)
			continue;
		CHECK(i, len == strlen(cases[i].stored));
		CHECK(i, strcmp(addr, cases[i].stored) == 0);
		CHECK(i, nonascii == cases[i].nonascii);
	}
}

/* put_domain - labels of 63 octets joined by dots at p; its length */
static size_t
put_domain(char *p, unsigned labels)
{
	unsigned i;

	for (i = 0; i < labels; i++) {
		memset(p + i * 64, 'd', 63);
		p[i * 64 + 63] = '.';
	}
	return labels * 64 - 1;
}

/* test_lengths - local part, domain and path each have their own fault */
static void
test_lengths(void **state)
{
	char	 in[600], addr[SMTP_PATH_MAX + 1];
	size_t	 n, len;
	int	 nonascii = 0;

	(void)state;
	memset(in, 'l', SMTP_LOCAL_MAX + 1);
	in[SMTP_LOCAL_MAX + 1] = '@';
	n = SMTP_LOCAL_MAX + 2 + put_domain(in + SMTP_LOCAL_MAX + 2, 1);
	assert_int_equal(smtp_addr_parse(in, n, 0, addr, &len, &nonascii),
	    SMTP_ADDR_LOCAL_LONG);
	/* 5 labels: 319 octets */
	n = 2 + put_domain(in + 2, 5);
	memcpy(in, "a@", 2);
	assert_int_equal(smtp_addr_parse(in, n, 0, addr, &len, &nonascii),
	    SMTP_ADDR_DOMAIN_LONG);
	/* 64 + 1 + 255 octets: each part fits, the whole does not */
	memset(in, 'l', SMTP_LOCAL_MAX);
	in[SMTP_LOCAL_MAX] = '@';
	n = SMTP_LOCAL_MAX + 1 + put_domain(in + SMTP_LOCAL_MAX + 1, 4);
	assert_int_equal(smtp_addr_parse(in, n, 0, addr, &len, &nonascii),
	    SMTP_ADDR_PATH_LONG);
	/* 64 + 1 + 191: just fits */
	n = SMTP_LOCAL_MAX + 1 + put_domain(in + SMTP_LOCAL_MAX + 1, 3);
	assert_int_equal(smtp_addr_parse(in, n, 0, addr, &len, &nonascii),
	    SMTP_ADDR_OK);
	assert_int_equal(len, SMTP_PATH_MAX);
}

/* test_split - local part unquoted, domain kept */
static void
test_split(void **state)
{
	static const struct {
		const char	*addr;
		int		 rc;
		const char	*local, *domain;
	} cases[] = {
		{ "+4917012345678@sms.example", 0, "+4917012345678", "sms.example" },
		{ "\"+49 170 1234567\"@sms.example", 0, "+49 170 1234567", "sms.example" },
		{ "\"a\\\"b@c\"@d.example", 0, "a\"b@c", "d.example" },
		{ "\"\"@d.example", 0, "", "d.example" },
		{ "u@[192.0.2.1]", 0, "u", "[192.0.2.1]" },
		{ "postmaster", 0, "postmaster", "" },
		{ "", -1, NULL, NULL },
		{ "nodomain", -1, NULL, NULL },
		{ "a@b@c", -1, NULL, NULL },
		{ "<a@b>", -1, NULL, NULL },
	};
	struct smtp_addr a;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(i, smtp_addr_split(cases[i].addr, strlen(cases[i].addr),
		    &a) == cases[i].rc);
		if (cases[i].rc == 0) {
			CHECK(i, strcmp(a.local, cases[i].local) == 0);
			CHECK(i, a.locallen == strlen(cases[i].local));
			CHECK(i, strcmp(a.domain, cases[i].domain) == 0);
			CHECK(i, a.domainlen == strlen(cases[i].domain));
		}
	}
	/* the length bounds the address, not a NUL */
	assert_int_equal(smtp_addr_split("a@b.example", 3, &a), 0);
	assert_string_equal(a.domain, "b");
}

/* test_atext - the atom characters, nothing else */
static void
test_atext(void **state)
{
	const char *specials = "!#$%&'*+-/=?^_`{|}~";
	unsigned c;
	bool	 want;

	(void)state;
	for (c = 0; c < 256; c++) {
		want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    (c != 0 && strchr(specials, (int)c) != NULL);
		CHECK(c, smtp_atext((unsigned char)c) == want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_atext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
