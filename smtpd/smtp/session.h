/*
 * session.h - one SMTP conversation (RFC 5321) from greeting to QUIT,
 * driven by libevent bufferevents.
 */
#ifndef SMSRELAY_SESSION_H
#define SMSRELAY_SESSION_H

#include <sys/socket.h>
#include <event2/util.h>

#include "smtpd/smtp/listen.h"

/* session_start - greet (or refuse) a connection accepted by the listener */
void	session_start(struct listener *, evutil_socket_t, const struct sockaddr *,
	    socklen_t);
/* session_shutdown - 421 to every session but those committing a message */
void	session_shutdown(struct server *);
/* session_close_all - free every remaining session (at exit) */
void	session_close_all(struct server *);

#endif
