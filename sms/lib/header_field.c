/*
 * header_field.c - one field of a raw RFC 5322 header block by its name:
 * unfolded, its surrounding blanks trimmed, copied with a bound.
 */
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/header_field.h"

/* line_end - the offset of the LF ending the line at i, or len */
static size_t
line_end(const char *block, size_t len, size_t i)
{
	const char *lf = memchr(block + i, '\n', len - i);

	return lf != NULL ? (size_t)(lf - block) : len;
}

/* is_blank_line - the line at i is empty: the header section ends */
static int
is_blank_line(const char *block, size_t len, size_t i)
{
	return i == len || block[i] == '\n' ||
	    (block[i] == '\r' && i + 1 < len && block[i + 1] == '\n');
}

/* is_blank - a space or a tab */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* append - the line's text, CR dropped, runs of blanks as one space */
static int
append(const char *p, size_t n, char *out, size_t size, size_t *o)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		char	 c = p[i] == '\t' ? ' ' : p[i];

		if (c == '\r' || (c == ' ' && (*o == 0 || out[*o - 1] == ' ')))
			continue;
		if (*o + 1 >= size)
			return -1;
		out[(*o)++] = c;
	}
	return 0;
}

/* copy_body - the field body from i (after the colon), unfolded */
static int
copy_body(const char *block, size_t len, size_t i, char *out, size_t size)
{
	size_t	 o = 0, end;

	for (;;) {
		end = line_end(block, len, i);
		if (append(block + i, end - i, out, size, &o) == -1) {
			out[0] = '\0';
			return -1;
		}
		if (end + 1 >= len || !is_blank(block[end + 1]))
			break;
		if (o > 0 && out[o - 1] != ' ' && o + 1 < size)
			out[o++] = ' ';
		i = end + 1;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return 1;
}

/* header_field - see header_field.h */
int
header_field(const char *block, size_t len, const char *name, char *out,
    size_t size)
{
	size_t	 i = 0, nlen = strlen(name);

	if (size == 0)
		return -1;
	out[0] = '\0';
	while (!is_blank_line(block, len, i)) {
		if (len - i > nlen && block[i + nlen] == ':' &&
		    ascii_iequal((const unsigned char *)block + i, nlen, name))
			return copy_body(block, len, i + nlen + 1, out, size);
		i = line_end(block, len, i);
		if (i < len)
			i++;
	}
	return 0;
}
