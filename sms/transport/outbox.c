/*
 * outbox.c - the outbox backend: one JSON line per SMS (or, for the bounce
 * sender without a smarthost, per DSN) appended to a file; results after one
 * fdatasync.
 */
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "sms/transport/backend.h"

/* a result waiting for the batch's fdatasync */
struct outbox_result {
	TAILQ_ENTRY(outbox_result) entry;
	sms_done_cb		 cb;
	void			*arg;
	struct sms_kept		 kept;
};

TAILQ_HEAD(outbox_results, outbox_result);

struct outbox {
	struct backend		 b;	/* first: backend.c sees only this */
	int			 fd;
	char			*path;
	char			*from;	/* default sender id */
	int			 dsn;	/* lines are DSNs: text is the mail */
	struct event		*flush;
	struct outbox_results	 results;
};

/* utc_now - the current time as 2026-11-23T20:00:00Z */
static void
utc_now(char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* set_str - obj[key] = s (JSON null for NULL); -1 if s is not UTF-8 */
static int
set_str(json_t *obj, const char *key, const char *s)
{
	return json_object_set_new(obj, key, s != NULL ? json_string(s) :
	    json_null());
}

/* line_finish - add obj[time]; the line is JSON and newline; -1 with errno */
static int
line_finish(json_t *obj, char **line, size_t *len)
{
	char	 when[32], *s;
	size_t	 n;

	utc_now(when, sizeof(when));
	if (json_object_set_new(obj, "time", json_string(when)) == -1 ||
	    (s = json_dumps(obj, JSON_COMPACT)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	n = strlen(s);
	if ((*line = malloc(n + 2)) == NULL) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	memcpy(*line, s, n);
	(*line)[n] = '\n';
	(*line)[n + 1] = '\0';
	*len = n + 1;
	free(s);
	return 0;
}

/* queue_id - the queue id part of ref, as a JSON string */
static json_t *
queue_id(const char *ref)
{
	return json_stringn(ref, strcspn(ref, "."));
}

/*
 * append_line - one write(2) per line: with O_APPEND, lines of concurrent
 * writers never interleave. A short write (disk full) gets a newline so
 * the broken line does not swallow the next one.
 */
static int
append_line(int fd, const char *line, size_t len)
{
	ssize_t	 n;
	int	 saved;

	do
		n = write(fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n == len)
		return 0;
	saved = ENOSPC;
	if (n > 0 && write(fd, "\n", 1) == -1)
		saved = errno;
	errno = saved;
	return -1;
}

/*
 * outbox_line - the line of one submission: an SMS, or in DSN mode a mail
 * (to: its recipient, text: the whole message)
 */
static int
outbox_line(const struct outbox *ob, const struct sms *sms, char **line,
    size_t *len)
{
	json_t	*obj;
	int	 ok, rc = -1;

	if ((obj = json_object()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	errno = EILSEQ;
	ok = json_object_set_new(obj, "queue_id", queue_id(sms->ref)) == 0;
	if (ob->dsn)
		ok = ok &&
		    json_object_set_new(obj, "kind", json_string("dsn")) == 0 &&
		    set_str(obj, "to", sms->to) == 0 &&
		    set_str(obj, "message", sms->text) == 0;
	else
		ok = ok && set_str(obj, "ref", sms->ref) == 0 &&
		    set_str(obj, "to", sms->to) == 0 &&
		    set_str(obj, "from", sms->from != NULL ? sms->from :
		    ob->from) == 0 &&
		    set_str(obj, "text", sms->text) == 0 &&
		    json_object_set_new(obj, "parts",
		    json_integer(sms->parts)) == 0 &&
		    set_str(obj, "encoding", sms->encoding) == 0;
	if (ok)
		rc = line_finish(obj, line, len);
	json_decref(obj);
	return rc;
}

/* outbox_why - a failure in words; the bounce sender's say what failed */
static void __attribute__((format(printf, 4, 5)))
outbox_why(const struct outbox *ob, char *why, size_t len, const char *fmt,
    ...)
{
	va_list	 ap;
	size_t	 n;

	n = (size_t)snprintf(why, len, "%s", ob->dsn ?
	    "cannot write the DSN: " : "");
	va_start(ap, fmt);
	vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
}

/* outbox_flush - make the batch durable, then report every result in it */
static void
outbox_flush(evutil_socket_t fd, short events, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_results	 batch;
	struct outbox_result	*r;
	char			 why[256];
	int			 synced;

	(void)fd;
	(void)events;
	TAILQ_INIT(&batch);
	TAILQ_CONCAT(&batch, &ob->results, entry);
	synced = fdatasync(ob->fd);
	if (synced == -1)
		outbox_why(ob, why, sizeof(why), "outbox %s: fdatasync: %s",
		    ob->path, strerror(errno));
	while ((r = TAILQ_FIRST(&batch)) != NULL) {
		TAILQ_REMOVE(&batch, r, entry);
		if (r->kept.result == SMS_SENT && synced == -1) {
			sms_kept_clear(&r->kept);
			sms_kept_fail(&r->kept, SMS_TEMPFAIL, why);
		}
		sms_kept_report(&r->kept, r->cb, r->arg);
		free(r);
	}
}

/*
 * outbox_submit - append the line now, report after the batch's sync.
 * Text that is not UTF-8 can never be written: a permanent failure. An
 * SMS's provider id names the line; a DSN has none.
 */
static int
outbox_submit(struct backend *b, const struct sms *sms, sms_done_cb cb,
    void *arg)
{
	struct outbox		*ob = (struct outbox *)b;
	struct outbox_result	*r;
	char			*line = NULL, *id = NULL, why[PATH_MAX + 256];
	size_t			 len;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->cb = cb;
	r->arg = arg;
	if (outbox_line(ob, sms, &line, &len) == -1) {
		if (errno != EILSEQ) {
			free(r);
			return -1;
		}
		outbox_why(ob, why, sizeof(why), "%s",
		    "text or sender is not valid UTF-8");
		sms_kept_fail(&r->kept, SMS_PERMFAIL, why);
	} else if (append_line(ob->fd, line, len) == -1) {
		outbox_why(ob, why, sizeof(why), "outbox %s: %s", ob->path,
		    strerror(errno));
		sms_kept_fail(&r->kept, SMS_TEMPFAIL, why);
	} else {
		if (!ob->dsn && asprintf(&id, "outbox-%s", sms->ref) == -1)
			id = NULL;
		sms_kept_set(&r->kept, &(struct sms_outcome){ .result = SMS_SENT,
		    .provider_id = id });
		free(id);
	}
	free(line);
	TAILQ_INSERT_TAIL(&ob->results, r, entry);
	event_active(ob->flush, EV_TIMEOUT, 1);
	return 0;
}

/* outbox_free - report what waits for the sync, then close */
static void
outbox_free(struct backend *b)
{
	struct outbox	*ob = (struct outbox *)b;

	if (!TAILQ_EMPTY(&ob->results))
		outbox_flush(-1, 0, ob);
	event_free(ob->flush);
	close(ob->fd);
	free(ob->path);
	free(ob->from);
	free(ob);
}

static const struct backend_ops outbox_ops = {
	.name = "outbox", .submit = outbox_submit, .free = outbox_free,
};

static const struct backend_ops dsn_outbox_ops = {
	.name = "dsn-outbox", .submit = outbox_submit, .free = outbox_free,
};

/* outbox_backend_new - open bc->path for appending, once */
struct backend *
outbox_backend_new(const struct conf *conf, const struct backend_conf *bc,
    struct event_base *base, char *err, size_t errlen)
{
	struct outbox	*ob;
	const char	*path = bc->path;

	(void)conf;
	if (path == NULL) {
		snprintf(err, errlen, "backend.path: no outbox file");
		return NULL;
	}
	if ((ob = calloc(1, sizeof(*ob))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	TAILQ_INIT(&ob->results);
	if ((ob->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1) {
		snprintf(err, errlen, "outbox %s: %s", path, strerror(errno));
		free(ob);
		return NULL;
	}
	if ((ob->path = strdup(path)) == NULL ||
	    (bc->from != NULL && (ob->from = strdup(bc->from)) == NULL) ||
	    (ob->flush = event_new(base, -1, 0, outbox_flush, ob)) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(ob->fd);
		free(ob->path);
		free(ob->from);
		free(ob);
		return NULL;
	}
	ob->b.ops = &outbox_ops;
	ob->b.base = base;
	/* appending never waits on anyone: no reason to hold the queue back */
	ob->b.max_in_flight = SIZE_MAX;
	return &ob->b;
}

/* outbox_dsn_backend_new - the outbox for DSNs, when there is no smarthost */
struct backend *
outbox_dsn_backend_new(const struct conf *conf, struct event_base *base,
    char *err, size_t errlen)
{
	struct backend	*b;

	if ((b = outbox_backend_new(conf, &conf->backend, base, err,
	    errlen)) != NULL) {
		((struct outbox *)b)->dsn = 1;
		b->ops = &dsn_outbox_ops;
		b->max_in_flight = BACKEND_DSN_MAX_IN_FLIGHT;
	}
	return b;
}
