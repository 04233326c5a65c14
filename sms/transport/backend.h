/*
 * backend.h - the one interface every SMS backend offers the queue: submit
 * an SMS, learn asynchronously whether it was sent, deferred or refused.
 */
#ifndef SMSRELAY_BACKEND_H
#define SMSRELAY_BACKEND_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "conf/conf.h"
#include "sms/transport/backend_link.h"

struct sms {
	const char	*ref;		/* queue id + recipient index: client reference */
	const char	*to;		/* E.164 */
	const char	*from;		/* sender id; NULL: backend default */
	const char	*text;		/* UTF-8 */
	unsigned	 parts;
	const char	*encoding;	/* "GSM-7" / "UCS-2" */
	int		 want_report;	/* ask the provider for delivery reports */
	const char	*sender;	/* envelope sender, for routes; may be NULL */
	uint8_t		 priority;	/* enum sms_priority */
};

/*
 * how urgently an SMS goes: express ones go ahead of bulk waiting for the
 * same backend (never ahead of the same sender's to the same number); the
 * values are journaled
 */
enum sms_priority { SMS_PRIORITY_BULK = 0, SMS_PRIORITY_EXPRESS = 1 };

/*
 * sms_strings_size, sms_copy - an SMS that outlives the caller's: the bytes
 * its strings need, then dst as src with the strings placed in space (that
 * many bytes, usually the tail of the holder's own allocation)
 */
size_t		 sms_strings_size(const struct sms *);
void		 sms_copy(struct sms *dst, const struct sms *src, char *space);

/*
 * How a provider answered an SMS. Permanent: SMS_PERMFAIL (5.0.0),
 * SMS_BADNUMBER (the number cannot receive SMS: invalid, unreachable, not
 * a mobile; 5.1.1), SMS_BLOCKED (blocked, opted out, barred; 5.7.1).
 * SMS_TEMPFAIL may succeed later or through another backend.
 * SMS_THROTTLED: the provider wants fewer (HTTP 429, ESME_RTHROTTLED): the
 * backend pauses, the SMS keeps its place and is charged no attempt.
 */
enum sms_result { SMS_SENT, SMS_TEMPFAIL, SMS_PERMFAIL, SMS_BADNUMBER,
	SMS_BLOCKED, SMS_THROTTLED };

/* sms_result_name - "sent", "tempfail", ... for logs */
const char	*sms_result_name(enum sms_result);

/*
 * The answer, valid only during the callback. provider_id is set on
 * SMS_SENT when the provider gave one; a provider that gives one id per
 * part (SMPP: a submit_sm each) lists them all in part_ids, the first
 * being provider_id. reason is a short human sentence on anything else.
 * retry_after: SMS_THROTTLED, the seconds the provider asked for, 0 if it
 * did not say. backend: the configured name of the backend that answered
 * (the router sets it; a concrete backend leaves it NULL).
 */
struct sms_outcome {
	enum sms_result	 result;
	const char	*provider_id;
	const char *const *part_ids;
	size_t		 npart_ids;
	const char	*reason;
	unsigned	 retry_after;
	const char	*backend;
};

/*
 * What a provider's delivery report says of an SMS it took: still on its
 * way, or a final state. Reports reach the queue by the provider's message
 * id or by the client reference (queue_report).
 */
enum sms_report {
	SMS_REPORT_NONE = 0,	/* no report came */
	SMS_REPORT_ENROUTE,	/* with the carrier, not final */
	SMS_REPORT_DELIVERED,	/* on the handset */
	SMS_REPORT_EXPIRED,	/* the carrier gave up */
	SMS_REPORT_UNDELIVERABLE, /* unknown or unreachable subscriber */
	SMS_REPORT_REJECTED,	/* blocked, opted out, filtered */
	SMS_REPORT_UNKNOWN,	/* final, but the provider does not know how */
};
#define SMS_REPORT_LAST	SMS_REPORT_UNKNOWN

