/*
 * queue.h - accepted messages between spool and transports: per-recipient
 * state, dispatch, retry, DSNs, and read-only views for the admin.
 */
#ifndef SMSRELAY_QUEUE_H
#define SMSRELAY_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "smtpd/queue/message.h"

struct queue;

/*
 * error is 0 once the message is durable: only then may the server say 250;
 * else an errno, ENOSPC or EDQUOT when the spool is full.
 */
typedef void (*queue_accept_cb)(void *arg, int error);

struct queue	*queue_new(struct event_base *, const struct conf *, char *err, size_t);
void		 queue_set_conf(struct queue *, const struct conf *);
/*
 * queue_submit - journal and commit a message; its id is written to idstr.
 * -1 with errno when refused at once: ENOSPC while the spool is full.
 */
int		 queue_submit(struct queue *, const struct message *, queue_accept_cb,
		    void *arg, char idstr[QID_LEN + 1]);
void		 queue_flush(struct queue *);
int		 queue_delete(struct queue *, const char *idstr);
size_t		 queue_size(const struct queue *);
/* queue_backends - up to max states of the SMS backends (see backend.h) */
size_t		 queue_backends(struct queue *, struct backend_status *,
		    size_t max);
/*
 * queue_report - the report channel: a provider says what became of an SMS
 * it took, naming it by its message id (matched case-folded) or by our
 * client reference (ID.N). The recipient's report state, time and the
 * provider's words are journaled. -1 with errno ENOENT when no queued
 * recipient is known by that id, EINVAL for SMS_REPORT_NONE.
 */
int		 queue_report(struct queue *, const char *id, enum sms_report,
		    int64_t when, const char *raw_status);
/*
 * queue_set_inbound - messages subscribers send through the SMS backends
 * (an SMPP deliver_sm that is no receipt) go to cb, on the queue's loop
 */
void		 queue_set_inbound(struct queue *, sms_inbound_cb, void *arg);
/* queue_drain - stop dispatching; cb once nothing is in flight or committing */
void		 queue_drain(struct queue *, void (*cb)(void *), void *arg);
void		 queue_free(struct queue *);

/*
 * A read-only look at one queued message for the admin views and the DSN
 * composer; valid until the loop runs again.
 */
struct queue_view {
	const char			*idstr;
	const struct message		*msg;
	const struct rcpt_status	*rcpts;		/* msg->nrcpts */
};

struct qmsg;

/* walks the queue in arrival order; the queue must not change meanwhile */
struct queue_iter {
	const struct qmsg	*next;
};

void		 queue_iter_start(const struct queue *, struct queue_iter *);
/* queue_iter_next - 1 and the next message's view, or 0 at the end */
int		 queue_iter_next(struct queue_iter *, struct queue_view *);
/*
 * queue_find - the view of the message whose id is idstr; -1 if none. A
 * message held on disk is read back for it (a pread: for the admin only).
 */
int		 queue_find(struct queue *, const char *idstr,
		    struct queue_view *);

/*
 * The messages held on disk, not in memory (due later, or beyond
 * queue.active_limit); the iterator above does not see them.
 */
size_t		 queue_held_count(const struct queue *);
/* queue_held_at - the i-th held message's id and release, in no order */
void		 queue_held_at(const struct queue *, size_t i,
		    char idstr[QID_LEN + 1], int64_t *release);
/* queue_held_view - the i-th held message read back, as queue_find */
int		 queue_held_view(struct queue *, size_t i, struct queue_view *);
/*
 * queue_held_by_message_id - the ids of up to max held messages whose
 * Message-ID (without <>) is msgid; how many there are in all. A 32-bit
 * hash in memory picks the candidates, their records (read back, as for
 * queue_find) confirm them.
 */
size_t		 queue_held_by_message_id(struct queue *,
		    const char *msgid, char (*ids)[QID_LEN + 1], size_t max);

#endif
