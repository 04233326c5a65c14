/*
 * envelope.c - mail addresses as RFC 5321 writes them, read with explicit
 * bounds and no allocation: local parts (Dot-string, Quoted-string, UTF-8
 * under SMTPUTF8), domains and address literals, source routes; and a
 * stored address split into its local part and domain.
 */
#include <arpa/inet.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/utf8.h"
#include "smtpd/envelope.h"

/* smtp_atext - see envelope.h */
bool
smtp_atext(unsigned char c)
{
	return ascii_alnum(c) ||
	    (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * scan_local - length of the Local-part (Dot-string or Quoted-string) that
 * starts s, 0 if there is none; *nonascii is set for UTF-8 (RFC 6531), read
 * strictly (no overlong forms, no surrogates) so addresses compare reliably.
 */
static size_t
scan_local(const unsigned char *s, size_t n, int *nonascii)
{
	size_t	 i, k, atom = 0;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n; i++) {
			if (s[i] == '"')
				return i + 1;
			if (s[i] == '\\') {
				if (++i == n || s[i] < 32 || s[i] > 126)
					return 0;
			} else if (s[i] >= 0x80) {
				if ((k = utf8_decode(s + i, n - i, NULL)) == 0)
					return 0;
				*nonascii = 1;
				i += k - 1;
			} else if (s[i] < 32 || s[i] > 126)
				return 0;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (atom == 0)
				return 0;
			atom = 0;
		} else if (s[i] >= 0x80) {
			if ((k = utf8_decode(s + i, n - i, NULL)) == 0)
				return 0;
			*nonascii = 1;
			i += k - 1;
			atom += k;
		} else if (smtp_atext(s[i]))
			atom++;
		else
			break;
	}
	return atom == 0 ? 0 : i;
}

/* check_ipv4 - dotted quad of Snum (RFC 5321 4.1.3) */
static int
check_ipv4(const unsigned char *s, size_t n)
{
	size_t	 i = 0, digits;
	unsigned value;
	int	 part;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i == n || s[i] != '.')
				return -1;
			i++;
		}
		value = 0;
		for (digits = 0; i < n && ascii_digit(s[i]); digits++, i++) {
			if (digits == 3)
				return -1;
			value = value * 10 + (s[i] - '0');
		}
		if (digits == 0 || value > 255)
			return -1;
	}
	return i == n ? 0 : -1;
}

/*
 * check_literal - "[1.2.3.4]" or "[IPv6:...]"; general address literals
 * have no registered tags besides IPv6, so they are refused.
 */
static int
check_literal(const unsigned char *s, size_t n)
{
	char	 buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];

	if (n < 3 || s[n - 1] != ']')
		return -1;
	s++;
	n -= 2;
	if (ascii_digit(s[0]))
		return check_ipv4(s, n);
	if (n < 5 || !ascii_iequal(s, 5, "IPv6:"))
		return -1;
	s += 5;
	n -= 5;
	if (n == 0 || n >= sizeof(buf) || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1 ? 0 : -1;
}

/*
 * check_domain - s[0..n) is a Domain or an address literal. Labels are
 * LDH with at most 63 octets; labels with UTF-8 (U-labels) are not held to
 * that, since their A-label length is what DNS limits.
 */
static int
check_domain(const unsigned char *s, size_t n, int *nonascii)
{
	size_t	 i, k, label = 0;
	int	 hyphen_last = 0, label_utf8 = 0;

	if (n > 0 && s[0] == '[')
		return check_literal(s, n);
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || hyphen_last)
				return -1;
			label = 0;
			label_utf8 = 0;
			continue;
		}
		if (s[i] == '-') {
			if (label == 0)
				return -1;
			hyphen_last = 1;
			label++;
		} else if (ascii_alpha(s[i]) || ascii_digit(s[i])) {
			hyphen_last = 0;
			label++;
		} else if (s[i] >= 0x80 && (k = utf8_decode(s + i, n - i, NULL)) != 0) {
			*nonascii = label_utf8 = 1;
			hyphen_last = 0;
			i += k - 1;
			label += k;
		} else
			return -1;
		if (label > 63 && !label_utf8)
			return -1;
	}
	return (label == 0 || hyphen_last) ? -1 : 0;
}

/* skip_route - length of the A-d-l and ':' at s ("@a,@b:"), 0 if malformed */
static size_t
skip_route(const unsigned char *s, size_t n)
{
	const unsigned char *colon, *p, *comma;
	int	 ignored = 0;

	if ((colon = memchr(s, ':', n)) == NULL)
		return 0;
	for (p = s; p < colon; p = comma + 1) {
		if (*p != '@')
			return 0;
		if ((comma = memchr(p, ',', colon - p)) == NULL)
			comma = colon;
		if (check_domain(p + 1, comma - p - 1, &ignored) == -1 ||
		    ignored)
			return 0;
		if (comma == colon)
			return colon - s + 1;
	}
	return 0;
}

/* smtp_addr_parse - see envelope.h */
enum smtp_addr_fault
smtp_addr_parse(const char *addrtext, size_t n, unsigned flags, char *addr,
    size_t *addrlen, int *nonascii)
{
	const unsigned char *s = (const unsigned char *)addrtext;
	size_t	 local, route;

	if (n > 0 && s[0] == '@') {
		if (!(flags & SMTP_ADDR_ROUTE) || (route = skip_route(s, n)) == 0)
			return SMTP_ADDR_SYNTAX;
		s += route;
		n -= route;
	}
	if ((flags & SMTP_ADDR_POSTMASTER) && ascii_iequal(s, n, "postmaster"))
		local = n;
	else {
		if ((local = scan_local(s, n, nonascii)) == 0 || local == n ||
		    s[local] != '@' ||
		    check_domain(s + local + 1, n - local - 1, nonascii) == -1)
			return SMTP_ADDR_SYNTAX;
		if (local > SMTP_LOCAL_MAX)
			return SMTP_ADDR_LOCAL_LONG;
		if (n - local - 1 > SMTP_DOMAIN_MAX)
			return SMTP_ADDR_DOMAIN_LONG;
	}
	if (n > SMTP_PATH_MAX)
		return SMTP_ADDR_PATH_LONG;
	memcpy(addr, s, n);
	addr[n] = '\0';
	*addrlen = n;
	return SMTP_ADDR_OK;
}

/* smtp_addr_split - see envelope.h: local part unquoted, domain as is */
int
smtp_addr_split(const char *addr, size_t len, struct smtp_addr *out)
{
	const unsigned char *s = (const unsigned char *)addr;
	char	 copy[SMTP_PATH_MAX + 1];
	size_t	 copylen, local, i, o = 0;
	int	 nonascii = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0 || smtp_addr_parse(addr, len, SMTP_ADDR_POSTMASTER,
	    copy, &copylen, &nonascii) != SMTP_ADDR_OK)
		return -1;
	if (ascii_iequal(s, len, "postmaster")) {
		memcpy(out->local, addr, len);
		out->locallen = len;
		return 0;
	}
	local = scan_local(s, len, &nonascii);
	if (s[0] == '"') {
		for (i = 1; i + 1 < local; i++) {
			if (s[i] == '\\')
				i++;
			out->local[o++] = (char)s[i];
		}
	} else {
		memcpy(out->local, addr, local);
		o = local;
	}
	out->local[o] = '\0';
	out->locallen = o;
	out->domainlen = len - local - 1;
	memcpy(out->domain, addr + local + 1, out->domainlen);
	out->domain[out->domainlen] = '\0';
	return 0;
}
