/*
 * cb_report.c - filling in one report: ids and words cleaned to printable
 * ASCII within their bounds, a provider's status word mapped to a state.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sms/transport/callback/cb_util.h"

/* cb_copy - see cb_util.h; out holds max + 1 */
void
cb_copy(char *out, size_t max, const char *s)
{
	size_t	 i, o = 0;

	for (i = 0; s != NULL && s[i] != '\0' && o < max; i++)
		if (s[i] > 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			out[o++] = s[i];
	out[o] = '\0';
}

/* cb_raw - see cb_util.h; spaces between the words only */
void
cb_raw(struct callback_report *r, const char *provider, const char *status,
    const char *code)
{
	char	 st[48], cd[32];

	cb_copy(st, sizeof(st) - 1, status);
	cb_copy(cd, sizeof(cd) - 1, code);
	snprintf(r->raw, sizeof(r->raw), "X-%s; %s%s%s", provider,
	    st[0] != '\0' ? st : "?", cd[0] != '\0' ? " " : "", cd);
}

/* cb_state - see cb_util.h */
enum sms_report
cb_state(const struct cb_word *t, const char *word, int nocase,
    enum sms_report def)
{
	if (word == NULL)
		return def;
	for (; t->word != NULL; t++)
		if ((nocase ? strcasecmp(t->word, word) :
		    strcmp(t->word, word)) == 0)
			return t->state;
	return def;
}
