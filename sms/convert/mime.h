/*
 * mime.h - the only door to libetpan: a raw RFC 5322 message in, its subject,
 * sender and best text body out, all as UTF-8.
 */
#ifndef SMSRELAY_MIME_H
#define SMSRELAY_MIME_H

#include <stddef.h>

struct mime_text {
	char	*subject;	/* RFC 2047 decoded; NULL if none */
	char	*body;		/* text/plain body in UTF-8; NULL if none */
	char	*from;		/* addr-spec of From:, NULL if none */
	char	*from_name;	/* display name of From:, NULL if none */
};

/* One mailbox of a From: or Sender: header. */
struct mime_originator {
	const char	*header;	/* "From" or "Sender" */
	char		*addr;		/* its addr-spec, valid UTF-8 */
};

/* Who a message says it is from, for the sender policy. */
struct mime_originators {
	struct mime_originator *v;	/* every mailbox, in header order */
	size_t		 n;
	size_t		 cap;
	unsigned	 nfrom;		/* From: fields, readable or not */
	int		 unreadable;	/* a From: or Sender: held no mailbox */
};

/* mime_selftest - 0 when charset conversion works (checked at start-up). */
int	mime_selftest(void);
/* mime_extract - fill *out; -1 only if the message cannot be parsed at all. */
int	mime_extract(const char *raw, size_t len, struct mime_text *out);
void	mime_text_free(struct mime_text *);
/*
 * mime_originators - every mailbox of every From: and Sender: header of the
 * outermost message, as libetpan reads them for mime_extract(); -1 only if
 * memory ran out.
 */
int	mime_originators(const char *raw, size_t len,
	    struct mime_originators *out);
void	mime_originators_free(struct mime_originators *);

#endif
