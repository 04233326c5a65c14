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

/* mime_selftest - 0 when charset conversion works (checked at start-up). */
int	mime_selftest(void);
/* mime_extract - fill *out; -1 only if the message cannot be parsed at all. */
int	mime_extract(const char *raw, size_t len, struct mime_text *out);
void	mime_text_free(struct mime_text *);

#endif