/* sms_report_name - "delivered", ... for logs and smsrelayctl */
const char	*sms_report_name(enum sms_report);

/*
 * Called exactly once per accepted submit, always from the event loop and
 * never from inside backend_submit.
 */
typedef void (*sms_done_cb)(void *arg, const struct sms_outcome *);

/* a result kept past its callback: parked for the loop, or across threads */
struct sms_kept {
	enum sms_result	 result;
	char		*provider_id;
	char		**part_ids;
	size_t		 npart_ids;
	char		*reason;
	unsigned	 retry_after;
};

/* sms_kept_set - copy an outcome (a reason survives no memory, ids may not) */
void		 sms_kept_set(struct sms_kept *, const struct sms_outcome *);
/* sms_kept_fail - keep a failure of this kind with this reason */
void		 sms_kept_fail(struct sms_kept *, enum sms_result,
		    const char *reason);
/* sms_kept_report - hand the kept result to cb, then free its strings */
void		 sms_kept_report(struct sms_kept *, sms_done_cb, void *);
/* sms_kept_clear - free the kept strings */
void		 sms_kept_clear(struct sms_kept *);

/*
 * A delivery report a backend learned of (an SMPP deliver_sm receipt, later
 * a provider's callback): the provider's id of the SMS, what it says, when
 * (seconds since the epoch; 0: now) and in the provider's own words
 * ("stat:DELIVRD err:000"). Valid only during the callback.
 */
struct sms_delivery_report {
	const char	*provider_id;
	enum sms_report	 state;
	int64_t		 when;
	const char	*raw;
};

typedef void (*sms_report_cb)(void *arg, const struct sms_delivery_report *);

/*
 * A message a subscriber sent (an SMPP deliver_sm that is no receipt): its
 * sender ("+49...") and text. Valid only during the callback.
 */
struct sms_inbound {
	const char	*from;
	const char	*text;
};

typedef void (*sms_inbound_cb)(void *arg, const struct sms_inbound *);

struct backend;

/* what `smsrelayctl backends` shows of one backend */
enum backend_state { BACKEND_UP, BACKEND_DOWN, BACKEND_PROBING,
	BACKEND_THROTTLED };

struct backend_status {
	const char		*name;		/* from the configuration */
	const char		*type;		/* "http", "outbox", ... */
	enum backend_state	 state;
	int64_t			 until;		/* DOWN, THROTTLED: epoch seconds */
	size_t			 in_flight;	/* at the provider */
	size_t			 waiting;	/* in line for it */
	unsigned		 rate;		/* configured parts/s; 0: none */
	unsigned		 parts_minute;	/* parts sent in the last minute */
	unsigned		 failures;	/* temporary failures in a row */
	struct backend_link_view link;		/* the session, if it has one */
};

/* backend_state_name - "up", "down", ... */
const char	*backend_state_name(enum backend_state);

struct backend_ops {
	const char	*name;
	int		(*submit)(struct backend *, const struct sms *, sms_done_cb, void *);
	void		(*free)(struct backend *);
	/* optional: a wrapper hears whether reports are wanted now */
	void		(*reporter_set)(struct backend *, int on);
	int		 reports;	/* may learn of delivery reports */
	/* optional: the state of the backends behind this one, up to max */
	size_t		(*status)(struct backend *, struct backend_status *,
			    size_t max);
	/*
	 * optional: end gracefully before free (run by the backend's thread
	 * when the daemon stops): take no new SMS, let those at the provider
	 * be answered and say goodbye (SMPP: the window drains, then unbind),
	 * each wait bounded by the backend's own deadlines; then done(arg),
	 * from the loop. free follows; what is still held fails temporarily.
	 */
	void		(*close)(struct backend *, void (*done)(void *),
			    void *arg);
	/* optional: a wrapper hears whether inbound messages are wanted */
	void		(*inbound_set)(struct backend *, int on);
	/* keeps a session (SMPP): publishes its state through backend.link */
	int		 has_link;
};

