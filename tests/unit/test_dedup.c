/*
 * test_dedup.c - duplicate keys (stable, field by field), the Message-ID
 * they read, the journal that keeps them over a restart; the opt-out list
 * (its file, changes, mirror in the shared state) and the STOP SMS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "sms/lib/clock.h"
#include "smtpd/intake/dedup_journal.h"
#include "smtpd/intake/dedup_key.h"
#include "smtpd/policy/optout.h"
#include "smtpd/state/shared_state.h"
#include "sms/transport/smpp/mo.h"

/* test_keys - equal fields, equal keys; any field changed, another key */
static void
test_keys(void **state)
{
	char	 a[DEDUP_KEY_LEN], b[DEDUP_KEY_LEN];

	(void)state;
	assert_int_equal(dedup_key_text("clerk@example.com", "+4917012345678",
	    "hello", a), 0);
	assert_int_equal(strlen(a), DEDUP_KEY_LEN - 1);
	assert_int_equal(strncmp(a, "dup:t:", 6), 0);
	assert_int_equal(strspn(a + 6, "0123456789abcdef"), 32);
	assert_int_equal(dedup_key_text("Clerk@Example.COM", "+4917012345678",
	    "hello", b), 0);
	assert_string_equal(a, b);
	assert_int_equal(dedup_key_text("clerk@example.com", "+4917012345679",
	    "hello", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(dedup_key_text("clerk@example.com", "+4917012345678",
	    "hello!", b), 0);
	assert_string_not_equal(a, b);
	/* a field's end is part of it: "ab"+"c" is not "a"+"bc" */
	assert_int_equal(dedup_key_text("x", "ab", "c", a), 0);
	assert_int_equal(dedup_key_text("x", "a", "bc", b), 0);
	assert_string_not_equal(a, b);
	/* the Message-ID's key is another kind, and case counts in it */
	assert_int_equal(dedup_key_msgid("<1@a>", "+4917012345678", a), 0);
	assert_int_equal(strncmp(a, "dup:m:", 6), 0);
	assert_int_equal(dedup_key_msgid("<1@A>", "+4917012345678", b), 0);
	assert_string_not_equal(a, b);
	/* stable: the same on every relay and after a restart */
	assert_int_equal(dedup_key_msgid("<1@a>", "+4917012345678", b), 0);
	assert_string_equal(a, b);
}

/* test_message_id - the header's field only, unfolded and trimmed */
static void
test_message_id(void **state)
{
	static const struct {
		const char	*raw;
		const char	*want;		/* NULL: none */
	} t[] = {
		{ "From: a@b\r\nMessage-ID: <1@x>\r\n\r\nbody", "<1@x>" },
		{ "message-id:<2@x>  \r\nTo: c\r\n\r\n", "<2@x>" },
		{ "MESSAGE-ID:\r\n\t<3@x>\r\nTo: c\r\n\r\n", "<3@x>" },
		{ "Subject: a\r\nX-Message-ID: <4@x>\r\n\r\n", NULL },
		{ "Subject: a\r\n\r\nMessage-ID: <5@x>\r\n", NULL },
		{ "Message-ID:   \r\n\r\n", NULL },
		{ "Message-ID: <6@x>", "<6@x>" },
		{ "", NULL },
	};
	char	 out[64], small[4];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dedup_message_id(t[i].raw, strlen(t[i].raw), out,
		    sizeof(out));
		if (t[i].want == NULL) {
			if (rc != -1)
				fail_msg("%zu: found \"%s\"", i, out);
			continue;
		}
		if (rc != 0)
			fail_msg("%zu: not found", i);
		assert_string_equal(out, t[i].want);
	}
	assert_int_equal(dedup_message_id(t[0].raw, strlen(t[0].raw), small,
	    sizeof(small)), -1);
}

/* test_journal_line - "EXPIRES KEY VALUE", and what is refused */
static void
test_journal_line(void **state)
{
	static const char *const bad[] = {
		"", "123", "123 key", "x key value", "-5 key value",
		"+5 key value", "0 key value", "12x key value", "5  value",
	};
	const char	*key, *value;
	char		 line[64];
	int64_t		 exp;
	size_t		 i;

	(void)state;
	strcpy(line, "1700000000000 dup:t:ab 0661EA57BF464800\n");
	assert_int_equal(dedup_journal_line(line, &exp, &key, &value), 0);
	assert_true(exp == 1700000000000LL);
	assert_string_equal(key, "dup:t:ab");
	assert_string_equal(value, "0661EA57BF464800");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		if (dedup_journal_line(line, &exp, &key, &value) != -1)
			fail_msg("\"%s\" taken", bad[i]);
	}
}

