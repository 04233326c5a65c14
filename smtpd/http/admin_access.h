/*
 * admin_access.h - who may see the admin pages (/status, /metrics): loopback
 * clients only, or (http.admin = "users") users of the users file over TLS.
 */
#ifndef SMSRELAY_ADMIN_ACCESS_H
#define SMSRELAY_ADMIN_ACCESS_H

#include <event2/http.h>

#include "conf/conf.h"
#include "smtpd/policy/passwd_check.h"

#define ADMIN_REALM		"smsrelay"
#define ADMIN_AUTH_HEADER_MAX	1024	/* bytes of an Authorization header */

struct admin_access;

/* called on the loop when the client of req may see the page */
typedef void	(*admin_granted_fn)(struct evhttp_request *, void *arg);

/*
 * admin_access_new - the check under c; checker (the AUTH password threads)
 * is needed for http.admin = "users", else may be NULL. NULL: no memory.
 */
struct admin_access *admin_access_new(const struct conf *c,
		    struct auth_checker *checker);
/* admin_access_set_conf - a reloaded file (the mode itself needs a restart) */
void		 admin_access_set_conf(struct admin_access *, const struct conf *);
/*
 * admin_access_check - fn(req, arg) now or once the password is checked
 * on a worker thread; else req is answered 403 (not loopback) or 401 (with
 * WWW-Authenticate) and the refusal logged
 */
void		 admin_access_check(struct admin_access *, struct evhttp_request *,
		    admin_granted_fn fn, void *arg);
/* admin_access_is_loopback - 1 if req's peer is 127.0.0.0/8 or ::1 */
int		 admin_access_is_loopback(struct evhttp_request *);
/*
 * admin_access_free - checks under way are cancelled; after the listener
 * is gone (it has freed their requests)
 */
void		 admin_access_free(struct admin_access *);

#endif
