/*
 * message.c - what becomes an SMS: numbers = { } (the recipient numbers
 * taken) and message = { } (how a mail turns into the text), with the rules
 * of message.template and message.transliterate.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

#define MAX_PREFIX_DIGITS 15	/* E.164: at most 15 digits */
#define MAX_TEMPLATE	1000	/* bytes of message.template */
#define MAX_MARKER	200	/* bytes of a disclaimer marker */

/* what sms/convert/text.c fills into message.template */
static const char *const template_placeholders[] = {
	"subject", "body", "from_name", "from", NULL
};
static const char *const subject_names[] = {
	"prepend", "ignore", "only", NULL
};
/* enum multi_zone: wait for every zone of the country, or the first */
static const char *const multi_zone_names[] = { "latest", "earliest", NULL };
static const char *const overflow_names[] = { "truncate", "refuse", NULL };
/* message.transliterate as a string; TRANSLIT_OFF is the boolean false */
static const char *const translit_names[] = {
	[TRANSLIT_TYPOGRAPHY] = "typography", [TRANSLIT_LETTERS] = "letters"
};

/* valid_country - a country calling code: 1-3 digits, no '+', no leading 0 */
static const char *
valid_country(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 1 || n > 3)
		return "must be 1-3 digits, e.g. \"49\"";
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be 1-3 digits without '+', e.g. \"49\"";
	if (s[0] == '0')
		return "must not start with 0";
	return NULL;
}

/* conf_valid_prefix - an E.164 prefix: '+' and 1-15 digits */
const char *
conf_valid_prefix(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 2 || s[0] != '+' || n > MAX_PREFIX_DIGITS + 1)
		return "must be '+' and 1-15 digits, e.g. \"+49\"";
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be '+' and 1-15 digits, e.g. \"+49\"";
	return NULL;
}

/* valid_marker - a disclaimer marker: one line of text, not too long */
static const char *
valid_marker(const char *s)
{
	if (strlen(s) > MAX_MARKER)
		return "is longer than 200 bytes";
	return conf_valid_text(s);
}

/*
 * parse_template - message.template: every '{' opens a placeholder
 * sms/convert/text.c knows, so a typo fails at load time instead of reaching
 * phones verbatim. Line breaks and tabs are allowed (a body on its own
 * line); other control characters are not.
 */
static int
parse_template(struct loader *ld, const conf_setting *s,
    const struct keydef *kd, void *base)
{
	struct conf	*c = base;
	const char	*v, *p, *close;
	size_t		 n, i;
	bool		 visible = false;

	(void)kd;
	if (conf_get_string(ld, s, NULL, &v) == -1)
		return -1;
	if (strlen(v) > MAX_TEMPLATE)
		return conf_fail(ld, s, "is longer than %d bytes",
		    MAX_TEMPLATE);
	for (p = v; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\n' && *p != '\t')
			visible = true;
		if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') ||
		    *p == 0x7f)
			return conf_fail(ld, s, "must not contain control "
			    "characters other than \\n and \\t");
		if (*p != '{')
			continue;
		if ((close = strchr(p, '}')) == NULL)
			return conf_fail(ld, s, "'{' without '}' (placeholders "
			    "are {subject}, {body}, {from_name} and {from})");
		n = (size_t)(close - p - 1);
		for (i = 0; template_placeholders[i] != NULL; i++)
			if (strlen(template_placeholders[i]) == n &&
			    memcmp(template_placeholders[i], p + 1, n) == 0)
				break;
		if (template_placeholders[i] == NULL)
			return conf_fail(ld, s, "unknown placeholder \"%.*s\" "
			    "(use {subject}, {body}, {from_name} or {from})",
			    (int)(n + 2 > 64 ? 64 : n + 2), p);
		p = close;
	}
	if (!visible)
		return conf_fail(ld, s, "must not be empty");
	free(c->message.template);
	if ((c->message.template = strdup(v)) == NULL)
		return conf_nomem(ld);
	return 0;
}

/*
 * parse_transliterate - false, "typography" or "letters"; true, written
 * before typography and letters were told apart, keeps meaning "letters",
 * so a file written then does what it did
 */
