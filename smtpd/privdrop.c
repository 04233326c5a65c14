/*
 * privdrop.c - secrets only their owner can read, and the drop from root to
 * the run_as user after the ports are bound and the secrets are loaded.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "smtpd/privdrop.h"

static uid_t	 chown_uid;
static gid_t	 chown_gid;

/* privdrop_check_secret_fd - see privdrop.h */
int
privdrop_check_secret_fd(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen, "%s: readable by group or others (chmod 600 "
		    "%s)", path, path);
		return -1;
	}
	return 0;
}

/* holds_secrets - whether the file gives a password or token */
static bool
holds_secrets(const struct conf *c)
{
	const struct backend_conf	*bc;
	size_t				 i;

	for (i = 0; i < conf_backend_count(c); i++) {
		bc = conf_backend_at(c, i);
		if (bc->http.password != NULL || bc->http.token != NULL)
			return true;
	}
	return c->bounce.password != NULL;
}

/* privdrop_check_conf - see privdrop.h */
int
privdrop_check_conf(const struct conf *c, char *err, size_t errlen)
{
	int	 fd, rc;

	if (c->file == NULL || !holds_secrets(c))
		return 0;
	if ((fd = open(c->file, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", c->file, strerror(errno));
		return -1;
	}
	rc = privdrop_check_secret_fd(fd, c->file, err, errlen);
	close(fd);
	if (rc == -1)
		strncat(err, "; it holds passwords or tokens", errlen -
		    strlen(err) - 1);
	return rc;
}

/* chown_entry - nftw callback: one spool file or directory */
static int
chown_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return lchown(path, chown_uid, chown_gid) == -1 ? -1 : 0;
}

/* give_spool - the spool (created if missing) and all it holds */
static int
give_spool(const char *spool, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (mkdir(spool, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", spool, strerror(errno));
		return -1;
	}
	chown_uid = uid;
	chown_gid = gid;
	if (nftw(spool, chown_entry, 16, FTW_PHYS) != 0) {
		snprintf(err, errlen, "spool %s: cannot give it to uid %u: %s",
		    spool, (unsigned)uid, strerror(errno));
		return -1;
	}
	return 0;
}

/* privdrop_drop - see privdrop.h */
int
privdrop_drop(const struct conf *c, char *err, size_t errlen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];
	int		 e;

	if (c->run_as == NULL || geteuid() != 0)
		return 0;
	if ((e = getpwnam_r(c->run_as, &pw, buf, sizeof(buf), &res)) != 0 ||
	    res == NULL) {
		snprintf(err, errlen, "run_as: no user \"%s\"%s%s", c->run_as,
		    e ? ": " : "", e ? strerror(e) : "");
		return -1;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, errlen, "run_as: \"%s\" is root", c->run_as);
		return -1;
	}
	if (give_spool(c->spool, pw.pw_uid, pw.pw_gid, err, errlen) == -1)
		return -1;
	if (setgroups(1, &pw.pw_gid) == -1 ||
	    setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid) == -1 ||
	    setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid) == -1) {
		snprintf(err, errlen, "run_as %s: %s", c->run_as, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1) {
		snprintf(err, errlen, "run_as %s: root could be regained",
		    c->run_as);
		return -1;
	}
	return 0;
}
