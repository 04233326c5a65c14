/*
 * test_spool.c - the journal: commits are durable and replayed in order, a
 * torn tail is cut off, finished segments are deleted, pinned ones relocated;
 * on a full disk (pwrite and fdatasync wrapped with -Wl,--wrap) new messages
 * are refused, the reserve takes state records, a failed batch is rewound
 * and written again once the disk allows, and a refused message never comes
 * back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/queue/spool.h"

#define MAXMSG	256
#define UNLIMITED	UINT64_MAX
#define NOT_YET		-1		/* a waiter's answer before it comes */

struct model {
	struct spool	*s;
	int		 live[MAXMSG];	/* replayed and not done */
	struct spool_loc loc[MAXMSG];
	uint8_t		 state[MAXMSG];
	int		 nmsg_records;
	int		 relocations;
	int		 writable;	/* the spool said records go again */
};

static char	 dir[64];

/* ---- the disk: pwrite and fdatasync wrapped ---- */

static uint64_t	 disk_free = UNLIMITED;	/* bytes files may still grow by */
static int	 sync_failures;		/* fdatasyncs still to fail (EIO) */

ssize_t	__real_pwrite(int, const void *, size_t, off_t);
ssize_t	__wrap_pwrite(int, const void *, size_t, off_t);
int	__real_fdatasync(int);
int	__wrap_fdatasync(int);

/* __wrap_pwrite - growing a file takes free space; without it, ENOSPC */
ssize_t
__wrap_pwrite(int fd, const void *p, size_t n, off_t off)
{
	struct stat	 st;
	uint64_t	 end = (uint64_t)off + n, grow;

	if (disk_free != UNLIMITED && fstat(fd, &st) == 0 &&
	    end > (uint64_t)st.st_size) {
		grow = end - (uint64_t)st.st_size;
		if (grow > disk_free) {
			errno = ENOSPC;
			return -1;
		}
		disk_free -= grow;
	}
	return __real_pwrite(fd, p, n, off);
}

