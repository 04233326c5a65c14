/*
 * utf8.h - the one UTF-8 decoder and encoder: strict RFC 3629 (no overlong
 * forms, no surrogates, nothing above U+10FFFF); what to do with bad bytes is
 * each caller's choice.
 */
#ifndef SMSRELAY_UTF8_H
#define SMSRELAY_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_MAX		4	/* bytes of the longest sequence */
#define UTF8_REPLACEMENT	0xFFFDu	/* U+FFFD REPLACEMENT CHARACTER */

/*
 * utf8_decode - the length of the well-formed sequence at p[0..n) (1 for
 * ASCII, NUL included) with its code point in *cp (may be NULL); 0 when the
 * bytes are ill-formed or cut short, or n is 0.
 */
size_t	 utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * utf8_maximal_subpart - where utf8_decode() fails: how many bytes one U+FFFD
 * stands for under Unicode's "maximal subpart" practice (chapter 3.9): the
 * bytes that still began a valid sequence, at least 1; 0 only when n is 0.
 */
size_t	 utf8_maximal_subpart(const unsigned char *p, size_t n);

/* utf8_encode - cp as UTF-8 in out, its length; 0 for surrogates, > U+10FFFF */
size_t	 utf8_encode(uint32_t cp, unsigned char out[UTF8_MAX]);

/* utf8_valid - whether s[0..n) is well-formed UTF-8 throughout */
bool	 utf8_valid(const char *s, size_t n);

/*
 * utf8_prefix - the longest length <= max of p[0..n) that does not end inside
 * a sequence, judged by the lead and continuation bits alone: ill-formed
 * bytes are not decoded, and more than 3 continuation bytes at max cut at max.
 */
size_t	 utf8_prefix(const char *p, size_t n, size_t max);

#endif
