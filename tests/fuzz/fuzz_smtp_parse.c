/*
 * fuzz_smtp_parse.c - libFuzzer target: one command line through the verb
 * parser, then MAIL, RCPT, AUTH and BDAT argument parsing, with invariants
 * checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/smtp/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* check_error - a refusal always carries a complete 5xx reply */
static void
check_error(const struct smtp_error *err)
{
	if (err->code < 500 || err->code > 599 || err->enhanced == NULL ||
	    err->enhanced[0] != '5' || err->text == NULL)
		abort();
}

/* check_addr - a stored address is bounded, terminated and splits */
static void
check_addr(const char *addr, size_t len, int may_be_empty)
{
	struct smtp_addr a;

	if (len > SMTP_PATH_MAX || strlen(addr) != len)
		abort();
	if (len == 0) {
		if (!may_be_empty)
			abort();
		return;
	}
	if (smtp_addr_split(addr, len, &a) == -1 ||
	    a.locallen > SMTP_LOCAL_MAX || a.domainlen > SMTP_DOMAIN_MAX ||
	    strlen(a.domain) != a.domainlen)
		abort();
}

/* check_auth - a parsed AUTH points inside its arguments, within bounds */
static void
check_auth(const struct smtp_auth *a, const char *args, size_t len)
{
	if (a->name != args || a->namelen == 0 ||
	    a->namelen > SMTP_SASL_MECH_MAX || a->namelen > len)
		abort();
	if (a->mech != SMTP_AUTH_PLAIN && a->mech != SMTP_AUTH_LOGIN &&
	    a->mech != SMTP_AUTH_OTHER)
		abort();
	if (!a->initial) {
		if (a->resp != NULL || a->resplen != 0)
			abort();
		return;
	}
	if (a->resp < args + a->namelen || a->resp + a->resplen > args + len ||
	    a->resplen > SMTP_AUTH_RESP_MAX || a->resplen % 4 != 0)
		abort();
}

/* LLVMFuzzerTestOneInput - every parser on the same bytes */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct smtp_command cmd;
	struct smtp_mail mail;
	struct smtp_rcpt rcpt;
	struct smtp_auth auth;
	struct smtp_error err;
	uint64_t chunk;
	char	 decoded[64];
	size_t	 len;
	int	 utf8, last;

	if (smtp_parse_command(line, size, &cmd) == 0 &&
	    cmd.verb == SMTP_CMD_UNKNOWN)
		abort();
	if (cmd.args < line || cmd.args + cmd.argslen > line + size)
		abort();

	/* Arguments of any verb, so the corpus reaches every parser. */
	if (smtp_parse_mail(cmd.args, cmd.argslen, &mail, &err) == 0) {
		check_addr(mail.addr, mail.addrlen, 1);
		if (strlen(mail.envid) > SMTP_ENVID_MAX)
			abort();
	} else
		check_error(&err);
	for (utf8 = 0; utf8 <= 1; utf8++) {
		if (smtp_parse_rcpt(cmd.args, cmd.argslen, utf8, &rcpt,
		    &err) == 0) {
			check_addr(rcpt.addr, rcpt.addrlen, 0);
			if (strlen(rcpt.orcpt) > SMTP_ORCPT_MAX)
				abort();
		} else
			check_error(&err);
	}
	if (smtp_parse_auth(cmd.args, cmd.argslen, &auth, &err) == 0)
		check_auth(&auth, cmd.args, cmd.argslen);
	else
		check_error(&err);
	if (smtp_parse_bdat(cmd.args, cmd.argslen, &chunk, &last, &err) == 0) {
		if ((last != 0 && last != 1) || cmd.argslen == 0 ||
		    cmd.argslen > SMTP_BDAT_DIGITS_MAX + 5)
			abort();
	} else {
		check_error(&err);
		if (chunk != 0 || last != 0)
			abort();
	}
	if (smtp_xtext_decode(line, size, decoded, sizeof(decoded), &len) == 0
	    && (len >= sizeof(decoded) || len > size))
		abort();
	return 0;
}
