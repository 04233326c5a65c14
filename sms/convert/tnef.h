/*
 * tnef.h - the body of an Outlook TNEF attachment (application/ms-tnef,
 * winmail.dat) through libytnef: plain text, else HTML or RTF made text.
 */
#ifndef SMSRELAY_TNEF_H
#define SMSRELAY_TNEF_H

#include <stddef.h>

/*
 * tnef_body - the message text carried in a TNEF stream, UTF-8, malloc'd;
 * NULL when the stream holds no body, is malformed, or on ENOMEM.
 */
char	*tnef_body(const unsigned char *data, size_t len);

#endif
