/*
 * test_state.c - the shared-state interface on the in-process store: each
 * operation as Redis answers it, expiry on a clock the test moves, answers
 * only from the loop, cancellation, the memory bound and the sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>

#include "smtpd/state/shared_state.h"

#define MANY	100000

static uint64_t	 clock_ms = 1000000;	/* the test's clock */
static int	 in_callback;		/* a callback is running */

static uint64_t
test_clock(void *arg)
{
	(void)arg;
	return clock_ms;
}

/* what one callback got */
struct got {
	int		 called;
	struct state_reply r;
	char		 value[STATE_VALUE_MAX + 1];
};

/* on_reply - keep the reply; never inside another callback or a call */
static void
on_reply(void *arg, const struct state_reply *r)
{
	struct got	*g = arg;

	assert_false(in_callback);
	in_callback = 1;
	g->called++;
	g->r = *r;
	if (r->value != NULL) {
		assert_true(r->len <= STATE_VALUE_MAX);
		assert_int_equal(r->value[r->len], '\0');
		memcpy(g->value, r->value, r->len + 1);
		g->r.value = g->value;
	}
	in_callback = 0;
}

struct fixture {
	struct event_base	*base;
	struct shared_state	*st;
};

static int
setup(void **state)
{
	static struct fixture	 f;
	struct state_local_conf	 conf = { 0, 10, test_clock, NULL };

	f.base = event_base_new();
	if (f.base == NULL)
		return -1;
	if ((f.st = state_local_new(f.base, &conf)) == NULL)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	state_free(f->st);
	event_base_free(f->base);
	return 0;
}

/* answer - one turn of the loop: what was asked before it is answered */
static void
answer(struct fixture *f)
{
	/* 1: nothing was pending at all */
	assert_in_range(event_base_loop(f->base, EVLOOP_ONCE), 0, 1);
}

/* ask_* - one operation, waited for; its reply in *g */
static void
ask_incr(struct fixture *f, const char *key, int64_t by, uint64_t window,
    struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_non_null(state_incr(f->st, key, by, window, on_reply, g));
	assert_int_equal(g->called, 0);		/* never inside the call */
	answer(f);
	assert_int_equal(g->called, 1);
}

static void
ask_set_nx(struct fixture *f, const char *key, const char *value, size_t len,
    uint64_t ttl, struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_non_null(state_set_nx(f->st, key, value, len, ttl, on_reply, g));
	assert_int_equal(g->called, 0);
	answer(f);
	assert_int_equal(g->called, 1);
}

static void
ask_get(struct fixture *f, const char *key, struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_non_null(state_get(f->st, key, on_reply, g));
	assert_int_equal(g->called, 0);
	answer(f);
	assert_int_equal(g->called, 1);
}

static void
ask_del(struct fixture *f, const char *key, struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_non_null(state_del(f->st, key, on_reply, g));
	assert_int_equal(g->called, 0);
	answer(f);
	assert_int_equal(g->called, 1);
}

/* test_incr - INCRBY from 0; the first increment opens the window */
static void
test_incr(void **state)
{
	struct fixture	*f = *state;
	struct got	 g;

	ask_incr(f, "rl:user:clerk", 1, 60000, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, 1);
	assert_int_equal(g.r.ttl_ms, 60000);
	clock_ms += 20000;
	ask_incr(f, "rl:user:clerk", 4, 60000, &g);
	assert_int_equal(g.r.n, 5);
	assert_int_equal(g.r.ttl_ms, 40000);	/* not pushed back */
	ask_incr(f, "rl:user:clerk", -2, 60000, &g);
	assert_int_equal(g.r.n, 3);
	ask_get(f, "rl:user:clerk", &g);
	assert_int_equal(g.r.n, 1);
	assert_string_equal(g.r.value, "3");	/* in decimal, as Redis */
	assert_int_equal(g.r.len, 1);

	/* the window ends exactly at its time: a new one starts */
	clock_ms += 39999;
	ask_incr(f, "rl:user:clerk", 1, 60000, &g);
	assert_int_equal(g.r.n, 4);
	assert_int_equal(g.r.ttl_ms, 1);
	clock_ms += 1;
	ask_incr(f, "rl:user:clerk", 1, 60000, &g);
	assert_int_equal(g.r.n, 1);
	assert_int_equal(g.r.ttl_ms, 60000);

	/* no window: no expiry */
	ask_incr(f, "rl:forever", 7, 0, &g);
	assert_int_equal(g.r.n, 7);
	assert_int_equal(g.r.ttl_ms, 0);
	clock_ms += 86400000ULL * 365;
	ask_incr(f, "rl:forever", 1, 0, &g);
	assert_int_equal(g.r.n, 8);
}

