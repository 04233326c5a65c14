/*
 * report.h - what "smsrelayctl convert" shows: one message through the
 * converter, as the bare SMS text or as a report of every step.
 */
#ifndef SMSRELAY_CONVERT_H
#define SMSRELAY_CONVERT_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"

/*
 * convert_message - the SMS a raw message becomes under conf: with
 * text_only just the text and a newline on out, else a report (subject
 * options, what was cut, transliterations, encoding, the parts). Returns 0
 * when the relay would accept it; 1 when it would refuse it, with the SMTP
 * reply on err; 2 when the message cannot be parsed or memory ran out.
 */
int	convert_message(FILE *out, FILE *err, const char *raw, size_t len,
	    const struct conf *, int text_only);

#endif
