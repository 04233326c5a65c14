/*
 * driver.c - runs any libFuzzer target without libFuzzer: replays corpus
 * files and, with -m N, N seeded mutations of each (a cheap smoke fuzz).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_FILE	(16u * 1024 * 1024)	/* larger files are refused */
#define MAX_MUTANT	(1u * 1024 * 1024)	/* mutants stay below this */

struct input {
	uint8_t	*data;
	size_t	 len;
};

struct corpus {
	struct input	*in;
	size_t		 n, cap;
};

static uint64_t		 rng_state;
static const char	*save_path;	/* -w: inputs are saved here first */

/* usage - the synopsis, then exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: fuzz_target [-m mutations] [-s seed] "
	    "[-w file] file|dir ...\n");
	exit(2);
}

/* rng - xorshift64*: deterministic for a seed, good enough to mutate */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* rng_below - a number in [0, n), n > 0 */
static size_t
rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* read_file - whole file into memory; -1 with a message on failure */
static int
read_file(const char *path, struct input *in)
{
	FILE	*fp;
	struct stat st;
	size_t	 got;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || st.st_size < 0 ||
	    (uintmax_t)st.st_size > MAX_FILE) {
		fprintf(stderr, "%s: unreadable or larger than %u bytes\n",
		    path, MAX_FILE);
		fclose(fp);
		return -1;
	}
	/* one spare byte so a zero-length file still gets a real pointer */
	if ((in->data = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	got = fread(in->data, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(fp);
		free(in->data);
		return -1;
	}
	fclose(fp);
	in->len = got;
	return 0;
}

/* corpus_add - load one file */
static int
corpus_add(struct corpus *c, const char *path)
{
	struct input	*grown;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		if ((grown = reallocarray(c->in, c->cap, sizeof(*grown))) ==
		    NULL)
			return -1;
		c->in = grown;
	}
	if (read_file(path, &c->in[c->n]) == -1)
		return -1;
	c->n++;
	return 0;
}

/* skip_dots - scandir filter: no hidden files, no . and .. */
static int
skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* corpus_add_path - a file, or every regular file of a directory in order */
static int
corpus_add_path(struct corpus *c, const char *path)
{
	struct dirent	**names;
	struct stat	  st;
	char		 *sub;
	int		  i, n, rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return corpus_add(c, path);
	/* sorted, so a seed names the same mutants on every machine */
	if ((n = scandir(path, &names, skip_dots, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			if (asprintf(&sub, "%s/%s", path, names[i]->d_name) ==
			    -1)
				rc = -1;
			else {
				if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
					rc = corpus_add(c, sub);
				free(sub);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* run_one - hand one input to the target, saving it first if asked */
static void
run_one(const uint8_t *data, size_t len)
{
	FILE	*fp;

	if (save_path != NULL) {
		if ((fp = fopen(save_path, "wb")) == NULL ||
		    fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
			fprintf(stderr, "%s: cannot write\n", save_path);
			exit(1);
		}
	}
	LLVMFuzzerTestOneInput(data, len);
}

/*
 * mutate - a variant of base in buf (capacity MAX_MUTANT): a few rounds of
 * bit flips, interesting bytes, inserts, deletions, truncation and splices
 * from another corpus entry. Returns the new length.
 */
static size_t
mutate(uint8_t *buf, const struct input *base, const struct corpus *c)
{
	/* bytes that steer MIME and SMTP parsers */
	static const char	 special[] = "\r\n=?-:;\"<>@ \t\0\xff\x80";
	const struct input	*other;
	size_t			 len, rounds, r, at, n, k;

	len = base->len < MAX_MUTANT ? base->len : MAX_MUTANT;
	memcpy(buf, base->data, len);
	rounds = 1 + rng_below(4);
	for (r = 0; r < rounds; r++) {
		at = len ? rng_below(len) : 0;
		switch (rng_below(6)) {
		case 0:		/* flip one bit */
			if (len)
				buf[at] ^= (uint8_t)(1u << rng_below(8));
			break;
		case 1:		/* overwrite with a parser-relevant byte */
			if (len)
				buf[at] = (uint8_t)special[rng_below(
				    sizeof(special) - 1)];
			break;
		case 2:		/* insert a run of random bytes */
			n = 1 + rng_below(16);
			if (len + n > MAX_MUTANT)
				break;
			memmove(buf + at + n, buf + at, len - at);
			for (k = 0; k < n; k++)
				buf[at + k] = (uint8_t)rng();
			len += n;
			break;
		case 3:		/* delete a range */
			if (len) {
				n = 1 + rng_below(len - at);
				memmove(buf + at, buf + at + n, len - at - n);
				len -= n;
			}
			break;
		case 4:		/* truncate */
			len = at;
			break;
		case 5:		/* splice: prefix, then another's tail */
			other = &c->in[rng_below(c->n)];
			if (other->len == 0)
				break;
			k = rng_below(other->len);
			n = other->len - k;
			if (at + n > MAX_MUTANT)
				n = MAX_MUTANT - at;
			memcpy(buf + at, other->data + k, n);
			len = at + n;
			break;
		}
	}
	return len;
}

/* main - load every input, then run each with its mutants */
int
main(int argc, char *argv[])
{
	struct corpus	 c = { NULL, 0, 0 };
	unsigned long	 mutations = 0, seed = 1, total = 0;
	uint8_t		*buf = NULL;
	size_t		 i, len;
	unsigned long	 m;
	char		*end;
	int		 ch, rc = 0;

	while ((ch = getopt(argc, argv, "m:s:w:")) != -1) {
		switch (ch) {
		case 'm':
			errno = 0;
			mutations = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || *optarg == '\0')
				usage();
			break;
		case 's':
			errno = 0;
			seed = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || *optarg == '\0')
				usage();
			break;
		case 'w':
			save_path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	for (; *argv != NULL; argv++)
		if (corpus_add_path(&c, *argv) == -1) {
			rc = 1;
			goto done;
		}
	if (c.n == 0) {
		fprintf(stderr, "no input files\n");
		rc = 1;
		goto done;
	}
	/* xorshift must not start at zero */
	rng_state = 0x9e3779b97f4a7c15ULL ^ seed;
	if (mutations > 0 && (buf = malloc(MAX_MUTANT)) == NULL) {
		rc = 1;
		goto done;
	}
	for (i = 0; i < c.n; i++) {
		run_one(c.in[i].data, c.in[i].len);
		total++;
		for (m = 0; m < mutations; m++) {
			len = mutate(buf, &c.in[i], &c);
			run_one(buf, len);
			total++;
		}
	}
	printf("%lu inputs from %zu files, %lu mutations each, seed %lu\n",
	    total, c.n, mutations, seed);
done:
	for (i = 0; i < c.n; i++) {
		free(c.in[i].data);
	}
	free(c.in);
	free(buf);
	return rc;
}
