/*
 * value.c - how values are spelt in the file: durations, sizes, networks,
 * listen addresses and strings, read without overflow and printed back.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/schema.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* conf_fmt_duration - the shortest exact spelling of a number of seconds */
void
conf_fmt_duration(unsigned secs, char *buf, size_t len)
{
	if (secs != 0 && secs % DAY == 0)
		snprintf(buf, len, "%ud", secs / DAY);
	else if (secs != 0 && secs % HOUR == 0)
		snprintf(buf, len, "%uh", secs / HOUR);
	else if (secs != 0 && secs % MINUTE == 0)
		snprintf(buf, len, "%um", secs / MINUTE);
	else
		snprintf(buf, len, "%us", secs);
}

/* conf_fmt_duration_ms - like conf_fmt_duration, "ms" when needed */
void
conf_fmt_duration_ms(unsigned ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		conf_fmt_duration(ms / 1000, buf, len);
	else
		snprintf(buf, len, "%ums", ms);
}

/* conf_fmt_size - the shortest exact spelling of a number of bytes */
void
conf_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes != 0 && bytes % (1024 * 1024 * 1024) == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes != 0 && bytes % (1024 * 1024) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else if (bytes != 0 && bytes % 1024 == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

/* conf_put_string - a libconfig string literal that reads back the same */
void
conf_put_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '\t')
			fputs("\\t", fp);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

/* parse_digits - a run of decimal digits at *sp into *v, without overflow */
static int
parse_digits(const char **sp, uint64_t *v)
{
	const char	*p = *sp;
	uint64_t	 n = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*sp = p;
	*v = n;
	return 0;
}

/* conf_parse_ms - a duration in any accepted spelling, in milliseconds */
int
conf_parse_ms(const char *s, uint64_t *ms)
{
	static const struct {
		const char	*suffix;
		uint64_t	 mult;
	} units[] = {
		{ "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 }
	};
	uint64_t	 v;
	size_t		 i;

	if (s == NULL || parse_digits(&s, &v) == -1)
		return -1;
	for (i = 0; i < nitems(units); i++) {
		if (strcmp(s, units[i].suffix) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -1;
		*ms = v * units[i].mult;
		return 0;
	}
	return -1;
}

/* conf_parse_duration - "90", "90s", "5m", "2h", "2d" into whole seconds */
int
conf_parse_duration(const char *s, unsigned *seconds)
{
	uint64_t	 ms;

	if (conf_parse_ms(s, &ms) == -1 || ms % 1000 != 0 ||
	    ms / 1000 > UINT_MAX)
		return -1;
	*seconds = (unsigned)(ms / 1000);
	return 0;
}

/* conf_parse_duration_ms - like conf_parse_duration, "250ms" allowed */
int
conf_parse_duration_ms(const char *s, unsigned *ms)
{
	uint64_t	 v;

	if (conf_parse_ms(s, &v) == -1 || v > UINT_MAX)
		return -1;
	*ms = (unsigned)v;
	return 0;
}

/* conf_parse_size - "1024", "512K", "10M", "1G" (powers of 1024) into bytes */
int
conf_parse_size(const char *s, size_t *bytes)
{
	uint64_t	 v;
	unsigned	 shift;

	if (s == NULL || parse_digits(&s, &v) == -1)
		return -1;
	switch (*s) {
	case '\0':
		shift = 0;
		break;
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (shift != 0 && s[1] != '\0')
		return -1;
	if (v > (uint64_t)SIZE_MAX >> shift)
		return -1;
	*bytes = (size_t)(v << shift);
	return 0;
}

/* conf_parse_cidr - "10.0.0.0/8", "2001:db8::/32"; a bare address is a host */
int
conf_parse_cidr(const char *s, struct cidr *c)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*slash, *p;
	uint64_t	 prefix;
	size_t		 alen, i;
	unsigned	 max;

	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';

	memset(c, 0, sizeof(*c));
	if (strchr(buf, ':') != NULL) {
		c->family = AF_INET6;
		max = 128;
	} else {
		c->family = AF_INET;
		max = 32;
	}
	if (inet_pton(c->family, buf, c->addr) != 1)
		return -1;

	c->prefixlen = max;
	if (slash != NULL) {
		p = slash + 1;
		if (strlen(p) > 3 || parse_digits(&p, &prefix) == -1 ||
		    *p != '\0' || prefix > max)
			return -1;
		c->prefixlen = (unsigned)prefix;
	}

	/* keep only the network part, so matching and printing agree */
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= c->prefixlen)
			c->addr[i] = 0;
		else if (i * 8 + 8 > c->prefixlen)
			c->addr[i] &= (unsigned char)
			    (0xff << (8 - (c->prefixlen - i * 8)));
	}
	return 0;
}

/* conf_parse_address - numeric "a.b.c.d:port" or "[v6]:port" */
int
conf_parse_address(const char *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char			 host[INET6_ADDRSTRLEN];
	const char		*colon, *hstart, *p;
	size_t			 hlen;
	uint64_t		 port;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	int			 v6;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		hstart = s + 1;
		hlen = (size_t)(close - hstart);
		colon = close + 1;
		v6 = 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hstart = s;
		hlen = (size_t)(colon - s);
		v6 = 0;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, hstart, hlen);
	host[hlen] = '\0';

	p = colon + 1;
	if (strlen(p) > 5 || parse_digits(&p, &port) == -1 || *p != '\0' ||
	    port == 0 || port > 65535)
		return -1;

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1)
			return -1;
		memcpy(ss, &sin6, sizeof(sin6));
		*sslen = sizeof(sin6);
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			return -1;
		memcpy(ss, &sin, sizeof(sin));
		*sslen = sizeof(sin);
	}
	return 0;
}
