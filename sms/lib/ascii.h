/*
 * ascii.h - ASCII letters, digits, case and hex digits, whatever the locale:
 * protocol text is read by the bytes the RFCs name, never by isalpha(3).
 */
#ifndef SMSRELAY_ASCII_H
#define SMSRELAY_ASCII_H

#include <stdbool.h>
#include <stddef.h>

static inline bool
ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
ascii_alnum(unsigned char c)
{
	return ascii_digit(c) || ascii_alpha(c);
}

/* ascii_lower - other bytes, UTF-8 included, stay as they are */
static inline unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ascii_iequal - s[0..n) is the literal lit, ASCII case ignored */
static inline bool
ascii_iequal(const unsigned char *s, size_t n, const char *lit)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lit[i] == '\0' || ascii_lower(s[i]) != ascii_lower(lit[i]))
			return false;
	return lit[n] == '\0';
}

/* ascii_hex - the value of a hex digit, -1 for any other byte */
static inline int
ascii_hex(unsigned char c)
{
	if (ascii_digit(c))
		return c - '0';
	c = ascii_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

#endif
