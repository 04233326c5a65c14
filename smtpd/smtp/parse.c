/*
 * parse.c - SMTP command lines taken apart with explicit bounds and no
 * allocation: verbs, MAIL/RCPT paths and ESMTP parameters, AUTH and BDAT
 * arguments, xtext. The address grammar is envelope.c's.
 */
#include <arpa/inet.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/datetime.h"
#include "sms/lib/utf8.h"
#include "smtpd/envelope.h"
#include "smtpd/smtp/parse.h"

enum role { ROLE_SENDER, ROLE_RECIPIENT };

struct param {
	const unsigned char	*kw;
	size_t			 kwlen;
	const unsigned char	*val;		/* NULL: no "=value" */
	size_t			 vallen;
};

static const struct {
	const char		*name;
	enum smtp_verb		 verb;
} verbs[] = {
	{ "HELO", SMTP_CMD_HELO }, { "EHLO", SMTP_CMD_EHLO },
	{ "MAIL", SMTP_CMD_MAIL }, { "RCPT", SMTP_CMD_RCPT },
	{ "DATA", SMTP_CMD_DATA }, { "RSET", SMTP_CMD_RSET },
	{ "NOOP", SMTP_CMD_NOOP }, { "QUIT", SMTP_CMD_QUIT },
	{ "VRFY", SMTP_CMD_VRFY }, { "EXPN", SMTP_CMD_EXPN },
	{ "HELP", SMTP_CMD_HELP }, { "STARTTLS", SMTP_CMD_STARTTLS },
	{ "AUTH", SMTP_CMD_AUTH }, { "BDAT", SMTP_CMD_BDAT },
};

/* set_error - fill err (which may be NULL) and fail */
static int
set_error(struct smtp_error *err, int code, const char *enhanced,
    const char *text)
{
	if (err != NULL) {
		err->code = code;
		err->enhanced = enhanced;
		err->text = text;
	}
	return -1;
}

/* is_wsp - SP or HTAB, the separators Postfix tolerates between words */
static int
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* is_mech_char - a character of a SASL mechanism name, either case */
static int
is_mech_char(unsigned char c)
{
	return ascii_alnum(c) || c == '-' || c == '_';
}

/* is_base64_char - the RFC 4648 alphabet, padding excluded */
static int
is_base64_char(unsigned char c)
{
	return ascii_alnum(c) || c == '+' || c == '/';
}

/* addr_error - the reply for an address fault, sender or recipient flavour */
static int
addr_error(enum smtp_addr_fault fault, enum role role, struct smtp_error *err)
{
	const char *enh = role == ROLE_SENDER ? "5.1.7" : "5.1.3";

	switch (fault) {
	case SMTP_ADDR_LOCAL_LONG:
		return set_error(err, 501, enh, "Local part too long");
	case SMTP_ADDR_DOMAIN_LONG:
		return set_error(err, 501, enh, "Domain too long");
	case SMTP_ADDR_PATH_LONG:
		return set_error(err, 501, enh, "Path too long");
	default:
		return set_error(err, 501, enh, role == ROLE_SENDER ?
		    "Bad sender address syntax" :
		    "Bad recipient address syntax");
	}
}

/* addr_flags - a recipient may be a bare postmaster (RFC 5321 4.1.1.3) */
static unsigned
addr_flags(enum role role)
{
	return role == ROLE_RECIPIENT ? SMTP_ADDR_POSTMASTER : 0;
}

/*
 * path_end - offset of the byte that ends a path at s: '>' for <path>, SP
 * or HTAB for a bare address; quoted strings may hold either. n if none.
 */
static size_t
path_end(const unsigned char *s, size_t n, int bare)
{
	size_t	 i;
	int	 quoted = 0;

	for (i = 0; i < n; i++) {
		if (quoted) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				quoted = 0;
		} else if (s[i] == '"')
			quoted = 1;
		else if (bare ? is_wsp(s[i]) : s[i] == '>')
			return i;
	}
	return n;
}

