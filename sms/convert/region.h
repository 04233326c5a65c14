/*
 * region.h - a region code's country name and time zones, from the tzdata
 * tables (iso3166.tab, zone.tab): libphonenumber's C++ API has neither.
 */
#ifndef SMSRELAY_REGION_H
#define SMSRELAY_REGION_H

#include <stddef.h>

#include "sms/lib/tzfile.h"

#define REGION_ZONES_MAX	32	/* zone.tab has 29 for US, 27 for RU */

/*
 * region_load - read the tables of dir (ZONEINFO_DIR unless a test says
 * otherwise) once; later calls are no-ops. 0, or -1 when they cannot be
 * read (names are then the codes and no region has a zone).
 */
int		 region_load(const char *dir);

/* region_name - "Germany" for "DE"; the code itself when unknown */
const char	*region_name(const char *code);

/*
 * region_zones - up to max zone names of region code, in zone.tab's order
 * (the most populous first); the count, 0 when none is known
 */
size_t		 region_zones(const char *code, const char **zones, size_t max);

#endif
