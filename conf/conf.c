/*
 * conf.c - the configuration: reads a libconfig file, checks the type and
 * range of every key, reports problems as "FILE:LINE: key: what is wrong".
 *
 * Keys are described by tables (one per group) that say where each value goes
 * in struct conf and what it may hold; one walker applies them, so an unknown
 * key (a typo) is an error instead of a silently ignored setting. Rules that
 * involve several keys run after the walk, then the defaults that derive from
 * other settings (control socket, outbox, bounce sender) are filled in.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "conf/conf.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

#define FILE_SPOOL	LOCALSTATEDIR "/spool/smsrelay"
#define EMBEDDED_SPOOL	"spool"
#define DEFAULT_LISTEN	"127.0.0.1:2525"
#define SECRET_MASK	"********"
#define MAX_PREFIX_DIGITS 15	/* E.164: at most 15 digits */
#define MAX_HOSTNAME	253
#define MAX_TEMPLATE	1000	/* bytes of message.template */
#define MAX_MARKER	200	/* bytes of a disclaimer marker */
#define SOCKET_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define MINUTE		60U
#define HOUR		(60U * MINUTE)
#define DAY		(24U * HOUR)

/* the walker stores enums through an int; make sure that is their size */
_Static_assert(sizeof(enum subject_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum overflow) == sizeof(int), "enum size");
_Static_assert(sizeof(enum backend_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum http_format) == sizeof(int), "enum size");
_Static_assert(sizeof(enum http_auth) == sizeof(int), "enum size");

static const unsigned	 default_retry[] = {
	MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR
};
/* relay_networks and a PROXY listener's proxy_from: loopback */
static const char *const default_relay[] = { "127.0.0.0/8", "::1/128" };
/* what sms/convert/text.c fills into message.template */
static const char *const template_placeholders[] = {
	"subject", "body", "from_name", "from", NULL
};

struct loader {
	const char	*file;
	char		*err;
	size_t		 errlen;
};

enum ktype {
	K_STRING,	/* char *, checked by valid() */
	K_STRLIST,	/* char **, count at noff, each checked by valid() */
	K_UINT,		/* unsigned in [min, max] */
	K_DURATION,	/* unsigned seconds in [min, max] */
	K_DURATION_MS,	/* unsigned milliseconds in [min, max] */
	K_SIZE,		/* size_t bytes in [min, max] */
	K_BOOL,		/* bool */
	K_ENUM,		/* an enum: the index of the value in choices */
	K_CODES,	/* long *, count at noff; non-NULL once set */
	K_CIDRS,	/* struct cidr *, count at noff */
	K_GROUP,	/* the keys of a nested group, in sub */
	K_CUSTOM	/* parse() does everything */
};

#define KF_HTTP		0x01	/* only meaningful with backend type "http" */
#define KF_NONEMPTY	0x02	/* a list that needs at least one element */

struct keydef {
	const char		 *name;
	enum ktype		  type;
	size_t			  off;		/* where the value goes */
	size_t			  noff;		/* where a list's count goes */
	uint64_t		  min, max;
	const char		*(*valid)(const char *); /* NULL or why not */
	const char *const	 *choices;	/* K_ENUM, NULL-terminated */
	const struct keydef	 *sub;		/* K_GROUP */
	int			(*parse)(struct loader *,
				    const config_setting_t *, void *);
	unsigned		  flags;
};

#define OFF(member)	offsetof(struct conf, member)

static int	walk(struct loader *, const config_setting_t *,
		    const struct keydef *, void *);

/* fmt_duration - the shortest exact spelling of a number of seconds */
static void
fmt_duration(unsigned secs, char *buf, size_t len)
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

/* fmt_duration_ms - like fmt_duration, falling back to "ms" when needed */
static void
fmt_duration_ms(unsigned ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		fmt_duration(ms / 1000, buf, len);
	else
		snprintf(buf, len, "%ums", ms);
}

/* fmt_size - the shortest exact spelling of a number of bytes */
static void
fmt_size(uint64_t bytes, char *buf, size_t len)
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

/* parse_ms - a duration in any accepted spelling, in milliseconds */
static int
parse_ms(const char *s, uint64_t *ms)
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

	if (parse_ms(s, &ms) == -1 || ms % 1000 != 0 || ms / 1000 > UINT_MAX)
		return -1;
	*seconds = (unsigned)(ms / 1000);
	return 0;
}

/* conf_parse_duration_ms - like conf_parse_duration, "250ms" allowed */
int
conf_parse_duration_ms(const char *s, unsigned *ms)
{
	uint64_t	 v;

	if (parse_ms(s, &v) == -1 || v > UINT_MAX)
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

/* conf_valid_sender_id - see conf.h (GSM 03.40 alphanumeric or a number) */
bool
conf_valid_sender_id(const char *s)
{
	size_t	 i, n = strlen(s), digits = 0, alpha = 0;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (i == 0 && s[i] == '+')
			continue;
		else if (isalpha((unsigned char)s[i]) || s[i] == ' ')
			alpha++;
		else
			return false;
	}
	if (alpha == 0)
		return digits > 0 && digits <= 15;
	return s[0] != '+' && s[0] != ' ' && s[n - 1] != ' ' && n <= 11;
}

/* setting_path - "backend.response.id" or "listen[0].address" */
static void
setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t	*parent = config_setting_parent(s);
	size_t			 n;

	if (parent == NULL)
		return;
	setting_path(parent, buf, len);
	n = strlen(buf);
	if (n + 1 >= len)
		return;
	if (config_setting_is_group(parent))
		snprintf(buf + n, len - n, "%s%s", n > 0 ? "." : "",
		    config_setting_name(s));
	else
		snprintf(buf + n, len - n, "[%d]", config_setting_index(s));
}

/* verror - "FILE:LINE: [PATH: ]message" into the caller's buffer */
static void verror(struct loader *, const config_setting_t *, const char *,
    const char *, va_list) __attribute__((format(printf, 4, 0)));

static void
verror(struct loader *ld, const config_setting_t *at, const char *path,
    const char *fmt, va_list ap)
{
	char		 msg[512];
	const char	*file = NULL;
	unsigned	 line = 0;

	if (at != NULL) {
		file = config_setting_source_file(at);
		line = config_setting_source_line(at);
	}
	if (file == NULL)
		file = ld->file;
	/* only a key missing altogether has no line of its own */
	if (line == 0)
		line = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (path != NULL && path[0] != '\0')
		snprintf(ld->err, ld->errlen, "%s:%u: %s: %s", file, line,
		    path, msg);
	else
		snprintf(ld->err, ld->errlen, "%s:%u: %s", file, line, msg);
}

/* fail - an error about setting s, on its line, prefixed with its path */
static int __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char	 path[256] = "";
	va_list	 ap;

	setting_path(s, path, sizeof(path));
	va_start(ap, fmt);
	verror(ld, s, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* fail_key - an error naming key, on the line of setting at (may be NULL) */
static int __attribute__((format(printf, 4, 5)))
fail_key(struct loader *ld, const config_setting_t *at, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(ld, at, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* nomem - allocation failure while loading */
static int
nomem(struct loader *ld)
{
	snprintf(ld->err, ld->errlen, "%s: out of memory", ld->file);
	return -1;
}

/* valid_hostname - letters, digits, '-' and '.', as in a DNS name */
static const char *
valid_hostname(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0)
		return "must not be empty";
	if (n > MAX_HOSTNAME)
		return "is longer than 253 characters";
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return "may hold only letters, digits, '-' and '.'";
	return NULL;
}

/* valid_domain - a domain name, or "*" for every domain */
static const char *
valid_domain(const char *s)
{
	if (strcmp(s, "*") == 0)
		return NULL;
	return valid_hostname(s);
}

/* valid_country - a country calling code: 1-3 digits, no '+', no leading 0 */
static const char *
valid_country(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 1 || n > 3)
		return "must be 1-3 digits, e.g. \"49\"";
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be 1-3 digits without '+', e.g. \"49\"";
	if (s[0] == '0')
		return "must not start with 0";
	return NULL;
}

/* valid_prefix - an E.164 prefix: '+' and 1-15 digits */
static const char *
valid_prefix(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 2 || s[0] != '+' || n > MAX_PREFIX_DIGITS + 1)
		return "must be '+' and 1-15 digits, e.g. \"+49\"";
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be '+' and 1-15 digits, e.g. \"+49\"";
	return NULL;
}

/* valid_text - non-empty and on one line: it ends up in headers and logs */
static const char *
valid_text(const char *s)
{
	if (s[0] == '\0')
		return "must not be empty";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* valid_user_name - a login name: printable ASCII or UTF-8, no ':' */
static const char *
valid_user_name(const char *s)
{
	const char *why = valid_text(s);

	if (why != NULL)
		return why;
	if (strchr(s, ':') != NULL)
		return "must not contain ':'";
	if (strlen(s) > 255)
		return "must be at most 255 bytes";
	return NULL;
}

/* valid_sender_pattern - "a@b.example", "*@b.example", "@b.example", "*", "<>" */
static const char *
valid_sender_pattern(const char *s)
{
	const char *at = strrchr(s, '@');

	if (strcmp(s, "*") == 0 || strcmp(s, "<>") == 0)
		return NULL;
	if (at == NULL || at[1] == '\0')
		return "must be an address, \"*@domain\", \"@domain\", "
		    "\"*\" or \"<>\"";
	if (strlen(s) > 256)
		return "must be at most 256 bytes";
	return valid_text(s);
}

/* valid_sender_id_value - for the key tables */
static const char *
valid_sender_id_value(const char *s)
{
	return conf_valid_sender_id(s) ? NULL : "must be up to 11 letters, "
	    "digits or spaces, or a number of up to 15 digits";
}

/* valid_run_as - a user name the system could have */
static const char *
valid_run_as(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 32)
		return "must be a user name of 1 to 32 characters";
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return "must be a user name (letters, digits, _ - .)";
	return NULL;
}

