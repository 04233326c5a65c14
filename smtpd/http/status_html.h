/*
 * status_html.h - the /status page: tables rendered here so it reads
 * without JavaScript, charts drawn in the browser from the embedded JSON.
 */
#ifndef SMSRELAY_STATUS_HTML_H
#define SMSRELAY_STATUS_HTML_H

#include <event2/buffer.h>

#include "smtpd/http/status_snapshot.h"

/*
 * status_html - the page of s into out; json is status_json(s) and nonce
 * the Content-Security-Policy nonce of its one script. -1 without memory.
 */
int	 status_html(struct evbuffer *out, const struct status_snapshot *s,
	    const char *json, const char *nonce);
/* status_html_escape - text with & < > " ' as entities; -1 without memory */
int	 status_html_escape(struct evbuffer *out, const char *text);

#endif