/* __wrap_fdatasync - fails with EIO while sync_failures lasts */
int
__wrap_fdatasync(int fd)
{
	if (sync_failures > 0) {
		sync_failures--;
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

static struct rec_str
S(const char *s)
{
	struct rec_str r = { s, (uint32_t)strlen(s) };
	return r;
}

static void
on_msg(void *arg, uint64_t id, struct message *m, const struct spool_loc *loc)
{
	struct model *md = arg;

	assert_true(id < MAXMSG);
	md->live[id] = 1;
	md->loc[id] = *loc;
	md->nmsg_records++;
	free(m);
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

static void
on_writable(void *arg)
{
	struct model *md = arg;

	md->writable++;
}

static struct spool *
open_spool_reserve(struct event_base *base, struct model *md, size_t segmax,
    size_t min_free)
{
	struct spool_replay rp = { on_msg, on_state, on_done, on_relocate,
	    on_writable, md, NULL, NULL, NULL };
	char	 err[256];
	uint64_t i;

	memset(md, 0, sizeof(*md));
	md->s = spool_open(dir, base, segmax, err, sizeof(err));
	assert_non_null(md->s);
	assert_int_equal(spool_replay(md->s, &rp, err, sizeof(err)), 0);
	for (i = 0; i < MAXMSG; i++)
		if (md->live[i])
			spool_pin(md->s, &md->loc[i]);
	spool_set_min_free(md->s, min_free);
	assert_int_equal(spool_start(md->s, err, sizeof(err)), 0);
	return md->s;
}

static struct spool *
open_spool(struct event_base *base, struct model *md, size_t segmax)
{
	return open_spool_reserve(base, md, segmax, 0);
}

/* try_msg - append a message whose raw text is marked with its id */
static int
try_msg(struct model *md, uint64_t id, size_t rawlen, spool_done_cb cb,
    void *arg)
{
	static char	 raw[256 * 1024];
	struct message_rcpt r = { "+49170@x", "+49170", NULL, 0 };
	struct message	 m = { .sender = "a@b", .client = "", .helo = "",
	    .text = "hi", .headers = "", .rcpts = &r, .nrcpts = 1 };

	assert_true(rawlen <= sizeof(raw));
	memset(raw, 'x', rawlen);
	if (rawlen >= 16)
		snprintf(raw, 16, "message-%03u", (unsigned)id);
	m.raw = raw;
	m.raw_len = rawlen;
	return spool_put_msg(md->s, id, &m, &md->loc[id], cb, arg);
}

static void
put_msg(struct model *md, uint64_t id, size_t rawlen)
{
	assert_int_equal(try_msg(md, id, rawlen, NULL, NULL), 0);
	md->live[id] = 1;
}

static void
committed(void *arg, int error)
{
	int *flag = arg;

	*flag = error ? -1 : 1;
}

/* answered - a waiter's answer: 0 (on disk) or an errno */
static void
answered(void *arg, int error)
{
	*(int *)arg = error;
}

/* run_until - run the loop until *flag changes from NOT_YET (or 5 s pass) */
static void
run_until(struct event_base *base, const int *flag)
{
	struct timeval	 tick = { 0, 10000 };
	int		 i;

	for (i = 0; i < 500 && *flag == NOT_YET; i++) {
		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
	}
	assert_int_not_equal(*flag, NOT_YET);
}

/* run_until_accepting - the probe finds space again (or 5 s pass) */
static void
run_until_accepting(struct event_base *base, struct spool *s)
{
	struct timeval	 tick = { 0, 10000 };
	int		 i;

	for (i = 0; i < 500 && !spool_accepting(s); i++) {
		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
	}
	assert_true(spool_accepting(s));
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
	disk_free = UNLIMITED;
	sync_failures = 0;
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

/* journal_contains - some segment holds needle (read past the loop) */
static int
journal_contains(const char *needle)
{
	static char	 data[4 << 20];
	char		 path[512];
	DIR		*d;
	struct dirent	*de;
	ssize_t		 n;
	int		 fd, found = 0;

	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_non_null(d = opendir(path));
	while (!found && (de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".seg") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/journal/%s", dir, de->d_name);
		assert_true((fd = open(path, O_RDONLY)) != -1);
		n = read(fd, data, sizeof(data));
		close(fd);
		found = n > 0 && memmem(data, (size_t)n, needle,
		    strlen(needle)) != NULL;
	}
	closedir(d);
	return found;
}

/* crash_replay - what a crash now would replay: a copy of the journal */
static void
crash_replay(struct model *md)
{
	struct event_base *base = event_base_new();
	struct spool_replay rp = { on_msg, on_state, on_done, NULL, NULL, md,
	    NULL, NULL, NULL };
	struct spool	*s;
	char		 copy[128], cmd[512], err[256];

	snprintf(copy, sizeof(copy), "%s/crash", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir %s && cp -r %s/journal %s/",
	    copy, copy, dir, copy);
	assert_int_equal(system(cmd), 0);
	memset(md, 0, sizeof(*md));
	assert_non_null(s = spool_open(copy, base, 0, err, sizeof(err)));
	assert_int_equal(spool_replay(s, &rp, err, sizeof(err)), 0);
	spool_close(s);
	event_base_free(base);
}

/*
 * a full disk: new messages are refused (ENOSPC) once the reserve would not
 * stay whole, state records still go into it, and with space back the
 * probe lets mail in again by itself
 */
static void
test_full_disk(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md, again;
	struct rec_state st = { .state = 2, .provider_id = S("p"),
	    .reason = S("") };
	int		 answer[MAXMSG];
	uint64_t	 id, refused = 0, i;

	(void)state;
	open_spool_reserve(base, &md, 0, 64 * 1024);
	assert_true(spool_accepting(md.s));
	disk_free = 0;			/* what the journal holds is all */
	for (id = 1; id < 100 && refused == 0; id++) {
		answer[id] = NOT_YET;
		assert_int_equal(try_msg(&md, id, 64 * 1024, answered,
		    &answer[id]), 0);
		run_until(base, &answer[id]);
		if (answer[id] == ENOSPC)
			refused = id;
		else
			assert_int_equal(answer[id], 0);
	}
	assert_true(refused > 1);	/* the space allocated ahead took some */
	assert_false(spool_accepting(md.s));
	assert_true(spool_recording(md.s));
	errno = 0;
	assert_int_equal(try_msg(&md, refused + 1, 100, answered, &answer[0]),
	    -1);
	assert_int_equal(errno, ENOSPC);

	/* the accepted ones record their progress in the reserve */
	for (i = 1; i < refused; i++) {
		st.id = i;
		assert_int_equal(spool_put_state(md.s, &st), 0);
	}
	commit_and_wait(base, md.s);
	assert_false(journal_contains("message-000")); /* ids from 1 */
	assert_false(spool_accepting(md.s));

	disk_free = UNLIMITED;
	run_until_accepting(base, md.s);
	assert_true(md.writable > 0);
	answer[0] = NOT_YET;
	assert_int_equal(try_msg(&md, refused + 1, 100, answered, &answer[0]),
	    0);
	run_until(base, &answer[0]);
	assert_int_equal(answer[0], 0);
	spool_close(md.s);

	open_spool(base, &again, 0);
	for (i = 1; i < refused; i++) {
		assert_true(again.live[i]);
		assert_int_equal(again.state[i], 2);
	}
	assert_false(again.live[refused]);
	assert_true(again.live[refused + 1]);
	assert_int_equal(again.nmsg_records, (int)refused);
	spool_close(again.s);
	event_base_free(base);
}

/*
 * a batch whose sync fails: its message is refused and gone from the disk
 * at once (a crash would not replay it), its state record is kept and
 * written by the probe; meanwhile nothing new and no delivery may start
 */
static void
test_failed_sync(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md, seen;
	struct rec_state st = { .id = 1, .state = 3,
	    .provider_id = S("kept-provider-id"), .reason = S("") };
	int		 answer = NOT_YET;

	(void)state;
	open_spool_reserve(base, &md, 0, 64 * 1024);
	put_msg(&md, 1, 100);
	commit_and_wait(base, md.s);
	sync_failures = 1000;
	assert_int_equal(spool_put_state(md.s, &st), 0);
	assert_int_equal(try_msg(&md, 2, 100, answered, &answer), 0);
	run_until(base, &answer);
	assert_int_equal(answer, EIO);
	assert_false(spool_accepting(md.s));
	assert_false(spool_recording(md.s));
	errno = 0;
	assert_int_equal(try_msg(&md, 3, 100, answered, &answer), -1);
	assert_int_equal(errno, EIO);
	assert_false(journal_contains("message-002"));
	assert_false(journal_contains("kept-provider-id"));
	crash_replay(&seen);
	assert_true(seen.live[1]);
	assert_int_equal(seen.state[1], 0);
	assert_false(seen.live[2]);

	sync_failures = 0;
	run_until_accepting(base, md.s);
	assert_true(spool_recording(md.s));
	assert_true(journal_contains("kept-provider-id"));
	assert_false(journal_contains("message-002"));
	spool_close(md.s);

	open_spool(base, &seen, 0);
	assert_true(seen.live[1]);
	assert_int_equal(seen.state[1], 3);
	assert_false(seen.live[2]);
	assert_int_equal(seen.nmsg_records, 1);
	spool_close(seen.s);
	event_base_free(base);
}

/*
 * a new segment that cannot be made: the batch is rewound across the
 * rotation and written again, into the new segment, once there is space
 */
static void
test_failed_rotation(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	int		 answer = NOT_YET;
	uint64_t	 id;

	(void)state;
	open_spool_reserve(base, &md, 16 * 1024, 64 * 1024);
	for (id = 1; id <= 3; id++) {
		put_msg(&md, id, 5000);
		commit_and_wait(base, md.s);
	}
	assert_int_equal(count_segments(), 1);
	disk_free = 0;			/* room in the segment, none for another */
	assert_int_equal(try_msg(&md, 4, 5000, answered, &answer), 0);
	run_until(base, &answer);
	assert_int_equal(answer, ENOSPC);
	assert_false(spool_recording(md.s));
	assert_int_equal(count_segments(), 1);

	disk_free = UNLIMITED;
	run_until_accepting(base, md.s);
	assert_int_equal(count_segments(), 2);
	put_msg(&md, 5, 100);
	commit_and_wait(base, md.s);
	spool_close(md.s);

	open_spool(base, &md, 16 * 1024);
	for (id = 1; id <= 3; id++)
		assert_true(md.live[id]);
	assert_false(md.live[4]);
	assert_true(md.live[5]);
	assert_int_equal(md.nmsg_records, 4);
	spool_close(md.s);
	event_base_free(base);
}

/*
 * while full, deliveries may start only as long as half the reserve is left
 * for the answers of those under way; all of it is written
 */
static void
test_full_recording(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	static char	 reason[4096];
	struct rec_state st = { .state = 1, .provider_id = S("") };
	int		 answer = NOT_YET, n = 0;
	uint64_t	 id;

	(void)state;
	memset(reason, 'r', sizeof(reason) - 1);
	st.reason = S(reason);
	open_spool_reserve(base, &md, 0, 64 * 1024);
	disk_free = 0;
	for (id = 1; id < 200 && spool_accepting(md.s); id++) {
		answer = NOT_YET;
		assert_int_equal(try_msg(&md, id, 8 * 1024, answered,
		    &answer), 0);
		run_until(base, &answer);
	}
	assert_int_equal(answer, ENOSPC);
	assert_true(spool_recording(md.s));
	st.id = 1;
	while (spool_recording(md.s)) {
		assert_int_equal(spool_put_state(md.s, &st), 0);
		assert_true(++n < 64);
	}
	assert_true(n >= 2);
	/* what was let through fits: it is written, and still from the reserve */
	commit_and_wait(base, md.s);
	assert_false(spool_accepting(md.s));
	assert_false(spool_recording(md.s));
	disk_free = UNLIMITED;
	run_until_accepting(base, md.s);
	assert_true(spool_recording(md.s));
	spool_close(md.s);
	event_base_free(base);
}

/* test_measured - every batch's sync time and waiters reach the stats */
static void
test_measured(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	struct stat_reading waiters, commit;
	int		 answer[3] = { NOT_YET, NOT_YET, NOT_YET };
	uint64_t	 i;

	(void)state;
	stats_reset();
	open_spool(base, &md, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(try_msg(&md, i + 1, 100, answered,
		    &answer[i]), 0);
		md.live[i + 1] = 1;
	}
	for (i = 0; i < 3; i++) {
		run_until(base, &answer[i]);
		assert_int_equal(answer[i], 0);
	}
	/* the thread measures before it posts: the answers saw the numbers */
	stats_read(STAT_SPOOL_BATCH_WAITERS, &waiters);
	stats_read(STAT_SPOOL_COMMIT_US, &commit);
	assert_int_equal(waiters.value, 3);
	assert_true(waiters.counts[waiters.nbuckets - 1] >= 1);
	assert_int_equal(commit.counts[commit.nbuckets - 1],
	    waiters.counts[waiters.nbuckets - 1]);
	spool_close(md.s);
	event_base_free(base);
}

/* a record read back by the I/O thread, as a held message at its release */
struct read_back {
	int		 error;		/* NOT_YET until answered */
	uint64_t	 id;		/* of the REC_MSG read */
	size_t		 len;
};

static void
on_read(void *arg, const uint8_t *rec, int error)
{
	struct read_back *rb = arg;
	const uint8_t	*payload;
	size_t		 plen, total;
	uint8_t		 type;
	struct message	*m;

	rb->error = error;
	if (error != 0)
		return;
	assert_int_equal(rec_frame(rec, rb->len, &type, &payload, &plen,
	    &total), 1);
	assert_int_equal(type, REC_MSG);
	assert_int_equal(total, rb->len);
	assert_non_null(m = rec_get_msg(payload, plen, &rb->id));
	free(m);
}

/*
 * spool_read: a record where it was written; a relocated one read in the
 * batch that copies it (the copy is there first); a place past the end of
 * its segment is an error, not stray bytes
 */
static void
test_read_back(void **state)
{
	struct event_base *base = event_base_new();
	struct model	 md;
	struct read_back rb = { NOT_YET, 0, 0 };
	struct spool_loc moved, bad;

	(void)state;
	open_spool(base, &md, 64 * 1024);
	put_msg(&md, 7, 2000);
	put_msg(&md, 8, 3000);
	commit_and_wait(base, md.s);
	rb.len = md.loc[8].len;
	assert_int_equal(spool_read(md.s, &md.loc[8], on_read, &rb), 0);
	run_until(base, &rb.error);
	assert_int_equal(rb.error, 0);
	assert_int_equal(rb.id, 8);

	moved = md.loc[7];
	assert_int_equal(spool_relocate(md.s, &moved), 0);
	assert_true(moved.off != md.loc[7].off || moved.seg != md.loc[7].seg);
	rb = (struct read_back){ NOT_YET, 0, moved.len };
	assert_int_equal(spool_read(md.s, &moved, on_read, &rb), 0);
	run_until(base, &rb.error);
	assert_int_equal(rb.error, 0);
	assert_int_equal(rb.id, 7);

	bad = moved;
	bad.off += 10 * 1024 * 1024;
	rb = (struct read_back){ NOT_YET, 0, bad.len };
	assert_int_equal(spool_read(md.s, &bad, on_read, &rb), 0);
	run_until(base, &rb.error);
	assert_int_not_equal(rb.error, 0);
	spool_close(md.s);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_measured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_recording, setup,
		    teardown),
	};

	log_init(1, 0, "test_spool");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