/* valid_marker - a disclaimer marker: one line of text, not too long */
static const char *
valid_marker(const char *s)
{
	if (strlen(s) > MAX_MARKER)
		return "is longer than 200 bytes";
	return valid_text(s);
}

/* valid_socket_path - fits in sockaddr_un */
static const char *
valid_socket_path(const char *s)
{
	if (strlen(s) > SOCKET_PATH_MAX)
		return "is too long for a unix socket path";
	return valid_text(s);
}

/* valid_profile - a provider profile known to the http backend */
static const char *
valid_profile(const char *s)
{
	if (strcmp(s, "generic") != 0 && strcmp(s, "twilio") != 0)
		return "must be \"generic\" or \"twilio\"";
	return NULL;
}

/* valid_url - an http or https URL template */
static const char *
valid_url(const char *s)
{
	if ((strncmp(s, "http://", 7) != 0 || s[7] == '\0') &&
	    (strncmp(s, "https://", 8) != 0 || s[8] == '\0'))
		return "must start with http:// or https://";
	return valid_text(s);
}

/* valid_method - an HTTP method token */
static const char *
valid_method(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 16)
		return "must be an HTTP method such as \"POST\"";
	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return "must be an HTTP method in capitals, "
			    "e.g. \"POST\"";
	return NULL;
}

/* valid_header - "Name: value" with a token as the name */
static const char *
valid_header(const char *s)
{
	const char	*colon = strchr(s, ':');
	const char	*p;

	if (colon == NULL || colon == s)
		return "must be \"Name: value\"";
	for (p = s; p < colon; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("()<>@,;\\\"/[]?={}", *p))
			return "has an invalid header name";
	return valid_text(s);
}

/* valid_smarthost - smtp://host[:port] or smtps://host[:port] */
static const char *
valid_smarthost(const char *s)
{
	if ((strncmp(s, "smtp://", 7) != 0 || s[7] == '\0') &&
	    (strncmp(s, "smtps://", 8) != 0 || s[8] == '\0'))
		return "must start with smtp:// or smtps://";
	return valid_text(s);
}

/* valid_mailbox - local@domain, as used in a From: header */
static const char *
valid_mailbox(const char *s)
{
	const char	*at = strrchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0')
		return "must be an address like MAILER-DAEMON@example.com";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '<' ||
		    *s == '>')
			return "must be a bare address without spaces or <>";
	return NULL;
}

/* get_string - the string value of s */
static int
get_string(struct loader *ld, const config_setting_t *s,
    const char *(*valid)(const char *), const char **out)
{
	const char	*why;

	*out = NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(ld, s, "must be a string");
	*out = config_setting_get_string(s);
	if (valid != NULL && (why = valid(*out)) != NULL)
		return fail(ld, s, "\"%s\" %s", *out, why);
	return 0;
}

/* dup_string - the string value of s, copied into *dst */
static int
dup_string(struct loader *ld, const config_setting_t *s,
    const char *(*valid)(const char *), char **dst)
{
	const char	*v;

	if (get_string(ld, s, valid, &v) == -1)
		return -1;
	free(*dst);
	if ((*dst = strdup(v)) == NULL)
		return nomem(ld);
	return 0;
}

/* get_list - s as a list or array, optionally with at least one element */
static int
get_list(struct loader *ld, const config_setting_t *s, bool nonempty,
    const char *example, size_t *n)
{
	int	 len;

	*n = 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(ld, s, "must be a list, e.g. %s", example);
	len = config_setting_length(s);
	if (nonempty && len == 0)
		return fail(ld, s, "must not be empty");
	*n = (size_t)len;
	return 0;
}

/* get_integer - an integer setting within [min, max] */
static int
get_integer(struct loader *ld, const config_setting_t *s, uint64_t min,
    uint64_t max, uint64_t *out)
{
	long long	 v;

	*out = 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return fail(ld, s, "must be an integer");
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return fail(ld, s, "must be between %llu and %llu",
		    (unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

/* get_duration - a duration (string, or integer seconds) in s or ms */
static int
get_duration(struct loader *ld, const config_setting_t *s, bool in_ms,
    uint64_t min, uint64_t max, unsigned *out)
{
	char		 lo[32], hi[32];
	uint64_t	 ms, v;
	long long	 secs;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		secs = config_setting_get_int64(s);
		if (secs < 0 || (uint64_t)secs > UINT64_MAX / 1000)
			return fail(ld, s, "must not be negative");
		ms = (uint64_t)secs * 1000;
		break;
	case CONFIG_TYPE_STRING:
		if (parse_ms(config_setting_get_string(s), &ms) == -1)
			return fail(ld, s, "invalid duration \"%s\" (use e.g. "
			    "\"90\", \"90s\", \"5m\", \"2h\", \"2d\"%s)",
			    config_setting_get_string(s),
			    in_ms ? ", \"250ms\"" : "");
		break;
	default:
		return fail(ld, s, "must be a duration string such as \"5m\"");
	}
	if (!in_ms && ms % 1000 != 0)
		return fail(ld, s, "must be whole seconds");
	v = in_ms ? ms : ms / 1000;
	if (v < min || v > max) {
		if (in_ms) {
			fmt_duration_ms((unsigned)min, lo, sizeof(lo));
			fmt_duration_ms((unsigned)max, hi, sizeof(hi));
		} else {
			fmt_duration((unsigned)min, lo, sizeof(lo));
			fmt_duration((unsigned)max, hi, sizeof(hi));
		}
		return fail(ld, s, "must be between %s and %s", lo, hi);
	}
	*out = (unsigned)v;
	return 0;
}

/* get_size - a size (string with K/M/G, or integer bytes) */
static int
get_size(struct loader *ld, const config_setting_t *s, uint64_t min,
    uint64_t max, size_t *out)
{
	char		 lo[32], hi[32];
	size_t		 v;
	long long	 n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		n = config_setting_get_int64(s);
		if (n < 0)
			return fail(ld, s, "must not be negative");
		v = (size_t)n;
		break;
	case CONFIG_TYPE_STRING:
		if (conf_parse_size(config_setting_get_string(s), &v) == -1)
			return fail(ld, s, "invalid size \"%s\" (use e.g. "
			    "\"1024\", \"512K\", \"10M\")",
			    config_setting_get_string(s));
		break;
	default:
		return fail(ld, s, "must be a size string such as \"10M\"");
	}
	if (v < min || v > max) {
		fmt_size(min, lo, sizeof(lo));
		fmt_size(max, hi, sizeof(hi));
		return fail(ld, s, "must be between %s and %s", lo, hi);
	}
	*out = v;
	return 0;
}

/* get_enum - the index of a string value among choices */
static int
get_enum(struct loader *ld, const config_setting_t *s,
    const char *const *choices, int *out)
{
	char		 list[128] = "";
	const char	*v;
	size_t		 n;
	int		 i;

	*out = 0;
	if (get_string(ld, s, NULL, &v) == -1)
		return -1;
	for (i = 0; choices[i] != NULL; i++) {
		if (strcmp(v, choices[i]) == 0) {
			*out = i;
			return 0;
		}
		n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%s\"%s\"",
		    i == 0 ? "" : choices[i + 1] == NULL ? " or " : ", ",
		    choices[i]);
	}
	return fail(ld, s, "\"%s\" is not one of %s", v, list);
}

/* parse_strlist - a list of strings, each checked by the key's validator */
static int
parse_strlist(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, char ***list, size_t *count)
{
	size_t	 i, n;

	if (get_list(ld, s, kd->flags & KF_NONEMPTY, "[ \"a\", \"b\" ]",
	    &n) == -1)
		return -1;
	if (n == 0)
		return 0;
	if ((*list = calloc(n, sizeof(**list))) == NULL)
		return nomem(ld);
	*count = n;
	for (i = 0; i < n; i++)
		if (dup_string(ld, config_setting_get_elem(s, (unsigned)i),
		    kd->valid, &(*list)[i]) == -1)
			return -1;
	return 0;
}

/* parse_cidrs - a list of networks */
static int
parse_cidrs(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, struct cidr **nets, size_t *count)
{
	const config_setting_t	*e;
	const char		*v;
	size_t			 i, n;

	if (get_list(ld, s, kd->flags & KF_NONEMPTY,
	    "[ \"127.0.0.0/8\", \"::1/128\" ]", &n) == -1)
		return -1;
	if ((*nets = calloc(n > 0 ? n : 1, sizeof(**nets))) == NULL)
		return nomem(ld);
	*count = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (get_string(ld, e, NULL, &v) == -1)
			return -1;
		if (conf_parse_cidr(v, &(*nets)[i]) == -1)
			return fail(ld, e, "invalid network \"%s\" (use e.g. "
			    "\"192.168.0.0/16\" or \"2001:db8::/32\")", v);
	}
	return 0;
}

