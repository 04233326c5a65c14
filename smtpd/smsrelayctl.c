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
#include "smtpd/control.h"

#define DEFAULT_CONF	SYSCONFDIR "/smsrelay.conf"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: smsrelayctl [-f config | -s socket] command\n"
	    "commands:\n"
	    "  queue       list queued messages: id, age, recipients, state, next try\n"
	    "  show ID     everything about one message\n"
	    "  flush       retry every deferred recipient now\n"
	    "  delete ID   remove a message without delivery or bounce\n");
	exit(2);
}

/* socket_path - from -s, else from the configuration the daemon would use */
static char *
socket_path(const char *sock, const char *file)
{
	struct conf	*c;
	char		 err[1024], *p;

	if (sock != NULL)
		return strdup(sock);
	if (file == NULL && access(DEFAULT_CONF, F_OK) == 0)
		file = DEFAULT_CONF;
	if (file == NULL)
		c = conf_default();
	else if (conf_load(file, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "smsrelayctl: %s\n", err);
		exit(1);
	}
	if (c == NULL)
		return NULL;
	p = strdup(c->control_socket);
	conf_free(c);
	return p;
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
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "f:s:V")) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 's': sock = optarg; break;
		case 'V': printf("smsrelayctl %s\n", PACKAGE_VERSION); return 0;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
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
