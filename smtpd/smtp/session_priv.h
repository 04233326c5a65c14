/*
 * session_priv.h - what the session's parts share inside smtpd/: the
 * connection and transaction structs, the states, and the reply helpers.
 */
#ifndef SMSRELAY_SESSION_PRIV_H
#define SMSRELAY_SESSION_PRIV_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "smtpd/intake/check.h"
#include "smtpd/intake/tx.h"
#include "smtpd/policy/passwd_check.h"
#include "smtpd/smtp/listen.h"
#include "smtpd/smtp/parse.h"

#define CMD_LINE_MAX	1000	/* RFC 5321 4.5.3.1.4 text line, with CRLF */
#define AUTH_LINE_MAX	12288	/* RFC 4954 4: AUTH lines, with CRLF */
#define LINE_MAX_ANY	AUTH_LINE_MAX	/* the longest line of any kind */
#define SMTP_VERB_MAX	8	/* letters of the longest verb, STARTTLS */
#define HELO_MAX	255

enum smtp_state {
	S_PROXY,		/* waiting for the PROXY v2 header */
	S_GREETING,		/* greet pause: the client must stay silent */
	S_CONNECTED,		/* greeted, waiting for HELO/EHLO */
	S_HELO,			/* between transactions */
	S_AUTH,			/* AUTH exchange: the next line is a SASL response */
	S_AUTH_CHECK,		/* password hash being checked off the loop */
	S_MAIL,			/* MAIL accepted */
	S_RCPT,			/* at least one RCPT accepted */
	S_BODY,			/* DATA content streaming in */
	S_BDAT,			/* a BDAT chunk streaming in */
	S_CHECK,		/* a policy check waits for its answer */
	S_COMMIT,		/* message handed to the queue, 250 pending */
	S_QUIT,			/* closing once the output is flushed */
};

enum auth_step { AUTH_PLAIN_RESPONSE, AUTH_LOGIN_USER, AUTH_LOGIN_PASS };

/* what the session's deadline is waiting for (deadlines never move back) */
enum session_wait {
	WAIT_NONE,		/* the server is working: no deadline */
	WAIT_PROXY,		/* the PROXY header, from accept */
	WAIT_TLS,		/* the whole TLS handshake */
	WAIT_COMMAND,		/* one whole command line */
	WAIT_DATA,		/* message content at the minimum rate */
	WAIT_CLOSE,		/* the last replies going out */
};

struct session {
	struct server		*srv;
	const struct listener	*lst;
	struct bufferevent	*bev;
	struct evbuffer		*out;		/* replies not yet handed on */
	evutil_socket_t		 fd;
	int			 tls;		/* the bufferevent is TLS */
	int			 tls_pending;	/* STARTTLS said 220: switch */
	struct event		*timer;		/* greet pause, error delay */
	struct event		*deadline;	/* of the request under way */
	enum session_wait	 wait;		/* what the deadline is for */
	struct event		*proxy_ev;	/* reading the PROXY header */
	unsigned char		*proxy_buf;	/* its bytes so far */
	size_t			 proxy_have;
	size_t			 proxy_need;	/* its length, as far as known */
	int			 tls_up;	/* the TLS handshake is done */
	int			 out_blocked;	/* replies pile up: not reading */
	uint64_t		 rx_bytes;	/* received, all told */
	uint64_t		 data_rx0;	/* rx_bytes when the content began */
	uint64_t		 data_start_ms;
	uint64_t		 rx_last_ms;	/* the last byte of content */
	struct sockaddr_storage	 ss;
	char			 addr[INET6_ADDRSTRLEN];
	uint64_t		 sid;
	enum smtp_state		 state;
	char			 helo[HELO_MAX + 1];
	int			 esmtp;
	unsigned		 errors;
	int			 hold;		/* replies wait for the error delay */
	int			 discarding;	/* skipping an over-long line */
	int			 relay_ok;	/* client address may send through us */
	int			 counted;	/* in the per-client count */
	int			 freed_later;	/* closed while the queue works */
	int			 eof;		/* the client will send no more */
	char			*user;		/* authenticated as */
	enum auth_step		 auth_step;
	char			 auth_user[AUTH_USER_MAX + 1];
	struct auth_request	*auth_req;
	uint64_t		 bdat_left;	/* octets of the chunk still to come */
	int			 bdat_last;
	const char		*bdat_error;	/* reply once the chunk is read */
	struct smtp_tx		 tx;
	enum smtp_state		 check_from;	/* the state S_CHECK returns to */
	void			(*checked)(struct session *,
				    const struct verdict *);
	LIST_ENTRY(session)	 entry;
};

/* session.c */
void	 enter_state(struct session *, enum smtp_state);
void	 reply(struct session *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 reply_error(struct session *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 session_process(struct session *);
void	 session_resume(struct session *);
void	 session_deadline(struct session *);
void	 session_close(struct session *);
void	 smtp_smuggling(struct session *, const char *where);

/* commands.c */
enum smtp_verb smtp_command(struct session *, const char *line, size_t len);
/* smtp_ends_group - RFC 2920 3.1: nothing may follow verb unanswered */
bool	 smtp_ends_group(enum smtp_verb verb);
/* smtp_line_max - the longest line (CRLF included) of the command whose
 * first len bytes (at least the verb and a SP, if it is long) are start */
size_t	 smtp_line_max(const char *start, size_t len);
int	 smtp_read_data(struct session *, struct evbuffer *);
int	 smtp_read_bdat(struct session *, struct evbuffer *);
void	 smtp_end_of_data(struct session *);

/* sasl.c */
int	 smtp_auth_offered(const struct session *);
int	 smtp_auth_unavailable(struct session *, const char *args, size_t len);
void	 smtp_auth_command(struct session *, const char *args, size_t len);
void	 smtp_auth_response(struct session *, const char *line, size_t len);
void	 smtp_auth_abort(struct session *);

#endif
