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
#include "smtpd/queue/spool.h"

#define QID_LEN	16

enum qmsg_kind { QMSG_SMS = 0, QMSG_DSN = 1 };

enum rcpt_state {
	RCPT_QUEUED = 0,	/* waiting for its turn */
	RCPT_SENDING,		/* handed to the backend, no answer yet */
	RCPT_SENT,		/* final: accepted by the provider */
	RCPT_DEFERRED,		/* temporary failure, next_try set */
	RCPT_FAILED,		/* final: permanent failure, DSN owed */
	RCPT_BOUNCED,		/* final: failed and the DSN is queued */
	RCPT_REPORT_OWED,	/* sent; NOTIFY=SUCCESS asks for a DSN */
};

struct qmsg;

struct qrcpt {
	struct qmsg		*msg;
	uint32_t		 index;
	char			*addr;		/* RCPT TO as given */
	char			*to;		/* E.164, or mail address for a DSN */
	char			*orcpt;
	uint8_t			 notify;
	enum rcpt_state		 state;
	uint32_t		 attempts;
	int64_t			 next_try;
	int64_t			 last_try;
	char			*provider_id;
	char			*reason;
	char			 status[8];	/* enhanced status of a failure */
	TAILQ_ENTRY(qrcpt)	 ready;
	int			 on_ready;
};

struct qmsg {
	uint64_t		 id;
	char			 idstr[QID_LEN + 1];
	enum qmsg_kind		 kind;
	int64_t			 arrival;
	char			*sender;	/* "" for <> */
	char			*client;
	char			*helo;
	char			*envid;
	uint8_t			 ret;
	char			*sender_id;
	char			*text;		/* SMS text, or the DSN message */
	uint32_t		 parts;
	uint8_t			 encoding;
	char			*headers;
	size_t			 headers_len;
	int64_t			 not_before;	/* scheduled send time, 0: at once */
	uint32_t		 lifetime;	/* 0: queue.lifetime */
	struct qrcpt		*rcpts;
	uint32_t		 nrcpts;
	struct spool_loc	 loc;
	struct event		*timer;
	unsigned		 in_flight;
	int			 committed;	/* the 250 was given */
	int			 owes_dsn;	/* on the queue's owed list */
	TAILQ_ENTRY(qmsg)	 entry;
	TAILQ_ENTRY(qmsg)	 owed;
	struct qmsg		*hnext;		/* id hash chain */
};

/* What the session hands over at the end of DATA. */
struct qsubmit_rcpt {
	const char		*addr;
	const char		*to;
	const char		*orcpt;
	uint8_t			 notify;
};

struct qsubmit {
	const char		*sender;
	const char		*client;
	const char		*helo;
	const char		*envid;
	uint8_t			 ret;
	const char		*sender_id;
	const char		*text;
	uint32_t		 parts;
	uint8_t			 encoding;
	const char		*headers;
	size_t			 headers_len;
	const char		*raw;
	size_t			 raw_len;
	int64_t			 not_before;	/* [JOBPERIOD:] */
	uint32_t		 lifetime;	/* [VALIDITY:], seconds */
	const struct qsubmit_rcpt *rcpts;
	uint32_t		 nrcpts;
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
int		 queue_submit(struct queue *, const struct qsubmit *, queue_accept_cb,
		    void *arg, char idstr[QID_LEN + 1]);
void		 queue_flush(struct queue *);
int		 queue_delete(struct queue *, const char *idstr);
void		 queue_list(struct queue *, struct evbuffer *);
int		 queue_show(struct queue *, const char *idstr, struct evbuffer *);
size_t		 queue_size(const struct queue *);
/* queue_drain - stop dispatching; cb once nothing is in flight or committing */
void		 queue_drain(struct queue *, void (*cb)(void *), void *arg);
void		 queue_free(struct queue *);

const char	*rcpt_state_name(enum rcpt_state);

#endif
