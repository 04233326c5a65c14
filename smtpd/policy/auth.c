/*
 * auth.c - SMTP AUTH support: the users file of password hashes, hash checks
 * on worker threads reporting back to the event loop, strict SASL decoding.
 */
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <argon2.h>
#include <crypt.h>
#include <event2/event.h>

#include "sms/lib/buf.h"
#include "sms/lib/mailbox.h"
#include "smtpd/policy/auth.h"

#define USERS_LINE_MAX	4096	/* octets of a users file line */

/* argon2id parameters of new hashes: RFC 9106's second recommendation */
#define ARGON2_T	3
#define ARGON2_M_KIB	65536
#define ARGON2_P	1
#define ARGON2_SALTLEN	16
#define ARGON2_HASHLEN	32

enum hash_kind { HASH_CRYPT, HASH_ARGON2 };

struct auth_user {
	char		*name;		/* one allocation holds name and hash */
	const char	*hash;
	size_t		 costlen;	/* hash[0..costlen): method and cost */
	enum hash_kind	 kind;
	argon2_type	 atype;		/* HASH_ARGON2 only */
	unsigned	 line;
};

struct auth_users {
	struct auth_user *v;		/* sorted by name for bsearch */
	size_t		 n;
	size_t		 dummy;		/* v[dummy]: an unknown name's check */
	unsigned	 refs;		/* checker's lock: current set + running checks */
};

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_DONE };

struct auth_request {
	TAILQ_ENTRY(auth_request) entry;	/* in the checker's queue */
	struct mailbox_item done;	/* on its way back to the loop */
	struct auth_checker *c;
	enum req_state	 state;
	int		 cancelled;
	int		 invalid;	/* name or password too long: fails */
	int		 ok;
	auth_done_cb	*cb;
	void		*arg;
	char		 user[AUTH_USER_MAX + 1];
	char		 pass[AUTH_PASS_MAX + 1];
};

TAILQ_HEAD(req_list, auth_request);

struct worker {
	struct auth_checker *c;
	pthread_t	 tid;
	struct crypt_data *cd;		/* crypt_rn scratch, ~32 KiB */
};

/*
 * Everything below the mutex is shared with the workers. A request is in
 * queue (QUEUED), owned by one worker (RUNNING) or in the results mailbox
 * (DONE) until the loop thread delivers it.
 */
struct auth_checker {
	struct mailbox	*results;
	struct worker	*w;
	unsigned	 nw;
	char		 dummy[CRYPT_GENSALT_OUTPUT_SIZE];
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stopping;
	struct req_list	 queue;
	struct auth_users *users;
};

