/*
 * hold.c - a recipient due inside its quiet hours: the country's zones from
 * the number (libphonenumber, tzdata), the next allowed instant, the expiry.
 *
 * Built without libphonenumber no number has a known zone, so quiet hours
 * hold nothing back (the README says so).
 */
#include <stdio.h>
#include <time.h>

#include "sms/convert/region.h"
#include "sms/lib/quiet.h"
#include "sms/lib/tzfile.h"
#include "smtpd/queue/hold.h"
#include "smtpd/queue/schedule.h"
#ifdef HAVE_LIBPHONENUMBER
#include "sms/convert/phone.h"
#endif

/* number_zones - the zones of e164's country; 0 when unknown */
static size_t
number_zones(const char *e164, const char **zones, size_t max)
{
#ifdef HAVE_LIBPHONENUMBER
	struct phone_info info;

	if (phone_check(e164, &info) == 0 && info.region[0] != '\0')
		return region_zones(info.region, zones, max);
#else
	(void)e164;
	(void)zones;
	(void)max;
#endif
	return 0;
}

/* utc_text - t as "2026-12-06T07:00:00Z" */
static void
utc_text(int64_t t, char *out, size_t size)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "%lld", (long long)t);
}

/* hold_check - see hold.h */
enum hold_verdict
hold_check(const struct message *m, uint32_t i, const struct conf *c,
    int64_t now, struct hold *h)
{
	const char		*zones[REGION_ZONES_MAX], *decider;
	struct quiet_rule	 rule;
	char			 spec[QUIET_SPEC_MAX + 1], when[32];
	size_t			 n;
	int64_t			 expiry;

	h->until = now;
	h->why[0] = '\0';
	if (m->kind != MSG_SMS || m->quiet == NULL ||
	    quiet_parse(m->quiet, &rule) != NULL || quiet_is_none(&rule) ||
	    (n = number_zones(m->rcpts[i].to, zones, REGION_ZONES_MAX)) == 0)
		return HOLD_GO;
	if (quiet_next(now, &rule, zones, n, c->numbers.multi_zone ==
	    MULTI_ZONE_EARLIEST ? QUIET_EARLIEST : QUIET_LATEST, tz_offset,
	    &h->until, &decider) == -1 || h->until <= now)
		return HOLD_GO;
	quiet_format(&rule, spec, sizeof(spec));
	expiry = schedule_expiry(m, c);
	if (expiry <= h->until) {
		utc_text(expiry, when, sizeof(when));
		snprintf(h->why, sizeof(h->why), "expires at %s, inside the "
		    "recipient's quiet hours %s %s", when, spec, decider);
		return HOLD_EXPIRES;
	}
	snprintf(h->why, sizeof(h->why), "quiet hours %s in %s", spec,
	    decider);
	return HOLD_WAIT;
}
