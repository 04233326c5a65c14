/*
 * passwd_check.h - AUTH passwords checked against the users file on worker
 * threads, the answer delivered on the event loop; a check can be cancelled.
 */
#ifndef SMSRELAY_PASSWD_CHECK_H
#define SMSRELAY_PASSWD_CHECK_H

#include <event2/event.h>

#include "smtpd/policy/users_file.h"

struct auth_checker;
struct auth_request;

/* auth_checker_new - nthreads workers that report back on base's loop */
struct auth_checker *auth_checker_new(struct event_base *base, unsigned nthreads);
/* auth_checker_free - joins the workers; pending callbacks are not called */
void	 auth_checker_free(struct auth_checker *);
/* auth_checker_set_users - use these users from now on (takes ownership;
 * checks already running finish against the old set) */
void	 auth_checker_set_users(struct auth_checker *, struct auth_users *);

/* called on the loop thread: ok 1 if the password matches the user's hash */
typedef void auth_done_cb(void *arg, int ok);

/*
 * auth_check - compare password with user's hash on a worker thread; the
 * strings are copied (and the copy of the password wiped afterwards). An
 * unknown user costs as much as a known one. NULL if out of memory.
 */
struct auth_request *auth_check(struct auth_checker *, const char *user,
	    const char *password, auth_done_cb *cb, void *arg);
/* auth_cancel - the session went away: the callback will not be called */
void	 auth_cancel(struct auth_request *);

#endif
