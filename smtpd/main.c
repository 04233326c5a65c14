/*
 * main.c - smsrelayd: options, configuration, the one event loop, signals
 * (SIGTERM drains and exits, SIGHUP reloads), and an orderly shutdown.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>

#include "config.h"
#include "conf/conf.h"
#include "sms/convert/charset.h"
#include "sms/lib/evbase.h"
#include "sms/convert/mime.h"
#include "sms/convert/region.h"
#include "smtpd/policy/passwd_check.h"
#include "smtpd/ctl/control.h"
#include "smtpd/http/http_listener.h"
#include "smtpd/http/metrics_route.h"
#include "smtpd/http/report_route.h"
#include "smtpd/http/admin_access.h"
#include "smtpd/http/status_history.h"
#include "smtpd/http/status_route.h"
#include "smtpd/smtp/fdlimit.h"
#include "smtpd/smtp/listen.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "smtpd/intake/dedup_journal.h"
#include "smtpd/policy/limiter.h"
#include "smtpd/policy/optout.h"
#include "smtpd/privdrop.h"
#include "smtpd/stats/dstats.h"
#include "smtpd/queue/queue.h"
#include "smtpd/policy/ratelimit.h"
#include "smtpd/smtp/session.h"
#include "smtpd/smtp/tls.h"
#include "smtpd/state/shared_state.h"

#define DEFAULT_CONF	SYSCONFDIR "/smsrelay.conf"
#define DRAIN_DEADLINE	30	/* seconds SIGTERM waits for in-flight work */
#define EXPIRE_EVERY	600	/* seconds between sweeps of idle rate counters */

struct daemon {
	struct event_base	*base;
	struct server		 srv;
	struct conf		*boot_conf;	/* the backends point into it */
	struct conf		*live_conf;	/* the latest reload, if any */
	const char		*conf_file;
	int			 drained;
	struct event		*exit_check;
	struct event		*expire;
	struct http_listener	*http;		/* NULL: no http.listen */
	struct report_route	*reports;
	struct metrics_route	*metrics;
	struct admin_access	*admin;		/* who may see /status */
	struct status_route	*status;
};

static void
usage(void)
{
	fprintf(stderr, "usage: smsrelayd [-dnvV] [-f file]\n");
	exit(1);
}

/* load_conf - the file given, else the default file, else the embedded one */
static struct conf *
load_conf(const char *file, int *embedded)
{
	struct conf	*c;
	char		 err[1024];

	*embedded = 0;
	if (file == NULL && access(DEFAULT_CONF, F_OK) == 0)
		file = DEFAULT_CONF;
	if (file == NULL) {
		*embedded = 1;
		if ((c = conf_default()) == NULL) {
			fprintf(stderr, "smsrelayd: out of memory\n");
			exit(1);
		}
		return c;
	}
	if (conf_load(file, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	return c;
}

/* exit_check_cb - leave the loop once drained and no session is left */
static void
exit_check_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)ev;
	if (d->drained && d->srv.nsessions == 0)
		event_base_loopexit(d->base, NULL);
}

static void
drained_cb(void *arg)
{
	struct daemon *d = arg;

	d->drained = 1;
	log_info("queue drained: nothing in flight");
}

/* on_term - stop taking mail, finish what is in flight, then exit */
static void
on_term(evutil_socket_t sig, short ev, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tick = { 0, 100000 }, deadline = { DRAIN_DEADLINE, 0 };

	(void)ev;
	if (d->srv.stopping)
		return;
	log_info("received signal %d: shutting down", (int)sig);
	d->srv.stopping = 1;
	server_stop_listening(&d->srv);
	control_close();
	session_shutdown(&d->srv);
	queue_drain(d->srv.queue, drained_cb, d);
	d->exit_check = event_new(d->base, -1, EV_PERSIST, exit_check_cb, d);
	if (d->exit_check != NULL)
		event_add(d->exit_check, &tick);
	event_base_loopexit(d->base, &deadline);
}

