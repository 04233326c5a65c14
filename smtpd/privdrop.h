/*
 * privdrop.h - running unprivileged: secret files others cannot read, and
 * root given up for the run_as user once ports are bound and secrets read.
 */
#ifndef SMSRELAY_PRIVDROP_H
#define SMSRELAY_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/conf.h"

/*
 * privdrop_check_secret_fd - an open secret file: -1 with "PATH: readable by
 * group or others (chmod 600 PATH)" when its mode lets others read it.
 */
int	 privdrop_check_secret_fd(int fd, const char *path, char *err,
	    size_t errlen);
/* privdrop_check_conf - a config file holding passwords or tokens is a secret */
int	 privdrop_check_conf(const struct conf *, char *err, size_t errlen);
/*
 * privdrop_drop - as root with c->run_as set: give the spool to that user
 * and become it (groups, gid, uid; no way back). 0 when not root or no
 * run_as; -1 with the reason in err.
 */
int	 privdrop_drop(const struct conf *, char *err, size_t errlen);

#endif
