/*
 * test_backend_link.c - the link state a backend's thread publishes: what
 * the views print, the time kept while unbound, no torn reads across threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <string.h>

#include <cmocka.h>

#include "sms/transport/backend_link.h"
#include "sms/transport/smpp/pdu.h"

#define FLIPS	200000

/* a backend without a session reads as NONE and prints "-" */
static void
test_none(void **state)
{
	struct backend_link_view	 v;
	char				 out[96];

	(void)state;
	backend_link_read(NULL, &v);
	assert_int_equal(v.state, BACKEND_LINK_NONE);
	backend_link_text(&v, 1000, out, sizeof(out));
	assert_string_equal(out, "-");
	assert_string_equal(backend_link_name(v.state), "-");
}

/* binding, bound, refused with its status, then lost: the words printed */
static void
test_text(void **state)
{
	struct backend_link		 l;
	struct backend_link_view	 v;
	char				 out[96];

	(void)state;
	backend_link_init(&l, BACKEND_LINK_BINDING);
	backend_link_read(&l, &v);
	backend_link_text(&v, v.since + 2, out, sizeof(out));
	assert_string_equal(out, "binding 2s");
	backend_link_unbound(&l, LINK_WHY_REFUSED, SMPP_ESME_RINVPASWD);
	backend_link_read(&l, &v);
	backend_link_text(&v, v.since + 42, out, sizeof(out));
	assert_string_equal(out, "unbound 42s: bind refused ESME_RINVPASWD");
	backend_link_bound(&l);
	backend_link_read(&l, &v);
	assert_int_equal(v.status, 0);
	backend_link_text(&v, v.since - 5, out, sizeof(out));
	assert_string_equal(out, "bound 0s");	/* a clock stepped back */
	backend_link_unbound(&l, LINK_WHY_LOST, 0);
	backend_link_read(&l, &v);
	backend_link_text(&v, v.since + 1, out, sizeof(out));
	assert_string_equal(out, "unbound 1s: session lost");
}

/* unbound again: the time it went down stays, the reason is the latest */
static void
test_since_kept(void **state)
{
	struct backend_link		 l;
	struct backend_link_view	 v;
	char				 out[96];

	(void)state;
	backend_link_init(&l, BACKEND_LINK_BINDING);
	backend_link_unbound(&l, LINK_WHY_CONNECT, 0);
	backend_link_read(&l, &v);
	/* pretend it went down long ago: the word as a thread would store it */
	atomic_store(&l.word, atomic_load(&l.word) - 300);
	backend_link_unbound(&l, LINK_WHY_UNANSWERED, 0);
	backend_link_read(&l, &v);
	backend_link_text(&v, v.since + 300, out, sizeof(out));
	assert_string_equal(out, "unbound 300s: no answer to the bind");
}

/* the writer: bound, refused, lost, over and over */
static void *
flipper(void *arg)
{
	struct backend_link	*l = arg;
	int			 i;

	for (i = 0; i < FLIPS; i++) {
		backend_link_bound(l);
		backend_link_unbound(l, LINK_WHY_REFUSED, SMPP_ESME_RBINDFAIL);
		backend_link_unbound(l, LINK_WHY_LOST, 0);
	}
	return NULL;
}

/* a reader on another thread never sees a state with another's reason */
static void
test_threads(void **state)
{
	struct backend_link		 l;
	struct backend_link_view	 v;
	pthread_t			 tid;
	int				 i, bad = 0;

	(void)state;
	backend_link_init(&l, BACKEND_LINK_BINDING);
	assert_int_equal(pthread_create(&tid, NULL, flipper, &l), 0);
	for (i = 0; i < FLIPS; i++) {
		backend_link_read(&l, &v);
		if (v.state == BACKEND_LINK_BOUND)
			bad += v.why != LINK_WHY_NONE || v.status != 0;
		else if (v.state == BACKEND_LINK_UNBOUND)
			bad += !(v.why == LINK_WHY_REFUSED && v.status ==
			    SMPP_ESME_RBINDFAIL) && !(v.why == LINK_WHY_LOST &&
			    v.status == 0);
		else
			bad += v.state != BACKEND_LINK_BINDING;
	}
	pthread_join(tid, NULL);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_since_kept),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