/*
 * take_path - the path after "FROM:"/"TO:" (spaces before it tolerated);
 * *consumed covers it, and what follows must be the end or a space.
 */
static int
take_path(const unsigned char *s, size_t n, enum role role, char *addr,
    size_t *addrlen, int *nonascii, size_t *consumed, struct smtp_error *err)
{
	enum smtp_addr_fault fault;
	size_t	 i = 0, end;

	while (i < n && is_wsp(s[i]))
		i++;
	if (i == n)
		return set_error(err, 501, "5.5.4", role == ROLE_SENDER ?
		    "Syntax: MAIL FROM:<address>" : "Syntax: RCPT TO:<address>");
	if (s[i] == '<') {
		i++;
		if ((end = i + path_end(s + i, n - i, 0)) == n)
			return addr_error(SMTP_ADDR_SYNTAX, role, err);
		if (end == i) {
			if (role == ROLE_RECIPIENT)
				return set_error(err, 501, "5.1.3",
				    "Null recipient address not allowed");
			addr[0] = '\0';
			*addrlen = 0;
			fault = SMTP_ADDR_OK;
		} else
			fault = smtp_addr_parse((const char *)s + i, end - i,
			    SMTP_ADDR_ROUTE | addr_flags(role), addr, addrlen,
			    nonascii);
		end++;
	} else {
		end = i + path_end(s + i, n - i, 1);
		fault = smtp_addr_parse((const char *)s + i, end - i,
		    addr_flags(role), addr, addrlen, nonascii);
	}
	if (fault != SMTP_ADDR_OK)
		return addr_error(fault, role, err);
	if (end < n && !is_wsp(s[end]))
		return addr_error(SMTP_ADDR_SYNTAX, role, err);
	*consumed = end;
	return 0;
}

/*
 * next_param - the next "keyword[=value]" (RFC 5321 4.1.2 esmtp-param) at
 * *pos; 1 with p filled, 0 at the end, -1 on bad syntax.
 */
static int
next_param(const unsigned char *s, size_t n, size_t *pos, struct param *p)
{
	size_t	 i = *pos, k;

	while (i < n && is_wsp(s[i]))
		i++;
	if (i == n)
		return 0;
	p->kw = s + i;
	if (!ascii_alpha(s[i]) && !ascii_digit(s[i]))
		return -1;
	while (i < n && (ascii_alpha(s[i]) || ascii_digit(s[i]) || s[i] == '-'))
		i++;
	p->kwlen = s + i - p->kw;
	p->val = NULL;
	p->vallen = 0;
	if (i < n && s[i] == '=') {
		p->val = s + ++i;
		while (i < n && !is_wsp(s[i])) {
			if (s[i] >= 0x80 && (k = utf8_decode(s + i, n - i, NULL)) != 0)
				i += k;
			else if (s[i] >= 33 && s[i] <= 126 && s[i] != '=')
				i++;
			else
				return -1;
		}
		p->vallen = s + i - p->val;
		if (p->vallen == 0)
			return -1;
	}
	if (i < n && !is_wsp(s[i]))
		return -1;
	*pos = i;
	return 1;
}

/* is_printable - decoded ENVID/ORCPT text fit for a DSN field (RFC 3461) */
static int
is_printable(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126)
			return 0;
	return 1;
}

/*
 * is_mailbox_text - a decoded AUTH= mailbox holds no control characters;
 * SP may stand in a quoted local part, UTF-8 in an SMTPUTF8 identity.
 */
static int
is_mailbox_text(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 32 || (unsigned char)s[i] == 127)
			return 0;
	return 1;
}

