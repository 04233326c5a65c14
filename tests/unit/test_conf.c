/*
 * test_conf.c - unit tests of conf/: the value parsers, every validation
 * error with its FILE:LINE, defaults, the lookups, the print round trip of
 * every loadable configuration, and secrets that -n never shows.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/conf.h"
#include "conf/lookup.h"
#include "conf/schema.h"

#define FIXTURES	"tests/unit/conf"
/* what the secrets fixtures hold in every secret value, and nowhere else */
#define SECRET_MARK	"SECRET"
/* the path in long_socket.conf and long_spool.conf: over sun_path's 107 */
#define LONG_PATH	"/var/spool/smsrelay/a/very/long/path/that/goes/" \
			"on/and/on/and/on/and/on/and/on/beyond/what/sun_path/" \
			"in/sockaddr_un/can/hold"

/* the marker in long_marker.conf: 201 bytes, one over the limit */
#define X10		"xxxxxxxxxx"
#define X50		X10 X10 X10 X10 X10
#define LONG_MARKER	X50 X50 X50 X50 "x"

/* srcpath - a file of the source tree, found through $top_srcdir */
static void
srcpath(char *buf, size_t len, const char *rel)
{
	const char	*top = getenv("top_srcdir");

	snprintf(buf, len, "%s/%s", top != NULL ? top : ".", rel);
}

/* fixture - the path of tests/unit/conf/NAME */
static void
fixture(char *buf, size_t len, const char *name)
{
	char	 rel[256];

	snprintf(rel, sizeof(rel), FIXTURES "/%s", name);
	srcpath(buf, len, rel);
}

/* load_fixture - load one fixture that must be valid */
static struct conf *
load_fixture(const char *name)
{
	char		 path[1024], err[1024] = "";
	struct conf	*c = NULL;

	fixture(path, sizeof(path), name);
	if (conf_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	assert_non_null(c);
	return c;
}

/* printed - conf_print into a malloc'd string */
static char *
printed(const struct conf *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	conf_print(c, fp);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* same_body - two printouts agree past the first line (the source name) */
static void
same_body(const char *a, const char *b)
{
	size_t	 skip_a = strcspn(a, "\n"), skip_b = strcspn(b, "\n");

	assert_int_equal(a[skip_a], '\n');
	assert_int_equal(b[skip_b], '\n');
	assert_string_equal(a + skip_a, b + skip_b);
}

/* reload - write c out with conf_print and load the result */
static struct conf *
reload(const struct conf *c, char **text)
{
	char		 path[] = "/tmp/test_conf.XXXXXX", err[1024] = "";
	struct conf	*again = NULL;
	FILE		*fp;
	int		 fd;

	*text = printed(c);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(*text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	if (conf_load(path, &again, err, sizeof(err)) != 0) {
		unlink(path);
		fail_msg("printed config does not load: %s\n%s", err, *text);
	}
	unlink(path);
	return again;
}

/* test_duration - durations in whole seconds: units, overflow, garbage */
static void
test_duration(void **state)
{
	static const struct {
		const char	*in;
		int		 rv;
		unsigned	 secs;
	} t[] = {
		{ "0", 0, 0 }, { "90", 0, 90 }, { "90s", 0, 90 },
		{ "5m", 0, 300 }, { "2h", 0, 7200 }, { "2d", 0, 172800 },
		{ "2000ms", 0, 2 }, { "4294967295", 0, 4294967295U },
		{ "4294967296", -1, 0 }, { "49711d", -1, 0 },
		{ "99999999999999999999999", -1, 0 }, { "250ms", -1, 0 },
		{ "", -1, 0 }, { "s", -1, 0 }, { "-5", -1, 0 }, { "+5", -1, 0 },
		{ " 5", -1, 0 }, { "5 ", -1, 0 }, { "5x", -1, 0 },
		{ "5mm", -1, 0 }, { "5sm", -1, 0 }, { "1.5h", -1, 0 },
		{ "0x10", -1, 0 }, { "5M", -1, 0 }, { "1h30m", -1, 0 },
	};
	size_t		 i;
	unsigned	 v;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		if (conf_parse_duration(t[i].in, &v) != t[i].rv)
			fail_msg("conf_parse_duration(\"%s\") should return %d",
			    t[i].in, t[i].rv);
		if (t[i].rv == 0 && v != t[i].secs)
			fail_msg("\"%s\" = %u, want %u", t[i].in, v, t[i].secs);
	}
	assert_int_equal(conf_parse_duration(NULL, &v), -1);
}

/* test_duration_ms - durations to the millisecond (queue.commit_delay) */
static void
test_duration_ms(void **state)
{
	static const struct {
		const char	*in;
		int		 rv;
		unsigned	 ms;
	} t[] = {
		{ "0", 0, 0 }, { "0s", 0, 0 }, { "5ms", 0, 5 },
		{ "250ms", 0, 250 }, { "1", 0, 1000 }, { "2s", 0, 2000 },
		{ "1m", 0, 60000 }, { "49d", 0, 4233600000U },
		{ "50d", -1, 0 }, { "ms", -1, 0 }, { "5 ms", -1, 0 },
		{ "5MS", -1, 0 }, { "-1ms", -1, 0 },
	};
	size_t		 i;
	unsigned	 v;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		if (conf_parse_duration_ms(t[i].in, &v) != t[i].rv)
			fail_msg("conf_parse_duration_ms(\"%s\") should "
			    "return %d",
			    t[i].in, t[i].rv);
		if (t[i].rv == 0 && v != t[i].ms)
			fail_msg("\"%s\" = %u ms, want %u", t[i].in, v,
			    t[i].ms);
	}
}

/* test_size - sizes with K/M/G suffixes, overflow, garbage */
static void
test_size(void **state)
{
	static const struct {
		const char	*in;
		int		 rv;
		size_t		 bytes;
	} t[] = {
		{ "0", 0, 0 }, { "1024", 0, 1024 }, { "512K", 0, 524288 },
		{ "512k", 0, 524288 }, { "10M", 0, 10485760 },
		{ "1G", 0, 1073741824 },
		{ "18446744073709551615", 0, SIZE_MAX },
		{ "18446744073709551616", -1, 0 }, { "17179869184G", -1, 0 },
		{ "", -1, 0 }, { "K", -1, 0 }, { "10KB", -1, 0 },
		{ "10 M", -1, 0 }, { "-1", -1, 0 }, { "1.5M", -1, 0 },
		{ "10T", -1, 0 }, { " 1", -1, 0 },
	};
	size_t	 i, v;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		if (conf_parse_size(t[i].in, &v) != t[i].rv)
			fail_msg("conf_parse_size(\"%s\") should return %d",
			    t[i].in, t[i].rv);
		if (t[i].rv == 0 && v != t[i].bytes)
			fail_msg("\"%s\" = %zu, want %zu", t[i].in, v,
			    t[i].bytes);
	}
}

