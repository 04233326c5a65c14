/*
 * policy.c - what an authenticated user may do: the sender addresses that
 * are theirs, the SMS sender id a message carries, the numbers they may reach.
 *
 * Choices the callers should know:
 * - Addresses are split at their last '@' (a quoted local part may hold
 *   one; a domain never does).  Domains compare ASCII case-insensitively,
 *   independent of the locale; local parts compare exactly.
 * - An address over ADDR_MAX octets matches no pattern and no sender id
 *   domain; a NUL-less buffer is never read past ADDR_MAX + 1 octets.
 * - "*@domain" and "@domain" need a non-empty local part and match that
 *   domain only, not its subdomains (a user owning example.com should not
 *   silently own every host under it).  Sender ids, configured by the
 *   administrator per organisation, do cover subdomains.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "smtpd/envelope.h"
#include "smtpd/policy/policy.h"

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets */
#define ADDR_MAX	256

/*
 * domain_equal - two domains of given lengths, ASCII case folded (the daemon
 * never calls setlocale, so strncasecmp folds ASCII only)
 */
static bool
domain_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* last_at - offset of the last '@' in s[0..len), or len if there is none */
static size_t
last_at(const char *s, size_t len)
{
	size_t	 i;

	for (i = len; i > 0; i--)
		if (s[i - 1] == '@')
			return i - 1;
	return len;
}

/* pattern_match - does one senders entry cover the address addr[0..len)? */
static bool
pattern_match(const char *pat, const char *addr, size_t len)
{
	size_t	 plen, pat_at, at;

	plen = strlen(pat);
	if (strcmp(pat, "*") == 0)
		return true;
	if (strcmp(pat, "<>") == 0)
		return len == 0;
	if (len == 0)
		return false;
	at = last_at(addr, len);
	if (pat[0] == '@' || (pat[0] == '*' && pat[1] == '@')) {
		pat = strchr(pat, '@') + 1;
		return pat[0] != '\0' && at > 0 && at < len &&
		    domain_equal(pat, strlen(pat), addr + at + 1,
		    len - at - 1);
	}
	pat_at = last_at(pat, plen);
	/* both with a domain or both without, local parts alike */
	if ((pat_at == plen) != (at == len) || pat_at != at ||
	    memcmp(pat, addr, at) != 0)
		return false;
	if (at == len)
		return true;
	return domain_equal(pat + at + 1, plen - at - 1, addr + at + 1,
	    len - at - 1);
}

/* policy_sender_allowed - may this user use addr as a sender? */
bool
policy_sender_allowed(const struct conf *conf, const struct user_conf *user,
    const char *addr)
{
	size_t	 len, i;

	/* the interface passes conf for rules beyond the user's own list */
	(void)conf;
	if (!policy_restricts_senders(user))
		return true;
	len = addr != NULL ? strnlen(addr, ADDR_MAX + 1) : 0;
	if (len > ADDR_MAX)
		return false;
	for (i = 0; i < user->nsenders; i++)
		if (user->senders[i] != NULL &&
		    pattern_match(user->senders[i], addr != NULL ? addr : "",
		    len))
			return true;
	return false;
}

/* policy_restricts_senders - a user with no senders list may use any */
bool
policy_restricts_senders(const struct user_conf *user)
{
	return user != NULL && user->nsenders > 0;
}

/* sender_domain - the domain of a sender address; NULL if none */
static const char *
sender_domain(const char *sender_addr, size_t *dlen)
{
	size_t	 len, at;

	if (sender_addr == NULL ||
	    (len = strnlen(sender_addr, ADDR_MAX + 1)) > ADDR_MAX ||
	    (at = last_at(sender_addr, len)) >= len)
		return NULL;
	*dlen = len - at - 1;
	return sender_addr + at + 1;
}

/* domain_match - pattern's length if dom is it or one under it, else 0 */
static size_t
domain_match(const char *dom, size_t dlen, const char *pattern)
{
	size_t	 slen;

	if (dom == NULL || pattern == NULL)
		return 0;
	slen = strlen(pattern);
	if (slen == 0 || slen > dlen)
		return 0;
	/* the domain itself, or one under it: ".example.com" */
	if (slen < dlen && dom[dlen - slen - 1] != '.')
		return 0;
	return domain_equal(dom + dlen - slen, slen, pattern, slen) ? slen : 0;
}

