/*
 * conf.c - the loader: reads a libconfig file through the key tables, reports
 * problems as "FILE:LINE: key: what is wrong", frees and prints by the tables.
 *
 * Each part of the daemon owns a table (top.c, listen.c, message.c, smtp.c,
 * submission.c, backend.c, queue.c); a row says where a value goes in struct
 * conf, its type and what it may hold. One walker applies them, so an unknown
 * key (a typo) is an error instead of a silently ignored setting. The type of
 * a row also gives its default, how -n prints it and how it is freed, so a
 * new key is one row and one field; a row flagged secret is never printed
 * (-n shows "********", which still reads back). The rules that tie keys
 * together and the defaults derived from other settings run after the walk,
 * in the order top.c lists them.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libconfig.h>

#include "conf/schema.h"

/* the walker stores enums through an int; make sure that is their size */
_Static_assert(sizeof(enum subject_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum overflow) == sizeof(int), "enum size");
_Static_assert(sizeof(enum translit_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum backend_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum http_format) == sizeof(int), "enum size");
_Static_assert(sizeof(enum http_auth) == sizeof(int), "enum size");
_Static_assert(sizeof(enum listen_tls) == sizeof(int), "enum size");
_Static_assert(sizeof(enum starttls_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum listen_auth) == sizeof(int), "enum size");
_Static_assert(sizeof(enum tls_min) == sizeof(int), "enum size");

struct loader {
	const char	*file;
	char		*err;
	size_t		 errlen;
};

/* a row's value and a list's count, inside the struct the row describes */
#define AT(kd, base, type)	((type *)(void *)((char *)(base) + (kd)->off))
#define CAT(kd, base, type)	\
	((const type *)(const void *)((const char *)(base) + (kd)->off))
#define COUNT(kd, base)		\
	(*(size_t *)(void *)((char *)(base) + (kd)->noff))
#define CCOUNT(kd, base)	\
	(*(const size_t *)(const void *)((const char *)(base) + (kd)->noff))

/* what every value of a type does */
struct ktype_ops {
	conf_parse_fn	*parse;
	conf_print_fn	*print;
	void		(*free)(const struct keydef *, void *base);
	bool		(*empty)(const struct keydef *, const void *base);
	bool		 scalar;	/* a number of some kind, with a .def */
	bool		 always;	/* -n prints it even when 0 or empty */
	/* lists: the element's size, how one is read and printed */
	size_t		 item_size;
	int		(*read_item)(struct loader *, const config_setting_t *,
			    const struct keydef *, void *slot);
	void		(*print_item)(FILE *, const struct keydef *,
			    const void *list, size_t);
	bool		 empty_is_set;	/* [ ] is a value, not unset */
	const char	*example;	/* in "must be a list, e.g." */
};

static int	walk(struct loader *, const config_setting_t *,
		    const struct keydef *, void *);
static bool	shown(const struct keydef *, const void *);
static void	print_keys(FILE *, const struct keydef *, const void *, int,
		    bool);
static void	free_keys(const struct keydef *, void *);
static int	parse_list(struct loader *, const config_setting_t *,
		    const struct keydef *, void *);
static void	print_list(FILE *, const struct keydef *, const void *, int);

/* setting_path - "backend.response.id" or "listen[0].address" */
static void
setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t	*parent = config_setting_parent(s);
	size_t			 n;

	if (parent == NULL)
		return;
	setting_path(parent, buf, len);
	n = strlen(buf);
	if (n + 1 >= len)
		return;
	if (config_setting_is_group(parent))
		snprintf(buf + n, len - n, "%s%s", n > 0 ? "." : "",
		    config_setting_name(s));
	else
		snprintf(buf + n, len - n, "[%d]", config_setting_index(s));
}

/* verror - "FILE:LINE: [PATH: ]message" into the caller's buffer */
static void verror(struct loader *, const config_setting_t *, const char *,
    const char *, va_list) __attribute__((format(printf, 4, 0)));

static void
verror(struct loader *ld, const config_setting_t *at, const char *path,
    const char *fmt, va_list ap)
{
	char		 msg[512];
	const char	*file = NULL;
	unsigned	 line = 0;

	if (at != NULL) {
		file = config_setting_source_file(at);
		line = config_setting_source_line(at);
	}
	if (file == NULL)
		file = ld->file;
	/* only a key missing altogether has no line of its own */
	if (line == 0)
		line = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (path != NULL && path[0] != '\0')
		snprintf(ld->err, ld->errlen, "%s:%u: %s: %s", file, line,
		    path, msg);
	else
		snprintf(ld->err, ld->errlen, "%s:%u: %s", file, line, msg);
}