/* test_cidr - CIDR parsing, host bits masked, bad prefixes refused */
static void
test_cidr(void **state)
{
	static const struct {
		const char	*in;
		int		 family;	/* 0: must be rejected */
		const char	*net;		/* the network, masked */
		unsigned	 prefixlen;
	} t[] = {
		{ "127.0.0.0/8", AF_INET, "127.0.0.0", 8 },
		{ "10.1.2.3/16", AF_INET, "10.1.0.0", 16 },
		{ "192.168.1.77", AF_INET, "192.168.1.77", 32 },
		{ "192.168.1.77/27", AF_INET, "192.168.1.64", 27 },
		{ "0.0.0.0/0", AF_INET, "0.0.0.0", 0 },
		{ "::1/128", AF_INET6, "::1", 128 },
		{ "::1", AF_INET6, "::1", 128 },
		{ "2001:db8:ffff::1/33", AF_INET6, "2001:db8:8000::", 33 },
		{ "::ffff:10.0.0.0/104", AF_INET6, "::ffff:10.0.0.0", 104 },
		{ "10.0.0.0/33", 0, NULL, 0 }, { "::/129", 0, NULL, 0 },
		{ "10.0.0.0/", 0, NULL, 0 }, { "10.0.0.0/-1", 0, NULL, 0 },
		{ "10.0.0.0/+8", 0, NULL, 0 }, { "10.0.0.0/8 ", 0, NULL, 0 },
		{ "10.0.0.0/0008", 0, NULL, 0 }, { "/8", 0, NULL, 0 },
		{ "10.0.0/8", 0, NULL, 0 }, { "256.0.0.0/8", 0, NULL, 0 },
		{ "localhost/8", 0, NULL, 0 }, { "[::1]/128", 0, NULL, 0 },
		{ "", 0, NULL, 0 },
		{ "1:2:3:4:5:6:7:8:9/64", 0, NULL, 0 },
	};
	struct cidr	 c;
	char		 buf[INET6_ADDRSTRLEN];
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rv = conf_parse_cidr(t[i].in, &c);
		if (t[i].family == 0) {
			if (rv != -1)
				fail_msg("\"%s\" should be rejected", t[i].in);
			continue;
		}
		if (rv != 0)
			fail_msg("\"%s\" should parse", t[i].in);
		assert_int_equal(c.family, t[i].family);
		assert_int_equal(c.prefixlen, t[i].prefixlen);
		assert_non_null(inet_ntop(c.family, c.addr, buf, sizeof(buf)));
		assert_string_equal(buf, t[i].net);
	}
}

/* test_address - numeric IPv4 and bracketed IPv6 listen addresses */
static void
test_address(void **state)
{
	static const struct {
		const char	*in;
		int		 family;	/* 0: must be rejected */
		const char	*host;
		unsigned	 port;
	} t[] = {
		{ "127.0.0.1:2525", AF_INET, "127.0.0.1", 2525 },
		{ "0.0.0.0:25", AF_INET, "0.0.0.0", 25 },
		{ "[::1]:2525", AF_INET6, "::1", 2525 },
		{ "[::]:65535", AF_INET6, "::", 65535 },
		{ "[::ffff:127.0.0.1]:1", AF_INET6, "::ffff:127.0.0.1", 1 },
		{ "::1:2525", 0, NULL, 0 }, { "localhost:25", 0, NULL, 0 },
		{ "127.0.0.1", 0, NULL, 0 }, { "127.0.0.1:", 0, NULL, 0 },
		{ "127.0.0.1:0", 0, NULL, 0 },
		{ "127.0.0.1:65536", 0, NULL, 0 },
		{ "127.0.0.1:025x", 0, NULL, 0 },
		{ "127.0.0.1:-1", 0, NULL, 0 },
		{ "127.0.0.1:100000", 0, NULL, 0 }, { ":25", 0, NULL, 0 },
		{ "[::1]", 0, NULL, 0 }, { "[::1]2525", 0, NULL, 0 },
		{ "[127.0.0.1]:25", 0, NULL, 0 }, { "[::1:25", 0, NULL, 0 },
		{ "[]:25", 0, NULL, 0 },
	};
	struct sockaddr_storage	 ss;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	socklen_t		 len;
	char			 buf[INET6_ADDRSTRLEN];
	size_t			 i;
	int			 rv;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rv = conf_parse_address(t[i].in, &ss, &len);
		if (t[i].family == 0) {
			if (rv != -1)
				fail_msg("\"%s\" should be rejected", t[i].in);
			continue;
		}
		if (rv != 0)
			fail_msg("\"%s\" should parse", t[i].in);
		assert_int_equal(ss.ss_family, t[i].family);
		if (t[i].family == AF_INET) {
			assert_int_equal(len, sizeof(sin));
			memcpy(&sin, &ss, sizeof(sin));
			assert_int_equal(ntohs(sin.sin_port), t[i].port);
			inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof(buf));
		} else {
			assert_int_equal(len, sizeof(sin6));
			memcpy(&sin6, &ss, sizeof(sin6));
			assert_int_equal(ntohs(sin6.sin6_port), t[i].port);
			inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof(buf));
		}
		assert_string_equal(buf, t[i].host);
	}
}

/* allowed - conf_relay_allowed for an address in text form */
static bool
allowed(const struct conf *c, const char *addr)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return conf_relay_allowed(c, (struct sockaddr *)&sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
		fail_msg("bad test address %s", addr);
	sin6.sin6_family = AF_INET6;
	return conf_relay_allowed(c, (struct sockaddr *)&sin6);
}

/* test_relay_allowed - relay_networks over IPv4, IPv6 and IPv4-mapped IPv6 */
static void
test_relay_allowed(void **state)
{
	static const struct {
		const char	*addr;
		bool		 dflt;		/* under the embedded default */
		bool		 file;		/* under relay.conf */
	} t[] = {
		{ "127.0.0.1", true, false },
		{ "127.255.255.254", true, false },
		{ "128.0.0.1", false, false },
		{ "::1", true, false },
		{ "::2", false, false },
		{ "::ffff:127.0.0.1", true, false },
		{ "::ffff:10.0.0.1", false, true },
		{ "10.0.0.1", false, true },
		{ "10.255.255.255", false, true },
		{ "11.0.0.0", false, false },
		{ "9.255.255.255", false, false },
		{ "192.168.1.77", false, true },
		{ "192.168.1.78", false, false },
		{ "::ffff:192.168.1.77", false, true },
		{ "2001:db8::1", false, true },
		{ "2001:db8:ffff:ffff::1", false, true },
		{ "2001:db9::1", false, false },
		/* matched through the IPv6 rule, as written */
		{ "::ffff:172.16.0.1", false, true },
		{ "::ffff:172.15.255.255", false, false },
		{ "172.16.0.1", false, false },
	};
	struct conf	*d, *f;
	struct sockaddr	 sa;
	size_t		 i;

	(void)state;
	d = conf_default();
	assert_non_null(d);
	f = load_fixture("relay.conf");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (allowed(d, t[i].addr) != t[i].dflt)
			fail_msg("default: %s should be %s", t[i].addr,
			    t[i].dflt ? "allowed" : "denied");
		if (allowed(f, t[i].addr) != t[i].file)
			fail_msg("relay.conf: %s should be %s", t[i].addr,
			    t[i].file ? "allowed" : "denied");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_false(conf_relay_allowed(d, &sa));
	assert_false(conf_relay_allowed(d, NULL));
	conf_free(d);
	conf_free(f);
}

/* test_domain_served - exact, case-insensitive domain match, "*" for any */
static void
test_domain_served(void **state)
{
	struct conf	*d, *f;

	(void)state;
	d = conf_default();
	assert_non_null(d);
	assert_true(conf_domain_served(d, "anything.example"));
	assert_true(conf_domain_served(d, "localhost"));
	assert_false(conf_domain_served(d, NULL));

	f = load_fixture("relay.conf");
	assert_true(conf_domain_served(f, "sms.example.com"));
	assert_true(conf_domain_served(f, "SMS.EXAMPLE.COM"));
	assert_true(conf_domain_served(f, "sms.example.org"));
	assert_false(conf_domain_served(f, "example.com"));
	assert_false(conf_domain_served(f, "xsms.example.com"));
	assert_false(conf_domain_served(f, "sms.example.com.evil"));
	assert_false(conf_domain_served(f, ""));
	assert_false(conf_domain_served(f, "*"));
	conf_free(d);
	conf_free(f);
}

