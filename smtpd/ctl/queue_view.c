/*
 * queue_view.c - the queue as the administrator reads it: a list with the
 * least advanced state of each message, or one message in every detail.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "sms/convert/gsm.h"
#include "sms/lib/datetime.h"
#include "smtpd/ctl/queue_view.h"
#include "smtpd/queue/schedule.h"

/* held messages listed in full (read back from the spool) by --scheduled */
#define SCHEDULED_DETAILED	1000

/* least_state - the least advanced recipient state, for the list */
static const char *
least_state(const struct queue_view *v)
{
	static const int rank[RCPT_STATE_LAST + 1] = { [RCPT_SENDING] = 0,
	    [RCPT_QUEUED] = 1, [RCPT_DEFERRED] = 2, [RCPT_WAITING] = 3,
	    [RCPT_DELAY_OWED] = 4, [RCPT_DELAYED] = 5, [RCPT_FAILED] = 6,
	    [RCPT_BOUNCED] = 7, [RCPT_REPORT_OWED] = 8, [RCPT_SENT] = 9,
	    [RCPT_HELD] = 2 };
	enum rcpt_state best = RCPT_SENT;
	uint32_t i;

	for (i = 0; i < v->msg->nrcpts; i++)
		if (rank[v->rcpts[i].state] < rank[best])
			best = v->rcpts[i].state;
	return rcpt_state_name(best);
}

static void	put_time(struct evbuffer *, int64_t);

/* put_held - " held until T (quiet hours 21:00-08:00 in Europe/Berlin)" */
static void
put_held(struct evbuffer *out, const struct rcpt_status *st)
{
	evbuffer_add_printf(out, " held until ");
	put_time(out, st->next_try);
	if (st->reason != NULL)
		evbuffer_add_printf(out, " (%s)", st->reason);
}

/* list_entry - a message's line, then a line per recipient */
static void
list_entry(const struct queue_view *v, int64_t now, struct evbuffer *out)
{
	const struct message	*d = v->msg;
	int64_t			 next = schedule_next_try(v->rcpts, d->nrcpts);
	uint32_t		 i;

	evbuffer_add_printf(out, "%-16s %7" PRId64 "s %5u %-9s ", v->idstr,
	    now - d->arrival, d->nrcpts, least_state(v));
	if (next > 0)
		evbuffer_add_printf(out, "in %" PRId64 "s\n",
		    next > now ? next - now : 0);
	else
		evbuffer_add_printf(out, "-\n");
	for (i = 0; i < d->nrcpts; i++) {
		evbuffer_add_printf(out, "    %-8s %s%s%s",
		    rcpt_state_name(v->rcpts[i].state),
		    d->kind == MSG_DSN ? "dsn to <" : "", d->rcpts[i].to,
		    d->kind == MSG_DSN ? ">" : "");
		if (v->rcpts[i].state == RCPT_HELD)
			put_held(out, &v->rcpts[i]);
		evbuffer_add_printf(out, "\n");
	}
}

/* ctl_queue_list - see queue_view.h */
void
ctl_queue_list(const struct queue *q, int64_t now, struct evbuffer *out)
{
	struct queue_iter	 it;
	struct queue_view	 v;
	size_t			 n = queue_size(q);

	evbuffer_add_printf(out, "%-16s %8s %5s %-9s %s\n", "ID", "AGE",
	    "RCPTS", "STATE", "NEXT-TRY");
	queue_iter_start(q, &it);
	while (queue_iter_next(&it, &v))
		list_entry(&v, now, out);
	if (queue_held_count(q) > 0)
		evbuffer_add_printf(out, "-- %zu of them held in the spool "
		    "until due (queue --scheduled lists them)\n",
		    queue_held_count(q));
	evbuffer_add_printf(out, "-- %zu message%s\n", n, n == 1 ? "" : "s");
}

