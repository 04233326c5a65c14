/*
 * http_outcome.c - how a provider's answer becomes an outcome: its JSON
 * read by path, its codes, its id (and part ids), a clean, bounded reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sms/transport/http.h"
#include "sms/transport/http_profile.h"

/*
 * http_json_path - the member a dotted path names ("id", "error.message",
 * "messages.0.id"); numeric parts index arrays.
 */
json_t *
http_json_path(json_t *j, const char *path)
{
	char		 part[128];
	const char	*p = path;
	char		*end;
	size_t		 n;
	unsigned long	 idx;

	while (j != NULL && *p != '\0') {
		n = strcspn(p, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		if (*p == '.')
			p++;
		if (json_is_object(j))
			j = json_object_get(j, part);
		else if (json_is_array(j) && n > 0 && part[0] >= '0' &&
		    part[0] <= '9') {
			errno = 0;
			idx = strtoul(part, &end, 10);
			if (*end != '\0' || errno != 0)
				return NULL;
			j = json_array_get(j, idx);
		} else
			return NULL;
	}
	return j;
}

/*
 * http_clean - append s[0..n) to out[pos..max) as printable ASCII: runs of
 * whitespace and controls become one space, quotes become apostrophes (the
 * text ends up in quoted log fields and DSNs), each UTF-8 character a '?'.
 */
size_t
http_clean(char *out, size_t pos, size_t max, const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n && pos < max; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80 && c < 0xc0)
			continue;
		if (c < 0x20 || c == 0x7f) {
			if (pos > 0 && out[pos - 1] != ' ')
				out[pos++] = ' ';
			continue;
		}
		if (c == ' ' && pos > 0 && out[pos - 1] == ' ')
			continue;
		if (c >= 0x80)
			c = '?';
		else if (c == '"')
			c = '\'';
		else if (c == '\\')
			c = '/';
		out[pos++] = (char)c;
	}
	return pos;
}

/* http_in_codes - is code one of v[0..n)? */
int
http_in_codes(const long *v, size_t n, long code)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i] == code)
			return 1;
	return 0;
}

/* http_json_code - the provider code as number (if it is one) and as text */
int
http_json_code(json_t *j, long *code, char *text, size_t textlen)
{
	const char	*s;
	char		*end;
	size_t		 n;

	*text = '\0';
	if (json_is_integer(j)) {
		*code = (long)json_integer_value(j);
		snprintf(text, textlen, "%ld", *code);
		return 1;
	}
	if (!json_is_string(j) || json_string_length(j) == 0)
		return 0;
	s = json_string_value(j);
	n = http_clean(text, 0, textlen - 1, s, json_string_length(j));
	text[n] = '\0';
	errno = 0;
	*code = strtol(s, &end, 10);
	return *end == '\0' && errno == 0 && (size_t)(end - s) ==
	    json_string_length(j);
}

/* http_outcome_reason - "HTTP 400: message (code 21211)" within HTTP_REASON_MAX */
void
http_outcome_reason(struct http_outcome *o, long status, const char *msg,
    size_t msglen, const char *code)
{
	char	 prefix[32], suffix[64];
	size_t	 pos, room;

	snprintf(prefix, sizeof(prefix), "HTTP %ld", status);
	suffix[0] = '\0';
	if (code != NULL && *code != '\0')
		snprintf(suffix, sizeof(suffix), " (code %s)", code);
	pos = http_clean(o->reason, 0, HTTP_REASON_MAX, prefix, strlen(prefix));
	room = HTTP_REASON_MAX - strlen(suffix);
	if (msg != NULL && msglen > 0 && pos + 2 < room) {
		pos = http_clean(o->reason, pos, room, ": ", 2);
		pos = http_clean(o->reason, pos, room, msg, msglen);
		while (pos > 0 && o->reason[pos - 1] == ' ')
			pos--;
	}
	pos = http_clean(o->reason, pos, HTTP_REASON_MAX, suffix,
	    strlen(suffix));
	o->reason[pos] = '\0';
}

/* http_outcome_id - the provider's message id, a string or a number */
void
http_outcome_id(struct http_outcome *o, json_t *j)
{
	char	 num[64];
	size_t	 n = 0;

	if (json_is_string(j))
		n = http_clean(o->provider_id, 0, HTTP_ID_MAX,
		    json_string_value(j), json_string_length(j));
	else if (json_is_integer(j)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(j));
		n = http_clean(o->provider_id, 0, HTTP_ID_MAX, num, strlen(num));
	} else if (json_is_real(j)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(j));
		n = http_clean(o->provider_id, 0, HTTP_ID_MAX, num, strlen(num));
	}
	o->provider_id[n] = '\0';
}

/* http_outcome_fail - a failure whose reason is the provider's words */
void
http_outcome_fail(struct http_outcome *o, enum sms_result result, long status,
    const char *msg, const char *code)
{
	o->result = result;
	o->provider_id[0] = '\0';
	o->npart_ids = 0;
	http_outcome_reason(o, status, msg, msg != NULL ? strlen(msg) : 0,
	    code);
}

/* http_outcome_part - keep the id of one more part; the first is the id */
void
http_outcome_part(struct http_outcome *o, json_t *j)
{
	struct http_outcome	 one;

	if (o->npart_ids >= HTTP_PARTS_MAX)
		return;
	http_outcome_id(&one, j);
	if (one.provider_id[0] == '\0')
		return;
	memcpy(o->part_ids[o->npart_ids++], one.provider_id,
	    sizeof(one.provider_id));
	if (o->npart_ids == 1)
		memcpy(o->provider_id, one.provider_id, sizeof(o->provider_id));
}

/* http_mentions - a case-insensitive search in a provider's text */
int
http_mentions(json_t *s, const char *word)
{
	const char	*p;
	size_t		 n = strlen(word), len;

	if (!json_is_string(s))
		return 0;
	p = json_string_value(s);
	for (len = json_string_length(s); len >= n; p++, len--)
		if (strncasecmp(p, word, n) == 0)
			return 1;
	return 0;
}