/* check_common_defaults - what the embedded and file defaults share */
static void
check_common_defaults(const struct conf *c)
{
	char	 host[256] = "", from[300];

	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_string_equal(c->hostname, host);
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0].address, "127.0.0.1:2525");
	assert_int_equal(c->listen[0].ss.ss_family, AF_INET);
	assert_int_equal(c->nrelay_networks, 2);
	assert_int_equal(c->relay_networks[0].family, AF_INET);
	assert_int_equal(c->relay_networks[0].prefixlen, 8);
	assert_int_equal(c->relay_networks[1].family, AF_INET6);
	assert_int_equal(c->relay_networks[1].prefixlen, 128);
	assert_null(c->numbers.default_country);
	assert_null(c->numbers.allow_prefixes);
	assert_int_equal(c->message.subject, SUBJECT_PREPEND);
	assert_int_equal(c->message.max_parts, 3);
	assert_true(c->message.strip_signature);
	assert_null(c->message.template);
	assert_int_equal(c->message.overflow, OVERFLOW_TRUNCATE);
	assert_true(c->message.strip_quotes);
	assert_true(c->message.strip_mobile_signature);
	assert_null(c->message.disclaimer_markers);
	assert_int_equal(c->message.ndisclaimer_markers, 0);
	assert_int_equal(c->message.transliterate, TRANSLIT_TYPOGRAPHY);
	assert_true(c->message.bracket_commands);
	assert_int_equal(c->smtp.max_recipients, 100);
	assert_int_equal(c->smtp.max_message_size, 10 * 1024 * 1024);
	assert_int_equal(c->smtp.max_sessions, 1000);
	assert_int_equal(c->smtp.max_sessions_per_client, 50);
	assert_int_equal(c->smtp.idle_timeout, 300);
	assert_int_equal(c->smtp.data_timeout, 600);
	assert_int_equal(c->smtp.max_errors, 10);
	assert_int_equal(c->backend.type, BACKEND_OUTBOX);
	assert_null(c->backend.from);
	assert_null(c->backend.http.profile);
	assert_null(c->backend.http.url);
	assert_null(c->backend.http.method);
	assert_null(c->backend.http.fields);
	assert_null(c->backend.http.permanent_codes);
	assert_int_equal(c->backend.http.timeout, 30);
	assert_int_equal(c->backend.max_in_flight, 1024);
	assert_int_equal(c->backend.http.max_connections, 16);
	assert_int_equal(c->queue.nretry, 4);
	assert_int_equal(c->queue.retry[0], 60);
	assert_int_equal(c->queue.retry[1], 300);
	assert_int_equal(c->queue.retry[2], 900);
	assert_int_equal(c->queue.retry[3], 3600);
	assert_int_equal(c->queue.lifetime, 2 * 86400);
	assert_int_equal(c->queue.commit_delay_ms, 0);
	assert_int_equal(c->queue.min_free, 1024 * 1024);
	assert_null(c->bounce.smarthost);
	snprintf(from, sizeof(from), "MAILER-DAEMON@%s", host);
	assert_string_equal(c->bounce.from, from);
	assert_null(c->bounce.user);
	assert_false(c->bounce.starttls);
	assert_false(c->log.syslog);
	assert_false(c->log.verbose);
}

/* test_default - the embedded default configuration */
static void
test_default(void **state)
{
	struct conf	*c;

	(void)state;
	c = conf_default();
	assert_non_null(c);
	assert_null(c->file);
	assert_int_equal(c->ndomains, 1);
	assert_string_equal(c->domains[0], "*");
	assert_string_equal(c->spool, "spool");
	assert_string_equal(c->control_socket, "spool/control.sock");
	assert_string_equal(c->backend.path, "spool/outbox.jsonl");
	check_common_defaults(c);
	conf_free(c);
}

/* test_file_defaults - a file with only domains gets every other default */
static void
test_file_defaults(void **state)
{
	struct conf	*c;
	char		 sock[1024], outbox[1024];

	(void)state;
	c = load_fixture("minimal.conf");
	assert_non_null(c->file);
	assert_int_equal(c->ndomains, 1);
	assert_string_equal(c->domains[0], "sms.example.com");
	assert_true(c->spool[0] == '/');
	snprintf(sock, sizeof(sock), "%s/control.sock", c->spool);
	snprintf(outbox, sizeof(outbox), "%s/outbox.jsonl", c->spool);
	assert_string_equal(c->control_socket, sock);
	assert_string_equal(c->backend.path, outbox);
	check_common_defaults(c);
	conf_free(c);
}

/* test_twilio - the twilio profile implies form and basic auth, nothing more */
static void
test_twilio(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_fixture("twilio.conf");
	assert_int_equal(c->backend.type, BACKEND_HTTP);
	assert_string_equal(c->backend.http.profile, "twilio");
	assert_int_equal(c->backend.http.format, HTTP_FORMAT_FORM);
	assert_int_equal(c->backend.http.auth, HTTP_AUTH_BASIC);
	assert_string_equal(c->backend.http.user, "AC0123456789");
	assert_string_equal(c->backend.http.password, "authtoken");
	/* what the profile defines is left to the backend */
	assert_null(c->backend.http.method);
	assert_null(c->backend.http.fields);
	assert_null(c->backend.http.id_field);
	assert_null(c->backend.http.permanent_codes);
	assert_null(c->backend.http.temporary_codes);
	conf_free(c);
}

