/*
 * datetime.c - strict parsers of the calendar times senders write (ISO 8601
 * and RFC 3339 date-times, RFC 5322 dates) into epoch seconds, and back.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/datetime.h"

#define OFFSET_HOURS_MAX	14	/* UTC+14 (Kiribati) is the farthest */
#define YEAR_MAX		9999

/* the parts of a calendar time before it is checked and counted */
struct civil {
	int	 year, mon, day, hour, min, sec;
	int	 offset;		/* seconds east of UTC */
};

/* digits - the value of p[0..n), all digits; -1 if any is not one */
static int
digits(const char *p, size_t n)
{
	size_t	 i;
	int	 v = 0;

	for (i = 0; i < n; i++) {
		if (!ascii_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* days_in - days of month mon (1-12) of year */
static int
days_in(int year, int mon)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool	 leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static int64_t
days_from_civil(int year, int mon, int day)
{
	int64_t	 y = year - (mon <= 2), era, yoe, doy, doe;

	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* civil_time - a checked civil time in epoch seconds; NULL or the problem */
static const char *
civil_time(const struct civil *c, int64_t *out)
{
	int64_t	 t;

	if (c->year < 1970 || c->year > YEAR_MAX || c->mon < 1 ||
	    c->mon > 12 || c->day < 1 || c->day > days_in(c->year, c->mon) ||
	    c->hour > 23 || c->min > 59 || c->sec > 59)
		return "no such date or time";
	t = days_from_civil(c->year, c->mon, c->day) * 86400 +
	    c->hour * 3600 + c->min * 60 + c->sec - c->offset;
	/* in UTC too: an offset may carry it out of 1970-9999 */
	if (t < 0 || t >= days_from_civil(YEAR_MAX + 1, 1, 1) * 86400)
		return "date out of range";
	*out = t;
	return NULL;
}

/* iso_date_time - YYYY-MM-DDTHH:MM at v (n >= 16 checked); -1 if not */
static int
iso_date_time(const char *v, struct civil *c)
{
	if (v[4] != '-' || v[7] != '-' || (v[10] != 'T' && v[10] != 't') ||
	    v[13] != ':')
		return -1;
	if ((c->year = digits(v, 4)) < 0 || (c->mon = digits(v + 5, 2)) < 0 ||
	    (c->day = digits(v + 8, 2)) < 0 ||
	    (c->hour = digits(v + 11, 2)) < 0 ||
	    (c->min = digits(v + 14, 2)) < 0)
		return -1;
	return 0;
}

/*
 * iso_offset - v[0..n) as Z, or +HH:MM; with `loose` also +HHMM and +HH.
 * NULL and the seconds east of UTC, or the problem.
 */
static const char *
iso_offset(const char *v, size_t n, bool loose, int *offset)
{
	int	 oh = -1, om = 0;

	if (n == 1 && (v[0] == 'Z' || v[0] == 'z')) {
		*offset = 0;
		return NULL;
	}
	if (n == 0 || (v[0] != '+' && v[0] != '-'))
		return "Z or an offset +HH:MM expected";
	if (n == 6 && v[3] == ':') {
		oh = digits(v + 1, 2);
		om = digits(v + 4, 2);
	} else if (loose && n == 5) {
		oh = digits(v + 1, 2);
		om = digits(v + 3, 2);
	} else if (loose && n == 3)
		oh = digits(v + 1, 2);
	if (oh < 0 || om < 0 || oh > OFFSET_HOURS_MAX || om > 59)
		return "offset +HH:MM expected";
	*offset = (oh * 60 + om) * 60 * (v[0] == '-' ? -1 : 1);
	return NULL;
}

/* datetime_iso8601 - see datetime.h */
const char *
datetime_iso8601(const char *v, size_t n, int64_t *out)
{
	struct civil	 c = { 0 };
	const char	*problem;
	size_t		 i = 16;

	if (n < 17 || iso_date_time(v, &c) == -1)
		return "YYYY-MM-DDTHH:MM[:SS] and Z or an offset expected";
	if (v[i] == ':') {
		if (n < i + 3 || (c.sec = digits(v + i + 1, 2)) < 0)
			return "seconds of two digits expected";
		i += 3;
	}
	if ((problem = iso_offset(v + i, n - i, true, &c.offset)) != NULL)
		return problem;
	return civil_time(&c, out);
}

/* datetime_rfc3339 - see datetime.h */
const char *
datetime_rfc3339(const char *v, size_t n, int64_t *out)
{
	struct civil	 c = { 0 };
	const char	*problem;
	size_t		 i = 19;
	bool		 fraction = false;

	if (n < 20 || iso_date_time(v, &c) == -1 || v[16] != ':' ||
	    (c.sec = digits(v + 17, 2)) < 0)
		return "YYYY-MM-DDTHH:MM:SS and Z or +HH:MM expected";
	if (v[i] == '.') {
		for (i++; i < n && ascii_digit(v[i]); i++)
			fraction = fraction || v[i] != '0';
		if (i == 20)
			return "digits after the decimal point expected";
	}
	if ((problem = iso_offset(v + i, n - i, false, &c.offset)) != NULL ||
	    (problem = civil_time(&c, out)) != NULL)
		return problem;
	*out += fraction;
	return NULL;
}

/* rfc5322 parsing: a cursor over the value */
struct cursor {
	const char	*p;
	size_t		 n, i;
};

/* skip_fws - spaces and tabs; how many */
static size_t
skip_fws(struct cursor *cu)
{
	size_t	 start = cu->i;

	while (cu->i < cu->n && (cu->p[cu->i] == ' ' || cu->p[cu->i] == '\t'))
		cu->i++;
	return cu->i - start;
}

/* take_digits - 1..max digits at the cursor; -1 if fewer than min */
static int
take_digits(struct cursor *cu, size_t min, size_t max)
{
	size_t	 start = cu->i;

	while (cu->i < cu->n && cu->i - start < max &&
	    ascii_digit(cu->p[cu->i]))
		cu->i++;
	if (cu->i - start < min)
		return -1;
	return digits(cu->p + start, cu->i - start);
}

/* take_word - letters at the cursor, compared case-blind to one of list */
static int
take_word(struct cursor *cu, const char *const *list, size_t nlist)
{
	size_t	 start = cu->i, len, k;

	while (cu->i < cu->n && ascii_alpha(cu->p[cu->i]))
		cu->i++;
	len = cu->i - start;
	for (k = 0; k < nlist; k++)
		if (strlen(list[k]) == len &&
		    ascii_iequal((const unsigned char *)cu->p + start, len,
		    list[k]))
			return (int)k;
	return -1;
}

/* the obsolete zones of RFC 5322 4.3 with their offsets in hours */
static const char *const zone_names[] = {
	"UT", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"
};
static const int zone_hours[] = { 0, 0, 0, -5, -4, -6, -5, -7, -6, -8, -7 };

/* take_zone - +HHMM or an obsolete zone name; -1 if neither */
static int
take_zone(struct cursor *cu, int *offset)
{
	int	 k, hhmm;
	char	 sign;

	if (cu->i < cu->n && (cu->p[cu->i] == '+' || cu->p[cu->i] == '-')) {
		sign = cu->p[cu->i++];
		if ((hhmm = take_digits(cu, 4, 4)) < 0 || hhmm % 100 > 59 ||
		    hhmm / 100 > OFFSET_HOURS_MAX)
			return -1;
		*offset = (hhmm / 100 * 60 + hhmm % 100) * 60 *
		    (sign == '-' ? -1 : 1);
		return 0;
	}
	if ((k = take_word(cu, zone_names, sizeof(zone_names) /
	    sizeof(zone_names[0]))) < 0)
		return -1;
	*offset = zone_hours[k] * 3600;
	return 0;
}

/* take_comment - one "(...)" at the cursor, if any: no nesting, no quoting */
static int
take_comment(struct cursor *cu)
{
	if (cu->i == cu->n || cu->p[cu->i] != '(')
		return 0;
	for (cu->i++; cu->i < cu->n && cu->p[cu->i] != ')'; cu->i++)
		if (cu->p[cu->i] == '(' || cu->p[cu->i] == '\\')
			return -1;
	if (cu->i == cu->n)
		return -1;
	cu->i++;
	return 0;
}

/* take_day_of_week - "Mon," and the spaces after it, if present */
static int
take_day_of_week(struct cursor *cu)
{
	static const char *const days[] = {
		"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
	};

	if (cu->n == 0 || !ascii_alpha(cu->p[0]))
		return 0;
	if (take_word(cu, days, 7) < 0 || cu->i == cu->n ||
	    cu->p[cu->i] != ',')
		return -1;
	cu->i++;
	skip_fws(cu);
	return 0;
}

/* datetime_rfc5322 - see datetime.h */
const char *
datetime_rfc5322(const char *v, size_t n, int64_t *out)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct cursor	 cu = { v, n, 0 };
	struct civil	 c = { 0 };

	if (take_day_of_week(&cu) == -1)
		return "day of the week as Mon, Tue, ... expected";
	if ((c.day = take_digits(&cu, 1, 2)) < 0 || skip_fws(&cu) == 0 ||
	    (c.mon = take_word(&cu, months, 12) + 1) == 0 ||
	    skip_fws(&cu) == 0 || (c.year = take_digits(&cu, 4, 4)) < 0 ||
	    skip_fws(&cu) == 0)
		return "DD Mon YYYY expected";
	if ((c.hour = take_digits(&cu, 2, 2)) < 0 || cu.i == cu.n ||
	    cu.p[cu.i++] != ':' || (c.min = take_digits(&cu, 2, 2)) < 0)
		return "HH:MM expected";
	if (cu.i < cu.n && cu.p[cu.i] == ':' &&
	    (cu.i++, (c.sec = take_digits(&cu, 2, 2)) < 0))
		return "seconds of two digits expected";
	if (skip_fws(&cu) == 0 || take_zone(&cu, &c.offset) == -1)
		return "a zone +HHMM expected";
	skip_fws(&cu);
	if (take_comment(&cu) == -1 || (skip_fws(&cu), cu.i != cu.n))
		return "nothing but a comment expected after the zone";
	return civil_time(&c, out);
}

/* datetime_utc - see datetime.h */
void
datetime_utc(int64_t t, char out[DATETIME_UTC_LEN + 1])
{
	int64_t	 days = t / 86400, secs = t % 86400, z, era, doe, yoe, doy, mp;
	int64_t	 y, m, d;
	char	 wide[80];

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* the inverse of days_from_civil */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	/* room for any int, so the compiler sees nothing cut off */
	snprintf(wide, sizeof(wide), "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    (int)(y % 10000), (int)m, (int)d, (int)(secs / 3600),
	    (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(out, wide, DATETIME_UTC_LEN);
	out[DATETIME_UTC_LEN] = '\0';
}
