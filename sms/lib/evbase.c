/*
 * evbase.c - the event loops of the daemon (the SMTP loop, the backend's):
 * epoll with a changelist, so no socket's interest costs two syscalls a turn.
 */
#include "sms/lib/evbase.h"

/*
 * evbase_new - epoll with a changelist: a socket whose interest changes
 * twice within one loop turn costs no epoll_ctl at all (no fd is dup()ed,
 * the case the changelist gets wrong).
 */
struct event_base *
evbase_new(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}
