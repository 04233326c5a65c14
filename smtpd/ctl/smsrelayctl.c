/*
 * smsrelayctl.c - the administrator's tool: asks the running daemon over its
 * control socket for the queue, one message, a flush or a delete; sets passwords.
 *
 * What it prints of the daemon's answers and of converted mail comes from
 * clients, mail and providers: control characters in it are shown escaped
 * (\x1b), never sent to the terminal.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "conf/conf.h"
#include "sms/convert/report.h"
#include "sms/lib/utf8.h"
#include "smtpd/policy/users_file.h"
#include "smtpd/ctl/ctl_proto.h"
#include "smtpd/ctl/stats_view.h"

#define DEFAULT_CONF	SYSCONFDIR "/smsrelay.conf"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: smsrelayctl [-f config | -s socket] command\n"
	    "       smsrelayctl [-f config] convert [-t] [file]\n"
	    "       smsrelayctl [-f config] passwd [-m yescrypt|sha512|bcrypt|argon2id]\n"
	    "                   [-u usersfile] user\n"
	    "commands:\n"
	    "  queue       list queued messages: id, age, recipients, state, next try\n"
	    "  queue --scheduled\n"
	    "              the messages held for a later release, with its time\n"
	    "  show ID     everything about one message\n"
	    "  flush       retry every deferred recipient now (not those held\n"
	    "              for a later release)\n"
	    "  delete ID   remove a message without delivery or bounce\n"
	    "  delete --message-id MSGID\n"
	    "              remove the messages whose Message-ID: is MSGID\n"
	    "  backends    each backend: state (up, down or throttled until\n"
	    "              when, probing), link (SMPP: bound, unbound and why),\n"
	    "              in flight, waiting, rate, failures\n"
	    "  report ID STATE [WORDS]\n"
	    "              take a delivery report the provider gave elsewhere:\n"
	    "              ID its message id or our reference (QUEUEID.N), STATE\n"
	    "              enroute, delivered, expired, undeliverable, rejected\n"
	    "              or unknown, WORDS its status text\n"
	    "  optout add|remove NUMBER, optout list\n"
	    "              the numbers never texted (E.164, +4915112345678);\n"
	    "              kept in optout.file, which may also be edited\n"
	    "  convert     show the SMS a message (file or stdin) becomes, without\n"
	    "              a daemon; -t prints the text only\n"
	    "  passwd USER set USER's password in -u usersfile, else in\n"
	    "              auth.users_file; with neither, print USER:HASH\n"
	    "  stats [--since DATE] [--until DATE]\n"
	    "        [--by day|user|domain|backend|country] [--csv]\n"
	    "              delivery statistics per UTC day (DATE YYYY-MM-DD):\n"
	    "              messages, parts, delivered, relayed, failed, expired\n");
	exit(2);
}

/* load - the configuration the daemon would use; exits on error */
static struct conf *
load(const char *file)
{
	struct conf	*c;
	char		 err[1024];

	if (file == NULL && access(DEFAULT_CONF, F_OK) == 0)
		file = DEFAULT_CONF;
	if (file == NULL)
		c = conf_default();
	else if (conf_load(file, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "smsrelayctl: %s\n", err);
		exit(1);
	}
	if (c == NULL) {
		fprintf(stderr, "smsrelayctl: out of memory\n");
		exit(1);
	}
	return c;
}

/* socket_path - from -s, else from the configuration */
static char *
socket_path(const char *sock, const char *file)
{
	struct conf	*c;
	char		*p;

	if (sock != NULL)
		return strdup(sock);
	c = load(file);
	p = strdup(c->control_socket);
	conf_free(c);
	return p;
}

/* is_terminal_control - C0 but newline and tab, DEL, C1 (as a code point) */
static int
is_terminal_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') ||
	    (cp >= 0x7f && cp <= 0x9f);
}

/*
 * put_escaped - s[0..n) to fp with every terminal control and every byte
 * that is not UTF-8 as \xHH. Unless final, an incomplete UTF-8 sequence at
 * the end waits for the next chunk: the count of bytes used is returned.
 */
