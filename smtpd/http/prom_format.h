/*
 * prom_format.h - the Prometheus text exposition format 0.0.4: HELP and
 * TYPE lines, samples with escaped label values, histograms, into a buf.
 */
#ifndef SMSRELAY_PROM_FORMAT_H
#define SMSRELAY_PROM_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "sms/lib/buf.h"

#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* one label whose value may hold anything (a configured backend name) */
struct prom_label {
	const char	*key;		/* [a-zA-Z_][a-zA-Z0-9_]*, ours */
	const char	*value;		/* escaped on output */
};

/*
 * A sample's labels: fixed is a ready key="value" list from our own tables
 * (or "" or NULL), then n labels of any value.
 */
struct prom_labels {
	const char		*fixed;
	const struct prom_label	*v;
	size_t			 n;
};

/*
 * prom_family - "# HELP name help" and "# TYPE name type", help escaped;
 * once per metric name, before its samples
 */
void	 prom_family(struct buf *, const char *name, const char *type,
	    const char *help);
/* prom_sample - name (with suffix, may be "") {labels} value */
void	 prom_sample(struct buf *, const char *name, const char *suffix,
	    const struct prom_labels *, int64_t value);
/* prom_sample_micros - a sample of us microseconds, written in seconds */
void	 prom_sample_micros(struct buf *, const char *name,
	    const struct prom_labels *, uint64_t us);
/*
 * prom_histogram - name_bucket{...,le="bound"} for each cumulative count
 * (the last bound UINT64_MAX is le="+Inf"), then name_sum and name_count;
 * micros: bounds and sum are microseconds, written as seconds
 */
void	 prom_histogram(struct buf *, const char *name,
	    const struct prom_labels *, const uint64_t *bounds,
	    const uint64_t *counts, size_t n, uint64_t sum, int micros);

#endif
