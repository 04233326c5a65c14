/*
 * smsrelayctl.c - the administrator's tool: asks the running daemon over its
 * control socket for the queue, one message, a flush or a delete.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conf/conf.h"
#include "sms/convert.h"
#include "smtpd/control.h"

#define DEFAULT_CONF	SYSCONFDIR "/smsrelay.conf"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: smsrelayctl [-f config | -s socket] command\n"
	    "       smsrelayctl [-f config] convert [-t] [file]\n"
	    "commands:\n"
	    "  queue       list queued messages: id, age, recipients, state, next try\n"
	    "  show ID     everything about one message\n"
	    "  flush       retry every deferred recipient now\n"
	    "  delete ID   remove a message without delivery or bounce\n"
	    "  convert     show the SMS a message (file or stdin) becomes, without\n"
	    "              a daemon; -t prints the text only\n");
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
	rc = convert_message(stdout, stderr, raw != NULL ? raw : "", len, c,
	    text_only);
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
	char		 buf[8192];
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, first = 1, failed = 0;

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
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		char *nl;

		len += (size_t)n;
		buf[len] = '\0';
		if (first) {
			if ((nl = strchr(buf, '\n')) == NULL && len < sizeof(buf) - 1)
				continue;
			first = 0;
			if (strncmp(buf, "error:", 6) == 0) {
				failed = 1;
				fputs(buf, stderr);
			} else if (nl != NULL)
				fputs(nl + 1, stdout);
		} else
			fputs(buf, failed ? stderr : stdout);
		len = 0;
	}
	close(fd);
	if (n == -1 || first) {
		fprintf(stderr, "smsrelayctl: no answer from %s\n", path);
		return 1;
	}
	return failed;
}

int
main(int argc, char *argv[])
{
	const char	*file = NULL, *sock = NULL;
	char		 cmd[CONTROL_LINE_MAX + 1], *path;
	int		 ch, rc, text_only = 0;

	while ((ch = getopt(argc, argv, "f:s:tV")) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 's': sock = optarg; break;
		case 't': text_only = 1; break;
		case 'V': printf("smsrelayctl %s\n", PACKAGE_VERSION); return 0;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && argc <= 2 && strcmp(argv[0], "convert") == 0)
		return convert(file, argc == 2 ? argv[1] : NULL, text_only);
	if (argc == 1 && (strcmp(argv[0], "queue") == 0 ||
	    strcmp(argv[0], "flush") == 0))
		snprintf(cmd, sizeof(cmd), "%s", argv[0]);
	else if (argc == 2 && (strcmp(argv[0], "show") == 0 ||
	    strcmp(argv[0], "delete") == 0) && strlen(argv[1]) <= 64 &&
	    strpbrk(argv[1], "\r\n") == NULL)
		snprintf(cmd, sizeof(cmd), "%s %s", argv[0], argv[1]);
	else
		usage();
	if ((path = socket_path(sock, file)) == NULL) {
		fprintf(stderr, "smsrelayctl: out of memory\n");
		return 1;
	}
	rc = ask(path, cmd);
	free(path);
	return rc;
}