/* check_full - the values of full_http.conf; secrets as expected */
static void
check_full(const struct conf *c, const char *token, const char *password,
    const char *apikey)
{
	const struct http_conf	*h = &c->backend.http;
	char			 hdr[64];

	assert_string_equal(c->hostname, "sms.example.com");
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[1].address, "[::1]:2526");
	assert_int_equal(c->listen[1].ss.ss_family, AF_INET6);
	assert_int_equal(c->ndomains, 2);
	assert_string_equal(c->domains[1], "*");
	assert_int_equal(c->nrelay_networks, 3);
	assert_int_equal(c->relay_networks[2].prefixlen, 16);
	assert_string_equal(c->numbers.default_country, "49");
	assert_int_equal(c->numbers.nallow_prefixes, 2);
	assert_string_equal(c->numbers.allow_prefixes[1], "+43");
	assert_int_equal(c->message.subject, SUBJECT_ONLY);
	assert_int_equal(c->message.max_parts, 5);
	assert_false(c->message.strip_signature);
	assert_string_equal(c->message.template,
	    "{from_name} <{from}>: {subject}\n{body}");
	assert_int_equal(c->message.overflow, OVERFLOW_REFUSE);
	assert_false(c->message.strip_quotes);
	assert_false(c->message.strip_mobile_signature);
	assert_int_equal(c->message.ndisclaimer_markers, 2);
	assert_string_equal(c->message.disclaimer_markers[0],
	    "CONFIDENTIALITY NOTICE");
	assert_string_equal(c->message.disclaimer_markers[1],
	    "Diese E-Mail enth\xc3\xa4lt vertrauliche");
	assert_int_equal(c->message.transliterate, TRANSLIT_OFF);
	assert_false(c->message.bracket_commands);
	assert_int_equal(c->smtp.max_recipients, 20);
	assert_int_equal(c->smtp.max_message_size, 512 * 1024);
	assert_int_equal(c->smtp.max_sessions, 200);
	assert_int_equal(c->smtp.max_sessions_per_client, 10);
	assert_int_equal(c->smtp.idle_timeout, 90);
	assert_int_equal(c->smtp.data_timeout, 180);
	assert_int_equal(c->smtp.max_errors, 5);
	assert_string_equal(c->spool, "/tmp/smsrelay-spool");
	assert_string_equal(c->control_socket, "/tmp/smsrelay.sock");
	assert_int_equal(c->backend.type, BACKEND_HTTP);
	assert_string_equal(c->backend.path, "/tmp/smsrelay-outbox.jsonl");
	assert_string_equal(c->backend.from, "Service");
	assert_string_equal(h->profile, "generic");
	assert_string_equal(h->url, "http://127.0.0.1:8089/sms?to={to_digits}");
	assert_string_equal(h->method, "PUT");
	assert_int_equal(h->format, HTTP_FORMAT_FORM);
	assert_int_equal(h->nfields, 3);
	assert_string_equal(h->fields[0].key, "number");
	assert_string_equal(h->fields[0].value, "{to}");
	assert_string_equal(h->fields[2].key, "msg");
	assert_string_equal(h->fields[2].value, "{text} \"quoted\" \\ back");
	assert_int_equal(h->nheaders, 2);
	snprintf(hdr, sizeof(hdr), "X-Api-Key: %s", apikey);
	assert_string_equal(h->headers[0], hdr);
	assert_int_equal(h->auth, HTTP_AUTH_BEARER);
	assert_null(h->user);
	assert_null(h->password);
	assert_string_equal(h->token, token);
	assert_string_equal(h->id_field, "message_id");
	assert_string_equal(h->code_field, "error_code");
	assert_string_equal(h->message_field, "error");
	assert_int_equal(h->npermanent_codes, 2);
	assert_int_equal(h->permanent_codes[1], 21614);
	assert_non_null(h->temporary_codes);
	assert_int_equal(h->ntemporary_codes, 0);
	assert_int_equal(h->ninvalid_number_codes, 1);
	assert_int_equal(h->invalid_number_codes[0], 21211);
	assert_int_equal(h->timeout, 10);
	assert_int_equal(c->backend.max_in_flight, 8);
	assert_int_equal(h->max_connections, 4);
	assert_int_equal(c->queue.nretry, 4);
	assert_int_equal(c->queue.retry[0], 30);
	assert_int_equal(c->queue.retry[3], 7200);
	assert_int_equal(c->queue.lifetime, 12 * 3600);
	assert_int_equal(c->queue.commit_delay_ms, 5);
	assert_int_equal(c->queue.min_free, 4 * 1024 * 1024);
	assert_string_equal(c->queue.quiet_hours, "21:00-08:00 sat sun");
	assert_int_equal(c->queue.nquiet_senders, 1);
	assert_string_equal(c->queue.quiet_senders[0].quiet_hours, "none");
	assert_string_equal(c->bounce.smarthost, "smtp://mail.example.com:587");
	assert_string_equal(c->bounce.from, "postmaster@example.com");
	assert_string_equal(c->bounce.user, "relay");
	assert_string_equal(c->bounce.password, password);
	assert_true(c->bounce.starttls);
	assert_non_null(h->callback_secret);
	assert_string_equal(c->http.listen, "127.0.0.1:8025");
	assert_int_equal(c->http.ss.ss_family, AF_INET);
	assert_string_equal(c->http.public_url, "https://sms.example.com/relay");
	assert_int_equal(c->http.max_body, 32 * 1024);
	assert_int_equal(c->http.max_connections, 10);
	assert_int_equal(c->http.timeout, 20);
	assert_int_equal(c->http.rate, 20);
	assert_int_equal(c->http.burst, 40);
	assert_true(c->log.syslog);
	assert_true(c->log.verbose);
}

/* test_round_trip_full - every key survives print and reload, secrets masked */
static void
test_round_trip_full(void **state)
{
	struct conf	*c, *again;
	char		*text, *text2;

	(void)state;
	c = load_fixture("full_http.conf");
	check_full(c, "t0ken", "pa55word", "s3cret");
	again = reload(c, &text);
	check_full(again, "********", "********", "********");
	assert_null(strstr(text, "t0ken"));
	assert_null(strstr(text, "pa55word"));
	assert_null(strstr(text, "s3cret"));
	/* a line break in the template prints as libconfig's own escape */
	assert_non_null(strstr(text, "{subject}\\n{body}\";\n"));
	conf_free(reload(again, &text2));
	same_body(text, text2);
	free(text);
	free(text2);
	conf_free(again);
	conf_free(c);
}

/*
 * test_dedup_optout - dedup.window and optout.file as set; unset, no window
 * and the list in the spool
 */
static void
test_dedup_optout(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_fixture("dedup_optout.conf");
	assert_int_equal(c->dedup.window, 600);
	assert_string_equal(c->optout.file, "/etc/smsrelay/optout");
	conf_free(c);
	c = load_fixture("minimal.conf");
	assert_int_equal(c->dedup.window, 0);
	assert_non_null(c->optout.file);
	assert_non_null(strstr(c->optout.file, "/optout"));
	assert_int_equal(strncmp(c->optout.file, c->spool, strlen(c->spool)), 0);
	conf_free(c);
}

/* test_round_trip_default - the embedded default printed reads back the same */
static void
test_round_trip_default(void **state)
{
	struct conf	*c, *again;
	char		*text, *text2;

	(void)state;
	c = conf_default();
	assert_non_null(c);
	again = reload(c, &text);
	assert_non_null(strstr(text, "embedded default"));
	/* an unset template stays unset: the subject mode keeps deciding */
	assert_null(strstr(text, "template"));
	assert_non_null(strstr(text, "\tdisclaimer_markers = [ ];\n"));
	assert_non_null(strstr(text, "\toverflow = \"truncate\";\n"));
	assert_non_null(strstr(text, "\ttransliterate = \"typography\";\n"));
	assert_string_equal(again->spool, "spool");
	assert_string_equal(again->control_socket, "spool/control.sock");
	assert_string_equal(again->backend.path, "spool/outbox.jsonl");
	assert_string_equal(again->domains[0], "*");
	check_common_defaults(again);
	text2 = printed(again);
	same_body(text, text2);
	free(text);
	free(text2);
	conf_free(again);
	conf_free(c);
}

/* test_round_trip_twilio - profile defaults print explicitly, read back */
static void
test_round_trip_twilio(void **state)
{
	struct conf	*c, *again;
	char		*text, *text2;

	(void)state;
	c = load_fixture("twilio.conf");
	again = reload(c, &text);
	assert_non_null(strstr(text, "\tformat = \"form\";\n"));
	assert_non_null(strstr(text, "\tpassword = \"********\";\n"));
	assert_int_equal(again->backend.http.format, HTTP_FORMAT_FORM);
	assert_int_equal(again->backend.http.auth, HTTP_AUTH_BASIC);
	assert_null(again->backend.http.permanent_codes);
	text2 = printed(again);
	same_body(text, text2);
	free(text);
	free(text2);
	conf_free(again);
	conf_free(c);
}

/* test_message_off - the cleaning switches turned off survive a round trip */
static void
test_message_off(void **state)
{
	struct conf	*c, *again;
	char		*text, *text2;
	int		 i;

	(void)state;
	c = load_fixture("message_off.conf");
	for (i = 0; i < 2; i++) {
		assert_int_equal(c->message.subject, SUBJECT_IGNORE);
		assert_null(c->message.template);
		assert_true(c->message.strip_signature);
		assert_false(c->message.strip_quotes);
		assert_false(c->message.strip_mobile_signature);
		assert_null(c->message.disclaimer_markers);
		assert_int_equal(c->message.ndisclaimer_markers, 0);
		assert_int_equal(c->message.transliterate, TRANSLIT_OFF);
		assert_false(c->message.bracket_commands);
		if (i == 0) {
			again = reload(c, &text);
			conf_free(c);
			c = again;
		}
	}
	assert_non_null(strstr(text, "\ttransliterate = false;\n"));
	text2 = printed(c);
	same_body(text, text2);
	free(text);
	free(text2);
	conf_free(c);
}

