/*
 * stats_view.c - smsrelayctl stats: the query's options (checked the same
 * way by the tool and the daemon), the rows of its days summed by one key,
 * sorted, printed aligned with a total, or as CSV with a header line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpd/ctl/stats_view.h"

#define QUERY_WORDS_MAX	8
#define DAY_SECONDS	86400
#define LABEL_MAX	(DSTATS_DOMAIN_MAX + 1)

static const char *const by_names[] = { "day", "user", "domain", "backend",
	"country" };
static const char *const counter_names[DSTATS_NCOUNTERS] = { "messages",
	"parts", "delivered", "relayed", "failed", "expired" };

/* parse_day - a strict YYYY-MM-DD as UTC days; -1 if not a real date */
static int
parse_day(const char *s, int32_t *day)
{
	struct tm	 tm = { 0 };
	int		 y, m, d, n = 0;
	time_t		 t;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30 to March: a date that moved is bad */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1;
	*day = (int32_t)(t / DAY_SECONDS);
	return 0;
}

/* format_day - UTC day as YYYY-MM-DD */
static void
format_day(int32_t day, char *out, size_t len)
{
	time_t		 t = (time_t)day * DAY_SECONDS;
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d", &tm) == 0)
		snprintf(out, len, "day %" PRId32, day);
}

static int
bad(char *err, size_t errlen, const char *what, const char *arg)
{
	snprintf(err, errlen, "%s%s%s", what, arg != NULL ? ": " : "",
	    arg != NULL ? arg : "");
	return -1;
}

/* stats_query_parse - see stats_view.h */
int
stats_query_parse(int argc, const char *const argv[], struct stats_query *q,
    char *err, size_t errlen)
{
	int	 i;
	size_t	 k;

	*q = (struct stats_query){ INT32_MIN, INT32_MAX, STATS_BY_DAY, false };
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--csv") == 0) {
			q->csv = true;
			continue;
		}
		if (i + 1 >= argc)
			return bad(err, errlen, "missing value or unknown "
			    "option", argv[i]);
		if (strcmp(argv[i], "--since") == 0 ||
		    strcmp(argv[i], "--until") == 0) {
			if (parse_day(argv[i + 1], argv[i][2] == 's' ?
			    &q->since : &q->until) == -1)
				return bad(err, errlen, "not a date "
				    "(YYYY-MM-DD)", argv[i + 1]);
		} else if (strcmp(argv[i], "--by") == 0) {
			for (k = 0; k < sizeof(by_names) / sizeof(*by_names);
			    k++)
				if (strcmp(argv[i + 1], by_names[k]) == 0)
					break;
			if (k == sizeof(by_names) / sizeof(*by_names))
				return bad(err, errlen, "--by takes day, user, "
				    "domain, backend or country", argv[i + 1]);
			q->by = (enum stats_by)k;
		} else
			return bad(err, errlen, "unknown option", argv[i]);
		i++;
	}
	if (q->since > q->until)
		return bad(err, errlen, "--since is after --until", NULL);
	return 0;
}

/* stats_query_line - see stats_view.h */
void
stats_query_line(const struct stats_query *q, char *out, size_t len)
{
	char	 since[16] = "", until[16] = "";

	if (q->since != INT32_MIN)
		format_day(q->since, since, sizeof(since));
	if (q->until != INT32_MAX)
		format_day(q->until, until, sizeof(until));
	snprintf(out, len, "--by %s%s%s%s%s%s", by_names[q->by],
	    since[0] ? " --since " : "", since, until[0] ? " --until " : "",
	    until, q->csv ? " --csv" : "");
}

/* group_key - r's key with only the field q sums by kept */
static void
group_key(const struct stats_query *q, const struct dstats_row *r,
    struct dstats_key *k)
{
	memset(k, 0, sizeof(*k));
	switch (q->by) {
	case STATS_BY_DAY:
		k->day = r->key.day;
		break;
	case STATS_BY_USER:
		memcpy(k->user, r->key.user, sizeof(k->user));
		break;
	case STATS_BY_DOMAIN:
		memcpy(k->domain, r->key.domain, sizeof(k->domain));
		break;
	case STATS_BY_BACKEND:
		memcpy(k->backend, r->key.backend, sizeof(k->backend));
		break;
	case STATS_BY_COUNTRY:
		memcpy(k->country, r->key.country, sizeof(k->country));
		break;
	}
}

