/*
 * region.c - region codes to country names (iso3166.tab) and to the time
 * zones of the country (zone.tab), read once and then only looked up.
 *
 * Why tzdata: Debian's libphonenumber 8.12 ships the Java library's time zone
 * mapper only in Java; its C++ API gives the region, and tzdata, which the
 * zone offsets come from anyway, lists every zone of every country. zone.tab
 * lists a country's zones with the most populous first ("DE": Europe/Berlin,
 * then Europe/Busingen). The tables are read before the first lookup (the
 * daemon calls region_load at start-up) under a pthread_once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/region.h"

#define LINE_MAX_LEN	512
#define CODE_LEN	2

struct region_row {
	char	 code[CODE_LEN + 1];
	char	*text;		/* the name, or a zone name */
};

struct region_table {
	struct region_row	*rows;
	size_t			 n, cap;
};

static struct region_table	 names, zones;
static const char		*load_dir = ZONEINFO_DIR;
static int			 load_rc = -1;
static pthread_once_t		 load_once = PTHREAD_ONCE_INIT;

/* table_add - append code and text; -1 without memory */
static int
table_add(struct region_table *t, const char *code, const char *text,
    size_t textlen)
{
	struct region_row	*rows;
	size_t			 cap;

	if (t->n == t->cap) {
		cap = t->cap ? 2 * t->cap : 256;
		if ((rows = realloc(t->rows, cap * sizeof(*rows))) == NULL)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	if ((t->rows[t->n].text = strndup(text, textlen)) == NULL)
		return -1;
	memcpy(t->rows[t->n].code, code, CODE_LEN);
	t->rows[t->n].code[CODE_LEN] = '\0';
	t->n++;
	return 0;
}

/*
 * read_table - "CC<TAB>name" (field 1) or "CC<TAB>coordinates<TAB>zone"
 * (field 2) lines of dir/file; comments and malformed lines are skipped
 */
static int
read_table(const char *dir, const char *file, int field,
    struct region_table *t)
{
	char	 path[LINE_MAX_LEN], line[LINE_MAX_LEN];
	char	*p, *end;
	FILE	*fp;
	int	 i, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || strlen(line) < CODE_LEN + 2 ||
		    line[CODE_LEN] != '\t')
			continue;
		p = line;
		for (i = 0; i < field && p != NULL; i++)
			if ((p = strchr(p, '\t')) != NULL)
				p++;
		if (p == NULL)
			continue;
		end = p + strcspn(p, "\t\n");
		if (end > p)
			rc = table_add(t, line, p, (size_t)(end - p));
	}
	fclose(fp);
	return rc;
}

/* load - both tables, once */
static void
load(void)
{
	if (read_table(load_dir, "iso3166.tab", 1, &names) == 0 &&
	    read_table(load_dir, "zone.tab", 2, &zones) == 0)
		load_rc = 0;
}

/* region_load - see region.h */
int
region_load(const char *dir)
{
	if (dir != NULL)
		load_dir = dir;
	pthread_once(&load_once, load);
	return load_rc;
}

/* region_name - see region.h */
const char *
region_name(const char *code)
{
	size_t	 i;

	region_load(NULL);
	for (i = 0; i < names.n; i++)
		if (strcmp(names.rows[i].code, code) == 0)
			return names.rows[i].text;
	return code;
}

/* region_zones - see region.h */
size_t
region_zones(const char *code, const char **out, size_t max)
{
	size_t	 i, n = 0;

	region_load(NULL);
	for (i = 0; i < zones.n && n < max; i++)
		if (strcmp(zones.rows[i].code, code) == 0)
			out[n++] = zones.rows[i].text;
	return n;
}
