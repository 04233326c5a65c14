/*
 * backend_link.h - whether a connection-oriented backend (SMPP) is bound
 * now, published by its thread and read on the main loop without locks.
 */
#ifndef SMSRELAY_BACKEND_LINK_H
#define SMSRELAY_BACKEND_LINK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* BACKEND_LINK_NONE: the backend has no session (HTTP, outbox): "-" */
enum backend_link_state { BACKEND_LINK_NONE, BACKEND_LINK_BINDING,
	BACKEND_LINK_BOUND, BACKEND_LINK_UNBOUND };

/* why a link is unbound */
enum backend_link_why { LINK_WHY_NONE, LINK_WHY_CONNECT, LINK_WHY_REFUSED,
	LINK_WHY_UNANSWERED, LINK_WHY_LOST };

/*
 * One word holds state, reason, bind status and since, so a reader never
 * pairs the state of one change with the time of another.
 */
struct backend_link {
	_Atomic uint64_t	 word;
};

/* what a reader gets: since is epoch seconds the state began */
struct backend_link_view {
	enum backend_link_state	 state;
	enum backend_link_why	 why;
	uint32_t		 status;	/* LINK_WHY_REFUSED: bind status */
	int64_t			 since;
};

/* backend_link_init - state st since now, before any thread reads it */
void		 backend_link_init(struct backend_link *, enum backend_link_state);
/*
 * backend_link_bound, _unbound - the session is bound now; it is not (why,
 * status: the SMSC's answer to the bind). Unbound again keeps the time
 * the link went down and takes the latest reason.
 */
void		 backend_link_bound(struct backend_link *);
void		 backend_link_unbound(struct backend_link *,
		    enum backend_link_why, uint32_t status);
/* backend_link_read - the state now; NONE for a NULL link */
void		 backend_link_read(const struct backend_link *,
		    struct backend_link_view *);
/* backend_link_name - "bound", "binding", "unbound", "-" */
const char	*backend_link_name(enum backend_link_state);
/* backend_link_reason - "bind refused ESME_RINVPASWD", "" if none */
void		 backend_link_reason(const struct backend_link_view *,
		    char *out, size_t len);
/* backend_link_text - "unbound 42s: bind refused ESME_RINVPASWD", "-" */
void		 backend_link_text(const struct backend_link_view *,
		    int64_t now, char *out, size_t len);

#endif