struct submission;

struct backend {
	const struct backend_ops *ops;
	struct event_base	*base;
	size_t			 in_flight;
	size_t			 max_in_flight;
	LIST_HEAD(, submission)	 parked;	/* results known during submit */
	sms_report_cb		 report_cb;	/* delivery reports go here */
	void			*report_arg;
	sms_inbound_cb		 inbound_cb;	/* subscribers' messages */
	void			*inbound_arg;
	/*
	 * the session's state, or NULL if none: owned by the thread wrapper
	 * (backend_thread.c), set in both it and its inner backend before the
	 * thread starts; the inner one writes, the router reads
	 */
	struct backend_link	*link;
};

/*
 * backend_new - the backend of conf->backend, running on a thread of its own
 * and used from base; NULL with a message in err.
 */
struct backend	*backend_new(const struct conf *, struct event_base *, char *err, size_t);
/* backend_submit - 0 if accepted (cb will follow), -1 if not (at capacity). */
int		 backend_submit(struct backend *, const struct sms *, sms_done_cb, void *);
int		 backend_has_capacity(const struct backend *);
void		 backend_free(struct backend *);
/* backend_status - up to max states of the backends behind b; 0 if none */
size_t		 backend_status(struct backend *, struct backend_status *,
		    size_t max);
/*
 * backend_set_reporter - delivery reports of b go to cb, on the loop b is
 * used from; backend_report - a concrete backend hands one on (dropped,
 * with a debug line, while nobody listens).
 */
void		 backend_set_reporter(struct backend *, sms_report_cb, void *);
void		 backend_report(struct backend *, const struct sms_delivery_report *);
/*
 * backend_set_inbound - subscribers' messages to b go to cb, on the loop b
 * is used from; backend_inbound - a concrete backend hands one on (dropped
 * while nobody listens).
 */
void		 backend_set_inbound(struct backend *, sms_inbound_cb, void *);
void		 backend_inbound(struct backend *, const struct sms_inbound *);

/*
 * backend_dsn_new - the transport of DSNs: each submit is a mail (to: its
 * recipient, text: the whole message, sent from <>). Through the smarthost
 * of conf->bounce on base, or without one appended to conf->backend.path
 * (durable before its result) on a thread of its own. No provider id.
 */
struct backend	*backend_dsn_new(const struct conf *, struct event_base *,
		    char *err, size_t);
/* DSNs go this many at a time, whichever way */
#define BACKEND_DSN_MAX_IN_FLIGHT	8

/* constructors of the concrete backends, used by backend_new and _dsn_new */
struct backend	*outbox_backend_new(const struct conf *,
		    const struct backend_conf *, struct event_base *, char *,
		    size_t);
struct backend	*outbox_dsn_backend_new(const struct conf *, struct event_base *, char *, size_t);
struct backend	*http_backend_new(const struct conf *,
		    const struct backend_conf *, struct event_base *, char *,
		    size_t);
/* smpp_backend_new - an SMSC client (sms/transport/smpp/client.c) */
struct backend	*smpp_backend_new(const struct conf *,
		    const struct backend_conf *, struct event_base *, char *,
		    size_t);
struct backend	*smarthost_backend_new(const struct conf *, struct event_base *, char *, size_t);
/*
 * router_new - the backends of conf, each on a thread of its own, behind one
 * backend on base that routes, limits their rate and fails over
 * (sms/transport/route/router.c)
 */
struct backend	*router_new(const struct conf *, struct event_base *, char *,
		    size_t);
/* backend_on_thread - the concrete backend of bc, on a thread and loop */
struct backend	*backend_on_thread(const struct conf *,
		    const struct backend_conf *, struct event_base *, char *,
		    size_t);
/* backend_thread_new - run a backend made on tbase on a thread; owns both. */
struct backend	*backend_thread_new(struct backend *, struct event_base *tbase,
		    struct event_base *base, char *, size_t);

#endif