static int
parse_transliterate(struct loader *ld, const conf_setting *s,
    const struct keydef *kd, void *base)
{
	struct conf	*c = base;
	const char	*v;
	bool		 on;
	int		 i;

	(void)kd;
	if (conf_value_bool(s, &on) == 0) {
		c->message.transliterate = on ? TRANSLIT_LETTERS : TRANSLIT_OFF;
		return 0;
	}
	if ((v = conf_value_string(s)) == NULL)
		return conf_fail(ld, s, "must be false, \"typography\" or "
		    "\"letters\"");
	for (i = TRANSLIT_TYPOGRAPHY; i <= TRANSLIT_LETTERS; i++)
		if (strcmp(v, translit_names[i]) == 0) {
			c->message.transliterate = (enum translit_mode)i;
			return 0;
		}
	return conf_fail(ld, s, "\"%s\" is not false, \"typography\" or "
	    "\"letters\"", v);
}

/* print_transliterate - false, or the name of the mode */
static void
print_transliterate(FILE *fp, const struct keydef *kd, const void *base,
    int depth)
{
	enum translit_mode	 t = ((const struct conf *)base)->
				    message.transliterate;

	(void)kd;
	(void)depth;
	if (t == TRANSLIT_OFF)
		fputs("false", fp);
	else
		conf_put_string(fp, translit_names[t]);
}

static const struct keydef numbers_keys[] = {
	{ .name = "default_country", .type = K_STRING,
	  .off = OFF(numbers.default_country), .valid = valid_country },
	{ .name = "allow_prefixes", .type = K_STRLIST,
	  .off = OFF(numbers.allow_prefixes),
	  .noff = OFF(numbers.nallow_prefixes),
	  .valid = conf_valid_prefix, .flags = KF_NONEMPTY },
	{ .name = "validate", .type = K_BOOL, .off = OFF(numbers.validate),
	  .def = true },
	{ .name = "refuse_fixed_line", .type = K_BOOL,
	  .off = OFF(numbers.refuse_fixed_line), .def = false },
	{ .name = "multi_zone", .type = K_ENUM, .off = OFF(numbers.multi_zone),
	  .def = MULTI_ZONE_LATEST, .choices = multi_zone_names },
	{ .name = NULL }
};

/* an unset template stays unset: the subject mode keeps deciding */
static const struct keydef message_keys[] = {
	{ .name = "subject", .type = K_ENUM, .off = OFF(message.subject),
	  .def = SUBJECT_PREPEND, .choices = subject_names },
	{ .name = "template", .type = K_STRING, .off = OFF(message.template),
	  .parse = parse_template },
	{ .name = "max_parts", .type = K_UINT, .off = OFF(message.max_parts),
	  .min = 1, .max = 10, .def = 3 },
	{ .name = "overflow", .type = K_ENUM, .off = OFF(message.overflow),
	  .def = OVERFLOW_TRUNCATE, .choices = overflow_names },
	{ .name = "strip_signature", .type = K_BOOL,
	  .off = OFF(message.strip_signature), .def = true },
	{ .name = "strip_quotes", .type = K_BOOL,
	  .off = OFF(message.strip_quotes), .def = true },
	{ .name = "strip_mobile_signature", .type = K_BOOL,
	  .off = OFF(message.strip_mobile_signature), .def = true },
	/* shown even when empty, so -n says that none are set */
	{ .name = "disclaimer_markers", .type = K_STRLIST,
	  .off = OFF(message.disclaimer_markers),
	  .noff = OFF(message.ndisclaimer_markers), .valid = valid_marker,
	  .flags = KF_SHOW_EMPTY },
	{ .name = "transliterate", .type = K_ENUM,
	  .off = OFF(message.transliterate), .def = TRANSLIT_TYPOGRAPHY,
	  .parse = parse_transliterate, .print = print_transliterate },
	{ .name = "bracket_commands", .type = K_BOOL,
	  .off = OFF(message.bracket_commands), .def = true },
	{ .name = NULL }
};

const struct keydef conf_message_section[] = {
	{ .name = "numbers", .type = K_GROUP, .sub = numbers_keys },
	{ .name = "message", .type = K_GROUP, .sub = message_keys },
	{ .name = NULL }
};
