/*
 * top.c - the top level of the file: its own keys (hostname, domains,
 * relay_networks, run_as, spool, control_socket, log), where each part's
 * section sits (the order -n prints), and the order of the rules after it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/schema.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

#define FILE_SPOOL	LOCALSTATEDIR "/spool/smsrelay"
#define EMBEDDED_SPOOL	"spool"
#define MAX_HOSTNAME	253
#define SOCKET_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* valid_hostname - letters, digits, '-' and '.', as in a DNS name */
static const char *
valid_hostname(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0)
		return "must not be empty";
	if (n > MAX_HOSTNAME)
		return "is longer than 253 characters";
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return "may hold only letters, digits, '-' and '.'";
	return NULL;
}

/* conf_valid_domain - a domain name, or "*" for every domain */
const char *
conf_valid_domain(const char *s)
{
	if (strcmp(s, "*") == 0)
		return NULL;
	return valid_hostname(s);
}

/* valid_run_as - a user name the system could have */
static const char *
valid_run_as(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 32)
		return "must be a user name of 1 to 32 characters";
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return "must be a user name (letters, digits, _ - .)";
	return NULL;
}

/* valid_socket_path - fits in sockaddr_un */
static const char *
valid_socket_path(const char *s)
{
	if (strlen(s) > SOCKET_PATH_MAX)
		return "is too long for a unix socket path";
	return conf_valid_text(s);
}

static const struct keydef log_keys[] = {
	{ .name = "syslog", .type = K_BOOL, .off = OFF(log.syslog) },
	{ .name = "verbose", .type = K_BOOL, .off = OFF(log.verbose) },
	{ .name = NULL }
};

/* the whole file, in the order smsrelayd -n prints it */
const struct keydef conf_top_keys[] = {
	{ .name = "hostname", .type = K_STRING, .off = OFF(hostname),
	  .valid = valid_hostname },
	{ .type = K_SECTION, .sub = conf_listen_section },
	{ .name = "domains", .type = K_STRLIST, .off = OFF(domains),
	  .noff = OFF(ndomains), .valid = conf_valid_domain,
	  .flags = KF_NONEMPTY },
	{ .name = "relay_networks", .type = K_CIDRS, .off = OFF(relay_networks),
	  .noff = OFF(nrelay_networks), .flags = KF_NONEMPTY },
	{ .type = K_SECTION, .sub = conf_message_section },
	{ .type = K_SECTION, .sub = conf_smtp_section },
	{ .name = "run_as", .type = K_STRING, .off = OFF(run_as),
	  .valid = valid_run_as },
	{ .type = K_SECTION, .sub = conf_submission_section },
	{ .name = "spool", .type = K_STRING, .off = OFF(spool),
	  .valid = conf_valid_text },
	{ .name = "control_socket", .type = K_STRING,
	  .off = OFF(control_socket), .valid = valid_socket_path },
	{ .type = K_SECTION, .sub = conf_backend_section },
	{ .type = K_SECTION, .sub = conf_route_section },
	{ .type = K_SECTION, .sub = conf_queue_section },
	{ .type = K_SECTION, .sub = conf_http_section },
	{ .type = K_SECTION, .sub = conf_dedup_section },
	{ .type = K_SECTION, .sub = conf_stats_section },
	{ .name = "log", .type = K_GROUP, .sub = log_keys },
	{ .name = NULL }
};

/* check_domains - a file must say which recipient domains it serves */
static int
check_domains(struct loader *ld, const conf_setting *root, struct conf *c)
{
	(void)root;
	if (c->domains != NULL)
		return 0;
	return conf_fail_key(ld, NULL, "domains", "missing: at least one "
	    "recipient domain is required, e.g. "
	    "domains = [ \"sms.example.com\" ];");
}

/* fill_top - host name, relay networks, spool and control socket */
static int
fill_top(struct loader *ld, const conf_setting *root, struct conf *c)
{
	char	 host[256];

	if (c->hostname == NULL) {
		memset(host, 0, sizeof(host));
		if (gethostname(host, sizeof(host) - 1) == -1 ||
		    host[0] == '\0')
			strcpy(host, "localhost");
		if ((c->hostname = strdup(host)) == NULL)
			return conf_nomem(ld);
	}
	if (c->relay_networks == NULL && conf_loopback(&c->relay_networks,
	    &c->nrelay_networks) == -1)
		return conf_nomem(ld);
	if (c->spool == NULL && (c->spool = strdup(c->file != NULL ?
	    FILE_SPOOL : EMBEDDED_SPOOL)) == NULL)
		return conf_nomem(ld);
	if (c->control_socket == NULL &&
	    (c->control_socket = conf_join(c->spool, "/control.sock")) == NULL)
		return conf_nomem(ld);
	if (strlen(c->control_socket) > SOCKET_PATH_MAX)
		return conf_fail_key(ld, conf_member(root, "spool"),
		    "control_socket", "\"%s\" is too long for a unix socket "
		    "path; set control_socket", c->control_socket);
	return 0;
}

/* conf_embedded - see schema.h: every domain */
int
conf_embedded(struct loader *ld, const conf_setting *root, struct conf *c)
{
	(void)root;
	if ((c->domains = calloc(1, sizeof(*c->domains))) == NULL)
		return conf_nomem(ld);
	c->ndomains = 1;
	if ((c->domains[0] = strdup("*")) == NULL)
		return conf_nomem(ld);
	return 0;
}

/* the rules that tie keys together, in the order they are checked */
conf_rule_fn *const conf_checks[] = {
	conf_backend_check, conf_bounce_check, conf_tls_check,
	conf_listen_check, conf_http_check, check_domains, NULL
};

/* the defaults derived from other settings: each may use those before it */
conf_rule_fn *const conf_fills[] = {
	fill_top, conf_listen_fill, conf_backend_fill, conf_route_check,
	conf_queue_fill, conf_optout_fill, NULL
};