/* parse_digits - 1..maxdigits ASCII digits, no sign, without overflow */
static int
parse_digits(const unsigned char *v, size_t n, size_t maxdigits,
    uint64_t *out)
{
	uint64_t value = 0;
	size_t	 i;

	if (n == 0 || n > maxdigits)
		return -1;
	for (i = 0; i < n; i++) {
		if (!ascii_digit(v[i]) || value > (UINT64_MAX - (v[i] - '0')) / 10)
			return -1;
		value = value * 10 + (v[i] - '0');
	}
	*out = value;
	return 0;
}

/* mail_param - apply one MAIL parameter */
static int
mail_param(struct smtp_mail *m, const struct param *p, struct smtp_error *err)
{
	char	 scratch[SMTP_PATH_MAX + 1];
	const char *v = (const char *)p->val;
	size_t	 n = p->vallen, len;
	unsigned bit;

	if (ascii_iequal(p->kw, p->kwlen, "SIZE"))
		bit = SMTP_PARAM_SIZE;
	else if (ascii_iequal(p->kw, p->kwlen, "BODY"))
		bit = SMTP_PARAM_BODY;
	else if (ascii_iequal(p->kw, p->kwlen, "RET"))
		bit = SMTP_PARAM_RET;
	else if (ascii_iequal(p->kw, p->kwlen, "ENVID"))
		bit = SMTP_PARAM_ENVID;
	else if (ascii_iequal(p->kw, p->kwlen, "SMTPUTF8"))
		bit = SMTP_PARAM_SMTPUTF8;
	else if (ascii_iequal(p->kw, p->kwlen, "AUTH"))
		bit = SMTP_PARAM_AUTH;
	else if (ascii_iequal(p->kw, p->kwlen, "HOLDFOR"))
		bit = SMTP_PARAM_HOLDFOR;
	else if (ascii_iequal(p->kw, p->kwlen, "HOLDUNTIL"))
		bit = SMTP_PARAM_HOLDUNTIL;
	else
		return set_error(err, 555, "5.5.4", "Unsupported parameter");
	if (m->params & bit)
		return set_error(err, 501, "5.5.4", "Duplicate parameter");
	m->params |= bit;

	switch (bit) {
	case SMTP_PARAM_SIZE:
		/* size-value is 1*20DIGIT (RFC 1870 3) */
		if (v == NULL || parse_digits(p->val, n, 20, &m->size) == -1)
			return set_error(err, 501, "5.5.4",
			    "Bad SIZE parameter");
		break;
	case SMTP_PARAM_BODY:
		if (v != NULL && ascii_iequal(p->val, n, "7BIT"))
			m->body = SMTP_BODY_7BIT;
		else if (v != NULL && ascii_iequal(p->val, n, "8BITMIME"))
			m->body = SMTP_BODY_8BITMIME;
		else
			return set_error(err, 501, "5.5.4",
			    "Bad BODY parameter");
		break;
	case SMTP_PARAM_RET:
		if (v != NULL && ascii_iequal(p->val, n, "FULL"))
			m->ret = SMTP_RET_FULL;
		else if (v != NULL && ascii_iequal(p->val, n, "HDRS"))
			m->ret = SMTP_RET_HDRS;
		else
			return set_error(err, 501, "5.5.4",
			    "Bad RET parameter");
		break;
	case SMTP_PARAM_ENVID:
		if (v == NULL || n > SMTP_ENVID_MAX ||
		    smtp_xtext_decode(v, n, m->envid, sizeof(m->envid),
		    &len) == -1 || len == 0 || !is_printable(m->envid, len))
			return set_error(err, 501, "5.5.4",
			    "Bad ENVID parameter");
		break;
	case SMTP_PARAM_SMTPUTF8:
		if (v != NULL)
			return set_error(err, 501, "5.5.4",
			    "SMTPUTF8 takes no value");
		break;
	case SMTP_PARAM_AUTH:
		/*
		 * Validated, not kept: the identity that counts is the one
		 * the session authenticated, never what a client claims for
		 * a message (RFC 4954 5 leaves trusting it to us).
		 */
		if (v == NULL || (!ascii_iequal(p->val, n, "<>") &&
		    (smtp_xtext_decode(v, n, scratch, sizeof(scratch),
		    &len) == -1 || len == 0 || !is_mailbox_text(scratch, len))))
			return set_error(err, 501, "5.5.4",
			    "Bad AUTH parameter");
		break;
	case SMTP_PARAM_HOLDFOR:
		if (v == NULL || parse_digits(p->val, n, SMTP_HOLDFOR_DIGITS,
		    &m->holdfor) == -1)
			return set_error(err, 501, "5.5.4",
			    "Bad HOLDFOR parameter: seconds expected");
		break;
	case SMTP_PARAM_HOLDUNTIL:
		if (v == NULL || datetime_rfc3339(v, n, &m->holduntil) != NULL)
			return set_error(err, 501, "5.5.4", "Bad HOLDUNTIL "
			    "parameter: YYYY-MM-DDTHH:MM:SSZ expected");
		break;
	}
	return 0;
}

