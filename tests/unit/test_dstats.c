/*
 * test_dstats.c - the delivery statistics: the table counts and prunes, the
 * file survives a round trip and refuses every truncation and damaged byte,
 * and smsrelayctl stats sums, sorts, aligns and quotes what it prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/buffer.h>

#include "sms/lib/buf.h"
#include "smtpd/ctl/stats_view.h"
#include "smtpd/stats/dstats.h"
#include "smtpd/stats/dstats_file.h"
#include "smtpd/stats/dstats_table.h"

#define D0	20000	/* 2024-10-04 */

static void
add(struct dstats_table *t, int32_t day, const char *user, const char *domain,
    const char *backend, const char *country, enum dstats_counter c,
    uint64_t n)
{
	struct dstats_key k;

	dstats_key_set(&k, day, user, domain, backend, country);
	assert_int_equal(dstats_table_add(t, &k, c, n), 0);
}

/* find - the row of exactly these names, or NULL */
static const struct dstats_row *
find(const struct dstats_table *t, int32_t day, const char *user,
    const char *domain, const char *backend, const char *country)
{
	struct dstats_key k;
	size_t	 i;

	dstats_key_set(&k, day, user, domain, backend, country);
	for (i = 0; i < dstats_table_rows(t); i++)
		if (memcmp(&dstats_table_row(t, i)->key, &k, sizeof(k)) == 0)
			return dstats_table_row(t, i);
	return NULL;
}

/* sample - a few days, users, domains, backends and countries */
static struct dstats_table *
sample(void)
{
	struct dstats_table *t = dstats_table_new(100);

	assert_non_null(t);
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_MESSAGES, 2);
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_PARTS, 3);
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_DELIVERED, 1);
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_RELAYED, 2);
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_FAILED, 1);
	add(t, D0, "", "ex,\"q\".org", "atgw", "AT", DSTATS_MESSAGES, 1);
	add(t, D0, "", "ex,\"q\".org", "atgw", "AT", DSTATS_PARTS, 1);
	add(t, D0 + 1, "", "ex,\"q\".org", "atgw", "AT", DSTATS_EXPIRED, 1);
	add(t, D0 + 1, "other", "example.net", "degw", "", DSTATS_MESSAGES,
	    10000000000ULL);
	return t;
}