/* parse_codes - a list of provider error codes */
static int
parse_codes(struct loader *ld, const config_setting_t *s, long **codes,
    size_t *count)
{
	const config_setting_t	*e;
	size_t			 i, n;
	long long		 v;

	if (get_list(ld, s, false, "[ 21211, 21614 ]", &n) == -1)
		return -1;
	/* allocate even for [ ]: NULL means "not set, use the profile's" */
	if ((*codes = calloc(n > 0 ? n : 1, sizeof(**codes))) == NULL)
		return nomem(ld);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64)
			return fail(ld, e, "must be an integer");
		v = config_setting_get_int64(e);
		if (v < INT_MIN || v > INT_MAX)
			return fail(ld, e, "is out of range");
		(*codes)[i] = (long)v;
	}
	*count = n;
	return 0;
}

/* parse_key - one setting, as its table entry says, into base */
static int
parse_key(struct loader *ld, const config_setting_t *s, const struct keydef *kd,
    void *base)
{
	void		*p = (char *)base + kd->off;
	uint64_t	 v = 0;
	int		 idx = 0;

	switch (kd->type) {
	case K_STRING:
		return dup_string(ld, s, kd->valid, p);
	case K_STRLIST:
		return parse_strlist(ld, s, kd, p,
		    (size_t *)(void *)((char *)base + kd->noff));
	case K_UINT:
		if (get_integer(ld, s, kd->min, kd->max, &v) == -1)
			return -1;
		*(unsigned *)p = (unsigned)v;
		return 0;
	case K_DURATION:
		return get_duration(ld, s, false, kd->min, kd->max, p);
	case K_DURATION_MS:
		return get_duration(ld, s, true, kd->min, kd->max, p);
	case K_SIZE:
		return get_size(ld, s, kd->min, kd->max, p);
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(ld, s, "must be true or false");
		*(bool *)p = config_setting_get_bool(s) != 0;
		return 0;
	case K_ENUM:
		if (get_enum(ld, s, kd->choices, &idx) == -1)
			return -1;
		*(int *)p = idx;
		return 0;
	case K_CIDRS:
		return parse_cidrs(ld, s, kd, p,
		    (size_t *)(void *)((char *)base + kd->noff));
	case K_CODES:
		return parse_codes(ld, s, p,
		    (size_t *)(void *)((char *)base + kd->noff));
	case K_GROUP:
		if (!config_setting_is_group(s))
			return fail(ld, s, "must be a group { ... }");
		return walk(ld, s, kd->sub, base);
	case K_CUSTOM:
		break;
	}
	return kd->parse(ld, s, base);
}

/* parse_listen_address - "127.0.0.1:2525" into a listen_conf */
static int
parse_listen_address(struct loader *ld, const config_setting_t *s, void *base)
{
	struct listen_conf	*l = base;
	const char		*v;

	if (get_string(ld, s, NULL, &v) == -1)
		return -1;
	if (conf_parse_address(v, &l->ss, &l->sslen) == -1)
		return fail(ld, s, "invalid address \"%s\" (use a numeric "
		    "host:port such as \"127.0.0.1:2525\" or \"[::1]:2525\")",
		    v);
	if ((l->address = strdup(v)) == NULL)
		return nomem(ld);
	return 0;
}

static const char *const listen_tls_names[] = {
	"none", "starttls", "implicit", NULL
};
static const char *const starttls_names[] = { "optional", "required", NULL };
static const char *const listen_auth_names[] = {
	"optional", "required", "none", NULL
};

/* conf_listen_tls_name - see conf.h */
const char *
conf_listen_tls_name(enum listen_tls t)
{
	return listen_tls_names[t];
}

/* conf_listen_auth_name - see conf.h */
const char *
conf_listen_auth_name(enum listen_auth a)
{
	return listen_auth_names[a];
}

#define LOFF(member)	offsetof(struct listen_conf, member)

static const struct keydef listen_keys[] = {
	{ .name = "address", .type = K_CUSTOM, .parse = parse_listen_address },
	{ .name = "tls", .type = K_ENUM, .off = LOFF(tls),
	  .choices = listen_tls_names },
	{ .name = "starttls", .type = K_ENUM, .off = LOFF(starttls),
	  .choices = starttls_names },
	{ .name = "auth", .type = K_ENUM, .off = LOFF(auth),
	  .choices = listen_auth_names },
	{ .name = "proxy", .type = K_BOOL, .off = LOFF(proxy) },
	{ .name = "proxy_from", .type = K_CIDRS, .off = LOFF(proxy_from),
	  .noff = LOFF(nproxy_from), .flags = KF_NONEMPTY },
	{ .name = NULL }
};

/* parse_listen - ( { address = "..."; }, ... ) */
static int
parse_listen(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf		*c = base;
	const config_setting_t	*e;
	size_t			 i, n;

	if (!config_setting_is_list(s))
		return fail(ld, s, "must be a list of groups, e.g. "
		    "( { address = \"127.0.0.1:2525\"; } )");
	if ((n = (size_t)config_setting_length(s)) == 0)
		return fail(ld, s, "must not be empty");
	if ((c->listen = calloc(n, sizeof(*c->listen))) == NULL)
		return nomem(ld);
	c->nlisten = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e))
			return fail(ld, e, "must be a group like "
			    "{ address = \"127.0.0.1:2525\"; }");
		if (walk(ld, e, listen_keys, &c->listen[i]) == -1)
			return -1;
		if (c->listen[i].address == NULL)
			return fail(ld, e, "address is required");
		if (c->listen[i].proxy_from != NULL && !c->listen[i].proxy)
			return fail(ld, config_setting_get_member(e,
			    "proxy_from"), "only used with proxy = true");
		if (c->listen[i].starttls == STARTTLS_REQUIRED &&
		    c->listen[i].tls != LISTEN_TLS_STARTTLS)
			return fail(ld, config_setting_get_member(e, "starttls"),
			    "only used with tls = \"starttls\"");
	}
	return 0;
}

/* parse_retry - a list of durations */
static int
parse_retry(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf	*c = base;
	size_t		 i, n;

	if (get_list(ld, s, true, "[ \"1m\", \"5m\", \"1h\" ]", &n) == -1)
		return -1;
	if ((c->queue.retry = calloc(n, sizeof(*c->queue.retry))) == NULL)
		return nomem(ld);
	c->queue.nretry = n;
	for (i = 0; i < n; i++)
		if (get_duration(ld, config_setting_get_elem(s, (unsigned)i),
		    false, 1, 7 * DAY, &c->queue.retry[i]) == -1)
			return -1;
	return 0;
}

/* parse_fields - { name = "template"; ... }, in the order written */
static int
parse_fields(struct loader *ld, const config_setting_t *s, void *base)
{
	struct http_conf	*h = &((struct conf *)base)->backend.http;
	const config_setting_t	*e;
	size_t			 i, n;

	if (!config_setting_is_group(s))
		return fail(ld, s, "must be a group, e.g. "
		    "{ to = \"{to}\"; text = \"{text}\"; }");
	if ((n = (size_t)config_setting_length(s)) == 0)
		return fail(ld, s, "must not be empty");
	if ((h->fields = calloc(n, sizeof(*h->fields))) == NULL)
		return nomem(ld);
	h->nfields = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (dup_string(ld, e, NULL, &h->fields[i].value) == -1)
			return -1;
		if ((h->fields[i].key = strdup(config_setting_name(e))) == NULL)
			return nomem(ld);
	}
	return 0;
}

/*
 * parse_template - message.template: every '{' opens a placeholder sms/convert/text.c
 * knows, so a typo fails at load time instead of reaching phones verbatim.
 * Line breaks and tabs are allowed (a body on its own line); other control
 * characters are not.
 */
static int
parse_template(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf	*c = base;
	const char	*v, *p, *close;
	size_t		 n, i;
	bool		 visible = false;

	if (get_string(ld, s, NULL, &v) == -1)
		return -1;
	if (strlen(v) > MAX_TEMPLATE)
		return fail(ld, s, "is longer than %d bytes", MAX_TEMPLATE);
	for (p = v; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\n' && *p != '\t')
			visible = true;
		if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') ||
		    *p == 0x7f)
			return fail(ld, s, "must not contain control characters "
			    "other than \\n and \\t");
		if (*p != '{')
			continue;
		if ((close = strchr(p, '}')) == NULL)
			return fail(ld, s, "'{' without '}' (placeholders are "
			    "{subject}, {body}, {from_name} and {from})");
		n = (size_t)(close - p - 1);
		for (i = 0; template_placeholders[i] != NULL; i++)
			if (strlen(template_placeholders[i]) == n &&
			    memcmp(template_placeholders[i], p + 1, n) == 0)
				break;
		if (template_placeholders[i] == NULL)
			return fail(ld, s, "unknown placeholder \"%.*s\" (use "
			    "{subject}, {body}, {from_name} or {from})",
			    (int)(n + 2 > 64 ? 64 : n + 2), p);
		p = close;
	}
	if (!visible)
		return fail(ld, s, "must not be empty");
	free(c->message.template);
	if ((c->message.template = strdup(v)) == NULL)
		return nomem(ld);
	return 0;
}

static const char *const subject_names[] = {
	"prepend", "ignore", "only", NULL
};
static const char *const overflow_names[] = { "truncate", "refuse", NULL };
/* message.transliterate as a string; TRANSLIT_OFF is the boolean false */
static const char *const translit_names[] = {
	[TRANSLIT_TYPOGRAPHY] = "typography", [TRANSLIT_LETTERS] = "letters"
};
static const char *const type_names[] = { "outbox", "http", NULL };
static const char *const format_names[] = { "json", "form", NULL };
static const char *const auth_names[] = { "none", "basic", "bearer", NULL };

