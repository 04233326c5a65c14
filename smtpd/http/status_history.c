/*
 * status_history.c - the status page's memory of the last 24 hours: a ring
 * of 1440 minutes fed from the stats counters, and two fixed tables.
 *
 * The ring reads the counters of sms/lib/stats.h (every FOLD_EVERY seconds
 * and at each look) and adds what they gained to the current minute, so
 * the hot paths pay nothing for it. Senders and failure reasons are counted
 * per hour in fixed tables; when a table is full the entry with the least
 * traffic over the day makes room, so memory stays bounded whatever the
 * senders are, at the price of forgetting the quietest ones.
 */
#include <stdlib.h>
#include <string.h>

#include "smtpd/http/status_history.h"
#include "sms/lib/clock.h"
#include "sms/lib/stats.h"

#define FOLD_EVERY	10	/* s: a minute's counts land in that minute */

struct minute_slot {
	int64_t		 minute;	/* epoch minute it holds; else stale */
	uint32_t	 count[HIST_SERIES];
};

/* one sender or reason: counts per hour, each slot stamped with its hour */
struct hourly_entry {
	struct history_row row;		/* key, example; totals filled on read */
	int		 used;
	int64_t		 hour[HISTORY_HOURS];
	uint32_t	 messages[HISTORY_HOURS];
	uint32_t	 recipients[HISTORY_HOURS];
};

struct history {
	struct event		*timer;
	struct minute_slot	 ring[HISTORY_MINUTES];
	int64_t			 seen[HIST_SERIES];	/* counters at the last fold */
	struct hourly_entry	 senders[HISTORY_SENDERS_MAX];
	struct hourly_entry	 reasons[HISTORY_REASONS_MAX];
};

static struct history *hist;

/* series_now - the counters behind each series, as they are now */
static void
series_now(int64_t v[HIST_SERIES])
{
	v[HIST_ACCEPTED] = stats_value(STAT_MSG_ACCEPTED);
	v[HIST_SENT] = stats_value(STAT_RCPT_SENT);
	v[HIST_DELIVERED] = stats_value(STAT_RCPT_DELIVERED);
	v[HIST_FAILED] = stats_value(STAT_RCPT_FAILED) +
	    stats_value(STAT_RCPT_EXPIRED);
}

/* slot_of - the ring's slot for minute, emptied if it held an older one */
static struct minute_slot *
slot_of(int64_t minute)
{
	struct minute_slot	*s = &hist->ring[minute % HISTORY_MINUTES];

	if (s->minute != minute) {
		memset(s, 0, sizeof(*s));
		s->minute = minute;
	}
	return s;
}

/* fold - what the counters gained since the last fold, into this minute */
static void
fold(void)
{
	struct minute_slot	*s = slot_of(clock_now() / 60);
	int64_t			 v[HIST_SERIES], d;
	int			 i;

	series_now(v);
	for (i = 0; i < HIST_SERIES; i++) {
		d = v[i] - hist->seen[i];
		/* a counter never goes down but for a reset: start again */
		if (d > 0)
			s->count[i] += d > UINT32_MAX - s->count[i] ?
			    UINT32_MAX - s->count[i] : (uint32_t)d;
		hist->seen[i] = v[i];
	}
}

static void
fold_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	fold();
}

/* status_history_start - see status_history.h */
int
status_history_start(struct event_base *base)
{
	if ((hist = calloc(1, sizeof(*hist))) == NULL)
		return -1;
	if ((hist->timer = event_new(base, -1, EV_PERSIST, fold_cb,
	    NULL)) == NULL || event_add(hist->timer,
	    &(struct timeval){ .tv_sec = FOLD_EVERY }) == -1) {
		status_history_stop();
		return -1;
	}
	series_now(hist->seen);
	return 0;
}

/* status_history_stop - see status_history.h */
void
status_history_stop(void)
{
	if (hist == NULL)
		return;
	if (hist->timer != NULL)
		event_free(hist->timer);
	free(hist);
	hist = NULL;
}

/* entry_totals - an entry's counts over the 24 hours up to hour now */
static void
entry_totals(struct hourly_entry *e, int64_t now)
{
	int	 i;

	e->row.messages = e->row.recipients = 0;
	for (i = 0; i < HISTORY_HOURS; i++) {
		if (e->hour[i] <= now - HISTORY_HOURS || e->hour[i] > now)
			continue;
		e->row.messages += e->messages[i];
		e->row.recipients += e->recipients[i];
	}
}

