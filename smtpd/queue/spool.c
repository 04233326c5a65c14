/*
 * spool.c - the journal on disk: segment files of framed records, appended in
 * batches by an I/O thread that syncs each batch once (group commit).
 *
 * The loop decides everything (offsets, rotation, deletion) and hands the I/O
 * thread a batch of operations; the thread writes, copies, fdatasyncs, then
 * unlinks, syncs the directory and posts the batch back to the loop's mailbox,
 * which runs the batch's waiters. The thread keeps zero-filled space allocated ahead of
 * the write position, so most fdatasyncs flush data only and not the inode
 * (measured here: 109 us instead of 191 us); replay reads zeros as the end.
 * A segment is unlinked only when no live message has its record in it and
 * every older segment is gone, so no state record is lost.
 *
 * A full disk: the thread keeps min_free bytes allocated ahead of the write
 * position, a reserve nobody else can take. New messages go in only while
 * that reserve can be kept whole (else they are voided and refused, 452);
 * state records and completions of accepted messages may use it. A batch
 * that cannot be written is rewound (what it wrote is zeroed, the segments it
 * began removed) and written again by a probe with backoff; nothing appended
 * after it goes first. Its messages are voided and refused, the rest waits.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sms/lib/buf.h"
#include "sms/lib/log.h"
#include "sms/lib/mailbox.h"
#include "sms/lib/stats.h"
#include "smtpd/queue/spool.h"

#define RELOCATE_AFTER	4	/* segments behind the head before moving pins */
#define RELOCATE_LIVE	4	/* ... and at most 1/this of it still live */
#define PREALLOC_STEP	(1024 * 1024)	/* zero-filled space kept ahead */
#define LAZY_COMMIT_MS	20	/* longest wait of records nobody waits for */
#define PROBE_FIRST_MS	100	/* first look for space after a failure */
#define PROBE_MAX_MS	5000	/* the probes back off up to this */
#define REPLAY_CHUNK	(1024 * 1024)	/* replay reads segments this much at a time */

enum op_type { OP_WRITE, OP_COPY, OP_ROTATE, OP_DELETE, OP_READ };

struct op {
	enum op_type	 type;
	uint32_t	 seg;		/* COPY: source; ROTATE: new; DELETE: victim */
	uint64_t	 off;		/* WRITE: offset in batch data; COPY: in source */
	uint64_t	 len;
	size_t		 reader;	/* READ: its index in the batch's readers */
};

/* one record read back for the loop (a held message at its release) */
struct reader {
	spool_read_cb	 cb;
	void		*arg;
	uint8_t		*data;		/* the thread's: the record, or NULL */
	int		 error;		/* the thread's: errno of the read */
};

struct waiter {
	spool_done_cb	 cb;
	void		*arg;
	size_t		 rec_off;	/* its message's record in the batch data */
	size_t		 rec_len;	/* 0: owns no record, waits for the batch */
	struct spool_loc loc;
};

struct batch {
	struct buf	 data;
	struct op	*ops;
	size_t		 nops;
	size_t		 opcap;
	struct waiter	*waiters;
	size_t		 nwaiters;
	size_t		 wcap;
	struct reader	*readers;
	size_t		 nreaders;
	size_t		 rcap;
	uint64_t	 bytes;		/* what its ops add to the journal */
	uint64_t	 reserve;	/* to keep allocated after it: min_free */
	/* the thread's answer */
	int		 error;		/* errno: nothing of it is on disk */
	int		 refused;	/* errno: its messages voided, rest on disk */
	int		 unlink_error;	/* errno: a finished segment stayed */
	uint64_t	 ahead;		/* allocated space after it */
	struct mailbox_item back;	/* in the loop's mailbox when answered */
};

/* Where the thread writes; dirty ends the bytes written (not zero-filled). */
struct io_pos {
	uint32_t	 seg;
	uint64_t	 wpos;
	uint64_t	 fsize;		/* zero-filled, allocated size */
	uint64_t	 dirty;
};

/* what still needs a segment: its live messages and their records' bytes */
struct pin {
	uint32_t	 msgs;
	uint64_t	 bytes;
};

struct spool {
	char		*dir;		/* DIR/journal */
	int		 dirfd;
	struct event_base *base;
	size_t		 segment_max;
	struct spool_replay replay;

	/* loop side */
	uint32_t	 first_seg;	/* oldest segment still on disk */
	uint32_t	 cur_seg;	/* segment being appended to */
	uint64_t	 cur_off;	/* its logical size so far */
	struct pin	*pins;		/* live messages per segment, from first_seg */
	size_t		 npins;
	struct batch	*open;		/* being filled */
	struct batch	*retry;		/* failed: goes again, before open */
	int		 io_busy;	/* a batch is with the thread */
	uint64_t	 busy_bytes;	/* what that batch adds */
	uint64_t	 ahead;		/* allocated space after the last batch */
	uint64_t	 reserve;	/* min_free */
	int		 full;		/* the reserve could not be kept whole */
	int		 error;		/* errno of the failure, for refused mail */
	int		 episode;	/* full or failing: since episode_start */
	time_t		 episode_start;	/* monotonic seconds */
	int		 said_full;	/* logged in this episode */
	int		 said_failed;
	unsigned	 probe_ms;	/* next probe for space after this */
	struct event	*probe_ev;
	int		 closing;	/* spool_close: no more probes */
	struct timeval	 commit_delay;	/* window to gather a batch */
	struct event	*delay_ev;	/* that window is open */
	struct event	*lazy_ev;	/* records nobody waits for are due */
	struct mailbox	*answers;	/* the thread's finished batches */

	int		 collecting;	/* spool_collect is running */
	int		 started;	/* the thread runs */

	/* shared, under mtx */
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	struct batch	*todo;		/* handed to the thread */
	int		 quit;
	pthread_t	 thread;

	/* thread side */
	int		 fd;		/* current segment */
	struct io_pos	 io;		/* where in it */
	int		 read_fd;	/* a segment records are read from, or -1 */
	uint32_t	 read_seg;	/* which one */
};

static const uint8_t zeros[65536];

