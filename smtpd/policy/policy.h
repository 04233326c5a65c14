/*
 * policy.h - who may send what: a user's sender addresses, the sender id a
 * message goes out with, destination prefixes per user.
 */
#ifndef SMSRELAY_POLICY_H
#define SMSRELAY_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

/*
 * policy_sender_allowed - may this user (NULL: unauthenticated, always yes)
 * use addr (MAIL FROM, a From: or Sender: header address)? Patterns: exact address
 * (local part case-sensitive, domain not), "*@domain", "@domain", "*".
 */
bool	 policy_sender_allowed(const struct conf *, const struct user_conf *,
	    const char *addr);
/* policy_restricts_senders - whether the user has a senders list at all */
bool	 policy_restricts_senders(const struct user_conf *);
/*
 * policy_sender_id - the SMS sender id: the user's, else the one of the
 * sender address's domain (sender_ids, also matching parent domains), else
 * backend.from (may be NULL).
 */
const char *policy_sender_id(const struct conf *, const struct user_conf *,
	    const char *sender_addr);
/*
 * policy_notify - the NOTIFY (SMTP_NOTIFY_*) a recipient's DSNs follow:
 * what RCPT TO said; without it, SUCCESS and FAILURE for [DN:ON] (dn_on),
 * else the user's default, else the sender domain's (reports.senders):
 * "always" SUCCESS, FAILURE; "failures" FAILURE; "never" NEVER. 0 (RFC
 * 3461: FAILURE, DELAY at our discretion) when none applies.
 */
uint8_t	 policy_notify(const struct conf *, const struct user_conf *,
	    const char *sender_addr, uint8_t given, bool dn_on);
/*
 * policy_quiet_hours - the quiet hours of the message: [BLACKOUTPERIODS:]
 * (subject_rule, "" if none), else the user's, else the sender domain's
 * (queue.quiet_senders, parent domains too), else queue.quiet_hours; NULL
 * when none applies or the one that does is "none"
 */
const char *policy_quiet_hours(const struct conf *, const struct user_conf *,
	    const char *sender_addr, const char *subject_rule);
/* policy_number_allowed - e164 within the user's allow_prefixes (none: yes) */
bool	 policy_number_allowed(const struct user_conf *, const char *e164);

#endif