static const struct keydef numbers_keys[] = {
	{ .name = "default_country", .type = K_STRING,
	  .off = OFF(numbers.default_country), .valid = valid_country },
	{ .name = "allow_prefixes", .type = K_STRLIST,
	  .off = OFF(numbers.allow_prefixes),
	  .noff = OFF(numbers.nallow_prefixes),
	  .valid = valid_prefix, .flags = KF_NONEMPTY },
	{ .name = NULL }
};

/*
 * parse_transliterate - false, "typography" or "letters"; true, written
 * before typography and letters were told apart, keeps meaning "letters",
 * so a file written then does what it did
 */
static int
parse_transliterate(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf	*c = base;
	const char	*v;
	int		 i;

	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		c->message.transliterate = config_setting_get_bool(s) ?
		    TRANSLIT_LETTERS : TRANSLIT_OFF;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL)
		return fail(ld, s, "must be false, \"typography\" or "
		    "\"letters\"");
	for (i = TRANSLIT_TYPOGRAPHY; i <= TRANSLIT_LETTERS; i++)
		if (strcmp(v, translit_names[i]) == 0) {
			c->message.transliterate = (enum translit_mode)i;
			return 0;
		}
	return fail(ld, s, "\"%s\" is not false, \"typography\" or "
	    "\"letters\"", v);
}

static const struct keydef message_keys[] = {
	{ .name = "subject", .type = K_ENUM, .off = OFF(message.subject),
	  .choices = subject_names },
	{ .name = "max_parts", .type = K_UINT, .off = OFF(message.max_parts),
	  .min = 1, .max = 10 },
	{ .name = "template", .type = K_CUSTOM, .parse = parse_template },
	{ .name = "overflow", .type = K_ENUM, .off = OFF(message.overflow),
	  .choices = overflow_names },
	{ .name = "strip_signature", .type = K_BOOL,
	  .off = OFF(message.strip_signature) },
	{ .name = "strip_quotes", .type = K_BOOL,
	  .off = OFF(message.strip_quotes) },
	{ .name = "strip_mobile_signature", .type = K_BOOL,
	  .off = OFF(message.strip_mobile_signature) },
	{ .name = "disclaimer_markers", .type = K_STRLIST,
	  .off = OFF(message.disclaimer_markers),
	  .noff = OFF(message.ndisclaimer_markers), .valid = valid_marker },
	{ .name = "transliterate", .type = K_CUSTOM,
	  .parse = parse_transliterate },
	{ .name = "bracket_commands", .type = K_BOOL,
	  .off = OFF(message.bracket_commands) },
	{ .name = NULL }
};

static const struct keydef smtp_keys[] = {
	{ .name = "max_recipients", .type = K_UINT,
	  .off = OFF(smtp.max_recipients), .min = 1, .max = 100000 },
	{ .name = "max_message_size", .type = K_SIZE,
	  .off = OFF(smtp.max_message_size), .min = 1,
	  .max = 1024 * 1024 * 1024 },
	{ .name = "max_sessions", .type = K_UINT, .off = OFF(smtp.max_sessions),
	  .min = 1, .max = 1000000 },
	{ .name = "max_sessions_per_client", .type = K_UINT,
	  .off = OFF(smtp.max_sessions_per_client), .min = 1, .max = 1000000 },
	{ .name = "idle_timeout", .type = K_DURATION,
	  .off = OFF(smtp.idle_timeout), .min = 1, .max = DAY },
	{ .name = "data_timeout", .type = K_DURATION,
	  .off = OFF(smtp.data_timeout), .min = 1, .max = DAY },
	{ .name = "min_data_rate", .type = K_UINT,
	  .off = OFF(smtp.min_data_rate), .min = 0, .max = 1000000000 },
	{ .name = "tls_handshake_timeout", .type = K_DURATION,
	  .off = OFF(smtp.tls_handshake_timeout), .min = 1, .max = HOUR },
	{ .name = "max_errors", .type = K_UINT, .off = OFF(smtp.max_errors),
	  .min = 1, .max = 1000 },
	{ .name = "soft_error_limit", .type = K_UINT,
	  .off = OFF(smtp.soft_error_limit), .min = 1, .max = 1000 },
	{ .name = "error_delay", .type = K_DURATION_MS,
	  .off = OFF(smtp.error_delay_ms), .min = 0, .max = 60000 },
	{ .name = "forbid_unauth_pipelining", .type = K_BOOL,
	  .off = OFF(smtp.forbid_unauth_pipelining) },
	{ .name = "greet_pause", .type = K_DURATION_MS,
	  .off = OFF(smtp.greet_pause_ms), .min = 0, .max = 60000 },
	{ .name = NULL }
};

static const struct keydef response_keys[] = {
	{ .name = "id", .type = K_STRING, .off = OFF(backend.http.id_field),
	  .valid = valid_text },
	{ .name = "code", .type = K_STRING, .off = OFF(backend.http.code_field),
	  .valid = valid_text },
	{ .name = "message", .type = K_STRING,
	  .off = OFF(backend.http.message_field), .valid = valid_text },
	{ .name = "permanent_codes", .type = K_CODES,
	  .off = OFF(backend.http.permanent_codes),
	  .noff = OFF(backend.http.npermanent_codes) },
	{ .name = "temporary_codes", .type = K_CODES,
	  .off = OFF(backend.http.temporary_codes),
	  .noff = OFF(backend.http.ntemporary_codes) },
	{ .name = "invalid_number_codes", .type = K_CODES,
	  .off = OFF(backend.http.invalid_number_codes),
	  .noff = OFF(backend.http.ninvalid_number_codes) },
	{ .name = NULL }
};

static const struct keydef backend_keys[] = {
	{ .name = "type", .type = K_ENUM, .off = OFF(backend.type),
	  .choices = type_names },
	{ .name = "path", .type = K_STRING, .off = OFF(backend.path),
	  .valid = valid_text },
	{ .name = "from", .type = K_STRING, .off = OFF(backend.from),
	  .valid = valid_text },
	{ .name = "profile", .type = K_STRING, .off = OFF(backend.http.profile),
	  .valid = valid_profile, .flags = KF_HTTP },
	{ .name = "url", .type = K_STRING, .off = OFF(backend.http.url),
	  .valid = valid_url, .flags = KF_HTTP },
	{ .name = "method", .type = K_STRING, .off = OFF(backend.http.method),
	  .valid = valid_method, .flags = KF_HTTP },
	{ .name = "format", .type = K_ENUM, .off = OFF(backend.http.format),
	  .choices = format_names, .flags = KF_HTTP },
	{ .name = "fields", .type = K_CUSTOM, .parse = parse_fields,
	  .flags = KF_HTTP },
	{ .name = "headers", .type = K_STRLIST,
	  .off = OFF(backend.http.headers),
	  .noff = OFF(backend.http.nheaders), .valid = valid_header,
	  .flags = KF_HTTP },
	{ .name = "auth", .type = K_ENUM, .off = OFF(backend.http.auth),
	  .choices = auth_names, .flags = KF_HTTP },
	{ .name = "user", .type = K_STRING, .off = OFF(backend.http.user),
	  .valid = valid_text, .flags = KF_HTTP },
	{ .name = "password", .type = K_STRING,
	  .off = OFF(backend.http.password), .valid = valid_text,
	  .flags = KF_HTTP },
	{ .name = "token", .type = K_STRING, .off = OFF(backend.http.token),
	  .valid = valid_text, .flags = KF_HTTP },
	{ .name = "response", .type = K_GROUP, .sub = response_keys,
	  .flags = KF_HTTP },
	{ .name = "timeout", .type = K_DURATION,
	  .off = OFF(backend.http.timeout), .min = 1, .max = HOUR,
	  .flags = KF_HTTP },
	{ .name = "max_in_flight", .type = K_UINT,
	  .off = OFF(backend.http.max_in_flight), .min = 1, .max = 100000,
	  .flags = KF_HTTP },
	{ .name = "max_connections", .type = K_UINT,
	  .off = OFF(backend.http.max_connections), .min = 1, .max = 10000,
	  .flags = KF_HTTP },
	{ .name = NULL }
};

static const struct keydef queue_keys[] = {
	{ .name = "retry", .type = K_CUSTOM, .parse = parse_retry },
	{ .name = "lifetime", .type = K_DURATION, .off = OFF(queue.lifetime),
	  .min = 1, .max = 365 * DAY },
	{ .name = "commit_delay", .type = K_DURATION_MS,
	  .off = OFF(queue.commit_delay_ms), .min = 0, .max = 1000 },
	{ .name = "min_free", .type = K_SIZE, .off = OFF(queue.min_free),
	  .min = 64 * 1024, .max = 1024 * 1024 * 1024 },
	{ .name = NULL }
};

static const struct keydef bounce_keys[] = {
	{ .name = "smarthost", .type = K_STRING, .off = OFF(bounce.smarthost),
	  .valid = valid_smarthost },
	{ .name = "from", .type = K_STRING, .off = OFF(bounce.from),
	  .valid = valid_mailbox },
	{ .name = "user", .type = K_STRING, .off = OFF(bounce.user),
	  .valid = valid_text },
	{ .name = "password", .type = K_STRING, .off = OFF(bounce.password),
	  .valid = valid_text },
	{ .name = "starttls", .type = K_BOOL, .off = OFF(bounce.starttls) },
	{ .name = NULL }
};

