/*
 * control.h - the UNIX socket smsrelayctl talks to: one command line in,
 * a text answer out ("ok"/"error: ..." first), then the connection closes.
 */
#ifndef SMSRELAY_CONTROL_H
#define SMSRELAY_CONTROL_H

#include <stddef.h>

#include "smtpd/listen.h"

#define CONTROL_LINE_MAX	256

int	control_listen(struct server *, const char *path, char *err, size_t errlen);
void	control_close(void);

#endif