/*
 * test_transliterate - "letters", and true as the spelling it had before
 * "typography" became the default, print as "letters" and read back
 */
static void
test_transliterate(void **state)
{
	static const char *const files[] = {
		"translit_letters.conf", "translit_true.conf"
	};
	struct conf	*c, *again;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		c = load_fixture(files[i]);
		assert_int_equal(c->message.transliterate, TRANSLIT_LETTERS);
		again = reload(c, &text);
		assert_non_null(strstr(text,
		    "\ttransliterate = \"letters\";\n"));
		assert_int_equal(again->message.transliterate,
		    TRANSLIT_LETTERS);
		free(text);
		conf_free(again);
		conf_free(c);
	}
}

/* test_reports - reports = { } and the notify defaults, and their defaults */
static void
test_reports(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_fixture("reports.conf");
	assert_true(c->reports.enabled);
	assert_int_equal(c->reports.wait, 24 * 3600);
	assert_int_equal(c->reports.delay_after, 30 * 60);
	assert_int_equal(c->reports.unknown, REPORT_UNKNOWN_DELIVERED);
	assert_int_equal(c->reports.nsenders, 2);
	assert_string_equal(c->reports.senders[1].domain, "quiet.example.com");
	assert_int_equal(c->reports.senders[1].notify, NOTIFY_DEFAULT_NEVER);
	assert_int_equal(c->users[0].notify, NOTIFY_DEFAULT_ALWAYS);
	assert_int_equal(c->users[1].notify, NOTIFY_DEFAULT_NONE);
	conf_free(c);
	c = load_fixture("minimal.conf");
	assert_true(c->reports.enabled);
	assert_int_equal(c->reports.wait, 72 * 3600);
	assert_int_equal(c->reports.delay_after, 4 * 3600);
	assert_int_equal(c->reports.unknown, REPORT_UNKNOWN_FAILED);
	assert_int_equal(c->reports.nsenders, 0);
	conf_free(c);
}

/* test_sample - the shipped conf/smsrelay.conf is a valid configuration */
static void
test_sample(void **state)
{
	char		 path[1024], err[1024] = "";
	struct conf	*c = NULL;

	(void)state;
	srcpath(path, sizeof(path), "conf/smsrelay.conf");
	if (conf_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("the sample does not load: %s", err);
	assert_int_equal(c->backend.type, BACKEND_OUTBOX);
	assert_string_equal(c->domains[0], "sms.example.com");
	assert_int_equal(c->nlisten, 2);
	/* it writes out every message key with its default */
	assert_int_equal(c->message.transliterate, TRANSLIT_TYPOGRAPHY);
	conf_free(c);
}

/* pointer_at - the string or list a row points to in base */
static const void *
pointer_at(const struct keydef *kd, const void *base)
{
	const void	*p;

	memcpy(&p, (const char *)base + kd->off, sizeof(p));
	return p;
}

/* count_at - a list row's count in base */
static size_t
count_at(const struct keydef *kd, const void *base)
{
	size_t	 n;

	memcpy(&n, (const char *)base + kd->noff, sizeof(n));
	return n;
}

/* same_string - a value read back; a secret must come back as the mask */
static void
same_string(const char *path, unsigned flags, const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			fail_msg("%s: %s, then %s", path, a ? a : "unset",
			    b ? b : "unset");
		return;
	}
	if ((flags & KF_SECRET) && strstr(b, SECRET_MASK) == NULL)
		fail_msg("%s: secret read back as \"%s\"", path, b);
	if (!(flags & KF_SECRET) && strcmp(a, b) != 0)
		fail_msg("%s: \"%s\", then \"%s\"", path, a, b);
}

/* same_bytes - a scalar or a flat list: the same bytes in a and b */
static void
same_bytes(const char *path, const void *a, const void *b, size_t len)
{
	if (len > 0 && (a == NULL || b == NULL || memcmp(a, b, len) != 0))
		fail_msg("%s: differs after the round trip", path);
}

static void	same_keys(const struct keydef *, const void *, const void *,
		    const char *);

/* scalar_size - the bytes of a scalar row's value */
static size_t
scalar_size(enum ktype t)
{
	switch (t) {
	case K_SIZE:
		return sizeof(size_t);
	case K_BOOL:
		return sizeof(bool);
	case K_ENUM:
		return sizeof(int);
	default:
		return sizeof(unsigned);
	}
}

/* same_list - a list row: count, then every element */
static void
same_list(const struct keydef *kd, const void *a, const void *b,
    const char *path)
{
	const void	*la = pointer_at(kd, a), *lb = pointer_at(kd, b);
	size_t		 i, n = count_at(kd, a), size = 0;
	char		 sub[256];

	if (count_at(kd, b) != n || (la == NULL) != (lb == NULL))
		fail_msg("%s: %zu elements, then %zu", path, n,
		    count_at(kd, b));
	for (i = 0; i < n; i++) {
		if (snprintf(sub, sizeof(sub), "%s[%zu]", path, i) >=
		    (int)sizeof(sub))
			fail_msg("%s: path too long", path);
		switch (kd->type) {
		case K_STRLIST:
			same_string(sub, kd->flags, ((char *const *)la)[i],
			    ((char *const *)lb)[i]);
			break;
		case K_KV:
			same_string(sub, 0, ((const struct kv *)la)[i].key,
			    ((const struct kv *)lb)[i].key);
			same_string(sub, kd->flags,
			    ((const struct kv *)la)[i].value,
			    ((const struct kv *)lb)[i].value);
			break;
		case K_GROUPLIST:
			same_keys(kd->sub, (const char *)la + i * kd->size,
			    (const char *)lb + i * kd->size, sub);
			break;
		default:
			size = kd->type == K_CODES ? sizeof(long) :
			    kd->type == K_CIDRS ? sizeof(struct cidr) :
			    sizeof(unsigned);
			break;
		}
	}
	same_bytes(path, la, lb, n * size);
}

/*
 * same_keys - every row of a table holds the same value in a and b, as the
 * tables describe them (not as conf_print prints them, which is under test)
 */
static void
same_keys(const struct keydef *keys, const void *a, const void *b,
    const char *path)
{
	const struct keydef	*kd;
	char			 sub[256];

	for (kd = keys; kd->type != K_END; kd++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path,
		    path[0] != '\0' && kd->name != NULL ? "." : "",
		    kd->name != NULL ? kd->name : "");
		switch (kd->type) {
		case K_SECTION:
		case K_GROUP:
			same_keys(kd->sub, (const char *)a + kd->off,
			    (const char *)b + kd->off, sub);
			break;
		case K_STRING:
			same_string(sub, kd->flags, pointer_at(kd, a),
			    pointer_at(kd, b));
			break;
		case K_UINT:
		case K_DURATION:
		case K_DURATION_MS:
		case K_SIZE:
		case K_BOOL:
		case K_ENUM:
			same_bytes(sub, (const char *)a + kd->off,
			    (const char *)b + kd->off, scalar_size(kd->type));
			break;
		case K_STRLIST:
		case K_DURATIONS:
		case K_CODES:
		case K_CIDRS:
		case K_KV:
		case K_GROUPLIST:
			same_list(kd, a, b, sub);
			break;
		default:
			fail_msg("%s: type %d has no comparison here", sub,
			    (int)kd->type);
		}
	}
}