/* parse_notify - "NEVER" or a list of SUCCESS, FAILURE, DELAY (RFC 3461 4.1) */
static int
parse_notify(const unsigned char *v, size_t n, unsigned *notify)
{
	size_t	 i = 0, start;
	unsigned flags = 0, bit;

	while (i <= n) {
		start = i;
		while (i < n && v[i] != ',')
			i++;
		if (ascii_iequal(v + start, i - start, "NEVER"))
			bit = SMTP_NOTIFY_NEVER;
		else if (ascii_iequal(v + start, i - start, "SUCCESS"))
			bit = SMTP_NOTIFY_SUCCESS;
		else if (ascii_iequal(v + start, i - start, "FAILURE"))
			bit = SMTP_NOTIFY_FAILURE;
		else if (ascii_iequal(v + start, i - start, "DELAY"))
			bit = SMTP_NOTIFY_DELAY;
		else
			return -1;
		/* a keyword given twice is a malformed list, not a no-op */
		if (flags & bit)
			return -1;
		flags |= bit;
		i++;
	}
	if ((flags & SMTP_NOTIFY_NEVER) && flags != SMTP_NOTIFY_NEVER)
		return -1;
	*notify = flags;
	return 0;
}

/*
 * parse_orcpt - "addr-type;xtext" into out as "addr-type;decoded", which is
 * what RFC 3464 2.3.1 puts in Original-Recipient.
 */
static int
parse_orcpt(const unsigned char *v, size_t n, char *out, size_t outsz)
{
	size_t	 type, len;

	if (n > SMTP_ORCPT_MAX)
		return -1;
	for (type = 0; type < n && smtp_atext(v[type]); type++)
		;
	if (type == 0 || type == n || v[type] != ';' || type + 1 >= outsz)
		return -1;
	memcpy(out, v, type + 1);
	if (smtp_xtext_decode((const char *)v + type + 1, n - type - 1,
	    out + type + 1, outsz - type - 1, &len) == -1 || len == 0 ||
	    !is_printable(out + type + 1, len))
		return -1;
	return 0;
}

/* rcpt_param - apply one RCPT parameter */
static int
rcpt_param(struct smtp_rcpt *r, const struct param *p, struct smtp_error *err)
{
	unsigned bit;

	if (ascii_iequal(p->kw, p->kwlen, "NOTIFY"))
		bit = SMTP_PARAM_NOTIFY;
	else if (ascii_iequal(p->kw, p->kwlen, "ORCPT"))
		bit = SMTP_PARAM_ORCPT;
	else
		return set_error(err, 555, "5.5.4", "Unsupported parameter");
	if (r->params & bit)
		return set_error(err, 501, "5.5.4", "Duplicate parameter");
	r->params |= bit;
	if (bit == SMTP_PARAM_NOTIFY) {
		if (p->val == NULL ||
		    parse_notify(p->val, p->vallen, &r->notify) == -1)
			return set_error(err, 501, "5.5.4",
			    "Bad NOTIFY parameter");
	} else if (p->val == NULL ||
	    parse_orcpt(p->val, p->vallen, r->orcpt, sizeof(r->orcpt)) == -1)
		return set_error(err, 501, "5.5.4", "Bad ORCPT parameter");
	return 0;
}