static const char *const tls_min_names[] = { "TLSv1.2", "TLSv1.3", NULL };

static const struct keydef tls_keys[] = {
	{ .name = "certificate", .type = K_STRING, .off = OFF(tls.certificate),
	  .valid = valid_text },
	{ .name = "key", .type = K_STRING, .off = OFF(tls.key),
	  .valid = valid_text },
	{ .name = "ciphers", .type = K_STRING, .off = OFF(tls.ciphers),
	  .valid = valid_text },
	{ .name = "ciphersuites", .type = K_STRING,
	  .off = OFF(tls.ciphersuites), .valid = valid_text },
	{ .name = "min_version", .type = K_ENUM, .off = OFF(tls.min_version),
	  .choices = tls_min_names },
	{ .name = NULL }
};

static const struct keydef auth_keys[] = {
	{ .name = "users_file", .type = K_STRING, .off = OFF(auth.users_file),
	  .valid = valid_text },
	{ .name = "on_loopback", .type = K_BOOL, .off = OFF(auth.on_loopback) },
	{ .name = "broken_clients", .type = K_BOOL,
	  .off = OFF(auth.broken_clients) },
	{ .name = "max_failures", .type = K_UINT, .off = OFF(auth.max_failures),
	  .min = 1, .max = 1000 },
	{ .name = "failure_window", .type = K_DURATION,
	  .off = OFF(auth.failure_window), .min = 1, .max = DAY },
	{ .name = "workers", .type = K_UINT, .off = OFF(auth.workers),
	  .min = 1, .max = 64 },
	{ .name = NULL }
};

/* a rate_limits group at offset base_off of whatever the walk fills */
#define LIMIT_KEYS(base_off) {						\
	{ .name = "messages_per_minute", .type = K_UINT,		\
	  .off = (base_off) + offsetof(struct rate_limits,		\
	  messages_per_minute), .min = 0, .max = 10000000 },		\
	{ .name = "parts_per_day", .type = K_UINT,			\
	  .off = (base_off) + offsetof(struct rate_limits, parts_per_day),\
	  .min = 0, .max = 100000000 },					\
	{ .name = NULL }						\
}

static const struct keydef limits_user_keys[] = LIMIT_KEYS(OFF(limits.user));
static const struct keydef limits_client_keys[] =
    LIMIT_KEYS(OFF(limits.client));
static const struct keydef limits_number_keys[] =
    LIMIT_KEYS(OFF(limits.number));
static const struct keydef user_limit_keys[] =
    LIMIT_KEYS(offsetof(struct user_conf, limits));

static const struct keydef limits_keys[] = {
	{ .name = "user", .type = K_GROUP, .sub = limits_user_keys },
	{ .name = "client", .type = K_GROUP, .sub = limits_client_keys },
	{ .name = "number", .type = K_GROUP, .sub = limits_number_keys },
	{ .name = NULL }
};

#define UOFF(member)	offsetof(struct user_conf, member)

static const struct keydef user_keys[] = {
	{ .name = "name", .type = K_STRING, .off = UOFF(name),
	  .valid = valid_user_name },
	{ .name = "senders", .type = K_STRLIST, .off = UOFF(senders),
	  .noff = UOFF(nsenders), .valid = valid_sender_pattern },
	{ .name = "sender_id", .type = K_STRING, .off = UOFF(sender_id),
	  .valid = valid_sender_id_value },
	{ .name = "allow_prefixes", .type = K_STRLIST,
	  .off = UOFF(allow_prefixes), .noff = UOFF(nallow_prefixes),
	  .valid = valid_prefix, .flags = KF_NONEMPTY },
	{ .name = "limits", .type = K_GROUP, .sub = user_limit_keys },
	{ .name = NULL }
};

#define SOFF(member)	offsetof(struct sender_id_conf, member)

static const struct keydef sender_id_keys[] = {
	{ .name = "domain", .type = K_STRING, .off = SOFF(domain),
	  .valid = valid_domain },
	{ .name = "sender_id", .type = K_STRING, .off = SOFF(sender_id),
	  .valid = valid_sender_id_value },
	{ .name = NULL }
};

/*
 * parse_group_list - ( { ... }, ... ) into a new array of n elements of
 * size each, every group through keys; required names a key each must set
 */
static int
parse_group_list(struct loader *ld, const config_setting_t *s,
    const struct keydef *keys, size_t size, void **out, size_t *nout)
{
	const config_setting_t	*e;
	char			*v;
	size_t			 i, n;

	if (!config_setting_is_list(s))
		return fail(ld, s, "must be a list of groups ( { ... }, ... )");
	n = (size_t)config_setting_length(s);
	if (n == 0)
		return 0;
	if ((v = calloc(n, size)) == NULL)
		return nomem(ld);
	*out = v;
	*nout = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e))
			return fail(ld, e, "must be a group { ... }");
		if (walk(ld, e, keys, v + i * size) == -1)
			return -1;
	}
	return 0;
}

/* parse_users - per-user policy; names required and unique */
static int
parse_users(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf	*c = base;
	size_t		 i, j;

	if (parse_group_list(ld, s, user_keys, sizeof(*c->users),
	    (void **)&c->users, &c->nusers) == -1)
		return -1;
	for (i = 0; i < c->nusers; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);

		if (c->users[i].name == NULL)
			return fail(ld, e, "name is required");
		for (j = 0; j < i; j++)
			if (strcmp(c->users[j].name, c->users[i].name) == 0)
				return fail(ld, e, "user \"%s\" is already "
				    "listed", c->users[i].name);
	}
	return 0;
}

/* parse_sender_ids - ( { domain = ...; sender_id = ...; } ) */
static int
parse_sender_ids(struct loader *ld, const config_setting_t *s, void *base)
{
	struct conf	*c = base;
	size_t		 i;

	if (parse_group_list(ld, s, sender_id_keys, sizeof(*c->sender_ids),
	    (void **)&c->sender_ids, &c->nsender_ids) == -1)
		return -1;
	for (i = 0; i < c->nsender_ids; i++)
		if (c->sender_ids[i].domain == NULL ||
		    c->sender_ids[i].sender_id == NULL)
			return fail(ld, config_setting_get_elem(s, (unsigned)i),
			    "domain and sender_id are required");
	return 0;
}

static const struct keydef log_keys[] = {
	{ .name = "syslog", .type = K_BOOL, .off = OFF(log.syslog) },
	{ .name = "verbose", .type = K_BOOL, .off = OFF(log.verbose) },
	{ .name = NULL }
};

static const struct keydef top_keys[] = {
	{ .name = "hostname", .type = K_STRING, .off = OFF(hostname),
	  .valid = valid_hostname },
	{ .name = "listen", .type = K_CUSTOM, .parse = parse_listen },
	{ .name = "domains", .type = K_STRLIST, .off = OFF(domains),
	  .noff = OFF(ndomains), .valid = valid_domain, .flags = KF_NONEMPTY },
	{ .name = "relay_networks", .type = K_CIDRS, .off = OFF(relay_networks),
	  .noff = OFF(nrelay_networks), .flags = KF_NONEMPTY },
	{ .name = "numbers", .type = K_GROUP, .sub = numbers_keys },
	{ .name = "message", .type = K_GROUP, .sub = message_keys },
	{ .name = "smtp", .type = K_GROUP, .sub = smtp_keys },
	{ .name = "spool", .type = K_STRING, .off = OFF(spool),
	  .valid = valid_text },
	{ .name = "control_socket", .type = K_STRING,
	  .off = OFF(control_socket), .valid = valid_socket_path },
	{ .name = "backend", .type = K_GROUP, .sub = backend_keys },
	{ .name = "queue", .type = K_GROUP, .sub = queue_keys },
	{ .name = "bounce", .type = K_GROUP, .sub = bounce_keys },
	{ .name = "log", .type = K_GROUP, .sub = log_keys },
	{ .name = "run_as", .type = K_STRING, .off = OFF(run_as),
	  .valid = valid_run_as },
	{ .name = "tls", .type = K_GROUP, .sub = tls_keys },
	{ .name = "auth", .type = K_GROUP, .sub = auth_keys },
	{ .name = "users", .type = K_CUSTOM, .parse = parse_users },
	{ .name = "sender_ids", .type = K_CUSTOM, .parse = parse_sender_ids },
	{ .name = "limits", .type = K_GROUP, .sub = limits_keys },
	{ .name = NULL }
};

/* find_key - the table entry for a name, NULL for an unknown key */
static const struct keydef *
find_key(const struct keydef *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/* walk - every member of a group through its table; unknown keys are errors */
static int
walk(struct loader *ld, const config_setting_t *grp, const struct keydef *keys,
    void *base)
{
	const config_setting_t	*s;
	const struct keydef	*kd;
	char			 path[256] = "";
	int			 i, n;

	n = config_setting_length(grp);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(grp, (unsigned)i);
		if ((kd = find_key(keys, config_setting_name(s))) == NULL) {
			setting_path(grp, path, sizeof(path));
			return fail_key(ld, s, path, "unknown key '%s'",
			    config_setting_name(s));
		}
		if (parse_key(ld, s, kd, base) == -1)
			return -1;
	}
	return 0;
}

