/*
 * dstats.c - the delivery statistics of the running daemon: the hooks count
 * into one table on the loop; every stats.flush seconds, if anything
 * changed, the loop encodes a snapshot and hands it to a thread of its own,
 * which writes it (dstats_file.c) while the loop goes on. A crash loses at
 * most the counts of the last flush interval, never the file.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/buf.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "sms/transport/route/route_table.h"
#include "smtpd/stats/dstats.h"
#include "smtpd/stats/dstats_file.h"
#ifdef HAVE_LIBPHONENUMBER
#include "sms/convert/phone.h"
#endif

#define SECONDS_PER_DAY	86400

static struct {
	bool			 on;
	const struct conf	*conf;
	struct dstats_table	*table;
	struct route_table	*routes;	/* the backend a number is meant for */
	char			 path[PATH_MAX];
	struct event		*timer;
	bool			 dirty;		/* counted since the last snapshot */
	bool			 full_logged;
	/* the writer thread and the one snapshot it may be given */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct buf		 job;		/* under mu */
	/* the last snapshot's buffer, emptied: its pages are already
	 * mapped, so the next encode does not fault in megabytes */
	struct buf		 spare;		/* under mu */
	bool			 has_job, writing, stopping;	/* under mu */
	atomic_bool		 save_failed;
} ds = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* dstats_day - see dstats.h; floor, so times before 1970 stay right */
int32_t
dstats_day(int64_t t)
{
	return (int32_t)(t >= 0 ? t / SECONDS_PER_DAY :
	    -((-t + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY));
}

/* sender_domain - the sender's domain in lower case; "" for <> */
static void
sender_domain(const char *sender, char *out, size_t size)
{
	const char	*at = sender != NULL ? strrchr(sender, '@') : NULL;
	size_t		 i;

	snprintf(out, size, "%s", at != NULL ? at + 1 : "");
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* country_of - the ISO region of an E.164 number; "" when not known */
static void
country_of(const char *e164, char out[DSTATS_COUNTRY_LEN + 1])
{
#ifdef HAVE_LIBPHONENUMBER
	struct phone_info info;

	if (phone_check(e164, &info) == 0 && info.region[0] != '\0') {
		snprintf(out, DSTATS_COUNTRY_LEN + 1, "%s", info.region);
		return;
	}
#else
	(void)e164;
#endif
	out[0] = '\0';
}

/* planned_backend - the first backend of the route e164 takes, or NULL */
static const char *
planned_backend(const char *e164, const char *sender)
{
	const struct route *r = route_table_pick(ds.routes, e164, sender);

	if (r == NULL || r->nbackends == 0)
		return NULL;
	return conf_backend_at(ds.conf, r->backends[0])->name;
}

/* today_key - the row key of today and these names */
static void
today_key(const char *user, const char *sender, const char *e164,
    const char *backend, struct dstats_key *k)
{
	char	 domain[DSTATS_DOMAIN_MAX + 1];
	char	 country[DSTATS_COUNTRY_LEN + 1];

	sender_domain(sender, domain, sizeof(domain));
	country_of(e164, country);
	if (backend == NULL)
		backend = planned_backend(e164, sender);
	dstats_key_set(k, dstats_day(clock_now()), user, domain, backend,
	    country);
}

/* count - n more of counter c in k's row; a full table is logged once */
static void
count(const struct dstats_key *k, enum dstats_counter c, uint64_t n)
{
	if (dstats_table_add(ds.table, k, c, n) == 0)
		ds.dirty = true;
	else if (!ds.full_logged) {
		ds.full_logged = true;
		log_warnx("stats: table full (%u rows) or out of memory: "
		    "new rows are not counted until old days are dropped",
		    DSTATS_MAX_ROWS);
	}
}

/* dstats_accepted - see dstats.h */
void
dstats_accepted(const char *user, const char *sender, const char *e164,
    uint32_t parts)
{
	struct dstats_key k;

	if (!ds.on)
		return;
	today_key(user, sender, e164, NULL, &k);
	count(&k, DSTATS_MESSAGES, 1);
	count(&k, DSTATS_PARTS, parts);
}

/* dstats_ended - see dstats.h; DSNs are mail, not SMS: not counted */
void
dstats_ended(const struct message *m, uint32_t i, const char *backend,
    enum dstats_counter c)
{
	struct dstats_key k;

	if (!ds.on || m->kind != MSG_SMS || i >= m->nrcpts)
		return;
	today_key(m->user, m->sender, m->rcpts[i].to, backend, &k);
	count(&k, c, 1);
}

/* dstats_failed - see dstats.h; 4.4.7 is schedule.c's "lifetime over" */
void
dstats_failed(const struct message *m, uint32_t i, const char *backend,
    const char *status)
{
	dstats_ended(m, i, backend, strcmp(status, "4.4.7") == 0 ?
	    DSTATS_EXPIRED : DSTATS_FAILED);
}

const struct dstats_table *
dstats_table_now(void)
{
	return ds.on ? ds.table : NULL;
}

/* writer - save each snapshot handed over, until told to stop */
static void *
writer(void *arg)
{
	struct buf	 b;

	(void)arg;
	pthread_mutex_lock(&ds.mu);
	for (;;) {
		while (!ds.has_job && !ds.stopping)
			pthread_cond_wait(&ds.cv, &ds.mu);
		if (!ds.has_job)
			break;
		b = ds.job;
		ds.job = (struct buf){ 0 };
		ds.has_job = false;
		ds.writing = true;
		pthread_mutex_unlock(&ds.mu);
		if (dstats_file_save(ds.path, b.p, b.len) == -1) {
			log_warn("stats: cannot save %s", ds.path);
			atomic_store(&ds.save_failed, true);
		}
		b.len = 0;
		pthread_mutex_lock(&ds.mu);
		buf_free(&ds.spare);
		ds.spare = b;
		ds.writing = false;
	}
	pthread_mutex_unlock(&ds.mu);
	return NULL;
}

/* prune - forget the days older than stats.keep */
static void
prune(void)
{
	int32_t	 oldest = dstats_day(clock_now()) -
		    (int32_t)(ds.conf->stats.keep / SECONDS_PER_DAY) + 1;

	if (dstats_table_prune(ds.table, oldest) > 0) {
		ds.dirty = true;
		ds.full_logged = false;
	}
}

/* flush_cb - a snapshot for the writer, unless it is still busy */
static void
flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct buf	 b = { 0 };
	bool		 busy;

	(void)fd;
	(void)ev;
	(void)arg;
	if (atomic_exchange(&ds.save_failed, false))
		ds.dirty = true;
	prune();
	pthread_mutex_lock(&ds.mu);
	busy = ds.has_job || ds.writing;
	if (ds.dirty && !busy) {
		b = ds.spare;
		ds.spare = (struct buf){ 0 };
	}
	pthread_mutex_unlock(&ds.mu);
	if (!ds.dirty || busy)
		return;
	if (dstats_file_encode(ds.table, &b) == -1) {
		log_warnx("stats: out of memory for a snapshot");
		buf_free(&b);
		return;
	}
	pthread_mutex_lock(&ds.mu);
	ds.job = b;
	ds.has_job = true;
	pthread_cond_signal(&ds.cv);
	pthread_mutex_unlock(&ds.mu);
	ds.dirty = false;
}

/* load - the saved counts; a damaged file is set aside, not fatal */
static int
load(char *err, size_t errlen)
{
	char	 why[256], bad[PATH_MAX + 8];
	int	 rc;

	rc = dstats_file_load(ds.path, ds.table, why, sizeof(why));
	if (rc == 1)
		return 0;
	if (rc == 0) {
		log_info("stats: %zu rows from %s", dstats_table_rows(ds.table),
		    ds.path);
		return 0;
	}
	snprintf(bad, sizeof(bad), "%s.bad", ds.path);
	log_warnx("stats: %s unreadable: %s; kept as %s, counting starts "
	    "afresh", ds.path, why, bad);
	/* not fatal: the next snapshot replaces it, which is all it costs */
	if (rename(ds.path, bad) == -1)
		log_warn("stats: cannot move %s aside", ds.path);
	dstats_table_free(ds.table);
	if ((ds.table = dstats_table_new(DSTATS_MAX_ROWS)) == NULL) {
		snprintf(err, errlen, "stats: out of memory");
		return -1;
	}
	return 0;
}

/* release - free what dstats_start made; -1, for its failures */
static int
release(void)
{
	if (ds.timer != NULL)
		event_free(ds.timer);
	route_table_free(ds.routes);
	dstats_table_free(ds.table);
	ds.timer = NULL;
	ds.routes = NULL;
	ds.table = NULL;
	return -1;
}

/* dstats_start - see dstats.h */
int
dstats_start(struct event_base *base, const struct conf *c, char *err,
    size_t errlen)
{
	struct timeval	 every = { (time_t)c->stats.flush, 0 };

	ds.conf = c;
	if ((size_t)snprintf(ds.path, sizeof(ds.path), "%s/%s", c->spool,
	    DSTATS_FILE_NAME) >= sizeof(ds.path)) {
		snprintf(err, errlen, "stats: spool path too long");
		return -1;
	}
	if ((ds.table = dstats_table_new(DSTATS_MAX_ROWS)) == NULL ||
	    (ds.routes = route_table_new(c, err, errlen)) == NULL) {
		if (ds.table == NULL)
			snprintf(err, errlen, "stats: %s", strerror(errno));
		dstats_table_free(ds.table);
		return -1;
	}
	if (load(err, errlen) == -1)
		return release();
	if ((ds.timer = event_new(base, -1, EV_PERSIST, flush_cb, NULL)) ==
	    NULL || event_add(ds.timer, &every) == -1 ||
	    pthread_create(&ds.thread, NULL, writer, NULL) != 0) {
		snprintf(err, errlen, "stats: cannot start the flush timer or "
		    "the writer thread");
		return release();
	}
	/* top -H, the bench's CPU per thread, say what it is */
	pthread_setname_np(ds.thread, "stats-io");
	prune();
	ds.on = true;
	return 0;
}

/* dstats_stop - see dstats.h: the last counts are saved before exit */
void
dstats_stop(void)
{
	struct buf	 b = { 0 };

	if (!ds.on)
		return;
	pthread_mutex_lock(&ds.mu);
	ds.stopping = true;
	pthread_cond_signal(&ds.cv);
	pthread_mutex_unlock(&ds.mu);
	pthread_join(ds.thread, NULL);
	buf_free(&ds.spare);
	if (atomic_load(&ds.save_failed) || ds.dirty) {
		if (dstats_file_encode(ds.table, &b) == -1 ||
		    dstats_file_save(ds.path, b.p, b.len) == -1)
			log_warn("stats: cannot save %s at exit", ds.path);
		buf_free(&b);
	}
	ds.on = false;
	(void)release();
}
