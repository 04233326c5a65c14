/*
 * test_queue.c - the queue on a real spool with the outbox backend: a
 * submitted message goes out and leaves its states in the journal, a
 * replayed one shows in the admin views, and the report channel finds a
 * recipient by provider id or client reference, before and after a replay.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "sms/lib/stats.h"
#include "sms/lib/log.h"
#include "smtpd/ctl/queue_view.h"
#include "smtpd/queue/queue.h"
#include "smtpd/queue/report.h"
#include "smtpd/queue/spool.h"

#define MSG_ID		0x0006452A1F9C3B00ull
#define MSG_IDSTR	"0006452A1F9C3B00"

static char		 dir[64], outbox[96];
static unsigned		 retry[] = { 60 };
static struct conf	 conf;

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_queue.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(outbox, sizeof(outbox), "%s/outbox.jsonl", dir);
	memset(&conf, 0, sizeof(conf));
	conf.hostname = "relay.test";
	conf.spool = dir;
	conf.backend.type = BACKEND_OUTBOX;
	conf.backend.path = outbox;
	conf.queue.retry = retry;
	conf.queue.nretry = 1;
	conf.queue.lifetime = 86400;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- what the journal holds ---- */

struct journal {
	int		 msgs;
	uint64_t	 id;
	uint32_t	 nrcpts;
	uint8_t		 states[2][4];	/* per recipient, in order */
	int		 nstates[2];
	char		 provider_id[2][64];
	int		 done;
};

static void
j_msg(void *arg, uint64_t id, struct message *m, const struct spool_loc *loc)
{
	struct journal *j = arg;

	(void)loc;
	j->msgs++;
	j->id = id;
	j->nrcpts = m->nrcpts;
	free(m);
}

static void
j_state(void *arg, const struct rec_state *st)
{
	struct journal *j = arg;

	assert_true(st->id == j->id && st->rcpt < 2);
	if (j->nstates[st->rcpt] < 4)
		j->states[st->rcpt][j->nstates[st->rcpt]++] = st->state;
	snprintf(j->provider_id[st->rcpt], sizeof(j->provider_id[0]), "%.*s",
	    (int)st->provider_id.len, st->provider_id.p);
}

static void
j_done(void *arg, uint64_t id)
{
	struct journal *j = arg;

	assert_true(id == j->id);
	j->done++;
}

/* read_journal - replay the spool of dir into j */
static void
read_journal(struct journal *j)
{
	struct event_base	*base = event_base_new();
	struct spool_replay	 rp = { j_msg, j_state, j_done, NULL, NULL, j,
	    NULL, NULL };
	struct spool		*s;
	char			 err[256];

	memset(j, 0, sizeof(*j));
	assert_non_null(s = spool_open(dir, base, 0, err, sizeof(err)));
	assert_int_equal(spool_replay(s, &rp, err, sizeof(err)), 0);
	spool_close(s);
	event_base_free(base);
}

/* ---- submitting ---- */

static const struct message_rcpt two[2] = {
	{ "+4917012345678@sms.example.com", "+4917012345678", NULL, 0 },
	{ "+4366412345678@sms.example.com", "+4366412345678", NULL, 0 },
};

static const char raw[] = "Subject: Pickup\r\n\r\nready\r\n";

static const struct message pickup = { .sender = "clerk@example.com",
	.client = "192.0.2.7", .helo = "pc1", .sender_id = "Service",
	.text = "Pickup: ready", .parts = 1, .headers = raw,
	.headers_len = 19, .raw = raw, .raw_len = sizeof(raw) - 1,
	.rcpts = two, .nrcpts = 2 };

static void
accepted(void *arg, int error)
{
	int *answer = arg;

	*answer = error;
}

static void
tick(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
}

/* run_until_empty - turn the loop until the queue holds nothing (10 s) */
static void
run_until_empty(struct event_base *base, struct queue *q)
{
	struct timeval	 tv = { 0, 10000 };
	struct event	*ticker;
	int		 i;

	ticker = event_new(base, -1, EV_PERSIST, tick, NULL);
	assert_non_null(ticker);
	assert_int_equal(event_add(ticker, &tv), 0);
	for (i = 0; i < 1000 && queue_size(q) > 0; i++)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ticker);
	assert_int_equal(queue_size(q), 0);
}

