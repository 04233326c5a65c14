/*
 * status_html.c - the /status page: inline CSS, server-rendered tables of
 * every number (escaped: addresses and reasons come from strangers), and
 * one inline script that draws the 24-hour charts from the embedded JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "smtpd/http/status_html.h"
#include "sms/lib/datetime.h"

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}"
	"table{border-collapse:collapse;margin:.4em 0}"
	"th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"th{background:#f2f2f2}.up{color:#070}.down{color:#b00}"
	".throttled,.probing{color:#a60}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}"
	"figure{margin:0}figcaption{font-weight:bold}"
	"svg{border:1px solid #ddd;background:#fcfcfc}";

/*
 * The charts: one SVG per series, a polyline over the 1440 minutes scaled
 * to the series' peak, with the peak and the time span as labels.
 */
static const char script[] =
	"(function(){'use strict';"
	"var NS='http://www.w3.org/2000/svg',W=480,H=120,P=4;"
	"var data=JSON.parse(document.getElementById('status-data')"
	".textContent);"
	"function el(n,a){var e=document.createElementNS(NS,n);"
	"for(var k in a)e.setAttribute(k,a[k]);return e;}"
	"function draw(fig){var name=fig.getAttribute('data-series');"
	"var v=data.history.series[name];if(!v)return;"
	"var max=Math.max.apply(null,v.concat([1]));"
	"var svg=el('svg',{width:W,height:H+16,viewBox:'0 0 '+W+' '+(H+16),"
	"role:'img','aria-label':name+' per minute'});"
	"var pts=[];for(var i=0;i<v.length;i++){"
	"var x=P+i*(W-2*P)/(v.length-1),y=P+(H-2*P)*(1-v[i]/max);"
	"pts.push(x.toFixed(1)+','+y.toFixed(1));}"
	"svg.appendChild(el('line',{x1:P,y1:H-P,x2:W-P,y2:H-P,"
	"stroke:'#999'}));"
	"svg.appendChild(el('polyline',{points:pts.join(' '),fill:'none',"
	"stroke:fig.getAttribute('data-color'),'stroke-width':1.5}));"
	"var t=el('text',{x:P,y:H+12,'font-size':11});"
	"t.textContent='24 h ago';svg.appendChild(t);"
	"t=el('text',{x:W-P,y:H+12,'font-size':11,'text-anchor':'end'});"
	"t.textContent='now';svg.appendChild(t);"
	"t=el('text',{x:W-P,y:14,'font-size':11,'text-anchor':'end'});"
	"t.textContent='peak '+max+'/min';svg.appendChild(t);"
	"fig.appendChild(svg);}"
	"var figs=document.querySelectorAll('figure[data-series]');"
	"for(var i=0;i<figs.length;i++)draw(figs[i]);})();";

static const char *const colors[HIST_SERIES] = {
	"#1f5fbf", "#2a8f2a", "#0a7f7f", "#c0392b"
};

/* status_html_escape - see status_html.h */
int
status_html_escape(struct evbuffer *out, const char *text)
{
	const char	*p, *ent;
	size_t		 n;
	int		 rc = 0;

	for (p = text; *p != '\0' && rc == 0; p += n) {
		if ((n = strcspn(p, "&<>\"'")) > 0) {
			rc = evbuffer_add(out, p, n);
			continue;
		}
		switch (*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		default: ent = "&#39;"; break;
		}
		rc = evbuffer_add(out, ent, strlen(ent));
		n = 1;
	}
	return rc;
}

/* td - a cell of escaped text */
static int
td(struct evbuffer *out, const char *text)
{
	return evbuffer_add_printf(out, "<td>") == -1 ||
	    status_html_escape(out, text) == -1 ||
	    evbuffer_add_printf(out, "</td>") == -1 ? -1 : 0;
}

/* tdn - a cell of a number */
static int
tdn(struct evbuffer *out, uint64_t n)
{
	return evbuffer_add_printf(out, "<td class=\"n\">%" PRIu64 "</td>",
	    n) == -1 ? -1 : 0;
}

/* when - an epoch time as UTC text, "-" for none */
static const char *
when(int64_t t, char buf[DATETIME_UTC_LEN + 1])
{
	if (t <= 0)
		return "-";
	datetime_utc(t, buf);
	return buf;
}

