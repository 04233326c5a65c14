/*
 * backend.h - the one interface every SMS backend offers the queue: submit
 * an SMS, learn asynchronously whether it was sent, deferred or refused.
 */
#ifndef SMSRELAY_BACKEND_H
#define SMSRELAY_BACKEND_H

#include <sys/queue.h>
#include <stddef.h>
#include <event2/event.h>

#include "conf/conf.h"

struct sms {
	const char	*ref;		/* queue id + recipient index: client reference */
	const char	*to;		/* E.164 */
	const char	*from;		/* sender id; NULL: backend default */
	const char	*text;		/* UTF-8 */
	unsigned	 parts;
	const char	*encoding;	/* "GSM-7" / "UCS-2" */
};

/*
 * SMS_BADNUMBER is a permanent failure in which the provider says the number
 * cannot receive SMS (invalid, unreachable, not a mobile): the DSN says 5.1.1.
 */
enum sms_result { SMS_SENT, SMS_TEMPFAIL, SMS_PERMFAIL, SMS_BADNUMBER };

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
 * never from inside backend_submit. provider_id is set on SMS_SENT when the
 * provider gave one; reason is a short human sentence on failures. Both
 * strings are only valid during the call.
 */
typedef void (*sms_done_cb)(void *arg, enum sms_result, const char *provider_id,
	    const char *reason);

/* a result kept past its callback: parked for the loop, or across threads */
struct sms_kept {
	enum sms_result	 result;
	char		*provider_id;
	char		*reason;
};

/* sms_kept_set - copy a callback's result (a reason survives no memory) */
void		 sms_kept_set(struct sms_kept *, enum sms_result,
		    const char *provider_id, const char *reason);
/* sms_kept_report - hand the kept result to cb, then free its strings */
void		 sms_kept_report(struct sms_kept *, sms_done_cb, void *);
/* sms_kept_clear - free the kept strings */
void		 sms_kept_clear(struct sms_kept *);

struct backend;

struct backend_ops {
	const char	*name;
	int		(*submit)(struct backend *, const struct sms *, sms_done_cb, void *);
	void		(*free)(struct backend *);
};

struct submission;

struct backend {
	const struct backend_ops *ops;
	struct event_base	*base;
	size_t			 in_flight;
	size_t			 max_in_flight;
	LIST_HEAD(, submission)	 parked;	/* results known during submit */
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
struct backend	*outbox_backend_new(const struct conf *, struct event_base *, char *, size_t);
struct backend	*outbox_dsn_backend_new(const struct conf *, struct event_base *, char *, size_t);
struct backend	*http_backend_new(const struct conf *, struct event_base *, char *, size_t);
struct backend	*smarthost_backend_new(const struct conf *, struct event_base *, char *, size_t);
/* backend_thread_new - run a backend made on tbase on a thread; owns both. */
struct backend	*backend_thread_new(struct backend *, struct event_base *tbase,
		    struct event_base *base, char *, size_t);

#endif
