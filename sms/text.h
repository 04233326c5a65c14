/*
 * text.h - from the decoded mail parts to the SMS text: cleaning (signature,
 * whitespace), the subject mode, and the final layout.
 */
#ifndef SMSRELAY_TEXT_H
#define SMSRELAY_TEXT_H

#include "conf/conf.h"
#include "sms/gsm.h"
#include "sms/mime.h"

struct sms_text {
	char			*text;		/* UTF-8, NUL-terminated */
	struct sms_layout	 layout;
};

/*
 * text_compose - the SMS text for a message under the message.* settings.
 * Returns 0, or -1 with errno ENODATA when nothing is left to send (the
 * caller replies 550 5.6.0) or ENOMEM.
 */
int	text_compose(const struct mime_text *, const struct conf *, struct sms_text *);
void	text_free(struct sms_text *);

#endif