static int
queue_table(struct evbuffer *out, const struct status_snapshot *s)
{
	int	 i, rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Queue now</h2><table id=\"queue\">"
	    "<tr><th>State</th><th>Recipients</th></tr>") < 0;
	for (i = 0; i < SQ_STATES; i++) {
		rc |= evbuffer_add_printf(out, "<tr data-state=\"%s\">",
		    status_queue_state_name(i)) < 0;
		rc |= td(out, status_queue_state_name(i));
		rc |= tdn(out, s->queue[i]);
		rc |= evbuffer_add_printf(out, "</tr>") < 0;
	}
	rc |= evbuffer_add_printf(out, "</table><p>%zu message%s in the "
	    "queue%s; %zu scheduled on disk until due.</p>", s->messages,
	    s->messages == 1 ? "" : "s",
	    s->partial ? " counted (there are more)" : "", s->held) < 0;
	return rc;
}

/* history_part - the day's totals as a table, then the charts' figures */
static int
history_part(struct evbuffer *out, const struct status_snapshot *s)
{
	int	 i, rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Last 24 hours</h2>"
	    "<table id=\"totals\"><tr><th>Series</th><th>Total</th></tr>") < 0;
	for (i = 0; i < HIST_SERIES; i++) {
		rc |= evbuffer_add_printf(out, "<tr data-series=\"%s\">",
		    status_series_name(i)) < 0;
		rc |= td(out, status_series_name(i));
		rc |= tdn(out, s->day_total[i]);
		rc |= evbuffer_add_printf(out, "</tr>") < 0;
	}
	rc |= evbuffer_add_printf(out, "</table><div class=\"charts\">") < 0;
	for (i = 0; i < HIST_SERIES; i++)
		rc |= evbuffer_add_printf(out, "<figure data-series=\"%s\" "
		    "data-color=\"%s\"><figcaption>%s per minute</figcaption>"
		    "</figure>", status_series_name(i), colors[i],
		    status_series_name(i)) < 0;
	rc |= evbuffer_add_printf(out, "</div>") < 0;
	return rc;
}

static int
failures_table(struct evbuffer *out, const struct status_snapshot *s)
{
	size_t	 i;
	int	 rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Failures by reason (24 h)</h2>"
	    "<table id=\"failures\"><tr><th>Status</th><th>Recipients</th>"
	    "<th>Latest reason</th></tr>") < 0;
	for (i = 0; i < s->nreasons; i++) {
		rc |= evbuffer_add_printf(out, "<tr>") < 0;
		rc |= td(out, s->reasons[i].key);
		rc |= tdn(out, s->reasons[i].messages);
		rc |= td(out, s->reasons[i].example);
		rc |= evbuffer_add_printf(out, "</tr>") < 0;
	}
	rc |= evbuffer_add_printf(out, "</table>") < 0;
	return rc;
}

static int
backend_row(struct evbuffer *out, const struct backend_status *b,
    int64_t now)
{
	char	 at[DATETIME_UTC_LEN + 1], link[96];
	int	 rc = 0;

	rc |= evbuffer_add_printf(out, "<tr>") < 0;
	rc |= td(out, b->name);
	rc |= td(out, b->type);
	rc |= evbuffer_add_printf(out, "<td class=\"%s\">%s</td>",
	    backend_state_name(b->state), backend_state_name(b->state)) < 0;
	rc |= td(out, b->state == BACKEND_DOWN || b->state ==
	    BACKEND_THROTTLED ? when(b->until, at) : "-");
	backend_link_text(&b->link, now, link, sizeof(link));
	rc |= evbuffer_add_printf(out, "<td class=\"link-%s\">",
	    backend_link_name(b->link.state)) < 0;
	rc |= evbuffer_add_printf(out, "%s</td>", link) < 0;
	rc |= tdn(out, b->in_flight);
	rc |= tdn(out, b->waiting);
	rc |= tdn(out, b->rate);
	rc |= tdn(out, b->parts_minute);
	rc |= tdn(out, b->failures);
	rc |= evbuffer_add_printf(out, "</tr>") < 0;
	return rc;
}

