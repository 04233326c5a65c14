/*
 * html.h - readable text from an HTML body through libxml2's HTML parser:
 * blocks become lines, lists and tables stay readable, Word's noise is dropped.
 */
#ifndef SMSRELAY_HTML_H
#define SMSRELAY_HTML_H

#include <stddef.h>

/*
 * html_to_text - UTF-8 HTML in, UTF-8 text out (malloc'd, NUL-terminated,
 * LF line ends). NULL on ENOMEM; an empty string when nothing is visible.
 */
char	*html_to_text(const char *html, size_t len);

#endif
