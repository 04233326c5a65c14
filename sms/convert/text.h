/*
 * text.h - from the decoded mail parts to the SMS text: subject commands,
 * body cleaning, the template, transliteration, the part limit and the split.
 */
#ifndef SMSRELAY_TEXT_H
#define SMSRELAY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "sms/convert/clean.h"
#include "sms/convert/gsm.h"
#include "sms/convert/mime.h"

#define TEXT_MAX_PARTS	10	/* the largest message.max_parts */

struct sms_text {
	char			*text;		/* UTF-8, NUL-terminated */
	struct sms_layout	 layout;	/* of text */
	struct sms_part		 parts[TEXT_MAX_PARTS];	/* byte ranges of text */
	unsigned		 nparts;	/* == layout.parts */
	bool			 truncated;	/* cut to max_parts, ellipsis added */
	bool			 transliterated;	/* translit was applied */
	struct translit_log	 translit;	/* empty unless transliterated */
	struct clean_report	 clean;		/* what the body lost */
	struct subject_options	 subject_options;	/* error[] notes a bad one */
};

/*
 * text_compose - the SMS text for a message under the message.* settings
 * (max_parts must be 1..TEXT_MAX_PARTS). Returns 0, or -1 with errno:
 * ENODATA when nothing is left to send, EMSGSIZE when the text needs more
 * than max_parts parts and overflow is "refuse" (out->layout then tells how
 * many it needs), EINVAL for a max_parts out of range, ENOMEM. On -1
 * out->text is NULL and nothing needs freeing.
 */
int	text_compose(const struct mime_text *, const struct conf *,
	    struct sms_text *);
void	text_free(struct sms_text *);

/*
 * text_reply - the SMTP reply for a text_compose() failure with errno err,
 * into buf; the relay and "smsrelayctl convert" say the same.
 */
const char *text_reply(int err, const struct conf *, char *buf, size_t len);

#endif
