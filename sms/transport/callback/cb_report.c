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

/* cb_report_fields - see cb_util.h */
int
cb_report_fields(const struct cb_params *ps, const struct cb_fields *f,
    struct callback_report *out, const char **why)
{
	const char	*id = cb_param(ps, f->id);
	const char	*status = cb_param(ps, f->status);

	if (id == NULL || *id == '\0' || status == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if ((out->state = cb_state(f->statuses, status, 0,
	    SMS_REPORT_NONE)) == SMS_REPORT_NONE) {
		*why = "an unknown status";
		return -1;
	}
	cb_copy(out->id, CALLBACK_ID_MAX, id);
	if (f->ref != NULL)
		cb_copy(out->ref, CALLBACK_ID_MAX, cb_param(ps, f->ref));
	if (f->when != NULL)
		out->when = f->time(cb_param(ps, f->when));
	cb_raw(out, f->provider, status, cb_param(ps, f->error));
	return 1;
}

/* cb_report_request - see cb_util.h */
int
cb_report_request(const struct callback_request *r, const struct cb_fields *f,
    struct callback_report *out, size_t max, const char **why)
{
	struct cb_params	 ps = { 0 };
	int			 n = -1;

	if (max > 0 && cb_params_request(&ps, r) == 0)
		n = cb_report_fields(&ps, f, out, why);
	cb_params_free(&ps);
	return n;
}
