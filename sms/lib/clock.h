/*
 * clock.h - the daemon's calendar clock (release times, quiet hours,
 * windows, report times): the system's, or moved by a test at will.
 *
 * A test starts the daemon with SMSRELAY_TEST_CLOCK=FILE; the clock then
 * runs ahead of the system's by the seconds FILE holds (a decimal number,
 * re-read every 100 ms), so a test moves it a day ahead by writing 86400
 * and no test sleeps. Whoever keeps a timer for a calendar time registers
 * with clock_on_jump and re-arms it when the offset changes. Without the
 * variable the clock is the system's and no timer runs.
 */
#ifndef SMSRELAY_CLOCK_H
#define SMSRELAY_CLOCK_H

#include <stdint.h>

struct event_base;

/* clock_now, clock_now_ms - seconds / milliseconds since the epoch */
int64_t		 clock_now(void);
int64_t		 clock_now_ms(void);

/*
 * clock_init - start watching SMSRELAY_TEST_CLOCK on base, if set; 0, or -1
 * with a message in err (the file cannot be read)
 */
int		 clock_init(struct event_base *, char *err, size_t errlen);
/* clock_close - stop watching; the listeners are forgotten */
void		 clock_close(void);

/*
 * clock_on_jump - cb(arg) on base after each change of the test offset;
 * clock_off_jump forgets it. At most CLOCK_LISTENERS at once; -1 if full.
 */
#define CLOCK_LISTENERS	8
int		 clock_on_jump(void (*cb)(void *), void *arg);
void		 clock_off_jump(void (*cb)(void *), void *arg);

#endif
