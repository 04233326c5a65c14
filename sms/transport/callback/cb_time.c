/*
 * cb_time.c - the times providers put in their reports (ISO 8601 with an
 * offset, Vonage's "YYYY-MM-DD hh:mm:ss" in UTC, epoch seconds), read strictly.
 */
#include <string.h>
#include <time.h>

#include "sms/lib/ascii.h"
#include "sms/transport/callback/cb_util.h"

/* digits - n digits at s as a number, -1 if they are not all digits */
static int
digits(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!ascii_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* date_time - "YYYY-MM-DD?hh:mm:ss" with sep between, as UTC; 0 if not */
static int64_t
date_time(const char *s, char sep)
{
	struct tm	 tm;
	time_t		 t;

	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != sep ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return 0;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	return (int64_t)t;
}

/* offset - "Z", "+hh:mm", "+hhmm" or "-..." in seconds; -1 if none of them */
static int
offset(const char *s, int *secs)
{
	int	 h, m;

	if (strcmp(s, "Z") == 0 || *s == '\0') {
		*secs = 0;
		return 0;
	}
	if ((*s != '+' && *s != '-') || (h = digits(s + 1, 2)) < 0)
		return -1;
	if (s[3] == ':')
		m = digits(s + 4, 2);
	else
		m = digits(s + 3, 2);
	if (m < 0 || h > 23 || m > 59 || strlen(s) != (s[3] == ':' ? 6U : 5U))
		return -1;
	*secs = (h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return 0;
}

/* cb_time_iso - see cb_util.h; the fraction of a second is dropped */
int64_t
cb_time_iso(const char *s)
{
	int64_t	 t;
	size_t	 i = 19;
	int	 off;

	if (s == NULL || (t = date_time(s, 'T')) == 0)
		return 0;
	if (s[i] == '.') {
		for (i++; ascii_digit((unsigned char)s[i]); i++)
			;
		if (i == 20)
			return 0;
	}
	if (offset(s + i, &off) == -1)
		return 0;
	return t - off;
}

/* cb_time_vonage - see cb_util.h */
int64_t
cb_time_vonage(const char *s)
{
	if (s == NULL || strlen(s) != 19)
		return 0;
	return date_time(s, ' ');
}

/* cb_time_number - see cb_util.h: up to 12 digits, nothing else */
int64_t
cb_time_number(const char *s)
{
	int64_t	 t = 0;
	size_t	 i;

	if (s == NULL || *s == '\0' || strlen(s) > 12)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (!ascii_digit((unsigned char)s[i]))
			return 0;
		t = t * 10 + (s[i] - '0');
	}
	return t;
}