/* smtp_parse_command - split a command line into verb and arguments */
int
smtp_parse_command(const char *line, size_t len, struct smtp_command *out)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t	 i = 0, start, end, v;

	while (i < len && is_wsp(s[i]))
		i++;
	start = i;
	while (i < len && !is_wsp(s[i]))
		i++;
	end = i;
	while (i < len && is_wsp(s[i]))
		i++;
	out->args = line + i;
	out->argslen = len - i;
	while (out->argslen > 0 && is_wsp(s[i + out->argslen - 1]))
		out->argslen--;
	out->verb = SMTP_CMD_UNKNOWN;
	for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		if (ascii_iequal(s + start, end - start, verbs[v].name)) {
			out->verb = verbs[v].verb;
			return 0;
		}
	}
	return -1;
}

/* smtp_check_line - no NUL, C0 (but HTAB) or DEL anywhere in the line */
int
smtp_check_line(const char *line, size_t len, struct smtp_error *err)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return set_error(err, 501, "5.5.2",
			    "Control character in command line");
	return 0;
}

/* smtp_parse_mail - MAIL arguments: reverse-path and parameters */
int
smtp_parse_mail(const char *args, size_t len, struct smtp_mail *out,
    struct smtp_error *err)
{
	const unsigned char *s = (const unsigned char *)args;
	struct param p;
	size_t	 pos;
	int	 nonascii = 0, r;

	memset(out, 0, sizeof(*out));
	if (len < 5 || !ascii_iequal(s, 5, "FROM:"))
		return set_error(err, 501, "5.5.4",
		    "Syntax: MAIL FROM:<address>");
	if (take_path(s + 5, len - 5, ROLE_SENDER, out->addr, &out->addrlen,
	    &nonascii, &pos, err) == -1)
		return -1;
	pos += 5;
	while ((r = next_param(s, len, &pos, &p)) == 1)
		if (mail_param(out, &p, err) == -1)
			return -1;
	if (r == -1)
		return set_error(err, 501, "5.5.4", "Bad parameter syntax");
	if ((out->params & SMTP_PARAM_HOLDFOR) &&
	    (out->params & SMTP_PARAM_HOLDUNTIL))
		return set_error(err, 501, "5.5.4",
		    "HOLDFOR and HOLDUNTIL exclude each other");
	if (nonascii && !(out->params & SMTP_PARAM_SMTPUTF8))
		return set_error(err, 553, "5.6.7",
		    "Non-ASCII sender address requires SMTPUTF8");
	return 0;
}

/* smtp_parse_rcpt - RCPT arguments: forward-path and parameters */
int
smtp_parse_rcpt(const char *args, size_t len, int smtputf8,
    struct smtp_rcpt *out, struct smtp_error *err)
{
	const unsigned char *s = (const unsigned char *)args;
	struct param p;
	size_t	 pos;
	int	 nonascii = 0, r;

	memset(out, 0, sizeof(*out));
	if (len < 3 || !ascii_iequal(s, 3, "TO:"))
		return set_error(err, 501, "5.5.4",
		    "Syntax: RCPT TO:<address>");
	if (take_path(s + 3, len - 3, ROLE_RECIPIENT, out->addr,
	    &out->addrlen, &nonascii, &pos, err) == -1)
		return -1;
	pos += 3;
	while ((r = next_param(s, len, &pos, &p)) == 1)
		if (rcpt_param(out, &p, err) == -1)
			return -1;
	if (r == -1)
		return set_error(err, 501, "5.5.4", "Bad parameter syntax");
	if (nonascii && !smtputf8)
		return set_error(err, 553, "5.6.7",
		    "Non-ASCII recipient address requires SMTPUTF8");
	return 0;
}