static void
test_table(void **state)
{
	struct dstats_table *t = sample();
	const struct dstats_row *r;
	struct dstats_key k;
	char	 name[32];
	int	 i;

	(void)state;
	assert_int_equal(dstats_table_rows(t), 4);
	r = find(t, D0, "clerk", "example.com", "degw", "DE");
	assert_non_null(r);
	assert_int_equal(r->n[DSTATS_MESSAGES], 2);
	assert_int_equal(r->n[DSTATS_PARTS], 3);
	assert_int_equal(r->n[DSTATS_FAILED], 1);
	assert_int_equal(r->n[DSTATS_EXPIRED], 0);
	/* names too long are cut, not refused */
	memset(name, 'u', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	dstats_key_set(&k, D0, name, NULL, NULL, "DEU");
	assert_string_equal(k.country, "DE");
	assert_string_equal(k.domain, "");
	/* the oldest day goes; the rest is still found */
	assert_int_equal(dstats_table_prune(t, D0 + 1), 2);
	assert_int_equal(dstats_table_rows(t), 2);
	assert_null(find(t, D0, "clerk", "example.com", "degw", "DE"));
	r = find(t, D0 + 1, "", "ex,\"q\".org", "atgw", "AT");
	assert_non_null(r);
	add(t, D0 + 1, "", "ex,\"q\".org", "atgw", "AT", DSTATS_EXPIRED, 1);
	assert_int_equal(r->n[DSTATS_EXPIRED], 2);
	assert_int_equal(dstats_table_rows(t), 2);
	/* full: a new key is refused, a known one still counts */
	for (i = 0; dstats_table_rows(t) < 100; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		add(t, D0 + 2, name, "d", "b", "c", DSTATS_MESSAGES, 1);
	}
	dstats_key_set(&k, D0 + 2, "one too many", "d", "b", "c");
	assert_int_equal(dstats_table_add(t, &k, DSTATS_MESSAGES, 1), -1);
	add(t, D0 + 2, "user0", "d", "b", "c", DSTATS_MESSAGES, 1);
	assert_int_equal(find(t, D0 + 2, "user0", "d", "b", "c")->
	    n[DSTATS_MESSAGES], 2);
	dstats_table_free(t);
}

/* same_rows - a and b hold the same rows, in any order */
static void
same_rows(const struct dstats_table *a, const struct dstats_table *b)
{
	const struct dstats_row *x, *y;
	size_t	 i;

	assert_int_equal(dstats_table_rows(a), dstats_table_rows(b));
	for (i = 0; i < dstats_table_rows(a); i++) {
		x = dstats_table_row(a, i);
		y = find(b, x->key.day, x->key.user, x->key.domain,
		    x->key.backend, x->key.country);
		assert_non_null(y);
		assert_memory_equal(x->n, y->n, sizeof(x->n));
	}
}

static void
test_file_round_trip(void **state)
{
	struct dstats_table *t = sample(), *back = dstats_table_new(100);
	struct buf	 b = { 0 };
	char		 err[128];

	(void)state;
	assert_int_equal(dstats_file_encode(t, &b), 0);
	assert_int_equal(dstats_file_decode(b.p, b.len, back, err,
	    sizeof(err)), 0);
	same_rows(t, back);
	buf_free(&b);
	dstats_table_free(t);
	dstats_table_free(back);
}

/* decode_fails - the bytes are refused with a reason naming why */
static void
decode_fails(const uint8_t *p, size_t len, const char *why)
{
	struct dstats_table *t = dstats_table_new(100);
	char	 err[128] = "";

	assert_int_equal(dstats_file_decode(p, len, t, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("length %zu: \"%s\", want \"%s\"", len, err, why);
	dstats_table_free(t);
}

static void
test_file_damage(void **state)
{
	struct dstats_table *t = sample();
	struct buf	 b = { 0 };
	uint8_t		*copy;
	size_t		 i;

	(void)state;
	assert_int_equal(dstats_file_encode(t, &b), 0);
	/* every truncation: the header's, or the checksum's */
	for (i = 0; i < b.len; i++)
		decode_fails(b.p, i, i < 8 ? "magic" : i < 24 ? "truncated" :
		    "checksum");
	/* every byte changed */
	assert_non_null(copy = malloc(b.len));
	for (i = 0; i < b.len; i++) {
		memcpy(copy, b.p, b.len);
		copy[i] ^= 0x20;
		decode_fails(copy, b.len, i < 8 ? "magic" : i < 12 ?
		    "version" : "checksum");
	}
	free(copy);
	decode_fails((const uint8_t *)"name,count\n1,2\n", 15, "magic");
	buf_free(&b);
	dstats_table_free(t);
}

/* test_file_bad_row - a row that lies about a length, under a right sum */
static void
test_file_bad_row(void **state)
{
	struct dstats_table *t = dstats_table_new(10);
	struct buf	 b = { 0 };
	uint64_t	 sum;
	size_t		 i;

	(void)state;
	add(t, D0, "clerk", "example.com", "degw", "DE", DSTATS_MESSAGES, 1);
	assert_int_equal(dstats_file_encode(t, &b), 0);
	/* after magic, version, count and day: the user's length byte */
	assert_int_equal(b.p[20], strlen("clerk"));
	b.p[20] = 200;
	sum = dstats_file_checksum(b.p, b.len - 8);
	for (i = 0; i < 8; i++)
		b.p[b.len - 8 + i] = (uint8_t)(sum >> (8 * i));
	decode_fails(b.p, b.len, "malformed row");
	/* a row count beyond the rows there are */
	b.p[20] = 5;
	b.p[12] = 2;
	sum = dstats_file_checksum(b.p, b.len - 8);
	for (i = 0; i < 8; i++)
		b.p[b.len - 8 + i] = (uint8_t)(sum >> (8 * i));
	decode_fails(b.p, b.len, "malformed row");
	dstats_table_free(t);
	buf_free(&b);
}

static void
test_file_disk(void **state)
{
	struct dstats_table *t = sample(), *back = dstats_table_new(100);
	struct buf	 b = { 0 };
	char		 dir[] = "/tmp/test_dstats.XXXXXX", path[64], err[128];
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats", dir);
	assert_int_equal(dstats_file_load(path, back, err, sizeof(err)), 1);
	assert_int_equal(dstats_file_encode(t, &b), 0);
	assert_int_equal(dstats_file_save(path, b.p, b.len), 0);
	assert_int_equal(dstats_file_load(path, back, err, sizeof(err)), 0);
	same_rows(t, back);
	/* the temporary file is gone: renamed over the old one */
	snprintf(err, sizeof(err), "%s.new", path);
	assert_int_equal(access(err, F_OK), -1);
	assert_non_null(f = fopen(path, "w"));
	fputs("garbage\n", f);
	fclose(f);
	assert_int_equal(dstats_file_load(path, back, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "magic"));
	unlink(path);
	rmdir(dir);
	buf_free(&b);
	dstats_table_free(t);
	dstats_table_free(back);
}

/* view - ctl_stats's answer for args as a C string (free it) */
static char *
view(const struct dstats_table *t, const char *args)
{
	struct evbuffer	*out = evbuffer_new();
	size_t		 n;
	char		*s;

	assert_non_null(out);
	ctl_stats(t, args, out);
	n = evbuffer_get_length(out);
	assert_non_null(s = calloc(1, n + 1));
	evbuffer_remove(out, s, n);
	evbuffer_free(out);
	return s;
}

static void
test_view(void **state)
{
	struct dstats_table *t = sample();
	char	*s;

	(void)state;
	s = view(t, " --by day");
	assert_string_equal(s, "ok\n"
	    "DAY            MESSAGES  PARTS  DELIVERED  RELAYED  FAILED  EXPIRED\n"
	    "2024-10-04            3      4          1        2       1        0\n"
	    "2024-10-05  10000000000      0          0        0       0        1\n"
	    "TOTAL       10000000003      4          1        2       1        1\n");
	free(s);
	/* RFC 4180 quoting for a name with a comma and quotes */
	s = view(t, " --by domain --csv");
	assert_string_equal(s, "ok\n"
	    "domain,messages,parts,delivered,relayed,failed,expired\n"
	    "\"ex,\"\"q\"\".org\",1,1,0,0,0,1\n"
	    "example.com,2,3,1,2,1,0\n"
	    "example.net,10000000000,0,0,0,0,0\n");
	free(s);
	/* one day; no AUTH user shows as "-" */
	s = view(t, " --by user --since 2024-10-05 --until 2024-10-05");
	assert_string_equal(s, "ok\n"
	    "USER        MESSAGES  PARTS  DELIVERED  RELAYED  FAILED  EXPIRED\n"
	    "-                  0      0          0        0       0        1\n"
	    "other    10000000000      0          0        0       0        0\n"
	    "TOTAL    10000000000      0          0        0       0        1\n");
	free(s);
	s = view(t, " --by country --until 2024-10-03");
	assert_string_equal(s, "ok\n"
	    "COUNTRY  MESSAGES  PARTS  DELIVERED  RELAYED  FAILED  EXPIRED\n"
	    "TOTAL           0      0          0        0       0        0\n");
	free(s);
	s = view(t, " --by week");
	assert_string_equal(s, "error: --by takes day, user, domain, backend "
	    "or country: week\n");
	free(s);
	s = view(NULL, "");
	assert_string_equal(s, "error: statistics are off\n");
	free(s);
	dstats_table_free(t);
}

/* a spreadsheet must not run a sender's domain as a formula */
static void
test_csv_formula(void **state)
{
	struct dstats_table *t = dstats_table_new(16);
	char	*s;

	(void)state;
	assert_non_null(t);
	add(t, D0, "", "=HYPERLINK(\"x\")", "degw", "DE", DSTATS_MESSAGES, 1);
	add(t, D0, "", "@sum", "degw", "DE", DSTATS_MESSAGES, 1);
	add(t, D0, "", "example.com", "degw", "DE", DSTATS_MESSAGES, 1);
	s = view(t, " --by domain --csv");
	assert_string_equal(s, "ok\n"
	    "domain,messages,parts,delivered,relayed,failed,expired\n"
	    "\"'=HYPERLINK(\"\"x\"\")\",1,0,0,0,0,0\n"
	    "\"'@sum\",1,0,0,0,0,0\n"
	    "example.com,1,0,0,0,0,0\n");
	free(s);
	dstats_table_free(t);
}

static void
test_query(void **state)
{
	struct stats_query q;
	char	 err[128], line[64];
	const char *leap[] = { "--since", "2024-02-29", "--by", "country",
	    "--csv" };
	const char *bad[][2] = { { "--since", "2026-02-29" },
	    { "--until", "2026-13-01" }, { "--since", "2026-1-01" },
	    { "--by", "week" }, { "--since", "2026-01-01x" } };
	size_t	 i;

	(void)state;
	assert_int_equal(stats_query_parse(5, leap, &q, err, sizeof(err)), 0);
	assert_int_equal(q.by, STATS_BY_COUNTRY);
	assert_true(q.csv);
	stats_query_line(&q, line, sizeof(line));
	assert_string_equal(line, "--by country --since 2024-02-29 --csv");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(stats_query_parse(2, bad[i], &q, err,
		    sizeof(err)), -1);
	assert_int_equal(dstats_day(0), 0);
	assert_int_equal(dstats_day(86399), 0);
	assert_int_equal(dstats_day(-1), -1);
	assert_int_equal(dstats_day(1728000000), D0);
}

/* seconds since an arbitrary start, for the cost figures */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * test_cost - a full table of DSTATS_MAX_ROWS rows: what a count costs the
 * loop, what a snapshot costs it (encode) and the writer (save)
 */
static void
test_cost(void **state)
{
	struct dstats_table *t = dstats_table_new(DSTATS_MAX_ROWS);
	struct buf	 b = { 0 };
	char		 user[16], dir[] = "/tmp/test_dstats.XXXXXX", path[64];
	double		 t0, add_ns, enc_ms, save_ms;
	int		 i;

	(void)state;
	for (i = 0; i < DSTATS_MAX_ROWS; i++) {
		snprintf(user, sizeof(user), "user%d", i % 1000);
		add(t, D0 + i / 1000, user, "example.com", "smsc1", "DE",
		    DSTATS_MESSAGES, 1);
	}
	t0 = now_s();
	for (i = 0; i < 1000000; i++) {
		snprintf(user, sizeof(user), "user%d", i % 1000);
		add(t, D0 + i % 200, user, "example.com", "smsc1", "DE",
		    DSTATS_PARTS, 1);
	}
	add_ns = (now_s() - t0) * 1e9 / 1000000;
	t0 = now_s();
	assert_int_equal(dstats_file_encode(t, &b), 0);
	enc_ms = (now_s() - t0) * 1e3;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats", dir);
	t0 = now_s();
	assert_int_equal(dstats_file_save(path, b.p, b.len), 0);
	save_ms = (now_s() - t0) * 1e3;
	printf("# %d rows: count %.0f ns (with a snprintf), encode %.1f ms, "
	    "save %.1f ms, file %zu bytes\n", DSTATS_MAX_ROWS, add_ns, enc_ms,
	    save_ms, b.len);
	unlink(path);
	rmdir(dir);
	assert_true(add_ns < 20000 && enc_ms < 2000);
	buf_free(&b);
	dstats_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_file_damage),
		cmocka_unit_test(test_file_bad_row),
		cmocka_unit_test(test_file_disk),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
