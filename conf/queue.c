/*
 * queue.c - accepted mail: queue = { } (retries, lifetime, group commit,
 * the spool's reserve), reports = { } (waiting for handset reports, the
 * notification defaults) and bounce = { } (where delivery status
 * notifications go), their rules and derived defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "sms/lib/quiet.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define NOFF(member)	offsetof(struct notify_domain_conf, member)
#define QOFF(member)	offsetof(struct quiet_sender_conf, member)

/* the spellings of enum notify_default and enum report_unknown */
const char *const conf_notify_names[] = { "default", "always", "failures",
	"never", NULL };
static const char *const unknown_names[] = { "failed", "delivered", NULL };

static const unsigned	 default_retry[] = {
	MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR
};

/* valid_smarthost - smtp://host[:port] or smtps://host[:port] */
static const char *
valid_smarthost(const char *s)
{
	if (!conf_has_scheme(s, "smtp"))
		return "must start with smtp:// or smtps://";
	return conf_valid_text(s);
}

/* valid_mailbox - local@domain, as used in a From: header */
static const char *
valid_mailbox(const char *s)
{
	const char	*at = strrchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0')
		return "must be an address like MAILER-DAEMON@example.com";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '<' ||
		    *s == '>')
			return "must be a bare address without spaces or <>";
	return NULL;
}

/* conf_valid_quiet - quiet hours as sms/lib/quiet.c reads them */
const char *
conf_valid_quiet(const char *s)
{
	struct quiet_rule	 r;

	return quiet_parse(s, &r);
}

static const struct keydef quiet_sender_keys[] = {
	{ .name = "domain", .type = K_STRING, .off = QOFF(domain),
	  .valid = conf_valid_domain },
	{ .name = "quiet_hours", .type = K_STRING, .off = QOFF(quiet_hours),
	  .valid = conf_valid_quiet },
	{ .name = NULL }
};

/* check_quiet_sender - a domain and its quiet hours */
static int
check_quiet_sender(struct loader *ld, const conf_setting *e, void *elems,
    size_t i)
{
	const struct quiet_sender_conf *qs =
	    (struct quiet_sender_conf *)elems + i;

	if (qs->domain == NULL || qs->quiet_hours == NULL)
		return conf_fail(ld, e, "domain and quiet_hours (e.g. "
		    "\"21:00-08:00\" or \"none\") are required");
	return 0;
}

/* has_smarthost - SMTP AUTH and STARTTLS are for a smarthost only */
static bool
has_smarthost(const void *base)
{
	return ((const struct conf *)base)->bounce.smarthost != NULL;
}

static const struct keydef queue_keys[] = {
	{ .name = "retry", .type = K_DURATIONS, .off = OFF(queue.retry),
	  .noff = OFF(queue.nretry), .min = 1, .max = 7 * DAY,
	  .flags = KF_NONEMPTY },
	{ .name = "lifetime", .type = K_DURATION, .off = OFF(queue.lifetime),
	  .min = 1, .max = 365 * DAY, .def = 2 * DAY },
	{ .name = "commit_delay", .type = K_DURATION_MS,
	  .off = OFF(queue.commit_delay_ms), .min = 0, .max = 1000 },
	{ .name = "min_free", .type = K_SIZE, .off = OFF(queue.min_free),
	  .min = 64 * 1024, .max = 1024 * 1024 * 1024, .def = 1024 * 1024 },
	{ .name = "quiet_hours", .type = K_STRING,
	  .off = OFF(queue.quiet_hours), .valid = conf_valid_quiet },
	{ .name = "quiet_senders", .type = K_GROUPLIST,
	  .off = OFF(queue.quiet_senders), .noff = OFF(queue.nquiet_senders),
	  .sub = quiet_sender_keys, .size = sizeof(struct quiet_sender_conf),
	  .check = check_quiet_sender, .flags = KF_INLINE },
	{ .name = "max_hold", .type = K_DURATION, .off = OFF(queue.max_hold),
	  .min = 0, .max = 365 * DAY, .def = 7 * DAY },
	{ .name = "active_limit", .type = K_UINT,
	  .off = OFF(queue.active_limit), .min = 1, .max = 10000000,
	  .def = 5000 },
	{ .name = "segment_size", .type = K_SIZE,
	  .off = OFF(queue.segment_size), .min = 64 * 1024,
	  .max = 1024 * 1024 * 1024, .def = 64 * 1024 * 1024 },
	{ .name = NULL }
};

