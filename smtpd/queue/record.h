/*
 * record.h - the spool journal's typed, checksummed records: encode into a
 * growable buffer, decode with explicit bounds (a torn tail is detected).
 */
#ifndef SMSRELAY_RECORD_H
#define SMSRELAY_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "sms/lib/buf.h"
#include "smtpd/queue/message.h"

#define SEG_MAGIC	"SMSRJ001"	/* first 8 bytes of every segment */
#define SEG_MAGIC_LEN	8
#define REC_HDR_LEN	9		/* u32 length, u32 crc32, u8 type */
#define REC_MAX_LEN	(256u * 1024 * 1024)

/*
 * REC_VOID: a refused message's record, blanked; replay skips it.
 * REC_REPORT: a provider's delivery report about a recipient (about one
 * part of it; spools older than REC_PARTS have no part: part 0).
 * REC_PARTS: when the provider took a recipient, through which backend,
 * and the provider's id of every part (before it, the REC_STATE's id).
 */
enum rec_type {
	REC_MSG = 1, REC_STATE = 2, REC_DONE = 3, REC_VOID = 4, REC_REPORT = 5,
	REC_PARTS = 6
};

struct rec_str {
	const char	*p;
	uint32_t	 len;
};

struct rec_state {
	uint64_t	 id;
	uint32_t	 rcpt;
	uint8_t		 state;		/* enum rcpt_state */
	uint32_t	 attempts;
	int64_t		 next_try;
	struct rec_str	 provider_id;
	struct rec_str	 reason;
};

struct rec_report {
	uint64_t	 id;
	uint32_t	 rcpt;
	uint8_t		 report;	/* enum sms_report */
	int64_t		 when;
	struct rec_str	 status;	/* the provider's own words */
	uint32_t	 part;		/* index into the recipient's parts */
};

/* decoded REC_PARTS; ids is an array the decoder allocates (free()) */
struct rec_parts {
	uint64_t	 id;
	uint32_t	 rcpt;
	int64_t		 sent_at;
	struct rec_str	 backend;
	uint32_t	 nids;
	struct rec_str	*ids;
};

/* rec_state_of, rec_report_of - the records of recipient rcpt's status */
struct rec_state  rec_state_of(uint64_t id, uint32_t rcpt,
		    const struct rcpt_status *);
struct rec_report rec_report_of(uint64_t id, uint32_t rcpt,
		    const struct rcpt_status *);
/* rec_event_of - the record of the k-th report of recipient rcpt */
struct rec_report rec_event_of(uint64_t id, uint32_t rcpt,
		    const struct rcpt_status *, uint32_t k);

/*
 * encoders append one whole framed record; -1 on allocation failure.
 * REC_MSG holds a message whole (raw bytes too): written once, copied
 * verbatim when its segment is relocated.
 */
int	 rec_put_msg(struct buf *, uint64_t id, const struct message *);
int	 rec_put_state(struct buf *, const struct rec_state *);
int	 rec_put_done(struct buf *, uint64_t id);
int	 rec_put_report(struct buf *, const struct rec_report *);
/* rec_put_parts - sent_at, backend and part ids of recipient rcpt's status */
int	 rec_put_parts(struct buf *, uint64_t id, uint32_t rcpt,
	    const struct rcpt_status *);
/* rec_void - blank the framed record of total bytes at p into a REC_VOID */
void	 rec_void(uint8_t *p, size_t total);

/*
 * rec_frame - check the record at p (avail bytes): 1 and its type, payload and
 * total size when whole and intact; 0 when truncated; -1 when corrupt.
 */
int	 rec_frame(const uint8_t *p, size_t avail, uint8_t *type,
	    const uint8_t **payload, size_t *paylen, size_t *total);
/*
 * rec_get_msg - the message of a REC_MSG payload, in one allocation (free()),
 * without its raw bytes; NULL with errno EINVAL (malformed) or ENOMEM.
 */
struct message *rec_get_msg(const uint8_t *, size_t, uint64_t *id);
/*
 * What a held message's stub needs of its REC_MSG, read without building
 * the message: a restart with a million of them decodes only this.
 */
struct rec_msg_head {
	uint64_t	 id;
	enum msg_kind	 kind;
	int64_t		 arrival;
	int64_t		 not_before;
	struct rec_str	 headers;	/* the original header block */
};

/* rec_peek_msg - the head of a REC_MSG payload; -1 if it is cut short */
int	 rec_peek_msg(const uint8_t *, size_t, struct rec_msg_head *);
int	 rec_get_state(const uint8_t *, size_t, struct rec_state *);
int	 rec_get_done(const uint8_t *, size_t, uint64_t *id);
int	 rec_get_report(const uint8_t *, size_t, struct rec_report *);
/* rec_get_parts - 0, or -1 with errno EINVAL (malformed) or ENOMEM */
int	 rec_get_parts(const uint8_t *, size_t, struct rec_parts *);

#endif