/* count_lines - lines of the outbox that hold s */
static int
count_lines(const char *s)
{
	char	 line[1024];
	FILE	*f;
	int	 n = 0;

	if ((f = fopen(outbox, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, s) != NULL;
	fclose(f);
	return n;
}

/* submit, dispatch to the outbox, SENDING and SENT journaled, then DONE */
static void
test_submit_dispatch_replay(void **state)
{
	struct event_base	*base = event_base_new();
	struct queue		*q;
	struct journal		 j;
	char			 idstr[QID_LEN + 1], ref[64], id[64], err[256];
	int			 answer = -1, i;

	int64_t			 sent = stats_value(STAT_RCPT_SENT);

	(void)state;
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_submit(q, &pickup, accepted, &answer, idstr), 0);
	assert_int_equal(strlen(idstr), QID_LEN);
	assert_int_equal(queue_size(q), 1);
	run_until_empty(base, q);
	assert_int_equal(answer, 0);
	/* the stats seam: two recipients sent, nothing left in flight */
	assert_int_equal(stats_value(STAT_RCPT_SENT), sent + 2);
	assert_int_equal(stats_value(STAT_BACKEND_IN_FLIGHT), 0);
	queue_free(q);

	for (i = 0; i < 2; i++) {
		snprintf(ref, sizeof(ref), "\"ref\":\"%s.%d\"", idstr, i);
		assert_int_equal(count_lines(ref), 1);
	}
	assert_int_equal(count_lines("\"text\":\"Pickup: ready\""), 2);
	assert_int_equal(count_lines("\"from\":\"Service\""), 2);

	read_journal(&j);
	assert_int_equal(j.msgs, 1);
	assert_int_equal(j.nrcpts, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(j.nstates[i], 2);
		assert_int_equal(j.states[i][0], RCPT_SENDING);
		assert_int_equal(j.states[i][1], RCPT_SENT);
		snprintf(id, sizeof(id), "outbox-%s.%d", idstr, i);
		assert_string_equal(j.provider_id[i], id);
	}
	assert_int_equal(j.done, 1);

	/* nothing comes back: the message is done */
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_size(q), 0);
	queue_free(q);
	event_base_free(base);
}

/* ---- a message replayed half sent ---- */

static void
committed(void *arg, int error)
{
	int *answer = arg;

	*answer = error;
}

/*
 * journal_half_sent - the journal of a message whose first recipient the
 * provider took as SM-Ab12 and whose second waits until next_try
 */
static void
journal_half_sent(int64_t arrival, int64_t next_try)
{
	struct event_base	*base = event_base_new();
	struct spool_replay	 rp = { 0 };
	struct spool		*s;
	struct spool_loc	 loc;
	struct message		 m = pickup;
	struct rec_state	 sent = { .id = MSG_ID, .rcpt = 0,
	    .state = RCPT_SENT, .attempts = 1,
	    .provider_id = { "SM-Ab12", 7 }, .reason = { "", 0 } };
	struct rec_state	 deferred = { .id = MSG_ID, .rcpt = 1,
	    .state = RCPT_DEFERRED, .attempts = 1, .next_try = next_try,
	    .provider_id = { "", 0 }, .reason = { "HTTP 503", 8 } };
	char			 err[256];
	int			 answer = -1;

	m.arrival = arrival;
	assert_non_null(s = spool_open(dir, base, 0, err, sizeof(err)));
	assert_int_equal(spool_replay(s, &rp, err, sizeof(err)), 0);
	assert_int_equal(spool_start(s, err, sizeof(err)), 0);
	assert_int_equal(spool_put_msg(s, MSG_ID, &m, &loc, NULL, NULL), 0);
	assert_int_equal(spool_put_state(s, &sent), 0);
	assert_int_equal(spool_put_state(s, &deferred), 0);
	spool_commit(s, committed, &answer);
	while (answer == -1)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(answer, 0);
	spool_close(s);
	event_base_free(base);
}

/* text_of - what an evbuffer holds, as a string (free()) */
static char *
text_of(struct evbuffer *b)
{
	size_t	 n = evbuffer_get_length(b);
	char	*s = malloc(n + 1);

	assert_non_null(s);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	return s;
}

/* list_of, show_of - smsrelayctl's answers at now */
static char *
list_of(const struct queue *q, int64_t now)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	ctl_queue_list(q, now, b);
	s = text_of(b);
	evbuffer_free(b);
	return s;
}

static char *
show_of(const struct queue *q, int64_t now)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	assert_int_equal(ctl_queue_show(q, MSG_IDSTR, now, b), 0);
	s = text_of(b);
	evbuffer_free(b);
	return s;
}