/* label - the grouped field as text; "" for none */
static void
label(const struct stats_query *q, const struct dstats_key *k, char *out,
    size_t len)
{
	if (q->by == STATS_BY_DAY)
		format_day(k->day, out, len);
	else
		snprintf(out, len, "%s", q->by == STATS_BY_USER ? k->user :
		    q->by == STATS_BY_DOMAIN ? k->domain :
		    q->by == STATS_BY_BACKEND ? k->backend : k->country);
}

/* by_key - days in order, names alphabetically ("" first) */
static int
by_key(const void *a, const void *b)
{
	const struct dstats_key *x = &(*(const struct dstats_row *const *)a)->key;
	const struct dstats_key *y = &(*(const struct dstats_row *const *)b)->key;
	int	 c;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if ((c = strcmp(x->user, y->user)) != 0 ||
	    (c = strcmp(x->domain, y->domain)) != 0 ||
	    (c = strcmp(x->backend, y->backend)) != 0)
		return c;
	return strcmp(x->country, y->country);
}

/*
 * csv_field - s as one CSV field (RFC 4180): quoted when it must be. A
 * spreadsheet runs a cell that starts with = + - @ as a formula, and a
 * sender's domain is the sender's choice: such a cell gets a leading '
 */
static void
csv_field(struct evbuffer *out, const char *s)
{
	int	 formula = s[0] != '\0' && strchr("=+-@\t", s[0]) != NULL;

	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		evbuffer_add_printf(out, "%s", s);
		return;
	}
	evbuffer_add(out, formula ? "\"'" : "\"", formula ? 2 : 1);
	for (; *s != '\0'; s++)
		evbuffer_add_printf(out, *s == '"' ? "\"\"" : "%c", *s);
	evbuffer_add(out, "\"", 1);
}

/* print_csv - the header, then one line per group */
static void
print_csv(const struct stats_query *q, const struct dstats_row *const *rows,
    size_t n, struct evbuffer *out)
{
	char	 text[LABEL_MAX];
	size_t	 i, c;

	evbuffer_add_printf(out, "%s", by_names[q->by]);
	for (c = 0; c < DSTATS_NCOUNTERS; c++)
		evbuffer_add_printf(out, ",%s", counter_names[c]);
	evbuffer_add_printf(out, "\n");
	for (i = 0; i < n; i++) {
		label(q, &rows[i]->key, text, sizeof(text));
		csv_field(out, text);
		for (c = 0; c < DSTATS_NCOUNTERS; c++)
			evbuffer_add_printf(out, ",%" PRIu64, rows[i]->n[c]);
		evbuffer_add_printf(out, "\n");
	}
}

/* print_line - one aligned line: the label, then the counters */
static void
print_line(struct evbuffer *out, int width, const char *text,
    const uint64_t *n, const int *nwidth)
{
	size_t	 c;

	evbuffer_add_printf(out, "%-*s", width, text);
	for (c = 0; c < DSTATS_NCOUNTERS; c++)
		evbuffer_add_printf(out, "  %*" PRIu64, nwidth[c], n[c]);
	evbuffer_add_printf(out, "\n");
}

