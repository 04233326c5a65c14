/*
 * record.h - the spool journal's typed, checksummed records: encode into a
 * growable buffer, decode with explicit bounds (a torn tail is detected).
 */
#ifndef SMSRELAY_RECORD_H
#define SMSRELAY_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "sms/lib/buf.h"

#define SEG_MAGIC	"SMSRJ001"	/* first 8 bytes of every segment */
#define SEG_MAGIC_LEN	8
#define REC_HDR_LEN	9		/* u32 length, u32 crc32, u8 type */
#define REC_MAX_LEN	(256u * 1024 * 1024)

/* REC_VOID: a refused message's record, blanked; replay skips it */
enum rec_type { REC_MSG = 1, REC_STATE = 2, REC_DONE = 3, REC_VOID = 4 };

struct rec_str {
	const char	*p;
	uint32_t	 len;
};

struct rec_rcpt {
	struct rec_str	 addr;		/* as given in RCPT TO */
	struct rec_str	 to;		/* E.164 or, for a DSN, the mail address */
	struct rec_str	 orcpt;
	uint8_t		 notify;
};

/* The immutable part of a message: written once, copied when relocated. */
struct rec_msg {
	uint64_t	 id;
	uint8_t		 kind;		/* enum qmsg_kind */
	int64_t		 arrival;
	struct rec_str	 sender;	/* envelope sender, "" for <> */
	struct rec_str	 client;
	struct rec_str	 helo;
	struct rec_str	 envid;
	uint8_t		 ret;
	struct rec_str	 sender_id;
	struct rec_str	 text;		/* SMS text, or the DSN message */
	uint32_t	 parts;
	uint8_t		 encoding;
	struct rec_str	 headers;	/* original header block, for DSNs */
	struct rec_str	 raw;		/* the message as received */
	int64_t		 not_before;	/* scheduled send time, 0: at once */
	uint32_t	 lifetime;	/* seconds, 0: queue.lifetime */
	uint32_t	 nrcpts;
	const uint8_t	*rcpts;		/* encoded rcpts, walk with rec_next_rcpt */
	size_t		 rcpts_len;
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

/* encoders append one whole framed record; -1 on allocation failure */
int	 rec_put_msg(struct buf *, const struct rec_msg *, const struct rec_rcpt *);
int	 rec_put_state(struct buf *, const struct rec_state *);
int	 rec_put_done(struct buf *, uint64_t id);
/* rec_void - blank the framed record of total bytes at p into a REC_VOID */
void	 rec_void(uint8_t *p, size_t total);

/*
 * rec_frame - check the record at p (avail bytes): 1 and its type, payload and
 * total size when whole and intact; 0 when truncated; -1 when corrupt.
 */
int	 rec_frame(const uint8_t *p, size_t avail, uint8_t *type,
	    const uint8_t **payload, size_t *paylen, size_t *total);
int	 rec_get_msg(const uint8_t *, size_t, struct rec_msg *);
int	 rec_get_state(const uint8_t *, size_t, struct rec_state *);
int	 rec_get_done(const uint8_t *, size_t, uint64_t *id);
/* rec_next_rcpt - decode the next recipient; advances *pos; -1 on error */
int	 rec_next_rcpt(const struct rec_msg *, size_t *pos, struct rec_rcpt *);

#endif