/* round_trip - c printed and read back is the same configuration */
static void
round_trip(const struct conf *c, const char *name)
{
	struct conf	*again;
	char		*text, *text2;
	size_t		 i;

	again = reload(c, &text);
	same_keys(conf_top_keys, c, again, "");
	/* the socket address is no key of its own: it comes from address */
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].sslen != again->listen[i].sslen ||
		    memcmp(&c->listen[i].ss, &again->listen[i].ss,
		    c->listen[i].sslen) != 0)
			fail_msg("%s: listen[%zu] address differs", name, i);
	text2 = printed(again);
	same_body(text, text2);
	free(text);
	free(text2);
	conf_free(again);
}

/*
 * test_round_trip_every - what -n prints loads again to an equal
 * configuration: every fixture that loads, the embedded default, the sample
 */
static void
test_round_trip_every(void **state)
{
	char		 dir[1024], path[1024], err[1024];
	struct dirent	*de;
	struct conf	*c;
	size_t		 len, loaded = 0;
	DIR		*d;

	(void)state;
	assert_non_null(c = conf_default());
	round_trip(c, "embedded default");
	conf_free(c);
	srcpath(path, sizeof(path), "conf/smsrelay.conf");
	if (conf_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	round_trip(c, path);
	conf_free(c);

	srcpath(dir, sizeof(dir), FIXTURES);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		fixture(path, sizeof(path), de->d_name);
		if (conf_load(path, &c, err, sizeof(err)) != 0)
			continue;
		round_trip(c, de->d_name);
		conf_free(c);
		loaded++;
	}
	closedir(d);
	/* the valid fixtures: minimal, relay, full_http, full_submission, ... */
	assert_true(loaded >= 10);
}

/* note_secrets - every secret row of the tables, and whether base sets it */
static void
note_secrets(const struct keydef *keys, const void *base,
    const struct keydef **rows, bool *set, size_t *n, size_t max)
{
	const struct keydef	*kd;
	const char		*elems;
	size_t			 i, j;

	for (kd = keys; kd->type != K_END; kd++) {
		if (kd->type == K_SECTION || kd->type == K_GROUP)
			note_secrets(kd->sub, base != NULL ?
			    (const char *)base + kd->off : NULL, rows, set, n,
			    max);
		if (kd->type == K_GROUPLIST) {
			note_secrets(kd->sub, NULL, rows, set, n, max);
			elems = base != NULL ? pointer_at(kd, base) : NULL;
			for (i = 0; elems != NULL && i < count_at(kd, base);
			    i++)
				note_secrets(kd->sub, elems + i * kd->size,
				    rows, set, n, max);
		}
		if (!(kd->flags & KF_SECRET))
			continue;
		for (j = 0; j < *n && rows[j] != kd; j++)
			;
		if (j == *n) {
			assert_true(*n < max);
			rows[(*n)++] = kd;
		}
		if (base != NULL && pointer_at(kd, base) != NULL)
			set[j] = true;
	}
}

/*
 * test_secrets - with every secret key set (a basic-auth and a bearer file
 * between them), no secret value appears in what -n prints
 */
static void
test_secrets(void **state)
{
	static const char *const files[] = {
		"secrets_basic.conf", "secrets_bearer.conf",
		"secrets_smpp.conf"
	};
	const struct keydef	*rows[32];
	bool			 set[32] = { false };
	struct conf		*c;
	char			*text;
	const char		*leak;
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		c = load_fixture(files[i]);
		note_secrets(conf_top_keys, c, rows, set, &n, 32);
		text = printed(c);
		if ((leak = strstr(text, SECRET_MARK)) != NULL) {
			while (leak > text && leak[-1] != '\n')
				leak--;
			fail_msg("%s: a secret in -n's output: %.*s", files[i],
			    (int)strcspn(leak, "\n"), leak);
		}
		assert_non_null(strstr(text, SECRET_MASK));
		free(text);
		conf_free(c);
	}
	/* backend password, token and headers, bounce password at least */
	assert_true(n >= 4);
	for (i = 0; i < n; i++)
		if (!set[i])
			fail_msg("secret key %s is in no secrets fixture: add "
			    "it to one, with \"" SECRET_MARK "\" in its value",
			    rows[i]->name);
}

/* test_submission - listeners, TLS, AUTH, users, sender ids and limits */
static void
test_submission(void **state)
{
	char		 path[1024], err[1024] = "";
	struct conf	*c = NULL;
	const struct user_conf *u;

	(void)state;
	srcpath(path, sizeof(path), "tests/unit/conf/full_submission.conf");
	if (conf_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("does not load: %s", err);
	assert_int_equal(c->nlisten, 5);
	assert_int_equal(c->listen[0].auth, LISTEN_AUTH_NONE);
	assert_int_equal(c->listen[1].tls, LISTEN_TLS_STARTTLS);
	assert_int_equal(c->listen[1].starttls, STARTTLS_REQUIRED);
	assert_int_equal(c->listen[1].auth, LISTEN_AUTH_REQUIRED);
	assert_int_equal(c->listen[2].tls, LISTEN_TLS_IMPLICIT);
	assert_int_equal(c->listen[2].auth, LISTEN_AUTH_OPTIONAL);
	assert_true(c->listen[3].proxy);
	assert_false(c->listen[2].proxy);
	/* a PROXY listener trusts loopback unless told otherwise */
	assert_null(c->listen[2].proxy_from);
	assert_int_equal(c->listen[3].nproxy_from, 2);
	assert_true(conf_cidr_match(c->listen[3].proxy_from,
	    c->listen[3].nproxy_from, (const struct sockaddr *)&(struct sockaddr_in){
	    .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) }));
	assert_int_equal(c->listen[4].nproxy_from, 2);
	assert_true(conf_cidr_match(c->listen[4].proxy_from,
	    c->listen[4].nproxy_from, (const struct sockaddr *)&(struct sockaddr_in){
	    .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a010203) }));
	assert_false(conf_cidr_match(c->listen[4].proxy_from,
	    c->listen[4].nproxy_from, (const struct sockaddr *)&(struct sockaddr_in){
	    .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) }));
	assert_string_equal(c->run_as, "smsrelay");
	assert_int_equal(c->tls.min_version, TLS_MIN_1_3);
	assert_string_equal(c->auth.users_file, "/etc/users");
	assert_true(c->auth.on_loopback);
	assert_true(c->auth.broken_clients);
	assert_int_equal(c->auth.max_failures, 3);
	assert_int_equal(c->auth.failure_window, 3600);
	assert_int_equal(c->auth.workers, 4);
	assert_int_equal(c->nusers, 2);
	assert_non_null(u = conf_user(c, "clerk"));
	assert_int_equal(u->nsenders, 2);
	assert_string_equal(u->senders[1], "*@service.example.com");
	assert_string_equal(u->sender_id, "ACME Repair");
	assert_int_equal(u->nallow_prefixes, 1);
	assert_int_equal(u->limits.messages_per_minute, 10);
	assert_int_equal(u->limits.parts_per_day, 500);
	assert_string_equal(conf_user(c, "erp")->sender_id, "+4930123456");
	assert_null(conf_user(c, "nobody"));
	assert_int_equal(c->nsender_ids, 1);
	assert_string_equal(c->sender_ids[0].sender_id, "Example");
	assert_int_equal(c->limits.user.parts_per_day, 10000);
	assert_int_equal(c->limits.client.messages_per_minute, 600);
	assert_int_equal(c->limits.client.parts_per_day, 0);
	assert_int_equal(c->limits.number.messages_per_minute, 5);
	assert_int_equal(c->smtp.soft_error_limit, 2);
	assert_int_equal(c->smtp.error_delay_ms, 250);
	assert_false(c->smtp.forbid_unauth_pipelining);
	assert_int_equal(c->smtp.greet_pause_ms, 1000);
	assert_int_equal(c->smtp.min_data_rate, 2000);
	assert_int_equal(c->smtp.tls_handshake_timeout, 5);
	conf_free(c);
}

