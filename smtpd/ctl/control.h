/*
 * control.h - the daemon's end of the UNIX socket smsrelayctl talks to;
 * what is said on it is in ctl_proto.h.
 */
#ifndef SMSRELAY_CONTROL_H
#define SMSRELAY_CONTROL_H

#include <stddef.h>

#include "smtpd/ctl/ctl_proto.h"
#include "smtpd/server.h"

int	control_listen(struct server *, const char *path, char *err, size_t errlen);
void	control_close(void);

#endif
