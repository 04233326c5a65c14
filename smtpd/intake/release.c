/*
 * release.c - when a message may go out and how urgently: RFC 4865
 * HOLDFOR/HOLDUNTIL, the X-SMS-Send-At:/Deferred-Delivery: headers,
 * [JOBPERIOD:], all within queue.max_hold; express by header or [QOS:].
 */
#include <inttypes.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/datetime.h"
#include "sms/lib/header_field.h"
#include "smtpd/intake/release.h"

/* a date field's body: longer is no date */
#define DATE_FIELD_MAX	128

/* the fields naming a release time, the first found counts */
static const char *const release_fields[] = {
	"X-SMS-Send-At", "Deferred-Delivery"
};

/* release_within - see release.h */
int
release_within(const struct conf *c, int64_t at, int64_t now,
    const char *source, struct verdict *v)
{
	if (at <= now || at - now <= (int64_t)c->queue.max_hold)
		return 0;
	return verdict_set(v, 554, "5.3.4", "%s asks for a release in %" PRId64
	    "s, beyond the longest hold here (%us)", source, at - now,
	    c->queue.max_hold);
}

/* release_hold - see release.h */
int
release_hold(const struct conf *c, int has_holdfor, uint64_t holdfor,
    int has_holduntil, int64_t holduntil, int64_t now, int64_t *at,
    struct verdict *v)
{
	*at = 0;
	if (!has_holdfor && !has_holduntil)
		return 0;
	if (c->queue.max_hold == 0)
		return verdict_set(v, 555, "5.5.4", "Unsupported parameter: "
		    "FUTURERELEASE is not offered here");
	if (has_holdfor) {
		if (holdfor > c->queue.max_hold)
			return verdict_set(v, 554, "5.3.4", "HOLDFOR=%" PRIu64
			    " is beyond the longest hold here (%us)", holdfor,
			    c->queue.max_hold);
		*at = holdfor > 0 ? now + (int64_t)holdfor : 0;
		return 0;
	}
	if (release_within(c, holduntil, now, "HOLDUNTIL", v) == -1)
		return -1;
	/* RFC 4865 4: a time already past releases the message at once */
	*at = holduntil > now ? holduntil : 0;
	return 0;
}

/* field_time - an ISO 8601 time if it starts like one, else RFC 5322 */
static const char *
field_time(const char *s, int64_t *at)
{
	size_t	 n = strlen(s);

	if (n > 4 && ascii_digit(s[0]) && s[4] == '-')
		return datetime_iso8601(s, n, at);
	return datetime_rfc5322(s, n, at);
}

/* release_header - see release.h */
int
release_header(const char *block, size_t len, int64_t *at, struct verdict *v)
{
	char		 body[DATE_FIELD_MAX];
	const char	*why;
	size_t		 i;
	int		 found;

	for (i = 0; i < sizeof(release_fields) / sizeof(release_fields[0]);
	    i++) {
		found = header_field(block, len, release_fields[i], body,
		    sizeof(body));
		if (found == 0)
			continue;
		if (found == -1)
			return verdict_set(v, 550, "5.6.0", "%s: too long for "
			    "a date", release_fields[i]);
		if ((why = field_time(body, at)) != NULL)
			return verdict_set(v, 550, "5.6.0", "%s: not a date "
			    "with its offset from UTC (%s)", release_fields[i],
			    why);
		return 0;
	}
	return 0;
}

/* is_urgent_x_priority - "1", or "1" and a comment such as "(Highest)" */
static int
is_urgent_x_priority(const char *s)
{
	return s[0] == '1' && (s[1] == '\0' || s[1] == ' ' || s[1] == '(');
}

/* release_priority - see release.h */
enum sms_priority
release_priority(const char *block, size_t len, int qos_express)
{
	char	 body[DATE_FIELD_MAX];

	if (qos_express)
		return SMS_PRIORITY_EXPRESS;
	if (header_field(block, len, "Priority", body, sizeof(body)) == 1 &&
	    ascii_iequal((const unsigned char *)body, strlen(body), "urgent"))
		return SMS_PRIORITY_EXPRESS;
	if (header_field(block, len, "X-Priority", body, sizeof(body)) == 1 &&
	    is_urgent_x_priority(body))
		return SMS_PRIORITY_EXPRESS;
	return SMS_PRIORITY_BULK;
}
