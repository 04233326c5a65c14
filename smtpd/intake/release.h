/*
 * release.h - when a message may go out and how urgently: RFC 4865
 * HOLDFOR/HOLDUNTIL, the X-SMS-Send-At:/Deferred-Delivery: headers,
 * [JOBPERIOD:], all within queue.max_hold; express by header or [QOS:].
 */
#ifndef SMSRELAY_RELEASE_H
#define SMSRELAY_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"
#include "smtpd/intake/check.h"

/*
 * release_hold - the release time MAIL FROM asks for (RFC 4865): holdfor
 * seconds from now, or holduntil (0: none given). 0 and the time in *at
 * (0: at once), or -1 with the refusal: 555 5.5.4 while queue.max_hold is
 * 0 (FUTURERELEASE not offered), 554 5.3.4 beyond it.
 */
int	 release_hold(const struct conf *, int has_holdfor, uint64_t holdfor,
	    int has_holduntil, int64_t holduntil, int64_t now, int64_t *at,
	    struct verdict *);

/*
 * release_header - the time an X-SMS-Send-At: or Deferred-Delivery: field
 * of the header block names (ISO 8601 with an offset, or an RFC 5322
 * date), into *at (left alone without one). 0, or -1 with 550 5.6.0 naming
 * the field and what is wrong with its date.
 */
int	 release_header(const char *block, size_t len, int64_t *at,
	    struct verdict *);

/*
 * release_within - a release time (from any source) is within
 * queue.max_hold of now; 0, or -1 with 554 5.3.4
 */
int	 release_within(const struct conf *, int64_t at, int64_t now,
	    const char *source, struct verdict *);

/*
 * release_priority - express when the header says Priority: urgent or
 * X-Priority: 1 (also "1 (Highest)"), or the subject said [QOS:EXPRESS]
 */
enum sms_priority release_priority(const char *block, size_t len,
	    int qos_express);

#endif
