/*
 * dedup_journal.h - the duplicate keys kept across a restart: appended to
 * files in the spool as they are set, put back into the store at start.
 */
#ifndef SMSRELAY_DEDUP_JOURNAL_H
#define SMSRELAY_DEDUP_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct shared_state;
struct dedup_journal;

/*
 * dedup_journal_open - read spool/dedup.* into st (keys still alive, with
 * the time they have left) and drop the files that hold none; NULL with
 * the reason in err
 */
struct dedup_journal *dedup_journal_open(const char *spool,
		    struct shared_state *st, char *err, size_t errlen);
/*
 * dedup_journal_add - key holds value until expires_ms (calendar time);
 * a write error is logged: the key is only lost at the next restart
 */
void		 dedup_journal_add(struct dedup_journal *, const char *key,
		    const char *value, int64_t expires_ms);
void		 dedup_journal_free(struct dedup_journal *);

/*
 * dedup_journal_line - one line "EXPIRES KEY VALUE" of a journal into its
 * parts (pointers into line, which is cut); 0, or -1 if malformed
 */
int		 dedup_journal_line(char *line, int64_t *expires_ms,
		    const char **key, const char **value);

#endif
