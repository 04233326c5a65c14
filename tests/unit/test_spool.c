/*
 * test_spool.c - the journal: commits are durable and replayed in order, a
 * torn tail is cut off, finished segments are deleted, pinned ones relocated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "smtpd/log.h"
#include "smtpd/spool.h"

#define MAXMSG	256

struct model {
	struct spool	*s;
	int		 live[MAXMSG];	/* replayed and not done */
	struct spool_loc loc[MAXMSG];
	uint8_t		 state[MAXMSG];
	int		 nmsg_records;
	int		 relocations;
};

static char	 dir[64];

static struct rec_str
S(const char *s)
{
	struct rec_str r = { s, (uint32_t)strlen(s) };
	return r;
}

static void
on_msg(void *arg, const struct rec_msg *m, const struct spool_loc *loc)
{
	struct model *md = arg;

	assert_true(m->id < MAXMSG);
	md->live[m->id] = 1;
	md->loc[m->id] = *loc;
	md->nmsg_records++;
}

static void
on_state(void *arg, const struct rec_state *st)
{
	struct model *md = arg;

	if (st->id < MAXMSG && md->live[st->id])
		md->state[st->id] = st->state;
}

static void
on_done(void *arg, uint64_t id)
{
	struct model *md = arg;

	if (id < MAXMSG)
		md->live[id] = 0;
}

static void
on_relocate(void *arg, uint32_t seg)
{
	struct model	*md = arg;
	struct rec_state st;
	uint64_t	 i;

	for (i = 0; i < MAXMSG; i++)
		if (md->live[i] && md->loc[i].seg == seg) {
			assert_int_equal(spool_relocate(md->s, &md->loc[i]), 0);
			st = (struct rec_state){ .id = i, .state = md->state[i],
			    .provider_id = S(""), .reason = S("") };
			assert_int_equal(spool_put_state(md->s, &st), 0);
			md->relocations++;
		}
}

static struct spool *
open_spool(struct event_base *base, struct model *md, size_t segmax)
{
	struct spool_replay rp = { on_msg, on_state, on_done, on_relocate, md };
	char	 err[256];
	uint64_t i;

	memset(md, 0, sizeof(*md));
	md->s = spool_open(dir, base, segmax, err, sizeof(err));
	assert_non_null(md->s);
	assert_int_equal(spool_replay(md->s, &rp, err, sizeof(err)), 0);
	for (i = 0; i < MAXMSG; i++)
		if (md->live[i])
			spool_pin(md->s, &md->loc[i]);
	assert_int_equal(spool_start(md->s, err, sizeof(err)), 0);
	return md->s;
}

static void
put_msg(struct model *md, uint64_t id, size_t rawlen)
{
	static char	 raw[8192];
	struct rec_rcpt	 r = { S("+49170@x"), S("+49170"), S(""), 0 };
	struct rec_msg	 m = { .id = id, .sender = S("a@b"), .client = S(""),
	    .helo = S(""), .envid = S(""), .sender_id = S(""), .text = S("hi"),
	    .headers = S(""), .nrcpts = 1 };

	memset(raw, 'x', sizeof(raw));
	m.raw.p = raw;
	m.raw.len = (uint32_t)rawlen;
	assert_int_equal(spool_put_msg(md->s, &m, &r, &md->loc[id]), 0);
	md->live[id] = 1;
}

static void
committed(void *arg, int error)
{
	int *flag = arg;

	*flag = error ? -1 : 1;
}

static void
commit_and_wait(struct event_base *base, struct spool *s)
{
	int	 flag = 0;

	spool_commit(s, committed, &flag);
	while (flag == 0)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(flag, 1);
}

static int
count_segments(void)
{
	char		 path[128];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".seg") != NULL;
	closedir(d);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_spool.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* committed messages and their states come back after a restart */