/* conf_fail - an error about setting s, on its line, prefixed with its path */
int
conf_fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char	 path[256] = "";
	va_list	 ap;

	setting_path(s, path, sizeof(path));
	va_start(ap, fmt);
	verror(ld, s, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* conf_fail_key - an error naming key, on the line of setting at (or 1) */
int
conf_fail_key(struct loader *ld, const config_setting_t *at, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(ld, at, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* conf_nomem - allocation failure while loading */
int
conf_nomem(struct loader *ld)
{
	snprintf(ld->err, ld->errlen, "%s: out of memory", ld->file);
	return -1;
}

/* conf_member - a group's member by name; NULL for none or no group */
const config_setting_t *
conf_member(const config_setting_t *grp, const char *name)
{
	return grp != NULL ? config_setting_get_member(grp, name) : NULL;
}

/* conf_elem - a list's element i; NULL for none or no list */
const config_setting_t *
conf_elem(const config_setting_t *list, size_t i)
{
	return list != NULL ? config_setting_get_elem(list, (unsigned)i) :
	    NULL;
}

/* conf_value_bool - see schema.h */
int
conf_value_bool(const config_setting_t *s, bool *v)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return -1;
	*v = config_setting_get_bool(s) != 0;
	return 0;
}

/* conf_value_string - see schema.h */
const char *
conf_value_string(const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return NULL;
	return config_setting_get_string(s);
}

/* conf_valid_text - non-empty and on one line: it ends up in headers, logs */
const char *
conf_valid_text(const char *s)
{
	if (s[0] == '\0')
		return "must not be empty";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* conf_has_scheme - see schema.h */
bool
conf_has_scheme(const char *s, const char *scheme)
{
	size_t	 n = strlen(scheme);

	if (strncmp(s, scheme, n) != 0)
		return false;
	s += n;
	if (*s == 's')
		s++;
	return strncmp(s, "://", 3) == 0 && s[3] != '\0';
}

/* conf_join - see schema.h */
char *
conf_join(const char *a, const char *b)
{
	char	*s;

	if (asprintf(&s, "%s%s", a, b) == -1)
		return NULL;
	return s;
}

/* conf_get_string - the string value of s, checked by valid */
int
conf_get_string(struct loader *ld, const config_setting_t *s,
    const char *(*valid)(const char *), const char **out)
{
	const char	*why;

	*out = NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return conf_fail(ld, s, "must be a string");
	*out = config_setting_get_string(s);
	if (valid != NULL && (why = valid(*out)) != NULL)
		return conf_fail(ld, s, "\"%s\" %s", *out, why);
	return 0;
}

/* dup_string - the string value of s, copied into *dst */
static int
dup_string(struct loader *ld, const config_setting_t *s,
    const char *(*valid)(const char *), char **dst)
{
	const char	*v;

	if (conf_get_string(ld, s, valid, &v) == -1)
		return -1;
	free(*dst);
	if ((*dst = strdup(v)) == NULL)
		return conf_nomem(ld);
	return 0;
}

/* get_list - s as a list or array, with at least one element if the row says */
static int
get_list(struct loader *ld, const config_setting_t *s, const struct keydef *kd,
    const char *example, size_t *n)
{
	int	 len;

	*n = 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return conf_fail(ld, s, "must be a list, e.g. %s", example);
	len = config_setting_length(s);
	if ((kd->flags & KF_NONEMPTY) && len == 0)
		return conf_fail(ld, s, "must not be empty");
	*n = (size_t)len;
	return 0;
}

/* get_integer - an integer setting within [min, max] */
static int
get_integer(struct loader *ld, const config_setting_t *s, uint64_t min,
    uint64_t max, uint64_t *out)
{
	long long	 v;

	*out = 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return conf_fail(ld, s, "must be an integer");
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return conf_fail(ld, s, "must be between %llu and %llu",
		    (unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

/* get_duration - a duration (string, or integer seconds) in s or ms */
static int
get_duration(struct loader *ld, const config_setting_t *s, bool in_ms,
    uint64_t min, uint64_t max, unsigned *out)
{
	char		 lo[32], hi[32];
	uint64_t	 ms, v;
	long long	 secs;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		secs = config_setting_get_int64(s);
		if (secs < 0 || (uint64_t)secs > UINT64_MAX / 1000)
			return conf_fail(ld, s, "must not be negative");
		ms = (uint64_t)secs * 1000;
		break;
	case CONFIG_TYPE_STRING:
		if (conf_parse_ms(config_setting_get_string(s), &ms) == -1)
			return conf_fail(ld, s, "invalid duration \"%s\" (use "
			    "e.g. \"90\", \"90s\", \"5m\", \"2h\", \"2d\"%s)",
			    config_setting_get_string(s),
			    in_ms ? ", \"250ms\"" : "");
		break;
	default:
		return conf_fail(ld, s, "must be a duration string such as "
		    "\"5m\"");
	}
	if (!in_ms && ms % 1000 != 0)
		return conf_fail(ld, s, "must be whole seconds");
	v = in_ms ? ms : ms / 1000;
	if (v < min || v > max) {
		if (in_ms) {
			conf_fmt_duration_ms((unsigned)min, lo, sizeof(lo));
			conf_fmt_duration_ms((unsigned)max, hi, sizeof(hi));
		} else {
			conf_fmt_duration((unsigned)min, lo, sizeof(lo));
			conf_fmt_duration((unsigned)max, hi, sizeof(hi));
		}
		return conf_fail(ld, s, "must be between %s and %s", lo, hi);
	}
	*out = (unsigned)v;
	return 0;
}

/* get_size - a size (string with K/M/G, or integer bytes) */
static int
get_size(struct loader *ld, const config_setting_t *s, uint64_t min,
    uint64_t max, size_t *out)
{
	char		 lo[32], hi[32];
	size_t		 v;
	long long	 n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		n = config_setting_get_int64(s);
		if (n < 0)
			return conf_fail(ld, s, "must not be negative");
		v = (size_t)n;
		break;
	case CONFIG_TYPE_STRING:
		if (conf_parse_size(config_setting_get_string(s), &v) == -1)
			return conf_fail(ld, s, "invalid size \"%s\" (use e.g. "
			    "\"1024\", \"512K\", \"10M\")",
			    config_setting_get_string(s));
		break;
	default:
		return conf_fail(ld, s, "must be a size string such as "
		    "\"10M\"");
	}
	if (v < min || v > max) {
		conf_fmt_size(min, lo, sizeof(lo));
		conf_fmt_size(max, hi, sizeof(hi));
		return conf_fail(ld, s, "must be between %s and %s", lo, hi);
	}
	*out = v;
	return 0;
}

/* get_enum - the index of a string value among choices */
static int
get_enum(struct loader *ld, const config_setting_t *s,
    const char *const *choices, int *out)
{
	char		 list[128] = "";
	const char	*v;
	size_t		 n;
	int		 i;

	*out = 0;
	if (conf_get_string(ld, s, NULL, &v) == -1)
		return -1;
	for (i = 0; choices[i] != NULL; i++) {
		if (strcmp(v, choices[i]) == 0) {
			*out = i;
			return 0;
		}
		n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%s\"%s\"",
		    i == 0 ? "" : choices[i + 1] == NULL ? " or " : ", ",
		    choices[i]);
	}
	return conf_fail(ld, s, "\"%s\" is not one of %s", v, list);
}

/* scalar_get - a number, duration, size, boolean or enum as an integer */
static uint64_t
scalar_get(const struct keydef *kd, const void *base)
{
	switch (kd->type) {
	case K_SIZE:
		return *CAT(kd, base, size_t);
	case K_BOOL:
		return *CAT(kd, base, bool);
	case K_ENUM:
		return (uint64_t)*CAT(kd, base, int);
	default:
		return *CAT(kd, base, unsigned);
	}
}

/* scalar_set - the reverse of scalar_get */
static void
scalar_set(const struct keydef *kd, void *base, uint64_t v)
{
	switch (kd->type) {
	case K_SIZE:
		*AT(kd, base, size_t) = (size_t)v;
		break;
	case K_BOOL:
		*AT(kd, base, bool) = v != 0;
		break;
	case K_ENUM:
		*AT(kd, base, int) = (int)v;
		break;
	default:
		*AT(kd, base, unsigned) = (unsigned)v;
		break;
	}
}

/* scalar_zero - the value is 0, false or the first name */
static bool
scalar_zero(const struct keydef *kd, const void *base)
{
	return scalar_get(kd, base) == 0;
}

/* pointer_unset - a string or list that is NULL */
static bool
pointer_unset(const struct keydef *kd, const void *base)
{
	const void	*p;

	memcpy(&p, (const char *)base + kd->off, sizeof(p));
	return p == NULL;
}

/* free_pointer - a string, or a list holding nothing that needs freeing */
static void
free_pointer(const struct keydef *kd, void *base)
{
	void	*p;

	memcpy(&p, (char *)base + kd->off, sizeof(p));
	free(p);
}

/* parse_string - K_STRING; a secret's error names the rule, never the value */
static int
parse_string(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	const char	*why;

	if ((kd->flags & KF_SECRET) && kd->valid != NULL &&
	    config_setting_type(s) == CONFIG_TYPE_STRING &&
	    (why = kd->valid(config_setting_get_string(s))) != NULL)
		return conf_fail(ld, s, "the value %s", why);
	return dup_string(ld, s, kd->valid, AT(kd, base, char *));
}

/* read_string - one string of a list, checked by the row's validator */
static int
read_string(struct loader *ld, const config_setting_t *e,
    const struct keydef *kd, void *slot)
{
	return dup_string(ld, e, kd->valid, slot);
}

/* read_duration - one duration of a list, in seconds */
static int
read_duration(struct loader *ld, const config_setting_t *e,
    const struct keydef *kd, void *slot)
{
	return get_duration(ld, e, false, kd->min, kd->max, slot);
}

/* read_code - one provider error code */
static int
read_code(struct loader *ld, const config_setting_t *e,
    const struct keydef *kd, void *slot)
{
	long long	 v;

	(void)kd;
	if (config_setting_type(e) != CONFIG_TYPE_INT &&
	    config_setting_type(e) != CONFIG_TYPE_INT64)
		return conf_fail(ld, e, "must be an integer");
	v = config_setting_get_int64(e);
	if (v < INT_MIN || v > INT_MAX)
		return conf_fail(ld, e, "is out of range");
	*(long *)slot = (long)v;
	return 0;
}

/* read_cidr - one network */
static int
read_cidr(struct loader *ld, const config_setting_t *e,
    const struct keydef *kd, void *slot)
{
	const char	*v;

	(void)kd;
	if (conf_get_string(ld, e, NULL, &v) == -1)
		return -1;
	if (conf_parse_cidr(v, slot) == -1)
		return conf_fail(ld, e, "invalid network \"%s\" (use e.g. "
		    "\"192.168.0.0/16\" or \"2001:db8::/32\")", v);
	return 0;
}

/* parse_uint - K_UINT */
static int
parse_uint(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	uint64_t	 v;

	if (get_integer(ld, s, kd->min, kd->max, &v) == -1)
		return -1;
	scalar_set(kd, base, v);
	return 0;
}

/* parse_duration - K_DURATION and K_DURATION_MS */
static int
parse_duration(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	return get_duration(ld, s, kd->type == K_DURATION_MS, kd->min,
	    kd->max, AT(kd, base, unsigned));
}

/* parse_size - K_SIZE */
static int
parse_size(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	return get_size(ld, s, kd->min, kd->max, AT(kd, base, size_t));
}

/* parse_bool - K_BOOL */
static int
parse_bool(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	bool	 v;

	if (conf_value_bool(s, &v) == -1)
		return conf_fail(ld, s, "must be true or false");
	*AT(kd, base, bool) = v;
	return 0;
}

/* parse_enum - K_ENUM */
static int
parse_enum(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	return get_enum(ld, s, kd->choices, AT(kd, base, int));
}

/* parse_kv - { name = "value"; ... }, in the order written */
static int
parse_kv(struct loader *ld, const config_setting_t *s, const struct keydef *kd,
    void *base)
{
	struct kv		**kv = AT(kd, base, struct kv *);
	const config_setting_t	 *e;
	size_t			  i, n;

	if (!config_setting_is_group(s))
		return conf_fail(ld, s, "must be a group, e.g. %s",
		    kd->example);
	if ((n = (size_t)config_setting_length(s)) == 0)
		return conf_fail(ld, s, "must not be empty");
	if ((*kv = calloc(n, sizeof(**kv))) == NULL)
		return conf_nomem(ld);
	COUNT(kd, base) = n;
	for (i = 0; i < n; i++) {
		e = conf_elem(s, i);
		if (dup_string(ld, e, kd->valid, &(*kv)[i].value) == -1)
			return -1;
		if (((*kv)[i].key = strdup(config_setting_name(e))) == NULL)
			return conf_nomem(ld);
	}
	return 0;
}

/* parse_group - K_GROUP: its members through the row's sub-table */
static int
parse_group(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	if (!config_setting_is_group(s))
		return conf_fail(ld, s, "must be a group { ... }");
	return walk(ld, s, kd->sub, (char *)base + kd->off);
}

/* list_or_group_error - a list of groups, or one of its elements, is not */
static int
list_or_group_error(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, bool element)
{
	if (kd->example == NULL)
		return conf_fail(ld, s, element ? "must be a group { ... }" :
		    "must be a list of groups ( { ... }, ... )");
	if (element)
		return conf_fail(ld, s, "must be a group like %s", kd->example);
	return conf_fail(ld, s, "must be a list of groups, e.g. ( %s )",
	    kd->example);
}

/* parse_grouplist - ( { ... }, ... ): each element walked, then checked */
static int
parse_grouplist(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	const config_setting_t	*e;
	char			*elems;
	size_t			 i, n;

	if (!config_setting_is_list(s))
		return list_or_group_error(ld, s, kd, false);
	if ((n = (size_t)config_setting_length(s)) == 0)
		return (kd->flags & KF_NONEMPTY) ?
		    conf_fail(ld, s, "must not be empty") : 0;
	if ((elems = calloc(n, kd->size)) == NULL)
		return conf_nomem(ld);
	memcpy((char *)base + kd->off, &elems, sizeof(elems));
	COUNT(kd, base) = n;
	for (i = 0; i < n; i++) {
		e = conf_elem(s, i);
		if (!config_setting_is_group(e))
			return list_or_group_error(ld, e, kd, true);
		conf_defaults(kd->sub, elems + i * kd->size);
		if (walk(ld, e, kd->sub, elems + i * kd->size) == -1)
			return -1;
		if (kd->check != NULL && kd->check(ld, e, elems, i) == -1)
			return -1;
	}
	return 0;
}

/* put_indent - one tab per level of nesting */
static void
put_indent(FILE *fp, int depth)
{
	while (depth-- > 0)
		fputc('\t', fp);
}

/* print_string - a string; a secret as SECRET_MASK */
static void
print_string(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	(void)depth;
	conf_put_string(fp, (kd->flags & KF_SECRET) ? SECRET_MASK :
	    *CAT(kd, base, char *));
}

/* print_scalar - a number as it is, the others in their file spelling */
static void
print_scalar(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	uint64_t	 v = scalar_get(kd, base);
	char		 buf[32];

	(void)depth;
	switch (kd->type) {
	case K_BOOL:
		fputs(v ? "true" : "false", fp);
		return;
	case K_ENUM:
		conf_put_string(fp, kd->choices[v]);
		return;
	case K_DURATION:
		conf_fmt_duration((unsigned)v, buf, sizeof(buf));
		break;
	case K_DURATION_MS:
		conf_fmt_duration_ms((unsigned)v, buf, sizeof(buf));
		break;
	case K_SIZE:
		conf_fmt_size(v, buf, sizeof(buf));
		break;
	default:
		fprintf(fp, "%llu", (unsigned long long)v);
		return;
	}
	conf_put_string(fp, buf);
}

/* item_string - one string of a list; a secret as SECRET_MASK */
static void
item_string(FILE *fp, const struct keydef *kd, const void *list, size_t i)
{
	conf_put_string(fp, (kd->flags & KF_SECRET) ? SECRET_MASK :
	    ((char *const *)list)[i]);
}

/* item_duration - one duration of a list, as a string */
static void
item_duration(FILE *fp, const struct keydef *kd, const void *list, size_t i)
{
	char	 buf[32];

	(void)kd;
	conf_fmt_duration(((const unsigned *)list)[i], buf, sizeof(buf));
	conf_put_string(fp, buf);
}

/* item_code - one provider code */
static void
item_code(FILE *fp, const struct keydef *kd, const void *list, size_t i)
{
	(void)kd;
	fprintf(fp, "%ld", ((const long *)list)[i]);
}

/* item_cidr - one network as "address/prefix" */
static void
item_cidr(FILE *fp, const struct keydef *kd, const void *list, size_t i)
{
	const struct cidr	*c = (const struct cidr *)list + i;
	char			 addr[INET6_ADDRSTRLEN];

	(void)kd;
	if (inet_ntop(c->family, c->addr, addr, sizeof(addr)) == NULL)
		strcpy(addr, "?");
	fprintf(fp, "\"%s/%u\"", addr, c->prefixlen);
}

/* print_kv - { name = "value"; ... }, one a line */
static void
print_kv(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	const struct kv	*kv = *CAT(kd, base, struct kv *);
	size_t		 i, n = CCOUNT(kd, base);

	fputs("{\n", fp);
	for (i = 0; i < n; i++) {
		put_indent(fp, depth + 1);
		fprintf(fp, "%s = ", kv[i].key);
		conf_put_string(fp, kv[i].value);
		fputs(";\n", fp);
	}
	put_indent(fp, depth);
	fputc('}', fp);
}

/* print_braces - { keys }, on one line or one key a line */
static void
print_braces(FILE *fp, const struct keydef *keys, const void *base, int depth,
    bool oneline)
{
	if (oneline) {
		fputs("{ ", fp);
		print_keys(fp, keys, base, 0, true);
	} else {
		fputs("{\n", fp);
		print_keys(fp, keys, base, depth + 1, false);
		put_indent(fp, depth);
	}
	fputc('}', fp);
}

/* print_group - K_GROUP */
static void
print_group(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	print_braces(fp, kd->sub, (const char *)base + kd->off, depth,
	    (kd->flags & KF_INLINE) != 0);
}

/* print_grouplist - ( { ... }, ... ), every element on a line or all on one */
static void
print_grouplist(FILE *fp, const struct keydef *kd, const void *base,
    int depth)
{
	const char	*elems;
	size_t		 i, n = CCOUNT(kd, base);
	bool		 oneline = (kd->flags & KF_INLINE) != 0;

	memcpy(&elems, (const char *)base + kd->off, sizeof(elems));
	fputc('(', fp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		if (oneline)
			fputc(' ', fp);
		else {
			fputc('\n', fp);
			put_indent(fp, depth + 1);
		}
		print_braces(fp, kd->sub, elems + i * kd->size, depth + 1,
		    oneline);
	}
	if (n > 0 && !oneline) {
		fputc('\n', fp);
		put_indent(fp, depth);
	} else
		fputc(' ', fp);
	fputc(')', fp);
}

/* group_empty - a group none of whose keys -n would print */
static bool
group_empty(const struct keydef *kd, const void *base)
{
	const struct keydef	*sub;

	for (sub = kd->sub; sub->type != K_END; sub++)
		if (shown(sub, (const char *)base + kd->off))
			return false;
	return true;
}

/* grouplist_empty - a list of groups without elements */
static bool
grouplist_empty(const struct keydef *kd, const void *base)
{
	return CCOUNT(kd, base) == 0;
}

/* free_strlist - the strings of a list and the list */
static void
free_strlist(const struct keydef *kd, void *base)
{
	char	**list = *AT(kd, base, char **);
	size_t	  i;

	for (i = 0; list != NULL && i < COUNT(kd, base); i++)
		free(list[i]);
	free(list);
}

/* free_kv - the names and values of a group of strings, and the array */
static void
free_kv(const struct keydef *kd, void *base)
{
	struct kv	*kv = *AT(kd, base, struct kv *);
	size_t		 i;

	for (i = 0; kv != NULL && i < COUNT(kd, base); i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/* free_group - what the keys of a group or section own */
static void
free_group(const struct keydef *kd, void *base)
{
	free_keys(kd->sub, (char *)base + kd->off);
}

/* free_grouplist - what every element owns, and the array */
static void
free_grouplist(const struct keydef *kd, void *base)
{
	char	*elems;
	size_t	 i;

	memcpy(&elems, (char *)base + kd->off, sizeof(elems));
	for (i = 0; elems != NULL && i < COUNT(kd, base); i++)
		free_keys(kd->sub, elems + i * kd->size);
	free(elems);
}

static const struct ktype_ops ktypes[] = {
	[K_STRING] = { .parse = parse_string, .print = print_string,
	    .free = free_pointer, .empty = pointer_unset },
	[K_STRLIST] = { .parse = parse_list, .print = print_list,
	    .free = free_strlist, .empty = pointer_unset,
	    .item_size = sizeof(char *), .read_item = read_string,
	    .print_item = item_string, .example = "[ \"a\", \"b\" ]" },
	[K_UINT] = { .parse = parse_uint, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	[K_DURATION] = { .parse = parse_duration, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	[K_DURATION_MS] = { .parse = parse_duration, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	[K_DURATIONS] = { .parse = parse_list, .print = print_list,
	    .free = free_pointer, .empty = pointer_unset,
	    .item_size = sizeof(unsigned), .read_item = read_duration,
	    .print_item = item_duration,
	    .example = "[ \"1m\", \"5m\", \"1h\" ]" },
	[K_SIZE] = { .parse = parse_size, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	[K_BOOL] = { .parse = parse_bool, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	[K_ENUM] = { .parse = parse_enum, .print = print_scalar,
	    .empty = scalar_zero, .scalar = true, .always = true },
	/* set to [ ], the codes replace the profile's with none */
	[K_CODES] = { .parse = parse_list, .print = print_list,
	    .free = free_pointer, .empty = pointer_unset,
	    .item_size = sizeof(long), .read_item = read_code,
	    .print_item = item_code, .empty_is_set = true,
	    .example = "[ 21211, 21614 ]" },
	[K_CIDRS] = { .parse = parse_list, .print = print_list,
	    .free = free_pointer, .empty = pointer_unset,
	    .item_size = sizeof(struct cidr), .read_item = read_cidr,
	    .print_item = item_cidr,
	    .example = "[ \"127.0.0.0/8\", \"::1/128\" ]" },
	[K_KV] = { .parse = parse_kv, .print = print_kv, .free = free_kv,
	    .empty = pointer_unset },
	[K_GROUP] = { .parse = parse_group, .print = print_group,
	    .free = free_group, .empty = group_empty, .always = true },
	[K_GROUPLIST] = { .parse = parse_grouplist, .print = print_grouplist,
	    .free = free_grouplist, .empty = grouplist_empty, .always = true },
	[K_SECTION] = { .free = free_group, .empty = group_empty,
	    .always = true },
};

/*
 * parse_list - a list or array, each element read by the type into a new
 * array; an empty list stays unset unless the type says [ ] is a value
 */
static int
parse_list(struct loader *ld, const config_setting_t *s,
    const struct keydef *kd, void *base)
{
	const struct ktype_ops	*t = &ktypes[kd->type];
	char			*list;
	size_t			 i, n;

	if (get_list(ld, s, kd, t->example, &n) == -1)
		return -1;
	if (n == 0 && !t->empty_is_set)
		return 0;
	if ((list = calloc(n > 0 ? n : 1, t->item_size)) == NULL)
		return conf_nomem(ld);
	memcpy((char *)base + kd->off, &list, sizeof(list));
	COUNT(kd, base) = n;
	for (i = 0; i < n; i++)
		if (t->read_item(ld, conf_elem(s, i), kd,
		    list + i * t->item_size) == -1)
			return -1;
	return 0;
}

/* print_list - [ a, b ], each element through the type's item; [ ] if none */
static void
print_list(FILE *fp, const struct keydef *kd, const void *base, int depth)
{
	const void	*list;
	size_t		 i, n = CCOUNT(kd, base);

	(void)depth;
	memcpy(&list, (const char *)base + kd->off, sizeof(list));
	fputs(n > 0 ? "[ " : "[", fp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", fp);
		ktypes[kd->type].print_item(fp, kd, list, i);
	}
	fputs(" ]", fp);
}

/* shown - whether -n prints the row */
static bool
shown(const struct keydef *kd, const void *base)
{
	if (kd->when != NULL && !kd->when(base))
		return false;
	if (kd->flags & KF_SHOW_EMPTY)
		return true;
	if (ktypes[kd->type].always && !(kd->flags & KF_TERSE))
		return true;
	return !ktypes[kd->type].empty(kd, base);
}

/* print_keys - "name = value;" for every row -n shows */
static void
print_keys(FILE *fp, const struct keydef *keys, const void *base, int depth,
    bool oneline)
{
	const struct keydef	*kd;

	for (kd = keys; kd->type != K_END; kd++) {
		if (kd->type == K_SECTION) {
			print_keys(fp, kd->sub, base, depth, oneline);
			continue;
		}
		if (!shown(kd, base))
			continue;
		if (!oneline)
			put_indent(fp, depth);
		fprintf(fp, "%s = ", kd->name);
		(kd->print != NULL ? kd->print : ktypes[kd->type].print)(fp,
		    kd, base, depth);
		fputs(oneline ? "; " : ";\n", fp);
	}
}

/*
 * find_key - the row for a name, sections included; NULL for unknown keys.
 * Two rows may share a name under different conditions (url of an http
 * and of an smpp backend): the first whose .when holds on base wins, else
 * the first of that name (a caller checks its .when).
 */
static const struct keydef *
find_key(const struct keydef *keys, const char *name, const void *base)
{
	const struct keydef	*kd, *found, *any = NULL;

	for (kd = keys; kd->type != K_END; kd++) {
		if (kd->type == K_SECTION)
			found = find_key(kd->sub, name, base);
		else
			found = strcmp(kd->name, name) == 0 ? kd : NULL;
		if (found == NULL)
			continue;
		if (found->when == NULL || found->when(base))
			return found;
		if (any == NULL)
			any = found;
	}
	return any;
}

/*
 * walk - every member of a group through its table; unknown keys are
 * errors. Rows without a condition go first, so that the keys the
 * conditions read (a backend's type) are set before the rows they gate.
 */
static int
walk(struct loader *ld, const config_setting_t *grp, const struct keydef *keys,
    void *base)
{
	const config_setting_t	*s;
	const struct keydef	*kd;
	char			 path[256] = "";
	int			 i, n, pass;

	n = config_setting_length(grp);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			s = config_setting_get_elem(grp, (unsigned)i);
			kd = find_key(keys, config_setting_name(s), base);
			if (kd == NULL) {
				setting_path(grp, path, sizeof(path));
				return conf_fail_key(ld, s, path,
				    "unknown key '%s'", config_setting_name(s));
			}
			if ((kd->when == NULL) != (pass == 0))
				continue;
			if ((kd->parse != NULL ? kd->parse :
			    ktypes[kd->type].parse)(ld, s, kd, base) == -1)
				return -1;
		}
	}
	return 0;
}

/* conf_check_when - see schema.h */
int
conf_check_when(struct loader *ld, const config_setting_t *grp,
    const struct keydef *keys, const void *base, const char *why)
{
	const config_setting_t	*s;
	const struct keydef	*kd;
	int			 i;

	for (i = 0; grp != NULL && i < config_setting_length(grp); i++) {
		s = config_setting_get_elem(grp, (unsigned)i);
		kd = find_key(keys, config_setting_name(s), base);
		if (kd != NULL && kd->when != NULL && !kd->when(base))
			return conf_fail(ld, s, "%s", why);
	}
	return 0;
}

/* conf_defaults - see schema.h; groups and sections too */
void
conf_defaults(const struct keydef *keys, void *base)
{
	const struct keydef	*kd;

	for (kd = keys; kd->type != K_END; kd++) {
		if (ktypes[kd->type].scalar)
			scalar_set(kd, base, kd->def);
		else if (kd->type == K_GROUP || kd->type == K_SECTION)
			conf_defaults(kd->sub, (char *)base + kd->off);
	}
}

/* free_keys - everything the rows' values own */
static void
free_keys(const struct keydef *keys, void *base)
{
	const struct keydef	*kd;

	for (kd = keys; kd->type != K_END; kd++)
		if (ktypes[kd->type].free != NULL)
			ktypes[kd->type].free(kd, base);
}

/* conf_new - see schema.h */
struct conf *
conf_new(void)
{
	struct conf	*c;

	if ((c = calloc(1, sizeof(*c))) != NULL)
		conf_defaults(conf_top_keys, c);
	return c;
}

/* run_rules - each rule of a NULL-ended list until one fails */
static int
run_rules(struct loader *ld, const config_setting_t *root, struct conf *c,
    conf_rule_fn *const *rules)
{
	for (; *rules != NULL; rules++)
		if ((*rules)(ld, root, c) == -1)
			return -1;
	return 0;
}

/* conf_default - the embedded default: loopback, ./spool, outbox backend */
struct conf *
conf_default(void)
{
	char		 err[256];
	struct loader	 ld = { "the embedded default", err, sizeof(err) };
	struct conf	*c;

	if ((c = conf_new()) == NULL)
		return NULL;
	if (conf_embedded(&ld, NULL, c) == -1 ||
	    run_rules(&ld, NULL, c, conf_fills) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* read_file - libconfig's parse of FILE; on error "FILE[:LINE]: why" */
static int
read_file(config_t *cf, const char *file, char *err, size_t errlen)
{
	const char	*efile;
	int		 saved;

	errno = 0;
	if (config_read_file(cf, file) == CONFIG_TRUE)
		return 0;
	saved = errno;
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
		snprintf(err, errlen, "%s: cannot read: %s", file,
		    saved != 0 ? strerror(saved) : config_error_text(cf));
	else {
		efile = config_error_file(cf);
		snprintf(err, errlen, "%s:%d: %s", efile != NULL ? efile : file,
		    config_error_line(cf), config_error_text(cf));
	}
	return -1;
}

/* conf_load - read FILE into *out; on error "FILE:LINE: message" into err */
int
conf_load(const char *file, struct conf **out, char *err, size_t errlen)
{
	struct loader		 ld = { file, err, errlen };
	config_t		 cf;
	const config_setting_t	*root;
	struct conf		*c = NULL;

	*out = NULL;
	config_init(&cf);
	if (read_file(&cf, file, err, errlen) == -1)
		goto fail;
	root = config_root_setting(&cf);
	if ((c = conf_new()) == NULL || (c->file = strdup(file)) == NULL) {
		conf_nomem(&ld);
		goto fail;
	}
	if (walk(&ld, root, conf_top_keys, c) == -1 ||
	    run_rules(&ld, root, c, conf_checks) == -1 ||
	    run_rules(&ld, root, c, conf_fills) == -1)
		goto fail;
	config_destroy(&cf);
	*out = c;
	return 0;
fail:
	config_destroy(&cf);
	conf_free(c);
	return -1;
}

/* conf_free - everything the configuration owns */
void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free_keys(conf_top_keys, c);
	free(c->file);
	free(c);
}

/* conf_print - the effective settings, in the config file's own syntax */
void
conf_print(const struct conf *c, FILE *fp)
{
	const char	*p;

	fputs("# smsrelayd effective configuration from ", fp);
	/* the name goes into a comment: keep it on one line */
	for (p = c->file != NULL ? c->file : "the embedded default"; *p; p++)
		fputc((unsigned char)*p < 0x20 ? '?' : *p, fp);
	fputc('\n', fp);
	print_keys(fp, conf_top_keys, c, 0, false);
}
