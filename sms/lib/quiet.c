/*
 * quiet.c - quiet hours read from their spelling, and the next instant an SMS
 * may go out under them in the recipient's zones; no clock, no state.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sms/lib/quiet.h"

#define DAY_SECS	86400
#define WEEK_DAYS	7
#define ALL_DAYS	0x7f
/* a week of quiet days is refused, so a week and a day always ends one */
#define WALK_MINUTES	(8 * 24 * 60)

static const char *const day_names[WEEK_DAYS] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* parse_clock - "HH:MM" at s (5 bytes) in minutes; -1 if not a time */
static int
parse_clock(const char *s)
{
	int	 h, m;

	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 ? h * 60 + m : -1;
}

/* parse_item - one item, n bytes at s: a window or a day name */
static const char *
parse_item(const char *s, size_t n, struct quiet_rule *r)
{
	int	 a, b, i;

	if (n == 11 && s[5] == '-') {
		if (r->hours)
			return "has more than one time window";
		if ((a = parse_clock(s)) == -1 || (b = parse_clock(s + 6)) == -1)
			return "has a time that is not HH:MM (00:00 to 23:59)";
		if (a == b)
			return "has a window that starts when it ends";
		r->hours = true;
		r->start = (uint16_t)a;
		r->end = (uint16_t)b;
		return NULL;
	}
	for (i = 0; i < WEEK_DAYS; i++)
		if (n == 3 && strncasecmp(s, day_names[i], 3) == 0) {
			r->days |= (uint8_t)(1u << i);
			return NULL;
		}
	return "must be \"HH:MM-HH:MM\" and/or days (mon ... sun), e.g. "
	    "\"21:00-08:00,sat,sun\", or \"none\"";
}

/* quiet_parse - see quiet.h */
const char *
quiet_parse(const char *spec, struct quiet_rule *r)
{
	const char	*why;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	if (strcasecmp(spec, "none") == 0)
		return NULL;
	if (strlen(spec) > QUIET_SPEC_MAX)
		return "is longer than 64 bytes";
	for (;;) {
		spec += strspn(spec, ", ");
		if (*spec == '\0')
			break;
		n = strcspn(spec, ", ");
		if ((why = parse_item(spec, n, r)) != NULL)
			return why;
		spec += n;
	}
	if (quiet_is_none(r))
		return "is empty (write \"none\" for no quiet hours)";
	if (r->days == ALL_DAYS)
		return "makes every day quiet: nothing could ever be sent";
	return NULL;
}

/* quiet_is_none - see quiet.h */
bool
quiet_is_none(const struct quiet_rule *r)
{
	return !r->hours && r->days == 0;
}

/* quiet_format - see quiet.h: the window, then the days from Monday */
void
quiet_format(const struct quiet_rule *r, char *out, size_t size)
{
	size_t	 len = 0;
	int	 i, day, n;

	if (quiet_is_none(r)) {
		snprintf(out, size, "none");
		return;
	}
	out[0] = '\0';
	if (r->hours) {
		n = snprintf(out, size, "%02u:%02u-%02u:%02u", r->start / 60u,
		    r->start % 60u, r->end / 60u, r->end % 60u);
		len = n > 0 ? (size_t)n : 0;
	}
	for (i = 1; i <= WEEK_DAYS && len < size; i++) {
		day = i % WEEK_DAYS;
		if ((r->days & (1u << day)) == 0)
			continue;
		n = snprintf(out + len, size - len, "%s%s", len > 0 ? "," : "",
		    day_names[day]);
		len += n > 0 ? (size_t)n : 0;
	}
}

/* floor_div - division rounding down, for instants before the epoch too */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* quiet_local - is local time (seconds since the epoch, as if UTC) quiet? */
static bool
quiet_local(const struct quiet_rule *r, int64_t local)
{
	int64_t		 day = floor_div(local, DAY_SECS);
	unsigned	 wday, minute;

	/* 1970-01-01 was a Thursday */
	wday = (unsigned)((day % WEEK_DAYS + WEEK_DAYS + 4) % WEEK_DAYS);
	minute = (unsigned)((local - day * DAY_SECS) / 60);
	if (r->days & (1u << wday))
		return true;
	if (!r->hours)
		return false;
	if (r->start < r->end)
		return minute >= r->start && minute < r->end;
	return minute >= r->start || minute < r->end;
}

/*
 * quiet_in - is t quiet in zone? -1 when its offset is unknown (a zone
 * without data holds nothing back)
 */
static int
quiet_in(const struct quiet_rule *r, const char *zone, int64_t t,
    quiet_offset_fn *offset_of)
{
	int32_t	 off;

	if (offset_of(zone, t, &off) == -1)
		return -1;
	return quiet_local(r, t + off) ? 1 : 0;
}

/*
 * allowed - may an SMS go at t? Every zone must allow it (latest) or one
 * (earliest); zones without data do not count. *known: any zone had data.
 */
static bool
allowed(const struct quiet_rule *r, const char *const *zones, size_t n,
    enum quiet_multi multi, quiet_offset_fn *offset_of, int64_t t,
    bool *known)
{
	size_t	 i;
	int	 q;
	bool	 any_open = false, all_open = true;

	*known = false;
	for (i = 0; i < n; i++) {
		if ((q = quiet_in(r, zones[i], t, offset_of)) == -1)
			continue;
		*known = true;
		any_open |= q == 0;
		all_open &= q == 0;
	}
	return multi == QUIET_LATEST ? all_open : any_open;
}

/* walk - the first allowed minute after now within the walk; -1 if none */
static int
walk(int64_t now, const struct quiet_rule *r, const char *const *zones,
    size_t n, enum quiet_multi multi, quiet_offset_fn *offset_of,
    int64_t *next)
{
	int64_t	 t = floor_div(now, 60) * 60;
	bool	 known;
	int	 i;

	for (i = 0; i < WALK_MINUTES; i++) {
		t += 60;
		if (allowed(r, zones, n, multi, offset_of, t, &known)) {
			*next = t;
			return 0;
		}
	}
	return -1;
}

/*
 * decider_of - the zone that was quiet a minute before next and is no
 * longer at next: the one waited for
 */
static const char *
decider_of(const struct quiet_rule *r, const char *const *zones, size_t n,
    quiet_offset_fn *offset_of, int64_t next)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (quiet_in(r, zones[i], next - 60, offset_of) == 1 &&
		    quiet_in(r, zones[i], next, offset_of) == 0)
			return zones[i];
	return zones[0];
}

/* quiet_next - see quiet.h */
int
quiet_next(int64_t now, const struct quiet_rule *r, const char *const *zones,
    size_t n, enum quiet_multi multi, quiet_offset_fn *offset_of,
    int64_t *next, const char **decider)
{
	int64_t	 own;
	size_t	 i;
	bool	 known;

	*next = now;
	*decider = n > 0 ? zones[0] : NULL;
	if (allowed(r, zones, n, multi, offset_of, now, &known))
		return known || quiet_is_none(r) ? 0 : -1;
	if (!known)
		return -1;
	if (walk(now, r, zones, n, multi, offset_of, next) == 0) {
		*decider = decider_of(r, zones, n, offset_of, *next);
		return 0;
	}
	/* no minute allowed everywhere: the zone that opens last decides */
	for (i = 0; i < n; i++)
		if (walk(now, r, zones + i, 1, multi, offset_of, &own) == 0 &&
		    own > *next) {
			*next = own;
			*decider = zones[i];
		}
	return 0;
}
