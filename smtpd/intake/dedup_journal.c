/*
 * dedup_journal.c - duplicate keys in the spool, so a restart keeps them:
 * one line per key, appended to the current file, files rotated and
 * removed once every key in them has expired.
 *
 * Why no fsync: a line is a write(2) to the page cache, which never waits
 * for the disk, so the loop does not block; a crash of the daemon loses
 * nothing, a power failure at most the last lines, and then a message may
 * be sent twice, the same as when the check fails open. Why several files:
 * a key is never rewritten, so instead of compacting one file (a rewrite
 * of everything on the loop) the current file is closed every
 * ROTATE_SECONDS and a closed one is unlinked when its last key expires;
 * the spool holds about one window of keys.
 */
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "smtpd/intake/dedup_journal.h"
#include "smtpd/state/shared_state.h"

#define PREFIX		"dedup."
#define ROTATE_SECONDS	600
#define LINE_MAX_LEN	(24 + STATE_KEY_MAX + STATE_VALUE_MAX + 3)

/* a closed file, kept until its last key expires */
struct closed_file {
	struct closed_file	*next;
	int64_t			 last_expiry_ms;
	char			 path[];
};

struct dedup_journal {
	struct shared_state	*st;
	char			*spool;
	int			 fd;		/* the current file; -1 none */
	char			*path;
	int64_t			 opened_ms;
	int64_t			 last_expiry_ms;	/* of the current file */
	struct closed_file	*closed;
};

/* dedup_journal_line - see dedup_journal.h */
int
dedup_journal_line(char *line, int64_t *expires_ms, const char **key,
    const char **value)
{
	char		*sp, *end;
	long long	 n;

	line[strcspn(line, "\n")] = '\0';
	if ((sp = strchr(line, ' ')) == NULL)
		return -1;
	*sp = '\0';
	errno = 0;
	n = strtoll(line, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0 || line[0] == '+')
		return -1;
	*expires_ms = n;
	*key = sp + 1;
	if ((sp = strchr(sp + 1, ' ')) == NULL || sp == *key)
		return -1;
	*sp = '\0';
	*value = sp + 1;
	return strlen(*key) <= STATE_KEY_MAX &&
	    strlen(*value) <= STATE_VALUE_MAX ? 0 : -1;
}

/* key_set - nothing to do with the answer but to say when it failed */
static void
key_set(void *arg, const struct state_reply *r)
{
	(void)arg;
	if (r->error != 0)
		log_warnx("dedup: a duplicate key from the journal was not "
		    "kept: %s", strerror(r->error));
}

/* closed_add - remember a file to remove once its keys expired; -1 ENOMEM */
static int
closed_add(struct dedup_journal *j, const char *path, int64_t last_ms)
{
	struct closed_file	*f;
	size_t			 n = strlen(path) + 1;

	if ((f = malloc(sizeof(*f) + n)) == NULL)
		return -1;
	memcpy(f->path, path, n);
	f->last_expiry_ms = last_ms;
	f->next = j->closed;
	j->closed = f;
	return 0;
}

/* load_file - the live keys of one file into the store; its last expiry */
static int64_t
load_file(struct dedup_journal *j, const char *path, int64_t now)
{
	char		 line[LINE_MAX_LEN];
	const char	*key, *value;
	int64_t		 exp, last = 0;
	FILE		*fp;

	if ((fp = fopen(path, "re")) == NULL) {
		log_warn("dedup: %s", path);
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (dedup_journal_line(line, &exp, &key, &value) == -1)
			continue;	/* a torn last line, after a crash */
		if (exp > last)
			last = exp;
		if (exp > now && state_set_nx(j->st, key, value, strlen(value),
		    (uint64_t)(exp - now), key_set, NULL) == NULL)
			log_warn("dedup: key from %s", path);
	}
	fclose(fp);
	return last;
}

