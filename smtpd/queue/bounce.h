/*
 * bounce.h - the delivery status notification for recipients of a queued
 * message: their states in an RFC 3464 report (dsn.c), ready to queue.
 */
#ifndef SMSRELAY_BOUNCE_H
#define SMSRELAY_BOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "smtpd/queue/queue.h"

/*
 * bounce_compose - the DSN for recipients idx[0..n) of msg, CRLF lines:
 * "failed" with their status and reason, or "relayed" naming the provider's
 * id for those a success report is owed. NULL with errno (dsn_compose).
 */
char	*bounce_compose(const struct conf *, const struct queue_view *,
	    const uint32_t *idx, size_t n, int64_t now, size_t *lenp);

#endif
