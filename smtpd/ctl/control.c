/*
 * control.c - the administrator's socket: queue listing, one message in
 * detail, flush, delete, the backends' states, a delivery report learned
 * elsewhere; answered from the loop, never blocking it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "smtpd/smtp/accept_backoff.h"
#include "smtpd/ctl/control.h"
#include "smtpd/ctl/backend_view.h"
#include "smtpd/ctl/queue_view.h"
#include "smtpd/ctl/stats_view.h"
#include "smtpd/stats/dstats.h"
#include "smtpd/policy/optout.h"
#include "smtpd/queue/queue.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"

#define CONTROL_DEADLINE	10	/* seconds for a command and its answer */
#define DELETE_MANY_MAX		1000	/* messages one Message-ID deletes at once */

static struct evconnlistener	*control_listener;
static struct accept_backoff	 control_backoff;
static char			*control_path;

/* report_state - the report a name stands for; SMS_REPORT_NONE if none */
static enum sms_report
report_state(const char *name, size_t n)
{
	enum sms_report	 r;

	for (r = SMS_REPORT_ENROUTE; r <= SMS_REPORT_LAST; r++)
		if (strlen(sms_report_name(r)) == n &&
		    strncmp(sms_report_name(r), name, n) == 0)
			return r;
	return SMS_REPORT_NONE;
}

/*
 * control_report - "ID STATE [WORDS]": a report the provider gave outside
 * the report channel (its portal, a support answer), taken as if it came
 */
static void
control_report(struct server *srv, const char *args, struct evbuffer *out)
{
	const char	*state, *words;
	char		 id[CONTROL_ID_MAX + 1];
	size_t		 idlen, slen;
	enum sms_report	 r;

	idlen = strcspn(args, " ");
	state = args + idlen + (args[idlen] == ' ');
	slen = strcspn(state, " ");
	words = state[slen] == ' ' ? state + slen + 1 : NULL;
	if (idlen == 0 || idlen > CONTROL_ID_MAX ||
	    (r = report_state(state, slen)) == SMS_REPORT_NONE) {
		evbuffer_add_printf(out, "error: usage: report ID STATE "
		    "[WORDS], STATE one of enroute, delivered, expired, "
		    "undeliverable, rejected, unknown\n");
		return;
	}
	memcpy(id, args, idlen);
	id[idlen] = '\0';
	if (queue_report(srv->queue, id, r, 0, words) == 0)
		evbuffer_add_printf(out, "ok\nreport %s taken for %s\n",
		    sms_report_name(r), id);
	else
		evbuffer_add_printf(out, "error: no queued SMS is known by "
		    "%s\n", id);
}

/*
 * control_delete_message_id - every queued SMS whose Message-ID: is msgid
 * (the same message sent again, or to several recipients' messages)
 */
static void
control_delete_message_id(struct server *srv, const char *msgid,
    struct evbuffer *out)
{
	char	(*ids)[QID_LEN + 1];
	size_t	 n, i, deleted = 0;

	if ((ids = calloc(DELETE_MANY_MAX, sizeof(*ids))) == NULL) {
		evbuffer_add_printf(out, "error: out of memory\n");
		return;
	}
	n = ctl_queue_by_message_id(srv->queue, msgid, ids, DELETE_MANY_MAX);
	if (n > DELETE_MANY_MAX)
		n = DELETE_MANY_MAX;
	for (i = 0; i < n; i++)
		if (queue_delete(srv->queue, ids[i]) == 0)
			deleted++;
	if (n == 0)
		evbuffer_add_printf(out, "error: no queued message has "
		    "Message-ID <%s>\n", msgid);
	else if (deleted < n)
		evbuffer_add_printf(out, "error: deleted %zu of %zu messages "
		    "with Message-ID <%s>; the others are being delivered "
		    "right now\n", deleted, n, msgid);
	else {
		evbuffer_add_printf(out, "ok\n");
		for (i = 0; i < n; i++)
			evbuffer_add_printf(out, "deleted %s\n", ids[i]);
	}
	free(ids);
}

/* control_optout - "add NUMBER", "remove NUMBER" or "list" */
static void
control_optout(struct server *srv, const char *args, struct evbuffer *out)
{
	char	 err[512];
	int	 rc;

	if (strcmp(args, "list") == 0) {
		evbuffer_add_printf(out, "ok\n");
		optout_list(srv->optout, out);
		return;
	}
	if ((strncmp(args, "add ", 4) != 0 && strncmp(args, "remove ", 7) !=
	    0) || !optout_number_ok(strchr(args, ' ') + 1)) {
		evbuffer_add_printf(out, "error: usage: optout add|remove "
		    "NUMBER (E.164, e.g. +4915112345678) or optout list\n");
		return;
	}
	if (args[0] == 'a')
		rc = optout_add(srv->optout, args + 4, err, sizeof(err));
	else
		rc = optout_remove(srv->optout, args + 7, err, sizeof(err));
	if (rc == -1)
		evbuffer_add_printf(out, "error: %s\n", err);
	else
		evbuffer_add_printf(out, "ok\n%s %s%s\n", strchr(args, ' ') + 1,
		    args[0] == 'a' ? "opted out" : "may be texted again",
		    rc == 1 ? " (already)" : "");
}