/* the admin views of a replayed message, byte for byte */
static void
test_views(void **state)
{
	struct event_base	*base = event_base_new();
	struct evbuffer		*b = evbuffer_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], want[1024], *s;

	(void)state;
	journal_half_sent(t0 - 100, t0 + 3600);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_size(q), 1);
	s = list_of(q, t0);
	assert_string_equal(s,
	    "ID                    AGE RCPTS STATE     NEXT-TRY\n"
	    "0006452A1F9C3B00     100s     2 deferred  in 3600s\n"
	    "    sent     +4917012345678\n"
	    "    deferred +4366412345678\n"
	    "-- 1 message\n");
	free(s);
	s = show_of(q, t0);
	snprintf(want, sizeof(want),
	    "id: 0006452A1F9C3B00\n"
	    "kind: sms\n"
	    "arrival: %lld (100s ago)\n"
	    "sender: <clerk@example.com>\n"
	    "client: 192.0.2.7\n"
	    "helo: pc1\n"
	    "sender-id: Service\n"
	    "parts: 1\n"
	    "encoding: GSM-7\n"
	    "text: Pickup: ready\n"
	    "recipient 0: +4917012345678 <+4917012345678@sms.example.com>\n"
	    "  state: sent\n"
	    "  attempts: 1\n"
	    "  provider-id: SM-Ab12\n"
	    "recipient 1: +4366412345678 <+4366412345678@sms.example.com>\n"
	    "  state: deferred\n"
	    "  attempts: 1\n"
	    "  next-try: in 3600s\n"
	    "  reason: HTTP 503\n", (long long)(t0 - 100));
	assert_string_equal(s, want);
	free(s);
	assert_int_equal(ctl_queue_show(q, "0006452A1F9C3B01", t0, b), -1);
	assert_int_equal(ctl_queue_show(q, "0006452A1F9C3B0", t0, b), -1);
	assert_int_equal(ctl_queue_show(q, "0006452A1F9C3B0x", t0, b), -1);
	assert_int_equal(evbuffer_get_length(b), 0);
	queue_free(q);
	evbuffer_free(b);
	event_base_free(base);
}