struct got {
	int	 n;
	int	 found;
	char	 value[64];
};

/* on_get - a GET's answer into a struct got */
static void
on_get(void *arg, const struct state_reply *r)
{
	struct got	*g = arg;

	g->n++;
	g->found = (int)r->n;
	snprintf(g->value, sizeof(g->value), "%.*s", (int)r->len,
	    r->value != NULL ? r->value : "");
}

/* get - key's value from st, the loop run until it answers */
static struct got
get(struct event_base *base, struct shared_state *st, const char *key)
{
	struct got	 g = { 0 };

	assert_non_null(state_get(st, key, on_get, &g));
	while (g.n == 0)
		event_base_loop(base, EVLOOP_ONCE);
	return g;
}

/* journal_files - how many dedup.* files dir holds */
static int
journal_files(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "dedup.", 6) == 0;
	closedir(d);
	return n;
}

/* remove_dir - a test's directory and the files in it */
static void
remove_dir(const char *dir)
{
	struct dirent	*de;
	char		 path[512];
	DIR		*d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(unlink(path), 0);
	}
	closedir(d);
	assert_int_equal(rmdir(dir), 0);
}

/* calendar - the local store on the calendar clock, as smsrelayd has it */
static uint64_t
calendar(void *arg)
{
	(void)arg;
	return (uint64_t)clock_now_ms();
}

/* test_journal_restart - live keys come back, expired ones and their files go */
static void
test_journal_restart(void **state)
{
	struct state_local_conf sc = { .now_ms = calendar };
	char		 dir[] = "/tmp/test_dedup.XXXXXX", path[512], err[256];
	struct event_base *base = event_base_new();
	struct shared_state *st;
	struct dedup_journal *j;
	struct got	 g;
	int64_t		 now = clock_now_ms();
	FILE		*fp;

	(void)state;
	assert_non_null(base);
	assert_non_null(mkdtemp(dir));
	/* a file of an earlier run whose keys all expired, with a torn line */
	snprintf(path, sizeof(path), "%s/dedup.1", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "%lld dup:t:old 0000000000000001\n12", (long long)now - 1);
	fclose(fp);
	assert_non_null(st = state_local_new(base, &sc));
	j = dedup_journal_open(dir, st, err, sizeof(err));
	if (j == NULL)
		fail_msg("%s", err);
	assert_int_equal(journal_files(dir), 0);	/* dedup.1 gone */
	assert_int_equal(get(base, st, "dup:t:old").found, 0);
	dedup_journal_add(j, "dup:t:live", "0661EA57BF464800", now + 60000);
	dedup_journal_add(j, "dup:t:gone", "0661EA57BF464801", now - 1);
	assert_int_equal(journal_files(dir), 1);
	dedup_journal_free(j);
	state_free(st);

	/* the restart: a new store, filled from the journal */
	assert_non_null(st = state_local_new(base, &sc));
	assert_non_null(j = dedup_journal_open(dir, st, err, sizeof(err)));
	g = get(base, st, "dup:t:live");
	assert_int_equal(g.found, 1);
	assert_string_equal(g.value, "0661EA57BF464800");
	assert_int_equal(get(base, st, "dup:t:gone").found, 0);
	dedup_journal_free(j);
	state_free(st);
	event_base_free(base);
	remove_dir(dir);
}

