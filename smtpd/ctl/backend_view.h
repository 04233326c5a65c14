/*
 * backend_view.h - what smsrelayctl backends prints: one line per backend
 * with its state, load, rate and failures; the control socket sends it.
 */
#ifndef SMSRELAY_BACKEND_VIEW_H
#define SMSRELAY_BACKEND_VIEW_H

#include <stdint.h>
#include <event2/buffer.h>

#include "smtpd/queue/queue.h"

/* ctl_backends - a header, then one line per backend of q's SMS transport */
void	ctl_backends(struct queue *, int64_t now, struct evbuffer *);

#endif