/* check_backend - the rules that tie the backend keys together */
static int
check_backend(struct loader *ld, const config_setting_t *grp, struct conf *c)
{
	struct http_conf	*h = &c->backend.http;
	const config_setting_t	*s, *auth;
	const struct keydef	*kd;
	int			 i;

	if (grp == NULL)
		return 0;
	if (c->backend.type == BACKEND_OUTBOX) {
		for (i = 0; i < config_setting_length(grp); i++) {
			s = config_setting_get_elem(grp, (unsigned)i);
			kd = find_key(backend_keys, config_setting_name(s));
			if (kd != NULL && (kd->flags & KF_HTTP))
				return fail(ld, s,
				    "only used with type = \"http\"");
		}
		return 0;
	}

	if (h->profile == NULL && (h->profile = strdup("generic")) == NULL)
		return nomem(ld);
	auth = config_setting_get_member(grp, "auth");
	if (strcmp(h->profile, "twilio") == 0) {
		/* Twilio wants a form and basic auth; enums have no "unset" */
		if (config_setting_get_member(grp, "format") == NULL)
			h->format = HTTP_FORMAT_FORM;
		if (auth == NULL)
			h->auth = HTTP_AUTH_BASIC;
		if (h->user == NULL || h->password == NULL)
			return fail(ld, grp, "profile \"twilio\" requires user "
			    "(the account SID) and password (the auth token)");
	} else if (h->url == NULL)
		return fail(ld, grp, "type \"http\" requires url");

	if (auth == NULL)
		auth = grp;
	if (h->auth == HTTP_AUTH_BASIC &&
	    (h->user == NULL || h->password == NULL))
		return fail(ld, auth,
		    "auth \"basic\" requires user and password");
	if (h->auth == HTTP_AUTH_BEARER && h->token == NULL)
		return fail(ld, auth, "auth \"bearer\" requires token");
	if (h->auth != HTTP_AUTH_BASIC && h->password != NULL)
		return fail(ld, config_setting_get_member(grp, "password"),
		    "only used with auth = \"basic\"");
	if (h->auth != HTTP_AUTH_BEARER && h->token != NULL)
		return fail(ld, config_setting_get_member(grp, "token"),
		    "only used with auth = \"bearer\"");
	return 0;
}

/* check_bounce - SMTP AUTH and STARTTLS only make sense with a smarthost */
static int
check_bounce(struct loader *ld, const config_setting_t *grp, struct conf *c)
{
	static const char *const needs_host[] = {
		"user", "password", "starttls"
	};
	const config_setting_t	*s;
	size_t			 i;

	if (grp == NULL)
		return 0;
	if (c->bounce.smarthost == NULL) {
		for (i = 0; i < nitems(needs_host); i++)
			if ((s = config_setting_get_member(grp,
			    needs_host[i])) != NULL)
				return fail(ld, s,
				    "only used with a smarthost");
		return 0;
	}
	if ((c->bounce.user == NULL) != (c->bounce.password == NULL))
		return fail(ld, grp, "user and password go together");
	if (c->bounce.starttls &&
	    strncmp(c->bounce.smarthost, "smtps://", 8) == 0)
		return fail(ld, config_setting_get_member(grp, "starttls"),
		    "only used with smtp:// (smtps:// is TLS from the start)");
	return 0;
}

/* check_submission - TLS listeners need a certificate, AUTH a users file */
static int
check_submission(struct loader *ld, const config_setting_t *root,
    struct conf *c)
{
	const config_setting_t	*list = config_setting_get_member(root,
				    "listen");
	const config_setting_t	*e;
	size_t			 i;

	if ((c->tls.certificate == NULL) != (c->tls.key == NULL))
		return fail_key(ld, config_setting_get_member(root, "tls"),
		    "tls", "certificate and key go together");
	for (i = 0; i < c->nlisten; i++) {
		e = list != NULL ? config_setting_get_elem(list, (unsigned)i) :
		    NULL;
		if (c->listen[i].tls != LISTEN_TLS_NONE &&
		    c->tls.certificate == NULL)
			return fail(ld, e, "tls = \"%s\" needs tls.certificate "
			    "and tls.key", listen_tls_names[c->listen[i].tls]);
		if (c->listen[i].auth == LISTEN_AUTH_REQUIRED &&
		    c->auth.users_file == NULL)
			return fail(ld, e, "auth = \"required\" needs "
			    "auth.users_file");
	}
	return 0;
}

/* conf_new - a configuration holding the defaults that need no other key */
static struct conf *
conf_new(void)
{
	struct conf	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->message.subject = SUBJECT_PREPEND;
	c->message.max_parts = 3;
	c->message.overflow = OVERFLOW_TRUNCATE;
	c->message.strip_signature = true;
	c->message.strip_quotes = true;
	c->message.strip_mobile_signature = true;
	c->message.transliterate = TRANSLIT_TYPOGRAPHY;
	c->message.bracket_commands = true;
	c->smtp.max_recipients = 100;
	c->smtp.max_message_size = 10 * 1024 * 1024;
	c->smtp.max_sessions = 1000;
	c->smtp.max_sessions_per_client = 50;
	c->smtp.idle_timeout = 5 * MINUTE;
	c->smtp.data_timeout = 10 * MINUTE;
	c->smtp.min_data_rate = 500;
	c->smtp.tls_handshake_timeout = 30;
	c->smtp.max_errors = 10;
	c->smtp.soft_error_limit = 3;
	c->smtp.error_delay_ms = 1000;
	c->smtp.forbid_unauth_pipelining = true;
	c->tls.min_version = TLS_MIN_1_2;
	c->auth.max_failures = 5;
	c->auth.failure_window = 15 * MINUTE;
	c->auth.workers = 2;
	c->backend.type = BACKEND_OUTBOX;
	c->backend.http.format = HTTP_FORMAT_JSON;
	c->backend.http.auth = HTTP_AUTH_NONE;
	c->backend.http.timeout = 30;
	c->backend.http.max_in_flight = 64;
	c->backend.http.max_connections = 16;
	c->queue.lifetime = 2 * DAY;
	c->queue.commit_delay_ms = 0;
	c->queue.min_free = 1024 * 1024;
	return c;
}

/* join - "a" + "b" in a new string */
static char *
join(const char *a, const char *b)
{
	char	*s;

	if (asprintf(&s, "%s%s", a, b) == -1)
		return NULL;
	return s;
}

/* default_networks - loopback, IPv4 and IPv6; -1: no memory */
static int
default_networks(struct cidr **nets, size_t *n)
{
	size_t	 i;

	if ((*nets = calloc(nitems(default_relay), sizeof(**nets))) == NULL)
		return -1;
	*n = nitems(default_relay);
	for (i = 0; i < *n; i++)
		if (conf_parse_cidr(default_relay[i], &(*nets)[i]) == -1)
			return -1;
	return 0;
}

/* fill_defaults - every setting still unset gets its default; -1: no memory */
static int
fill_defaults(struct conf *c, const char *spool)
{
	char	 host[256];
	size_t	 i;

	if (c->hostname == NULL) {
		memset(host, 0, sizeof(host));
		if (gethostname(host, sizeof(host) - 1) == -1 ||
		    host[0] == '\0')
			strcpy(host, "localhost");
		if ((c->hostname = strdup(host)) == NULL)
			return -1;
	}
	if (c->listen == NULL) {
		if ((c->listen = calloc(1, sizeof(*c->listen))) == NULL)
			return -1;
		c->nlisten = 1;
		if ((c->listen[0].address = strdup(DEFAULT_LISTEN)) == NULL ||
		    conf_parse_address(DEFAULT_LISTEN, &c->listen[0].ss,
		    &c->listen[0].sslen) == -1)
			return -1;
	}
	if (c->relay_networks == NULL && default_networks(&c->relay_networks,
	    &c->nrelay_networks) == -1)
		return -1;
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].proxy && c->listen[i].proxy_from == NULL &&
		    default_networks(&c->listen[i].proxy_from,
		    &c->listen[i].nproxy_from) == -1)
			return -1;
	if (c->spool == NULL && (c->spool = strdup(spool)) == NULL)
		return -1;
	if (c->control_socket == NULL &&
	    (c->control_socket = join(c->spool, "/control.sock")) == NULL)
		return -1;
	if (c->backend.path == NULL &&
	    (c->backend.path = join(c->spool, "/outbox.jsonl")) == NULL)
		return -1;
	if (c->queue.retry == NULL) {
		c->queue.nretry = nitems(default_retry);
		if ((c->queue.retry = calloc(c->queue.nretry,
		    sizeof(*c->queue.retry))) == NULL)
			return -1;
		memcpy(c->queue.retry, default_retry, sizeof(default_retry));
	}
	if (c->bounce.from == NULL &&
	    (c->bounce.from = join("MAILER-DAEMON@", c->hostname)) == NULL)
		return -1;
	return 0;
}

/* conf_default - the embedded default: loopback, ./spool, outbox backend */
struct conf *
conf_default(void)
{
	struct conf	*c;

	if ((c = conf_new()) == NULL)
		return NULL;
	if ((c->domains = calloc(1, sizeof(*c->domains))) == NULL)
		goto fail;
	c->ndomains = 1;
	if ((c->domains[0] = strdup("*")) == NULL ||
	    fill_defaults(c, EMBEDDED_SPOOL) == -1)
		goto fail;
	return c;
fail:
	conf_free(c);
	return NULL;
}