/* test_number_ok - E.164 as the list keeps it */
static void
test_number_ok(void **state)
{
	(void)state;
	assert_true(optout_number_ok("+4917012345678"));
	assert_true(optout_number_ok("+491"));
	assert_true(optout_number_ok("+123456789012345"));
	assert_false(optout_number_ok("+1234567890123456"));
	assert_false(optout_number_ok("4917012345678"));
	assert_false(optout_number_ok("+0417012345678"));
	assert_false(optout_number_ok("+49 170"));
	assert_false(optout_number_ok("+4"));
	assert_false(optout_number_ok(""));
}

/* file_text - the whole file, for comparison */
static void
file_text(const char *path, char *out, size_t size)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n;

	assert_non_null(fp);
	n = fread(out, 1, size - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

/* test_optout_file - read with comments, changed, written, mirrored */
static void
test_optout_file(void **state)
{
	char		 dir[] = "/tmp/test_optout.XXXXXX", path[512], err[256];
	char		 text[512];
	struct event_base *base = event_base_new();
	struct shared_state *st;
	struct optout	*o;
	struct evbuffer	*out = evbuffer_new();
	FILE		*fp;

	(void)state;
	assert_non_null(base);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/optout", dir);
	assert_non_null(st = state_local_new(base, NULL));
	assert_non_null(o = optout_new(path, st));
	/* no file yet: an empty list */
	assert_int_equal(optout_load(o, err, sizeof(err)), 0);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "# list\n  +4917000000002 # b\n+4917000000001\n"
	    "0170 123\n\n+4917000000002\n");
	fclose(fp);
	assert_int_equal(optout_load(o, err, sizeof(err)), 0);
	optout_list(o, out);
	assert_int_equal(evbuffer_get_length(out), 30);
	assert_memory_equal(evbuffer_pullup(out, -1),
	    "+4917000000001\n+4917000000002\n", 30);
	assert_int_equal(get(base, st, "optout:+4917000000001").found, 1);
	assert_int_equal(get(base, st, "optout:+4917000000002").found, 1);

	assert_int_equal(optout_add(o, "+4917000000000", err, sizeof(err)), 0);
	assert_int_equal(optout_add(o, "+4917000000000", err, sizeof(err)), 1);
	assert_int_equal(optout_remove(o, "+4917000000002", err,
	    sizeof(err)), 0);
	assert_int_equal(optout_remove(o, "+4917000000002", err,
	    sizeof(err)), 1);
	file_text(path, text, sizeof(text));
	assert_non_null(strstr(text, "\n+4917000000000\n+4917000000001\n"));
	assert_null(strstr(text, "+4917000000002"));
	assert_int_equal(get(base, st, "optout:+4917000000000").found, 1);
	assert_int_equal(get(base, st, "optout:+4917000000002").found, 0);

	/* the administrator's edit: gone from the file, gone from the store */
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "+4917000000009\n");
	fclose(fp);
	assert_int_equal(optout_load(o, err, sizeof(err)), 0);
	assert_int_equal(get(base, st, "optout:+4917000000000").found, 0);
	assert_int_equal(get(base, st, "optout:+4917000000001").found, 0);
	assert_int_equal(get(base, st, "optout:+4917000000009").found, 1);

	/* a file that cannot be written: the list stays as it was */
	assert_int_equal(chmod(dir, 0500), 0);
	if (geteuid() != 0) {
		assert_int_equal(optout_add(o, "+4917000000003", err,
		    sizeof(err)), -1);
		evbuffer_drain(out, evbuffer_get_length(out));
		optout_list(o, out);
		assert_int_equal(evbuffer_get_length(out), 15);
	}
	assert_int_equal(chmod(dir, 0700), 0);
	optout_free(o);
	state_free(st);
	evbuffer_free(out);
	event_base_free(base);
	remove_dir(dir);
}

