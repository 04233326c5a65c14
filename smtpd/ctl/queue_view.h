/*
 * queue_view.h - what smsrelayctl queue and show print, made from the
 * queue's read-only views; the control socket sends it.
 */
#ifndef SMSRELAY_QUEUE_VIEW_H
#define SMSRELAY_QUEUE_VIEW_H

#include <stdint.h>
#include <event2/buffer.h>

#include "smtpd/queue/queue.h"

/* ctl_queue_list - one line per message, its recipients indented */
void	ctl_queue_list(const struct queue *, int64_t now, struct evbuffer *);
/* ctl_queue_show - everything known about one message; -1 if none */
int	ctl_queue_show(const struct queue *, const char *idstr, int64_t now,
	    struct evbuffer *);

#endif
