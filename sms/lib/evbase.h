/*
 * evbase.h - the event loops of the daemon (the SMTP loop, the backend's) are
 * made one way.
 */
#ifndef SMSRELAY_EVBASE_H
#define SMSRELAY_EVBASE_H

#include <event2/event.h>

/* evbase_new - a new event_base, NULL on failure */
struct event_base	*evbase_new(void);

#endif
