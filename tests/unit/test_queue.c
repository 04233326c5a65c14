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
#include "smtpd/envelope.h"
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
	conf.queue.active_limit = 5000;
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
	    NULL, NULL, NULL };
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
show_of(struct queue *q, int64_t now)
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

/* ---- waiting for the handset's report ---- */

#define WAIT_ID		0x0006452A1F9C3C00ull
#define WAIT_IDSTR	"0006452A1F9C3C00"

/* as Outlook submits: NOTIFY=SUCCESS,FAILURE, ORCPT, and an ENVID */
static const struct message_rcpt outlook_rcpt[1] = {
	{ "+4917012345678@sms.example.com", "+4917012345678",
	  "rfc822;+4917012345678@sms.example.com",
	  SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE },
};

static const struct message outlook = { .sender = "clerk@example.com",
	.client = "192.0.2.7", .helo = "pc1", .envid = "ENV-42",
	.text = "Pickup: ready", .parts = 3, .headers = raw,
	.headers_len = 19, .raw = raw, .raw_len = sizeof(raw) - 1,
	.rcpts = outlook_rcpt, .nrcpts = 1 };

/*
 * journal_waiting - the journal of a message of one recipient (notify as
 * given) that backend "smsc1" took at sent_at as the parts ids[0..n),
 * waiting for its report in state
 */
static void
journal_waiting(int64_t sent_at, uint8_t notify, enum rcpt_state state,
    const char *const *ids, uint32_t n)
{
	struct event_base	*base = event_base_new();
	struct spool_replay	 rp = { 0 };
	struct spool		*s;
	struct spool_loc	 loc;
	struct message		 m = outlook;
	struct message_rcpt	 r = outlook_rcpt[0];
	struct rcpt_part	 parts[4];
	struct rcpt_status	 st = { .state = state, .attempts = 1,
	    .sent_at = sent_at, .backend = "smsc1", .parts = parts,
	    .nparts = n };
	struct rec_state	 rs = { .id = WAIT_ID, .rcpt = 0,
	    .state = (uint8_t)state, .attempts = 1,
	    .provider_id = { ids[0], (uint32_t)strlen(ids[0]) },
	    .reason = { "", 0 } };
	char			 err[256];
	uint32_t		 k;
	int			 answer = -1;

	assert_true(n <= 4);
	for (k = 0; k < n; k++)
		parts[k] = (struct rcpt_part){ (char *)ids[k], SMS_REPORT_NONE };
	r.notify = notify;
	m.rcpts = &r;
	m.arrival = sent_at - 5;
	assert_non_null(s = spool_open(dir, base, 0, err, sizeof(err)));
	assert_int_equal(spool_replay(s, &rp, err, sizeof(err)), 0);
	assert_int_equal(spool_start(s, err, sizeof(err)), 0);
	assert_int_equal(spool_put_msg(s, WAIT_ID, &m, &loc, NULL, NULL), 0);
	assert_int_equal(spool_put_state(s, &rs), 0);
	assert_int_equal(spool_put_parts(s, WAIT_ID, 0, &st), 0);
	spool_commit(s, committed, &answer);
	while (answer == -1)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(answer, 0);
	spool_close(s);
	event_base_free(base);
}

static void
reports_on(void)
{
	conf.reports.enabled = true;
	conf.reports.wait = 72 * 3600;
	conf.reports.delay_after = 4 * 3600;
	conf.bounce.from = "MAILER-DAEMON@relay.test";
}

/* outbox_text - the whole outbox as a string (free()); "" if none */
static char *
outbox_text(void)
{
	FILE	*f = fopen(outbox, "r");
	char	*s;
	long	 n = 0;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	if (f != NULL) {
		rewind(f);
		assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
		fclose(f);
	}
	return s;
}

/* run_a_while - turn the loop for about ms milliseconds */
static void
run_a_while(struct event_base *base, int ms)
{
	struct timeval	 tv = { 0, 10000 };
	struct event	*ticker;
	int		 i;

	ticker = event_new(base, -1, EV_PERSIST, tick, NULL);
	assert_non_null(ticker);
	assert_int_equal(event_add(ticker, &tv), 0);
	for (i = 0; i < ms / 10; i++)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ticker);
}

static char *
show_wait(struct queue *q)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	assert_int_equal(ctl_queue_show(q, WAIT_IDSTR, (int64_t)time(NULL),
	    b), 0);
	s = text_of(b);
	evbuffer_free(b);
	return s;
}

