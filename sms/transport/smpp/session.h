/*
 * session.h - one SMPP session to an SMSC: connection (TCP or TLS), PDU
 * framing, the bind, enquire_link, reconnecting with backoff, and unbind.
 */
#ifndef SMSRELAY_SMPP_SESSION_H
#define SMSRELAY_SMPP_SESSION_H

#include <stdint.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "conf/conf.h"
#include "sms/transport/backend_link.h"
#include "sms/transport/smpp/pdu.h"

struct smpp_session;

/*
 * What the session tells its owner, always from the loop. pdu: a
 * submit_sm_resp, generic_nack, deliver_sm or data_sm (valid during the
 * call only; the owner answers a deliver_sm or data_sm itself). down: the
 * session was bound and is lost; requests without their response will
 * never get one. unbound (optional): a connect or bind failed or a bound
 * session was lost, how says which (status: the SMSC's refusal of the
 * bind); not while closing. closed: smpp_session_close is complete. The owner may
 * call any function of the session from these, smpp_session_free only
 * from closed.
 */
struct smpp_session_ops {
	void	(*bound)(void *arg, struct smpp_session *);
	void	(*pdu)(void *arg, struct smpp_session *,
		    const struct smpp_pdu *);
	void	(*down)(void *arg, struct smpp_session *, const char *why);
	void	(*closed)(void *arg, struct smpp_session *);
	void	(*unbound)(void *arg, struct smpp_session *,
		    enum backend_link_why how, uint32_t status);
};

/* where and how to connect, shared by a client's sessions */
struct smpp_peer {
	const char		*name;		/* the backend's, for logs */
	const struct smpp_conf	*conf;
	char			*host;
	char			*port;
	SSL_CTX			*tls;		/* NULL: plain TCP */
	struct evdns_base	*dns;
};

/*
 * smpp_peer_init - host, port and (smpps) the TLS context of conf->url; -1
 * with a message in err. smpp_peer_clear frees what it holds.
 */
int		 smpp_peer_init(struct smpp_peer *, const char *name,
		    const struct smpp_conf *, struct event_base *, char *err,
		    size_t errlen);
void		 smpp_peer_clear(struct smpp_peer *);

/*
 * smpp_session_new - a session that binds with bind_cmd (SMPP_BIND_*) to
 * peer once started; NULL if out of memory. label names it in logs.
 */
struct smpp_session *smpp_session_new(struct event_base *,
		    const struct smpp_peer *, uint32_t bind_cmd,
		    const char *label, const struct smpp_session_ops *,
		    void *arg);
/* smpp_session_start - connect now (and again after each loss) */
void		 smpp_session_start(struct smpp_session *);
int		 smpp_session_bound(const struct smpp_session *);
/*
 * smpp_session_send - write pdu with the next sequence number, which is
 * set in pdu and returned in *seq; -1 if not bound, the PDU cannot be
 * encoded (EINVAL) or written (the session is then lost: down follows).
 */
int		 smpp_session_send(struct smpp_session *, struct smpp_pdu *,
		    uint32_t *seq);
/* smpp_session_answer - a response without body to the request seq */
int		 smpp_session_answer(struct smpp_session *,
		    uint32_t command_id, uint32_t status, uint32_t seq);
/* smpp_session_reset - drop the connection (why is logged), reconnect */
void		 smpp_session_reset(struct smpp_session *, const char *why);
/*
 * smpp_session_close - unbind if bound, wait for unbind_resp up to the
 * response timeout, close and stay closed; closed follows from the loop.
 */
void		 smpp_session_close(struct smpp_session *);
/* smpp_session_free - close at once, no callback */
void		 smpp_session_free(struct smpp_session *);

#endif
