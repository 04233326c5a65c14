/*
 * header_field.h - one field of a raw RFC 5322 header block by its name:
 * unfolded, its surrounding blanks trimmed, copied with a bound.
 */
#ifndef SMSRELAY_HEADER_FIELD_H
#define SMSRELAY_HEADER_FIELD_H

#include <stddef.h>

/*
 * header_field - the body of the first field called name (case-blind) in
 * block[0..len), the header section up to its blank line, into out[size]
 * as a C string: folds (CRLF or LF before a blank) become one space, the
 * blanks around the body go. 1 if found, 0 if not, -1 if it does not fit
 * in out (out holds "" then).
 */
int	header_field(const char *block, size_t len, const char *name,
	    char *out, size_t size);

#endif