static const struct keydef notify_domain_keys[] = {
	{ .name = "domain", .type = K_STRING, .off = NOFF(domain),
	  .valid = conf_valid_domain },
	{ .name = "notify", .type = K_ENUM, .off = NOFF(notify),
	  .choices = conf_notify_names },
	{ .name = NULL }
};

/* check_notify_domain - a domain and what its senders hear */
static int
check_notify_domain(struct loader *ld, const conf_setting *e, void *elems,
    size_t i)
{
	const struct notify_domain_conf *nd =
	    (struct notify_domain_conf *)elems + i;

	if (nd->domain == NULL || nd->notify == NOTIFY_DEFAULT_NONE)
		return conf_fail(ld, e, "domain and notify (\"always\", "
		    "\"failures\" or \"never\") are required");
	return 0;
}

static const struct keydef reports_keys[] = {
	{ .name = "enabled", .type = K_BOOL, .off = OFF(reports.enabled),
	  .def = 1 },
	{ .name = "wait", .type = K_DURATION, .off = OFF(reports.wait),
	  .min = 1, .max = 30 * DAY, .def = 72 * HOUR },
	{ .name = "delay_after", .type = K_DURATION,
	  .off = OFF(reports.delay_after), .min = 1, .max = 30 * DAY,
	  .def = 4 * HOUR },
	{ .name = "unknown", .type = K_ENUM, .off = OFF(reports.unknown),
	  .def = REPORT_UNKNOWN_FAILED, .choices = unknown_names },
	{ .name = "senders", .type = K_GROUPLIST, .off = OFF(reports.senders),
	  .noff = OFF(reports.nsenders), .sub = notify_domain_keys,
	  .size = sizeof(struct notify_domain_conf),
	  .check = check_notify_domain, .flags = KF_INLINE },
	{ .name = NULL }
};

static const struct keydef bounce_keys[] = {
	{ .name = "smarthost", .type = K_STRING, .off = OFF(bounce.smarthost),
	  .valid = valid_smarthost },
	{ .name = "from", .type = K_STRING, .off = OFF(bounce.from),
	  .valid = valid_mailbox },
	{ .name = "user", .type = K_STRING, .off = OFF(bounce.user),
	  .valid = conf_valid_text, .when = has_smarthost },
	{ .name = "password", .type = K_STRING, .off = OFF(bounce.password),
	  .valid = conf_valid_text, .when = has_smarthost,
	  .flags = KF_SECRET },
	{ .name = "starttls", .type = K_BOOL, .off = OFF(bounce.starttls),
	  .when = has_smarthost },
	{ .name = NULL }
};

const struct keydef conf_queue_section[] = {
	{ .name = "queue", .type = K_GROUP, .sub = queue_keys },
	{ .name = "reports", .type = K_GROUP, .sub = reports_keys },
	{ .name = "bounce", .type = K_GROUP, .sub = bounce_keys },
	{ .name = NULL }
};

/* conf_bounce_check - SMTP AUTH and STARTTLS only make sense with a smarthost */
int
conf_bounce_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	const conf_setting	*grp = conf_member(root, "bounce");

	if (grp == NULL)
		return 0;
	if (c->bounce.smarthost == NULL)
		return conf_check_when(ld, grp, bounce_keys, c,
		    "only used with a smarthost");
	if ((c->bounce.user == NULL) != (c->bounce.password == NULL))
		return conf_fail(ld, grp, "user and password go together");
	if (c->bounce.starttls &&
	    strncmp(c->bounce.smarthost, "smtps://", 8) == 0)
		return conf_fail(ld, conf_member(grp, "starttls"),
		    "only used with smtp:// (smtps:// is TLS from the start)");
	return 0;
}

/* conf_queue_fill - the retry schedule, and bounces from MAILER-DAEMON */
int
conf_queue_fill(struct loader *ld, const conf_setting *root, struct conf *c)
{
	(void)root;
	if (c->queue.retry == NULL) {
		if ((c->queue.retry = calloc(nitems(default_retry),
		    sizeof(*c->queue.retry))) == NULL)
			return conf_nomem(ld);
		c->queue.nretry = nitems(default_retry);
		memcpy(c->queue.retry, default_retry, sizeof(default_retry));
	}
	if (c->bounce.from == NULL &&
	    (c->bounce.from = conf_join("MAILER-DAEMON@", c->hostname)) == NULL)
		return conf_nomem(ld);
	return 0;
}
