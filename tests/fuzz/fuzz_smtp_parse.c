/*
 * fuzz_smtp_parse.c - libFuzzer target: one command line through the verb
 * parser, then MAIL and RCPT argument parsing, with invariants checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/smtp_parse.h"

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

/* LLVMFuzzerTestOneInput - every parser on the same bytes */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct smtp_command cmd;
	struct smtp_mail mail;
	struct smtp_rcpt rcpt;
	struct smtp_error err;
	char	 decoded[64];
	size_t	 len;
	int	 utf8;

	if (smtp_parse_command(line, size, &cmd) == 0 &&
	    cmd.verb == SMTP_CMD_UNKNOWN)
		abort();
	if (cmd.args < line || cmd.args + cmd.argslen > line + size)
		abort();

	/* Arguments of any verb, so the corpus reaches both parsers. */
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
	if (smtp_xtext_decode(line, size, decoded, sizeof(decoded), &len) == 0
	    && (len >= sizeof(decoded) || len > size))
		abort();
	return 0;
}
