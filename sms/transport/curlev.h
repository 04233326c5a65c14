/*
 * curlev.h - libcurl's multi interface driven by our libevent loop
 * (socket and timer callbacks, curl_multi_socket_action); one per process.
 */
#ifndef SMSRELAY_CURLEV_H
#define SMSRELAY_CURLEV_H

#include <curl/curl.h>
#include <event2/event.h>

struct curlev;

/* Called once per finished transfer, from the loop, with curl's result code. */
typedef void (*curlev_done_cb)(void *arg, CURL *easy, CURLcode result);

/*
 * curlev_new - the process's instance for this event_base: the first call
 * creates it, later calls with the same base return it with one more
 * reference (and apply max_connections). Each curlev_new is paired with
 * one curlev_free; the last one really frees.
 */
struct curlev	*curlev_new(struct event_base *, long max_connections);
/*
 * curlev_add - run easy; the callback owns easy afterwards (cleanup or reuse).
 * curlev uses CURLOPT_PRIVATE of easy: callers must not set it.
 */
int		 curlev_add(struct curlev *, CURL *easy, curlev_done_cb, void *arg);
/* curlev_remove - stop a transfer; no callback, the caller owns easy again */
int		 curlev_remove(struct curlev *, CURL *easy);
/*
 * curlev_free - drop one reference. The last one stops transfers still
 * running and calls their callbacks with CURLE_ABORTED_BY_CALLBACK, so each
 * curlev_add gets exactly one callback (unless curlev_remove'd).
 */
void		 curlev_free(struct curlev *);

#endif