/* test_incr_of_value - a value INCR reads as a number, or refuses */
static void
test_incr_of_value(void **state)
{
	struct fixture	*f = *state;
	struct got	 g;

	ask_set_nx(f, "n:12", "12", 2, 0, &g);
	ask_incr(f, "n:12", 1, 0, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, 13);
	ask_set_nx(f, "n:-4", "-4", 2, 0, &g);
	ask_incr(f, "n:-4", 4, 0, &g);
	assert_int_equal(g.r.n, 0);
	/* what Redis' INCR refuses */
	ask_set_nx(f, "n:abc", "abc", 3, 0, &g);
	ask_set_nx(f, "n:plus", "+1", 2, 0, &g);
	ask_set_nx(f, "n:space", " 1", 2, 0, &g);
	ask_set_nx(f, "n:lead0", "01", 2, 0, &g);
	ask_set_nx(f, "n:empty", "", 0, 0, &g);
	ask_set_nx(f, "n:big", "9223372036854775808", 19, 0, &g);
	ask_incr(f, "n:abc", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	ask_incr(f, "n:plus", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	ask_incr(f, "n:space", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	ask_incr(f, "n:lead0", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	ask_incr(f, "n:empty", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	ask_incr(f, "n:big", 1, 0, &g);
	assert_int_equal(g.r.error, EINVAL);
	/* a refused increment leaves the value as it was */
	ask_get(f, "n:abc", &g);
	assert_string_equal(g.r.value, "abc");
	/* overflow is refused, the count stays */
	ask_set_nx(f, "n:max", "9223372036854775807", 19, 0, &g);
	ask_incr(f, "n:max", 1, 0, &g);
	assert_int_equal(g.r.error, EOVERFLOW);
	ask_incr(f, "n:max", -7, 0, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, INT64_MAX - 7);
	/* a key set without expiry gets the window at its first INCR (NX) */
	ask_set_nx(f, "n:3", "3", 1, 0, &g);
	ask_incr(f, "n:3", 1, 5000, &g);
	assert_int_equal(g.r.n, 4);
	assert_int_equal(g.r.ttl_ms, 5000);
	clock_ms += 5000;
	ask_get(f, "n:3", &g);
	assert_int_equal(g.r.n, 0);
}

/* test_set_nx_get_del - SET NX PX, GET, DEL with expiry */
static void
test_set_nx_get_del(void **state)
{
	struct fixture	*f = *state;
	static const char bin[] = "0660F81A4616D400.1\0tail";
	struct got	 g;

	ask_set_nx(f, "pid:twilio:SM12", bin, sizeof(bin) - 1, 172800000, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, 1);
	/* a second set does not replace it, nor its expiry */
	ask_set_nx(f, "pid:twilio:SM12", "other", 5, 0, &g);
	assert_int_equal(g.r.n, 0);
	ask_get(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 1);
	assert_int_equal(g.r.len, sizeof(bin) - 1);
	assert_memory_equal(g.r.value, bin, sizeof(bin) - 1);
	clock_ms += 172800000 - 1;
	ask_get(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 1);
	clock_ms += 1;
	ask_get(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 0);
	assert_null(g.r.value);
	/* gone: it can be set again */
	ask_set_nx(f, "pid:twilio:SM12", "x", 1, 0, &g);
	assert_int_equal(g.r.n, 1);

	ask_del(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 1);
	ask_del(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 0);
	ask_get(f, "pid:twilio:SM12", &g);
	assert_int_equal(g.r.n, 0);
	/* an expired key is not there to delete */
	ask_set_nx(f, "dup:abc", "", 0, 1000, &g);
	clock_ms += 1000;
	ask_del(f, "dup:abc", &g);
	assert_int_equal(g.r.n, 0);
	/* an empty value is a value */
	ask_set_nx(f, "optout:+491701234567", "", 0, 0, &g);
	ask_get(f, "optout:+491701234567", &g);
	assert_int_equal(g.r.n, 1);
	assert_int_equal(g.r.len, 0);
	assert_string_equal(g.r.value, "");
	assert_int_equal(state_local_keys(f->st), 1);
}

/* test_bad_arguments - refused in the call, and then no callback */
static void
test_bad_arguments(void **state)
{
	struct fixture	*f = *state;
	char		 longkey[STATE_KEY_MAX + 2];
	static char	 big[STATE_VALUE_MAX + 1];
	struct got	 g, refused;

	memset(&refused, 0, sizeof(refused));
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	errno = 0;
	assert_null(state_incr(f->st, "", 1, 0, on_reply, &refused));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(state_get(f->st, longkey, on_reply, &refused));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(state_del(f->st, NULL, on_reply, &refused));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(state_set_nx(f->st, "k", big, sizeof(big), 0, on_reply,
	    &refused));
	assert_int_equal(errno, EINVAL);
	/* the longest key and value are fine */
	longkey[STATE_KEY_MAX] = '\0';
	ask_set_nx(f, longkey, big, STATE_VALUE_MAX, 0, &g);
	assert_int_equal(g.r.n, 1);
	ask_get(f, longkey, &g);
	assert_int_equal(g.r.len, STATE_VALUE_MAX);
	/* turns have gone by: the refused ones never answer */
	assert_int_equal(refused.called, 0);
}

/* chained: a callback that asks again, and cancels a sibling */
struct chain {
	struct fixture	*f;
	int		 steps;
	int		 turns_seen;
	struct state_req *sibling;
	struct got	 last;
};

static void
on_chain(void *arg, const struct state_reply *r)
{
	struct chain	*c = arg;

	assert_false(in_callback);
	in_callback = 1;
	c->steps++;
	c->last.r = *r;
	state_cancel(c->sibling);
	c->sibling = NULL;
	if (c->steps < 3)
		assert_non_null(state_incr(c->f->st, "chain", 1, 0, on_chain,
		    c));
	in_callback = 0;
}

/*
 * test_not_reentrant - answers come from the loop only, one turn at a
 * time; a request asked for inside a callback is answered on a later turn
 */
static void
test_not_reentrant(void **state)
{
	struct fixture	*f = *state;
	struct chain	 c = { f, 0, 0, NULL, { 0 } };
	struct got	 cancelled, kept;

	memset(&cancelled, 0, sizeof(cancelled));
	memset(&kept, 0, sizeof(kept));
	assert_non_null(state_incr(f->st, "chain", 1, 0, on_chain, &c));
	/* asked after it, answered in the same turn: cancelled by it */
	c.sibling = state_get(f->st, "chain", on_reply, &cancelled);
	assert_non_null(c.sibling);
	assert_non_null(state_get(f->st, "chain", on_reply, &kept));
	assert_int_equal(c.steps, 0);
	answer(f);
	assert_int_equal(c.steps, 1);
	assert_int_equal(cancelled.called, 0);
	assert_int_equal(kept.called, 1);
	answer(f);
	assert_int_equal(c.steps, 2);
	answer(f);
	assert_int_equal(c.steps, 3);
	assert_int_equal(c.last.r.n, 3);
	answer(f);
	assert_int_equal(c.steps, 3);

	/* cancelled before its turn: never called, still carried out */
	memset(&kept, 0, sizeof(kept));
	state_cancel(state_incr(f->st, "chain", 10, 0, on_reply, &kept));
	answer(f);
	assert_int_equal(kept.called, 0);
	ask_get(f, "chain", &kept);
	assert_string_equal(kept.r.value, "13");
}

/* test_many_keys - a hundred thousand keys, each found again */
static void
test_many_keys(void **state)
{
	struct fixture	*f = *state;
	static struct got g[64];
	char		 key[32], value[32];
	size_t		 i, j;

	for (i = 0; i < MANY; i += 64) {
		for (j = 0; j < 64 && i + j < MANY; j++) {
			snprintf(key, sizeof(key), "dup:%zu", i + j);
			snprintf(value, sizeof(value), "v%zu", (i + j) * 7);
			g[j].called = 0;
			assert_non_null(state_set_nx(f->st, key, value,
			    strlen(value), (i + j) % 2 ? 1000 : 0, on_reply,
			    &g[j]));
		}
		answer(f);
		for (j = 0; j < 64 && i + j < MANY; j++) {
			assert_int_equal(g[j].called, 1);
			assert_int_equal(g[j].r.n, 1);
		}
	}
	assert_int_equal(state_local_keys(f->st), MANY);
	for (i = 0; i < MANY; i += 997) {
		snprintf(key, sizeof(key), "dup:%zu", i);
		snprintf(value, sizeof(value), "v%zu", i * 7);
		ask_get(f, key, &g[0]);
		assert_string_equal(g[0].r.value, value);
	}
	/* the odd ones expire: looked up, they are gone */
	clock_ms += 1000;
	ask_get(f, "dup:1", &g[0]);
	assert_int_equal(g[0].r.n, 0);
	ask_get(f, "dup:2", &g[0]);
	assert_int_equal(g[0].r.n, 1);
}

static void
on_sweep_done(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	event_base_loopbreak(arg);
}

/*
 * test_bound_and_sweep - a store at its memory bound refuses new keys
 * with ENOSPC until expired ones are swept; the timer sweeps them and
 * stops, leaving the loop nothing to wait for
 */
static void
test_bound_and_sweep(void **state)
{
	struct fixture		*f = *state;
	struct state_local_conf	 conf = { 16 * 1024, 10, test_clock, NULL };
	struct shared_state	*st = state_local_new(f->base, &conf);
	struct shared_state	*keep = f->st;
	struct timeval		 tv = { 0, 100000 };
	struct event		*stop;
	struct got		 g;
	char			 key[32];
	size_t			 n;

	assert_non_null(st);
	f->st = st;
	for (n = 0; n < 100000; n++) {
		snprintf(key, sizeof(key), "rl:client:%zu", n);
		ask_incr(f, key, 1, 60000, &g);
		if (g.r.error != 0)
			break;
	}
	assert_int_equal(g.r.error, ENOSPC);
	assert_true(n > 50);
	assert_int_equal(state_local_keys(st), n);
	/* a key already there still counts */
	ask_incr(f, "rl:client:0", 1, 60000, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, 2);

	/* once they expire, a new key makes room by sweeping */
	clock_ms += 60000;
	ask_incr(f, "rl:client:new", 1, 60000, &g);
	assert_int_equal(g.r.error, 0);
	assert_int_equal(g.r.n, 1);

	/* the timer sweeps the rest, then stops */
	clock_ms += 60000;
	stop = evtimer_new(f->base, on_sweep_done, f->base);
	assert_non_null(stop);
	evtimer_add(stop, &tv);
	assert_int_equal(event_base_dispatch(f->base), 0);
	event_free(stop);
	assert_int_equal(state_local_keys(st), 0);
	/* 1: no event left, not even the sweep's timer */
	assert_int_equal(event_base_loop(f->base, EVLOOP_NONBLOCK), 1);

	f->st = keep;
	state_free(st);
}

/* test_free_pending - answers never given go with the store, unheard */
static void
test_free_pending(void **state)
{
	struct fixture	*f = *state;
	struct shared_state *st = state_local_new(f->base, NULL);
	struct got	 g;

	assert_non_null(st);
	memset(&g, 0, sizeof(g));
	assert_non_null(state_set_nx(st, "a", "1", 1, 1000, on_reply, &g));
	assert_non_null(state_incr(st, "b", 1, 0, on_reply, &g));
	assert_non_null(state_get(st, "a", on_reply, &g));
	state_free(st);
	answer(f);
	assert_int_equal(g.called, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incr_of_value, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_nx_get_del, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_reentrant, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bound_and_sweep, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_free_pending, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