/* load_secrets - TLS context and users file; -1 with the reason in err */
static int
load_secrets(const struct conf *c, SSL_CTX **ctx, struct auth_users **users,
    char *err, size_t errlen)
{
	*ctx = NULL;
	*users = NULL;
	if (privdrop_check_conf(c, err, errlen) == -1)
		return -1;
	if (c->tls.certificate != NULL &&
	    (*ctx = tls_ctx_new(c, err, errlen)) == NULL)
		return -1;
	if (c->auth.users_file != NULL &&
	    auth_users_load(c->auth.users_file, users, err, errlen) == -1) {
		SSL_CTX_free(*ctx);
		*ctx = NULL;
		return -1;
	}
	return 0;
}

/* expire_cb - forget rate counters nobody has touched for a day */
static void
expire_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)ev;
	ratelimit_expire(d->srv.limits, ratelimit_now_ms());
}

/* reload_secrets - new certificate and users; the old stay on any error */
static int
reload_secrets(struct daemon *d, const struct conf *c)
{
	SSL_CTX			*ctx;
	struct auth_users	*users;
	char			 err[1024];

	if (load_secrets(c, &ctx, &users, err, sizeof(err)) == -1) {
		log_warnx("reload failed, keeping the current settings: %s", err);
		return -1;
	}
	if ((ctx == NULL) != (d->srv.tls_ctx == NULL) ||
	    (users == NULL) != (d->srv.auth == NULL))
		log_warnx("reload: turning TLS or AUTH on or off takes effect at "
		    "the next restart");
	if (ctx != NULL && d->srv.tls_ctx != NULL) {
		/* sessions under way keep a reference to the old context */
		SSL_CTX_free(d->srv.tls_ctx);
		d->srv.tls_ctx = ctx;
		if (d->http != NULL)
			http_listener_set_tls(d->http, ctx);
	} else
		SSL_CTX_free(ctx);
	if (users != NULL && d->srv.auth != NULL)
		auth_checker_set_users(d->srv.auth, users);
	else
		auth_users_free(users);
	return 0;
}

/* calendar_ms - the shared state's clock: windows follow the calendar */
static uint64_t
calendar_ms(void *arg)
{
	(void)arg;
	return (uint64_t)clock_now_ms();
}

/* on_inbound - a subscriber texted: a STOP word opts the number out */
static void
on_inbound(void *arg, const struct sms_inbound *m)
{
	struct daemon	*d = arg;
	const struct conf *c = d->srv.conf;
	char		 err[512];
	int		 rc;

	if (!optout_is_keyword(m->text, c->optout.keywords,
	    c->optout.nkeywords)) {
		log_info("inbound from=%s: not an opt-out word, ignored",
		    m->from);
		return;
	}
	if (!optout_number_ok(m->from)) {
		log_warnx("inbound from=%s: opt-out word, but the sender is "
		    "no number in E.164 form", m->from);
		return;
	}
	if ((rc = optout_add(d->srv.optout, m->from, err, sizeof(err))) == -1)
		log_warnx("inbound from=%s: opt-out not kept: %s", m->from,
		    err);
	else
		log_info("inbound from=%s opted out%s", m->from,
		    rc == 1 ? " (already)" : "");
}

/*
 * start_state - the in-process shared state, the duplicate keys a restart
 * kept, the opt-out list
 */