/* policy_sender_id - user's id, else the sender domain's, else backend.from */
const char *
policy_sender_id(const struct conf *conf, const struct user_conf *user,
    const char *sender_addr)
{
	const struct sender_id_conf	*sid, *best = NULL;
	const char			*dom;
	size_t				 dlen = 0, slen, bestlen = 0, i;

	if (user != NULL && user->sender_id != NULL)
		return user->sender_id;
	dom = sender_domain(sender_addr, &dlen);
	for (i = 0; dom != NULL && i < conf->nsender_ids; i++) {
		sid = &conf->sender_ids[i];
		if (sid->sender_id == NULL)
			continue;
		if ((slen = domain_match(dom, dlen, sid->domain)) > bestlen) {
			best = sid;
			bestlen = slen;
		}
	}
	return best != NULL ? best->sender_id : conf->backend.from;
}

/* notify_of - the NOTIFY a default stands for; delay notices are asked for */
static uint8_t
notify_of(enum notify_default d)
{
	switch (d) {
	case NOTIFY_DEFAULT_ALWAYS:
		return SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE;
	case NOTIFY_DEFAULT_FAILURES:
		return SMTP_NOTIFY_FAILURE;
	case NOTIFY_DEFAULT_NEVER:
		return SMTP_NOTIFY_NEVER;
	case NOTIFY_DEFAULT_NONE:
		break;
	}
	return 0;
}

/* policy_notify - see policy.h */
uint8_t
policy_notify(const struct conf *conf, const struct user_conf *user,
    const char *sender_addr, uint8_t given, bool dn_on)
{
	const struct notify_domain_conf	*nd, *best = NULL;
	const char			*dom;
	size_t				 dlen = 0, slen, bestlen = 0, i;

	if (given != 0)
		return given;
	if (dn_on)
		return notify_of(NOTIFY_DEFAULT_ALWAYS);
	if (user != NULL && user->notify != NOTIFY_DEFAULT_NONE)
		return notify_of(user->notify);
	dom = sender_domain(sender_addr, &dlen);
	for (i = 0; dom != NULL && i < conf->reports.nsenders; i++) {
		nd = &conf->reports.senders[i];
		if ((slen = domain_match(dom, dlen, nd->domain)) > bestlen) {
			best = nd;
			bestlen = slen;
		}
	}
	return best != NULL ? notify_of(best->notify) : 0;
}

/* policy_quiet_hours - see policy.h */
const char *
policy_quiet_hours(const struct conf *conf, const struct user_conf *user,
    const char *sender_addr, const char *subject_rule)
{
	const struct quiet_sender_conf	*qs, *best = NULL;
	const char			*dom, *rule = conf->queue.quiet_hours;
	size_t				 dlen = 0, slen, bestlen = 0, i;

	if (subject_rule != NULL && subject_rule[0] != '\0')
		rule = subject_rule;
	else if (user != NULL && user->quiet_hours != NULL)
		rule = user->quiet_hours;
	else {
		dom = sender_domain(sender_addr, &dlen);
		for (i = 0; dom != NULL && i < conf->queue.nquiet_senders;
		    i++) {
			qs = &conf->queue.quiet_senders[i];
			if ((slen = domain_match(dom, dlen, qs->domain)) >
			    bestlen) {
				best = qs;
				bestlen = slen;
			}
		}
		if (best != NULL)
			rule = best->quiet_hours;
	}
	/* "none" is as good as no rule: the queue need not look */
	return rule != NULL && strcasecmp(rule, "none") != 0 ? rule : NULL;
}

/* policy_number_allowed - e164 within the user's allow_prefixes (none: yes) */
bool
policy_number_allowed(const struct user_conf *user, const char *e164)
{
	size_t	 i;

	if (user == NULL || user->nallow_prefixes == 0)
		return true;
	if (e164 == NULL)
		return false;
	for (i = 0; i < user->nallow_prefixes; i++)
		if (user->allow_prefixes[i] != NULL &&
		    strncmp(e164, user->allow_prefixes[i],
		    strlen(user->allow_prefixes[i])) == 0)
			return true;
	return false;
}
