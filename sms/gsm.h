/*
 * gsm.h - how an UTF-8 text travels as SMS: GSM 03.38 7-bit (with the
 * extension table) when every character fits, else UCS-2; segment counting.
 */
#ifndef SMSRELAY_GSM_H
#define SMSRELAY_GSM_H

#include <stddef.h>

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

struct sms_layout {
	enum sms_encoding	 encoding;
	size_t			 units;		/* septets (GSM-7) or UTF-16 units */
	unsigned		 parts;		/* 160/153 septets, 70/67 units */
};

/* gsm_layout - encoding and part count of a valid UTF-8 text. */
void		 gsm_layout(const char *utf8, size_t len, struct sms_layout *);
const char	*gsm_encoding_name(enum sms_encoding);	/* "GSM-7", "UCS-2" */

#endif