/* conf_load - read FILE into *out; on error "FILE:LINE: message" into err */
int
conf_load(const char *file, struct conf **out, char *err, size_t errlen)
{
	struct loader		 ld = { file, err, errlen };
	config_t		 cf;
	config_setting_t	*root;
	struct conf		*c = NULL;
	const char		*efile;
	int			 saved;

	*out = NULL;
	config_init(&cf);
	errno = 0;
	if (config_read_file(&cf, file) != CONFIG_TRUE) {
		saved = errno;
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read: %s", file,
			    saved != 0 ? strerror(saved) :
			    config_error_text(&cf));
		else {
			efile = config_error_file(&cf);
			snprintf(err, errlen, "%s:%d: %s",
			    efile != NULL ? efile : file,
			    config_error_line(&cf), config_error_text(&cf));
		}
		goto fail;
	}
	root = config_root_setting(&cf);
	if ((c = conf_new()) == NULL || (c->file = strdup(file)) == NULL) {
		nomem(&ld);
		goto fail;
	}
	if (walk(&ld, root, top_keys, c) == -1 ||
	    check_backend(&ld, config_setting_get_member(root, "backend"),
	    c) == -1 ||
	    check_bounce(&ld, config_setting_get_member(root, "bounce"),
	    c) == -1)
		goto fail;
	if (check_submission(&ld, root, c) == -1)
		goto fail;
	if (c->domains == NULL) {
		fail_key(&ld, NULL, "domains", "missing: at least one "
		    "recipient domain is required, e.g. "
		    "domains = [ \"sms.example.com\" ];");
		goto fail;
	}
	if (fill_defaults(c, FILE_SPOOL) == -1) {
		nomem(&ld);
		goto fail;
	}
	if (strlen(c->control_socket) > SOCKET_PATH_MAX) {
		fail_key(&ld, config_setting_get_member(root, "spool"),
		    "control_socket", "\"%s\" is too long for a unix socket "
		    "path; set control_socket", c->control_socket);
		goto fail;
	}
	config_destroy(&cf);
	*out = c;
	return 0;
fail:
	config_destroy(&cf);
	conf_free(c);
	return -1;
}

/* free_strings - an array of strings and the array */
static void
free_strings(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* conf_free - everything the configuration owns */
void
conf_free(struct conf *c)
{
	struct http_conf	*h;
	size_t			 i;

	if (c == NULL)
		return;
	h = &c->backend.http;
	free(c->file);
	free(c->hostname);
	for (i = 0; c->listen != NULL && i < c->nlisten; i++) {
		free(c->listen[i].address);
		free(c->listen[i].proxy_from);
	}
	free(c->listen);
	free_strings(c->domains, c->ndomains);
	free(c->relay_networks);
	free(c->numbers.default_country);
	free_strings(c->numbers.allow_prefixes, c->numbers.nallow_prefixes);
	free(c->message.template);
	free_strings(c->message.disclaimer_markers,
	    c->message.ndisclaimer_markers);
	free(c->spool);
	free(c->control_socket);
	free(c->backend.path);
	free(c->backend.from);
	free(h->profile);
	free(h->url);
	free(h->method);
	for (i = 0; h->fields != NULL && i < h->nfields; i++) {
		free(h->fields[i].key);
		free(h->fields[i].value);
	}
	free(h->fields);
	free_strings(h->headers, h->nheaders);
	free(h->user);
	free(h->password);
	free(h->token);
	free(h->id_field);
	free(h->code_field);
	free(h->message_field);
	free(h->permanent_codes);
	free(h->invalid_number_codes);
	free(h->temporary_codes);
	free(c->queue.retry);
	free(c->bounce.smarthost);
	free(c->bounce.from);
	free(c->bounce.user);
	free(c->bounce.password);
	free(c->run_as);
	free(c->tls.certificate);
	free(c->tls.key);
	free(c->tls.ciphers);
	free(c->tls.ciphersuites);
	free(c->auth.users_file);
	for (i = 0; c->users != NULL && i < c->nusers; i++) {
		free(c->users[i].name);
		free_strings(c->users[i].senders, c->users[i].nsenders);
		free(c->users[i].sender_id);
		free_strings(c->users[i].allow_prefixes,
		    c->users[i].nallow_prefixes);
	}
	free(c->users);
	for (i = 0; c->sender_ids != NULL && i < c->nsender_ids; i++) {
		free(c->sender_ids[i].domain);
		free(c->sender_ids[i].sender_id);
	}
	free(c->sender_ids);
	free(c);
}

/* put_indent - one tab per level of nesting */
static void
put_indent(FILE *fp, int depth)
{
	while (depth-- > 0)
		fputc('\t', fp);
}

/* put_string - a libconfig string literal, escaped so it reads back the same */
static void
put_string(FILE *fp, const char *s)
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

/* put_key - indent, name, " = " and a string value */
static void
put_key(FILE *fp, int depth, const char *key, const char *value)
{
	if (value == NULL)
		return;
	put_indent(fp, depth);
	fprintf(fp, "%s = ", key);
	put_string(fp, value);
	fputs(";\n", fp);
}

/* put_secret - like put_key, with the value masked */
static void
put_secret(FILE *fp, int depth, const char *key, const char *value)
{
	if (value != NULL)
		put_key(fp, depth, key, SECRET_MASK);
}

/* put_list - [ "a", "b" ] */
static void
put_list(FILE *fp, int depth, const char *key, char *const *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	put_indent(fp, depth);
	fprintf(fp, "%s = [ ", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", fp);
		put_string(fp, v[i]);
	}
	fputs(" ];\n", fp);
}

/* put_codes - [ 1, 2 ]; nothing when unset */
static void
put_codes(FILE *fp, int depth, const char *key, const long *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	put_indent(fp, depth);
	fprintf(fp, "%s = [", key);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%ld", i > 0 ? ", " : " ", v[i]);
	fputs(" ];\n", fp);
}

/* put_headers - headers with their values masked: they often carry API keys */
static void
put_headers(FILE *fp, int depth, char *const *v, size_t n)
{
	const char	*colon;
	size_t		 i;

	if (v == NULL)
		return;
	put_indent(fp, depth);
	fputs("headers = [ ", fp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", fp);
		colon = strchr(v[i], ':');
		fputc('"', fp);
		fwrite(v[i], 1, (size_t)(colon - v[i]), fp);
		fputs(": " SECRET_MASK "\"", fp);
	}
	fputs(" ];\n", fp);
}

/* put_bool - true or false */
static void
put_bool(FILE *fp, int depth, const char *key, bool v)
{
	put_indent(fp, depth);
	fprintf(fp, "%s = %s;\n", key, v ? "true" : "false");
}

/* put_duration - a duration in seconds as a string */
static void
put_duration(FILE *fp, int depth, const char *key, unsigned secs)
{
	char	 buf[32];

	fmt_duration(secs, buf, sizeof(buf));
	put_key(fp, depth, key, buf);
}

/* print_http - the http backend's keys, those that are set */
static void
print_http(const struct http_conf *h, FILE *fp)
{
	size_t	 i;

	put_key(fp, 1, "profile", h->profile);
	put_key(fp, 1, "url", h->url);
	put_key(fp, 1, "method", h->method);
	put_key(fp, 1, "format", format_names[h->format]);
	if (h->fields != NULL) {
		fputs("\tfields = {\n", fp);
		for (i = 0; i < h->nfields; i++)
			put_key(fp, 2, h->fields[i].key, h->fields[i].value);
		fputs("\t};\n", fp);
	}
	put_headers(fp, 1, h->headers, h->nheaders);
	put_key(fp, 1, "auth", auth_names[h->auth]);
	put_key(fp, 1, "user", h->user);
	put_secret(fp, 1, "password", h->password);
	put_secret(fp, 1, "token", h->token);
	if (h->id_field != NULL || h->code_field != NULL ||
	    h->message_field != NULL || h->permanent_codes != NULL ||
	    h->temporary_codes != NULL || h->invalid_number_codes != NULL) {
		fputs("\tresponse = {\n", fp);
		put_key(fp, 2, "id", h->id_field);
		put_key(fp, 2, "code", h->code_field);
		put_key(fp, 2, "message", h->message_field);
		put_codes(fp, 2, "permanent_codes", h->permanent_codes,
		    h->npermanent_codes);
		put_codes(fp, 2, "temporary_codes", h->temporary_codes,
		    h->ntemporary_codes);
		put_codes(fp, 2, "invalid_number_codes",
		    h->invalid_number_codes, h->ninvalid_number_codes);
		fputs("\t};\n", fp);
	}
	put_duration(fp, 1, "timeout", h->timeout);
	fprintf(fp, "\tmax_in_flight = %u;\n", h->max_in_flight);
	fprintf(fp, "\tmax_connections = %u;\n", h->max_connections);
}

/* print_listen - every listener with the keys that differ from the default */
/* put_cidrs - lead, then the networks as a list: [ "a/n", "b/m" ] */
static void
put_cidrs(FILE *fp, const char *lead, const struct cidr *nets, size_t n)
{
	char	 addr[INET6_ADDRSTRLEN];
	size_t	 i;

	fputs(lead, fp);
	for (i = 0; i < n; i++) {
		if (inet_ntop(nets[i].family, nets[i].addr, addr,
		    sizeof(addr)) == NULL)
			continue;
		fprintf(fp, "%s\"%s/%u\"", i > 0 ? ", " : "", addr,
		    nets[i].prefixlen);
	}
	fputs(" ]", fp);
}

static void
print_listen(const struct conf *c, FILE *fp)
{
	const struct listen_conf *l;
	size_t		 i;

	fputs("listen = (", fp);
	for (i = 0; i < c->nlisten; i++) {
		l = &c->listen[i];
		fputs(i > 0 ? ", { address = " : " { address = ", fp);
		put_string(fp, l->address);
		if (l->tls != LISTEN_TLS_NONE)
			fprintf(fp, "; tls = \"%s\"", listen_tls_names[l->tls]);
		if (l->starttls == STARTTLS_REQUIRED)
			fputs("; starttls = \"required\"", fp);
		if (l->auth != LISTEN_AUTH_OPTIONAL)
			fprintf(fp, "; auth = \"%s\"", listen_auth_names[l->auth]);
		if (l->proxy) {
			fputs("; proxy = true", fp);
			put_cidrs(fp, "; proxy_from = [ ", l->proxy_from,
			    l->nproxy_from);
		}
		fputs("; }", fp);
	}
	fputs(" );\n", fp);
}

/* put_limits - name = { messages_per_minute = ..; parts_per_day = ..; } */
static void
put_limits(FILE *fp, int depth, const char *name, const struct rate_limits *l)
{
	put_indent(fp, depth);
	fprintf(fp, "%s = { messages_per_minute = %u; parts_per_day = %u; };\n",
	    name, l->messages_per_minute, l->parts_per_day);
}

/* print_submission - run_as, tls, auth, users, sender ids, limits */
static void
print_submission(const struct conf *c, FILE *fp)
{
	const struct user_conf *u;
	size_t		 i;
	char		 buf[32];

	put_key(fp, 0, "run_as", c->run_as);
	fputs("tls = {\n", fp);
	put_key(fp, 1, "certificate", c->tls.certificate);
	put_key(fp, 1, "key", c->tls.key);
	put_key(fp, 1, "ciphers", c->tls.ciphers);
	put_key(fp, 1, "ciphersuites", c->tls.ciphersuites);
	put_key(fp, 1, "min_version", tls_min_names[c->tls.min_version]);
	fputs("};\n", fp);
	fputs("auth = {\n", fp);
	put_key(fp, 1, "users_file", c->auth.users_file);
	put_bool(fp, 1, "on_loopback", c->auth.on_loopback);
	put_bool(fp, 1, "broken_clients", c->auth.broken_clients);
	fprintf(fp, "\tmax_failures = %u;\n", c->auth.max_failures);
	fmt_duration(c->auth.failure_window, buf, sizeof(buf));
	put_key(fp, 1, "failure_window", buf);
	fprintf(fp, "\tworkers = %u;\n", c->auth.workers);
	fputs("};\n", fp);
	fputs("users = (", fp);
	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		fputs(i > 0 ? ",\n\t{\n" : "\n\t{\n", fp);
		put_key(fp, 2, "name", u->name);
		put_list(fp, 2, "senders", u->senders, u->nsenders);
		put_key(fp, 2, "sender_id", u->sender_id);
		put_list(fp, 2, "allow_prefixes", u->allow_prefixes,
		    u->nallow_prefixes);
		put_limits(fp, 2, "limits", &u->limits);
		fputs("\t}", fp);
	}
	fputs(c->nusers > 0 ? "\n);\n" : " );\n", fp);
	fputs("sender_ids = (", fp);
	for (i = 0; i < c->nsender_ids; i++) {
		fputs(i > 0 ? ", { domain = " : " { domain = ", fp);
		put_string(fp, c->sender_ids[i].domain);
		fputs("; sender_id = ", fp);
		put_string(fp, c->sender_ids[i].sender_id);
		fputs("; }", fp);
	}
	fputs(" );\n", fp);
	fputs("limits = {\n", fp);
	put_limits(fp, 1, "user", &c->limits.user);
	put_limits(fp, 1, "client", &c->limits.client);
	put_limits(fp, 1, "number", &c->limits.number);
	fputs("};\n", fp);
}

