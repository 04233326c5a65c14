/*
 * dedup.c - the keys of duplicate suppression and opt-out:
 * dedup = { window; } and optout = { file; keywords; }, and their defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"

static const struct keydef dedup_keys[] = {
	{ .name = "window", .type = K_DURATION, .off = OFF(dedup.window),
	  .min = 1, .max = 30 * DAY, .flags = KF_TERSE },
	{ .name = NULL }
};

/* the STOP words of the English and German speaking networks */
static const char *const default_keywords[] = {
	"STOP", "STOPP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
	"ABMELDEN", "ABBESTELLEN", "AUSTRAGEN",
};

#define NDEFAULT_KEYWORDS \
	(sizeof(default_keywords) / sizeof(default_keywords[0]))

/* valid_keyword - one word a subscriber would text: letters and digits */
static const char *
valid_keyword(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > 32 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") != n)
		return "must be one word of 1 to 32 ASCII letters or digits";
	return NULL;
}

static const struct keydef optout_keys[] = {
	{ .name = "file", .type = K_STRING, .off = OFF(optout.file),
	  .valid = conf_valid_text },
	{ .name = "keywords", .type = K_STRLIST, .off = OFF(optout.keywords),
	  .noff = OFF(optout.nkeywords), .valid = valid_keyword,
	  .flags = KF_NONEMPTY },
	{ .name = NULL }
};

const struct keydef conf_dedup_section[] = {
	{ .name = "dedup", .type = K_GROUP, .sub = dedup_keys },
	{ .name = "optout", .type = K_GROUP, .sub = optout_keys },
	{ .name = NULL }
};

/*
 * conf_optout_fill - see schema.h: the list lives in the spool, the usual
 * STOP words unless keywords are given
 */
int
conf_optout_fill(struct loader *ld, const conf_setting *root, struct conf *c)
{
	size_t	 i;

	(void)root;
	if (c->optout.file == NULL &&
	    (c->optout.file = conf_join(c->spool, "/optout")) == NULL)
		return conf_nomem(ld);
	if (c->optout.keywords != NULL)
		return 0;
	if ((c->optout.keywords = calloc(NDEFAULT_KEYWORDS,
	    sizeof(*c->optout.keywords))) == NULL)
		return conf_nomem(ld);
	c->optout.nkeywords = NDEFAULT_KEYWORDS;
	for (i = 0; i < NDEFAULT_KEYWORDS; i++)
		if ((c->optout.keywords[i] = strdup(default_keywords[i])) ==
		    NULL)
			return conf_nomem(ld);
	return 0;
}