static void
start_state(struct daemon *d)
{
	struct state_local_conf sc = { .now_ms = calendar_ms };
	char		 err[1024];

	if ((d->srv.state = state_local_new(d->base, &sc)) == NULL)
		fatal("shared state");
	if ((d->srv.dedup_journal = dedup_journal_open(d->boot_conf->spool,
	    d->srv.state, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if ((d->srv.optout = optout_new(d->boot_conf->optout.file,
	    d->srv.state)) == NULL)
		fatalx("out of memory");
	if (optout_load(d->srv.optout, err, sizeof(err)) == -1)
		fatalx("optout: %s", err);
	queue_set_inbound(d->srv.queue, on_inbound, d);
}

/* on_hup - reload; the old settings stay if the file has an error */
static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct daemon	*d = arg;
	struct conf	*c;
	char		 err[1024];

	(void)sig;
	(void)ev;
	/* the administrator's list, whatever becomes of the configuration */
	if (optout_load(d->srv.optout, err, sizeof(err)) == -1)
		log_warnx("reload: opt-out list kept: %s", err);
	if (d->conf_file == NULL) {
		log_info("reload: embedded default configuration, nothing to read");
		return;
	}
	if (conf_load(d->conf_file, &c, err, sizeof(err)) == -1) {
		log_warnx("reload failed, keeping the current settings: %s", err);
		return;
	}
	if (reload_secrets(d, c) == -1) {
		conf_free(c);
		return;
	}
	if (c->nlisten != d->boot_conf->nlisten ||
	    strcmp(c->spool, d->boot_conf->spool) != 0 ||
	    (c->http.listen == NULL) != (d->boot_conf->http.listen == NULL) ||
	    (c->http.listen != NULL &&
	    strcmp(c->http.listen, d->boot_conf->http.listen) != 0))
		log_warnx("reload: listen, http.listen and spool changes take "
		    "effect at the next restart");
	if (geteuid() != 0 && d->boot_conf->run_as != NULL)
		log_info("reload: run as %s; files must be readable by it",
		    d->boot_conf->run_as);
	d->srv.conf = c;
	queue_set_conf(d->srv.queue, c);
	if (d->reports != NULL)
		report_route_set_conf(d->reports, c);
	if (d->admin != NULL)
		admin_access_set_conf(d->admin, c);
	if (d->live_conf != NULL)
		conf_free(d->live_conf);
	d->live_conf = c;
	log_info("reload: configuration %s read again", d->conf_file);
}

int
main(int argc, char *argv[])
{
	struct daemon	 d;
	struct event	*ev_term, *ev_int, *ev_hup;
	struct auth_users *users;
	const char	*file = NULL;
	char		 err[1024], cost[64];
	unsigned long	 limit;
	int		 ch, foreground = 0, check = 0, verbose = 0, embedded;

	memset(&d, 0, sizeof(d));
	while ((ch = getopt(argc, argv, "df:nvV")) != -1) {
		switch (ch) {
		case 'd': foreground = 1; break;
		case 'f': file = optarg; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 'V': printf("smsrelayd %s\n", PACKAGE_VERSION); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if ((d.boot_conf = load_conf(file, &embedded)) == NULL)
		return 1;
	d.conf_file = embedded ? NULL : (file != NULL ? file : DEFAULT_CONF);
	if (load_secrets(d.boot_conf, &d.srv.tls_ctx, &users, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "smsrelayd: %s\n", err);
		conf_free(d.boot_conf);
		return 1;
	}
	if (check) {
		if (embedded)
			printf("# embedded default configuration (no %s)\n",
			    DEFAULT_CONF);
		conf_print(d.boot_conf, stdout);
		if (fdlimit_warning(d.boot_conf, fdlimit_max(), err, sizeof(err)))
			fprintf(stderr, "smsrelayd: warning: %s\n", err);
		SSL_CTX_free(d.srv.tls_ctx);
		auth_users_free(users);
		conf_free(d.boot_conf);
		return 0;
	}
	log_init(foreground || !d.boot_conf->log.syslog,
	    verbose || d.boot_conf->log.verbose, "smsrelayd");
	if (embedded)
		log_info("using embedded default configuration (no %s): "
		    "127.0.0.1:2525, spool ./%s, outbox %s", DEFAULT_CONF,
		    d.boot_conf->spool, d.boot_conf->backend.path);
	else
		log_info("using configuration %s", d.conf_file);
	limit = fdlimit_raise();
	d.srv.fd_sessions = fdlimit_sessions(d.boot_conf, limit);
	if (fdlimit_warning(d.boot_conf, limit, err, sizeof(err)))
		log_warnx("%s", err);
	if (mime_selftest() == -1)
		fatalx("charset conversion does not work (iconv missing?)");
	/* now, not on the first RCPT: the loop must not wait for the disk */
	if (region_load(NULL) == -1)
		log_warnx("%s/zone.tab or iso3166.tab unreadable (tzdata "
		    "missing?): quiet hours cannot know a number's time zone",
		    ZONEINFO_DIR);
	signal(SIGPIPE, SIG_IGN);
	if ((d.base = evbase_new()) == NULL)
		fatalx("event_base_new failed");
	d.srv.base = d.base;
	log_set_base(d.base);
	if (clock_init(d.base, err, sizeof(err)) == -1)
		fatalx("%s", err);
	d.srv.conf = d.boot_conf;
	/* ports and secrets as root, then the rest as run_as */
	if (server_listen(&d.srv, err, sizeof(err)) == -1 ||
	    (d.boot_conf->http.listen != NULL && (d.http = http_listener_new(
	    d.base, d.boot_conf, d.srv.tls_ctx, err, sizeof(err))) == NULL) ||
	    privdrop_drop(d.boot_conf, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (d.boot_conf->run_as != NULL && geteuid() != 0)
		log_info("running as %s", d.boot_conf->run_as);
	if ((d.srv.limits = ratelimit_new()) == NULL ||
	    (d.srv.limiter = limiter_local_new(d.srv.limits)) == NULL)
		fatalx("out of memory");
	if (users != NULL) {
		if ((d.srv.auth = auth_checker_new(d.base,
		    d.boot_conf->auth.workers)) == NULL)
			fatalx("cannot start the password check threads");
		auth_users_dummy_cost(users, cost, sizeof(cost));
		log_info("auth: %zu user%s from %s, unknown names cost %s",
		    auth_users_count(users), auth_users_count(users) == 1 ?
		    "" : "s", d.boot_conf->auth.users_file, cost[0] ? cost :
		    "$y$");
		auth_checker_set_users(d.srv.auth, users);
	}
	/* before the queue: what its replay ends is counted */
	if (dstats_start(d.base, d.boot_conf, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((d.srv.queue = queue_new(d.base, d.boot_conf, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	start_state(&d);
	if (control_listen(&d.srv, d.boot_conf->control_socket, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	if (d.http != NULL && (d.reports = report_route_new(d.http,
	    d.srv.queue, d.boot_conf)) == NULL)
		fatalx("http: cannot add the report route");
	if (d.http != NULL && ((d.admin = admin_access_new(d.boot_conf,
	    d.srv.auth)) == NULL || (d.status = status_route_new(d.http,
	    d.srv.queue, d.admin)) == NULL || status_history_start(d.base) == -1))
		fatalx("http: cannot add the status route");
	if (d.http != NULL && (d.metrics = metrics_route_new(d.http,
	    d.srv.queue, d.admin)) == NULL)
		fatalx("http: cannot add the metrics route");
	if ((d.expire = event_new(d.base, -1, EV_PERSIST, expire_cb, &d)) == NULL ||
	    event_add(d.expire, &(struct timeval){ EXPIRE_EVERY, 0 }) == -1)
		fatalx("cannot add the rate counter timer");
	ev_term = evsignal_new(d.base, SIGTERM, on_term, &d);
	ev_int = evsignal_new(d.base, SIGINT, on_term, &d);
	ev_hup = evsignal_new(d.base, SIGHUP, on_hup, &d);
	if (ev_term == NULL || ev_int == NULL || ev_hup == NULL ||
	    evsignal_add(ev_term, NULL) == -1 || evsignal_add(ev_int, NULL) == -1 ||
	    evsignal_add(ev_hup, NULL) == -1)
		fatalx("cannot install signal handlers");
	log_info("smsrelayd %s started, %zu message%s in the queue",
	    PACKAGE_VERSION, queue_size(d.srv.queue),
	    queue_size(d.srv.queue) == 1 ? "" : "s");
	event_base_dispatch(d.base);

	/* the callbacks hand reports to the queue: they go before it */
	http_listener_free(d.http);
	report_route_free(d.reports);
	metrics_route_free(d.metrics);
	status_route_free(d.status);
	/* its password checks are cancelled before the threads go */
	admin_access_free(d.admin);
	status_history_stop();
	/* the queue first: its last commits still answer waiting sessions */
	queue_free(d.srv.queue);
	dstats_stop();
	session_close_all(&d.srv);
	control_close();
	server_free(&d.srv);
	if (d.srv.auth != NULL)
		auth_checker_free(d.srv.auth);
	limiter_free(d.srv.limiter);
	optout_free(d.srv.optout);
	dedup_journal_free(d.srv.dedup_journal);
	state_free(d.srv.state);
	ratelimit_free(d.srv.limits);
	SSL_CTX_free(d.srv.tls_ctx);
	event_free(d.expire);
	if (d.exit_check != NULL)
		event_free(d.exit_check);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	clock_close();
	log_set_base(NULL);
	event_base_free(d.base);
	if (d.live_conf != NULL)
		conf_free(d.live_conf);
	conf_free(d.boot_conf);
	charset_close();
	log_info("stopped");
	return 0;
}
