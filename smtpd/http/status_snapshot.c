/*
 * status_snapshot.c - the status page's numbers at one moment: recipients
 * by state and the oldest deferred ones (one walk of the queue, bounded),
 * the backends, the backend latency histogram, the 24-hour history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/http/status_snapshot.h"
#include "sms/lib/stats.h"

static const char *const queue_state_names[SQ_STATES] = {
	"queued", "sending", "deferred", "scheduled", "held", "awaiting_report"
};

static const char *const series_names[HIST_SERIES] = {
	"accepted", "sent", "delivered", "failed"
};

/* status_queue_state_name - see status_snapshot.h */
const char *
status_queue_state_name(enum status_queue_state s)
{
	return queue_state_names[s];
}

/* status_series_name - see status_snapshot.h */
const char *
status_series_name(enum history_series s)
{
	return series_names[s];
}

/* rcpt_class - where a recipient counts; -1 for those that are done */
static int
rcpt_class(const struct message *m, const struct rcpt_status *st,
    int64_t now)
{
	switch (st->state) {
	case RCPT_QUEUED:
		return m->not_before > now ? SQ_SCHEDULED : SQ_QUEUED;
	case RCPT_SENDING:
		return SQ_SENDING;
	case RCPT_DEFERRED:
		return SQ_DEFERRED;
	case RCPT_HELD:
		return SQ_HELD;
	case RCPT_WAITING:
	case RCPT_DELAY_OWED:
	case RCPT_DELAYED:
		return SQ_AWAITING_REPORT;
	default:
		return -1;
	}
}

/* note_deferred - recipient i of v among the oldest deferred ones */
static void
note_deferred(struct status_snapshot *s, const struct queue_view *v,
    uint32_t i)
{
	struct status_deferred		*d = &s->oldest[s->noldest++];
	const struct rcpt_status	*st = &v->rcpts[i];

	snprintf(d->id, sizeof(d->id), "%s", v->idstr);
	snprintf(d->sender, sizeof(d->sender), "%s", v->msg->sender);
	snprintf(d->to, sizeof(d->to), "%s", v->msg->rcpts[i].to);
	snprintf(d->reason, sizeof(d->reason), "%s", st->reason != NULL ?
	    st->reason : "");
	d->arrival = v->msg->arrival;
	d->next_try = st->next_try;
	d->attempts = st->attempts;
}

/*
 * walk_queue - count the recipients by state; the queue is in arrival
 * order, so the first deferred ones met are the oldest
 */
static void
walk_queue(struct status_snapshot *s, struct queue *q)
{
	struct queue_iter	 it;
	struct queue_view	 v;
	uint32_t		 i;
	int			 c, first;

	s->held = queue_held_count(q);
	queue_iter_start(q, &it);
	while (queue_iter_next(&it, &v)) {
		if (s->messages == STATUS_WALK_MAX) {
			s->partial = 1;
			break;
		}
		s->messages++;
		for (i = 0, first = 1; i < v.msg->nrcpts; i++) {
			if ((c = rcpt_class(v.msg, &v.rcpts[i], s->now)) == -1)
				continue;
			s->queue[c]++;
			if (c == SQ_DEFERRED && first &&
			    s->noldest < STATUS_OLDEST_MAX) {
				note_deferred(s, &v, i);
				first = 0;
			}
		}
	}
}

/* bucket_at - the upper bound of the bucket holding the rank'th value */
static uint64_t
bucket_at(const struct stat_reading *r, uint64_t rank)
{
	size_t	 i;

	for (i = 0; i < r->nbuckets; i++)
		if (r->counts[i] >= rank)
			break;
	/* beyond the last bound (+Inf): the last bound is all we know */
	while (i > 0 && (i >= r->nbuckets || r->bounds[i] == UINT64_MAX))
		i--;
	return r->nbuckets > 0 ? r->bounds[i] : 0;
}

/* read_latency - the backend request histogram as count, mean, p50, p95 */
static void
read_latency(struct status_latency *l)
{
	struct stat_reading	 r;

	stats_read(STAT_BACKEND_REQUEST_US, &r);
	l->count = r.nbuckets > 0 ? r.counts[r.nbuckets - 1] : 0;
	if (l->count == 0)
		return;
	l->mean_us = (uint64_t)r.value / l->count;
	l->p50_us = bucket_at(&r, (l->count + 1) / 2);
	l->p95_us = bucket_at(&r, (l->count * 95 + 99) / 100);
}

/* status_snapshot_take - see status_snapshot.h */
struct status_snapshot *
status_snapshot_take(struct queue *q, int64_t now)
{
	struct status_snapshot	*s;
	int			 i, k;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->now = now;
	walk_queue(s, q);
	s->nbackends = queue_backends(q, s->backends, STATUS_BACKENDS_MAX);
	read_latency(&s->latency);
	s->last_minute = status_history_minutes(s->minutes);
	for (i = 0; i < HIST_SERIES; i++)
		for (k = 0; k < HISTORY_MINUTES; k++)
			s->day_total[i] += s->minutes[i * HISTORY_MINUTES + k];
	s->nsenders = status_history_top_senders(s->senders,
	    HISTORY_SENDERS_TOP);
	s->nreasons = status_history_reasons(s->reasons, HISTORY_REASONS_MAX);
	return s;
}
