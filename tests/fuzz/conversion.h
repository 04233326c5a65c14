/*
 * conversion.h - what the mime, html and tnef fuzz targets share: one mail
 * through the daemon's end-of-DATA conversion, its promises checked.
 */
#ifndef SMSRELAY_FUZZ_CONVERSION_H
#define SMSRELAY_FUZZ_CONVERSION_H

#include <stddef.h>

/*
 * conversion_run - mail[0..len) through mime_extract() and text_compose()
 * under the message.* settings the bits of sel pick, then through the
 * report of "smsrelayctl convert"; abort() when a promise is broken.
 */
void	conversion_run(const char *mail, size_t len, unsigned sel);

/*
 * conversion_selector - sel for an input of len bytes: the settings vary
 * across a corpus, yet stay while a mutation keeps the length.
 */
unsigned conversion_selector(size_t len);

/*
 * conversion_run_body - header (a message's header and the blank line) and
 * body[0..len) as one mail through conversion_run, with the selector of
 * the body's length: the targets that fuzz one kind of part use it.
 */
void	conversion_run_body(const char *header, const char *body, size_t len);

#endif