/* users_cmp - order of auth_user by name, for qsort and bsearch */
static int
users_cmp(const void *a, const void *b)
{
	const struct auth_user *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* valid_name_byte - octets allowed in a login name: no controls, space or ':' */
static int
valid_name_byte(unsigned char ch)
{
	return ch > 0x20 && ch != 0x7f && ch != ':';
}

/*
 * hash_form - which checker handles hash; -1 if we do not know its form.
 * The list of crypt prefixes is what libxcrypt computes that is still sane.
 */
static int
hash_form(const char *hash, enum hash_kind *kind, argon2_type *atype)
{
	static const char *const crypts[] = {
		"$y$", "$gy$", "$7$", "$6$", "$5$", "$2b$", "$2y$", "$2a$"
	};
	static const struct {
		const char	*prefix;
		argon2_type	 type;
	} argons[] = {
		{ "$argon2id$", Argon2_id },
		{ "$argon2i$", Argon2_i },
		{ "$argon2d$", Argon2_d },
	};
	size_t	 i;

	for (i = 0; i < sizeof(crypts) / sizeof(crypts[0]); i++)
		if (strncmp(hash, crypts[i], strlen(crypts[i])) == 0) {
			*kind = HASH_CRYPT;
			return 0;
		}
	for (i = 0; i < sizeof(argons) / sizeof(argons[0]); i++)
		if (strncmp(hash, argons[i].prefix,
		    strlen(argons[i].prefix)) == 0) {
			*kind = HASH_ARGON2;
			*atype = argons[i].type;
			return 0;
		}
	return -1;
}

/*
 * hash_wellformed - catch a truncated or mangled hash at load time rather
 * than as "wrong password" at every login.
 */
static int
hash_wellformed(const char *hash, enum hash_kind kind)
{
	const char	*p;
	int		 dollars = 0;
	int		 rc;

	for (p = hash; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
		if (*p == '$')
			dollars++;
	}
	if (kind == HASH_ARGON2)
		/* $argon2id$v=19$m=..,t=..,p=..$salt$hash; v= is optional */
		return (dollars == 4 || dollars == 5) && p[-1] != '$';
	/* crypt_checksalt looks at the prefix only: "$6$" alone passes it */
	if ((size_t)(p - hash) >= CRYPT_OUTPUT_SIZE || dollars < 3 ||
	    p[-1] == '$')
		return 0;
	rc = crypt_checksalt(hash);
	return rc == CRYPT_SALT_OK || rc == CRYPT_SALT_METHOD_LEGACY ||
	    rc == CRYPT_SALT_TOO_CHEAP;
}

/*
 * cost_len - how much of a well-formed hash names its method and cost,
 * the salt and hash left out: "$6$rounds=9999", "$2b$12", "$y$j9T",
 * "$argon2id$v=19$m=65536,t=3,p=1". A plain "$6$salt$hash" gives "$6".
 */
static size_t
cost_len(const char *hash)
{
	const char	*p;
	size_t		 len = strlen(hash), fields;

	/* scrypt: 11 parameter characters, then the salt with no '$' */
	if (strncmp(hash, "$7$", 3) == 0)
		return len < 14 ? len : 14;
	/* bcrypt: salt and hash are one field after the cost */
	fields = hash[1] == '2' ? 1 : 2;
	for (p = hash + len; p > hash; p--)
		if (p[-1] == '$' && --fields == 0)
			return (size_t)(p - 1 - hash);
	return 0;
}

/*
 * next_line - the line of data[*pos..len) up to its newline, copied without
 * it into buf[USERS_LINE_MAX + 1] and *pos moved past it: 1 a line, 0 the
 * end of data, -1 too long, -2 a NUL octet (whichever comes first in it).
 */
static int
next_line(const char *data, size_t len, size_t *pos, char *buf,
    size_t *linelen)
{
	const char	*p = data + *pos, *nl;
	size_t		 rest = len - *pos, n;

	if (rest == 0)
		return 0;
	nl = memchr(p, '\n', rest);
	n = nl != NULL ? (size_t)(nl - p) : rest;
	*pos += nl != NULL ? n + 1 : n;
	if (memchr(p, '\0', n < USERS_LINE_MAX ? n : USERS_LINE_MAX) != NULL)
		return -2;
	if (n > USERS_LINE_MAX)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*linelen = n;
	return 1;
}

/* users_add - append name:hash from a parsed line; -1 if out of memory */
static int
users_add(struct auth_users *u, size_t *cap, const char *name, size_t nlen,
    const char *hash, enum hash_kind kind, argon2_type atype, unsigned line)
{
	struct auth_user	*e;
	size_t			 hlen = strlen(hash);
	char			*mem;

	if (array_grow(&u->v, cap, u->n, sizeof(*u->v), 16) == -1)
		return -1;
	if ((mem = malloc(nlen + 1 + hlen + 1)) == NULL)
		return -1;
	memcpy(mem, name, nlen);
	mem[nlen] = '\0';
	memcpy(mem + nlen + 1, hash, hlen + 1);
	e = &u->v[u->n++];
	e->name = mem;
	e->hash = mem + nlen + 1;
	e->kind = kind;
	e->atype = atype;
	e->line = line;
	e->costlen = cost_len(e->hash);
	return 0;
}

/* parse_line - one users file line into u; -1 with the reason in err */
static int
parse_line(struct auth_users *u, size_t *cap, char *buf, size_t len,
    const char *path, unsigned line, char *err, size_t errlen)
{
	enum hash_kind	 kind;
	argon2_type	 atype = Argon2_id;
	const char	*colon, *hash;
	size_t		 nlen, i;

	while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
	    buf[len - 1] == '\t'))
		buf[--len] = '\0';
	if (len == 0 || buf[0] == '#')
		return 0;
	if ((colon = memchr(buf, ':', len)) == NULL) {
		snprintf(err, errlen, "%s:%u: expected user:hash", path, line);
		return -1;
	}
	nlen = (size_t)(colon - buf);
	if (nlen == 0 || nlen > AUTH_USER_MAX) {
		snprintf(err, errlen, "%s:%u: user name must be 1 to %d octets",
		    path, line, AUTH_USER_MAX);
		return -1;
	}
	for (i = 0; i < nlen; i++)
		if (!valid_name_byte((unsigned char)buf[i])) {
			snprintf(err, errlen, "%s:%u: user name contains a "
			    "space or control character", path, line);
			return -1;
		}
	hash = colon + 1;
	if (hash_form(hash, &kind, &atype) == -1) {
		snprintf(err, errlen, "%s:%u: unknown hash form, expected "
		    "$y$, $6$, $2b$ or $argon2id$", path, line);
		return -1;
	}
	if (!hash_wellformed(hash, kind)) {
		snprintf(err, errlen, "%s:%u: malformed hash", path, line);
		return -1;
	}
	if (users_add(u, cap, buf, nlen, hash, kind, atype, line) == -1) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

