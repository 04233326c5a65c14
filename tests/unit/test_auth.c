/*
 * test_auth.c - users file parsing, password hashing round trips and the
 * worker-thread checker on a real event loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <crypt.h>
#include <event2/event.h>

#include "sms/lib/stats.h"
#include "smtpd/policy/passwd_check.h"
#include "smtpd/policy/users_file.h"

#define H_Y	"$y$j9T$159eR2UARKPYXEJ/WwCX90$yMUAObX6UaGB8bctlybnpS3QqlHBo/AFmWiXOsxVcc1"
#define H_6	"$6$HGMvsv0sKJtLiO6r$b0KxEzI2xZMsRKLlfPemVnEL3hEKuJYAm9PzMYmkAL85" \
		"zrHK1b6RvnabFdu6AGAI4tDRpYvYRC06JvFzLCv1e/"
#define H_2B	"$2b$12$SWg6NJ5QxtwbRSdSjiMKVOWh/22XTgrWXJxour0QR/GslQ7upVv.6"
#define H_A2	"$argon2id$v=19$m=65536,t=3,p=1$AaICssL2ACyQLo3PPk/UCQ$dKc7xmyHy" \
		"VW9iz0esDIDn68PNsPG8a1DM2HiH4a40So"

#define WAIT_SECONDS	60	/* a stuck checker fails instead of hanging */

static char	 dir[64];
static char	 path[128];

/* write_file - path with these contents and exactly this mode */
static void
write_file(const char *text, size_t len, mode_t mode)
{
	int	 fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_auth.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/users", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void
test_users_good(void **state)
{
	static const char text[] =
	    "# smsrelay users\n"
	    "\n"
	    "clerk:" H_Y "\r\n"
	    "   \n"
	    "alice:" H_6 "  \n"
	    "#bob:plain\n"
	    "carol:" H_2B "\n"
	    "d\xc3\xa9sir\xc3\xa9" ":" H_A2 "\n"
	    "erin:$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo\n"
	    "frank:$5$rounds=1000$salt$Hash0123456789abcdef";	/* no newline */
	struct auth_users	*u = (struct auth_users *)1;
	char			 err[256] = "";

	(void)state;
	write_file(text, sizeof(text) - 1, 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(auth_users_count(u), 6);
	auth_users_free(u);

	write_file("# nobody yet\n", 13, 0400);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), 0);
	assert_int_equal(auth_users_count(u), 0);
	auth_users_free(u);
	assert_int_equal(auth_users_count(NULL), 0);
}