/* put_time - epoch seconds as ISO 8601 UTC, and the number itself */
static void
put_time(struct evbuffer *out, int64_t t)
{
	time_t	 tt = (time_t)t;
	struct tm tm;
	char	 s[32];

	if (gmtime_r(&tt, &tm) != NULL &&
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		evbuffer_add_printf(out, "%s (%" PRId64 ")", s, t);
	else
		evbuffer_add_printf(out, "%" PRId64, t);
}

/*
 * show_timeline - what became of a sent recipient: taken by the provider
 * (through which backend, as how many parts), then each report in order
 */
static void
show_timeline(const struct rcpt_status *st, struct evbuffer *out)
{
	const struct rcpt_event	*ev;
	uint32_t		 k;

	if (st->nparts > 1) {
		evbuffer_add_printf(out, "  part-ids:");
		for (k = 0; k < st->nparts; k++)
			evbuffer_add_printf(out, " %s", st->parts[k].id);
		evbuffer_add_printf(out, "\n");
	}
	if (st->sent_at == 0 && st->nevents == 0)
		return;
	evbuffer_add_printf(out, "  timeline:\n");
	if (st->sent_at != 0) {
		evbuffer_add_printf(out, "    ");
		put_time(out, st->sent_at);
		evbuffer_add_printf(out, " accepted by %s, %u part%s\n",
		    st->backend != NULL ? st->backend : "the provider",
		    st->nparts, st->nparts == 1 ? "" : "s");
	}
	for (k = 0; k < st->nevents; k++) {
		ev = &st->events[k];
		evbuffer_add_printf(out, "    ");
		put_time(out, ev->when);
		evbuffer_add_printf(out, " %s", sms_report_name(ev->report));
		if (st->nparts > 1 && ev->part < st->nparts)
			evbuffer_add_printf(out, " part %u/%u", ev->part + 1,
			    st->nparts);
		if (ev->status != NULL)
			evbuffer_add_printf(out, ": %s", ev->status);
		evbuffer_add_printf(out, "\n");
	}
}

/* show_rcpt - one recipient's state, tries, next try, provider id, reason */
static void
show_rcpt(const struct queue_view *v, uint32_t i, int64_t now,
    struct evbuffer *out)
{
	const struct message_rcpt	*r = &v->msg->rcpts[i];
	const struct rcpt_status	*st = &v->rcpts[i];

	evbuffer_add_printf(out, "recipient %u: %s <%s>\n"
	    "  state: %s\n  attempts: %u\n", i, r->to, r->addr,
	    rcpt_state_name(st->state), st->attempts);
	if (st->state == RCPT_DEFERRED)
		evbuffer_add_printf(out, "  next-try: in %" PRId64 "s\n",
		    st->next_try > now ? st->next_try - now : 0);
	if (st->state == RCPT_HELD) {
		evbuffer_add_printf(out, "  ");
		put_held(out, st);
		evbuffer_add_printf(out, "\n");
	}
	if (st->provider_id != NULL)
		evbuffer_add_printf(out, "  provider-id: %s\n",
		    st->provider_id);
	if (st->reason != NULL)
		evbuffer_add_printf(out, "  reason: %s\n", st->reason);
	if (st->report != SMS_REPORT_NONE)
		evbuffer_add_printf(out, "  report: %s at %" PRId64 "%s%s\n",
		    sms_report_name(st->report), st->report_time,
		    st->report_status != NULL ? ": " : "",
		    st->report_status != NULL ? st->report_status : "");
	show_timeline(st, out);
}

/* ctl_queue_show - see queue_view.h */
int
ctl_queue_show(struct queue *q, const char *idstr, int64_t now,
    struct evbuffer *out)
{
	struct queue_view	 v;
	const struct message	*d;
	uint32_t		 i;

	if (queue_find(q, idstr, &v) == -1)
		return -1;
	d = v.msg;
	evbuffer_add_printf(out, "id: %s\nkind: %s\narrival: %" PRId64
	    " (%" PRId64 "s ago)\nsender: <%s>\nclient: %s\nhelo: %s\n",
	    v.idstr, d->kind == MSG_DSN ? "dsn" : "sms", d->arrival,
	    now - d->arrival, d->sender, d->client, d->helo);
	if (d->not_before > 0)
		evbuffer_add_printf(out, "scheduled: %" PRId64 " (%s)\n",
		    d->not_before, d->not_before > now ? "waiting" : "due");
	if (d->lifetime > 0)
		evbuffer_add_printf(out, "lifetime: %us\n", d->lifetime);
	if (d->kind == MSG_SMS)
		evbuffer_add_printf(out, "sender-id: %s\nparts: %u\n"
		    "encoding: %s\ntext: %s\n", d->sender_id ? d->sender_id : "-",
		    d->parts, gsm_encoding_name(d->encoding), d->text);
	for (i = 0; i < d->nrcpts; i++)
		show_rcpt(&v, i, now, out);
	return 0;
}

/* message_id - the Message-ID: of a message without its <>; 0 if none */
static int
message_id(const struct message *d, char *out, size_t size)
{
	return message_id_of(d->headers, d->headers_len, out, size);
}

/* scheduled_entry - a scheduled message's line */
static void
scheduled_entry(const struct queue_view *v, int64_t now, struct evbuffer *out)
{
	char	 at[DATETIME_UTC_LEN + 1], mid[256];

	datetime_utc(v->msg->not_before, at);
	evbuffer_add_printf(out, "%-16s %-20s %9" PRId64 "s %5u <%s> %s\n",
	    v->idstr, at, v->msg->not_before - now, v->msg->nrcpts,
	    v->msg->sender, message_id(v->msg, mid, sizeof(mid)) ? mid : "-");
}

/*
 * held_entry - a held message's line: read back from the spool for the
 * first SCHEDULED_DETAILED of them, the rest from memory (id, release)
 */
static int
held_entry(struct queue *q, size_t i, size_t shown, int64_t now,
    struct evbuffer *out)
{
	struct queue_view v;
	char		 id[QID_LEN + 1], at[DATETIME_UTC_LEN + 1];
	int64_t		 release;

	queue_held_at(q, i, id, &release);
	if (release <= now)
		return 0;	/* held for want of room, not scheduled */
	if (shown < SCHEDULED_DETAILED && queue_held_view(q, i, &v) == 0 &&
	    v.msg->not_before > now) {
		scheduled_entry(&v, now, out);
		return 1;
	}
	datetime_utc(release, at);
	evbuffer_add_printf(out, "%-16s %-20s %9" PRId64 "s     - (held in "
	    "the spool)\n", id, at, release - now);
	return 1;
}

/* ctl_queue_scheduled - see queue_view.h */
void
ctl_queue_scheduled(struct queue *q, int64_t now, struct evbuffer *out)
{
	struct queue_iter	 it;
	struct queue_view	 v;
	size_t			 n = 0, i, held = queue_held_count(q);

	evbuffer_add_printf(out, "%-16s %-20s %10s %5s %s\n", "ID", "RELEASE",
	    "IN", "RCPTS", "SENDER MESSAGE-ID");
	queue_iter_start(q, &it);
	while (queue_iter_next(&it, &v)) {
		if (v.msg->not_before <= now)
			continue;
		scheduled_entry(&v, now, out);
		n++;
	}
	for (i = 0; i < held; i++)
		n += (size_t)held_entry(q, i, n, now, out);
	evbuffer_add_printf(out, "-- %zu scheduled message%s\n", n,
	    n == 1 ? "" : "s");
}

/* ctl_queue_by_message_id - see queue_view.h */
size_t
ctl_queue_by_message_id(struct queue *q, const char *msgid,
    char (*ids)[QID_LEN + 1], size_t max)
{
	struct queue_iter	 it;
	struct queue_view	 v;
	char			 want[256], mid[256];
	size_t			 n = 0, len = strlen(msgid);

	if (len >= sizeof(want))
		return 0;
	if (len >= 2 && msgid[0] == '<' && msgid[len - 1] == '>') {
		msgid++;
		len -= 2;
	}
	memcpy(want, msgid, len);
	want[len] = '\0';
	queue_iter_start(q, &it);
	while (queue_iter_next(&it, &v)) {
		if (v.msg->kind != MSG_SMS || !message_id(v.msg, mid,
		    sizeof(mid)) || strcmp(mid, want) != 0)
			continue;
		if (n < max)
			memcpy(ids[n], v.idstr, QID_LEN + 1);
		n++;
	}
	return n + queue_held_by_message_id(q, want, ids + (n < max ? n : max),
	    n < max ? max - n : 0);
}
