/*
 * datetime.h - strict parsers of the calendar times senders write (ISO 8601
 * and RFC 3339 date-times, RFC 5322 dates) into epoch seconds, and back.
 */
#ifndef SMSRELAY_DATETIME_H
#define SMSRELAY_DATETIME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each parser takes v[0..n) whole (nothing may follow) and returns NULL with
 * the time in *out, or a sentence saying what is wrong. A time must name its
 * offset from UTC: the relay cannot know the sender's.
 */

/*
 * datetime_iso8601 - YYYY-MM-DDTHH:MM[:SS] and Z, +HH:MM, +HHMM or +HH
 * ([JOBPERIOD:], X-SMS-Send-At:)
 */
const char	*datetime_iso8601(const char *v, size_t n, int64_t *out);
/*
 * datetime_rfc3339 - date-time of RFC 3339 5.6: YYYY-MM-DDTHH:MM:SS, an
 * optional fraction (rounded up to the next second: a release is never
 * early), and Z or +HH:MM (HOLDUNTIL=)
 */
const char	*datetime_rfc3339(const char *v, size_t n, int64_t *out);
/*
 * datetime_rfc5322 - date-time of RFC 5322 3.3: [Day,] DD Mon YYYY
 * HH:MM[:SS] and +HHMM or an obsolete zone (UT, GMT, EST...), optionally
 * followed by one comment such as "(UTC)"
 */
const char	*datetime_rfc5322(const char *v, size_t n, int64_t *out);

#define DATETIME_UTC_LEN	20	/* "2026-12-05T22:08:54Z" */
/* datetime_utc - t as YYYY-MM-DDTHH:MM:SSZ into out (a NUL after it) */
void		 datetime_utc(int64_t t, char out[DATETIME_UTC_LEN + 1]);

#endif