/* print_table - a header, a line per group ("-" for none), TOTAL */
static void
print_table(const struct stats_query *q, const struct dstats_row *const *rows,
    size_t n, struct evbuffer *out)
{
	char		 text[LABEL_MAX], head[16];
	uint64_t	 total[DSTATS_NCOUNTERS] = { 0 };
	int		 width = 7, nwidth[DSTATS_NCOUNTERS], w;
	size_t		 i, c;

	for (c = 0; c < DSTATS_NCOUNTERS; c++)
		nwidth[c] = (int)strlen(counter_names[c]);
	for (i = 0; i < n; i++) {
		label(q, &rows[i]->key, text, sizeof(text));
		if ((w = (int)strlen(text)) > width)
			width = w;
		for (c = 0; c < DSTATS_NCOUNTERS; c++)
			total[c] += rows[i]->n[c];
	}
	for (c = 0; c < DSTATS_NCOUNTERS; c++)
		if ((w = snprintf(NULL, 0, "%" PRIu64, total[c])) > nwidth[c])
			nwidth[c] = w;
	for (i = 0; by_names[q->by][i] != '\0' && i + 1 < sizeof(head); i++)
		head[i] = (char)(by_names[q->by][i] - 'a' + 'A');
	head[i] = '\0';
	evbuffer_add_printf(out, "%-*s", width, head);
	for (c = 0; c < DSTATS_NCOUNTERS; c++) {
		for (i = 0; counter_names[c][i] != '\0'; i++)
			head[i] = (char)(counter_names[c][i] - 'a' + 'A');
		head[i] = '\0';
		evbuffer_add_printf(out, "  %*s", nwidth[c], head);
	}
	evbuffer_add_printf(out, "\n");
	for (i = 0; i < n; i++) {
		label(q, &rows[i]->key, text, sizeof(text));
		print_line(out, width, text[0] != '\0' ? text : "-",
		    rows[i]->n, nwidth);
	}
	print_line(out, width, "TOTAL", total, nwidth);
}

/* split - args cut into words at spaces (args is changed); the count */
static int
split(char *args, const char *words[], int max)
{
	int	 n = 0;
	char	*w, *save = NULL;

	for (w = strtok_r(args, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

/* summed - t's rows of q's days summed by its key, into g; -1: ENOMEM */
static int
summed(const struct dstats_table *t, const struct stats_query *q,
    struct dstats_table *g)
{
	const struct dstats_row *r;
	struct dstats_row	 sum;
	size_t			 i;

	for (i = 0; i < dstats_table_rows(t); i++) {
		r = dstats_table_row(t, i);
		if (r->key.day < q->since || r->key.day > q->until)
			continue;
		group_key(q, r, &sum.key);
		memcpy(sum.n, r->n, sizeof(sum.n));
		if (dstats_table_add_row(g, &sum) == -1)
			return -1;
	}
	return 0;
}

/* ctl_stats - see stats_view.h */
void
ctl_stats(const struct dstats_table *t, const char *args,
    struct evbuffer *out)
{
	char			 copy[256], err[256];
	const char		*words[QUERY_WORDS_MAX];
	struct stats_query	 q;
	struct dstats_table	*g = NULL;
	const struct dstats_row **rows = NULL;
	size_t			 i, n;
	int			 nw;

	snprintf(copy, sizeof(copy), "%s", args);
	if ((nw = split(copy, words, QUERY_WORDS_MAX)) == -1 ||
	    stats_query_parse(nw, words, &q, err, sizeof(err)) == -1) {
		evbuffer_add_printf(out, "error: %s\n", nw == -1 ?
		    "too many options" : err);
		return;
	}
	if (t == NULL) {
		evbuffer_add_printf(out, "error: statistics are off\n");
		return;
	}
	if ((g = dstats_table_new(dstats_table_rows(t) + 1)) == NULL ||
	    summed(t, &q, g) == -1 || (rows = calloc(dstats_table_rows(g) + 1,
	    sizeof(*rows))) == NULL) {
		evbuffer_add_printf(out, "error: out of memory\n");
		dstats_table_free(g);
		return;
	}
	n = dstats_table_rows(g);
	for (i = 0; i < n; i++)
		rows[i] = dstats_table_row(g, i);
	qsort(rows, n, sizeof(*rows), by_key);
	evbuffer_add_printf(out, "ok\n");
	if (q.csv)
		print_csv(&q, rows, n, out);
	else
		print_table(&q, rows, n, out);
	free(rows);
	dstats_table_free(g);
}
