/*
 * optout.c - the opt-out list: a sorted array of numbers read from the
 * administrator's file, written back whole when smsrelayctl changes it,
 * and kept in the shared state for the RCPT check.
 *
 * The file is the truth on disk and small (one line a number), so a change
 * writes it again as a new file, fsynced and renamed over the old: a crash
 * leaves the old list or the new one, never half of one. That write is the
 * only disk wait on the loop here, for an administrator's command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "sms/lib/ascii.h"
#include "sms/lib/log.h"
#include "smtpd/policy/optout.h"
#include "smtpd/state/shared_state.h"

#define NUMBER_MAX	16	/* "+" and 15 digits */

struct optout {
	char			*file;
	struct shared_state	*st;
	char			(*v)[NUMBER_MAX + 1];	/* sorted */
	size_t			 n, cap;
};

/* optout_number_ok - see optout.h */
int
optout_number_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 3 && n <= NUMBER_MAX && s[0] == '+' && s[1] != '0' &&
	    strspn(s + 1, "0123456789") == n - 1;
}

/* cmp - qsort and bsearch order */
static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* find - the index of number, or where it would go, and whether found */
static size_t
find(const struct optout *o, const char *number, int *found)
{
	size_t	 lo = 0, hi = o->n, mid;
	int	 c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(o->v[mid], number)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* stored - the store's answer; a failure means a number is not refused */
static void
stored(void *arg, const struct state_reply *r)
{
	(void)arg;
	if (r->error != 0)
		log_warnx("optout: the shared state did not take a change: %s",
		    strerror(r->error));
}

/* mirror - set (or delete) number's key in the store */
static void
mirror(struct optout *o, const char *number, int set)
{
	char	 key[sizeof(OPTOUT_PREFIX) + NUMBER_MAX];

	snprintf(key, sizeof(key), OPTOUT_PREFIX "%s", number);
	if ((set ? state_set_nx(o->st, key, "1", 1, 0, stored, NULL) :
	    state_del(o->st, key, stored, NULL)) == NULL)
		log_warn("optout: %s", key);
}

/* optout_new - see optout.h */
struct optout *
optout_new(const char *file, struct shared_state *st)
{
	struct optout	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->file = strdup(file)) == NULL) {
		free(o);
		return NULL;
	}
	o->st = st;
	return o;
}

/* push - one more number at the end; -1 if out of memory */
static int
push(struct optout *o, const char *number)
{
	void	*nv;
	size_t	 cap = o->cap ? o->cap * 2 : 64;

	if (o->n == o->cap) {
		if ((nv = reallocarray(o->v, cap, sizeof(*o->v))) == NULL)
			return -1;
		o->v = nv;
		o->cap = cap;
	}
	snprintf(o->v[o->n++], sizeof(*o->v), "%s", number);
	return 0;
}

/* parse_line - the number on a line, without comment and white space */
static char *
parse_line(char *line)
{
	char	*p, *e;

	line[strcspn(line, "#\r\n")] = '\0';
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return p;
}

