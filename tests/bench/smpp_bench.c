/*
 * smpp_bench.c - submit_sm per second of the SMPP client on one loop: N
 * one-part SMS through smpp_backend_new against an SMSC, with a given window.
 *
 * Usage: smpp_bench -p PORT [-n N] [-w WINDOW] [-m MAX_IN_FLIGHT]
 * Measured: from the first submit after a warm-up of 200 SMS (bind done)
 * to the last submit_sm_resp; each SMS is one submit_sm, so SMS/s is
 * submit_sm/s. Prints one line: smpp: window=W n=N ... submit_sm/s.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf/conf.h"
#include "sms/transport/backend.h"

#define WARMUP	200

struct run {
	struct backend		*b;
	struct event_base	*base;
	struct event		*refill;
	unsigned long		 want;		/* SMS of this phase */
	unsigned long		 submitted;
	unsigned long		 done;
	unsigned long		 sent;
	char			 to[32];
	char			 ref[32];
};

static void	smsdone(void *, const struct sms_outcome *);

/* cpu_s - user and system time of the process so far */
static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* fill - submit while the backend takes more and the phase wants more */
static void
fill(struct run *r)
{
	struct sms	 sms = { .parts = 1, .encoding = "GSM-7",
	    .text = "Your parcel 4711 is ready for pickup" };

	while (r->submitted < r->want && backend_has_capacity(r->b)) {
		snprintf(r->to, sizeof(r->to), "+49170%07lu",
		    r->submitted % 10000000);
		snprintf(r->ref, sizeof(r->ref), "bench.%lu", r->submitted);
		sms.to = r->to;
		sms.ref = r->ref;
		if (backend_submit(r->b, &sms, smsdone, r) == -1)
			break;
		r->submitted++;
	}
}

/* refill - from the loop, never inside a result callback */
static void
refill(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	fill(arg);
}

/* smsdone - one SMS answered */
static void
smsdone(void *arg, const struct sms_outcome *o)
{
	struct run	*r = arg;

	r->done++;
	if (o->result == SMS_SENT)
		r->sent++;
	else if (o->result != SMS_THROTTLED)
		fprintf(stderr, "smpp_bench: %s: %s\n",
		    sms_result_name(o->result),
		    o->reason != NULL ? o->reason : "");
	if (o->result == SMS_THROTTLED)
		r->submitted--;		/* to be submitted again */
	if (r->done >= r->want)
		event_base_loopbreak(r->base);
	else
		event_active(r->refill, EV_TIMEOUT, 1);
}

/* phase - n more SMS, the loop running until all are answered */
static void
phase(struct run *r, unsigned long n)
{
	r->want += n;
	fill(r);
	event_base_dispatch(r->base);
}

int
main(int argc, char **argv)
{
	struct backend_conf	 bc = { .name = "bench",
	    .type = BACKEND_SMPP };
	struct run		 r = { 0 };
	unsigned long		 n = 20000;
	char			 url[64], err[256];
	const char		*port = NULL;
	double			 t0, t1, c0, c1;
	int			 ch;

	bc.max_in_flight = 1000;
	bc.smpp = (struct smpp_conf){ .system_id = "bench", .password = "bench",
	    .window = 10, .enquire_link = 30, .response_timeout = 30,
	    .reconnect_max = 5, .tls_verify = true,
	    .bind = SMPP_BIND_MODE_TRANSCEIVER,
	    .long_messages = SMPP_LONG_UDH };
	while ((ch = getopt(argc, argv, "p:n:w:m:")) != -1) {
		switch (ch) {
		case 'p':
			port = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			bc.smpp.window = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			bc.max_in_flight = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: smpp_bench -p PORT [-n N] "
			    "[-w WINDOW] [-m MAX_IN_FLIGHT]\n");
			return 2;
		}
	}
	if (port == NULL || n == 0 || bc.smpp.window == 0) {
		fprintf(stderr, "smpp_bench: -p PORT is required\n");
		return 2;
	}
	snprintf(url, sizeof(url), "smpp://127.0.0.1:%s", port);
	bc.smpp.url = url;
	if ((r.base = event_base_new()) == NULL ||
	    (r.refill = event_new(r.base, -1, 0, refill, &r)) == NULL ||
	    (r.b = smpp_backend_new(NULL, &bc, r.base, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "smpp_bench: %s\n", err);
		return 1;
	}
	phase(&r, WARMUP);
	r.done = r.sent = 0;
	r.want = r.submitted = 0;
	t0 = now_s();
	c0 = cpu_s();
	phase(&r, n);
	t1 = now_s();
	c1 = cpu_s();
	printf("smpp: window=%u n=%lu sent=%lu in %.2fs: %.0f submit_sm/s, "
	    "client CPU %.1f us per submit_sm\n", bc.smpp.window, n, r.sent,
	    t1 - t0, (double)r.sent / (t1 - t0), (c1 - c0) * 1e6 / (double)n);
	backend_free(r.b);
	event_free(r.refill);
	event_base_free(r.base);
	return r.sent == n ? 0 : 1;
}
