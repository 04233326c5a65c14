/*
 * mailbox.h - items handed from any thread to one event loop: a producer
 * posts, the loop's callback receives them in order; a burst costs one wake-up.
 */
#ifndef SMSRELAY_MAILBOX_H
#define SMSRELAY_MAILBOX_H

#include <stddef.h>

struct event_base;

/* the link an item embeds: no allocation when posting, so posting never fails */
struct mailbox_item {
	struct mailbox_item	*next;
};

/* mailbox_entry - the struct of type that embeds item as member */
#define mailbox_entry(item, type, member) \
	((type *)(void *)((char *)(item) - offsetof(type, member)))

/* called on the loop's thread, once per item, outside the mailbox's lock */
typedef void mailbox_cb(struct mailbox_item *, void *arg);

struct mailbox;

/*
 * mailbox_new - a mailbox read on base's loop: deliver gets each posted
 * item, discard each one still in it when it is freed. Watching from the
 * start. NULL with errno.
 */
struct mailbox	*mailbox_new(struct event_base *base, mailbox_cb *deliver,
		    mailbox_cb *discard, void *arg);
/*
 * mailbox_post - from any thread: append item; the loop is woken only when
 * the mailbox was empty.
 */
void		 mailbox_post(struct mailbox *, struct mailbox_item *);
/*
 * mailbox_watch - loop thread: whether the loop watches for items (on: 1).
 * Items posted meanwhile wait; a loop with nothing else to watch returns.
 * -1 if the event cannot be added.
 */
int		 mailbox_watch(struct mailbox *, int on);
/* mailbox_drain - loop thread: deliver now what has been posted */
void		 mailbox_drain(struct mailbox *);
/* mailbox_free - the items still in it go to discard; not from deliver */
void		 mailbox_free(struct mailbox *);

#endif
