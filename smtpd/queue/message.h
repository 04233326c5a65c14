/*
 * message.h - one description of a message (what the session hands over,
 * what the queue keeps, what record.c journals) and its recipients' status.
 */
#ifndef SMSRELAY_MESSAGE_H
#define SMSRELAY_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "sms/transport/backend.h"

/* a queue id: 16 upper-case hex digits, increasing with time */
#define QID_LEN		16

/* qid_format - id as its QID_LEN digits and a NUL */
void	 qid_format(char out[QID_LEN + 1], uint64_t id);
/* qid_parse - the id whose QID_LEN hex digits s starts with; -1 if none */
int	 qid_parse(const char *s, uint64_t *id);

/* what a message is; each kind goes out through its own transport */
enum msg_kind { MSG_SMS = 0, MSG_DSN = 1 };
#define MSG_KINDS	2

struct message_rcpt {
	const char	*addr;		/* RCPT TO as given */
	const char	*to;		/* E.164, or a DSN's mail address */
	const char	*orcpt;		/* NULL if none */
	uint8_t		 notify;	/* SMTP_NOTIFY_*, 0 when absent */
};

/*
 * The immutable part of a message. Optional strings (envid, sender_id, a
 * recipient's orcpt) are NULL when absent; the others are never NULL in a
 * copy. raw (the mail as received) is journaled and never kept in memory.
 */
struct message {
	enum msg_kind	 kind;
	int64_t		 arrival;
	const char	*sender;	/* "" for <> */
	const char	*client;
	const char	*helo;
	const char	*envid;
	uint8_t		 ret;
	const char	*sender_id;
	const char	*text;		/* SMS text, or the whole DSN mail */
	uint32_t	 parts;
	uint8_t		 encoding;
	const char	*headers;	/* the original header block */
	size_t		 headers_len;
	const char	*raw;
	size_t		 raw_len;
	int64_t		 not_before;	/* [JOBPERIOD:], 0: at once */
	uint32_t	 lifetime;	/* [VALIDITY:], 0: queue.lifetime */
	/* quiet hours in the recipient's time, sms/lib/quiet.h; NULL: none */
	const char	*quiet;
	const struct message_rcpt *rcpts;
	uint32_t	 nrcpts;
	uint8_t		 priority;	/* enum sms_priority */
	const char	*user;		/* the AUTH user; NULL if none */
};

/*
 * Building a message in one allocation: a fill function is called twice
 * with the same source, first to count (message_space_str and _rcpts
 * return placeholders), then to copy into the allocated space.
 */
struct message_space {
	int			 counting;
	size_t			 need;		/* string bytes */
	char			*strings;
	struct message_rcpt	*rcpts;
	uint32_t		 nrcpts;
};

/* fill - describe src into m through sp; -1 if src is malformed */
typedef int (*message_fill)(const void *src, struct message *m,
	    struct message_space *sp);

/* message_build - the message fill describes, one free(); NULL: errno */
struct message	*message_build(message_fill, const void *src);
/* message_space_str - s[0..n) as a C string; optional: "" is NULL */
const char	*message_space_str(struct message_space *, const char *s,
		    size_t n, int optional);
/* message_space_rcpts - room for n recipients; NULL while counting */
struct message_rcpt *message_space_rcpts(struct message_space *, uint32_t n);
/*
 * message_id_of - the Message-ID: field of a header block without its <>,
 * into out[size]; 0 when there is none (or it does not fit)
 */
int		 message_id_of(const char *headers, size_t len, char *out,
		    size_t size);
/* message_copy - a copy of m without raw, in one allocation (free()) */
struct message	*message_copy(const struct message *);

/* a recipient's journaled state; the values are in the journal */
enum rcpt_state {
	RCPT_QUEUED = 0,	/* waiting for its turn */
	RCPT_SENDING,		/* handed to the backend, no answer yet */
	RCPT_SENT,		/* final: accepted by the provider */
	RCPT_DEFERRED,		/* temporary failure, next_try set */
	RCPT_FAILED,		/* final: permanent failure, DSN owed */
	RCPT_BOUNCED,		/* final: failed and the DSN is queued */
	RCPT_REPORT_OWED,	/* sent; NOTIFY=SUCCESS asks for a DSN */
	RCPT_WAITING,		/* sent; the handset report is awaited */
	RCPT_DELAY_OWED,	/* waiting; NOTIFY=DELAY asks for a DSN */
	RCPT_DELAYED,		/* waiting; the delay DSN is queued */
	RCPT_HELD,		/* quiet hours: next_try is when they end */
};
#define RCPT_STATE_LAST	RCPT_HELD

/* one part of a sent SMS as the provider named it, and its latest report */
struct rcpt_part {
	char		*id;
	enum sms_report	 report;
};

/* one step of a recipient's life after the provider took it */
struct rcpt_event {
	enum sms_report	 report;
	int64_t		 when;		/* as the report says */
	uint32_t	 part;
	char		*status;	/* the provider's words, or NULL */
};

/* what happened to one recipient so far */
struct rcpt_status {
	enum rcpt_state	 state;
	uint32_t	 attempts;
	int64_t		 next_try;
	int64_t		 last_try;	/* when the last answer came */
	char		*provider_id;
	char		*reason;
	char		 status[8];	/* enhanced status of a failure */
	enum sms_report	 report;	/* the provider's latest delivery report */
	int64_t		 report_time;	/* when the report says it happened */
	char		*report_status;	/* the report in the provider's words */
	int64_t		 sent_at;	/* when the provider took it; 0: not yet */
	char		*backend;	/* the backend that took it, or NULL */
	struct rcpt_part *parts;	/* the provider's id of each part */
	uint32_t	 nparts;
	struct rcpt_event *events;	/* every report, in arrival order */
	uint32_t	 nevents;
};

const char	*rcpt_state_name(enum rcpt_state);
/* rcpt_status_clear - free what the status holds */
void		 rcpt_status_clear(struct rcpt_status *);
/* rcpt_parts_clear - forget the part ids (the status keeps the rest) */
void		 rcpt_parts_clear(struct rcpt_status *);
/*
 * rcpt_event_add - append a report to the timeline; -1 without memory.
 * status may be NULL, n its length.
 */
int		 rcpt_event_add(struct rcpt_status *, enum sms_report,
		    int64_t when, uint32_t part, const char *status, size_t n);

#endif
