/*
 * peer.c - where an SMPP client connects: host and port of the url, the
 * resolver, and for smpps:// a TLS context that checks the SMSC's certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "sms/transport/smpp/session.h"

/* split_url - host and port of smpp[s]://host:port ([v6]:port too) */
static int
split_url(struct smpp_peer *p, const char *url)
{
	const char	*hp = strstr(url, "://"), *colon;
	size_t		 hlen;

	if (hp == NULL || (colon = strrchr(hp + 3, ':')) == NULL)
		return -1;
	hp += 3;
	hlen = (size_t)(colon - hp);
	if (hlen >= 2 && hp[0] == '[' && hp[hlen - 1] == ']') {
		hp++;
		hlen -= 2;
	}
	if (hlen == 0)
		return -1;
	p->host = strndup(hp, hlen);
	p->port = strdup(colon + 1);
	return p->host != NULL && p->port != NULL ? 0 : -1;
}

/* tls_new - a client context trusting ca_file (else the system's store) */
static SSL_CTX *
tls_new(const struct smpp_conf *c, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	int		 ok;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		snprintf(err, errlen, "smpps: no TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	ok = c->ca_file != NULL ?
	    SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) :
	    SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		snprintf(err, errlen, "smpps: cannot load %s: %s",
		    c->ca_file != NULL ? c->ca_file : "the system's CA store",
		    ERR_reason_error_string(ERR_get_error()));
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, c->tls_verify ? SSL_VERIFY_PEER :
	    SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* smpp_peer_init - see session.h */
int
smpp_peer_init(struct smpp_peer *p, const char *name,
    const struct smpp_conf *c, struct event_base *base, char *err,
    size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->conf = c;
	if (split_url(p, c->url) == -1) {
		snprintf(err, errlen, "smpp: bad url %s", c->url);
		smpp_peer_clear(p);
		return -1;
	}
	if (strncmp(c->url, "smpps:", 6) == 0 &&
	    (p->tls = tls_new(c, err, errlen)) == NULL) {
		smpp_peer_clear(p);
		return -1;
	}
	/* names are resolved on the loop: a slow DNS must not stall it */
	if ((p->dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL &&
	    (p->dns = evdns_base_new(base, 0)) == NULL) {
		snprintf(err, errlen, "smpp: no resolver");
		smpp_peer_clear(p);
		return -1;
	}
	return 0;
}

/* smpp_peer_clear - see session.h */
void
smpp_peer_clear(struct smpp_peer *p)
{
	free(p->host);
	free(p->port);
	if (p->tls != NULL)
		SSL_CTX_free(p->tls);
	if (p->dns != NULL)
		evdns_base_free(p->dns, 0);
	p->host = p->port = NULL;
	p->tls = NULL;
	p->dns = NULL;
}