static size_t
put_escaped(FILE *fp, const char *s, size_t n, int final)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t	 i = 0, k, j;

	if (!final)
		n = utf8_prefix(s, n, n);
	while (i < n) {
		if ((k = utf8_decode(p + i, n - i, &cp)) == 0) {
			fprintf(fp, "\\x%02x", p[i++]);
			continue;
		}
		if (is_terminal_control(cp))
			for (j = 0; j < k; j++)
				fprintf(fp, "\\x%02x", p[i + j]);
		else
			fwrite(p + i, 1, k, fp);
		i += k;
	}
	return n;
}

/* put_stream - what a memory stream gathered, escaped, to fp */
static void
put_stream(FILE *fp, FILE *mem, char **text, size_t *len)
{
	if (fclose(mem) == 0)
		put_escaped(fp, *text, *len, 1);
	free(*text);
}

/* convert_escaped - convert_message(), its report and reply escaped */
static int
convert_escaped(const char *raw, size_t len, const struct conf *c,
    int text_only)
{
	FILE	*out, *err = NULL;
	char	*otext = NULL, *etext = NULL;
	size_t	 olen = 0, elen = 0;
	int	 rc;

	if ((out = open_memstream(&otext, &olen)) == NULL ||
	    (err = open_memstream(&etext, &elen)) == NULL) {
		fprintf(stderr, "smsrelayctl: %s\n", strerror(errno));
		if (out != NULL)
			fclose(out);
		free(otext);
		return 2;
	}
	rc = convert_message(out, err, raw, len, c, text_only);
	put_stream(stdout, out, &otext, &olen);
	put_stream(stderr, err, &etext, &elen);
	return rc;
}

/* convert - the SMS a message becomes, read from path or stdin */
static int
convert(const char *file, const char *path, int text_only)
{
	struct conf	*c = load(file);
	FILE		*fp = stdin;
	char		*raw = NULL, chunk[65536];
	size_t		 len = 0, n;
	int		 rc;

	if (path != NULL && (fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "smsrelayctl: %s: %s\n", path, strerror(errno));
		conf_free(c);
		return 2;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		char *p;

		if (len + n > c->smtp.max_message_size) {
			fprintf(stderr, "552 5.3.4 Message size exceeds fixed "
			    "limit (smtp.max_message_size)\n");
			rc = 1;
			goto done;
		}
		if ((p = realloc(raw, len + n)) == NULL) {
			fprintf(stderr, "smsrelayctl: out of memory\n");
			rc = 2;
			goto done;
		}
		raw = p;
		memcpy(raw + len, chunk, n);
		len += n;
	}
	if (ferror(fp)) {
		fprintf(stderr, "smsrelayctl: %s: read error\n",
		    path != NULL ? path : "stdin");
		rc = 2;
		goto done;
	}
	rc = convert_escaped(raw != NULL ? raw : "", len, c, text_only);
done:
	if (fp != stdin)
		fclose(fp);
	free(raw);
	conf_free(c);
	return rc;
}

/* ask - send one command, print the answer; 0 if the daemon said ok */
static int
ask(const char *path, const char *cmd)
{
	struct sockaddr_un sun;
	FILE		*out = NULL;
	char		 buf[8192], *nl;
	ssize_t		 n;
	size_t		 len = 0, start, used;
	int		 fd, failed = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "smsrelayctl: socket path too long: %s\n", path);
		return 1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "smsrelayctl: %s: %s (is smsrelayd running?)\n",
		    path, strerror(errno));
		if (fd != -1)
			close(fd);
		return 1;
	}
	if (dprintf(fd, "%s\n", cmd) < 0) {
		fprintf(stderr, "smsrelayctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)n;
		start = 0;
		if (out == NULL) {
			/* "ok" goes unsaid; "error: ..." goes to stderr */
			nl = memchr(buf, '\n', len);
			if (nl == NULL && len < sizeof(buf))
				continue;
			failed = strncmp(buf, CTL_ERROR,
			    strlen(CTL_ERROR)) == 0;
			out = failed ? stderr : stdout;
			if (!failed)
				start = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		}
		used = start + put_escaped(out, buf + start, len - start, 0);
		memmove(buf, buf + used, len - used);
		len -= used;
	}
	close(fd);
	if (n == -1 || out == NULL) {
		fprintf(stderr, "smsrelayctl: no answer from %s\n", path);
		return 1;
	}
	put_escaped(out, buf, len, 1);
	return failed;
}