/* copy_cut - src into dst of size n, cut before a UTF-8 character if long */
static void
copy_cut(char *dst, size_t n, const char *src)
{
	size_t	 len = strlen(src);

	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* entry_to_take - an unused entry, else the one with least traffic today */
static struct hourly_entry *
entry_to_take(struct hourly_entry *t, size_t n, int64_t now)
{
	struct hourly_entry	*least = NULL;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (!t[i].used)
			return &t[i];
		entry_totals(&t[i], now);
		if (least == NULL || t[i].row.messages < least->row.messages)
			least = &t[i];
	}
	return least;
}

/* entry_for - key's entry in the table, else one taken over for key */
static struct hourly_entry *
entry_for(struct hourly_entry *t, size_t n, const char *key, int64_t now)
{
	struct hourly_entry	*e;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (t[i].used && strcmp(t[i].row.key, key) == 0)
			return &t[i];
	e = entry_to_take(t, n, now);
	memset(e, 0, sizeof(*e));
	e->used = 1;
	copy_cut(e->row.key, sizeof(e->row.key), key);
	return e;
}

/* entry_add - messages and recipients to the entry's slot for hour now */
static void
entry_add(struct hourly_entry *e, int64_t now, uint32_t msgs, uint32_t rcpts)
{
	int	 i = (int)(now % HISTORY_HOURS);

	if (e->hour[i] != now) {
		e->hour[i] = now;
		e->messages[i] = e->recipients[i] = 0;
	}
	e->messages[i] += msgs;
	e->recipients[i] += rcpts;
}

/* status_history_sender - see status_history.h */
void
status_history_sender(const char *sender, uint32_t nrcpts)
{
	int64_t	 now;

	if (hist == NULL)
		return;
	now = clock_now() / 3600;
	entry_add(entry_for(hist->senders, HISTORY_SENDERS_MAX,
	    *sender != '\0' ? sender : "<>", now), now, 1, nrcpts);
}

/* status_history_failure - see status_history.h */
void
status_history_failure(const char *status, const char *why)
{
	struct hourly_entry	*e;
	int64_t			 now;

	if (hist == NULL)
		return;
	now = clock_now() / 3600;
	e = entry_for(hist->reasons, HISTORY_REASONS_MAX,
	    *status != '\0' ? status : "-", now);
	copy_cut(e->row.example, sizeof(e->row.example), why);
	entry_add(e, now, 1, 1);
}

/* status_history_minutes - see status_history.h */
int64_t
status_history_minutes(uint32_t *out)
{
	const struct minute_slot *s;
	int64_t			 last, m;
	int			 i, k;

	memset(out, 0, HIST_SERIES * HISTORY_MINUTES * sizeof(*out));
	last = clock_now() / 60;
	if (hist == NULL)
		return last;
	fold();
	for (k = 0; k < HISTORY_MINUTES; k++) {
		m = last - (HISTORY_MINUTES - 1) + k;
		s = &hist->ring[m % HISTORY_MINUTES];
		if (s->minute != m)
			continue;
		for (i = 0; i < HIST_SERIES; i++)
			out[i * HISTORY_MINUTES + k] = s->count[i];
	}
	return last;
}

static int
busier_first(const void *a, const void *b)
{
	const struct history_row *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages < y->messages ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* top_of - the rows with traffic today, busiest first, up to max */
static size_t
top_of(struct hourly_entry *t, size_t n, struct history_row *out,
    size_t max)
{
	/* 76 KB: not on the stack; the loop thread is the only caller */
	static struct history_row all[HISTORY_SENDERS_MAX];
	int64_t			 now = clock_now() / 3600;
	size_t			 i, k = 0;

	for (i = 0; i < n; i++) {
		if (!t[i].used)
			continue;
		entry_totals(&t[i], now);
		if (t[i].row.messages > 0)
			all[k++] = t[i].row;
	}
	qsort(all, k, sizeof(all[0]), busier_first);
	if (k > max)
		k = max;
	memcpy(out, all, k * sizeof(*out));
	return k;
}

/* status_history_top_senders - see status_history.h */
size_t
status_history_top_senders(struct history_row *out, size_t max)
{
	return hist == NULL ? 0 : top_of(hist->senders, HISTORY_SENDERS_MAX,
	    out, max);
}

/* status_history_reasons - see status_history.h */
size_t
status_history_reasons(struct history_row *out, size_t max)
{
	return hist == NULL ? 0 : top_of(hist->reasons, HISTORY_REASONS_MAX,
	    out, max);
}