static void
test_replay(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	struct rec_state st = { .id = 2, .state = 2, .provider_id = S("p"),
	    .reason = S("") };

	(void)state;
	open_spool(base, &md, 0);
	put_msg(&md, 1, 10);
	put_msg(&md, 2, 10);
	put_msg(&md, 3, 10);
	assert_int_equal(spool_put_state(md.s, &st), 0);
	assert_int_equal(spool_put_done(md.s, 1, &md.loc[1]), 0);
	commit_and_wait(base, md.s);
	spool_close(md.s);

	open_spool(base, &md, 0);
	assert_false(md.live[1]);
	assert_true(md.live[2]);
	assert_true(md.live[3]);
	assert_int_equal(md.state[2], 2);
	spool_close(md.s);
	event_base_free(base);
}

/* garbage after the last good record is ignored and cut off */
static void
test_torn_tail(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	struct spool_loc loc7;
	char		 path[128];
	int		 fd;

	(void)state;
	open_spool(base, &md, 0);
	put_msg(&md, 7, 100);
	commit_and_wait(base, md.s);
	loc7 = md.loc[7];
	spool_close(md.s);
	snprintf(path, sizeof(path), "%s/journal/00000001.seg", dir);
	/* a torn record right after the last good one, in preallocated space */
	assert_true((fd = open(path, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, "\x40\x00\x00\x00garbage", 11,
	    (off_t)(loc7.off + loc7.len)), 11);
	close(fd);

	open_spool(base, &md, 0);
	assert_true(md.live[7]);
	assert_int_equal(md.nmsg_records, 1);
	put_msg(&md, 8, 10);
	commit_and_wait(base, md.s);
	spool_close(md.s);
	open_spool(base, &md, 0);
	assert_true(md.live[7]);
	assert_true(md.live[8]);
	spool_close(md.s);
	event_base_free(base);
}

/* finished segments are unlinked; a long-lived message is relocated */
static void
test_segments(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	uint64_t	 i;

	(void)state;
	open_spool(base, &md, 4096);
	put_msg(&md, 1, 100);		/* stays live all along */
	for (i = 10; i < 200; i++) {
		put_msg(&md, i, 1000);
		assert_int_equal(spool_put_done(md.s, i, &md.loc[i]), 0);
		md.live[i] = 0;
		commit_and_wait(base, md.s);
	}
	assert_true(md.relocations > 0);
	assert_true(count_segments() <= 6);
	spool_close(md.s);

	open_spool(base, &md, 4096);
	assert_true(md.live[1]);
	for (i = 10; i < 200; i++)
		assert_false(md.live[i]);
	spool_close(md.s);
	event_base_free(base);
}

/* seg_contains - the first segment holds needle (read past the loop) */
static int
seg_contains(const char *needle)
{
	static char	 data[1 << 20];
	char		 path[128];
	ssize_t		 n;
	int		 fd;

	snprintf(path, sizeof(path), "%s/journal/00000001.seg", dir);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	n = read(fd, data, sizeof(data));
	close(fd);
	return n > 0 && memmem(data, (size_t)n, needle, strlen(needle)) != NULL;
}

/* records nobody waits for still reach the file soon, without a close */
static void
test_lazy_commit(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	struct rec_state st = { .id = 5, .state = 3,
	    .provider_id = S("lazy-provider-id"), .reason = S("") };
	struct timeval	 tick = { 0, 10000 };
	int		 i;

	(void)state;
	open_spool(base, &md, 0);
	put_msg(&md, 5, 10);
	commit_and_wait(base, md.s);
	assert_int_equal(spool_put_state(md.s, &st), 0);
	spool_commit(md.s, NULL, NULL);
	for (i = 0; i < 200 && !seg_contains("lazy-provider-id"); i++) {
		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
	}
	assert_true(seg_contains("lazy-provider-id"));
	spool_close(md.s);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_commit, setup, teardown),
	};

	log_init(1, 0, "test_spool");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
