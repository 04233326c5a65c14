/*
 * status_json.c - /status.json: the queue by state, the per-minute series
 * of the last 24 hours, failures by reason, backends, top senders and the
 * oldest deferred messages, built with jansson.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smtpd/http/status_json.h"

/*
 * text - a JSON string of untrusted text; bytes that are not valid UTF-8
 * (jansson refuses them) become '?', so one bad address costs no page
 */
static json_t *
text(const char *s)
{
	json_t	*j;
	char	*copy;
	size_t	 i;

	if ((j = json_string(s)) != NULL)
		return j;
	if ((copy = strdup(s)) == NULL)
		return NULL;
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* put - o[key] = v, taking v; -1 if v is NULL or memory runs out */
static int
put(json_t *o, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

/* append - a[] += v, taking v */
static int
append(json_t *a, json_t *v)
{
	return v == NULL ? -1 : json_array_append_new(a, v);
}

static json_t *
queue_json(const struct status_snapshot *s)
{
	json_t	*o = json_object();
	int	 i, rc = 0;

	if (o == NULL)
		return NULL;
	rc |= put(o, "messages", json_integer((json_int_t)s->messages));
	rc |= put(o, "partial", json_boolean(s->partial));
	rc |= put(o, "held_on_disk", json_integer((json_int_t)s->held));
	for (i = 0; i < SQ_STATES; i++)
		rc |= put(o, status_queue_state_name(i),
		    json_integer((json_int_t)s->queue[i]));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* history_json - {last_minute, series: {accepted: [1440], ...}, totals} */
static json_t *
history_json(const struct status_snapshot *s)
{
	json_t	*o = json_object(), *series = json_object(),
		*totals = json_object(), *a;
	int	 i, k, rc = 0;

	if (o == NULL || series == NULL || totals == NULL) {
		json_decref(o);
		json_decref(series);
		json_decref(totals);
		return NULL;
	}
	rc |= put(o, "last_minute", json_integer(s->last_minute));
	rc |= put(o, "series", series);
	rc |= put(o, "totals", totals);
	for (i = 0; i < HIST_SERIES && rc == 0; i++) {
		rc |= put(series, status_series_name(i), a = json_array());
		for (k = 0; k < HISTORY_MINUTES && rc == 0; k++)
			rc |= append(a, json_integer(
			    s->minutes[i * HISTORY_MINUTES + k]));
		rc |= put(totals, status_series_name(i),
		    json_integer((json_int_t)s->day_total[i]));
	}
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
backend_json(const struct backend_status *b)
{
	char	 why[64];

	/* link: "-" for a backend without a session, since then 0 */
	backend_link_reason(&b->link, why, sizeof(why));
	return json_pack("{s:o, s:o, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, "
	    "s:I, s:I}", "name", text(b->name), "type", text(b->type),
	    "state", backend_state_name(b->state),
	    "link", backend_link_name(b->link.state),
	    "link_since", (json_int_t)b->link.since, "link_reason", why,
	    "until", (json_int_t)b->until,
	    "in_flight", (json_int_t)b->in_flight,
	    "waiting", (json_int_t)b->waiting,
	    "rate", (json_int_t)b->rate,
	    "parts_minute", (json_int_t)b->parts_minute,
	    "failures", (json_int_t)b->failures);
}

static json_t *
deferred_json(const struct status_deferred *d)
{
	return json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:o}",
	    "id", d->id, "sender", text(d->sender), "to", text(d->to),
	    "arrival", (json_int_t)d->arrival,
	    "next_try", (json_int_t)d->next_try,
	    "attempts", (json_int_t)d->attempts, "reason", text(d->reason));
}

static json_t *
sender_json(const struct history_row *r)
{
	return json_pack("{s:o, s:I, s:I}", "sender", text(r->key),
	    "messages", (json_int_t)r->messages,
	    "recipients", (json_int_t)r->recipients);
}

static json_t *
reason_json(const struct history_row *r)
{
	return json_pack("{s:o, s:o, s:I}", "status", text(r->key),
	    "example", text(r->example), "recipients",
	    (json_int_t)r->messages);
}

/* lists - the arrays of the document */
static int
lists(json_t *o, const struct status_snapshot *s)
{
	json_t	*b = json_array(), *d = json_array(), *t = json_array(),
		*f = json_array();
	size_t	 i;
	int	 rc = 0;

	rc |= put(o, "backends", b);
	rc |= put(o, "oldest_deferred", d);
	rc |= put(o, "top_senders", t);
	rc |= put(o, "failures", f);
	if (rc != 0)
		return -1;
	for (i = 0; i < s->nbackends; i++)
		rc |= append(b, backend_json(&s->backends[i]));
	for (i = 0; i < s->noldest; i++)
		rc |= append(d, deferred_json(&s->oldest[i]));
	for (i = 0; i < s->nsenders; i++)
		rc |= append(t, sender_json(&s->senders[i]));
	for (i = 0; i < s->nreasons; i++)
		rc |= append(f, reason_json(&s->reasons[i]));
	return rc;
}

/* escape_lt - '<' as \u003c: only strings hold one, and they stay equal */
static char *
escape_lt(char *json)
{
	size_t	 n = 0, i, k;
	char	*out;

	for (i = 0; json[i] != '\0'; i++)
		n += json[i] == '<';
	if (n == 0)
		return json;
	if ((out = malloc(i + 5 * n + 1)) != NULL) {
		for (i = k = 0; json[i] != '\0'; i++) {
			if (json[i] != '<') {
				out[k++] = json[i];
				continue;
			}
			memcpy(out + k, "\\u003c", 6);
			k += 6;
		}
		out[k] = '\0';
	}
	free(json);
	return out;
}

/* status_json - see status_json.h */
char *
status_json(const struct status_snapshot *s)
{
	const struct status_latency	*l = &s->latency;
	json_t				*o = json_object();
	char				*out = NULL;
	int				 rc = 0;

	if (o == NULL)
		return NULL;
	rc |= put(o, "now", json_integer(s->now));
	rc |= put(o, "queue", queue_json(s));
	rc |= put(o, "history", history_json(s));
	rc |= put(o, "latency_us", json_pack("{s:I, s:I, s:I, s:I}",
	    "count", (json_int_t)l->count, "mean", (json_int_t)l->mean_us,
	    "p50", (json_int_t)l->p50_us, "p95", (json_int_t)l->p95_us));
	if (rc == 0 && lists(o, s) == 0)
		out = json_dumps(o, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(o);
	return out != NULL ? escape_lt(out) : NULL;
}
