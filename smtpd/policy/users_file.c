/*
 * users_file.c - the users file of AUTH: "name:hash" lines read and checked
 * whole, the entry an unknown name is checked against, a password verified
 * against an entry (crypt(3) or Argon2), new hashes for smsrelayctl passwd.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <argon2.h>
#include <crypt.h>

#include "sms/lib/buf.h"
#include "smtpd/policy/users_file.h"

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

struct auth_scratch {
	struct crypt_data cd;		/* crypt_rn's, wiped after each use */
	char		 dummy[CRYPT_GENSALT_OUTPUT_SIZE];	/* no entries */
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

/* auth_users_dummy_cost - see users_file.h */
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
entry_matches(struct auth_scratch *sc, const struct auth_user *e,
    const char *pass)
{
	if (e->kind == HASH_ARGON2)
		return argon2_verify(e->hash, pass, strlen(pass), e->atype) ==
		    ARGON2_OK;
	return crypt_matches(&sc->cd, e->hash, pass);
}

/*
 * auth_users_verify - an unknown name is checked against the entry
 * pick_dummy() chose and fails whatever the outcome: it pays for the
 * method and cost a known name would, so the reply time does not tell who
 * exists. Without entries, the default method's dummy stands in.
 */
int
auth_users_verify(const struct auth_users *u, const char *user,
    const char *pass, struct auth_scratch *sc)
{
	const struct auth_user	*e = NULL;

	if (user != NULL)
		e = users_find(u, user);
	if (e != NULL)
		return entry_matches(sc, e, pass);
	if (u != NULL && u->n > 0)
		entry_matches(sc, &u->v[u->dummy], pass);
	else
		crypt_matches(&sc->cd, sc->dummy, pass);
	return 0;
}

/* auth_scratch_new - the dummy has a fresh salt, as a real hash would */
struct auth_scratch *
auth_scratch_new(void)
{
	struct auth_scratch	*sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, sc->dummy,
	    sizeof(sc->dummy)) == NULL) {
		free(sc);
		return NULL;
	}
	return sc;
}

/* auth_scratch_free - crypt_matches has wiped it after each use */
void
auth_scratch_free(struct auth_scratch *sc)
{
	free(sc);
}

/* auth_users_hold - under the checker's lock */
void
auth_users_hold(struct auth_users *u)
{
	if (u != NULL)
		u->refs++;
}

/* auth_users_drop - under the checker's lock; the set if now unused */
struct auth_users *
auth_users_drop(struct auth_users *u)
{
	if (u != NULL && --u->refs == 0)
		return u;
	return NULL;
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
