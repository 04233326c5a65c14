/*
 * test_held.c - the release-time index of messages kept on disk: order by
 * time then id, lookups and deletes by id, shrinking, a million entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "smtpd/queue/held.h"

static struct held_stub
stub(uint64_t id, uint32_t release)
{
	return (struct held_stub){ .id = id, .release = release,
	    .seg = (uint32_t)id, .off = (uint32_t)(id * 3), .len = 100 };
}

/* pop_all_ordered - pop everything, checking (release, id) never falls */
static size_t
pop_all_ordered(struct held *h)
{
	struct held_stub prev, s;
	size_t		 n = 0;

	while (held_pop(h, &s) == 0) {
		if (n > 0)
			assert_true(prev.release < s.release ||
			    (prev.release == s.release && prev.id < s.id));
		/* the record's place travels with the stub */
		assert_int_equal(s.seg, (uint32_t)s.id);
		prev = s;
		n++;
	}
	return n;
}

static void
test_order_and_ties(void **state)
{
	struct held	 h = { 0 };
	struct held_stub s, a = stub(7, 500), b = stub(3, 500), c = stub(9, 100);

	(void)state;
	assert_null(held_top(&h));
	assert_int_equal(held_pop(&h, &s), -1);
	assert_int_equal(held_push(&h, &a), 0);
	assert_int_equal(held_push(&h, &b), 0);
	assert_int_equal(held_push(&h, &c), 0);
	assert_int_equal(held_top(&h)->id, 9);
	assert_int_equal(held_pop(&h, &s), 0);
	assert_int_equal(s.id, 9);
	/* the same release: the older id (earlier arrival) first */
	assert_int_equal(held_pop(&h, &s), 0);
	assert_int_equal(s.id, 3);
	assert_int_equal(held_pop(&h, &s), 0);
	assert_int_equal(s.id, 7);
	assert_int_equal(h.n, 0);
	held_clear(&h);
}

static void
test_find_and_remove(void **state)
{
	struct held	 h = { 0 };
	struct held_stub s, *f;
	uint64_t	 id;

	(void)state;
	for (id = 1; id <= 1000; id++) {
		s = stub(id, (uint32_t)((id * 7919) % 251));
		assert_int_equal(held_push(&h, &s), 0);
	}
	assert_null(held_find(&h, 5000));
	assert_int_equal(held_remove(&h, 5000, NULL), -1);
	f = held_find(&h, 500);
	assert_non_null(f);
	assert_int_equal(f->release, (500 * 7919) % 251);
	/* a relocated record: the stub's place changes, its order does not */
	f->seg = 500;
	/* every third one deleted, from the middle of the heap too */
	for (id = 3; id <= 1000; id += 3) {
		assert_int_equal(held_remove(&h, id, &s), 0);
		assert_int_equal(s.id, id);
		assert_null(held_find(&h, id));
	}
	for (id = 1; id <= 1000; id++)
		if (id % 3 != 0)
			assert_non_null(held_find(&h, id));
	assert_int_equal(h.n, 1000 - 333);
	assert_int_equal(pop_all_ordered(&h), 1000 - 333);
	/* empty again: the arrays are back to their smallest */
	assert_true(h.cap <= 64 && h.nslots <= 64);
	held_clear(&h);
}

/* a million stubs in a shuffled order come out by release time, then id */
static void
test_million(void **state)
{
	struct held	 h = { 0 };
	struct held_stub s;
	uint64_t	 i, n = 1000000, x = 88172645463325252ull;
	size_t		 held_n;

	(void)state;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* many ties: 86,400 release times for a million ids */
		s = stub(x, (uint32_t)(x % 86400));
		if (held_find(&h, s.id) != NULL)
			continue;
		assert_int_equal(held_push(&h, &s), 0);
	}
	held_n = h.n;
	assert_true(held_n > n - 10);
	assert_int_equal(pop_all_ordered(&h), held_n);
	held_clear(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_find_and_remove),
		cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
