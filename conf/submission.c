/*
 * submission.c - who may send and how: tls = { } (the certificate of the
 * TLS listeners), auth = { } (the users file and its limits), users = ( )
 * (what each user may do), sender_ids = ( ) and limits = { }.
 */
#include <ctype.h>
#include <string.h>

#include "conf/schema.h"

#define UOFF(member)	offsetof(struct user_conf, member)
#define SOFF(member)	offsetof(struct sender_id_conf, member)

static const char *const tls_min_names[] = { "TLSv1.2", "TLSv1.3", NULL };

/* conf_valid_sender_id - see conf.h (GSM 03.40 alphanumeric or a number) */
bool
conf_valid_sender_id(const char *s)
{
	size_t	 i, n = strlen(s), digits = 0, alpha = 0;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (i == 0 && s[i] == '+')
			continue;
		else if (isalpha((unsigned char)s[i]) || s[i] == ' ')
			alpha++;
		else
			return false;
	}
	if (alpha == 0)
		return digits > 0 && digits <= 15;
	return s[0] != '+' && s[0] != ' ' && s[n - 1] != ' ' && n <= 11;
}

/* valid_sender_id - for the key tables */
static const char *
valid_sender_id(const char *s)
{
	return conf_valid_sender_id(s) ? NULL : "must be up to 11 letters, "
	    "digits or spaces, or a number of up to 15 digits";
}

/* valid_user_name - a login name: printable ASCII or UTF-8, no ':' */
static const char *
valid_user_name(const char *s)
{
	const char *why = conf_valid_text(s);

	if (why != NULL)
		return why;
	if (strchr(s, ':') != NULL)
		return "must not contain ':'";
	if (strlen(s) > 255)
		return "must be at most 255 bytes";
	return NULL;
}

/* valid_sender_pattern - "a@b.example", "*@b.example", "@b.example", "*", "<>" */
static const char *
valid_sender_pattern(const char *s)
{
	const char *at = strrchr(s, '@');

	if (strcmp(s, "*") == 0 || strcmp(s, "<>") == 0)
		return NULL;
	if (at == NULL || at[1] == '\0')
		return "must be an address, \"*@domain\", \"@domain\", "
		    "\"*\" or \"<>\"";
	if (strlen(s) > 256)
		return "must be at most 256 bytes";
	return conf_valid_text(s);
}

static const struct keydef tls_keys[] = {
	{ .name = "certificate", .type = K_STRING, .off = OFF(tls.certificate),
	  .valid = conf_valid_text },
	{ .name = "key", .type = K_STRING, .off = OFF(tls.key),
	  .valid = conf_valid_text },
	{ .name = "ciphers", .type = K_STRING, .off = OFF(tls.ciphers),
	  .valid = conf_valid_text },
	{ .name = "ciphersuites", .type = K_STRING,
	  .off = OFF(tls.ciphersuites), .valid = conf_valid_text },
	{ .name = "min_version", .type = K_ENUM, .off = OFF(tls.min_version),
	  .def = TLS_MIN_1_2, .choices = tls_min_names },
	{ .name = NULL }
};

static const struct keydef auth_keys[] = {
	{ .name = "users_file", .type = K_STRING, .off = OFF(auth.users_file),
	  .valid = conf_valid_text },
	{ .name = "on_loopback", .type = K_BOOL, .off = OFF(auth.on_loopback) },
	{ .name = "broken_clients", .type = K_BOOL,
	  .off = OFF(auth.broken_clients) },
	{ .name = "max_failures", .type = K_UINT, .off = OFF(auth.max_failures),
	  .min = 1, .max = 1000, .def = 5 },
	{ .name = "failure_window", .type = K_DURATION,
	  .off = OFF(auth.failure_window), .min = 1, .max = DAY,
	  .def = 15 * MINUTE },
	{ .name = "workers", .type = K_UINT, .off = OFF(auth.workers),
	  .min = 1, .max = 64, .def = 2 },
	{ .name = NULL }
};

/* a rate_limits group at offset base_off of whatever the walk fills */
#define LIMIT_KEYS(base_off) {						\
	{ .name = "messages_per_minute", .type = K_UINT,		\
	  .off = (base_off) + offsetof(struct rate_limits,		\
	  messages_per_minute), .min = 0, .max = 10000000 },		\
	{ .name = "parts_per_day", .type = K_UINT,			\
	  .off = (base_off) + offsetof(struct rate_limits, parts_per_day),\
	  .min = 0, .max = 100000000 },					\
	{ .name = NULL }						\
}