static int
backends_table(struct evbuffer *out, const struct status_snapshot *s)
{
	const struct status_latency	*l = &s->latency;
	size_t				 i;
	int				 rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Backends</h2><table id=\"backends\">"
	    "<tr><th>Name</th><th>Type</th><th>State</th><th>Until</th>"
	    "<th>Link</th><th>In flight</th><th>Waiting</th><th>Rate (parts/s)</th>"
	    "<th>Parts last minute</th><th>Failures in a row</th></tr>") < 0;
	for (i = 0; i < s->nbackends; i++)
		rc |= backend_row(out, &s->backends[i], s->now);
	rc |= evbuffer_add_printf(out, "</table><p id=\"latency\">Backend "
	    "answers: %" PRIu64 ", mean %" PRIu64 " ms, median &le; %" PRIu64
	    " ms, 95%% &le; %" PRIu64 " ms.</p>", l->count,
	    l->mean_us / 1000, l->p50_us / 1000, l->p95_us / 1000) < 0;
	return rc;
}

static int
senders_table(struct evbuffer *out, const struct status_snapshot *s)
{
	size_t	 i;
	int	 rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Top senders (24 h)</h2>"
	    "<table id=\"senders\"><tr><th>Sender</th><th>Messages</th>"
	    "<th>Recipients</th></tr>") < 0;
	for (i = 0; i < s->nsenders; i++) {
		rc |= evbuffer_add_printf(out, "<tr>") < 0;
		rc |= td(out, s->senders[i].key);
		rc |= tdn(out, s->senders[i].messages);
		rc |= tdn(out, s->senders[i].recipients);
		rc |= evbuffer_add_printf(out, "</tr>") < 0;
	}
	rc |= evbuffer_add_printf(out, "</table>") < 0;
	return rc;
}

static int
deferred_table(struct evbuffer *out, const struct status_snapshot *s)
{
	const struct status_deferred	*d;
	char				 a[DATETIME_UTC_LEN + 1];
	char				 n[DATETIME_UTC_LEN + 1];
	size_t				 i;
	int				 rc = 0;

	rc |= evbuffer_add_printf(out, "<h2>Oldest deferred</h2>"
	    "<table id=\"deferred\"><tr><th>Queue id</th><th>Sender</th>"
	    "<th>To</th><th>Arrived</th><th>Next try</th><th>Attempts</th>"
	    "<th>Reason</th></tr>") < 0;
	for (i = 0; i < s->noldest; i++) {
		d = &s->oldest[i];
		rc |= evbuffer_add_printf(out, "<tr>") < 0;
		rc |= td(out, d->id);
		rc |= td(out, d->sender[0] != '\0' ? d->sender : "<>");
		rc |= td(out, d->to);
		rc |= td(out, when(d->arrival, a));
		rc |= td(out, when(d->next_try, n));
		rc |= tdn(out, d->attempts);
		rc |= td(out, d->reason);
		rc |= evbuffer_add_printf(out, "</tr>") < 0;
	}
	rc |= evbuffer_add_printf(out, "</table>") < 0;
	return rc;
}

/* status_html - see status_html.h */
int
status_html(struct evbuffer *out, const struct status_snapshot *s,
    const char *json, const char *nonce)
{
	char	 now[DATETIME_UTC_LEN + 1];
	int	 rc = 0;

	datetime_utc(s->now, now);
	rc |= evbuffer_add_printf(out, "<!DOCTYPE html><html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>smsrelay status</title>"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<style>%s</style></head><body><h1>smsrelay status</h1>"
	    "<p>At %s. <a href=\"status.json\">JSON</a></p>", style, now) < 0;
	rc |= queue_table(out, s);
	rc |= history_part(out, s);
	rc |= failures_table(out, s);
	rc |= backends_table(out, s);
	rc |= senders_table(out, s);
	rc |= deferred_table(out, s);
	/* json has '<' and '/' escaped: it cannot end the element early */
	rc |= evbuffer_add_printf(out, "<script type=\"application/json\" "
	    "id=\"status-data\">%s</script><script nonce=\"%s\">%s</script>"
	    "</body></html>\n", json, nonce, script) < 0;
	return rc != 0 ? -1 : 0;
}
