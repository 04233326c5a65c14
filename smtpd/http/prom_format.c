/*
 * prom_format.c - writes Prometheus text exposition 0.0.4 into a buf; the
 * buf's own failure flag carries out-of-memory to the caller's one check.
 *
 * Escaping follows the format: in HELP text a backslash and a newline, in
 * label values those and the double quote. Every other byte goes as it is
 * (the format is UTF-8 and takes any of it inside quotes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "smtpd/http/prom_format.h"

/* add_str - a C string, as it is */
static void
add_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* add_escaped - s with \ and newline (and " if quoted) escaped */
static void
add_escaped(struct buf *b, const char *s, int quoted)
{
	size_t	 run;

	while (*s != '\0') {
		run = strcspn(s, quoted ? "\\\n\"" : "\\\n");
		buf_add(b, s, run);
		s += run;
		if (*s == '\0')
			break;
		add_str(b, *s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\");
		s++;
	}
}

static void
add_u64(struct buf *b, uint64_t v)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	add_str(b, num);
}

/* prom_family - see prom_format.h */
void
prom_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	add_str(b, "# HELP ");
	add_str(b, name);
	add_str(b, " ");
	add_escaped(b, help, 0);
	add_str(b, "\n# TYPE ");
	add_str(b, name);
	add_str(b, " ");
	add_str(b, type);
	add_str(b, "\n");
}

/* add_labels - {fixed,k="v",...,le="x"}, nothing if there is no label */
static void
add_labels(struct buf *b, const struct prom_labels *l, const char *le)
{
	const char	*sep = "{";
	size_t		 i;

	if (l != NULL && l->fixed != NULL && *l->fixed != '\0') {
		add_str(b, sep);
		add_str(b, l->fixed);
		sep = ",";
	}
	for (i = 0; l != NULL && i < l->n; i++) {
		add_str(b, sep);
		add_str(b, l->v[i].key);
		add_str(b, "=\"");
		add_escaped(b, l->v[i].value, 1);
		add_str(b, "\"");
		sep = ",";
	}
	if (le != NULL) {
		add_str(b, sep);
		add_str(b, "le=\"");
		add_str(b, le);
		add_str(b, "\"");
		sep = ",";
	}
	if (*sep == ',')
		add_str(b, "}");
}

/* add_name - name and suffix */
static void
add_name(struct buf *b, const char *name, const char *suffix)
{
	add_str(b, name);
	add_str(b, suffix);
}

/* prom_sample - see prom_format.h */
void
prom_sample(struct buf *b, const char *name, const char *suffix,
    const struct prom_labels *l, int64_t value)
{
	char	 num[24];

	add_name(b, name, suffix);
	add_labels(b, l, NULL);
	snprintf(num, sizeof(num), " %" PRId64 "\n", value);
	add_str(b, num);
}

/* fmt_number - v, or v microseconds as exact seconds without trailing 0s */
static void
fmt_number(char *out, size_t len, uint64_t v, int micros)
{
	size_t	 n;

	if (!micros || v % 1000000 == 0) {
		snprintf(out, len, "%" PRIu64, micros ? v / 1000000 : v);
		return;
	}
	snprintf(out, len, "%" PRIu64 ".%06" PRIu64, v / 1000000, v % 1000000);
	n = strlen(out);
	while (out[n - 1] == '0')
		out[--n] = '\0';
}

/* prom_sample_micros - exact, not through a double */
void
prom_sample_micros(struct buf *b, const char *name,
    const struct prom_labels *l, uint64_t us)
{
	char	 num[32];

	fmt_number(num, sizeof(num), us, 1);
	add_str(b, name);
	add_labels(b, l, NULL);
	add_str(b, " ");
	add_str(b, num);
	add_str(b, "\n");
}

/* prom_histogram - see prom_format.h */
void
prom_histogram(struct buf *b, const char *name, const struct prom_labels *l,
    const uint64_t *bounds, const uint64_t *counts, size_t n, uint64_t sum,
    int micros)
{
	char	 le[24];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (bounds[i] == UINT64_MAX)
			snprintf(le, sizeof(le), "+Inf");
		else
			fmt_number(le, sizeof(le), bounds[i], micros);
		add_name(b, name, "_bucket");
		add_labels(b, l, le);
		add_str(b, " ");
		add_u64(b, counts[i]);
		add_str(b, "\n");
	}
	add_name(b, name, "_sum");
	add_labels(b, l, NULL);
	fmt_number(le, sizeof(le), sum, micros);
	add_str(b, " ");
	add_str(b, le);
	add_str(b, "\n");
	add_name(b, name, "_count");
	add_labels(b, l, NULL);
	add_str(b, " ");
	add_u64(b, n > 0 ? counts[n - 1] : 0);
	add_str(b, "\n");
}