/* read_file - the numbers of the file into fresh, sorted, unique */
static int
read_file(const char *file, struct optout *fresh, char *err, size_t errlen)
{
	char	 line[256], *num;
	size_t	 lineno = 0, i, k;
	FILE	*fp;

	if ((fp = fopen(file, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (*(num = parse_line(line)) == '\0')
			continue;
		if (!optout_number_ok(num))
			log_warnx("optout: %s:%zu: \"%s\" is not a number in "
			    "E.164 form (+4915112345678), ignored", file,
			    lineno, num);
		else if (push(fresh, num) == -1) {
			fclose(fp);
			snprintf(err, errlen, "optout: out of memory");
			return -1;
		}
	}
	fclose(fp);
	if (fresh->n > 0)
		qsort(fresh->v, fresh->n, sizeof(*fresh->v), cmp);
	for (i = k = 0; i < fresh->n; i++)
		if (k == 0 || strcmp(fresh->v[k - 1], fresh->v[i]) != 0)
			memmove(fresh->v[k++], fresh->v[i], sizeof(*fresh->v));
	fresh->n = k;
	return 0;
}

/* optout_load - see optout.h */
int
optout_load(struct optout *o, char *err, size_t errlen)
{
	struct optout	 fresh = { .st = o->st };
	size_t		 i;
	int		 found;

	if (read_file(o->file, &fresh, err, errlen) == -1) {
		free(fresh.v);
		return -1;
	}
	for (i = 0; i < o->n; i++)
		if (find(&fresh, o->v[i], &found), !found)
			mirror(o, o->v[i], 0);
	for (i = 0; i < fresh.n; i++)
		if (find(o, fresh.v[i], &found), !found)
			mirror(o, fresh.v[i], 1);
	free(o->v);
	o->v = fresh.v;
	o->n = fresh.n;
	o->cap = fresh.cap;
	log_info("optout: %zu number%s from %s", o->n, o->n == 1 ? "" : "s",
	    o->file);
	return 0;
}

/* write_file - the list as the file: a new one renamed over the old */
static int
write_file(const struct optout *o, char *err, size_t errlen)
{
	char	 tmp[4096];
	size_t	 i;
	FILE	*fp;
	int	 ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", o->file) >=
	    sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", o->file);
		return -1;
	}
	if ((fp = fopen(tmp, "we")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = fprintf(fp, "# numbers that must not be texted, one a line "
	    "(smsrelayctl optout)\n") > 0;
	for (i = 0; ok && i < o->n; i++)
		ok = fprintf(fp, "%s\n", o->v[i]) > 0;
	ok = ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok || rename(tmp, o->file) == -1) {
		snprintf(err, errlen, "%s: %s", o->file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* optout_add - see optout.h */
int
optout_add(struct optout *o, const char *number, char *err, size_t errlen)
{
	size_t	 at;
	int	 found;

	at = find(o, number, &found);
	if (found)
		return 1;
	if (push(o, number) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memmove(o->v[at + 1], o->v[at], (o->n - 1 - at) * sizeof(*o->v));
	snprintf(o->v[at], sizeof(*o->v), "%s", number);
	if (write_file(o, err, errlen) == -1) {
		memmove(o->v[at], o->v[at + 1], (--o->n - at) * sizeof(*o->v));
		return -1;
	}
	mirror(o, number, 1);
	log_info("optout: %s added", number);
	return 0;
}

/* optout_remove - see optout.h */
int
optout_remove(struct optout *o, const char *number, char *err, size_t errlen)
{
	char	 saved[NUMBER_MAX + 1];
	size_t	 at;
	int	 found;

	at = find(o, number, &found);
	if (!found)
		return 1;
	memcpy(saved, o->v[at], sizeof(saved));
	memmove(o->v[at], o->v[at + 1], (o->n - at - 1) * sizeof(*o->v));
	o->n--;
	if (write_file(o, err, errlen) == -1) {
		memmove(o->v[at + 1], o->v[at], (o->n - at) * sizeof(*o->v));
		memcpy(o->v[at], saved, sizeof(saved));
		o->n++;
		return -1;
	}
	mirror(o, number, 0);
	log_info("optout: %s removed", number);
	return 0;
}

/* optout_is_keyword - see optout.h */
int
optout_is_keyword(const char *text, char *const *keywords, size_t n)
{
	size_t	 len, i, k;

	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	len = strlen(text);
	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	if (len > 0 && (text[len - 1] == '.' || text[len - 1] == '!'))
		len--;
	for (i = 0; i < n; i++) {
		if (strlen(keywords[i]) != len)
			continue;
		for (k = 0; k < len; k++)
			if (ascii_lower((unsigned char)text[k]) !=
			    ascii_lower((unsigned char)keywords[i][k]))
				break;
		if (k == len)
			return 1;
	}
	return 0;
}

/* optout_list - see optout.h */
void
optout_list(const struct optout *o, struct evbuffer *out)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		evbuffer_add_printf(out, "%s\n", o->v[i]);
}

/* optout_free - the store keeps its keys */
void
optout_free(struct optout *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o->file);
	free(o);
}
