/*
 * bounce.h - delivery status notifications: compose the RFC 3464 report for
 * failed recipients and deliver it (smarthost via libcurl SMTP, or outbox).
 */
#ifndef SMSRELAY_BOUNCE_H
#define SMSRELAY_BOUNCE_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"
#include "smtpd/queue/queue.h"

struct bounce;

struct bounce	*bounce_new(const struct conf *, struct event_base *, char *err, size_t);
/* bounce_compose - the DSN for recipients idx[0..n) of msg, CRLF lines */
char		*bounce_compose(const struct conf *, const struct qmsg *,
		    const uint32_t *idx, size_t n, int64_t now, size_t *lenp);
int		 bounce_has_capacity(const struct bounce *);
/* bounce_send - deliver a queued DSN (kind MSG_DSN) to its recipient */
int		 bounce_send(struct bounce *, const struct qmsg *, sms_done_cb, void *);
void		 bounce_free(struct bounce *);

#endif
