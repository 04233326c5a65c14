/*
 * delivery_stats.c - the keys of the delivery statistics:
 * stats = { keep; flush; }, how many days are kept and how often saved.
 */
#include "conf/schema.h"

static const struct keydef stats_keys[] = {
	{ .name = "keep", .type = K_DURATION, .off = OFF(stats.keep),
	  .min = DAY, .max = 3660 * DAY, .def = 400 * DAY },
	{ .name = "flush", .type = K_DURATION, .off = OFF(stats.flush),
	  .min = 1, .max = HOUR, .def = 5 },
	{ .name = NULL }
};

const struct keydef conf_stats_section[] = {
	{ .name = "stats", .type = K_GROUP, .sub = stats_keys },
	{ .name = NULL }
};