/* valid_user - a name the daemon's users file loader accepts */
static int
valid_user(const char *user)
{
	const unsigned char	*p;
	size_t			 len = strlen(user);

	/* a leading '#' would make the line a comment */
	if (len == 0 || len > AUTH_USER_MAX || user[0] == '#')
		return 0;
	for (p = (const unsigned char *)user; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == ':')
			return 0;
	return 1;
}

static volatile sig_atomic_t caught_signal;

/* on_signal - interrupts the read so the terminal gets its echo back */
static void
on_signal(int sig)
{
	caught_signal = sig;
}

/*
 * read_line_fd - one line from fd, a byte at a time so nothing after it is
 * consumed; the length, -1 on a read error, -2 if longer than bufsz - 1.
 */
static ssize_t
read_line_fd(int fd, char *buf, size_t bufsz)
{
	size_t	 n = 0;
	ssize_t	 r;
	char	 ch;
	int	 toolong = 0;

	while ((r = read(fd, &ch, 1)) == 1 && ch != '\n') {
		if (n == bufsz - 1)
			toolong = 1;
		else
			buf[n++] = ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (r == -1)
		return -1;
	return toolong ? -2 : (ssize_t)n;
}

/* tty_prompt - read a line from the terminal with echo off */
static ssize_t
tty_prompt(int fd, const char *prompt, char *buf, size_t bufsz)
{
	static const int	 sigs[] = { SIGINT, SIGHUP, SIGQUIT, SIGTERM,
				    SIGTSTP };
	struct sigaction	 sa, saved[sizeof(sigs) / sizeof(sigs[0])];
	struct termios		 old, noecho;
	ssize_t			 n;
	size_t			 i;
	int			 sig;

	if (tcgetattr(fd, &old) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	caught_signal = 0;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &saved[i]);
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	if (write(fd, prompt, strlen(prompt)) == -1 ||
	    tcsetattr(fd, TCSAFLUSH, &noecho) == -1)
		n = -1;
	else {
		n = read_line_fd(fd, buf, bufsz);
		if (write(fd, "\n", 1) == -1 && n >= 0)
			n = -1;
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &saved[i], NULL);
	/* the echo is back: now let the signal do what it would have done */
	if ((sig = caught_signal) != 0) {
		explicit_bzero(buf, bufsz);
		raise(sig);
		errno = EINTR;
		return -1;
	}
	return n;
}

/*
 * read_password - twice from the terminal if stdin is one, else one line
 * from stdin for scripts; 0, or -1 after saying why.
 */
static int
read_password(char pass[AUTH_PASS_MAX + 1])
{
	char	 again[AUTH_PASS_MAX + 1];
	ssize_t	 n;
	int	 fd, rc = -1;

	if (!isatty(STDIN_FILENO)) {
		n = read_line_fd(STDIN_FILENO, pass, AUTH_PASS_MAX + 1);
		fd = -1;
	} else if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		fprintf(stderr, "smsrelayctl: /dev/tty: %s\n", strerror(errno));
		return -1;
	} else if ((n = tty_prompt(fd, "Password: ", pass,
	    AUTH_PASS_MAX + 1)) >= 0) {
		ssize_t n2 = tty_prompt(fd, "Retype password: ", again,
		    sizeof(again));

		if (n2 < 0)
			n = n2;
		else if (n > 0 && strcmp(pass, again) != 0) {
			fprintf(stderr, "smsrelayctl: passwords do not match\n");
			goto done;
		}
	}
	if (n == -1)
		fprintf(stderr, "smsrelayctl: reading the password: %s\n",
		    strerror(errno));
	else if (n == -2)
		fprintf(stderr, "smsrelayctl: password longer than %d octets\n",
		    AUTH_PASS_MAX);
	else if (n == 0)
		fprintf(stderr, "smsrelayctl: empty password\n");
	else if (strlen(pass) != (size_t)n)
		fprintf(stderr, "smsrelayctl: password contains a NUL octet\n");
	else
		rc = 0;
done:
	explicit_bzero(again, sizeof(again));
	if (fd != -1)
		close(fd);
	return rc;
}

