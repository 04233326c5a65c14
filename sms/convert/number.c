/*
 * number.c - recipient local parts to E.164: "+" and "00" international
 * forms, national numbers with numbers.default_country, "(0)" trunk digits.
 *
 * Choices the callers should know:
 * - At least 7 digits including the country code (Niue and Tokelau have
 *   4-digit numbers after a 3-digit code); at most 15 (E.164).
 * - '+' only before the first digit; separators are - . space / ( ),
 *   anywhere, leading and trailing included.
 * - "(0)" is the trunk digit only in an international number and only within
 *   the first three digits after the prefix (a country code is 1 to 3 digits);
 *   elsewhere parentheses are separators and the 0 is kept.
 * - A number without "+" or "00" is national: one leading 0 (the trunk prefix)
 *   is dropped and default_country prepended.  Countries whose national
 *   numbers start without a trunk 0 thus work too; "4917012345678" is not read
 *   as international, since "1701234567" must not reach +1 (North America).
 * - default_country implies a trunk prefix 0, so "+49 0170..." is
 *   NUMBER_BAD_COUNTRY when default_country is "49".
 * - A default_country that is not 1 to 3 digits without a leading 0 counts as
 *   none configured.
 */
#include <stdint.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/convert/number.h"

#define E164_MIN_DIGITS	7
#define E164_MAX_DIGITS	15
#define CC_MAX_DIGITS	3
/* "00", 15 digits and a "(0)" fit; beyond this the number is too long anyway */
#define RAW_MAX		24

struct scan {
	char	 digits[RAW_MAX];
	size_t	 ndigits;	/* every digit seen, may exceed RAW_MAX */
	int	 plus;
	size_t	 trunk_at;	/* digit index of the 0 in the first "(0)" */
};

/* is_separator - characters people put between digit groups */
static int
is_separator(unsigned char c)
{
	return c == '-' || c == '.' || c == ' ' || c == '/' || c == '(' ||
	    c == ')';
}

/* scan - collect the digits and markers, rejecting any other character */
static enum number_error
scan(const char *s, size_t len, struct scan *sc)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (ascii_digit(c)) {
			if (c == '0' && sc->trunk_at == SIZE_MAX && i > 0 &&
			    s[i - 1] == '(' && i + 1 < len && s[i + 1] == ')')
				sc->trunk_at = sc->ndigits;
			if (sc->ndigits < RAW_MAX)
				sc->digits[sc->ndigits] = (char)c;
			sc->ndigits++;
		} else if (c == '+') {
			if (sc->plus || sc->ndigits > 0)
				return NUMBER_BAD_CHAR;
			sc->plus = 1;
		} else if (!is_separator(c))
			return NUMBER_BAD_CHAR;
	}
	return NUMBER_OK;
}

/* country_len - digits of a usable default_country, 0 when there is none */
static size_t
country_len(const char *cc)
{
	size_t	 n;

	if (cc == NULL || cc[0] < '1' || cc[0] > '9')
		return 0;
	for (n = 1; cc[n] >= '0' && cc[n] <= '9'; n++)
		if (n == CC_MAX_DIGITS)
			return 0;
	return cc[n] == '\0' ? n : 0;
}

/* number_parse - local part (bounded by len) to E.164 in out */
enum number_error
number_parse(const char *local, size_t len, const char *default_country,
    char out[E164_MAX + 1])
{
	struct scan		 sc = { .trunk_at = SIZE_MAX };
	char			 e164[RAW_MAX + CC_MAX_DIGITS];
	size_t			 cclen, start, i, n;
	enum number_error	 error;

	out[0] = '\0';
	if ((error = scan(local, len, &sc)) != NUMBER_OK)
		return error;
	if (sc.ndigits == 0)
		return sc.plus ? NUMBER_TOO_SHORT : NUMBER_EMPTY;
	if (sc.ndigits > RAW_MAX)
		return NUMBER_TOO_LONG;
	cclen = country_len(default_country);

	n = 0;
	if (sc.plus || (sc.ndigits >= 2 && sc.digits[0] == '0' &&
	    sc.digits[1] == '0')) {
		start = sc.plus ? 0 : 2;
		for (i = start; i < sc.ndigits; i++) {
			if (i == sc.trunk_at && i - start >= 1 &&
			    i - start <= CC_MAX_DIGITS)
				continue;
			e164[n++] = sc.digits[i];
		}
		if (n == 0)
			return NUMBER_TOO_SHORT;
		if (e164[0] == '0')
			return NUMBER_BAD_COUNTRY;
		if (cclen > 0 && n > cclen &&
		    memcmp(e164, default_country, cclen) == 0 &&
		    e164[cclen] == '0')
			return NUMBER_BAD_COUNTRY;
	} else {
		if (cclen == 0)
			return NUMBER_NO_COUNTRY;
		memcpy(e164, default_country, cclen);
		n = cclen;
		for (i = sc.digits[0] == '0' ? 1 : 0; i < sc.ndigits; i++)
			e164[n++] = sc.digits[i];
	}
	if (n > E164_MAX_DIGITS)
		return NUMBER_TOO_LONG;
	if (n < E164_MIN_DIGITS)
		return NUMBER_TOO_SHORT;
	out[0] = '+';
	memcpy(out + 1, e164, n);
	out[n + 1] = '\0';
	return NUMBER_OK;
}

/* number_allowed - e164 starts with one of the prefixes (none given: all) */
int
number_allowed(const char *e164, char *const *prefixes, size_t nprefixes)
{
	size_t	 i;

	if (nprefixes == 0)
		return 1;
	for (i = 0; i < nprefixes; i++)
		if (prefixes[i] != NULL &&
		    strncmp(e164, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* number_strerror - a sentence for the 550 5.1.1 reply */
const char *
number_strerror(enum number_error error)
{
	switch (error) {
	case NUMBER_OK:
		return "valid phone number";
	case NUMBER_EMPTY:
		return "no phone number given";
	case NUMBER_BAD_CHAR:
		return "not a phone number: only digits, '+' and separators "
		    "are allowed";
	case NUMBER_TOO_SHORT:
		return "the number has fewer than 7 digits";
	case NUMBER_TOO_LONG:
		return "the number has more than 15 digits";
	case NUMBER_NO_COUNTRY:
		return "national number but no numbers.default_country is "
		    "configured";
	case NUMBER_BAD_COUNTRY:
		return "bad country code: it cannot start with 0, and the "
		    "national 0 after it must be left out";
	case NUMBER_NOT_ALLOWED:
		return "destination not allowed by numbers.allow_prefixes";
	}
	return "invalid phone number";
}
