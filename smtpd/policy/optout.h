/*
 * optout.h - the numbers that must not be texted: a file an administrator
 * edits (one E.164 number a line, '#' comments), mirrored into the shared
 * state as "optout:NUMBER" keys where the RCPT check looks them up.
 */
#ifndef SMSRELAY_OPTOUT_H
#define SMSRELAY_OPTOUT_H

#include <stddef.h>

struct evbuffer;
struct shared_state;
struct optout;

#define OPTOUT_PREFIX	"optout:"

/* optout_new - the list of file (not read yet) kept in st; NULL ENOMEM */
struct optout	*optout_new(const char *file, struct shared_state *st);
/*
 * optout_load - read the file (again: at start and on SIGHUP) and bring
 * the store in line: numbers gone are deleted, new ones set. A missing
 * file is an empty list. 0, or -1 with the reason in err (the list stays).
 */
int		 optout_load(struct optout *, char *err, size_t errlen);
/*
 * optout_add, optout_remove - change the list and write the file again
 * (a new file renamed over the old); 0, 1 if nothing changed, or -1 with
 * the reason in err (the list and the file stay as they were)
 */
int		 optout_add(struct optout *, const char *number, char *err,
		    size_t errlen);
int		 optout_remove(struct optout *, const char *number, char *err,
		    size_t errlen);
/*
 * optout_is_keyword - whether a subscriber's text is one of keywords
 * (white space and a final '.' or '!' aside, ASCII case ignored): the
 * whole message, as providers take STOP, so "Stop by at 5" is not one
 */
int		 optout_is_keyword(const char *text, char *const *keywords,
		    size_t n);
/* optout_list - one number a line into out */
void		 optout_list(const struct optout *, struct evbuffer *out);
/* optout_number_ok - "+" and 2 to 15 digits, the first not 0 */
int		 optout_number_ok(const char *);
void		 optout_free(struct optout *);

#endif
