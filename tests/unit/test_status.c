/*
 * test_status.c - the status page's parts: the minute ring fed from the
 * counters, the bounded sender table, HTML escaping, JSON safe in a page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <jansson.h>

#include "smtpd/http/status_history.h"
#include "smtpd/http/status_html.h"
#include "smtpd/http/status_json.h"
#include "sms/lib/stats.h"

static struct event_base *base;

static int
start(void **state)
{
	(void)state;
	stats_reset();
	assert_non_null(base = event_base_new());
	assert_int_equal(status_history_start(base), 0);
	return 0;
}

static int
stop(void **state)
{
	(void)state;
	status_history_stop();
	event_base_free(base);
	return 0;
}

static uint64_t
series_sum(const uint32_t *m, enum history_series s)
{
	uint64_t	 n = 0;
	int		 k;

	for (k = 0; k < HISTORY_MINUTES; k++)
		n += m[s * HISTORY_MINUTES + k];
	return n;
}

/* what the counters gained since the start lands in the ring, once */
static void
test_ring(void **state)
{
	static uint32_t	 m[HIST_SERIES * HISTORY_MINUTES];

	(void)state;
	stats_increment(STAT_MSG_ACCEPTED, 3);
	stats_increment(STAT_RCPT_SENT, 2);
	stats_increment(STAT_RCPT_FAILED, 1);
	stats_increment(STAT_RCPT_EXPIRED, 1);
	stats_increment(STAT_RCPT_DELIVERED, 1);
	status_history_minutes(m);
	assert_int_equal(series_sum(m, HIST_ACCEPTED), 3);
	assert_int_equal(series_sum(m, HIST_SENT), 2);
	assert_int_equal(series_sum(m, HIST_FAILED), 2);
	assert_int_equal(series_sum(m, HIST_DELIVERED), 1);
	/* a second look counts nothing twice */
	status_history_minutes(m);
	assert_int_equal(series_sum(m, HIST_ACCEPTED), 3);
	assert_true(m[HIST_ACCEPTED * HISTORY_MINUTES + HISTORY_MINUTES - 1] +
	    m[HIST_ACCEPTED * HISTORY_MINUTES + HISTORY_MINUTES - 2] == 3);
}

/* more senders than the table holds: the busy ones stay, order by traffic */
static void
test_senders_bounded(void **state)
{
	struct history_row	 top[HISTORY_SENDERS_TOP];
	char			 name[64];
	size_t			 n;
	int			 i;

	(void)state;
	for (i = 0; i < 5; i++)
		status_history_sender("busy@example.com", 2);
	for (i = 0; i < 3; i++)
		status_history_sender("", 1);
	for (i = 0; i < 3 * HISTORY_SENDERS_MAX; i++) {
		snprintf(name, sizeof(name), "s%d@example.com", i);
		status_history_sender(name, 1);
	}
	n = status_history_top_senders(top, HISTORY_SENDERS_TOP);
	assert_int_equal(n, HISTORY_SENDERS_TOP);
	assert_string_equal(top[0].key, "busy@example.com");
	assert_int_equal(top[0].messages, 5);
	assert_int_equal(top[0].recipients, 10);
	assert_string_equal(top[1].key, "<>");
	assert_int_equal(top[1].messages, 3);
	assert_int_equal(top[2].messages, 1);
}

/* a long address is cut before a UTF-8 character, not inside one */
static void
test_sender_cut(void **state)
{
	struct history_row	 top[1];
	char			 name[400];
	json_t			*j;
	size_t			 i;

	(void)state;
	for (i = 0; i + 2 < sizeof(name); i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[i] = '\0';
	status_history_sender(name, 1);
	assert_int_equal(status_history_top_senders(top, 1), 1);
	assert_int_equal(strlen(top[0].key), HISTORY_SENDER_LEN - 2);
	assert_non_null(j = json_string(top[0].key));
	json_decref(j);
}

static void
test_failures(void **state)
{
	struct history_row	 r[HISTORY_REASONS_MAX];

	(void)state;
	status_history_failure("5.1.1", "unknown number");
	status_history_failure("5.1.1", "no such subscriber");
	status_history_failure("5.0.0", "HTTP 400");
	assert_int_equal(status_history_reasons(r, HISTORY_REASONS_MAX), 2);
	assert_string_equal(r[0].key, "5.1.1");
	assert_int_equal(r[0].messages, 2);
	assert_string_equal(r[0].example, "no such subscriber");
}

static void
test_escape(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*want = "&lt;b&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/b&gt;";
	size_t		 n;

	(void)state;
	assert_int_equal(status_html_escape(b, "<b>\"x\"&'y'</b>"), 0);
	n = evbuffer_get_length(b);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(evbuffer_pullup(b, -1), want, n);
	evbuffer_free(b);
}

/* the JSON has no '<' or "</" to end its script element, and reads back */
static void
test_json_in_page(void **state)
{
	struct status_snapshot	*s = calloc(1, sizeof(*s));
	const char		*evil = "</script><script>alert(1)</script>";
	json_t			*doc;
	char			*json;

	(void)state;
	assert_non_null(s);
	s->nsenders = 1;
	snprintf(s->senders[0].key, sizeof(s->senders[0].key), "%s", evil);
	s->senders[0].messages = 7;
	/* bytes that are no UTF-8 must not cost the document */
	s->noldest = 1;
	snprintf(s->oldest[0].sender, sizeof(s->oldest[0].sender), "a\xff@b");
	assert_non_null(json = status_json(s));
	assert_null(strchr(json, '<'));
	assert_non_null(doc = json_loads(json, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "top_senders"), 0), "sender")), evil);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "oldest_deferred"), 0), "sender")), "a?@b");
	json_decref(doc);
	free(json);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ring, start, stop),
		cmocka_unit_test_setup_teardown(test_senders_bounded, start, stop),
		cmocka_unit_test_setup_teardown(test_sender_cut, start, stop),
		cmocka_unit_test_setup_teardown(test_failures, start, stop),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_json_in_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