/* the report channel: by provider id or reference, journaled, replayed */
static void
test_report_after_replay(void **state)
{
	struct event_base	*base = event_base_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], *s;

	(void)state;
	journal_half_sent(t0 - 100, t0 + 3600);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	/* the provider's id in its own case, or ours */
	assert_int_equal(queue_report(q, "sm-aB12", SMS_REPORT_DELIVERED,
	    t0 - 50, "stat:DELIVRD err:000"), 0);
	assert_int_equal(queue_report(q, MSG_IDSTR ".1",
	    SMS_REPORT_UNDELIVERABLE, t0 - 40, NULL), 0);
	errno = 0;
	assert_int_equal(queue_report(q, "SM-Ab13", SMS_REPORT_DELIVERED,
	    t0, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(queue_report(q, MSG_IDSTR ".2", SMS_REPORT_DELIVERED,
	    t0, NULL), -1);
	assert_int_equal(queue_report(q, "0006452A1F9C3B01.0",
	    SMS_REPORT_DELIVERED, t0, NULL), -1);
	assert_int_equal(queue_report(q, "SM-Ab12", SMS_REPORT_NONE, t0,
	    NULL), -1);
	assert_int_equal(errno, EINVAL);
	queue_free(q);

	/* after a restart: the reports are back, the id still finds it */
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	s = show_of(q, t0);
	assert_non_null(strstr(s, "  provider-id: SM-Ab12\n"
	    "  report: delivered at "));
	assert_non_null(strstr(s, ": stat:DELIVRD err:000\n"));
	assert_non_null(strstr(s, "  reason: HTTP 503\n"
	    "  report: undeliverable at "));
	free(s);
	assert_int_equal(queue_report(q, "SM-AB12", SMS_REPORT_EXPIRED, t0,
	    "stat:EXPIRED"), 0);
	/* a message the administrator deleted is nobody's any more */
	assert_int_equal(queue_delete(q, MSG_IDSTR), 0);
	assert_int_equal(queue_report(q, "SM-AB12", SMS_REPORT_DELIVERED, t0,
	    NULL), -1);
	assert_int_equal(queue_report(q, MSG_IDSTR ".0", SMS_REPORT_DELIVERED,
	    t0, NULL), -1);
	queue_free(q);
	event_base_free(base);
}

/* the map alone: normal form, replacing, forgetting, growth */
static void
test_report_map(void **state)
{
	struct report_map	*rm = report_map_new();
	uint64_t		 id;
	uint32_t		 rcpt, part, i;
	char			 key[32], *n;

	(void)state;
	assert_non_null(rm);
	n = report_id_normal("SM-Ab12\xc3\x84");
	assert_string_equal(n, "sm-ab12\xc3\x84");
	free(n);
	/* leading zeros do not count, but "000" is an id */
	n = report_id_normal("000A1b");
	assert_string_equal(n, "a1b");
	free(n);
	n = report_id_normal("000");
	assert_string_equal(n, "0");
	free(n);
	assert_int_equal(report_expect(rm, "SM-Ab12", 7, 1, 0), 0);
	assert_int_equal(report_lookup(rm, "sm-AB12", &id, &rcpt, &part), 0);
	assert_true(id == 7 && rcpt == 1);
	/* the same id for another recipient: the newer one wins */
	assert_int_equal(report_expect(rm, "sm-ab12", 8, 0, 0), 0);
	assert_int_equal(report_map_size(rm), 1);
	report_forget(rm, "SM-AB12", 7, 1);
	assert_int_equal(report_lookup(rm, "SM-Ab12", &id, &rcpt, &part), 0);
	assert_true(id == 8 && rcpt == 0);
	report_forget(rm, "SM-AB12", 8, 0);
	assert_int_equal(report_lookup(rm, "SM-Ab12", &id, &rcpt, &part), -1);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "ID-%u", i);
		assert_int_equal(report_expect(rm, key, i, i % 3, 0), 0);
	}
	assert_int_equal(report_map_size(rm), 5000);
	for (i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof(key), "id-%u", i);
		report_forget(rm, key, i, i % 3);
	}
	assert_int_equal(report_map_size(rm), 2500);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "ID-%u", i);
		assert_int_equal(report_lookup(rm, key, &id, &rcpt, &part),
		    i % 2 ? 0 : -1);
		if (i % 2)
			assert_true(id == i && rcpt == i % 3);
	}
	report_map_free(rm);

	/* an SMSC's id in another base, padding or case finds its part */
	assert_non_null(rm = report_map_new());
	assert_int_equal(report_expect(rm, "0A1B", 9, 2, 1), 0);
	assert_int_equal(report_expect(rm, "77", 9, 2, 2), 0);
	assert_int_equal(report_lookup(rm, "2587", &id, &rcpt, &part), 0);
	assert_true(id == 9 && rcpt == 2 && part == 1);
	assert_int_equal(report_lookup(rm, "00a1b", &id, &rcpt, &part), 0);
	assert_true(part == 1);
	/* the id as given wins over its other readings: 0x77 is 119 */
	assert_int_equal(report_lookup(rm, "0077", &id, &rcpt, &part), 0);
	assert_true(part == 2);
	assert_int_equal(report_lookup(rm, "4D", &id, &rcpt, &part), 0);
	assert_true(part == 2);
	assert_int_equal(report_lookup(rm, "2588", &id, &rcpt, &part), -1);
	report_map_free(rm);

	report_ref(key, MSG_IDSTR, 12);
	assert_string_equal(key, MSG_IDSTR ".12");
	assert_int_equal(report_ref_parse(key, &id, &rcpt), 0);
	assert_true(id == MSG_ID && rcpt == 12);
	assert_int_equal(report_ref_parse("0006452a1f9c3b00.0", &id, &rcpt), 0);
	assert_true(id == MSG_ID && rcpt == 0);
	assert_int_equal(report_ref_parse(MSG_IDSTR, &id, &rcpt), -1);
	assert_int_equal(report_ref_parse(MSG_IDSTR ".", &id, &rcpt), -1);
	assert_int_equal(report_ref_parse(MSG_IDSTR ".-1", &id, &rcpt), -1);
	assert_int_equal(report_ref_parse(MSG_IDSTR ".1x", &id, &rcpt), -1);
	assert_int_equal(report_ref_parse(MSG_IDSTR ".4294967296", &id,
	    &rcpt), -1);
	assert_int_equal(report_ref_parse("0006452A1F9C3B0.1", &id, &rcpt), -1);
	assert_int_equal(report_ref_parse("", &id, &rcpt), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_dispatch_replay,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_after_replay,
		    setup, teardown),
		cmocka_unit_test(test_report_map),
	};

	log_init(1, 0, "test_queue");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