/* load_all - every journal file of the spool; -1 if it cannot be read */
static int
load_all(struct dedup_journal *j, int64_t now)
{
	struct dirent	*de;
	char		 path[4096];
	int64_t		 last;
	DIR		*d;

	if ((d = opendir(j->spool)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, PREFIX, sizeof(PREFIX) - 1) != 0 ||
		    strspn(de->d_name + sizeof(PREFIX) - 1, "0123456789") !=
		    strlen(de->d_name + sizeof(PREFIX) - 1))
			continue;
		snprintf(path, sizeof(path), "%s/%s", j->spool, de->d_name);
		last = load_file(j, path, now);
		if (closed_add(j, path, last) == -1) {
			closedir(d);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* prune - unlink the closed files whose keys have all expired */
static void
prune(struct dedup_journal *j, int64_t now)
{
	struct closed_file	**fp = &j->closed, *f;

	while ((f = *fp) != NULL) {
		if (f->last_expiry_ms > now) {
			fp = &f->next;
			continue;
		}
		if (unlink(f->path) == -1 && errno != ENOENT)
			log_warn("dedup: unlink %s", f->path);
		*fp = f->next;
		free(f);
	}
}

/* open_current - a new file for the keys from now on; -1 with errno */
static int
open_current(struct dedup_journal *j, int64_t now)
{
	char	 path[4096];
	int	 n;

	n = snprintf(path, sizeof(path), "%s/" PREFIX "%" PRId64, j->spool, now);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	free(j->path);
	if ((j->path = strdup(path)) == NULL)
		return -1;
	if ((j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	j->opened_ms = now;
	j->last_expiry_ms = 0;
	return 0;
}

/* rotate - close the current file, keep it until its keys expire */
static void
rotate(struct dedup_journal *j, int64_t now)
{
	if (j->fd != -1) {
		close(j->fd);
		j->fd = -1;
		if (closed_add(j, j->path, j->last_expiry_ms) == -1)
			log_warnx("dedup: out of memory, %s stays", j->path);
	}
	prune(j, now);
	if (open_current(j, now) == -1)
		log_warn("dedup: cannot open a journal in %s", j->spool);
}

/* dedup_journal_open - see dedup_journal.h */
struct dedup_journal *
dedup_journal_open(const char *spool, struct shared_state *st, char *err,
    size_t errlen)
{
	struct dedup_journal	*j;
	int64_t			 now = clock_now_ms();

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->spool = strdup(spool)) == NULL) {
		snprintf(err, errlen, "dedup: out of memory");
		free(j);
		return NULL;
	}
	j->st = st;
	j->fd = -1;
	/* the current file is made by the first key: none without dedup */
	if (load_all(j, now) == -1) {
		snprintf(err, errlen, "dedup: journal in %s: %s", spool,
		    strerror(errno));
		dedup_journal_free(j);
		return NULL;
	}
	prune(j, now);
	return j;
}

/* dedup_journal_add - see dedup_journal.h */
void
dedup_journal_add(struct dedup_journal *j, const char *key, const char *value,
    int64_t expires_ms)
{
	char	 line[LINE_MAX_LEN];
	int64_t	 now = clock_now_ms();
	int	 n;

	if (j->fd == -1 || now - j->opened_ms >= ROTATE_SECONDS * 1000 ||
	    now < j->opened_ms)
		rotate(j, now);
	if (j->fd == -1)
		return;
	n = snprintf(line, sizeof(line), "%" PRId64 " %s %s\n", expires_ms,
	    key, value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if (write(j->fd, line, (size_t)n) != n)
		log_warn("dedup: journal %s", j->path);
	else if (expires_ms > j->last_expiry_ms)
		j->last_expiry_ms = expires_ms;
}

/* dedup_journal_free - the files stay for the next start */
void
dedup_journal_free(struct dedup_journal *j)
{
	struct closed_file	*f;

	if (j == NULL)
		return;
	if (j->fd != -1)
		close(j->fd);
	while ((f = j->closed) != NULL) {
		j->closed = f->next;
		free(f);
	}
	free(j->path);
	free(j->spool);
	free(j);
}
