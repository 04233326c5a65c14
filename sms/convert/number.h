/*
 * number.h - recipient local parts to E.164 ("+4917012345678"), with the
 * reason when a number cannot be valid or is not an allowed destination.
 */
#ifndef SMSRELAY_NUMBER_H
#define SMSRELAY_NUMBER_H

#include <stddef.h>

#define E164_MAX	16	/* '+' and at most 15 digits */

enum number_error {
	NUMBER_OK = 0,
	NUMBER_EMPTY,		/* nothing but separators */
	NUMBER_BAD_CHAR,	/* a character that is neither digit nor separator */
	NUMBER_TOO_SHORT,
	NUMBER_TOO_LONG,	/* more than 15 digits */
	NUMBER_NO_COUNTRY,	/* national form and no default_country */
	NUMBER_BAD_COUNTRY,	/* country code 0 or a leading zero after it */
	NUMBER_NOT_ALLOWED,	/* outside numbers.allow_prefixes */
};

/*
 * number_parse - local part (bounded by len, not NUL) to E.164 in out[E164_MAX+1].
 * Accepts "+49 170 1234567", "0049-170-1234567", "01701234567" (national, with
 * default_country "49"), separators '-', '.', ' ', '/', '(', ')'.
 */
enum number_error number_parse(const char *local, size_t len,
	    const char *default_country, char out[E164_MAX + 1]);

/* number_allowed - e164 starts with one of the prefixes (none given: all). */
int	number_allowed(const char *e164, char *const *prefixes, size_t nprefixes);

/* number_strerror - a sentence for the 550 5.1.1 reply. */
const char *number_strerror(enum number_error);

#endif
