/*
 * log.h - one line per event, to stderr (foreground) or syslog (mail facility).
 * Lines are key=value with the session or queue id first, Postfix style.
 */
#ifndef SMSRELAY_LOG_H
#define SMSRELAY_LOG_H

#include <stdarg.h>

struct event_base;

void	log_init(int foreground, int verbose, const char *ident);
/* log_set_base - stderr lines are written once per turn of this loop */
void	log_set_base(struct event_base *);
void	log_flush(void);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
