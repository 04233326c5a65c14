/*
 * dedup.c - the keys of duplicate suppression and opt-out:
 * dedup = { window; } and optout = { file; }, and the opt-out file's default.
 */
#include <stdlib.h>

#include "conf/schema.h"

static const struct keydef dedup_keys[] = {
	{ .name = "window", .type = K_DURATION, .off = OFF(dedup.window),
	  .min = 1, .max = 30 * DAY, .flags = KF_TERSE },
	{ .name = NULL }
};

static const struct keydef optout_keys[] = {
	{ .name = "file", .type = K_STRING, .off = OFF(optout.file),
	  .valid = conf_valid_text },
	{ .name = NULL }
};

const struct keydef conf_dedup_section[] = {
	{ .name = "dedup", .type = K_GROUP, .sub = dedup_keys },
	{ .name = "optout", .type = K_GROUP, .sub = optout_keys },
	{ .name = NULL }
};

/* conf_optout_fill - see schema.h: the list lives in the spool by default */
int
conf_optout_fill(struct loader *ld, const conf_setting *root, struct conf *c)
{
	(void)root;
	if (c->optout.file == NULL &&
	    (c->optout.file = conf_join(c->spool, "/optout")) == NULL)
		return conf_nomem(ld);
	return 0;
}