/* occurrences - how often needle is in s */
static int
occurrences(const char *s, const char *needle)
{
	int	 n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/*
 * a three-part SMS: each part's report by its id in another spelling,
 * the same report twice changes nothing, a restart in between loses
 * nothing, and the last part delivered gives NOTIFY=SUCCESS its
 * "delivered" DSN with the provider's words, then the message goes
 */
static void
test_report_parts_delivered(void **state)
{
	static const char *const ids[3] = { "0A1B", "0A1C", "0A1D" };
	struct event_base	*base = event_base_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], *s;

	(void)state;
	reports_on();
	journal_waiting(t0 - 100, SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE,
	    RCPT_WAITING, ids, 3);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	/* decimal for hex, as SMSCs do in receipts */
	assert_int_equal(queue_report(q, "2587", SMS_REPORT_ENROUTE, t0 - 90,
	    "stat:ENROUTE err:000"), 0);
	assert_int_equal(queue_report(q, "a1b", SMS_REPORT_DELIVERED,
	    t0 - 80, "stat:DELIVRD err:000"), 0);
	/* the same receipt again: a no-op */
	assert_int_equal(queue_report(q, "2587", SMS_REPORT_DELIVERED,
	    t0 - 80, "stat:DELIVRD err:000"), 0);
	s = show_wait(q);
	assert_non_null(strstr(s, "  state: waiting\n"));
	assert_non_null(strstr(s, "  part-ids: 0A1B 0A1C 0A1D\n"));
	assert_non_null(strstr(s, " accepted by smsc1, 3 parts\n"));
	assert_non_null(strstr(s, " enroute part 1/3: stat:ENROUTE err:000\n"));
	assert_int_equal(occurrences(s, " delivered part 1/3: "), 1);
	free(s);
	run_a_while(base, 50);
	assert_int_equal(queue_size(q), 1);
	queue_free(q);

	/* restart: the parts, their reports and the wait are back */
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	s = show_wait(q);
	assert_non_null(strstr(s, "  state: waiting\n"));
	assert_int_equal(occurrences(s, " delivered part 1/3: "), 1);
	free(s);
	assert_int_equal(queue_report(q, "0a1c", SMS_REPORT_DELIVERED,
	    t0 - 70, "stat:DELIVRD err:000"), 0);
	s = show_wait(q);
	assert_non_null(strstr(s, "  state: waiting\n"));
	free(s);
	assert_int_equal(queue_report(q, "2589", SMS_REPORT_DELIVERED,
	    1700000000, "stat:DELIVRD err:000"), 0);
	run_until_empty(base, q);
	queue_free(q);

	s = outbox_text();
	assert_int_equal(occurrences(s, "Action: delivered\\r\\n"
	    "Status: 2.0.0\\r\\n"), 1);
	assert_non_null(strstr(s, "Original-Envelope-Id: ENV-42\\r\\n"));
	assert_non_null(strstr(s, "Original-Recipient: "
	    "rfc822;+4917012345678@sms.example.com\\r\\n"
	    "Final-Recipient: rfc822; +4917012345678@sms.example.com\\r\\n"
	    "Action: delivered\\r\\nStatus: 2.0.0\\r\\n"
	    "Remote-MTA: x-backend; smsc1\\r\\n"
	    "Diagnostic-Code: X-SMS; stat:DELIVRD err:000\\r\\n"
	    "Last-Attempt-Date: Tue, 14 Nov 2023 22:13:20 +0000\\r\\n"));
	/* the human part, quoted-printable, says when the phone had it */
	assert_non_null(strstr(s, "): delivered to\\r\\nthe phone on Tue, "
	    "14 Nov 2023 22:13:20 +0000 (status 2.0.0)\\r\\n"
	    "    The provider said: stat:DELIVRD err:000\\r\\n"
	    "    Backend: smsc1\\r\\n"));
	assert_null(strstr(s, "Action: relayed"));
	free(s);
	/* done: nothing comes back, the ids find nothing */
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_size(q), 0);
	assert_int_equal(queue_report(q, "0A1B", SMS_REPORT_DELIVERED, t0,
	    NULL), -1);
	assert_int_equal(errno, ENOENT);
	queue_free(q);
	event_base_free(base);
}

/*
 * one part of three fails: the recipient fails at once with the report's
 * status (5.1.1) and words; a later part's report changes nothing
 */
static void
test_report_part_fails(void **state)
{
	static const char *const ids[3] = { "sm-1", "sm-2", "sm-3" };
	struct event_base	*base = event_base_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], *s;

	(void)state;
	reports_on();
	journal_waiting(t0 - 100, 0, RCPT_WAITING, ids, 3);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_report(q, "SM-1", SMS_REPORT_DELIVERED, t0 - 50,
	    "stat:DELIVRD err:000"), 0);
	assert_int_equal(queue_report(q, "SM-2", SMS_REPORT_UNDELIVERABLE,
	    t0 - 40, "stat:UNDELIV err:001"), 0);
	/* an unknown id: ENOENT, for the listener to answer 200 and log */
	assert_int_equal(queue_report(q, "SM-4", SMS_REPORT_DELIVERED, t0,
	    NULL), -1);
	assert_int_equal(errno, ENOENT);
	run_until_empty(base, q);
	queue_free(q);
	s = outbox_text();
	assert_non_null(strstr(s, "Action: failed\\r\\nStatus: 5.1.1\\r\\n"
	    "Remote-MTA: x-backend; smsc1\\r\\n"
	    "Diagnostic-Code: X-SMS; stat:UNDELIV err:001\\r\\n"));
	assert_non_null(strstr(s, "Subject: Undelivered SMS: +4917012345678"));
	free(s);
	event_base_free(base);
}

/*
 * an expired report fails with 5.4.7; under NOTIFY=NEVER it fails without
 * a DSN
 */
