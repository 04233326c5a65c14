/*
 * conf_keys.c - prints every key path of the real config tables (conf/),
 * one a line with its type and table default, for tests/man/check.sh.
 *
 * Walking the tables the loader walks, instead of keeping a list, is what
 * makes the man page test fail the day a key is added without its entry.
 * A group's keys are "group.key"; the members of a list of groups are
 * "list.key" (the man page describes one element). A table reached a second
 * time under another name (backends = ( ) takes backend's keys) is printed
 * once as that name with type "same-as" and the first name, so its keys are
 * documented once and the second name needs an entry of its own. Groups are
 * printed too (type "group" or "list-of-groups"): the test may find an entry
 * for one, but does not ask for it.
 */
#include <stdio.h>
#include <string.h>

#include "conf/schema.h"

#define MAX_PATH	256
#define MAX_TABLES	64

/* the tables already walked, and the path each was walked under */
struct seen {
	const struct keydef	*table[MAX_TABLES];
	char			 path[MAX_TABLES][MAX_PATH];
	size_t			 n;
	int			 overflow;	/* a table found no slot */
};

static const char *const type_names[] = {
	[K_END] = "end", [K_STRING] = "string", [K_STRLIST] = "strings",
	[K_UINT] = "integer", [K_DURATION] = "duration",
	[K_DURATION_MS] = "duration-ms", [K_DURATIONS] = "durations",
	[K_SIZE] = "size", [K_BOOL] = "boolean", [K_ENUM] = "enum",
	[K_CODES] = "codes", [K_CIDRS] = "networks", [K_KV] = "group-of-strings",
	[K_GROUP] = "group", [K_GROUPLIST] = "list-of-groups",
	[K_SECTION] = "section"
};

static void	walk(struct seen *, const struct keydef *, const char *);

/* seen_find - the path a table was first walked under, or NULL */
static const char *
seen_find(const struct seen *s, const struct keydef *table)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (s->table[i] == table)
			return s->path[i];
	return NULL;
}

/* print_default - the row's own default where the table holds one */
static void
print_default(const struct keydef *kd)
{
	char	 buf[64];

	switch (kd->type) {
	case K_UINT:
		printf("%llu", (unsigned long long)kd->def);
		break;
	case K_DURATION:
		conf_fmt_duration((unsigned)kd->def, buf, sizeof(buf));
		fputs(buf, stdout);
		break;
	case K_DURATION_MS:
		conf_fmt_duration_ms((unsigned)kd->def, buf, sizeof(buf));
		fputs(buf, stdout);
		break;
	case K_SIZE:
		conf_fmt_size(kd->def, buf, sizeof(buf));
		fputs(buf, stdout);
		break;
	case K_BOOL:
		fputs(kd->def != 0 ? "true" : "false", stdout);
		break;
	case K_ENUM:
		/* a row with its own reader (transliterate) names no choices */
		fputs(kd->choices != NULL ? kd->choices[kd->def] : "-", stdout);
		break;
	default:
		fputc('-', stdout);
		break;
	}
}

/* print_key - "path type default [conditional]" for one leaf row */
static void
print_key(const struct keydef *kd, const char *path)
{
	printf("%s\t%s\t", path, type_names[kd->type]);
	print_default(kd);
	printf("%s\n", kd->when != NULL ? "\tconditional" : "");
}

/* walk_group - the rows of a group's table below path, or its alias */
static void
walk_group(struct seen *s, const struct keydef *kd, const char *path)
{
	const char	*first = seen_find(s, kd->sub);

	if (first != NULL) {
		printf("%s\tsame-as\t%s\n", path, first);
		return;
	}
	printf("%s\t%s\n", path, type_names[kd->type]);
	if (s->n < MAX_TABLES) {
		s->table[s->n] = kd->sub;
		snprintf(s->path[s->n], MAX_PATH, "%s", path);
		s->n++;
	} else
		s->overflow = 1;
	walk(s, kd->sub, path);
}

/* walk - every row of a table, below prefix ("" at the top) */
static void
walk(struct seen *s, const struct keydef *table, const char *prefix)
{
	const struct keydef	*kd;
	char			 path[MAX_PATH];

	for (kd = table; kd->type != K_END; kd++) {
		if (kd->type == K_SECTION) {
			walk(s, kd->sub, prefix);
			continue;
		}
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] != '\0' ? "." : "", kd->name);
		if (kd->type == K_GROUP || kd->type == K_GROUPLIST)
			walk_group(s, kd, path);
		else
			print_key(kd, path);
	}
}

int
main(void)
{
	static struct seen	 s;

	walk(&s, conf_top_keys, "");
	if (s.overflow) {
		fputs("conf_keys: more tables than MAX_TABLES\n", stderr);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
