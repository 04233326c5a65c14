/*
 * quiet.h - quiet hours: when an SMS may not reach a phone in its owner's
 * local time, and the next instant it may, over one or several zones.
 */
#ifndef SMSRELAY_QUIET_H
#define SMSRELAY_QUIET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A rule: "21:00-08:00" (quiet from 21:00 to 08:00, across midnight when
 * the end is before the start), whole quiet days ("sat,sun"), or both:
 * "21:00-08:00,sat,sun" is quiet from Friday 21:00 to Monday 08:00. Items
 * are separated by commas or spaces; "none" is no quiet hours at all.
 */
struct quiet_rule {
	bool		 hours;		/* the window below applies */
	uint16_t	 start, end;	/* minutes after local midnight */
	uint8_t		 days;		/* bit 0 Sunday ... bit 6 Saturday */
};

#define QUIET_SPEC_MAX	64	/* "21:00-08:00,mon,tue,wed,thu,fri,sat" */

/*
 * quiet_parse - spec into *r; NULL, or why it is refused (for the
 * configuration's "FILE:LINE: key: why" and the subject command's log)
 */
const char	*quiet_parse(const char *spec, struct quiet_rule *r);
/* quiet_is_none - a rule that never holds anything back */
bool		 quiet_is_none(const struct quiet_rule *);
/* quiet_format - r as "21:00-08:00,sat,sun" (what logs and bounces show) */
void		 quiet_format(const struct quiet_rule *, char *, size_t);

/* where a zone's offset comes from: tz_offset, or a test's */
typedef int	 quiet_offset_fn(const char *zone, int64_t t, int32_t *offset);

/* with several zones: allowed in every one (LATEST) or in one (EARLIEST) */
enum quiet_multi { QUIET_LATEST, QUIET_EARLIEST };

/*
 * quiet_next - the first instant at or after now when an SMS may go to a
 * phone in zones[0..n) under r: now itself when it may at once. *decider
 * is the zone whose quiet hours it waited for. -1 when no zone's offset is
 * known (nothing to hold by), else 0. A minute-by-minute walk over at most
 * eight days, each minute in each zone's own offset, so midnight and summer
 * time changes need no special case; with "latest" and zones too far apart
 * to share an allowed minute, the latest of each zone's own next instant.
 */
int	 quiet_next(int64_t now, const struct quiet_rule *r,
	    const char *const *zones, size_t n, enum quiet_multi,
	    quiet_offset_fn *offset_of, int64_t *next, const char **decider);

#endif
