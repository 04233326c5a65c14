/*
 * backend_smpp.c - the keys of an SMSC backend (type = "smpp": where, who
 * binds, how long messages travel, the window and the deadlines) and their rules.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

#define SOFF(member)	BOFF(smpp.member)

static const char *const bind_names[] = { "transceiver",
	"transmitter_receiver", NULL };
static const char *const long_names[] = { "udh", "sar", "payload", NULL };

/* is_smpp - the key belongs to the smpp backend */
static bool
is_smpp(const void *base)
{
	return ((const struct backend_conf *)base)->type == BACKEND_SMPP;
}

/* valid_url - smpp://host:port or smpps://host:port */
static const char *
valid_url(const char *s)
{
	const char	*hp, *colon;

	if (!conf_has_scheme(s, "smpp"))
		return "must be smpp://host:port or smpps://host:port";
	hp = strstr(s, "://") + 3;
	if (strchr(hp, '/') != NULL || strchr(hp, '@') != NULL)
		return "must be smpp://host:port (no path, no user)";
	colon = strrchr(hp, ':');
	if (colon == NULL || colon == hp || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atoi(colon + 1) < 1 ||
	    atoi(colon + 1) > 65535)
		return "must name a host and a port: smpp://host:2775";
	return conf_valid_text(s);
}

/* C-octet strings of SMPP 3.4 (section 4): their longest values */
#define VALID_COCTET(fn, max, what)					\
static const char *							\
fn(const char *s)							\
{									\
	if (strlen(s) > (max))						\
		return "must be at most " #max " characters (" what ")"; \
	return conf_valid_text(s);					\
}
VALID_COCTET(valid_system_id, 15, "SMPP system_id")
VALID_COCTET(valid_password, 8, "SMPP password")
VALID_COCTET(valid_system_type, 12, "SMPP system_type")
VALID_COCTET(valid_service_type, 5, "SMPP service_type")
VALID_COCTET(valid_address_range, 40, "SMPP address_range")

const struct keydef conf_smpp_keys[] = {
	{ .name = "url", .type = K_STRING, .off = SOFF(url),
	  .valid = valid_url, .when = is_smpp },
	{ .name = "system_id", .type = K_STRING, .off = SOFF(system_id),
	  .valid = valid_system_id, .when = is_smpp },
	{ .name = "password", .type = K_STRING, .off = SOFF(password),
	  .valid = valid_password, .when = is_smpp, .flags = KF_SECRET },
	{ .name = "system_type", .type = K_STRING, .off = SOFF(system_type),
	  .valid = valid_system_type, .when = is_smpp },
	{ .name = "service_type", .type = K_STRING, .off = SOFF(service_type),
	  .valid = valid_service_type, .when = is_smpp },
	{ .name = "address_range", .type = K_STRING,
	  .off = SOFF(address_range), .valid = valid_address_range,
	  .when = is_smpp },
	{ .name = "addr_ton", .type = K_UINT, .off = SOFF(addr_ton),
	  .max = 6, .when = is_smpp, .flags = KF_TERSE },
	{ .name = "addr_npi", .type = K_UINT, .off = SOFF(addr_npi),
	  .max = 18, .when = is_smpp, .flags = KF_TERSE },
	{ .name = "bind", .type = K_ENUM, .off = SOFF(bind),
	  .def = SMPP_BIND_MODE_TRANSCEIVER, .choices = bind_names,
	  .when = is_smpp },
	{ .name = "long_messages", .type = K_ENUM, .off = SOFF(long_messages),
	  .def = SMPP_LONG_UDH, .choices = long_names, .when = is_smpp },
	{ .name = "gsm7_packed", .type = K_BOOL, .off = SOFF(gsm7_packed),
	  .when = is_smpp },
	{ .name = "window", .type = K_UINT, .off = SOFF(window), .min = 1,
	  .max = 1000, .def = 10, .when = is_smpp },
	{ .name = "enquire_link", .type = K_DURATION,
	  .off = SOFF(enquire_link), .min = 1, .max = HOUR, .def = 30,
	  .when = is_smpp },
	{ .name = "response_timeout", .type = K_DURATION,
	  .off = SOFF(response_timeout), .min = 1, .max = 10 * MINUTE,
	  .def = 30, .when = is_smpp },
	{ .name = "reconnect_max", .type = K_DURATION,
	  .off = SOFF(reconnect_max), .min = 1, .max = HOUR, .def = 60,
	  .when = is_smpp },
	{ .name = "ca_file", .type = K_STRING, .off = SOFF(ca_file),
	  .valid = conf_valid_text, .when = is_smpp },
	{ .name = "tls_verify", .type = K_BOOL, .off = SOFF(tls_verify),
	  .def = true, .when = is_smpp },
	{ .name = NULL }
};

/* conf_smpp_check - see schema.h */
int
conf_smpp_check(struct loader *ld, const conf_setting *grp,
    struct backend_conf *b)
{
	struct smpp_conf	*s = &b->smpp;

	if (s->url == NULL)
		return conf_fail(ld, grp, "type \"smpp\" requires url "
		    "(smpp://host:port or smpps://host:port)");
	if (s->system_id == NULL)
		return conf_fail(ld, grp, "type \"smpp\" requires system_id");
	if (s->ca_file != NULL && strncmp(s->url, "smpps", 5) != 0)
		return conf_fail(ld, conf_member(grp, "ca_file"),
		    "only used with smpps://");
	return 0;
}
