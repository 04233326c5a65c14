/*
 * sched_gen.c - the scheduled-scale bench's spool: N messages held for a
 * later release, written through the daemon's own record and spool code.
 *
 * Usage: sched_gen -d SPOOLDIR -n N -a RELEASE_EPOCH [-s SPREAD_SECONDS]
 * Each message is an SMS of one recipient as an SMTP client would leave it
 * (envelope, ~300 bytes of headers with a Message-ID, ~500 raw bytes, a
 * 90-character text), released at RELEASE + i % SPREAD. Group-committed in
 * batches of 10,000, as the daemon would. Prints the journal's size.
 */
#include <sys/time.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "smtpd/queue/spool.h"

#define BATCH	10000

struct gen {
	struct event_base	*base;
	int			 done;
	int			 error;
};

static void
committed(void *arg, int error)
{
	struct gen *g = arg;

	g->done = 1;
	g->error = error;
}

static void
replay_none(void *arg, uint64_t id, struct message *m,
    const struct spool_loc *loc)
{
	(void)arg;
	(void)id;
	(void)loc;
	free(m);
}

static void
state_none(void *arg, const struct rec_state *st)
{
	(void)arg;
	(void)st;
}

static void
done_none(void *arg, uint64_t id)
{
	(void)arg;
	(void)id;
}

/* commit - wait until everything appended is on disk */
static void
commit(struct spool *s, struct gen *g)
{
	g->done = 0;
	spool_commit(s, committed, g);
	while (!g->done)
		event_base_loop(g->base, EVLOOP_ONCE);
	if (g->error) {
		fprintf(stderr, "sched_gen: commit: %s\n", strerror(g->error));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	const char	*dir = NULL;
	unsigned long	 n = 0, i, spread = 3600;
	int64_t		 release = 0;
	struct gen	 g = { 0 };
	struct spool	*s;
	struct spool_replay rp = { .msg = replay_none, .state = state_none,
	    .done = done_none };
	struct spool_loc loc;
	struct timeval	 tv;
	uint64_t	 id0;
	char		 err[256], headers[512], raw[1024], to[32], addr[64];
	int		 ch;

	while ((ch = getopt(argc, argv, "d:n:a:s:")) != -1)
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'a': release = strtoll(optarg, NULL, 10); break;
		case 's': spread = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	if (dir == NULL || n == 0 || release == 0 || spread == 0)
		goto usage;
	g.base = event_base_new();
	if ((s = spool_open(dir, g.base, 0, err, sizeof(err))) == NULL ||
	    spool_replay(s, &rp, err, sizeof(err)) == -1 ||
	    spool_start(s, err, sizeof(err)) == -1) {
		fprintf(stderr, "sched_gen: %s\n", err);
		return 1;
	}
	gettimeofday(&tv, NULL);
	id0 = ((uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec) << 8;
	for (i = 0; i < n; i++) {
		struct message_rcpt r;
		struct message	 m;
		int		 hl, rl;

		snprintf(to, sizeof(to), "+4917%09lu", i);
		snprintf(addr, sizeof(addr), "%s@sms.example", to);
		hl = snprintf(headers, sizeof(headers), "From: Billing "
		    "<billing@example.com>\r\nTo: <%s>\r\nDate: Sat, 5 Dec "
		    "2026 22:00:00 +0100\r\nMessage-ID: <dunning-%lu@erp."
		    "example.com>\r\nSubject: Payment reminder\r\nMIME-Version:"
		    " 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		    "X-SMS-Send-At: 2026-12-06T08:00:00+01:00\r\n", addr, i);
		rl = snprintf(raw, sizeof(raw), "%s\r\nDear customer, invoice "
		    "%lu is overdue. Please pay within 7 days or call us at "
		    "+49 30 1234567. Thank you.\r\n", headers, 100000 + i);
		r = (struct message_rcpt){ addr, to, NULL, 0 };
		m = (struct message){ .kind = MSG_SMS, .arrival = release -
		    36000, .sender = "billing@example.com", .client =
		    "192.0.2.10", .helo = "erp.example.com", .text = "Payment "
		    "reminder: invoice overdue, please pay within 7 days or "
		    "call +49 30 1234567.", .parts = 1, .headers = headers,
		    .headers_len = (size_t)hl, .raw = raw, .raw_len = (size_t)rl,
		    .not_before = release + (int64_t)(i % spread), .rcpts = &r,
		    .nrcpts = 1 };
		if (spool_put_msg(s, id0 + i, &m, &loc, NULL, NULL) == -1) {
			perror("sched_gen: spool_put_msg");
			return 1;
		}
		if ((i + 1) % BATCH == 0)
			commit(s, &g);
	}
	commit(s, &g);
	printf("sched_gen: %lu messages, journal up to segment %" PRIu32
	    " offset %" PRIu64 "\n", n, loc.seg, loc.off + loc.len);
	spool_close(s);
	event_base_free(g.base);
	return 0;
usage:
	fprintf(stderr, "usage: sched_gen -d SPOOLDIR -n N -a RELEASE_EPOCH "
	    "[-s SPREAD]\n");
	return 2;
}
