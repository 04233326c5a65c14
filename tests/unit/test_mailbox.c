/*
 * test_mailbox.c - the thread-to-loop mailbox: many producers and one loop,
 * order kept per producer, wake-ups coalesced (write wrapped to count them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "sms/lib/mailbox.h"

#define PRODUCERS	4
#define PER_PRODUCER	20000
#define WAIT_SECONDS	60	/* a lost wake-up fails instead of hanging */

/* ---- wake-ups: the mailbox's writes to its eventfd, counted ---- */

ssize_t	__real_write(int, const void *, size_t);
ssize_t	__wrap_write(int, const void *, size_t);

static atomic_uint wakeups;

/* __wrap_write - only the mailbox writes in this program */
ssize_t
__wrap_write(int fd, const void *p, size_t n)
{
	atomic_fetch_add(&wakeups, 1);
	return __real_write(fd, p, n);
}

/* ---- the items and the loop's side ---- */

struct note {
	struct mailbox_item	 item;
	unsigned		 producer;
	unsigned		 seq;
};

struct inbox {
	struct event_base	*base;
	unsigned		 delivered;
	unsigned		 discarded;
	unsigned		 expect;
	unsigned		 next_seq[PRODUCERS];
	int			 out_of_order;
	struct mailbox		*mb;
	int			 freed_inside;	/* a note frees another's slot */
};

/* on_note - deliver: in order per producer, each exactly once */
static void
on_note(struct mailbox_item *item, void *arg)
{
	struct inbox	*in = arg;
	struct note	*n = mailbox_entry(item, struct note, item);

	if (n->seq != in->next_seq[n->producer])
		in->out_of_order = 1;
	in->next_seq[n->producer] = n->seq + 1;
	in->delivered++;
	free(n);
	if (in->delivered == in->expect)
		event_base_loopbreak(in->base);
}

/* on_discard - the mailbox was freed with this note in it */
static void
on_discard(struct mailbox_item *item, void *arg)
{
	struct inbox	*in = arg;

	in->discarded++;
	free(mailbox_entry(item, struct note, item));
}

static struct note *
note_new(unsigned producer, unsigned seq)
{
	struct note	*n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->producer = producer;
	n->seq = seq;
	return n;
}

static void
on_timeout(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	fail_msg("timed out: %u of %u delivered",
	    ((struct inbox *)arg)->delivered, ((struct inbox *)arg)->expect);
}

/* run_until_all - the loop until every expected note came */
static void
run_until_all(struct inbox *in)
{
	struct timeval	 tv = { WAIT_SECONDS, 0 };
	struct event	*t = evtimer_new(in->base, on_timeout, in);

	assert_non_null(t);
	evtimer_add(t, &tv);
	while (in->delivered < in->expect)
		assert_int_equal(event_base_loop(in->base, EVLOOP_ONCE), 0);
	event_free(t);
}

static void
inbox_open(struct inbox *in)
{
	memset(in, 0, sizeof(*in));
	in->base = event_base_new();
	assert_non_null(in->base);
	in->mb = mailbox_new(in->base, on_note, on_discard, in);
	assert_non_null(in->mb);
}

static void
inbox_close(struct inbox *in)
{
	mailbox_free(in->mb);
	event_base_free(in->base);
}

/* ---- the producers ---- */

struct producer {
	pthread_t	 tid;
	unsigned	 id;
	struct mailbox	*mb;
};

static void *
produce(void *arg)
{
	struct producer	*p = arg;
	unsigned	 i;

	for (i = 0; i < PER_PRODUCER; i++) {
		mailbox_post(p->mb, &note_new(p->id, i)->item);
		if (i % 1000 == 0)
			sched_yield();
	}
	return NULL;
}