/*
 * is_base64 - RFC 4954's base64: whole quanta of four, with "=" or "=="
 * only as the last quantum's padding.
 */
static int
is_base64(const unsigned char *s, size_t n)
{
	size_t	 i, pad = 0;

	if (n == 0 || n % 4 != 0)
		return 0;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (!is_base64_char(s[i]))
			return 0;
	return 1;
}

/*
 * smtp_parse_auth - AUTH arguments. Like the verb, the response may follow
 * any run of SP/HTAB. An unknown but well-formed mechanism is not an error
 * here: the session answers it with 504.
 */
int
smtp_parse_auth(const char *args, size_t len, struct smtp_auth *out,
    struct smtp_error *err)
{
	const unsigned char *s = (const unsigned char *)args;
	size_t	 i = 0, start;

	memset(out, 0, sizeof(*out));
	while (i < len && is_mech_char(s[i]))
		i++;
	if (i == 0 || i > SMTP_SASL_MECH_MAX || (i < len && !is_wsp(s[i])))
		return set_error(err, 501, "5.5.4",
		    "Syntax: AUTH mechanism [initial-response]");
	out->name = args;
	out->namelen = i;
	if (ascii_iequal(s, i, "PLAIN"))
		out->mech = SMTP_AUTH_PLAIN;
	else if (ascii_iequal(s, i, "LOGIN"))
		out->mech = SMTP_AUTH_LOGIN;
	else
		out->mech = SMTP_AUTH_OTHER;
	while (i < len && is_wsp(s[i]))
		i++;
	if (i == len)
		return 0;
	start = i;
	while (i < len && !is_wsp(s[i]))
		i++;
	if (i - start > SMTP_AUTH_RESP_MAX)
		return set_error(err, 500, "5.5.6",
		    "Authentication exchange line is too long");
	if (i != len || !(ascii_iequal(s + start, i - start, "=") ||
	    is_base64(s + start, i - start)))
		return set_error(err, 501, "5.5.4",
		    "Syntax: AUTH mechanism [initial-response]");
	out->initial = 1;
	out->resp = args + start;
	out->resplen = s[start] == '=' ? 0 : i - start;
	return 0;
}

/*
 * smtp_parse_bdat - BDAT arguments, read strictly: unlike a command line,
 * the octets that follow are counted by this number, so a misread size
 * would desynchronise the session.
 */
int
smtp_parse_bdat(const char *args, size_t len, uint64_t *size, int *last,
    struct smtp_error *err)
{
	const unsigned char *s = (const unsigned char *)args;
	uint64_t value;
	size_t	 digits = 0;

	*size = 0;
	*last = 0;
	while (digits < len && ascii_digit(s[digits]))
		digits++;
	if (parse_digits(s, digits, SMTP_BDAT_DIGITS_MAX, &value) == -1 ||
	    (digits < len && (len - digits != 5 || s[digits] != ' ' ||
	    !ascii_iequal(s + digits + 1, 4, "LAST"))))
		return set_error(err, 501, "5.5.4",
		    "Syntax: BDAT chunk-size [LAST]");
	*size = value;
	*last = digits < len;
	return 0;
}

/*
 * smtp_xtext_decode - "+HH" hexchars and xchars (RFC 3461 4); lower-case
 * hex digits are tolerated. The result may hold any octet, NUL included.
 */
int
smtp_xtext_decode(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t	 i, o = 0;
	int	 hi, lo;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '+') {
			if (len - i < 3 || (hi = ascii_hex(s[i + 1])) == -1 ||
			    (lo = ascii_hex(s[i + 2])) == -1)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c < 33 || c > 126 || c == '=')
			return -1;
		if (o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	if (outsz == 0)
		return -1;
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return 0;
}