static void	spool_handover(struct spool *, int);
static void	spool_kick(struct spool *, int);
static void	spool_unpin(struct spool *, const struct spool_loc *);

/* seg_path - DIR/journal/XXXXXXXX.seg */
static void
seg_name(uint32_t seg, char name[32])
{
	snprintf(name, 32, "%08" PRIx32 ".seg", seg);
}

static struct batch *
batch_new(void)
{
	return calloc(1, sizeof(struct batch));
}

static void
batch_free(struct batch *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nreaders; i++)
		free(b->readers[i].data);
	free(b->readers);
	buf_free(&b->data);
	free(b->ops);
	free(b->waiters);
	free(b);
}

/* batch_op - append an operation; consecutive writes merge */
static int
batch_op(struct batch *b, enum op_type type, uint32_t seg, uint64_t off,
    uint64_t len)
{
	if (type == OP_WRITE || type == OP_COPY)
		b->bytes += len;
	if (type == OP_WRITE && b->nops > 0 &&
	    b->ops[b->nops - 1].type == OP_WRITE) {
		b->ops[b->nops - 1].len += len;
		return 0;
	}
	if (array_grow(&b->ops, &b->opcap, b->nops, sizeof(*b->ops),
	    16) == -1) {
		if (type == OP_WRITE || type == OP_COPY)
			b->bytes -= len;
		return -1;
	}
	b->ops[b->nops++] = (struct op){ type, seg, off, len, 0 };
	return 0;
}

/* batch_void - its messages are refused: blank their records; how many */
static size_t
batch_void(struct batch *b)
{
	size_t	 i, n = 0;

	for (i = 0; i < b->nwaiters; i++)
		if (b->waiters[i].rec_len > 0) {
			rec_void(b->data.p + b->waiters[i].rec_off,
			    b->waiters[i].rec_len);
			n++;
		}
	return n;
}

/* batch_head - the bytes it writes before it starts a new segment */
static uint64_t
batch_head(const struct batch *b)
{
	uint64_t n = 0;
	size_t	 i;

	for (i = 0; i < b->nops && b->ops[i].type != OP_ROTATE; i++)
		if (b->ops[i].type == OP_WRITE || b->ops[i].type == OP_COPY)
			n += b->ops[i].len;
	return n;
}

/* nospace - the errors that free space cures */
static int
nospace(int err)
{
	return err == ENOSPC || err == EDQUOT;
}

/* ---- I/O thread ---- */

/* pwrite_all - write n bytes at off or fail */
static int
pwrite_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	ssize_t	 w;

	while (n > 0) {
		w = pwrite(fd, p, n, (off_t)off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		off += (uint64_t)w;
		n -= (size_t)w;
	}
	return 0;
}

/* io_zero - write zeros over [from, to); what succeeded is kept */
static int
io_zero(int fd, uint64_t from, uint64_t to, uint64_t *done)
{
	size_t	 chunk;

	while (from < to) {
		chunk = to - from < sizeof(zeros) ? to - from : sizeof(zeros);
		if (pwrite_all(fd, zeros, chunk, from) == -1)
			return -1;
		from += chunk;
		if (done != NULL)
			*done = from;
	}
	return 0;
}

/*
 * io_reserve - n more bytes fit in allocated space: zero-fill ahead by a
 * generous step, or, when the disk is short, just as far as needed.
 */
static int
io_reserve(struct spool *s, uint64_t n)
{
	uint64_t need = s->io.wpos + n, end;

	if (need <= s->io.fsize)
		return 0;
	end = (need + PREALLOC_STEP) / PREALLOC_STEP * PREALLOC_STEP;
	if (io_zero(s->fd, s->io.fsize, end, &s->io.fsize) == 0)
		return 0;
	return io_zero(s->fd, s->io.fsize, need, &s->io.fsize);
}

/* io_append - bytes at the write position */
static int
io_append(struct spool *s, const uint8_t *p, size_t n)
{
	if (io_reserve(s, n) == -1)
		return -1;
	if (s->io.wpos + n > s->io.dirty)
		s->io.dirty = s->io.wpos + n;
	if (pwrite_all(s->fd, p, n, s->io.wpos) == -1)
		return -1;
	s->io.wpos += n;
	return 0;
}

/* io_open_segment - create a new segment with its magic; none if that fails */
static int
io_open_segment(struct spool *s, uint32_t seg)
{
	char	 name[32];
	int	 fd, err;

	seg_name(seg, name);
	fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	s->fd = fd;
	s->io = (struct io_pos){ seg, 0, 0, 0 };
	if (io_append(s, (const uint8_t *)SEG_MAGIC, SEG_MAGIC_LEN) == -1) {
		err = errno;
		close(fd);
		(void)unlinkat(s->dirfd, name, 0);
		s->fd = -1;
		errno = err;
		return -1;
	}
	return 0;
}

