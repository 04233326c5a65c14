/*
 * log.c - event logging for the daemon: stderr in the foreground, syslog
 * (facility mail) otherwise; fatal() and fatalx() end the process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "smtpd/log.h"

static int	 log_to_stderr = 1;
static int	 log_verbose;
static const char *log_ident = "smsrelayd";

/* log_init - choose the destination once, at start-up */
void
log_init(int foreground, int verbose, const char *ident)
{
	log_to_stderr = foreground;
	log_verbose = verbose;
	if (ident != NULL)
		log_ident = ident;
	if (!foreground)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* log_emit - one line, with an optional strerror suffix */
static void
log_emit(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char	 line[2048];
	int	 n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (log_to_stderr) {
		if (suffix != NULL)
			fprintf(stderr, "%s[%d]: %s: %s\n", log_ident,
			    (int)getpid(), line, suffix);
		else
			fprintf(stderr, "%s[%d]: %s\n", log_ident,
			    (int)getpid(), line);
		return;
	}
	if (suffix != NULL)
		syslog(pri, "%s: %s", line, suffix);
	else
		syslog(pri, "%s", line);
}

#define LOG_BODY(pri, suffix) do {		\
	va_list	 ap;				\
	va_start(ap, fmt);			\
	log_emit((pri), (suffix), fmt, ap);	\
	va_end(ap);				\
} while (0)

/* log_info - a normal event: accepted, sent, deferred, bounced */
void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

/* log_debug - only with -v or log.verbose */
void
log_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	LOG_BODY(LOG_DEBUG, NULL);
}

/* log_warn - a problem, with the current errno's text */
void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);

	LOG_BODY(LOG_WARNING, err);
}

/* log_warnx - a problem, without errno */
void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

/* fatal - log with errno and exit */
void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);

	LOG_BODY(LOG_CRIT, err);
	exit(1);
}

/* fatalx - log and exit */
void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(1);
}