static const struct keydef limits_user_keys[] = LIMIT_KEYS(OFF(limits.user));
static const struct keydef limits_client_keys[] =
    LIMIT_KEYS(OFF(limits.client));
static const struct keydef limits_number_keys[] =
    LIMIT_KEYS(OFF(limits.number));
static const struct keydef user_limit_keys[] = LIMIT_KEYS(UOFF(limits));

static const struct keydef limits_keys[] = {
	{ .name = "user", .type = K_GROUP, .sub = limits_user_keys,
	  .flags = KF_INLINE },
	{ .name = "client", .type = K_GROUP, .sub = limits_client_keys,
	  .flags = KF_INLINE },
	{ .name = "number", .type = K_GROUP, .sub = limits_number_keys,
	  .flags = KF_INLINE },
	{ .name = NULL }
};

static const struct keydef user_keys[] = {
	{ .name = "name", .type = K_STRING, .off = UOFF(name),
	  .valid = valid_user_name },
	{ .name = "senders", .type = K_STRLIST, .off = UOFF(senders),
	  .noff = UOFF(nsenders), .valid = valid_sender_pattern },
	{ .name = "sender_id", .type = K_STRING, .off = UOFF(sender_id),
	  .valid = valid_sender_id },
	{ .name = "allow_prefixes", .type = K_STRLIST,
	  .off = UOFF(allow_prefixes), .noff = UOFF(nallow_prefixes),
	  .valid = conf_valid_prefix, .flags = KF_NONEMPTY },
	{ .name = "limits", .type = K_GROUP, .sub = user_limit_keys,
	  .flags = KF_INLINE },
	{ .name = "notify", .type = K_ENUM, .off = UOFF(notify),
	  .choices = conf_notify_names, .flags = KF_TERSE },
	{ .name = "quiet_hours", .type = K_STRING, .off = UOFF(quiet_hours),
	  .valid = conf_valid_quiet },
	{ .name = NULL }
};

static const struct keydef sender_id_keys[] = {
	{ .name = "domain", .type = K_STRING, .off = SOFF(domain),
	  .valid = conf_valid_domain },
	{ .name = "sender_id", .type = K_STRING, .off = SOFF(sender_id),
	  .valid = valid_sender_id },
	{ .name = NULL }
};

/* check_user - a name, not one an earlier user already has */
static int
check_user(struct loader *ld, const conf_setting *e, void *elems, size_t i)
{
	const struct user_conf	*users = elems;
	size_t			 j;

	if (users[i].name == NULL)
		return conf_fail(ld, e, "name is required");
	for (j = 0; j < i; j++)
		if (strcmp(users[j].name, users[i].name) == 0)
			return conf_fail(ld, e, "user \"%s\" is already listed",
			    users[i].name);
	return 0;
}

/* check_sender_id - both halves of the pair */
static int
check_sender_id(struct loader *ld, const conf_setting *e, void *elems,
    size_t i)
{
	const struct sender_id_conf *sid = (struct sender_id_conf *)elems + i;

	if (sid->domain == NULL || sid->sender_id == NULL)
		return conf_fail(ld, e, "domain and sender_id are required");
	return 0;
}

const struct keydef conf_submission_section[] = {
	{ .name = "tls", .type = K_GROUP, .sub = tls_keys },
	{ .name = "auth", .type = K_GROUP, .sub = auth_keys },
	{ .name = "users", .type = K_GROUPLIST, .off = OFF(users),
	  .noff = OFF(nusers), .sub = user_keys,
	  .size = sizeof(struct user_conf), .check = check_user },
	{ .name = "sender_ids", .type = K_GROUPLIST, .off = OFF(sender_ids),
	  .noff = OFF(nsender_ids), .sub = sender_id_keys,
	  .size = sizeof(struct sender_id_conf), .check = check_sender_id,
	  .flags = KF_INLINE },
	{ .name = "limits", .type = K_GROUP, .sub = limits_keys },
	{ .name = NULL }
};

/* conf_tls_check - a certificate needs its key and the other way round */
int
conf_tls_check(struct loader *ld, const conf_setting *root, struct conf *c)
{
	if ((c->tls.certificate == NULL) != (c->tls.key == NULL))
		return conf_fail_key(ld, conf_member(root, "tls"), "tls",
		    "certificate and key go together");
	return 0;
}