/* sync_dir - make the rename of a file in path's directory durable */
static int
sync_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 fd, rc;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* copy_users - every line of in to out, user's line replaced or appended */
static int
copy_users(FILE *in, FILE *out, const char *user, const char *hash,
    int *replaced)
{
	char	*line = NULL;
	size_t	 cap = 0, ulen = strlen(user);
	ssize_t	 n;
	int	 newline_at_end = 1;

	*replaced = 0;
	while (in != NULL && (n = getline(&line, &cap, in)) != -1) {
		if ((size_t)n > ulen && strncmp(line, user, ulen) == 0 &&
		    line[ulen] == ':') {
			/* a second line for the user would stop the daemon */
			if (!*replaced)
				fprintf(out, "%s:%s\n", user, hash);
			else
				fprintf(stderr, "smsrelayctl: dropped another "
				    "line for %s\n", user);
			*replaced = 1;
			newline_at_end = 1;
			continue;
		}
		fwrite(line, 1, (size_t)n, out);
		newline_at_end = line[n - 1] == '\n';
	}
	free(line);
	if (in != NULL && ferror(in))
		return -1;
	if (!*replaced)
		fprintf(out, "%s%s:%s\n", newline_at_end ? "" : "\n", user,
		    hash);
	return 0;
}

/*
 * users_update - rewrite path through a temporary file in its directory,
 * so the daemon reads either the old file or the new one, never a mix.
 */
