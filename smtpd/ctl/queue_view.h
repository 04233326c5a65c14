/*
 * queue_view.h - what smsrelayctl queue and show print, made from the
 * queue's read-only views (and which messages a Message-ID names); the
 * control socket sends it.
 */
#ifndef SMSRELAY_QUEUE_VIEW_H
#define SMSRELAY_QUEUE_VIEW_H

#include <stdint.h>
#include <event2/buffer.h>

#include "smtpd/queue/queue.h"

/* ctl_queue_list - one line per message, its recipients indented */
void	ctl_queue_list(const struct queue *, int64_t now, struct evbuffer *);
/* ctl_queue_show - everything known about one message; -1 if none */
int	ctl_queue_show(struct queue *, const char *idstr, int64_t now,
	    struct evbuffer *);

/*
 * ctl_queue_scheduled - one line per message held for a later release:
 * id, release time (UTC, and in how long), recipients, sender, Message-ID;
 * those held in the spool are read back for it (the first 1000; the rest
 * show id and release only)
 */
void	ctl_queue_scheduled(struct queue *, int64_t now,
	    struct evbuffer *);

/*
 * ctl_queue_by_message_id - the ids of up to max messages whose
 * Message-ID: is msgid (angle brackets optional on either side), into
 * ids; how many there are in all (more than max: the rest not written)
 */
size_t	ctl_queue_by_message_id(struct queue *, const char *msgid,
	    char (*ids)[QID_LEN + 1], size_t max);

#endif