/* test_keyword - the whole text is the word, case and a final ! aside */
static void
test_keyword(void **state)
{
	static char	 stop[] = "STOP", abm[] = "ABMELDEN";
	char *const	 words[] = { stop, abm };

	(void)state;
	assert_true(optout_is_keyword("STOP", words, 2));
	assert_true(optout_is_keyword(" stop!\r\n", words, 2));
	assert_true(optout_is_keyword("Abmelden.", words, 2));
	assert_false(optout_is_keyword("Stop by at 5", words, 2));
	assert_false(optout_is_keyword("STOPP", words, 2));
	assert_false(optout_is_keyword("STO", words, 2));
	assert_false(optout_is_keyword("", words, 2));
	assert_false(optout_is_keyword("!", words, 2));
	assert_false(optout_is_keyword("STOP", words, 0));
}

/* sm - a deliver_sm from a subscriber, short_message s[0..n) */
static struct smpp_pdu
sm(uint8_t ton, const char *from, uint8_t esm, uint8_t dc, const void *s,
    size_t n)
{
	struct smpp_pdu	 p;

	memset(&p, 0, sizeof(p));
	p.command_id = SMPP_DELIVER_SM;
	p.body.sm.source_addr_ton = ton;
	p.body.sm.source_addr = from;
	p.body.sm.destination_addr = "";
	p.body.sm.esm_class = esm;
	p.body.sm.data_coding = dc;
	p.body.sm.sm_length = (uint8_t)n;
	p.body.sm.short_message = s;
	return p;
}

/* test_mo - a subscriber's SMS read out of its deliver_sm, bounds kept */
static void
test_mo(void **state)
{
	static const uint8_t ucs2[] = { 0, 'S', 0, 't', 0x00, 'o', 0x20, 0xac };
	static const uint8_t udh[] = { 5, 0, 3, 1, 2, 1, 'S', 'T', 'O', 'P' };
	static const uint8_t bad_udh[] = { 9, 0, 3 };
	struct smpp_mo	 mo;
	struct smpp_pdu	 p;

	(void)state;
	p = sm(1, "4917012345678", 0, 0, "STOP", 4);
	assert_int_equal(smpp_mo_parse(&p, &mo), 0);
	assert_string_equal(mo.from, "+4917012345678");
	assert_string_equal(mo.text, "STOP");
	p = sm(0, "01701234567", 0, 0, "a\001b", 3);
	assert_int_equal(smpp_mo_parse(&p, &mo), 0);
	assert_string_equal(mo.from, "01701234567");
	assert_string_equal(mo.text, "a?b");
	p = sm(1, "+4917012345678", 0, 8, ucs2, sizeof(ucs2));
	assert_int_equal(smpp_mo_parse(&p, &mo), 0);
	assert_string_equal(mo.from, "+4917012345678");
	assert_string_equal(mo.text, "Sto?");
	p = sm(1, "4917012345678", SMPP_ESM_UDHI, 0, udh, sizeof(udh));
	assert_int_equal(smpp_mo_parse(&p, &mo), 0);
	assert_string_equal(mo.text, "STOP");
	p = sm(1, "4917012345678", SMPP_ESM_UDHI, 0, bad_udh, sizeof(bad_udh));
	assert_int_equal(smpp_mo_parse(&p, &mo), -1);
	/* a receipt, no sender, a sender too long: none */
	p = sm(1, "4917012345678", SMPP_ESM_DELIVERY_RECEIPT, 0, "id:1", 4);
	assert_int_equal(smpp_mo_parse(&p, &mo), -1);
	p = sm(1, "", 0, 0, "STOP", 4);
	assert_int_equal(smpp_mo_parse(&p, &mo), -1);
	p = sm(1, "491701234567890123456", 0, 0, "STOP", 4);
	assert_int_equal(smpp_mo_parse(&p, &mo), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_journal_line),
		cmocka_unit_test(test_journal_restart),
		cmocka_unit_test(test_number_ok),
		cmocka_unit_test(test_optout_file),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_mo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