/* conf_print - the effective settings, in the config file's own syntax */
void
conf_print(const struct conf *c, FILE *fp)
{
	char		 buf[64];
	const char	*p;
	size_t		 i;

	fputs("# smsrelayd effective configuration from ", fp);
	/* the name goes into a comment: keep it on one line */
	for (p = c->file != NULL ? c->file : "the embedded default"; *p; p++)
		fputc((unsigned char)*p < 0x20 ? '?' : *p, fp);
	fputc('\n', fp);

	put_key(fp, 0, "hostname", c->hostname);
	print_listen(c, fp);
	put_list(fp, 0, "domains", c->domains, c->ndomains);
	put_cidrs(fp, "relay_networks = [ ", c->relay_networks,
	    c->nrelay_networks);
	fputs(";\n", fp);

	fputs("numbers = {\n", fp);
	put_key(fp, 1, "default_country", c->numbers.default_country);
	put_list(fp, 1, "allow_prefixes", c->numbers.allow_prefixes,
	    c->numbers.nallow_prefixes);
	fputs("};\n", fp);

	fputs("message = {\n", fp);
	put_key(fp, 1, "subject", subject_names[c->message.subject]);
	put_key(fp, 1, "template", c->message.template);
	fprintf(fp, "\tmax_parts = %u;\n", c->message.max_parts);
	put_key(fp, 1, "overflow", overflow_names[c->message.overflow]);
	put_bool(fp, 1, "strip_signature", c->message.strip_signature);
	put_bool(fp, 1, "strip_quotes", c->message.strip_quotes);
	put_bool(fp, 1, "strip_mobile_signature",
	    c->message.strip_mobile_signature);
	/* printed even when empty, so -n shows that none are set */
	if (c->message.disclaimer_markers == NULL)
		fputs("\tdisclaimer_markers = [ ];\n", fp);
	put_list(fp, 1, "disclaimer_markers", c->message.disclaimer_markers,
	    c->message.ndisclaimer_markers);
	if (c->message.transliterate == TRANSLIT_OFF)
		put_bool(fp, 1, "transliterate", false);
	else
		put_key(fp, 1, "transliterate",
		    translit_names[c->message.transliterate]);
	put_bool(fp, 1, "bracket_commands", c->message.bracket_commands);
	fputs("};\n", fp);

	fputs("smtp = {\n", fp);
	fprintf(fp, "\tmax_recipients = %u;\n", c->smtp.max_recipients);
	fmt_size(c->smtp.max_message_size, buf, sizeof(buf));
	put_key(fp, 1, "max_message_size", buf);
	fprintf(fp, "\tmax_sessions = %u;\n", c->smtp.max_sessions);
	fprintf(fp, "\tmax_sessions_per_client = %u;\n",
	    c->smtp.max_sessions_per_client);
	put_duration(fp, 1, "idle_timeout", c->smtp.idle_timeout);
	put_duration(fp, 1, "data_timeout", c->smtp.data_timeout);
	fprintf(fp, "\tmin_data_rate = %u;\n", c->smtp.min_data_rate);
	put_duration(fp, 1, "tls_handshake_timeout",
	    c->smtp.tls_handshake_timeout);
	fprintf(fp, "\tmax_errors = %u;\n", c->smtp.max_errors);
	fprintf(fp, "\tsoft_error_limit = %u;\n", c->smtp.soft_error_limit);
	fmt_duration_ms(c->smtp.error_delay_ms, buf, sizeof(buf));
	put_key(fp, 1, "error_delay", buf);
	put_bool(fp, 1, "forbid_unauth_pipelining",
	    c->smtp.forbid_unauth_pipelining);
	fmt_duration_ms(c->smtp.greet_pause_ms, buf, sizeof(buf));
	put_key(fp, 1, "greet_pause", buf);
	fputs("};\n", fp);
	print_submission(c, fp);

	put_key(fp, 0, "spool", c->spool);
	put_key(fp, 0, "control_socket", c->control_socket);

	fputs("backend = {\n", fp);
	put_key(fp, 1, "type", type_names[c->backend.type]);
	put_key(fp, 1, "path", c->backend.path);
	put_key(fp, 1, "from", c->backend.from);
	if (c->backend.type == BACKEND_HTTP)
		print_http(&c->backend.http, fp);
	fputs("};\n", fp);

	fputs("queue = {\n", fp);
	fputs("\tretry = [ ", fp);
	for (i = 0; i < c->queue.nretry; i++) {
		fmt_duration(c->queue.retry[i], buf, sizeof(buf));
		fprintf(fp, "%s\"%s\"", i > 0 ? ", " : "", buf);
	}
	fputs(" ];\n", fp);
	put_duration(fp, 1, "lifetime", c->queue.lifetime);
	fmt_duration_ms(c->queue.commit_delay_ms, buf, sizeof(buf));
	put_key(fp, 1, "commit_delay", buf);
	fmt_size(c->queue.min_free, buf, sizeof(buf));
	put_key(fp, 1, "min_free", buf);
	fputs("};\n", fp);

	fputs("bounce = {\n", fp);
	put_key(fp, 1, "smarthost", c->bounce.smarthost);
	put_key(fp, 1, "from", c->bounce.from);
	put_key(fp, 1, "user", c->bounce.user);
	put_secret(fp, 1, "password", c->bounce.password);
	if (c->bounce.smarthost != NULL)
		put_bool(fp, 1, "starttls", c->bounce.starttls);
	fputs("};\n", fp);

	fputs("log = {\n", fp);
	put_bool(fp, 1, "syslog", c->log.syslog);
	put_bool(fp, 1, "verbose", c->log.verbose);
	fputs("};\n", fp);
}
