/*
 * tzfile.h - a time zone's UTC offset at an instant, read from its TZif file
 * under /usr/share/zoneinfo: no TZ variable, so safe with threads.
 */
#ifndef SMSRELAY_TZFILE_H
#define SMSRELAY_TZFILE_H

#include <stdint.h>

#define ZONEINFO_DIR		"/usr/share/zoneinfo"

/*
 * tz_offset - seconds east of UTC in zone ("Europe/Berlin") at t; 0, or -1
 * when the zone is unknown or its file unreadable. A zone's file is read
 * at its first use and kept; thread-safe.
 */
int	 tz_offset(const char *zone, int64_t t, int32_t *offset);

#endif
