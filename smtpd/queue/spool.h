/*
 * spool.h - the durable journal: records are appended from the loop and
 * made stable in batches by one I/O thread (group commit), then acknowledged.
 * A full disk refuses new messages, keeps a reserve for the records of
 * accepted ones, and is probed until it takes records again.
 */
#ifndef SMSRELAY_SPOOL_H
#define SMSRELAY_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "smtpd/queue/record.h"

#define SPOOL_SEGMENT_MAX	(64u * 1024 * 1024)

struct spool;

/* Where a message's REC_MSG record lives; it pins that segment. */
struct spool_loc {
	uint32_t	 seg;
	uint64_t	 off;
	uint32_t	 len;
};

/*
 * error is 0 when everything appended before is on disk; else an errno:
 * ENOSPC or EDQUOT when there was no room for the message.
 */
typedef void (*spool_done_cb)(void *arg, int error);

/*
 * the record asked for (loc->len bytes, valid during the call) and 0, or
 * NULL and an errno: EAGAIN when the journal could not be written (try
 * again later), else the read's error
 */
typedef void (*spool_read_cb)(void *arg, const uint8_t *rec, int error);

struct spool_replay {
	/* a message and its id; the callback owns m (free()) */
	void	(*msg)(void *, uint64_t id, struct message *m,
		    const struct spool_loc *);
	void	(*state)(void *, const struct rec_state *);
	void	(*done)(void *, uint64_t id);
	/* move every live message whose record is in seg to the head */
	void	(*relocate)(void *, uint32_t seg);
	/* after a failed write or while full: records may go again */
	void	(*writable)(void *);
	void	*arg;
	/* a delivery report; NULL: skipped */
	void	(*report)(void *, const struct rec_report *);
	/* a sent recipient's parts; NULL: skipped */
	void	(*parts)(void *, const struct rec_parts *);
	/*
	 * a REC_MSG record (framed, at loc) before it is decoded: 1 if the
	 * owner keeps it as it is (on disk), 0 to have msg called; NULL: 0
	 */
	int	(*held)(void *, const uint8_t *payload, size_t len,
		    const struct spool_loc *);
};

/*
 * Start-up, blocking, before the loop runs: spool_open (creates DIR/journal),
 * spool_replay (every intact record in order; a torn tail is truncated), then
 * spool_pin for each live message, spool_set_min_free, then spool_start
 * (new segment, thread).
 */
struct spool	*spool_open(const char *dir, struct event_base *, size_t segment_max,
		    char *err, size_t errlen);
int		 spool_replay(struct spool *, const struct spool_replay *,
		    char *err, size_t errlen);
int		 spool_start(struct spool *, char *err, size_t errlen);
/* spool_close - flushes what is open and waits for it; runs the loop */
void		 spool_close(struct spool *);

/*
 * spool_put_msg - append a message; -1 with errno ENOSPC (or the write
 * error) while the spool is not accepting. cb: once it is on disk, or
 * refused (its record voided); NULL: it simply rides the batches.
 */
int		 spool_put_msg(struct spool *, uint64_t id, const struct message *,
		    struct spool_loc *, spool_done_cb, void *);
int		 spool_put_state(struct spool *, const struct rec_state *);
int		 spool_put_report(struct spool *, const struct rec_report *);
/* spool_put_parts - append when and how recipient rcpt was taken, its ids */
int		 spool_put_parts(struct spool *, uint64_t id, uint32_t rcpt,
		    const struct rcpt_status *);
/* spool_put_done - the message at loc is finished; its segment may go */
int		 spool_put_done(struct spool *, uint64_t id, const struct spool_loc *);
/* spool_relocate - copy the record at *loc to the head; *loc is updated */
int		 spool_relocate(struct spool *, struct spool_loc *);
/* spool_pin - a replayed live message keeps its segment */
void		 spool_pin(struct spool *, const struct spool_loc *);

/* spool_commit - cb once all appended so far is durable; NULL cb: just flush */
void		 spool_commit(struct spool *, spool_done_cb, void *);
/* spool_accepting - new messages may be appended: no failure, reserve whole */
int		 spool_accepting(const struct spool *);
/* spool_recording - state records can be written: deliveries may start */
int		 spool_recording(const struct spool *);
/* spool_set_commit_delay - wait up to ms for more records before a sync */
void		 spool_set_commit_delay(struct spool *, unsigned ms);
/* spool_set_min_free - keep this much allocated for accepted messages */
void		 spool_set_min_free(struct spool *, size_t bytes);
/*
 * spool_read - read the record at loc back without blocking the loop: the
 * I/O thread reads it after the writes queued before (a relocated record
 * is there), and cb hears on the loop. -1 with ENOMEM.
 */
int		 spool_read(struct spool *, const struct spool_loc *, spool_read_cb,
		    void *);
/* spool_read_record - read a MSG record back (blocking; for rare admin use) */
int		 spool_read_record(struct spool *, const struct spool_loc *, struct buf *);

#endif