static int
users_update(const char *path, const char *user, const char *hash)
{
	struct stat	 st;
	FILE		*in, *out = NULL;
	char		*tmp;
	int		 fd = -1, replaced, saved;

	if ((in = fopen(path, "re")) == NULL && errno != ENOENT) {
		fprintf(stderr, "smsrelayctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		fprintf(stderr, "smsrelayctl: out of memory\n");
		if (in != NULL)
			fclose(in);
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		fprintf(stderr, "smsrelayctl: %s: no temporary file beside it: "
		    "%s\n", path, strerror(errno));
		goto fail_notmp;
	}
	/* the daemon may read the file after dropping root: keep its owner */
	if (fchmod(fd, 0600) == -1 || (in != NULL &&
	    (fstat(fileno(in), &st) == -1 ||
	    fchown(fd, st.st_uid, st.st_gid) == -1)))
		goto fail;
	if ((out = fdopen(fd, "w")) == NULL)
		goto fail;
	fd = -1;
	if (copy_users(in, out, user, hash, &replaced) == -1)
		goto fail;
	if (fflush(out) == EOF || ferror(out) || fsync(fileno(out)) == -1)
		goto fail;
	saved = fclose(out);
	out = NULL;
	if (saved == EOF || rename(tmp, path) == -1)
		goto fail;
	if (sync_dir(path) == -1)
		fprintf(stderr, "smsrelayctl: %s: directory not synced: %s\n",
		    path, strerror(errno));
	printf("%s: %s user %s\n", path, replaced ? "changed" : "added", user);
	if (in != NULL)
		fclose(in);
	free(tmp);
	return 0;
fail:
	saved = errno;
	fprintf(stderr, "smsrelayctl: %s: %s\n", tmp, strerror(saved));
	if (out != NULL)
		fclose(out);
	if (fd != -1)
		close(fd);
	unlink(tmp);
fail_notmp:
	if (in != NULL)
		fclose(in);
	free(tmp);
	return -1;
}

/* passwd - hash a new password for user into the users file or stdout */
static int
passwd(const char *file, const char *method, const char *users,
    const char *user)
{
	struct conf	*c = NULL;
	char		 pass[AUTH_PASS_MAX + 1], hash[512];
	int		 rc = 1;

	if (!valid_user(user)) {
		fprintf(stderr, "smsrelayctl: user name must be 1 to %d octets "
		    "without ':', spaces, control characters or a leading "
		    "'#'\n", AUTH_USER_MAX);
		return 2;
	}
	if (method != NULL && strcmp(method, "yescrypt") != 0 &&
	    strcmp(method, "sha512") != 0 && strcmp(method, "bcrypt") != 0 &&
	    strcmp(method, "argon2id") != 0)
		usage();
	if (users == NULL) {
		c = load(file);
		users = c->auth.users_file;
	}
	if (read_password(pass) == -1)
		goto done;
	if (auth_hash_password(pass, method, hash, sizeof(hash)) == -1) {
		fprintf(stderr, "smsrelayctl: hashing the password: %s\n",
		    strerror(errno));
		goto done;
	}
	if (users == NULL) {
		printf("%s:%s\n", user, hash);
		rc = fflush(stdout) == EOF;
	} else
		rc = users_update(users, user, hash) == -1;
done:
	explicit_bzero(pass, sizeof(pass));
	conf_free(c);
	return rc;
}

/* report_command - "report ID STATE [WORDS]" as one line; -1 if malformed */
static int
report_command(int argc, char *argv[], char *cmd, size_t size)
{
	int	 n;

	if ((argc != 3 && argc != 4) || strcmp(argv[0], CTL_REPORT) != 0 ||
	    strlen(argv[1]) > CONTROL_ID_MAX ||
	    strpbrk(argv[1], " \r\n") != NULL ||
	    strpbrk(argv[2], " \r\n") != NULL ||
	    (argc == 4 && strpbrk(argv[3], "\r\n") != NULL))
		return -1;
	n = snprintf(cmd, size, "%s %s %s%s%s", argv[0], argv[1], argv[2],
	    argc == 4 ? " " : "", argc == 4 ? argv[3] : "");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* the long options of queue and delete; getopt_long returns their letter */
static const struct option long_options[] = {
	{ "scheduled", no_argument, NULL, 'S' },
	{ "message-id", required_argument, NULL, 'M' },
	{ "since", required_argument, NULL, 'B' },
	{ "until", required_argument, NULL, 'E' },
	{ "by", required_argument, NULL, 'K' },
	{ "csv", no_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};

#define STATS_WORDS_MAX	7	/* --since D --until D --by K --csv */

/* stats options as they were given, for stats_query_parse() */
struct stats_words {
	const char *word[STATS_WORDS_MAX];
	int	 n;
};

/* stats_word - option name (and its value) once more; usage if repeated */
static void
stats_word(struct stats_words *w, const char *name, const char *value)
{
	int	 i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->word[i], name) == 0)
			usage();
	if (w->n + (value != NULL) >= STATS_WORDS_MAX)
		usage();
	w->word[w->n++] = name;
	if (value != NULL)
		w->word[w->n++] = value;
}

/* stats_command - the line of stats and its options; usage if they are bad */
static void
stats_command(int argc, struct stats_words *w, char *cmd, size_t size)
{
	struct stats_query	 q;
	char			 err[256], line[64];

	if (argc != 1)
		usage();
	if (stats_query_parse(w->n, w->word, &q, err, sizeof(err)) == -1) {
		fprintf(stderr, "smsrelayctl: stats: %s\n", err);
		usage();
	}
	stats_query_line(&q, line, sizeof(line));
	snprintf(cmd, size, "%s %s", CTL_STATS, line);
}

/*
 * long_command - the line for queue --scheduled or delete --message-id
 * MSGID; -1 if that is not what argv and the long options make
 */
static int
long_command(int argc, char *argv[], int scheduled, const char *msgid,
    char *cmd, size_t size)
{
	if (scheduled && msgid == NULL && argc == 1 &&
	    strcmp(argv[0], CTL_QUEUE) == 0) {
		snprintf(cmd, size, "%s %s", CTL_QUEUE, CTL_SCHEDULED);
		return 0;
	}
	if (!scheduled && msgid != NULL && argc == 1 &&
	    strcmp(argv[0], CTL_DELETE) == 0 && msgid[0] != '\0' &&
	    strlen(msgid) <= CONTROL_MSGID_MAX &&
	    strpbrk(msgid, " \t\r\n") == NULL) {
		snprintf(cmd, size, "%s %s %s", CTL_DELETE, CTL_BY_MESSAGE_ID,
		    msgid);
		return 0;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	const char	*file = NULL, *sock = NULL, *method = NULL, *users = NULL;
	const char	*msgid = NULL;
	char		 cmd[CONTROL_LINE_MAX + 1], *path;
	int		 ch, rc, text_only = 0, scheduled = 0;
	struct stats_words sw = { { NULL }, 0 };

	while ((ch = getopt_long(argc, argv, "f:m:s:tu:V", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 'm': method = optarg; break;
		case 's': sock = optarg; break;
		case 't': text_only = 1; break;
		case 'u': users = optarg; break;
		case 'V': printf("smsrelayctl %s\n", PACKAGE_VERSION); return 0;
		case 'S': scheduled = 1; break;
		case 'M': msgid = optarg; break;
		case 'B': stats_word(&sw, "--since", optarg); break;
		case 'E': stats_word(&sw, "--until", optarg); break;
		case 'K': stats_word(&sw, "--by", optarg); break;
		case 'C': stats_word(&sw, "--csv", NULL); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[0], "passwd") == 0 && !scheduled &&
	    msgid == NULL)
		return passwd(file, method, users, argv[1]);
	if (method != NULL || users != NULL)
		usage();
	if (argc >= 1 && strcmp(argv[0], CTL_STATS) == 0 && !scheduled &&
	    msgid == NULL)
		stats_command(argc, &sw, cmd, sizeof(cmd));
	else if (sw.n > 0)
		usage();
	else if (scheduled || msgid != NULL) {
		if (long_command(argc, argv, scheduled, msgid, cmd,
		    sizeof(cmd)) == -1)
			usage();
	} else if (argc >= 1 && argc <= 2 && strcmp(argv[0], "convert") == 0)
		return convert(file, argc == 2 ? argv[1] : NULL, text_only);
	else if (argc == 1 && (strcmp(argv[0], CTL_QUEUE) == 0 ||
	    strcmp(argv[0], CTL_FLUSH) == 0 ||
	    strcmp(argv[0], CTL_BACKENDS) == 0))
		snprintf(cmd, sizeof(cmd), "%s", argv[0]);
	else if (argc == 2 && (strcmp(argv[0], CTL_SHOW) == 0 ||
	    strcmp(argv[0], CTL_DELETE) == 0) &&
	    strlen(argv[1]) <= CONTROL_ID_MAX &&
	    strpbrk(argv[1], "\r\n") == NULL)
		snprintf(cmd, sizeof(cmd), "%s %s", argv[0], argv[1]);
	else if (argc >= 2 && argc <= 3 && strcmp(argv[0], CTL_OPTOUT) == 0 &&
	    ((argc == 2 && strcmp(argv[1], "list") == 0) || (argc == 3 &&
	    (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "remove") == 0) &&
	    strlen(argv[2]) <= CONTROL_ID_MAX &&
	    strpbrk(argv[2], " \r\n") == NULL)))
		snprintf(cmd, sizeof(cmd), "%s %s%s%s", argv[0], argv[1],
		    argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
	else if (report_command(argc, argv, cmd, sizeof(cmd)) == -1)
		usage();
	if ((path = socket_path(sock, file)) == NULL) {
		fprintf(stderr, "smsrelayctl: out of memory\n");
		return 1;
	}
	rc = ask(path, cmd);
	free(path);
	return rc;
}
