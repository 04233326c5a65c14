/*
 * fuzz_smtp_parse.c - libFuzzer target: one command line through the verb
 * parser, then MAIL, RCPT (with its phone number), AUTH (with the SASL
 * response) and BDAT argument parsing, with invariants checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/number.h"
#include "smtpd/envelope.h"
#include "smtpd/smtp/sasl_codec.h"
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

/* check_number - a recipient's number as RCPT takes it: E.164 or a reason */
static void
check_number(const char *addr, size_t len)
{
	struct smtp_addr a;
	char		 e164[E164_MAX + 1];
	size_t		 n, i;

	if (smtp_addr_split(addr, len, &a) == -1)
		abort();
	memset(e164, 'x', sizeof(e164));
	switch (number_parse(a.local, a.locallen, "49", e164)) {
	case NUMBER_OK:
		n = strnlen(e164, sizeof(e164));
		/* '+', a country code without a leading 0, 7 to 15 digits */
		if (n == sizeof(e164) || n < 8 || e164[0] != '+' ||
		    e164[1] == '0')
			abort();
		for (i = 1; i < n; i++)
			if (e164[i] < '0' || e164[i] > '9')
				abort();
		break;
	case NUMBER_EMPTY:
	case NUMBER_BAD_CHAR:
	case NUMBER_TOO_SHORT:
	case NUMBER_TOO_LONG:
	case NUMBER_NO_COUNTRY:
	case NUMBER_BAD_COUNTRY:
		break;
	default:	/* NUMBER_NOT_ALLOWED is number_allowed()'s to say */
		abort();
	}
}

/*
 * check_sasl - a response as the AUTH exchange decodes it: PLAIN into its
 * three fields, LOGIN into a name; the decoded size fits what was asked.
 */
static void
check_sasl(const char *b64, size_t len)
{
	char	 msg[AUTH_USER_MAX * 2 + AUTH_PASS_MAX + 3];
	char	 user[AUTH_USER_MAX + 1], pass[AUTH_PASS_MAX + 1];
	size_t	 n;

	if (sasl_base64_decode(b64, len, msg, sizeof(msg), &n) == 0) {
		if (n >= sizeof(msg) || msg[n] != '\0' || n > len)
			abort();
		if (sasl_plain_split(msg, n, user, pass) == 0 &&
		    (user[0] == '\0' || pass[0] == '\0' ||
		    strlen(user) > AUTH_USER_MAX ||
		    strlen(pass) > AUTH_PASS_MAX))
			abort();
	}
	if (sasl_base64_decode(b64, len, user, sizeof(user), &n) == 0 &&
	    (n >= sizeof(user) || user[n] != '\0'))
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
			check_number(rcpt.addr, rcpt.addrlen);
			if (strlen(rcpt.orcpt) > SMTP_ORCPT_MAX)
				abort();
		} else
			check_error(&err);
	}
	if (smtp_parse_auth(cmd.args, cmd.argslen, &auth, &err) == 0) {
		check_auth(&auth, cmd.args, cmd.argslen);
		if (auth.initial)
			check_sasl(auth.resp, auth.resplen);
	} else
		check_error(&err);
	/* a line of the AUTH exchange is a response as it stands */
	check_sasl(line, size);
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
