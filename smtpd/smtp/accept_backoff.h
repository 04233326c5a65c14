/*
 * accept_backoff.h - a listener out of file handles stops accepting for a
 * growing pause instead of spinning on EMFILE; one log line per pause.
 */
#ifndef SMSRELAY_ACCEPT_BACKOFF_H
#define SMSRELAY_ACCEPT_BACKOFF_H

#include <event2/event.h>
#include <event2/listener.h>

struct accept_backoff {
	struct evconnlistener	*l;
	struct event		*timer;
	const char		*name;		/* for the log: "smtp 127.0.0.1:25" */
	unsigned		 pauses;	/* in a row, since the last accept */
};

/* accept_backoff_init - watch l's accept errors; -1 if out of memory */
int	 accept_backoff_init(struct accept_backoff *, struct event_base *,
	    struct evconnlistener *, const char *name);
/* accept_backoff_error - the error callback's work: pause or log */
void	 accept_backoff_error(struct accept_backoff *);
/* accept_backoff_ok - a connection was accepted: the pauses are over */
void	 accept_backoff_ok(struct accept_backoff *);
void	 accept_backoff_free(struct accept_backoff *);

#endif
