/*
 * text.c - the SMS text of a message: the body cleaned of signature,
 * invisible characters and surplus blank lines, combined with the subject.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sms/text.h"

/*
 * normalise_chars - a copy of s without characters that cost SMS space yet
 * show nothing (U+200B..U+200D, U+FEFF, soft hyphen U+00AD), with NBSP as a
 * plain space (so "--<NBSP>" is a signature line too) and every line break
 * as LF.
 */
static char *
normalise_chars(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	o = out;
	while (*p != '\0') {
		/* each test stops at the terminating NUL */
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    p[2] >= 0x8b && p[2] <= 0x8d)
			p += 3;
		else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			p += 3;
		else if (p[0] == 0xc2 && p[1] == 0xad)
			p += 2;
		else if (p[0] == 0xc2 && p[1] == 0xa0) {
			*o++ = ' ';
			p += 2;
		} else if (p[0] == '\r') {
			*o++ = '\n';
			p += p[1] == '\n' ? 2 : 1;
		} else
			*o++ = (char)*p++;
	}
	*o = '\0';
	return out;
}

/* is_blank - whether c is whitespace trimmed from line ends */
static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * clean_body - body with the signature cut (a line exactly "-- " or "--"),
 * trailing whitespace of each line removed, any run of blank lines reduced
 * to one, and no blank lines at either end.
 */
static char *
clean_body(const char *body, bool strip_signature)
{
	char	*s, *out, *o;
	char	*line, *eol;
	size_t	 n, blanks = 0;
	bool	 started = false;

	if ((s = normalise_chars(body)) == NULL)
		return NULL;
	if ((out = malloc(strlen(s) + 1)) == NULL) {
		free(s);
		return NULL;
	}
	o = out;
	for (line = s; line != NULL; line = *eol ? eol + 1 : NULL) {
		eol = strchrnul(line, '\n');
		n = (size_t)(eol - line);
		if (strip_signature &&
		    ((n == 2 && memcmp(line, "--", 2) == 0) ||
		    (n == 3 && memcmp(line, "-- ", 3) == 0)))
			break;
		while (n > 0 && is_blank(line[n - 1]))
			n--;
		if (n == 0) {
			blanks++;
			continue;
		}
		/* blank lines count only between text, never at either end */
		if (started) {
			*o++ = '\n';
			if (blanks > 0)
				*o++ = '\n';
		}
		memcpy(o, line, n);
		o += n;
		started = true;
		blanks = 0;
	}
	*o = '\0';
	free(s);
	return out;
}

/* clean_subject - subject on one line, invisible characters gone, trimmed */
static char *
clean_subject(const char *subject)
{
	char	*s, *p, *start;
	size_t	 n;

	if ((s = normalise_chars(subject)) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if (*p == '\n' || is_blank(*p))
			*p = ' ';
	for (start = s; *start == ' '; start++)
		;
	n = strlen(start);
	while (n > 0 && start[n - 1] == ' ')
		n--;
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

/* join - "subject: body", or whichever of the two is not empty */
static char *
join(const char *subject, const char *body)
{
	size_t	 ns = strlen(subject), nb = strlen(body);
	char	*out;

	if (ns == 0)
		return strdup(body);
	if (nb == 0)
		return strdup(subject);
	if ((out = malloc(ns + 2 + nb + 1)) == NULL)
		return NULL;
	memcpy(out, subject, ns);
	memcpy(out + ns, ": ", 2);
	memcpy(out + ns + 2, body, nb + 1);
	return out;
}

/*
 * text_compose - the SMS text for a message under the message.* settings.
 * On -1 errno tells why: ENODATA when nothing is left to send, ENOMEM when
 * memory ran out (a temporary failure, unlike the first).
 */
int
text_compose(const struct mime_text *m, const struct conf *conf,
    struct sms_text *out)
{
	char	*subject = NULL, *body = NULL, *text = NULL;

	memset(out, 0, sizeof(*out));
	if ((subject = clean_subject(m->subject ? m->subject : "")) == NULL ||
	    (body = clean_body(m->body ? m->body : "",
	    conf->message.strip_signature)) == NULL)
		goto nomem;
	switch (conf->message.subject) {
	case SUBJECT_PREPEND:
		text = join(subject, body);
		break;
	case SUBJECT_IGNORE:
		text = body;
		body = NULL;
		break;
	case SUBJECT_ONLY:
		text = subject;
		subject = NULL;
		break;
	}
	if (text == NULL)
		goto nomem;
	free(subject);
	free(body);
	if (*text == '\0') {
		free(text);
		errno = ENODATA;
		return -1;
	}
	out->text = text;
	gsm_layout(text, strlen(text), &out->layout);
	return 0;

nomem:
	free(subject);
	free(body);
	errno = ENOMEM;
	return -1;
}

/* text_free - release the text, leaving an empty struct */
void
text_free(struct sms_text *t)
{
	free(t->text);
	memset(t, 0, sizeof(*t));
}