/* cost_cmp - order of entry pointers by method and cost, then line */
static int
cost_cmp(const void *a, const void *b)
{
	const struct auth_user *x = *(const struct auth_user *const *)a;
	const struct auth_user *y = *(const struct auth_user *const *)b;
	size_t	 n = x->costlen < y->costlen ? x->costlen : y->costlen;
	int	 c;

	if ((c = memcmp(x->hash, y->hash, n)) != 0)
		return c;
	if (x->costlen != y->costlen)
		return x->costlen < y->costlen ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * pick_dummy - the entry an unknown name is checked against: one of the
 * method and cost most entries share (on a tie, the group met first in the
 * file), so a name's absence costs what its presence would. -1 on ENOMEM.
 */
static int
pick_dummy(struct auth_users *u)
{
	const struct auth_user	**by_cost;
	size_t			 i, run = 0, best = 0, best_run = 0;

	if (u->n == 0)
		return 0;
	if ((by_cost = calloc(u->n, sizeof(*by_cost))) == NULL)
		return -1;
	for (i = 0; i < u->n; i++)
		by_cost[i] = &u->v[i];
	qsort(by_cost, u->n, sizeof(*by_cost), cost_cmp);
	for (i = 0; i < u->n; i++) {
		if (i > 0 && by_cost[i]->costlen == by_cost[i - 1]->costlen &&
		    memcmp(by_cost[i]->hash, by_cost[i - 1]->hash,
		    by_cost[i]->costlen) == 0)
			run++;
		else
			run = 1;
		/* a run's first entry has its earliest line */
		if (run > best_run || (run == best_run &&
		    by_cost[i - run + 1]->line < by_cost[best]->line)) {
			best_run = run;
			best = i - run + 1;
		}
	}
	u->dummy = (size_t)(by_cost[best] - u->v);
	free(by_cost);
	return 0;
}

/* auth_users_parse - the text of a users file, checked whole */
int
auth_users_parse(const char *data, size_t len, const char *path,
    struct auth_users **out, char *err, size_t errlen)
{
	struct auth_users	*u;
	char			*buf = NULL;
	size_t			 cap = 0, pos = 0, linelen, i;
	unsigned		 line = 0;
	int			 rc;

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (buf = malloc(USERS_LINE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	u->refs = 1;
	while ((rc = next_line(data, len, &pos, buf, &linelen)) != 0) {
		line++;
		if (rc == -1) {
			snprintf(err, errlen, "%s:%u: line longer than %d "
			    "octets", path, line, USERS_LINE_MAX);
			goto fail;
		}
		if (rc == -2) {
			snprintf(err, errlen, "%s:%u: NUL octet", path, line);
			goto fail;
		}
		if (parse_line(u, &cap, buf, linelen, path, line, err,
		    errlen) == -1)
			goto fail;
	}
	if (u->n > 0)
		qsort(u->v, u->n, sizeof(u->v[0]), users_cmp);
	for (i = 1; i < u->n; i++)
		if (strcmp(u->v[i - 1].name, u->v[i].name) == 0) {
			unsigned a = u->v[i - 1].line, b = u->v[i].line;

			snprintf(err, errlen, "%s:%u: duplicate user %s "
			    "(first on line %u)", path, a > b ? a : b,
			    u->v[i].name, a < b ? a : b);
			goto fail;
		}
	if (pick_dummy(u) == -1) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	explicit_bzero(buf, USERS_LINE_MAX + 1);
	free(buf);
	*out = u;
	return 0;
fail:
	if (buf != NULL)
		explicit_bzero(buf, USERS_LINE_MAX + 1);
	free(buf);
	auth_users_free(u);
	return -1;
}

/*
 * read_whole - the size bytes fstat saw in fd into a new buffer (*data,
 * *len); -1 with errno. smsrelayctl passwd replaces the file by rename, so
 * the open file does not change under us.
 */
static int
read_whole(int fd, off_t size, char **data, size_t *len)
{
	char	*p;
	size_t	 got = 0;
	ssize_t	 n;

	if ((uintmax_t)size >= SIZE_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* one spare byte: an empty file still gets a real pointer */
	if ((p = malloc((size_t)size + 1)) == NULL)
		return -1;
	while (got < (size_t)size) {
		if ((n = read(fd, p + got, (size_t)size - got)) == -1) {
			if (errno == EINTR)
				continue;
			explicit_bzero(p, got);
			free(p);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*data = p;
	*len = got;
	return 0;
}

/* auth_users_load - the users file, checked whole before it is used */
int
auth_users_load(const char *path, struct auth_users **out, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*data;
	size_t		 len;
	int		 fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: readable by group or others "
		    "(chmod 600 %s)", path, path);
		close(fd);
		return -1;
	}
	if (read_whole(fd, st.st_size, &data, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	rc = auth_users_parse(data, len, path, out, err, errlen);
	explicit_bzero(data, len);
	free(data);
	return rc;
}

/* auth_users_free - a set not handed to a checker */
void
auth_users_free(struct auth_users *u)
{
	size_t	 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	free(u);
}

/* auth_users_count - for the start-up log line */
size_t
auth_users_count(const struct auth_users *u)
{
	return u != NULL ? u->n : 0;
}

/* auth_users_dummy_cost - see auth.h */
void
auth_users_dummy_cost(const struct auth_users *u, char *out, size_t outsz)
{
	const struct auth_user *e;

	if (outsz == 0)
		return;
	if (u == NULL || u->n == 0) {
		out[0] = '\0';
		return;
	}
	e = &u->v[u->dummy];
	snprintf(out, outsz, "%.*s", (int)e->costlen, e->hash);
}

/* users_find - the entry for name, NULL if there is none */
static const struct auth_user *
users_find(const struct auth_users *u, const char *name)
{
	struct auth_user key = { 0 };

	if (u == NULL || u->n == 0)
		return NULL;
	key.name = (char *)name;
	return bsearch(&key, u->v, u->n, sizeof(u->v[0]), users_cmp);
}

/* ct_equal - compare without an early exit, so timing says nothing */
static int
ct_equal(const char *a, const char *b, size_t len)
{
	volatile unsigned char	 d = 0;
	size_t			 i;

	for (i = 0; i < len; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

/* crypt_matches - crypt(3) the password with hash as setting, compare */
static int
crypt_matches(struct crypt_data *cd, const char *hash, const char *pass)
{
	const char	*h;
	size_t		 len = strlen(hash);
	int		 ok;

	h = crypt_rn(pass, hash, cd, sizeof(*cd));
	ok = h != NULL && strlen(h) == len &&
	    ct_equal(h, hash, len);
	explicit_bzero(cd, sizeof(*cd));
	return ok;
}

/* entry_matches - the password against one entry's hash */
static int
entry_matches(struct worker *w, const struct auth_user *e, const char *pass)
{
	if (e->kind == HASH_ARGON2)
		return argon2_verify(e->hash, pass, strlen(pass), e->atype) ==
		    ARGON2_OK;
	return crypt_matches(w->cd, e->hash, pass);
}

/*
 * verify - the worker's job. An unknown name is checked against the entry
 * pick_dummy() chose and fails whatever the outcome: it pays for the
 * method and cost a known name would, so the reply time does not tell who
 * exists. Without entries, the default method's dummy stands in.
 */
static int
verify(struct worker *w, const struct auth_users *u,
    const struct auth_request *req)
{
	const struct auth_user	*e = NULL;

	if (!req->invalid)
		e = users_find(u, req->user);
	if (e != NULL)
		return entry_matches(w, e, req->pass);
	if (u != NULL && u->n > 0)
		entry_matches(w, &u->v[u->dummy], req->pass);
	else
		crypt_matches(w->cd, w->c->dummy, req->pass);
	return 0;
}

/* req_free - wipe the password copy and free */
static void
req_free(struct auth_request *req)
{
	explicit_bzero(req->pass, sizeof(req->pass));
	free(req);
}

/* users_unref - drop a reference under the lock; the set if now unused */
static struct auth_users *
users_unref(struct auth_users *u)
{
	if (u != NULL && --u->refs == 0)
		return u;
	return NULL;
}

/* worker_main - take queued requests until the checker stops */
static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct auth_checker	*c = w->c;
	struct auth_request	*req;
	struct auth_users	*u, *unused;
	int			 ok, answer;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stopping && TAILQ_EMPTY(&c->queue))
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stopping)
			break;
		req = TAILQ_FIRST(&c->queue);
		TAILQ_REMOVE(&c->queue, req, entry);
		req->state = REQ_RUNNING;
		if ((u = c->users) != NULL)
			u->refs++;
		pthread_mutex_unlock(&c->mu);

		ok = verify(w, u, req);
		explicit_bzero(req->pass, sizeof(req->pass));

		pthread_mutex_lock(&c->mu);
		unused = users_unref(u);
		answer = !req->cancelled;
		if (answer) {
			req->ok = ok;
			req->state = REQ_DONE;
		} else
			req_free(req);
		pthread_mutex_unlock(&c->mu);
		auth_users_free(unused);
		/* DONE: auth_cancel only flags it, the loop frees it */
		if (answer)
			mailbox_post(c->results, &req->done);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/*
 * deliver_result - loop thread: a finished check. A callback may cancel a
 * request the mailbox has yet to deliver: the flag is read here.
 */
static void
deliver_result(struct mailbox_item *item, void *arg)
{
	struct auth_request	*req = mailbox_entry(item, struct auth_request,
				    done);

	(void)arg;
	if (!req->cancelled)
		req->cb(req->arg, req->ok);
	req_free(req);
}

/* discard_result - the checker is freed: a finished check goes unheard */
static void
discard_result(struct mailbox_item *item, void *arg)
{
	(void)arg;
	req_free(mailbox_entry(item, struct auth_request, done));
}

/* checker_stop - stop and join the first n workers */
static void
checker_stop(struct auth_checker *c, unsigned n)
{
	unsigned	 i;

	pthread_mutex_lock(&c->mu);
	c->stopping = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	for (i = 0; i < n; i++)
		pthread_join(c->w[i].tid, NULL);
}

/* checker_release - everything but the threads */
static void
checker_release(struct auth_checker *c)
{
	struct auth_request	*req;
	unsigned		 i;

	while ((req = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, req, entry);
		req_free(req);
	}
	mailbox_free(c->results);
	auth_users_free(users_unref(c->users));
	for (i = 0; i < c->nw; i++)
		free(c->w[i].cd);
	free(c->w);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* auth_checker_new - workers block all signals: the loop handles them */
struct auth_checker *
auth_checker_new(struct event_base *base, unsigned nthreads)
{
	struct auth_checker	*c;
	sigset_t		 all, old;
	unsigned		 i;
	int			 rc;

	if (nthreads == 0)
		nthreads = 1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	TAILQ_INIT(&c->queue);
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->cv, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	if ((c->w = calloc(nthreads, sizeof(*c->w))) == NULL)
		goto fail;
	c->nw = nthreads;
	for (i = 0; i < nthreads; i++) {
		c->w[i].c = c;
		if ((c->w[i].cd = calloc(1, sizeof(*c->w[i].cd))) == NULL)
			goto fail;
	}
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, c->dummy,
	    sizeof(c->dummy)) == NULL)
		goto fail;
	if ((c->results = mailbox_new(base, deliver_result, discard_result,
	    c)) == NULL)
		goto fail;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < nthreads; i++) {
		if ((rc = pthread_create(&c->w[i].tid, NULL, worker_main,
		    &c->w[i])) != 0)
			break;
		pthread_setname_np(c->w[i].tid, "auth");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < nthreads) {
		checker_stop(c, i);
		checker_release(c);
		errno = rc;
		return NULL;
	}
	return c;
fail:
	rc = errno;
	checker_release(c);
	errno = rc;
	return NULL;
}

/* auth_checker_free - not from inside an auth_done_cb */
void
auth_checker_free(struct auth_checker *c)
{
	if (c == NULL)
		return;
	checker_stop(c, c->nw);
	checker_release(c);
}

/* auth_checker_set_users - running checks hold a reference to the old set */
void
auth_checker_set_users(struct auth_checker *c, struct auth_users *u)
{
	struct auth_users	*unused;

	if (u != NULL)
		u->refs = 1;
	pthread_mutex_lock(&c->mu);
	unused = users_unref(c->users);
	c->users = u;
	pthread_mutex_unlock(&c->mu);
	auth_users_free(unused);
}

/* auth_check - queue a check; the request is freed after its callback */
struct auth_request *
auth_check(struct auth_checker *c, const char *user, const char *password,
    auth_done_cb *cb, void *arg)
{
	struct auth_request	*req;
	size_t			 ulen, plen;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	req->c = c;
	req->cb = cb;
	req->arg = arg;
	ulen = strnlen(user, AUTH_USER_MAX + 1);
	plen = strnlen(password, AUTH_PASS_MAX + 1);
	if (ulen > AUTH_USER_MAX || plen > AUTH_PASS_MAX)
		req->invalid = 1;
	else {
		memcpy(req->user, user, ulen);
		memcpy(req->pass, password, plen);
	}
	pthread_mutex_lock(&c->mu);
	req->state = REQ_QUEUED;
	TAILQ_INSERT_TAIL(&c->queue, req, entry);
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return req;
}

/*
 * auth_cancel - a queued request is freed now; a running or finished one
 * when its worker or the loop gets to it. Not valid once the callback ran.
 */
void
auth_cancel(struct auth_request *req)
{
	struct auth_checker	*c;
	int			 drop = 0;

	if (req == NULL)
		return;
	c = req->c;
	pthread_mutex_lock(&c->mu);
	if (req->state == REQ_QUEUED) {
		TAILQ_REMOVE(&c->queue, req, entry);
		drop = 1;
	} else
		req->cancelled = 1;
	pthread_mutex_unlock(&c->mu);
	if (drop)
		req_free(req);
}

/* b64_value - the 6 bits of an RFC 4648 base64 character, -1 if none */
static int
b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* sasl_base64_decode - canonical base64 only: the bits padding hides are 0 */
int
sasl_base64_decode(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen)
{
	size_t	 pad = 0, n, i, o = 0;
	int	 v[4], k;

	if (outsz == 0)
		return -1;
	if (len == 0 || (len == 1 && in[0] == '=')) {
		out[0] = '\0';
		*outlen = 0;
		return 0;
	}
	if (len % 4 != 0)
		return -1;
	if (in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n >= outsz)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == len && k >= 4 - (int)pad)
				v[k] = 0;
			else if ((v[k] = b64_value((unsigned char)in[i + k])) == -1)
				goto bad;
		}
		if (i + 4 == len && ((pad == 2 && (v[1] & 0x0f) != 0) ||
		    (pad == 1 && (v[2] & 0x03) != 0)))
			goto bad;
		out[o++] = (char)(v[0] << 2 | v[1] >> 4);
		if (o < n)
			out[o++] = (char)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (o < n)
			out[o++] = (char)((v[2] & 0x03) << 6 | v[3]);
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
bad:
	/* the prefix decoded so far may be part of a password */
	explicit_bzero(out, o);
	return -1;
}

/* sasl_base64_encode - NUL-terminated; 0, or -1 if out is too small */
int
sasl_base64_encode(const char *in, size_t len, char *out, size_t outsz)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 quanta = len / 3 + (len % 3 != 0), i, o = 0;
	unsigned		 b;

	if (outsz == 0 || quanta > (outsz - 1) / 4)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		b = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = alphabet[(b >> 6) & 0x3f];
		out[o++] = alphabet[b & 0x3f];
	}
	if (len - i == 1) {
		b = (unsigned)p[i] << 16;
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		b = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = alphabet[b >> 18];
		out[o++] = alphabet[(b >> 12) & 0x3f];
		out[o++] = alphabet[(b >> 6) & 0x3f];
		out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

/* sasl_plain_split - RFC 4616 message; we do not let one user act as another */
int
sasl_plain_split(const char *msg, size_t len, char user[AUTH_USER_MAX + 1],
    char pass[AUTH_PASS_MAX + 1])
{
	const char	*nul1, *nul2, *authcid, *pw;
	size_t		 zlen, clen, plen;

	user[0] = '\0';
	pass[0] = '\0';
	if ((nul1 = memchr(msg, '\0', len)) == NULL)
		return -1;
	zlen = (size_t)(nul1 - msg);
	authcid = nul1 + 1;
	if ((nul2 = memchr(authcid, '\0', len - zlen - 1)) == NULL)
		return -1;
	clen = (size_t)(nul2 - authcid);
	pw = nul2 + 1;
	plen = len - zlen - 1 - clen - 1;
	if (clen == 0 || clen > AUTH_USER_MAX || plen == 0 ||
	    plen > AUTH_PASS_MAX || memchr(pw, '\0', plen) != NULL)
		return -1;
	if (zlen != 0 && (zlen != clen || memcmp(msg, authcid, clen) != 0))
		return -1;
	memcpy(user, authcid, clen);
	user[clen] = '\0';
	memcpy(pass, pw, plen);
	pass[plen] = '\0';
	return 0;
}

/* argon2id_new - an encoded argon2id hash with a fresh random salt */
static int
argon2id_new(const char *password, size_t plen, char *out, size_t outsz)
{
	unsigned char	 salt[ARGON2_SALTLEN];
	size_t		 got = 0;
	ssize_t		 n;
	int		 rc;

	if (argon2_encodedlen(ARGON2_T, ARGON2_M_KIB, ARGON2_P, ARGON2_SALTLEN,
	    ARGON2_HASHLEN, Argon2_id) > outsz) {
		errno = ERANGE;
		return -1;
	}
	while (got < sizeof(salt)) {
		if ((n = getrandom(salt + got, sizeof(salt) - got, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M_KIB, ARGON2_P, password,
	    plen, salt, sizeof(salt), ARGON2_HASHLEN, out, outsz);
	if (rc != ARGON2_OK) {
		errno = rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ENOMEM : EINVAL;
		return -1;
	}
	return 0;
}

/* auth_hash_password - only passwords that AUTH could ever present */
int
auth_hash_password(const char *password, const char *method, char *out,
    size_t outsz)
{
	struct crypt_data	*cd;
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*prefix, *h;
	unsigned long		 cost = 0;
	size_t			 plen, hlen;
	int			 rc = -1, saved = 0;

	plen = strnlen(password, AUTH_PASS_MAX + 1);
	if (plen == 0 || plen > AUTH_PASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (method == NULL || strcmp(method, "yescrypt") == 0)
		prefix = "$y$";
	else if (strcmp(method, "sha512") == 0)
		prefix = "$6$";
	else if (strcmp(method, "bcrypt") == 0) {
		prefix = "$2b$";
		cost = 12;
	} else if (strcmp(method, "argon2id") == 0)
		return argon2id_new(password, plen, out, outsz);
	else {
		errno = EINVAL;
		return -1;
	}
	if (crypt_gensalt_rn(prefix, cost, NULL, 0, setting,
	    sizeof(setting)) == NULL)
		return -1;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return -1;
	if ((h = crypt_rn(password, setting, cd, sizeof(*cd))) == NULL)
		saved = errno;
	else if ((hlen = strlen(h)) >= outsz)
		saved = ERANGE;
	else {
		memcpy(out, h, hlen + 1);
		rc = 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	errno = saved;
	return rc;
}
