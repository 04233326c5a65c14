/*
 * test_route.c - the pure parts of routing: the token bucket's arithmetic,
 * the circuit breaker's states, and the choice of a route per SMS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sms/transport/route/breaker.h"
#include "sms/transport/route/bucket.h"
#include "sms/transport/route/route_table.h"

#define SEC	1000000ULL

/* a steady sender gets exactly rate parts per second after the burst */
static void
test_bucket_rate(void **state)
{
	struct bucket	 bk;
	uint64_t	 now = 5 * SEC, wait;
	unsigned	 sent = 0;

	(void)state;
	bucket_init(&bk, 200, 20, now);
	/* the burst goes at once, the next part waits 1/200 s */
	while (bucket_take(&bk, 1, now) == 0)
		sent++;
	assert_int_equal(sent, 20);
	assert_int_equal(bucket_take(&bk, 1, now), 5000);
	/* ten seconds of a sender that goes whenever it may: 2000 more */
	while (now < 15 * SEC) {
		if ((wait = bucket_take(&bk, 1, now)) == 0)
			sent++;
		else
			now += wait;
	}
	assert_in_range(sent, 2019, 2021);
}

/* an SMS of more parts than the burst goes when full and leaves a debt */
static void
test_bucket_debt(void **state)
{
	struct bucket	 bk;

	(void)state;
	bucket_init(&bk, 10, 2, 0);
	assert_int_equal(bucket_take(&bk, 5, 0), 0);
	/* 3 parts of debt plus one to take: 4 parts at 10/s */
	assert_int_equal(bucket_take(&bk, 1, 0), 400000);
	assert_int_equal(bucket_take(&bk, 1, 400000), 0);
	/* a part given back fills the bucket again, never above the burst */
	bucket_give_back(&bk, 7);
	assert_int_equal(bucket_take(&bk, 2, 400000), 0);
	assert_int_not_equal(bucket_take(&bk, 1, 400000), 0);
}