/* io_reopen - the current segment again, after a rewind could not keep it */
static int
io_reopen(struct spool *s)
{
	struct stat st;
	char	 name[32];

	seg_name(s->io.seg, name);
	if ((s->fd = openat(s->dirfd, name, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(s->fd, &st) == -1) {
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->io.fsize = (uint64_t)st.st_size;
	return 0;
}

/* io_copy - copy a record from an older segment to the current one */
static int
io_copy(struct spool *s, const struct op *op)
{
	char	 name[32];
	uint8_t	*tmp;
	ssize_t	 r;
	int	 fd, rc = -1;

	seg_name(op->seg, name);
	if ((fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((tmp = malloc(op->len)) != NULL) {
		r = pread(fd, tmp, op->len, (off_t)op->off);
		if (r == (ssize_t)op->len)
			rc = io_append(s, tmp, op->len);
		else if (r >= 0)
			errno = EIO;
		free(tmp);
	}
	close(fd);
	return rc;
}

/*
 * io_read - read a record back for the loop: after the writes before it in
 * the batch, so a record copied by this or an earlier batch is there. A
 * failure is the reader's, not the batch's.
 */
static void
io_read(struct spool *s, struct batch *b, const struct op *op)
{
	struct reader	*r;
	char		 name[32];
	ssize_t		 n;
	int		 fd;

	if (op->reader >= b->nreaders)
		return;		/* answered after an earlier attempt */
	r = &b->readers[op->reader];
	if (r->data != NULL || r->error != 0)
		return;
	/* held messages go out in order: most reads are of the last segment */
	if (s->read_fd == -1 || s->read_seg != op->seg) {
		if (s->read_fd != -1)
			close(s->read_fd);
		seg_name(op->seg, name);
		s->read_seg = op->seg;
		if ((s->read_fd = openat(s->dirfd, name, O_RDONLY |
		    O_CLOEXEC)) == -1) {
			r->error = errno;
			return;
		}
	}
	fd = s->read_fd;
	if ((r->data = malloc(op->len ? op->len : 1)) == NULL)
		r->error = ENOMEM;
	else if ((n = pread(fd, r->data, op->len, (off_t)op->off)) !=
	    (ssize_t)op->len) {
		r->error = n == -1 ? errno : EIO;
		free(r->data);
		r->data = NULL;
	}
}

/*
 * io_rewind - undo a failed batch: the segments it began go, and what it
 * wrote in the first one is zeroed (or cut off when even that fails), so
 * that nothing of it, least of all a refused message, is replayed after a
 * crash. first: that segment as the batch left it.
 */
static void
io_rewind(struct spool *s, const struct io_pos *start,
    const struct io_pos *first)
{
	char	 name[32];
	uint32_t seg;

	if (s->read_fd != -1) {		/* it may be of a segment that goes */
		close(s->read_fd);
		s->read_fd = -1;
	}
	if (s->fd == -1 || s->io.seg != start->seg) {
		if (s->fd != -1)
			close(s->fd);
		for (seg = start->seg + 1; seg <= s->io.seg; seg++) {
			seg_name(seg, name);
			(void)unlinkat(s->dirfd, name, 0);
		}
		s->io = *first;
		if (io_reopen(s) == -1)
			return;		/* the next batch tries again */
		(void)fsync(s->dirfd);
	} else
		s->io = *first;
	if (io_zero(s->fd, start->wpos, s->io.dirty, NULL) == -1 &&
	    ftruncate(s->fd, (off_t)start->wpos) == 0)
		s->io.fsize = start->wpos;
	(void)fdatasync(s->fd);
	s->io.wpos = s->io.dirty = start->wpos;
	if (s->io.fsize < start->wpos)
		s->io.fsize = start->wpos;
}

/* io_forget_read - the segment read from goes with this batch: let it go */
static void
io_forget_read(struct spool *s, const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->nops && s->read_fd != -1; i++)
		if (b->ops[i].type == OP_DELETE && b->ops[i].seg == s->read_seg) {
			close(s->read_fd);
			s->read_fd = -1;
		}
}

/* io_delete - unlink the segments the batch releases */
static void
io_delete(struct spool *s, struct batch *b)
{
	char	 name[32];
	size_t	 i;
	int	 any = 0;

	for (i = 0; i < b->nops; i++) {
		if (b->ops[i].type != OP_DELETE)
			continue;
		seg_name(b->ops[i].seg, name);
		if (unlinkat(s->dirfd, name, 0) == -1 && errno != ENOENT)
			b->unlink_error = errno;
		any = 1;
	}
	if (any && fsync(s->dirfd) == -1)
		b->unlink_error = errno;
}

/*
 * io_run - carry out one batch: room first (its messages only if the reserve
 * stays whole after them), data, one sync, then unlinks. On failure nothing
 * of it is left on disk.
 */
static int
io_run(struct spool *s, struct batch *b)
{
	struct io_pos	 start, first;
	uint64_t	 head = batch_head(b);
	size_t		 i;
	int		 rotated = 0, err;

	if (s->fd == -1 && io_reopen(s) == -1)
		return -1;
	start = first = s->io;
	if (io_reserve(s, head + b->reserve) == -1) {
		err = errno;
		if (!nospace(err))
			goto fail;
		if (batch_void(b) > 0)
			b->refused = err;
		if (io_reserve(s, head) == -1)
			goto fail;
	}
	for (i = 0; i < b->nops; i++) {
		const struct op *op = &b->ops[i];

		switch (op->type) {
		case OP_WRITE:
			if (io_append(s, b->data.p + op->off, op->len) == -1)
				goto fail;
			break;
		case OP_COPY:
			if (io_copy(s, op) == -1)
				goto fail;
			break;
		case OP_ROTATE:
			if (!rotated)
				first = s->io;
			rotated = 1;
			if (fdatasync(s->fd) == -1)
				goto fail;
			err = close(s->fd);
			s->fd = -1;
			if (err == -1 || io_open_segment(s, op->seg) == -1)
				goto fail;
			break;
		case OP_READ:
			io_read(s, b, op);
			break;
		case OP_DELETE:
			break;
		}
	}
	if (rotated)		/* the reserve moves to the new segment */
		(void)io_reserve(s, b->reserve);
	if (fdatasync(s->fd) == -1 || (rotated && fsync(s->dirfd) == -1))
		goto fail;
	io_forget_read(s, b);
	io_delete(s, b);
	return 0;
fail:
	err = errno ? errno : EIO;
	batch_void(b);
	io_rewind(s, &start, rotated ? &first : &s->io);
	errno = err;
	return -1;
}

/* io_main - the I/O thread: take a batch, run it, hand it back */
static void *
io_main(void *arg)
{
	struct spool	*s = arg;
	struct batch	*b;
	uint64_t	 t0;

	for (;;) {
		pthread_mutex_lock(&s->mtx);
		while (s->todo == NULL && !s->quit)
			pthread_cond_wait(&s->cond, &s->mtx);
		b = s->todo;
		s->todo = NULL;
		pthread_mutex_unlock(&s->mtx);
		if (b == NULL)
			break;
		errno = 0;
		t0 = stats_now_us();
		if (io_run(s, b) == -1)
			b->error = errno ? errno : EIO;
		stats_observe(STAT_SPOOL_COMMIT_US, stats_now_us() - t0);
		stats_observe(STAT_SPOOL_BATCH_WAITERS, b->nwaiters);
		b->ahead = s->io.fsize > s->io.wpos ?
		    s->io.fsize - s->io.wpos : 0;
		mailbox_post(s->answers, &b->back);
	}
	return NULL;
}

/* ---- loop side ---- */

static time_t
mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * answer_waiters - tell a batch's waiters: those whose message was refused
 * get that error (their records are void, their pins go); the rest get 0,
 * unless the batch failed (errno, 0 if it is on disk): then they stay in it
 * for its next attempt.
 */
static void
answer_waiters(struct spool *s, struct batch *b, int refused, int failed)
{
	struct waiter	*ws = b->waiters, *w;
	size_t		 i, n = b->nwaiters;

	b->waiters = NULL;
	b->nwaiters = b->wcap = 0;
	for (i = 0; i < n; i++) {
		w = &ws[i];
		if (w->rec_len > 0 && refused) {
			spool_unpin(s, &w->loc);
			w->cb(w->arg, refused);
		} else if (!failed)
			w->cb(w->arg, 0);
		else if (array_grow(&b->waiters, &b->wcap, b->nwaiters,
		    sizeof(*b->waiters), 16) == 0)
			b->waiters[b->nwaiters++] = *w;
		else
			w->cb(w->arg, failed);
	}
	free(ws);
}

/* probe_arm - look for space again later, backing off */
static void
probe_arm(struct spool *s)
{
	struct timeval tv = { s->probe_ms / 1000, (s->probe_ms % 1000) * 1000 };

	if (!s->closing && !evtimer_pending(s->probe_ev, NULL))
		evtimer_add(s->probe_ev, &tv);
}

/*
 * spool_health - a full or failing journal is an episode: logged once when
 * it starts and when it ends, probed for space in between; at its end (and
 * when a failed batch went through) the owner may dispatch again.
 */
static void
spool_health(struct spool *s, int was_failing)
{
	if (s->full && !s->said_full) {
		log_warnx("spool full: %s cannot keep %" PRIu64 " bytes "
		    "(min_free) for accepted mail; new mail gets 452 4.3.1",
		    s->dir, s->reserve);
		s->said_full = 1;
	}
	if (s->retry != NULL && !s->said_failed) {
		errno = s->retry->error;
		log_warn("spool: %s: journal write failed; new mail refused, "
		    "deliveries held, records kept and written again when "
		    "the disk allows", s->dir);
		s->said_failed = 1;
	}
	if (s->full || s->retry != NULL) {
		if (!s->episode) {
			s->episode = 1;
			s->episode_start = mono_sec();
			s->probe_ms = PROBE_FIRST_MS;
		}
		probe_arm(s);
	} else if (s->episode) {
		log_info("spool writable again after %lld s: %s",
		    (long long)(mono_sec() - s->episode_start), s->dir);
		s->episode = 0;
		s->said_full = s->said_failed = 0;
		evtimer_del(s->probe_ev);
	}
	if (was_failing && s->retry == NULL && s->replay.writable != NULL)
		s->replay.writable(s->replay.arg);
}

/*
 * answer_readers - every reader of the batch hears once: its record, or
 * the error (EAGAIN when the batch failed before reading it)
 */
static void
answer_readers(struct batch *b, int failed)
{
	struct reader	*rs = b->readers, *r;
	size_t		 i, n = b->nreaders;

	b->readers = NULL;
	b->nreaders = b->rcap = 0;
	for (i = 0; i < n; i++) {
		r = &rs[i];
		if (r->data == NULL && r->error == 0)
			r->error = failed ? failed : EIO;
		r->cb(r->arg, r->data, r->error);
		free(r->data);
	}
	free(rs);
}

/* spool_done - the thread finished a batch: run its waiters */
static void
spool_done(struct mailbox_item *item, void *arg)
{
	struct spool	*s = arg;
	struct batch	*b = mailbox_entry(item, struct batch, back);
	int		 was_failing;

	was_failing = s->retry != NULL || s->full;
	s->io_busy = 0;
	s->busy_bytes = 0;
	s->ahead = b->ahead;
	s->full = b->ahead < b->reserve;
	if (b->unlink_error) {
		errno = b->unlink_error;
		log_warn("spool: %s: removing a finished segment", s->dir);
	}
	if (b->error) {
		s->retry = b;
		s->error = b->error;
	} else if (b == s->retry)
		s->retry = NULL;
	spool_health(s, was_failing);
	answer_waiters(s, b, b->error ? b->error : b->refused, b->error);
	answer_readers(b, b->error ? EAGAIN : 0);
	if (b->error == 0)
		batch_free(b);
	spool_kick(s, s->open->nwaiters > 0);
}

/*
 * spool_unheard - a batch the thread finished after the loop stopped
 * listening (spool_close without a working loop): the retry batch is
 * freed with the spool, any other here.
 */
static void
spool_unheard(struct mailbox_item *item, void *arg)
{
	struct spool	*s = arg;
	struct batch	*b = mailbox_entry(item, struct batch, back);

	if (b != s->retry)
		batch_free(b);
}

/* spool_give - hand a batch to the idle thread */
static void
spool_give(struct spool *s, struct batch *b)
{
	if (s->delay_ev != NULL)
		evtimer_del(s->delay_ev);
	if (s->lazy_ev != NULL)
		evtimer_del(s->lazy_ev);
	b->reserve = s->reserve;
	b->error = b->refused = b->unlink_error = 0;
	s->io_busy = 1;
	s->busy_bytes = b->bytes;
	pthread_mutex_lock(&s->mtx);
	s->todo = b;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
}

/*
 * spool_handover - give the open batch to the idle thread; a failed batch
 * goes first, through the probe. probe: even an empty batch, to look for
 * space.
 */
static void
spool_handover(struct spool *s, int probe)
{
	struct batch *b = s->open;

	if (s->io_busy || s->retry != NULL || b == NULL ||
	    (!probe && b->nops == 0 && b->nwaiters == 0))
		return;
	if ((s->open = batch_new()) == NULL)
		fatal("spool: batch");
	spool_give(s, b);
}

static void
delay_done(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	spool_handover(arg, 0);
}

/* probe_due - try the failed batch again, or look for space with any */
static void
probe_due(evutil_socket_t fd, short ev, void *arg)
{
	struct spool	*s = arg;

	(void)fd;
	(void)ev;
	s->probe_ms = s->probe_ms * 2 < PROBE_MAX_MS ? s->probe_ms * 2 :
	    PROBE_MAX_MS;
	if (s->io_busy)
		return;		/* its answer arms the next probe */
	if (s->retry != NULL)
		spool_give(s, s->retry);
	else
		spool_handover(s, 1);
}

/*
 * spool_kick - the open batch should go to disk. With a waiter (a client
 * waits for its 250): now, or after queue.commit_delay so that more messages
 * share the one fdatasync. Without one (state records, completions): within
 * LAZY_COMMIT_MS, or with the next message, so that they never cost a sync
 * of their own while mail flows nor delay a waiter behind that sync. While
 * the thread is busy nothing is needed: its completion kicks again; while a
 * failed batch waits, the probe does.
 */
static void
spool_kick(struct spool *s, int urgent)
{
	static const struct timeval lazy = { 0, LAZY_COMMIT_MS * 1000 };

	if (s->io_busy || s->retry != NULL || s->open == NULL ||
	    (s->open->nops == 0 && s->open->nwaiters == 0))
		return;
	if (!urgent) {
		if (!evtimer_pending(s->lazy_ev, NULL))
			evtimer_add(s->lazy_ev, &lazy);
		return;
	}
	if (!evutil_timerisset(&s->commit_delay)) {
		spool_handover(s, 0);
		return;
	}
	if (!evtimer_pending(s->delay_ev, NULL))
		evtimer_add(s->delay_ev, &s->commit_delay);
}

/* spool_set_min_free - the reserve for records of accepted messages */
void
spool_set_min_free(struct spool *s, size_t bytes)
{
	s->reserve = bytes;
}

/* spool_set_commit_delay - the group-commit window, in milliseconds */
void
spool_set_commit_delay(struct spool *s, unsigned ms)
{
	s->commit_delay.tv_sec = ms / 1000;
	s->commit_delay.tv_usec = (ms % 1000) * 1000;
}

/* pin_slot - the pin counter of seg, growing the table */
static struct pin *
pin_slot(struct spool *s, uint32_t seg)
{
	size_t	 idx, n;
	struct pin *p;

	if (seg < s->first_seg)
		return NULL;
	idx = seg - s->first_seg;
	if (idx >= s->npins) {
		n = idx + 16;
		if ((p = reallocarray(s->pins, n, sizeof(*p))) == NULL)
			fatal("spool: pins");
		memset(p + s->npins, 0, (n - s->npins) * sizeof(*p));
		s->pins = p;
		s->npins = n;
	}
	return &s->pins[idx];
}

/* spool_pin - count a live message against its segment */
void
spool_pin(struct spool *s, const struct spool_loc *loc)
{
	struct pin *p = pin_slot(s, loc->seg);

	if (p != NULL) {
		p->msgs++;
		p->bytes += loc->len;
	}
}

/* spool_unpin - forget a message; unlink leading segments nobody needs */
static void
spool_unpin(struct spool *s, const struct spool_loc *loc)
{
	struct pin *p = pin_slot(s, loc->seg);

	if (p != NULL && p->msgs > 0) {
		p->msgs--;
		p->bytes -= p->bytes < loc->len ? p->bytes : loc->len;
	}
}

/*
 * spool_collect - delete leading empty segments, move pins off old ones
 * (not while the disk is full: copies would eat the reserve). Only a
 * mostly dead segment is moved: one full of held messages would be copied
 * whole, and again, while they go out in order from it (measured: a
 * million released at 3,400/s with it, more without).
 */
static void
spool_collect(struct spool *s)
{
	if (s->collecting)
		return;
	s->collecting = 1;
	if (s->cur_seg - s->first_seg >= RELOCATE_AFTER && s->npins > 0 &&
	    s->pins[0].msgs > 0 &&
	    s->pins[0].bytes <= s->segment_max / RELOCATE_LIVE &&
	    s->replay.relocate != NULL &&
	    spool_accepting(s))
		s->replay.relocate(s->replay.arg, s->first_seg);
	while (s->first_seg < s->cur_seg && (s->npins == 0 ||
	    s->pins[0].msgs == 0)) {
		if (batch_op(s->open, OP_DELETE, s->first_seg, 0, 0) == -1)
			break;
		s->first_seg++;
		if (s->npins > 0) {
			memmove(s->pins, s->pins + 1,
			    (s->npins - 1) * sizeof(*s->pins));
			s->npins--;
		}
	}
	s->collecting = 0;
}

/*
 * spool_make_room - start a new segment when len bytes no longer fit; not
 * while the disk is full: the current segment holds the reserve, so it
 * grows past segment_max instead.
 */
static int
spool_make_room(struct spool *s, size_t len)
{
	if (s->cur_off + len <= s->segment_max || s->cur_off == 0 ||
	    !spool_accepting(s))
		return 0;
	if (batch_op(s->open, OP_ROTATE, s->cur_seg + 1, 0, 0) == -1)
		return -1;
	s->cur_seg++;
	s->cur_off = 0;
	(void)pin_slot(s, s->cur_seg);
	return 0;
}

/* spool_append - add encoded bytes to the open batch; *at: where in its data */
static int
spool_append(struct spool *s, const struct buf *rec, size_t *at)
{
	struct batch *b = s->open;
	size_t	 off = b->data.len;

	if (spool_make_room(s, rec->len) == -1)
		return -1;
	if (buf_append(&b->data, rec->p, rec->len) == -1)
		return -1;
	if (batch_op(b, OP_WRITE, 0, off, rec->len) == -1) {
		b->data.len = off;
		return -1;
	}
	s->cur_off += rec->len;
	if (at != NULL)
		*at = off;
	return 0;
}

/* add_waiter - cb once the open batch is on disk (or its message refused) */
static int
add_waiter(struct spool *s, const struct waiter *w)
{
	struct batch *b = s->open;

	if (array_grow(&b->waiters, &b->wcap, b->nwaiters,
	    sizeof(*b->waiters), 16) == -1)
		return -1;
	b->waiters[b->nwaiters++] = *w;
	spool_kick(s, 1);
	return 0;
}

static struct buf scratch;

/* spool_put_msg - append a message; loc tells where its record lives */
int
spool_put_msg(struct spool *s, uint64_t id, const struct message *m,
    struct spool_loc *loc, spool_done_cb cb, void *arg)
{
	struct waiter	 w = { cb, arg, 0, 0, { 0, 0, 0 } };
	struct batch	*b = s->open;

	if (!spool_accepting(s)) {
		errno = s->retry != NULL ? s->error : ENOSPC;
		return -1;
	}
	scratch.len = 0;
	if (rec_put_msg(&scratch, id, m) == -1 ||
	    spool_append(s, &scratch, &w.rec_off) == -1)
		return -1;
	loc->seg = s->cur_seg;
	loc->off = SEG_MAGIC_LEN + s->cur_off - scratch.len;
	loc->len = (uint32_t)scratch.len;
	spool_pin(s, loc);
	if (cb == NULL)
		return 0;
	w.rec_len = scratch.len;
	w.loc = *loc;
	if (add_waiter(s, &w) == -1) {
		/* the caller drops the message: its record must not stay */
		rec_void(b->data.p + w.rec_off, w.rec_len);
		spool_unpin(s, loc);
		return -1;
	}
	return 0;
}

/* spool_put_state - append a recipient's new state */
int
spool_put_state(struct spool *s, const struct rec_state *st)
{
	scratch.len = 0;
	if (rec_put_state(&scratch, st) == -1)
		return -1;
	return spool_append(s, &scratch, NULL);
}

/* spool_put_report - append a delivery report */
int
spool_put_report(struct spool *s, const struct rec_report *r)
{
	scratch.len = 0;
	if (rec_put_report(&scratch, r) == -1)
		return -1;
	return spool_append(s, &scratch, NULL);
}

/* spool_put_parts - append a sent recipient's parts */
int
spool_put_parts(struct spool *s, uint64_t id, uint32_t rcpt,
    const struct rcpt_status *st)
{
	scratch.len = 0;
	if (rec_put_parts(&scratch, id, rcpt, st) == -1)
		return -1;
	return spool_append(s, &scratch, NULL);
}

/* spool_put_done - append the end of a message and release its segment */
int
spool_put_done(struct spool *s, uint64_t id, const struct spool_loc *loc)
{
	scratch.len = 0;
	if (rec_put_done(&scratch, id) == -1 ||
	    spool_append(s, &scratch, NULL) == -1)
		return -1;
	spool_unpin(s, loc);
	spool_collect(s);
	return 0;
}

/* spool_relocate - copy a record verbatim to the head of the journal */
int
spool_relocate(struct spool *s, struct spool_loc *loc)
{
	struct batch *b = s->open;

	if (!spool_accepting(s)) {
		errno = ENOSPC;
		return -1;
	}
	if (spool_make_room(s, loc->len) == -1)
		return -1;
	if (batch_op(b, OP_COPY, loc->seg, loc->off, loc->len) == -1)
		return -1;
	spool_unpin(s, loc);
	loc->seg = s->cur_seg;
	loc->off = SEG_MAGIC_LEN + s->cur_off;
	s->cur_off += loc->len;
	spool_pin(s, loc);
	return 0;
}

/* spool_read - see spool.h */
int
spool_read(struct spool *s, const struct spool_loc *loc, spool_read_cb cb,
    void *arg)
{
	struct batch	*b = s->open;

	if (array_grow(&b->readers, &b->rcap, b->nreaders,
	    sizeof(*b->readers), 16) == -1)
		return -1;
	if (batch_op(b, OP_READ, loc->seg, loc->off, loc->len) == -1)
		return -1;
	b->ops[b->nops - 1].reader = b->nreaders;
	b->readers[b->nreaders++] = (struct reader){ cb, arg, NULL, 0 };
	spool_kick(s, 1);
	return 0;
}

/* spool_commit - call cb once everything appended so far is durable */
void
spool_commit(struct spool *s, spool_done_cb cb, void *arg)
{
	struct waiter w = { cb, arg, 0, 0, { 0, 0, 0 } };

	if (cb == NULL)
		spool_kick(s, 0);
	else if (add_waiter(s, &w) == -1)
		cb(arg, ENOMEM);
}

/* spool_accepting - see spool.h */
int
spool_accepting(const struct spool *s)
{
	return s->retry == NULL && !s->full;
}

/*
 * spool_recording - see spool.h: while full, as long as half the reserve
 * is left after what is queued for the disk, for the answers of deliveries
 * under way.
 */
int
spool_recording(const struct spool *s)
{
	uint64_t queued = s->busy_bytes + s->open->bytes;

	if (s->retry != NULL)
		return 0;
	return !s->full ||
	    (s->ahead > queued && s->ahead - queued >= s->reserve / 2);
}

/* ---- opening and replay ---- */

static int
seg_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* list_segments - the segment numbers in the journal, ascending */
static int
list_segments(struct spool *s, uint32_t **out, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	uint32_t	*v = NULL, seg;
	size_t		 cap = 0;
	char		 name[32], *end;
	int		 fd;

	*n = 0;
	if ((fd = dup(s->dirfd)) == -1 || (d = fdopendir(fd)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		errno = 0;
		seg = (uint32_t)strtoul(de->d_name, &end, 16);
		if (errno || strcmp(end, ".seg") != 0 || end - de->d_name != 8)
			continue;
		seg_name(seg, name);
		if (strcmp(name, de->d_name) != 0)
			continue;
		if (array_grow(&v, &cap, *n, sizeof(*v), 16) == -1) {
			free(v);
			closedir(d);
			return -1;
		}
		v[(*n)++] = seg;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), seg_cmp);
	*out = v;
	return 0;
}

/* all_zero - preallocated space that was never written */
static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* replay_record - hand one intact record to the owner */
static void
replay_record(struct spool *s, uint8_t type, const uint8_t *payload,
    size_t plen, const struct spool_loc *loc)
{
	struct message	*m;
	struct rec_state st;
	struct rec_report rr;
	struct rec_parts rp;
	uint64_t	 id;

	if (type == REC_MSG && s->replay.held != NULL &&
	    s->replay.held(s->replay.arg, payload, plen, loc))
		;	/* kept on disk: not decoded */
	else if (type == REC_MSG && (m = rec_get_msg(payload, plen,
	    &id)) != NULL)
		s->replay.msg(s->replay.arg, id, m, loc);
	else if (type == REC_MSG && errno == ENOMEM)
		fatal("spool: out of memory");
	else if (type == REC_STATE && rec_get_state(payload, plen, &st) == 0)
		s->replay.state(s->replay.arg, &st);
	else if (type == REC_DONE && rec_get_done(payload, plen, &id) == 0)
		s->replay.done(s->replay.arg, id);
	else if (type == REC_REPORT && rec_get_report(payload, plen, &rr) == 0) {
		if (s->replay.report != NULL)
			s->replay.report(s->replay.arg, &rr);
	} else if (type == REC_PARTS && rec_get_parts(payload, plen,
	    &rp) == 0) {
		if (s->replay.parts != NULL)
			s->replay.parts(s->replay.arg, &rp);
		free(rp.ids);
	} else if (type == REC_PARTS && errno == ENOMEM)
		fatal("spool: out of memory");
	else if (type == REC_VOID)
		;	/* a message refused after it was placed */
	else
		log_warnx("spool: segment %08" PRIx32 " offset %" PRIu64 ": "
		    "undecodable record type %u skipped", loc->seg, loc->off,
		    type);
}

/*
 * replay_records - the whole records of p[0..n), which is at offset base of
 * segment seg; the bytes they take. *r: rec_frame's word where it stopped
 * (0: cut short here, -1: corrupt).
 */
static size_t
replay_records(struct spool *s, uint32_t seg, const uint8_t *p, size_t n,
    uint64_t base, int *r)
{
	const uint8_t	*payload;
	size_t		 pos = 0, plen, total;
	uint8_t		 type;

	while ((*r = rec_frame(p + pos, n - pos, &type, &payload, &plen,
	    &total)) == 1) {
		struct spool_loc loc = { seg, base + pos, (uint32_t)total };

		replay_record(s, type, payload, plen, &loc);
		pos += total;
	}
	return pos;
}

/* read_some - up to n bytes; 0 at the end, -1 on error */
static ssize_t
read_some(int fd, uint8_t *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) == -1 && errno == EINTR)
		;
	return r;
}

/* rest_zero - whether b's bytes and the rest of the file are all zero */
static int
rest_zero(int fd, struct buf *b)
{
	ssize_t	 r;

	if (!all_zero(b->p, b->len))
		return 0;
	while ((r = read_some(fd, b->p, b->cap)) > 0)
		if (!all_zero(b->p, (size_t)r))
			return 0;
	return r == 0;
}

/*
 * replay_segment - feed every intact record of the segment open at fd (size
 * bytes), read in chunks of REPLAY_CHUNK: one buffer the size of a segment
 * costs a page fault per 4 KB (measured: 0.85 s for 64 MB on a VM). The
 * good length, or -1 with errno when the file cannot be read.
 */
static int64_t
replay_segment(struct spool *s, uint32_t seg, int fd, uint64_t size,
    struct buf *b)
{
	uint64_t base = SEG_MAGIC_LEN;	/* where in the file b->p[0] is */
	size_t	 used;
	ssize_t	 got;
	int	 r = 0, eof = 0;

	b->len = 0;
	if (buf_reserve(b, REPLAY_CHUNK) == -1)
		return -1;
	if ((got = read_some(fd, b->p, SEG_MAGIC_LEN)) == -1)
		return -1;
	if (got != SEG_MAGIC_LEN || memcmp(b->p, SEG_MAGIC, SEG_MAGIC_LEN) != 0)
		return 0;
	while (!eof && r != -1) {
		/* a record longer than what is free: room for it */
		if (b->len == b->cap && buf_reserve(b, b->cap) == -1)
			return -1;
		if ((got = read_some(fd, b->p + b->len, b->cap - b->len)) == -1)
			return -1;
		eof = got == 0;
		b->len += (size_t)got;
		used = replay_records(s, seg, b->p, b->len, base, &r);
		memmove(b->p, b->p + used, b->len - used);
		b->len -= used;
		base += used;
	}
	if (base == size || (r == -1 && rest_zero(fd, b)))
		return (int64_t)base;
	log_warnx("spool: segment %08" PRIx32 ": %s after offset %" PRIu64
	    ", %" PRIu64 " bytes ignored", seg, r == -1 ? "corrupt record" :
	    "torn record", base, size - base);
	return (int64_t)base;
}

/* spool_replay - replay the journal in order, truncating a torn tail */
int
spool_replay(struct spool *s, const struct spool_replay *replay, char *err,
    size_t errlen)
{
	uint32_t	*segs = NULL;
	size_t		 n, i;
	int64_t		 good = 0;
	struct buf	 b = { 0 };
	struct stat	 st;
	char		 name[32];
	int		 fd;

	s->replay = *replay;
	if (list_segments(s, &segs, &n) == -1) {
		snprintf(err, errlen, "%s: %s", s->dir, strerror(errno));
		return -1;
	}
	s->first_seg = n ? segs[0] : 1;
	s->cur_seg = n ? segs[n - 1] : 0;
	for (i = 0; i < n; i++) {
		seg_name(segs[i], name);
		(void)pin_slot(s, segs[i]);
		if ((fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1 || (good = replay_segment(s, segs[i],
		    fd, (uint64_t)st.st_size, &b)) == -1) {
			snprintf(err, errlen, "%s/%s: %s", s->dir, name,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			free(segs);
			buf_free(&b);
			return -1;
		}
		close(fd);
		if (good < st.st_size && good >= SEG_MAGIC_LEN) {
			fd = openat(s->dirfd, name, O_WRONLY | O_CLOEXEC);
			if (fd == -1 || ftruncate(fd, (off_t)good) == -1 ||
			    fsync(fd) == -1)
				log_warn("spool: truncating %s", name);
			if (fd != -1)
				close(fd);
		}
	}
	free(segs);
	buf_free(&b);
	return 0;
}

/* mkdir_p - create dir and its parents (mode 0700 for new ones) */
static int
mkdir_p(const char *path)
{
	char	*p, *q;
	int	 rc = 0;

	if ((p = strdup(path)) == NULL)
		return -1;
	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*q = '/';
	}
	if (rc == 0 && mkdir(p, 0700) == -1 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* spool_open - the journal directory, created if missing */
struct spool *
spool_open(const char *dir, struct event_base *base, size_t segment_max,
    char *err, size_t errlen)
{
	struct spool	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    asprintf(&s->dir, "%s/journal", dir) == -1) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return NULL;
	}
	s->base = base;
	s->segment_max = segment_max ? segment_max : SPOOL_SEGMENT_MAX;
	s->fd = -1;
	s->read_fd = -1;
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (mkdir_p(s->dir) == -1 ||
	    (s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", s->dir, strerror(errno));
		free(s->dir);
		free(s);
		return NULL;
	}
	s->first_seg = 1;
	return s;
}

/* spool_start - begin a fresh segment, drop unneeded ones, start the thread */
int
spool_start(struct spool *s, char *err, size_t errlen)
{
	sigset_t	 all, old;
	int		 rc;

	s->cur_seg++;
	s->cur_off = 0;
	(void)pin_slot(s, s->cur_seg);
	if (io_open_segment(s, s->cur_seg) == -1 || fsync(s->fd) == -1 ||
	    fsync(s->dirfd) == -1) {
		snprintf(err, errlen, "%s: new segment: %s", s->dir,
		    strerror(errno));
		return -1;
	}
	(void)io_reserve(s, s->reserve);	/* short: full from the start */
	s->ahead = s->io.fsize - s->io.wpos;
	s->full = s->ahead < s->reserve;
	if ((s->open = batch_new()) == NULL ||
	    (s->answers = mailbox_new(s->base, spool_done, spool_unheard,
	    s)) == NULL ||
	    (s->delay_ev = evtimer_new(s->base, delay_done, s)) == NULL ||
	    (s->lazy_ev = evtimer_new(s->base, delay_done, s)) == NULL ||
	    (s->probe_ev = evtimer_new(s->base, probe_due, s)) == NULL) {
		snprintf(err, errlen, "spool: %s", strerror(errno));
		return -1;
	}
	spool_collect(s);
	/* signals are the loop's: the thread never takes one */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, NULL, io_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "spool: cannot start I/O thread");
		return -1;
	}
	pthread_setname_np(s->thread, "spool-io");
	s->started = 1;
	spool_health(s, 0);
	return 0;
}

/* spool_flush_last - write what is queued; a failed batch gets one more try */
static void
spool_flush_last(struct spool *s)
{
	int	 tried = 0;

	while (s->started) {
		if (!s->io_busy) {
			if (s->retry != NULL) {
				if (tried)
					break;
				tried = 1;
				spool_give(s, s->retry);
			} else if (s->open->nops > 0 || s->open->nwaiters > 0)
				spool_handover(s, 0);
			else
				break;
		}
		if (event_base_loop(s->base, EVLOOP_ONCE) == -1)
			break;
	}
}

/* spool_drop - records that will never be written: say so, fail waiters */
static void
spool_drop(struct spool *s, struct batch *b)
{
	size_t	 i;
	int	 err = s->error ? s->error : EIO;

	if (b == NULL || (b->nops == 0 && b->nwaiters == 0))
		return;
	answer_readers(b, err);
	if (b->bytes == 0 && b->nwaiters == 0)
		return;
	errno = err;
	log_warn("spool: %s: %" PRIu64 " bytes of records not written at "
	    "exit; deliveries they record may be repeated after the restart",
	    s->dir, b->bytes);
	for (i = 0; i < b->nwaiters; i++) {
		if (b->waiters[i].rec_len > 0)
			spool_unpin(s, &b->waiters[i].loc);
		b->waiters[i].cb(b->waiters[i].arg, err);
	}
	b->nwaiters = 0;
}

/* spool_close - flush what is open, stop the thread, close everything */
void
spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	s->closing = 1;
	if (s->probe_ev != NULL)
		evtimer_del(s->probe_ev);
	spool_flush_last(s);
	if (s->started) {
		pthread_mutex_lock(&s->mtx);
		s->quit = 1;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mtx);
		pthread_join(s->thread, NULL);
		spool_drop(s, s->retry);
		spool_drop(s, s->open);
	}
	if (s->fd != -1 && (fdatasync(s->fd) == -1 || close(s->fd) == -1))
		log_warn("spool: closing segment");
	if (s->read_fd != -1)
		close(s->read_fd);
	mailbox_free(s->answers);
	if (s->delay_ev != NULL)
		event_free(s->delay_ev);
	if (s->lazy_ev != NULL)
		event_free(s->lazy_ev);
	if (s->probe_ev != NULL)
		event_free(s->probe_ev);
	close(s->dirfd);
	batch_free(s->retry);
	batch_free(s->open);
	buf_free(&scratch);
	free(s->pins);
	free(s->dir);
	free(s);
}

/* spool_read_record - the bytes of a record, for rare admin use */
int
spool_read_record(struct spool *s, const struct spool_loc *loc, struct buf *b)
{
	char	 name[32];
	ssize_t	 r;
	int	 fd;

	seg_name(loc->seg, name);
	b->len = 0;
	if (buf_reserve(b, loc->len) == -1 ||
	    (fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = pread(fd, b->p, loc->len, (off_t)loc->off);
	close(fd);
	if (r != (ssize_t)loc->len)
		return -1;
	b->len = loc->len;
	return 0;
}
