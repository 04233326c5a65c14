/*
 * log.c - event logging for the daemon: stderr in the foreground, syslog
 * (facility mail) otherwise; fatal() and fatalx() end the process.
 *
 * Lines for stderr are gathered and written once per loop turn: three lines
 * per message would otherwise cost three write(2) calls. Lines of other
 * threads (the backend's, the password checkers') are written at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <event2/event.h>

#include "sms/lib/log.h"

#define LOG_BUF_SIZE	16384

static int	 log_to_stderr = 1;
static int	 log_verbose;
static const char *log_ident = "smsrelayd";
static int	 log_pid;
static char	 log_buf[LOG_BUF_SIZE];
static size_t	 log_len;
static struct event *log_flush_ev;
static pthread_t log_loop_thread;	/* owns log_buf while log_flush_ev is set */
static char	 prefix[64];	/* "ident[pid]: " of prefix_pid */
static int	 prefix_pid;
static size_t	 plen;

/* write_all - bytes to stderr, as far as it takes them */
static void
write_all(const char *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = write(STDERR_FILENO, p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

/* log_flush - write what is gathered to stderr */
void
log_flush(void)
{
	write_all(log_buf, log_len);
	log_len = 0;
}

static void
log_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	log_flush();
}

/* log_set_base - gather stderr lines per turn of this loop (NULL: stop) */
void
log_set_base(struct event_base *base)
{
	log_flush();
	if (log_flush_ev != NULL)
		event_free(log_flush_ev);
	log_flush_ev = base != NULL ? event_new(base, -1, 0, log_flush_cb,
	    NULL) : NULL;
	log_loop_thread = pthread_self();
}

/* put - append n bytes to tmp at *len, as far as there is room */
static void
put(char *tmp, size_t size, size_t *len, const char *p, size_t n)
{
	if (n > size - *len)
		n = size - *len;
	memcpy(tmp + *len, p, n);
	*len += n;
}

/* log_stderr - one line into the buffer, flushed now or at the turn's end */
static void
log_stderr(const char *line, const char *suffix)
{
	char		 tmp[2200];
	size_t		 n = 0;
	int		 r;

	if (log_pid == 0)
		log_pid = (int)getpid();
	if (prefix_pid != log_pid) {
		r = snprintf(prefix, sizeof(prefix), "%s[%d]: ", log_ident,
		    log_pid);
		plen = r < 0 || (size_t)r >= sizeof(prefix) ? 0 : (size_t)r;
		prefix_pid = log_pid;
	}
	/* room for the newline is kept back: a long line is cut, not lost */
	put(tmp, sizeof(tmp) - 1, &n, prefix, plen);
	put(tmp, sizeof(tmp) - 1, &n, line, strlen(line));
	if (suffix != NULL) {
		put(tmp, sizeof(tmp) - 1, &n, ": ", 2);
		put(tmp, sizeof(tmp) - 1, &n, suffix, strlen(suffix));
	}
	tmp[n++] = '\n';
	if (log_flush_ev == NULL ||
	    !pthread_equal(pthread_self(), log_loop_thread)) {
		write_all(tmp, n);
		return;
	}
	if (log_len + n > sizeof(log_buf))
		log_flush();
	memcpy(log_buf + log_len, tmp, n);
	log_len += n;
	if (log_len == n)
		event_active(log_flush_ev, EV_TIMEOUT, 1);
}

/* log_init - choose the destination once, at start-up */
void
log_init(int foreground, int verbose, const char *ident)
{
	log_to_stderr = foreground;
	log_verbose = verbose;
	log_pid = (int)getpid();
	prefix_pid = 0;
	if (ident != NULL)
		log_ident = ident;
	if (!foreground)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* neutralise - values from the network cannot start a forged log line */
static void
neutralise(char *line)
{
	for (; *line != '\0'; line++)
		if ((unsigned char)*line < 0x20 || *line == 0x7f)
			*line = '?';
}

/* log_emit - one line, with an optional strerror suffix */
static void log_emit(int, const char *, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
log_emit(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char	 line[2048];
	int	 n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	neutralise(line);
	if (log_to_stderr) {
		log_stderr(line, suffix);
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
	log_flush();
	exit(1);
}

/* fatalx - log and exit */
void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	log_flush();
	exit(1);
}
