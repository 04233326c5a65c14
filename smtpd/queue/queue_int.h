/*
 * queue_int.h - what queue.c and active_set.c share inside smtpd/queue/: the
 * queue, its messages and recipients, and the functions each lends the other.
 */
#ifndef SMSRELAY_QUEUE_INT_H
#define SMSRELAY_QUEUE_INT_H

#include <stdint.h>
#include <sys/queue.h>
#include <event2/event.h>

#include "sms/lib/clock.h"
#include "smtpd/queue/hash.h"
#include "smtpd/queue/held.h"
#include "smtpd/queue/message.h"
#include "smtpd/queue/queue.h"
#include "smtpd/queue/spool.h"

#define QUEUE_GAUGES	5	/* the metrics' queue states: queue.c's gauges */

TAILQ_HEAD(rcptq, qrcpt);

/* a recipient as the queue schedules it; its status is msg->status[index] */
struct qrcpt {
	struct qmsg		*msg;
	uint32_t		 index;
	struct rcpt_status	*st;
	TAILQ_ENTRY(qrcpt)	 ready;
	struct rcptq		*line;		/* the ready line it is on */
	int			 on_ready;
	uint64_t		 submitted_us;	/* handed to the transport */
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
	int			 parked;	/* only retries left: not counted */
	uint32_t		 counted[QUEUE_GAUGES];	/* in the gauges */
	TAILQ_ENTRY(qmsg)	 entry;
	TAILQ_ENTRY(qmsg)	 owed;
	struct hash_entry	 by_id;
};

TAILQ_HEAD(msgq, qmsg);

struct queue {
	struct event_base	*base;
	const struct conf	*conf;
	struct spool		*spool;
	struct backend		*transport[MSG_KINDS];
	struct msgq		 msgs;
	struct hash		 ids;		/* the messages by id */
	struct report_map	*reports;	/* recipients by provider id */
	struct msgq		 owed;		/* failed recipients, no DSN yet */
	struct rcptq		 ready[2];	/* [1]: express, fed first */
	struct event		*pump_ev;
	struct event		*bounce_ev;	/* DSNs owed, coalesced per tick */
	uint64_t		 last_id;
	struct held		 held;		/* messages kept on disk, by release */
	struct event		*held_ev;	/* the first of them is due */
	size_t			 loading;	/* held ones being read back */
	size_t			 parked;	/* messages only waiting for a retry */
	int64_t			 load_again;	/* after a failed read, not before */
	uint32_t		 stubs_moved;	/* the segment whose stubs moved last */
	size_t			 peak;		/* messages known at most, since a trim */
	struct event		*trim_ev;	/* give freed memory back */
	struct message		*peek;		/* a held message shown to the admin */
	struct rcpt_status	*peek_status;
	char			 peek_idstr[QID_LEN + 1];
	int			 draining;
	unsigned		 committing;
	void			(*drained)(void *);
	void			*drained_arg;
};

/* now_sec - the calendar clock, which tests may move (sms/lib/clock.h) */
static inline int64_t
now_sec(void)
{
	return clock_now();
}

/* queue.c: the active messages */
struct qmsg	*msg_new(struct queue *, uint64_t, struct message *);
void		 msg_insert(struct queue *, struct qmsg *);
void		 msg_remove(struct queue *, struct qmsg *);
struct qmsg	*msg_find(const struct queue *, uint64_t);
void		 msg_start(struct queue *, struct qmsg *);
void		 check_drained(struct queue *);

/* active_set.c: the bound on them, and the messages held on disk */
void		 note_size(struct queue *);
void		 queue_trim(evutil_socket_t, short, void *);
int		 msg_hold(struct queue *, struct qmsg *);
void		 msg_park(struct qmsg *);
void		 held_arm(struct queue *);
void		 held_due(evutil_socket_t, short, void *);
struct held_stub *held_find_idstr(const struct queue *, const char *);
int		 held_delete(struct queue *, const char *);
void		 held_relocate(struct queue *, uint32_t);
void		 held_pin(struct queue *);
void		 peek_clear(struct queue *);
int		 held_view(struct queue *, const struct held_stub *,
		    struct queue_view *);
int		 replay_held(void *, const uint8_t *, size_t,
		    const struct spool_loc *);
struct qmsg	*replay_unhold(struct queue *, uint64_t);

#endif
