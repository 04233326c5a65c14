/*
 * convert_bench.c - how fast mail becomes SMS text on one core: a corpus of
 * .eml files held in memory, run through mime_extract and text_compose.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "sms/convert/mime.h"
#include "sms/convert/text.h"

struct mail {
	char	*data;
	size_t	 len;
};

/* Totals of one pass, kept so the work cannot be optimised away. */
struct tally {
	size_t	 accepted;
	size_t	 refused;
	size_t	 unparsable;
	size_t	 text_bytes;
	size_t	 parts;
};

/* usage - the command line, then exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: convert_bench [-s seconds | -n passes] "
	    "[-p pattern] -c conf dir\n");
	exit(2);
}

/* read_file - the whole of path into *m; -1 with a message on failure */
static int
read_file(const char *path, struct mail *m)
{
	FILE	*f;
	long	 size;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "convert_bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fprintf(stderr, "convert_bench: %s: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	m->len = (size_t)size;
	/* one spare byte so an empty file still gets its own allocation */
	if ((m->data = malloc(m->len + 1)) == NULL ||
	    fread(m->data, 1, m->len, f) != m->len) {
		fprintf(stderr, "convert_bench: %s: short read\n", path);
		free(m->data);
		m->data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* load_corpus - every file of dir matching pattern; the count, or -1 */
static long
load_corpus(const char *dir, const char *pattern, struct mail **out)
{
	glob_t		 g;
	char		 path[4096];
	struct mail	*mails;
	size_t		 i;
	int		 r;

	if (snprintf(path, sizeof(path), "%s/%s", dir, pattern) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "convert_bench: %s: path too long\n", dir);
		return -1;
	}
	if ((r = glob(path, 0, NULL, &g)) != 0) {
		fprintf(stderr, "convert_bench: %s: %s\n", path,
		    r == GLOB_NOMATCH ? "no messages" : "glob failed");
		return -1;
	}
	if ((mails = calloc(g.gl_pathc, sizeof(*mails))) == NULL) {
		globfree(&g);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++)
		if (read_file(g.gl_pathv[i], &mails[i]) == -1) {
			while (i-- > 0)
				free(mails[i].data);
			free(mails);
			globfree(&g);
			return -1;
		}
	*out = mails;
	i = g.gl_pathc;
	globfree(&g);
	return (long)i;
}

/*
 * bench_pass - one conversion of every mail, as the relay does it at the
 * end of DATA. Not inlined: tests/bench/convert counts instructions inside
 * it with callgrind --toggle-collect.
 */
__attribute__((noinline)) static void
bench_pass(const struct mail *mails, size_t n, const struct conf *conf,
    struct tally *t)
{
	struct mime_text	 m;
	struct sms_text		 s;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		if (mime_extract(mails[i].data, mails[i].len, &m) == -1) {
			t->unparsable++;
			continue;
		}
		if (text_compose(&m, conf, &s) == 0) {
			t->accepted++;
			t->text_bytes += strlen(s.text);
			t->parts += s.layout.parts;
			text_free(&s);
		} else
			t->refused++;
		mime_text_free(&m);
	}
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* main - load, convert for -s seconds or -n passes, print the rates */
int
main(int argc, char *argv[])
{
	struct conf	*conf;
	struct mail	*mails = NULL;
	struct tally	 t;
	const char	*conffile = NULL, *pattern = "*.eml";
	char		 err[1024];
	double		 seconds = 5, start, elapsed;
	long		 passes = 0, done, n, i;
	size_t		 bytes = 0, msgs;
	int		 ch;

	while ((ch = getopt(argc, argv, "c:n:p:s:")) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'n':
			if ((passes = strtol(optarg, NULL, 10)) < 1)
				usage();
			break;
		case 'p':
			pattern = optarg;
			break;
		case 's':
			if ((seconds = strtod(optarg, NULL)) <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || conffile == NULL)
		usage();
	if (conf_load(conffile, &conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "convert_bench: %s\n", err);
		return 1;
	}
	if (mime_selftest() != 0) {
		fprintf(stderr, "convert_bench: charset conversion does not work\n");
		conf_free(conf);
		return 1;
	}
	if ((n = load_corpus(argv[optind], pattern, &mails)) == -1) {
		conf_free(conf);
		return 1;
	}
	for (i = 0; i < n; i++)
		bytes += mails[i].len;

	memset(&t, 0, sizeof(t));
	start = now();
	done = 0;
	do {
		bench_pass(mails, (size_t)n, conf, &t);
		done++;
		elapsed = now() - start;
	} while (passes > 0 ? done < passes : elapsed < seconds);

	msgs = (size_t)done * (size_t)n;
	printf("corpus: %ld messages matching %s, %zu bytes (%.1f KB each)\n",
	    n, pattern, bytes, (double)bytes / (double)n / 1024);
	printf("per pass: %zu accepted, %zu refused, %zu unparsable, "
	    "%zu text bytes, %zu SMS parts\n", t.accepted / (size_t)done,
	    t.refused / (size_t)done, t.unparsable / (size_t)done,
	    t.text_bytes / (size_t)done, t.parts / (size_t)done);
	printf("%ld passes, %zu messages in %.3f s: %.0f messages/s, "
	    "%.2f µs/message\n", done, msgs, elapsed,
	    (double)msgs / elapsed, elapsed * 1e6 / (double)msgs);

	for (i = 0; i < n; i++)
		free(mails[i].data);
	free(mails);
	conf_free(conf);
	return 0;
}