static void
test_report_expired(void **state)
{
	static const char *const ids[1] = { "SM77" };
	struct event_base	*base = event_base_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], *s;

	(void)state;
	reports_on();
	journal_waiting(t0 - 100, SMTP_NOTIFY_FAILURE, RCPT_WAITING, ids, 1);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	assert_int_equal(queue_report(q, "sm77", SMS_REPORT_EXPIRED, t0 - 10,
	    "stat:EXPIRED err:000"), 0);
	run_until_empty(base, q);
	queue_free(q);
	s = outbox_text();
	assert_non_null(strstr(s, "Action: failed\\r\\nStatus: 5.4.7\\r\\n"));
	assert_non_null(strstr(s, "the SMS expired before the phone could "
	    "take it"));
	free(s);
	event_base_free(base);
}

/*
 * reports.wait over without a final report: NOTIFY=SUCCESS hears
 * "relayed"; NOTIFY=DELAY got one "delayed" DSN after delay_after
 */
static void
test_report_wait_and_delay(void **state)
{
	static const char *const ids[1] = { "SM88" };
	struct event_base	*base = event_base_new();
	struct queue		*q;
	int64_t			 t0 = (int64_t)time(NULL);
	char			 err[256], *s;

	(void)state;
	reports_on();
	/* sent 5 h ago: the delay notice is due, the wait is not over */
	journal_waiting(t0 - 5 * 3600, SMTP_NOTIFY_SUCCESS |
	    SMTP_NOTIFY_DELAY, RCPT_WAITING, ids, 1);
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	run_a_while(base, 200);
	assert_int_equal(queue_size(q), 1);
	s = show_wait(q);
	assert_non_null(strstr(s, "  state: delayed\n"));
	free(s);
	queue_free(q);
	s = outbox_text();
	assert_int_equal(occurrences(s, "Action: delayed\\r\\n"
	    "Status: 4.4.7\\r\\n"), 1);
	assert_non_null(strstr(s, "Delivery Status Notification (Delay)"));
	free(s);

	/* a restart does not repeat it; a shorter wait ends it: relayed */
	conf.reports.wait = 3600;
	assert_non_null(q = queue_new(base, &conf, err, sizeof(err)));
	run_until_empty(base, q);
	queue_free(q);
	s = outbox_text();
	assert_int_equal(occurrences(s, "Action: delayed"), 1);
	assert_int_equal(occurrences(s, "Action: relayed\\r\\n"
	    "Status: 2.0.0\\r\\n"), 1);
	free(s);
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

/*
 * reports kept before their id is known: taken in the order they came, by
 * the id in its normal form, once; stale after REPORT_EARLY_TTL; the
 * oldest dropped past REPORT_EARLY_MAX
 */
static void
test_report_early(void **state)
{
	struct report_map	*rm = report_map_new();
	enum sms_report		 r;
	int64_t			 when, t0 = 1700000000;
	char			*words, key[32];
	unsigned		 i;

	(void)state;
	assert_non_null(rm);
	assert_int_equal(report_keep_early(rm, "0A1B", SMS_REPORT_ENROUTE,
	    t0 - 5, "stat:ENROUTE", t0), 0);
	assert_int_equal(report_keep_early(rm, "a1b", SMS_REPORT_DELIVERED,
	    t0 - 1, NULL, t0), 0);
	assert_int_equal(report_take_early(rm, "A1B", t0, &r, &when, &words), 0);
	assert_int_equal(r, SMS_REPORT_ENROUTE);
	assert_true(when == t0 - 5);
	assert_string_equal(words, "stat:ENROUTE");
	free(words);
	assert_int_equal(report_take_early(rm, "a1b", t0, &r, &when, &words), 0);
	assert_int_equal(r, SMS_REPORT_DELIVERED);
	assert_null(words);
	assert_int_equal(report_take_early(rm, "a1b", t0, &r, &when, &words),
	    -1);
	/* stale */
	assert_int_equal(report_keep_early(rm, "x1", SMS_REPORT_DELIVERED, 0,
	    "old", t0), 0);
	assert_int_equal(report_take_early(rm, "x1", t0 + REPORT_EARLY_TTL + 1,
	    &r, &when, &words), -1);
	/* bounded: the first of REPORT_EARLY_MAX + 1 is gone */
	for (i = 0; i <= REPORT_EARLY_MAX; i++) {
		snprintf(key, sizeof(key), "id-%u", i);
		assert_int_equal(report_keep_early(rm, key,
		    SMS_REPORT_DELIVERED, 0, "words", t0), 0);
	}
	assert_int_equal(report_take_early(rm, "id-0", t0, &r, &when, &words),
	    -1);
	assert_int_equal(report_take_early(rm, "id-1", t0, &r, &when, &words),
	    0);
	free(words);
	report_map_free(rm);
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
		cmocka_unit_test_setup_teardown(test_report_parts_delivered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_part_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_expired,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_wait_and_delay,
		    setup, teardown),
		cmocka_unit_test(test_report_map),
		cmocka_unit_test(test_report_early),
	};

	log_init(1, 0, "test_queue");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