/* control_answer - run one command line into out */
static void
control_answer(struct server *srv, const char *line, struct evbuffer *out)
{
	if (strcmp(line, CTL_QUEUE " " CTL_SCHEDULED) == 0) {
		evbuffer_add_printf(out, "ok\n");
		ctl_queue_scheduled(srv->queue, clock_now(), out);
	} else if (strncmp(line, CTL_DELETE " " CTL_BY_MESSAGE_ID " ",
	    sizeof(CTL_DELETE " " CTL_BY_MESSAGE_ID)) == 0)
		control_delete_message_id(srv, line +
		    sizeof(CTL_DELETE " " CTL_BY_MESSAGE_ID), out);
	else if (strcmp(line, "queue") == 0) {
		evbuffer_add_printf(out, "ok\n");
		ctl_queue_list(srv->queue, clock_now(), out);
	} else if (strcmp(line, CTL_BACKENDS) == 0) {
		evbuffer_add_printf(out, "ok\n");
		ctl_backends(srv->queue, (int64_t)time(NULL), out);
	} else if (strncmp(line, "show ", 5) == 0) {
		struct evbuffer *tmp = evbuffer_new();

		if (tmp != NULL && ctl_queue_show(srv->queue, line + 5,
		    clock_now(), tmp) == 0) {
			evbuffer_add_printf(out, "ok\n");
			evbuffer_add_buffer(out, tmp);
		} else
			evbuffer_add_printf(out, "error: no message %s in the "
			    "queue\n", line + 5);
		if (tmp != NULL)
			evbuffer_free(tmp);
	} else if (strcmp(line, "flush") == 0) {
		queue_flush(srv->queue);
		evbuffer_add_printf(out, "ok\nflushed: deferred recipients "
		    "are retried now\n");
	} else if (strncmp(line, "delete ", 7) == 0) {
		if (queue_delete(srv->queue, line + 7) == 0)
			evbuffer_add_printf(out, "ok\ndeleted %s\n", line + 7);
		else
			evbuffer_add_printf(out, "error: %s is not in the queue "
			    "or is being delivered right now\n", line + 7);
	} else if (strncmp(line, CTL_REPORT " ", sizeof(CTL_REPORT)) == 0)
		control_report(srv, line + sizeof(CTL_REPORT), out);
	else if (strncmp(line, CTL_OPTOUT " ", sizeof(CTL_OPTOUT)) == 0)
		control_optout(srv, line + sizeof(CTL_OPTOUT), out);
	else if (strncmp(line, CTL_STATS, sizeof(CTL_STATS) - 1) == 0 &&
	    (line[sizeof(CTL_STATS) - 1] == '\0' ||
	    line[sizeof(CTL_STATS) - 1] == ' '))
		ctl_stats(dstats_table_now(), line + sizeof(CTL_STATS) - 1, out);
	else
		evbuffer_add_printf(out, "error: unknown command; try queue, "
		    "queue --scheduled, show ID, flush, delete ID, delete "
		    "--message-id MSGID, backends, report ID STATE, "
		    "optout add|remove NUMBER, optout list, stats\n");
}

/* one administrator's connection: a command, its answer, a deadline */
struct control_conn {
	struct server		*srv;
	struct bufferevent	*bev;
	struct event		*deadline;	/* from accept, never moved */
};

/* conn_free - the answer is out, the client left, or its time is up */
static void
conn_free(struct control_conn *cc)
{
	if (cc->deadline != NULL)
		event_free(cc->deadline);
	if (cc->bev != NULL)
		bufferevent_free(cc->bev);
	free(cc);
}

static void
control_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_free(arg);
}

static void
control_written(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_free(arg);
}

static void
control_deadline(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	conn_free(arg);
}

/* control_read - a whole command line answers; a long one is refused */
static void
control_read(struct bufferevent *bev, void *arg)
{
	struct control_conn *cc = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct evbuffer	*out = bufferevent_get_output(bev);
	char		*line;
	size_t		 n;

	line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);
	if (line == NULL) {
		if (evbuffer_get_length(in) <= CONTROL_LINE_MAX)
			return;
		evbuffer_add_printf(out, "error: command too long\n");
	} else {
		if (n > CONTROL_LINE_MAX)
			evbuffer_add_printf(out, "error: command too long\n");
		else
			control_answer(cc->srv, line, out);
		free(line);
	}
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, control_written, control_event, cc);
}

static void
control_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct event_base	*base = evconnlistener_get_base(l);
	struct timeval		 tv = { CONTROL_DEADLINE, 0 };
	struct control_conn	*cc;

	(void)sa;
	(void)salen;
	accept_backoff_ok(&control_backoff);
	if ((cc = calloc(1, sizeof(*cc))) == NULL) {
		close(fd);
		return;
	}
	cc->srv = arg;
	cc->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cc->bev == NULL)
		close(fd);
	if (cc->bev == NULL ||
	    (cc->deadline = evtimer_new(base, control_deadline, cc)) == NULL ||
	    evtimer_add(cc->deadline, &tv) == -1) {
		conn_free(cc);
		return;
	}
	bufferevent_setcb(cc->bev, control_read, NULL, control_event, cc);
	bufferevent_enable(cc->bev, EV_READ | EV_WRITE);
}

/* control_accept_error - out of file handles: pause, do not spin */
static void
control_accept_error(struct evconnlistener *l, void *arg)
{
	(void)l;
	(void)arg;
	accept_backoff_error(&control_backoff);
}

/* control_listen - bind the socket (owner and group may use it) */
int
control_listen(struct server *srv, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t		 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	old = umask(0117);
	control_listener = evconnlistener_new_bind(srv->base, control_accept, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (control_listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
		    strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(control_listener, control_accept_error);
	if (accept_backoff_init(&control_backoff, srv->base, control_listener,
	    "control") == -1 || (control_path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* control_close - stop listening and remove the socket */
void
control_close(void)
{
	accept_backoff_free(&control_backoff);
	if (control_listener != NULL)
		evconnlistener_free(control_listener);
	control_listener = NULL;
	if (control_path != NULL)
		unlink(control_path);
	free(control_path);
	control_path = NULL;
}
