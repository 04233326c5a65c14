/*
 * mailbox.c - the one hand-off from worker threads to an event loop: a list
 * under a mutex and an eventfd the loop watches, written only when the list
 * turns non-empty.
 *
 * The loop resets the eventfd before it takes the list, so an item posted
 * after the take wakes it again; at worst it wakes once to an empty list.
 * No lock is held while an item is delivered.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "sms/lib/mailbox.h"

struct mailbox {
	struct event	*ev;
	int		 efd;
	mailbox_cb	*deliver;
	mailbox_cb	*discard;
	void		*arg;

	pthread_mutex_t	 mu;		/* guards the list */
	struct mailbox_item *head;
	struct mailbox_item **tail;
};

/* take - every posted item, oldest first; the mailbox is empty after */
static struct mailbox_item *
take(struct mailbox *mb)
{
	struct mailbox_item	*items;

	pthread_mutex_lock(&mb->mu);
	items = mb->head;
	mb->head = NULL;
	mb->tail = &mb->head;
	pthread_mutex_unlock(&mb->mu);
	return items;
}

/* hand_out - give each of items to cb; cb may free the item it gets */
static void
hand_out(struct mailbox_item *items, mailbox_cb *cb, void *arg)
{
	struct mailbox_item	*item, *next;

	for (item = items; item != NULL; item = next) {
		next = item->next;
		item->next = NULL;
		cb(item, arg);
	}
}

/* reset - the wake-ups so far are consumed */
static void
reset(int efd)
{
	uint64_t	 n;

	/* EAGAIN: nobody wrote since the last reset */
	while (read(efd, &n, sizeof(n)) == -1 && errno == EINTR)
		;
}

/* readable - loop thread: a producer posted to an empty mailbox */
static void
readable(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	mailbox_drain(arg);
}

/* mailbox_new - the eventfd and its event, watched from the start */
struct mailbox *
mailbox_new(struct event_base *base, mailbox_cb *deliver, mailbox_cb *discard,
    void *arg)
{
	struct mailbox	*mb;
	int		 saved;

	if ((mb = calloc(1, sizeof(*mb))) == NULL)
		return NULL;
	mb->deliver = deliver;
	mb->discard = discard;
	mb->arg = arg;
	mb->tail = &mb->head;
	if ((errno = pthread_mutex_init(&mb->mu, NULL)) != 0) {
		free(mb);
		return NULL;
	}
	if ((mb->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		goto fail;
	if ((mb->ev = event_new(base, mb->efd, EV_READ | EV_PERSIST, readable,
	    mb)) == NULL || event_add(mb->ev, NULL) == -1) {
		errno = ENOMEM;
		goto fail;
	}
	return mb;
fail:
	saved = errno;
	mailbox_free(mb);
	errno = saved;
	return NULL;
}

/* mailbox_post - any thread; the eventfd is written outside the lock */
void
mailbox_post(struct mailbox *mb, struct mailbox_item *item)
{
	const uint64_t	 one = 1;
	int		 was_empty;

	item->next = NULL;
	pthread_mutex_lock(&mb->mu);
	was_empty = mb->head == NULL;
	*mb->tail = item;
	mb->tail = &item->next;
	pthread_mutex_unlock(&mb->mu);
	if (!was_empty)
		return;
	/* EAGAIN: the counter is full, the loop wakes anyway; else a bug */
	while (write(mb->efd, &one, sizeof(one)) == -1)
		if (errno != EINTR) {
			if (errno != EAGAIN)
				abort();
			break;
		}
}

/* mailbox_watch - event_add or event_del of the eventfd's event */
int
mailbox_watch(struct mailbox *mb, int on)
{
	if (!on)
		return event_del(mb->ev);
	return event_add(mb->ev, NULL);
}

/* mailbox_drain - reset first: a post after the take must wake us again */
void
mailbox_drain(struct mailbox *mb)
{
	reset(mb->efd);
	hand_out(take(mb), mb->deliver, mb->arg);
}

/* mailbox_free - the producers must be done posting */
void
mailbox_free(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	if (mb->ev != NULL)
		event_free(mb->ev);
	if (mb->efd != -1)
		close(mb->efd);
	hand_out(take(mb), mb->discard, mb->arg);
	pthread_mutex_destroy(&mb->mu);
	free(mb);
}
