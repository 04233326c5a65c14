/*
 * stats.h - the daemon's counters, gauges and histograms: one fixed table of
 * metrics, updated from any thread without a lock, read one by one or all.
 */
#ifndef SMSRELAY_STATS_H
#define SMSRELAY_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The table: id, kind, buckets, name, label, help. Rows that share a name
 * are one metric with a label value each (Prometheus' model); they share
 * its kind and help. Histograms count into fixed buckets: LATENCY in
 * microseconds (the spool's fdatasync takes about 100 us, so whole
 * milliseconds would lump every commit together) and shown in seconds,
 * as Prometheus names units, SIZE in items (0 for
 * the journal's lazy batches, which nobody waits for).
 */
#define STATS_TABLE(M) \
	M(SESSIONS_PLAIN, COUNTER, NONE, "smsrelay_sessions_total", \
	    "listener=\"plain\"", "SMTP sessions accepted, by listener kind") \
	M(SESSIONS_STARTTLS, COUNTER, NONE, "smsrelay_sessions_total", \
	    "listener=\"starttls\"", "SMTP sessions accepted, by listener kind") \
	M(SESSIONS_IMPLICIT, COUNTER, NONE, "smsrelay_sessions_total", \
	    "listener=\"implicit\"", "SMTP sessions accepted, by listener kind") \
	M(SESSIONS_OPEN, GAUGE, NONE, "smsrelay_sessions_open", "", \
	    "SMTP sessions open now") \
	M(TLS_OK, COUNTER, NONE, "smsrelay_tls_handshakes_total", \
	    "result=\"ok\"", "TLS handshakes, by result") \
	M(TLS_FAILED, COUNTER, NONE, "smsrelay_tls_handshakes_total", \
	    "result=\"failed\"", "TLS handshakes, by result") \
	M(AUTH_OK, COUNTER, NONE, "smsrelay_auth_checks_total", \
	    "result=\"ok\"", "AUTH password checks, by result") \
	M(AUTH_FAILED, COUNTER, NONE, "smsrelay_auth_checks_total", \
	    "result=\"failed\"", "AUTH password checks, by result") \
	M(LIMIT_CLIENT_SESSIONS, COUNTER, NONE, "smsrelay_limit_refusals_total", \
	    "limit=\"sessions_per_client\"", \
	    "sessions ended at once by a limit (421), by limit") \
	M(LIMIT_SESSIONS, COUNTER, NONE, "smsrelay_limit_refusals_total", \
	    "limit=\"sessions\"", \
	    "sessions ended at once by a limit (421), by limit") \
	M(LIMIT_AUTH_FAILURES, COUNTER, NONE, "smsrelay_limit_refusals_total", \
	    "limit=\"auth_failures\"", \
	    "sessions ended at once by a limit (421), by limit") \
	M(MSG_ACCEPTED, COUNTER, NONE, "smsrelay_messages_accepted_total", \
	    "", "messages acknowledged with 250 (on stable storage)") \
	M(MSG_REFUSED_POLICY, COUNTER, NONE, \
	    "smsrelay_messages_refused_total", "reason=\"policy\"", \
	    "messages refused at the end of DATA, by reason") \
	M(MSG_REFUSED_LIMIT, COUNTER, NONE, \
	    "smsrelay_messages_refused_total", "reason=\"rate_limit\"", \
	    "messages refused at the end of DATA, by reason") \
	M(MSG_REFUSED_SIZE, COUNTER, NONE, \
	    "smsrelay_messages_refused_total", "reason=\"size\"", \
	    "messages refused at the end of DATA, by reason") \
	M(MSG_REFUSED_NO_TEXT, COUNTER, NONE, \
	    "smsrelay_messages_refused_total", "reason=\"no_text\"", \
	    "messages refused at the end of DATA, by reason") \
	M(MSG_REFUSED_STORAGE, COUNTER, NONE, \
	    "smsrelay_messages_refused_total", "reason=\"storage\"", \
	    "messages refused at the end of DATA, by reason") \
	M(PARTS_GSM7, COUNTER, NONE, "smsrelay_parts_total", \
	    "encoding=\"GSM-7\"", "SMS parts of accepted messages, by encoding") \
	M(PARTS_UCS2, COUNTER, NONE, "smsrelay_parts_total", \
	    "encoding=\"UCS-2\"", "SMS parts of accepted messages, by encoding") \
	M(RCPT_SENT, COUNTER, NONE, "smsrelay_recipients_total", \
	    "state=\"sent\"", "recipients that reached an end or a retry") \
	M(RCPT_DEFERRED, COUNTER, NONE, "smsrelay_recipients_total", \
	    "state=\"deferred\"", "recipients that reached an end or a retry") \
	M(RCPT_FAILED, COUNTER, NONE, "smsrelay_recipients_total", \
	    "state=\"failed\"", "recipients that reached an end or a retry") \
	M(RCPT_EXPIRED, COUNTER, NONE, "smsrelay_recipients_total", \
	    "state=\"expired\"", "recipients that reached an end or a retry") \
	M(RCPT_DELIVERED, COUNTER, NONE, "smsrelay_recipients_total", \
	    "state=\"delivered\"", "recipients that reached an end or a retry") \
	M(SPOOL_COMMIT_US, HISTOGRAM, LATENCY, "smsrelay_spool_commit_seconds", \
	    "", "journal batch write and fdatasync, seconds") \
	M(SPOOL_BATCH_WAITERS, HISTOGRAM, SIZE, \
	    "smsrelay_spool_batch_waiters", "", \
	    "messages awaiting their 250 that one journal batch answered") \
	M(BACKEND_IN_FLIGHT, GAUGE, NONE, "smsrelay_backend_in_flight", "", \
	    "SMS handed to the backend and not answered yet") \
	M(BACKEND_REQUEST_US, HISTOGRAM, LATENCY, \
	    "smsrelay_backend_request_seconds", "", \
	    "backend submit to answer, seconds") \
	M(RCPT_DUPLICATE, COUNTER, NONE, "smsrelay_duplicates_total", "", \
	    "recipients not sent again: a duplicate within the window") \
	M(RCPT_OPTED_OUT, COUNTER, NONE, "smsrelay_opted_out_total", "", \
	    "recipients refused at RCPT: the number opted out of SMS") \
	M(DSN_DELIVERED, COUNTER, NONE, "smsrelay_dsns_total", \
	    "kind=\"delivered\"", "DSNs queued to senders, by kind") \
	M(DSN_RELAYED, COUNTER, NONE, "smsrelay_dsns_total", \
	    "kind=\"relayed\"", "DSNs queued to senders, by kind") \
	M(DSN_DELAYED, COUNTER, NONE, "smsrelay_dsns_total", \
	    "kind=\"delayed\"", "DSNs queued to senders, by kind") \
	M(DSN_FAILED, COUNTER, NONE, "smsrelay_dsns_total", \
	    "kind=\"failed\"", "DSNs queued to senders, by kind") \
	M(QUEUE_QUEUED, GAUGE, NONE, "smsrelay_queue_recipients", \
	    "state=\"queued\"", "SMS recipients in the queue, by state") \
	M(QUEUE_DEFERRED, GAUGE, NONE, "smsrelay_queue_recipients", \
	    "state=\"deferred\"", "SMS recipients in the queue, by state") \
	M(QUEUE_SCHEDULED, GAUGE, NONE, "smsrelay_queue_recipients", \
	    "state=\"scheduled\"", "SMS recipients in the queue, by state") \
	M(QUEUE_HELD, GAUGE, NONE, "smsrelay_queue_recipients", \
	    "state=\"held\"", "SMS recipients in the queue, by state") \
	M(QUEUE_AWAITING_REPORT, GAUGE, NONE, "smsrelay_queue_recipients", \
	    "state=\"awaiting_report\"", "SMS recipients in the queue, by state")

#define STATS_ID(id, kind, buckets, name, label, help)	STAT_##id,
enum stat_id {
	STATS_TABLE(STATS_ID)
	STAT_COUNT
};
#undef STATS_ID

enum stat_kind { STAT_COUNTER, STAT_GAUGE, STAT_HISTOGRAM };

#define STATS_BUCKETS_MAX	18	/* the +Inf bucket included */

/*
 * Updates: relaxed atomics on storage of its own per metric, so threads
 * that feed different metrics never share a cache line. Any thread.
 */
/* stats_increment - a counter or gauge goes up by n */
void	 stats_increment(enum stat_id, uint64_t n);
/* stats_decrement - a gauge goes down by n */
void	 stats_decrement(enum stat_id, uint64_t n);
/* stats_set - a gauge's value */
void	 stats_set(enum stat_id, int64_t value);
/* stats_observe - one value into a histogram's bucket, and its sum */
void	 stats_observe(enum stat_id, uint64_t value);
/* stats_latency_bounds - the LATENCY buckets' bounds, n of them */
const uint64_t *stats_latency_bounds(size_t *n);
/* stats_now_us - a monotonic clock for the latency histograms */
uint64_t stats_now_us(void);

/* what one metric holds now */
struct stat_reading {
	enum stat_id	 id;
	enum stat_kind	 kind;
	const char	*name;
	const char	*label;		/* key="value", or "" */
	const char	*help;
	int64_t		 value;		/* counter, gauge; histogram: sum */
	/* histograms: counts[i] values <= bounds[i] (cumulative, as in
	 * Prometheus); the last bound is UINT64_MAX (+Inf), its count the
	 * number of observations */
	size_t		 nbuckets;
	const uint64_t	*bounds;
	int		 micros;	/* bounds and sum in us, shown in s */
	uint64_t	 counts[STATS_BUCKETS_MAX];
};

/*
 * stats_read - one metric. Each number is read atomically, not all of
 * them at one instant: a histogram's sum may be ahead of its buckets.
 */
void	 stats_read(enum stat_id, struct stat_reading *);
/* stats_value - a counter's or gauge's value, a histogram's sum */
int64_t	 stats_value(enum stat_id);

typedef void stats_visit_cb(const struct stat_reading *, void *arg);
/* stats_foreach - every metric in table order (rows of a name together) */
void	 stats_foreach(stats_visit_cb *cb, void *arg);

/* stats_reset - every value back to zero; while no other thread updates */
void	 stats_reset(void);

#endif