static void
test_users_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;	/* after "path:" */
	} cases[] = {
		{ "alice\n", "1: expected user:hash" },
		{ "# c\nalice:secret\n", "2: unknown hash form, expected $y$, "
		    "$6$, $2b$ or $argon2id$" },
		{ "alice:$1$abc$def\n", "1: unknown hash form" },
		{ "alice:" H_6 "\nbob:" H_Y "\nalice:" H_2B "\n",
		    "3: duplicate user alice (first on line 1)" },
		{ ":" H_6 "\n", "1: user name must be 1 to 255 octets" },
		{ "al ice:" H_6 "\n", "1: user name contains a space" },
		{ "al\tice:" H_6 "\n", "1: user name contains a space" },
		{ "alice:$6$\n", "1: malformed hash" },
		{ "alice:$y$j9T$\n", "1: malformed hash" },
		{ "alice:$6$abc def$x\n", "1: malformed hash" },
		{ "alice:$argon2id$v=19$m=65536\n", "1: malformed hash" },
		{ "alice:" H_6 "\nbob:\n", "2: unknown hash form" },
	};
	struct auth_users	*u;
	char			 err[512], want[512], *big;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(cases[i].text, strlen(cases[i].text), 0600);
		u = (struct auth_users *)1;
		assert_int_equal(auth_users_load(path, &u, err, sizeof(err)),
		    -1);
		assert_null(u);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].err);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
			    want);
	}

	/* a 256-octet name; then a line of 4097 octets */
	big = malloc(8192);
	assert_non_null(big);
	memset(big, 'a', 256);
	snprintf(big + 256, 8192 - 256, ":%s\n", H_6);
	write_file(big, strlen(big), 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: user name must be 1 to 255"));
	memset(big, 'a', 255);
	snprintf(big + 255, 8192 - 255, ":%s\n", H_6);
	write_file(big, strlen(big), 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), 0);
	auth_users_free(u);
	/* line 2 is "x:$6$bbb...": 4097 octets before its newline */
	n = (size_t)snprintf(big, 8192, "ok:%s\nx:$6$", H_6);
	memset(big + n, 'b', 4097 - 5);
	n += 4097 - 5;
	big[n++] = '\n';
	write_file(big, n, 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: line longer than 4096 octets"));
	/* 4096 octets is still a line (with a hash that is then malformed) */
	write_file(big, n - 2, 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: malformed hash"));
	free(big);

	write_file("alice:" H_6 "\0\n", sizeof(H_6) - 1 + 8, 0600);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: NUL octet"));
}

/* the parser reads len octets and no more: what follows is never seen */
static void
test_users_parse_bounded(void **state)
{
	static const char text[] = "alice:" H_6 "\nbob:" H_Y "\n"
	    "carol:not-a-hash\n";
	const size_t		 good = sizeof("alice:" H_6 "\nbob:" H_Y) - 1;
	struct auth_users	*u;
	char			 err[256] = "", *copy;

	(void)state;
	assert_int_equal(auth_users_parse(text, good, "users", &u, err,
	    sizeof(err)), 0);
	assert_int_equal(auth_users_count(u), 2);
	auth_users_free(u);
	/* an exact-size heap copy: ASan sees any read past its end */
	copy = malloc(good);
	assert_non_null(copy);
	memcpy(copy, text, good);
	assert_int_equal(auth_users_parse(copy, good, "users", &u, err,
	    sizeof(err)), 0);
	assert_int_equal(auth_users_count(u), 2);
	auth_users_free(u);
	free(copy);
	assert_int_equal(auth_users_parse(text, sizeof(text) - 1, "users",
	    &u, err, sizeof(err)), -1);
	assert_null(u);
	assert_string_equal(err, "users:3: unknown hash form, expected $y$, "
	    "$6$, $2b$ or $argon2id$");
	assert_int_equal(auth_users_parse("", 0, "users", &u, err,
	    sizeof(err)), 0);
	assert_int_equal(auth_users_count(u), 0);
	auth_users_free(u);
}

static void
test_users_file_refused(void **state)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0601 };
	struct auth_users	*u;
	char			 err[512], want[512];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		write_file("alice:" H_6 "\n", sizeof(H_6) - 1 + 7, modes[i]);
		assert_int_equal(auth_users_load(path, &u, err, sizeof(err)),
		    -1);
		snprintf(want, sizeof(want), "%s: readable by group or others "
		    "(chmod 600 %s)", path, path);
		assert_string_equal(err, want);
	}
	assert_int_equal(auth_users_load(dir, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": not a regular file"));
	unlink(path);
	assert_int_equal(auth_users_load(path, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": No such file or directory"));
}

