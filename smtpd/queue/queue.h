/*
 * queue.h - accepted messages between spool and backends: per-recipient
 * state, dispatch, retry with backoff, expiry, bounces, admin views.
 */
#ifndef SMSRELAY_QUEUE_H
#define SMSRELAY_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "smtpd/queue/message.h"
#include "smtpd/queue/spool.h"

#define QID_LEN	16

struct qmsg;

/* a recipient as the queue schedules it; its status is msg->status[index] */
struct qrcpt {
	struct qmsg		*msg;
	uint32_t		 index;
	struct rcpt_status	*st;
	TAILQ_ENTRY(qrcpt)	 ready;
	int			 on_ready;
};

struct qmsg {
	uint64_t		 id;
	char			 idstr[QID_LEN + 1];
	struct queue		*q;
	struct message		*msg;		/* immutable, one allocation */
	struct rcpt_status	*status;	/* msg->nrcpts of them */
	struct qrcpt		*rcpts;
	struct spool_loc	 loc;
	struct event		*timer;
	unsigned		 in_flight;
	int			 committed;	/* the 250 was given */
	int			 owes_dsn;	/* on the queue's owed list */
	TAILQ_ENTRY(qmsg)	 entry;
	TAILQ_ENTRY(qmsg)	 owed;
	struct qmsg		*hnext;		/* id hash chain */
};

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
void		 queue_list(struct queue *, struct evbuffer *);
int		 queue_show(struct queue *, const char *idstr, struct evbuffer *);
size_t		 queue_size(const struct queue *);
/* queue_drain - stop dispatching; cb once nothing is in flight or committing */
void		 queue_drain(struct queue *, void (*cb)(void *), void *arg);
void		 queue_free(struct queue *);

#endif
