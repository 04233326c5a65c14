/*
 * status_json.h - a status snapshot as the JSON document of /status.json,
 * which the HTML page also carries for its charts.
 */
#ifndef SMSRELAY_STATUS_JSON_H
#define SMSRELAY_STATUS_JSON_H

#include "smtpd/http/status_snapshot.h"

/*
 * status_json - the document, compact, with '/' and '<' escaped so that
 * it may sit inside an HTML script element; the caller frees it. NULL
 * without memory.
 */
char	*status_json(const struct status_snapshot *);

#endif
