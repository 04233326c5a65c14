/*
 * dedup_key.h - the shared-state keys that make two messages the same for
 * duplicate suppression, and the Message-ID they may be known by.
 */
#ifndef SMSRELAY_DEDUP_KEY_H
#define SMSRELAY_DEDUP_KEY_H

#include <stddef.h>

/* "dup:t:" or "dup:m:", 32 hex digits, NUL */
#define DEDUP_KEY_LEN	(6 + 32 + 1)

/*
 * dedup_key_text - the key of (sender, number, SMS text); the sender's
 * case does not count. 0, or -1 if the digest failed.
 */
int	 dedup_key_text(const char *sender, const char *e164, const char *text,
	    char key[DEDUP_KEY_LEN]);
/* dedup_key_msgid - the key of (Message-ID, number); 0 or -1 */
int	 dedup_key_msgid(const char *msgid, const char *e164,
	    char key[DEDUP_KEY_LEN]);
/*
 * dedup_message_id - the first Message-ID: field of the header section of
 * raw[0..len), unfolded, without the white space around it, into out; 0,
 * or -1 if there is none, it is empty or longer than size - 1
 */
int	 dedup_message_id(const char *raw, size_t len, char *out, size_t size);

#endif