/* test_many_producers - every note once, in each producer's order */
static void
test_many_producers(void **state)
{
	struct producer	 p[PRODUCERS];
	struct inbox	 in;
	unsigned	 i;

	(void)state;
	inbox_open(&in);
	in.expect = PRODUCERS * PER_PRODUCER;
	atomic_store(&wakeups, 0);
	for (i = 0; i < PRODUCERS; i++) {
		p[i].id = i;
		p[i].mb = in.mb;
		assert_int_equal(pthread_create(&p[i].tid, NULL, produce,
		    &p[i]), 0);
	}
	run_until_all(&in);
	for (i = 0; i < PRODUCERS; i++) {
		assert_int_equal(pthread_join(p[i].tid, NULL), 0);
		assert_int_equal(in.next_seq[i], PER_PRODUCER);
	}
	assert_false(in.out_of_order);
	assert_int_equal(in.delivered, PRODUCERS * PER_PRODUCER);
	/* a wake-up only for an empty mailbox: never one per note */
	assert_true(atomic_load(&wakeups) >= 1);
	assert_true(atomic_load(&wakeups) <= in.delivered);
	/* nothing left over */
	assert_int_equal(event_base_loop(in.base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(in.delivered, PRODUCERS * PER_PRODUCER);
	inbox_close(&in);
	assert_int_equal(in.discarded, 0);
}

/* test_coalesced - a burst costs one wake-up and one turn of the loop */
static void
test_coalesced(void **state)
{
	struct inbox	 in;
	unsigned	 i;

	(void)state;
	inbox_open(&in);
	atomic_store(&wakeups, 0);
	for (i = 0; i < 100; i++)
		mailbox_post(in.mb, &note_new(0, i)->item);
	assert_int_equal(atomic_load(&wakeups), 1);
	assert_int_equal(in.delivered, 0);	/* never inside the post */
	in.expect = 100;
	assert_int_equal(event_base_loop(in.base, EVLOOP_ONCE), 0);
	assert_int_equal(in.delivered, 100);

	/* emptied: the next post wakes the loop again */
	mailbox_post(in.mb, &note_new(0, 100)->item);
	assert_int_equal(atomic_load(&wakeups), 2);
	in.expect = 101;
	run_until_all(&in);
	assert_false(in.out_of_order);
	inbox_close(&in);
}

/* test_watch - unwatched, the loop has nothing to wait for; items wait */
static void
test_watch(void **state)
{
	struct inbox	 in;

	(void)state;
	inbox_open(&in);
	assert_int_equal(mailbox_watch(in.mb, 0), 0);
	mailbox_post(in.mb, &note_new(0, 0)->item);
	/* 1: no events at all, the loop returns at once */
	assert_int_equal(event_base_dispatch(in.base), 1);
	assert_int_equal(in.delivered, 0);
	assert_int_equal(mailbox_watch(in.mb, 1), 0);
	in.expect = 1;
	run_until_all(&in);

	/* drain delivers without the loop */
	mailbox_post(in.mb, &note_new(0, 1)->item);
	mailbox_post(in.mb, &note_new(0, 2)->item);
	in.expect = 0;
	mailbox_drain(in.mb);
	assert_int_equal(in.delivered, 3);
	assert_false(in.out_of_order);
	/* the wake-up it consumed does not deliver twice */
	assert_int_equal(event_base_loop(in.base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(in.delivered, 3);
	inbox_close(&in);
}

/* test_free_pending - items never delivered are discarded, none leaks */
static void
test_free_pending(void **state)
{
	struct inbox	 in;
	unsigned	 i;

	(void)state;
	inbox_open(&in);
	for (i = 0; i < 10; i++)
		mailbox_post(in.mb, &note_new(0, i)->item);
	inbox_close(&in);
	assert_int_equal(in.delivered, 0);
	assert_int_equal(in.discarded, 10);
}

/* ---- a deliver callback that posts again is served in a later turn ---- */

static void
on_note_repost(struct mailbox_item *item, void *arg)
{
	struct inbox	*in = arg;
	struct note	*n = mailbox_entry(item, struct note, item);

	in->delivered++;
	if (n->seq < 3) {
		n->seq++;
		mailbox_post(in->mb, &n->item);
		return;
	}
	free(n);
}

static void
test_post_from_deliver(void **state)
{
	struct inbox	 in;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.base = event_base_new();
	assert_non_null(in.base);
	in.mb = mailbox_new(in.base, on_note_repost, on_discard, &in);
	assert_non_null(in.mb);
	mailbox_post(in.mb, &note_new(0, 0)->item);
	assert_int_equal(event_base_loop(in.base, EVLOOP_ONCE), 0);
	assert_int_equal(in.delivered, 1);
	in.expect = 4;
	while (in.delivered < in.expect)
		assert_int_equal(event_base_loop(in.base, EVLOOP_ONCE), 0);
	inbox_close(&in);
	assert_int_equal(in.discarded, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_producers),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_free_pending),
		cmocka_unit_test(test_post_from_deliver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