static void
test_hash_password_errors(void **state)
{
	char	 out[512], longpw[AUTH_PASS_MAX + 2];

	(void)state;
	errno = 0;
	assert_int_equal(auth_hash_password("pw", "md5", out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(auth_hash_password("", NULL, out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	errno = 0;
	assert_int_equal(auth_hash_password(longpw, "sha512", out,
	    sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(auth_hash_password("pw", "sha512", out, 20), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(auth_hash_password("pw", "argon2id", out, 20), -1);
	assert_int_equal(errno, ERANGE);
}

/* the loop side of a test: callbacks counted until none is outstanding */
struct waiter {
	struct event_base *base;
	int		 outstanding;
	int		 timed_out;
};

struct result {
	struct waiter	*w;
	int		 called;
	int		 ok;
};

static void
on_done(void *arg, int ok)
{
	struct result *r = arg;

	r->called++;
	r->ok = ok;
	if (--r->w->outstanding == 0)
		event_base_loopbreak(r->w->base);
}

static void
on_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct waiter *w = arg;

	(void)fd;
	(void)ev;
	w->timed_out = 1;
	event_base_loopbreak(w->base);
}

/* wait_all - run the loop until every expected callback arrived */
static void
wait_all(struct waiter *w)
{
	struct timeval	 tv = { WAIT_SECONDS, 0 };
	struct event	*t;

	t = evtimer_new(w->base, on_timeout, w);
	assert_non_null(t);
	evtimer_add(t, &tv);
	while (w->outstanding > 0 && !w->timed_out)
		event_base_loop(w->base, EVLOOP_ONCE);
	event_free(t);
	assert_false(w->timed_out);
}

/* load_text - users from text through the real file loader */
static struct auth_users *
load_text(const char *text)
{
	struct auth_users	*u;
	char			 err[512];

	write_file(text, strlen(text), 0600);
	if (auth_users_load(path, &u, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	return u;
}

/*
 * test_dummy_cost - an unknown user pays for the method and cost most
 * entries use (the first such in the file on a tie), not a fixed yescrypt
 */
static void
test_dummy_cost(void **state)
{
	static const struct {
		const char	*text;
		const char	*cost;
	} cases[] = {
		{ "a:" H_6 "\nb:" H_6 "\n", "$6" },
		{ "a:" H_2B "\n", "$2b$12" },
		{ "a:" H_6 "\nb:" H_2B "\nc:$2b$12$abcdefghijklmnopqrstuu"
		  "abcdefghijklmnopqrstuvwxyz01234\n", "$2b$12" },
		{ "a:$2b$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234"
		  "\nb:" H_2B "\n", "$2b$10" },
		{ "a:" H_2B "\nb:$2b$10$abcdefghijklmnopqrstuuabcdefghijklmno"
		  "pqrstuvwxyz01234\n", "$2b$12" },
		{ "a:$6$rounds=20000$salt$hash\nb:" H_6 "\n"
		  "c:$6$rounds=20000$tlas$hsah\n", "$6$rounds=20000" },
		{ "a:" H_Y "\nb:" H_A2 "\nc:" H_A2 "\n",
		  "$argon2id$v=19$m=65536,t=3,p=1" },
		{ "a:" H_Y "\n", "$y$j9T" },
		{ "# nobody\n", "" },
	};
	struct auth_users	*u;
	char			 cost[64];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u = load_text(cases[i].text);
		auth_users_dummy_cost(u, cost, sizeof(cost));
		if (strcmp(cost, cases[i].cost) != 0)
			fail_msg("case %zu: dummy cost \"%s\", want \"%s\"", i,
			    cost, cases[i].cost);
		auth_users_free(u);
	}
	auth_users_dummy_cost(NULL, cost, sizeof(cost));
	assert_string_equal(cost, "");
	/* cut to the room given, still terminated */
	u = load_text("a:" H_A2 "\n");
	auth_users_dummy_cost(u, cost, 8);
	assert_string_equal(cost, "$argon2");
	auth_users_free(u);
}

static void
test_round_trip(void **state)
{
	static const struct {
		const char	*method;
		const char	*prefix;
	} methods[] = {
		{ NULL, "$y$" },
		{ "sha512", "$6$" },
		{ "bcrypt", "$2b$12$" },
		{ "argon2id", "$argon2id$v=19$m=65536,t=3,p=1$" },
	};
	enum { NM = sizeof(methods) / sizeof(methods[0]) };
	struct crypt_data	*cd;
	struct auth_checker	*c;
	struct waiter		 w = { NULL, 0, 0 };
	struct result		 right[NM + 1], wrong[NM + 1], unknown, toolong;
	char			 hash[512], text[8192], setting[128], name[32];
	char			 longpw[AUTH_PASS_MAX + 2];
	size_t			 i, off = 0;

	(void)state;
	for (i = 0; i < NM; i++) {
		assert_int_equal(auth_hash_password("correct horse",
		    methods[i].method, hash, sizeof(hash)), 0);
		assert_memory_equal(hash, methods[i].prefix,
		    strlen(methods[i].prefix));
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "user%zu:%s\n", i, hash);
	}
	/* a form we do not generate but accept: sha256crypt */
	cd = calloc(1, sizeof(*cd));
	assert_non_null(cd);
	assert_non_null(crypt_gensalt_rn("$5$", 0, NULL, 0, setting,
	    sizeof(setting)));
	assert_non_null(crypt_rn("correct horse", setting, cd, sizeof(*cd)));
	snprintf(text + off, sizeof(text) - off, "user%d:%s\n", NM, cd->output);
	free(cd);

	w.base = event_base_new();
	assert_non_null(w.base);
	c = auth_checker_new(w.base, 2);
	assert_non_null(c);
	auth_checker_set_users(c, load_text(text));
	stats_reset();
	memset(right, 0, sizeof(right));
	memset(wrong, 0, sizeof(wrong));
	memset(&unknown, 0, sizeof(unknown));
	memset(&toolong, 0, sizeof(toolong));
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	for (i = 0; i <= NM; i++) {
		snprintf(name, sizeof(name), "user%zu", i);
		right[i].w = wrong[i].w = &w;
		right[i].ok = wrong[i].ok = -1;
		assert_non_null(auth_check(c, name, "correct horse", on_done,
		    &right[i]));
		assert_non_null(auth_check(c, name, "correct horsE", on_done,
		    &wrong[i]));
		w.outstanding += 2;
	}
	unknown.w = toolong.w = &w;
	unknown.ok = toolong.ok = -1;
	assert_non_null(auth_check(c, "nobody", "correct horse", on_done,
	    &unknown));
	assert_non_null(auth_check(c, "user0", longpw, on_done, &toolong));
	w.outstanding += 2;
	wait_all(&w);
	for (i = 0; i <= NM; i++) {
		assert_int_equal(right[i].called, 1);
		assert_int_equal(right[i].ok, 1);
		assert_int_equal(wrong[i].called, 1);
		assert_int_equal(wrong[i].ok, 0);
	}
	assert_int_equal(unknown.called, 1);
	assert_int_equal(unknown.ok, 0);
	assert_int_equal(toolong.called, 1);
	assert_int_equal(toolong.ok, 0);
	/* every check counted by its result */
	assert_int_equal(stats_value(STAT_AUTH_OK), NM + 1);
	assert_int_equal(stats_value(STAT_AUTH_FAILED), NM + 1 + 2);
	auth_checker_free(c);
	event_base_free(w.base);
}

static void
test_cancel(void **state)
{
	struct auth_checker	*c;
	struct auth_request	*running, *queued, *done, *req;
	struct waiter		 w = { NULL, 0, 0 };
	struct result		 r[4];
	char			 hash[512], text[1024];

	(void)state;
	memset(r, 0, sizeof(r));
	r[0].w = r[1].w = r[2].w = r[3].w = &w;
	assert_int_equal(auth_hash_password("pw", "sha512", hash,
	    sizeof(hash)), 0);
	snprintf(text, sizeof(text), "slow:%s\nfast:%s\n", H_2B, hash);
	w.base = event_base_new();
	assert_non_null(w.base);
	c = auth_checker_new(w.base, 1);
	assert_non_null(c);
	auth_checker_set_users(c, load_text(text));

	/* one worker: the bcrypt check runs while the next one waits */
	running = auth_check(c, "slow", "pw", on_done, &r[0]);
	queued = auth_check(c, "fast", "pw", on_done, &r[1]);
	assert_non_null(running);
	assert_non_null(queued);
	usleep(20000);
	auth_cancel(queued);
	auth_cancel(running);

	/* finished but not yet delivered when cancelled */
	done = auth_check(c, "fast", "pw", on_done, &r[2]);
	assert_non_null(done);
	sleep(1);
	auth_cancel(done);

	assert_non_null(auth_check(c, "fast", "pw", on_done, &r[3]));
	w.outstanding = 1;
	wait_all(&w);
	assert_int_equal(r[0].called, 0);
	assert_int_equal(r[1].called, 0);
	assert_int_equal(r[2].called, 0);
	assert_int_equal(r[3].called, 1);
	assert_int_equal(r[3].ok, 1);

	/* freed with work pending: no callback, nothing leaks */
	req = auth_check(c, "slow", "pw", on_done, &r[0]);
	assert_non_null(req);
	assert_non_null(auth_check(c, "fast", "pw", on_done, &r[1]));
	auth_checker_free(c);
	event_base_loop(w.base, EVLOOP_NONBLOCK);
	assert_int_equal(r[0].called, 0);
	assert_int_equal(r[1].called, 0);
	event_base_free(w.base);
}

static void
test_set_users(void **state)
{
	struct auth_checker	*c;
	struct waiter		 w = { NULL, 0, 0 };
	struct result		 r[4];
	char			 h1[512], h2[512], text[1024];
	int			 i;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++)
		r[i].w = &w;
	assert_int_equal(auth_hash_password("one", "sha512", h1, sizeof(h1)),
	    0);
	assert_int_equal(auth_hash_password("two", "sha512", h2, sizeof(h2)),
	    0);
	w.base = event_base_new();
	assert_non_null(w.base);
	c = auth_checker_new(w.base, 2);
	assert_non_null(c);

	/* no users file loaded yet: everyone fails */
	assert_non_null(auth_check(c, "alice", "one", on_done, &r[0]));
	w.outstanding = 1;
	wait_all(&w);
	assert_int_equal(r[0].ok, 0);

	snprintf(text, sizeof(text), "alice:%s\n", h1);
	auth_checker_set_users(c, load_text(text));
	assert_non_null(auth_check(c, "alice", "one", on_done, &r[1]));
	/* swapped while that check may be running: it keeps its set */
	snprintf(text, sizeof(text), "alice:%s\n", h2);
	auth_checker_set_users(c, load_text(text));
	assert_non_null(auth_check(c, "alice", "two", on_done, &r[2]));
	assert_non_null(auth_check(c, "alice", "one", on_done, &r[3]));
	w.outstanding = 3;
	wait_all(&w);
	assert_int_equal(r[1].called, 1);
	assert_int_equal(r[2].ok, 1);
	assert_int_equal(r[3].ok, 0);

	auth_checker_set_users(c, NULL);
	memset(&r[0], 0, sizeof(r[0]));
	r[0].w = &w;
	assert_non_null(auth_check(c, "alice", "two", on_done, &r[0]));
	w.outstanding = 1;
	wait_all(&w);
	assert_int_equal(r[0].called, 1);
	assert_int_equal(r[0].ok, 0);
	auth_checker_free(c);
	event_base_free(w.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_good),
		cmocka_unit_test(test_users_bad),
		cmocka_unit_test(test_users_parse_bounded),
		cmocka_unit_test(test_users_file_refused),
		cmocka_unit_test(test_hash_password_errors),
		cmocka_unit_test(test_dummy_cost),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_set_users),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