/* test_sender_id - GSM alphanumeric (11) or numeric (15) originators */
static void
test_sender_id(void **state)
{
	static const struct {
		const char	*id;
		bool		 ok;
	} t[] = {
		{ "ACME", true }, { "ACME Repair", true }, { "A1", true },
		{ "+4917012345678", true }, { "491701234567890", true },
		{ "ACME Repair1", false }, { "", false }, { " ACME", false },
		{ "ACME ", false }, { "+ACME", false }, { "AC-ME", false },
		{ "4917012345678901", false }, { "+", false }, { "Müller", false },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (conf_valid_sender_id(t[i].id) != t[i].ok)
			fail_msg("\"%s\": expected %s", t[i].id,
			    t[i].ok ? "valid" : "invalid");
}

/* test_missing_file - an unreadable file is reported with its name */
static void
test_missing_file(void **state)
{
	char		 err[1024] = "";
	struct conf	*c = (struct conf *)&c;

	(void)state;
	assert_int_equal(conf_load("/nonexistent/smsrelay.conf", &c, err,
	    sizeof(err)), -1);
	assert_null(c);
	assert_string_equal(err, "/nonexistent/smsrelay.conf: cannot read: "
	    "No such file or directory");
}

/* test_errors - each invalid fixture fails with its exact FILE:LINE message */
static void
test_errors(void **state)
{
	static const struct {
		const char	*file;
		const char	*msg;		/* after "PATH:" */
	} t[] = {
		{ "syntax.conf",
		  "2: syntax error" },
		{ "duplicate.conf",
		  "4: duplicate setting name" },
		{ "unknown_top.conf",
		  "3: unknown key 'hostnmae'" },
		{ "unknown_group.conf",
		  "4: smtp: unknown key 'max_recipient'" },
		{ "unknown_nested.conf",
		  "7: backend.response: unknown key 'idd'" },
		{ "listen_unknown.conf",
		  "2: listen[0]: unknown key 'port'" },
		{ "log_unknown.conf",
		  "4: log: unknown key 'facility'" },
		{ "no_domains.conf",
		  "1: domains: missing: at least one recipient domain is "
		  "required, e.g. domains = [ \"sms.example.com\" ];" },
		{ "empty_domains.conf",
		  "2: domains: must not be empty" },
		{ "bad_domain.conf",
		  "3: domains[1]: \"exa mple.com\" may hold only letters, "
		  "digits, '-' and '.'" },
		{ "hostname_type.conf",
		  "2: hostname: must be a string" },
		{ "bad_listen.conf",
		  "3: listen[1].address: invalid address \"localhost:25\" "
		  "(use a numeric host:port such as \"127.0.0.1:2525\" or "
		  "\"[::1]:2525\")" },
		{ "listen_port.conf",
		  "2: listen[0].address: invalid address \"[::1]:65536\" "
		  "(use a numeric host:port such as \"127.0.0.1:2525\" or "
		  "\"[::1]:2525\")" },
		{ "listen_not_list.conf",
		  "2: listen: must be a list of groups, e.g. ( { address = "
		  "\"127.0.0.1:2525\"; } )" },
		{ "listen_no_address.conf",
		  "3: listen[0]: address is required" },
		{ "tls_no_cert.conf",
		  "2: listen[0]: tls = \"starttls\" needs tls.certificate and "
		  "tls.key" },
		{ "starttls_plain.conf",
		  "3: listen[0].starttls: only used with tls = \"starttls\"" },
		{ "auth_no_users.conf",
		  "2: listen[0]: auth = \"required\" needs auth.users_file" },
		{ "bad_sender_id.conf",
		  "3: users[0].sender_id: \"TwelveChars1\" must be up to 11 "
		  "letters, digits or spaces, or a number of up to 15 digits" },
		{ "duplicate_user.conf",
		  "4: users[1]: user \"clerk\" is already listed" },
		{ "bad_sender.conf",
		  "3: users[0].senders[0]: \"clerk\" must be an address, "
		  "\"*@domain\", \"@domain\", \"*\" or \"<>\"" },
		{ "cert_no_key.conf",
		  "2: tls: certificate and key go together" },
		{ "bad_limit.conf",
		  "2: limits.user.messages_per_minute: must be between 0 and "
		  "10000000" },
		{ "proxy_from_plain.conf",
		  "3: listen[0].proxy_from: only used with proxy = true" },
		{ "bad_proxy_from.conf",
		  "3: listen[0].proxy_from[1]: invalid network \"lb.example\" "
		  "(use e.g. \"192.168.0.0/16\" or \"2001:db8::/32\")" },
		{ "bad_cidr.conf",
		  "3: relay_networks[0]: invalid network \"10.0.0.0/33\" "
		  "(use e.g. \"192.168.0.0/16\" or \"2001:db8::/32\")" },
		{ "empty_relay.conf",
		  "2: relay_networks: must not be empty" },
		{ "bad_country.conf",
		  "3: numbers.default_country: \"+49\" must be 1-3 digits "
		  "without '+', e.g. \"49\"" },
		{ "long_country.conf",
		  "2: numbers.default_country: \"4912\" must be 1-3 "
		  "digits, e.g. \"49\"" },
		{ "bad_quiet.conf",
		  "4: queue.quiet_senders[0].quiet_hours: \"25:00-08:00\" has a "
		  "time that is not HH:MM (00:00 to 23:59)" },
		{ "bad_multi_zone.conf", "3: numbers.multi_zone: \"middle\" is not "
		  "one of \"latest\" or \"earliest\"" },
		{ "bad_prefix.conf",
		  "4: numbers.allow_prefixes[1]: \"43\" must be '+' and "
		  "1-15 digits, e.g. \"+49\"" },
		{ "numbers_not_group.conf",
		  "2: numbers: must be a group { ... }" },
		{ "max_parts.conf",
		  "3: message.max_parts: must be between 1 and 10" },
		{ "max_parts_type.conf",
		  "3: message.max_parts: must be an integer" },
		{ "bad_subject.conf",
		  "2: message.subject: \"append\" is not one of "
		  "\"prepend\", \"ignore\" or \"only\"" },
		{ "bad_bool.conf",
		  "2: message.strip_signature: must be true or false" },
		{ "bad_template.conf",
		  "3: message.template: unknown placeholder \"{subjekt}\" "
		  "(use {subject}, {body}, {from_name} or {from})" },
		{ "template_unclosed.conf",
		  "3: message.template: '{' without '}' (placeholders are "
		  "{subject}, {body}, {from_name} and {from})" },
		{ "template_blank.conf",
		  "2: message.template: must not be empty" },
		{ "template_control.conf",
		  "4: message.template: must not contain control characters "
		  "other than \\n and \\t" },
		{ "template_type.conf",
		  "3: message.template: must be a string" },
		{ "bad_overflow.conf",
		  "4: message.overflow: \"cut\" is not one of \"truncate\" "
		  "or \"refuse\"" },
		{ "empty_marker.conf",
		  "4: message.disclaimer_markers[1]: \"\" must not be empty" },
		{ "long_marker.conf",
		  "3: message.disclaimer_markers[0]: \"" LONG_MARKER "\" is "
		  "longer than 200 bytes" },
		{ "markers_type.conf",
		  "3: message.disclaimer_markers: must be a list, e.g. "
		  "[ \"a\", \"b\" ]" },
		{ "bad_translit.conf",
		  "3: message.transliterate: \"yes\" is not false, "
		  "\"typography\" or \"letters\"" },
		{ "bad_notify.conf",
		  "2: users[0].notify: \"sometimes\" is not one of "
		  "\"default\", \"always\", \"failures\" or \"never\"" },
		{ "reports_sender_no_notify.conf",
		  "3: reports.senders[0]: domain and notify (\"always\", "
		  "\"failures\" or \"never\") are required" },
		{ "bad_translit_type.conf",
		  "3: message.transliterate: must be false, \"typography\" "
		  "or \"letters\"" },
		{ "bad_size.conf",
		  "3: smtp.max_message_size: invalid size \"10X\" (use "
		  "e.g. \"1024\", \"512K\", \"10M\")" },
		{ "bad_duration.conf",
		  "3: smtp.idle_timeout: invalid duration \"5 min\" (use "
		  "e.g. \"90\", \"90s\", \"5m\", \"2h\", \"2d\")" },
		{ "duration_range.conf",
		  "3: smtp.data_timeout: must be between 1s and 1d" },
		{ "long_socket.conf",
		  "2: control_socket: \"" LONG_PATH
		  ".sock\" is too long for a unix socket path" },
		{ "long_spool.conf",
		  "2: control_socket: \"" LONG_PATH
		  "/control.sock\" is too long for a unix socket path; set "
		  "control_socket" },
		{ "bad_type.conf",
		  "3: backend.type: \"ucp\" is not one of \"outbox\", "
		  "\"http\" or \"smpp\"" },
		{ "smpp_no_url.conf",
		  "2: backend: type \"smpp\" requires url "
		  "(smpp://host:port or smpps://host:port)" },
		{ "smpp_bad_url.conf",
		  "4: backend.url: \"https://smsc.example.net\" must be "
		  "smpp://host:port or "
		  "smpps://host:port" },
		{ "smpp_long_password.conf",
		  "6: backend.password: the value must be at most 8 "
		  "characters (SMPP password)" },
		{ "smpp_http_key.conf",
		  "5: backend.profile: not used with type = \"smpp\"" },
		{ "http_smpp_key.conf",
		  "5: backend.system_id: not used with type = \"http\"" },
		{ "smpp_ca_plain.conf",
		  "6: backend.ca_file: only used with smpps://" },
		{ "http_no_url.conf",
		  "2: backend: type \"http\" requires url" },
		{ "twilio_no_user.conf",
		  "2: backend: profile \"twilio\" requires user (the "
		  "account SID) and password (the auth token)" },
		{ "bad_profile.conf",
		  "4: backend.profile: \"nexmo\" must be \"generic\", "
		  "\"twilio\", \"vonage\", \"messagebird\", \"sinch\", "
		  "\"infobip\" or \"plivo\"" },
		{ "vonage_no_secret.conf",
		  "2: backend: profile \"vonage\" requires user (the API key) "
		  "and password (the API secret)" },
		{ "infobip_no_key.conf",
		  "2: backend: profile \"infobip\" requires password (the API "
		  "key)" },
		{ "sinch_auth.conf",
		  "7: backend.auth: not used with this profile: its request "
		  "format and authentication are fixed" },
		{ "http_key_outbox.conf",
		  "4: backend.url: not used with type = \"outbox\"" },
		{ "bad_format.conf",
		  "5: backend.format: \"xml\" is not one of \"json\" or "
		  "\"form\"" },
		{ "basic_no_password.conf",
		  "6: backend.auth: auth \"basic\" requires user and "
		  "password" },
		{ "bearer_no_token.conf",
		  "6: backend.auth: auth \"bearer\" requires token" },
		{ "token_without_bearer.conf",
		  "5: backend.token: only used with auth = \"bearer\"" },
		{ "http_bad_listen.conf",
		  "3: http.listen: invalid address \"localhost:8025\" (use a "
		  "numeric host:port such as \"127.0.0.1:8025\" or "
		  "\"[::1]:8025\")" },
		{ "http_url_no_listen.conf",
		  "3: http.public_url: only used with listen" },
		{ "http_bad_public_url.conf",
		  "4: http.public_url: \"https://sms.example.com/cb?x=1\" must "
		  "be a plain URL without user, query or fragment" },
		{ "http_tls_no_cert.conf",
		  "4: http.tls: needs tls.certificate and tls.key" },
		{ "callback_twilio.conf",
		  "7: backend.callback_secret: not used with profile "
		  "\"twilio\": its callbacks are signed with the auth token "
		  "(password)" },
		{ "bad_url.conf",
		  "4: backend.url: \"ftp://127.0.0.1/sms\" must start with "
		  "http:// or https://" },
		{ "bad_header.conf",
		  "5: backend.headers[1]: \"NoColon\" must be \"Name: "
		  "value\"" },
		{ "fields_not_group.conf",
		  "5: backend.fields: must be a group, e.g. { to = "
		  "\"{to}\"; text = \"{text}\"; }" },
		{ "bad_codes.conf",
		  "7: backend.response.permanent_codes[1]: must be an "
		  "integer" },
		{ "bad_inflight.conf",
		  "5: backend.max_in_flight: must be between 1 and 100000" },
		{ "retry_empty.conf",
		  "3: queue.retry: must not be empty" },
		{ "retry_bad.conf",
		  "4: queue.retry[1]: invalid duration \"soon\" (use e.g. "
		  "\"90\", \"90s\", \"5m\", \"2h\", \"2d\")" },
		{ "commit_delay.conf",
		  "3: queue.commit_delay: must be between 0s and 1s" },
		{ "dedup_window_range.conf",
		  "3: dedup.window: must be between 1s and 30d" },
		{ "optout_not_string.conf",
		  "3: optout.file: must be a string" },
		{ "min_free_small.conf",
		  "3: queue.min_free: must be between 64K and 1G" },
		{ "lifetime_ms.conf",
		  "3: queue.lifetime: must be whole seconds" },
		{ "bad_smarthost.conf",
		  "3: bounce.smarthost: \"mail.example.com:25\" must start "
		  "with smtp:// or smtps://" },
		{ "bounce_user_no_host.conf",
		  "3: bounce.user: only used with a smarthost" },
		{ "bounce_user_no_password.conf",
		  "2: bounce: user and password go together" },
		{ "starttls_smtps.conf",
		  "4: bounce.starttls: only used with smtp:// (smtps:// is "
		  "TLS from the start)" },
		{ "bad_mailbox.conf",
		  "3: bounce.from: \"nobody\" must be an address like "
		  "MAILER-DAEMON@example.com" },
	};
	char		 path[1024], want[2048], err[1024];
	struct conf	*c;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fixture(path, sizeof(path), t[i].file);
		snprintf(want, sizeof(want), "%s:%s", path, t[i].msg);
		c = (struct conf *)&c;
		err[0] = '\0';
		if (conf_load(path, &c, err, sizeof(err)) != -1) {
			conf_free(c);
			fail_msg("%s: loaded, want \"%s\"", t[i].file, want);
		}
		assert_null(c);
		if (strcmp(err, want) != 0)
			fail_msg("%s:\n got \"%s\"\nwant \"%s\"", t[i].file,
			    err, want);
	}
}

/* main - run every test */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_duration_ms),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_relay_allowed),
		cmocka_unit_test(test_domain_served),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_file_defaults),
		cmocka_unit_test(test_twilio),
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_dedup_optout),
		cmocka_unit_test(test_round_trip_default),
		cmocka_unit_test(test_round_trip_twilio),
		cmocka_unit_test(test_message_off),
		cmocka_unit_test(test_transliterate),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_round_trip_every),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_submission),
		cmocka_unit_test(test_sender_id),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
