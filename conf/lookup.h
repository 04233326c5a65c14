/*
 * lookup.h - the questions the daemon asks of a loaded configuration while
 * it runs: is this domain served, may this client relay, who is this user.
 */
#ifndef SMSRELAY_CONF_LOOKUP_H
#define SMSRELAY_CONF_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf/conf.h"

/* conf_domain_served - whether mail for this recipient domain is accepted */
bool	 conf_domain_served(const struct conf *, const char *domain);
/* conf_relay_allowed - whether a client address is in relay_networks */
bool	 conf_relay_allowed(const struct conf *, const struct sockaddr *);
/* conf_cidr_match - whether the address is inside one of n networks */
bool	 conf_cidr_match(const struct cidr *, size_t n, const struct sockaddr *);
/* conf_user - the policy entry of a user, NULL if none */
const struct user_conf *conf_user(const struct conf *, const char *name);

#endif