/* rate 0: no limit; a long idle time fills the bucket without overflow */
static void
test_bucket_idle(void **state)
{
	struct bucket	 bk;
	int		 i;

	(void)state;
	bucket_init(&bk, 0, 0, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(bucket_take(&bk, 10, 0), 0);
	bucket_init(&bk, 100000, 3, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(bucket_take(&bk, 1, 0), 0);
	assert_int_not_equal(bucket_take(&bk, 1, 0), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(bucket_take(&bk, 1, UINT64_MAX / 2), 0);
	assert_int_not_equal(bucket_take(&bk, 1, UINT64_MAX / 2), 0);
}

/* down after N failures in a row; one probe; the wait doubles, capped */
static void
test_breaker(void **state)
{
	struct breaker	 br;
	bool		 probe;
	int		 i;

	(void)state;
	breaker_init(&br, 3, 10);
	assert_false(breaker_failed(&br, 100));
	assert_false(breaker_answered(&br));	/* resets the count */
	assert_false(breaker_failed(&br, 100));
	assert_false(breaker_failed(&br, 100));
	assert_true(breaker_failed(&br, 100));
	assert_int_equal(br.state, BREAKER_DOWN);
	assert_false(breaker_admit(&br, 109, &probe));
	assert_true(breaker_admit(&br, 110, &probe));
	assert_true(probe);
	/* while the probe is out, nothing else goes */
	assert_false(breaker_admit(&br, 110, &probe));
	assert_true(breaker_failed(&br, 111));
	assert_int_equal(br.until, 131);
	for (i = 0; i < 10; i++) {
		assert_true(breaker_admit(&br, br.until, &probe));
		assert_true(breaker_failed(&br, br.until));
	}
	assert_int_equal(br.wait, 10 * BREAKER_MAX_FACTOR);
	assert_true(breaker_admit(&br, br.until, &probe));
	assert_true(breaker_answered(&br));
	assert_int_equal(br.state, BREAKER_UP);
	assert_int_equal(br.wait, 10);
	assert_true(breaker_admit(&br, 0, &probe));
	assert_false(probe);
}

/* down_after = 0: never down */
static void
test_breaker_never(void **state)
{
	struct breaker	 br;
	int		 i;

	(void)state;
	breaker_init(&br, 0, 10);
	for (i = 0; i < 100; i++)
		assert_false(breaker_failed(&br, 0));
	assert_int_equal(br.state, BREAKER_UP);
	assert_int_equal(br.failures, 100);
}

static struct backend_conf three[] = {
	{ .name = "smsc1" }, { .name = "twilio" }, { .name = "spare" },
};

/* route_of - index of the route picked, -1 for none */
static long
route_of(const struct route_table *t, const char *to, const char *sender)
{
	const struct route *rt = route_table_pick(t, to, sender);

	return rt != NULL ? (long)(rt - t->routes) : -1;
}

/* longest prefix first, then an address before a domain before anyone */
static void
test_route_pick(void **state)
{
	char *p49[] = { "+49", "+43" }, *p4917[] = { "+4917" };
	char *acme[] = { "@acme.example" }, *boss[] = { "boss@acme.example" };
	char *b01[] = { "smsc1", "twilio" }, *b1[] = { "twilio" };
	char *b2[] = { "spare" }, *b21[] = { "spare", "twilio" };
	struct route_conf routes[] = {
		{ .backends = b2, .nbackends = 1 },			/* 0 */
		{ .prefixes = p49, .nprefixes = 2, .backends = b01,
		  .nbackends = 2 },					/* 1 */
		{ .prefixes = p4917, .nprefixes = 1, .backends = b1,
		  .nbackends = 1 },					/* 2 */
		{ .prefixes = p49, .nprefixes = 2, .senders = acme,
		  .nsenders = 1, .backends = b21, .nbackends = 2 },	/* 3 */
		{ .senders = boss, .nsenders = 1, .backends = b1,
		  .nbackends = 1 },					/* 4 */
	};
	struct conf		 c = { .backends = three, .nbackends = 3,
	    .routes = routes, .nroutes = 5 };
	struct route_table	*t;
	char			 err[128];

	(void)state;
	assert_non_null(t = route_table_new(&c, err, sizeof(err)));
	assert_int_equal(route_of(t, "+4930123", "a@b.example"), 1);
	assert_int_equal(t->routes[1].nbackends, 2);
	assert_int_equal(t->routes[1].backends[0], 0);
	assert_int_equal(t->routes[1].backends[1], 1);
	assert_int_equal(route_of(t, "+4317012", "a@b.example"), 1);
	assert_int_equal(route_of(t, "+4917012", "a@b.example"), 2);
	/* the longer prefix wins over the sender */
	assert_int_equal(route_of(t, "+4917012", "x@ACME.example"), 2);
	assert_int_equal(route_of(t, "+4930123", "x@ACME.example"), 3);
	assert_int_equal(t->routes[3].backends[0], 2);
	assert_int_equal(route_of(t, "+4930123", NULL), 1);
	assert_int_equal(route_of(t, "+4930123", ""), 1);
	assert_int_equal(route_of(t, "+3312345", "boss@acme.example"), 4);
	assert_int_equal(route_of(t, "+3312345", "x@acme.example"), 0);
	route_table_free(t);

	/* no default route: nothing for other numbers */
	c.routes = routes + 1;
	c.nroutes = 1;
	assert_non_null(t = route_table_new(&c, err, sizeof(err)));
	assert_int_equal(route_of(t, "+3312345", "a@b.example"), -1);
	route_table_free(t);
}

/* no routes: one route of every backend in order; unknown names refused */
static void
test_route_default(void **state)
{
	char *bad[] = { "smsc1", "nosuch" };
	struct route_conf	 r = { .backends = bad, .nbackends = 2 };
	struct conf		 c = { .backends = three, .nbackends = 3 };
	struct route_table	*t;
	char			 err[128];

	(void)state;
	assert_non_null(t = route_table_new(&c, err, sizeof(err)));
	assert_int_equal(t->nroutes, 1);
	assert_int_equal(t->routes[0].nbackends, 3);
	assert_int_equal(t->routes[0].backends[2], 2);
	assert_int_equal(route_of(t, "+12025550100", NULL), 0);
	route_table_free(t);

	/* the single backend = { } is the route "default" */
	c.nbackends = 0;
	assert_non_null(t = route_table_new(&c, err, sizeof(err)));
	assert_int_equal(t->routes[0].nbackends, 1);
	route_table_free(t);

	c.nbackends = 3;
	c.routes = &r;
	c.nroutes = 1;
	assert_null(route_table_new(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "\"nosuch\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_rate),
		cmocka_unit_test(test_bucket_debt),
		cmocka_unit_test(test_bucket_idle),
		cmocka_unit_test(test_breaker),
		cmocka_unit_test(test_breaker_never),
		cmocka_unit_test(test_route_pick),
		cmocka_unit_test(test_route_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
