/*
 * cb_params.c - the name=value pairs of a callback: a query string or form
 * body percent-decoded, or the members of a flat JSON object, bounded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/lib/buf.h"
#include "sms/transport/callback/cb_util.h"

/* hex_digit - the value of one hex digit, -1 if it is none */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* decode - s[0..n) of a form: '+' is a space, %XX a byte; NULL: EINVAL */
static char *
decode(const char *s, size_t n)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (o = out, i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] != '%')
			*o++ = s[i];
		else if (n - i < 3 || (hi = hex_digit(s[i + 1])) < 0 ||
		    (lo = hex_digit(s[i + 2])) < 0 || (hi == 0 && lo == 0)) {
			free(out);
			errno = EINVAL;
			return NULL;
		} else {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*o = '\0';
	return out;
}

/* add - one pair, the strings owned by ps from now on (freed on error) */
static int
add(struct cb_params *ps, char *key, char *value)
{
	if (key == NULL || value == NULL || ps->n == CB_PARAMS_MAX ||
	    array_grow(&ps->v, &ps->cap, ps->n, sizeof(*ps->v), 16) == -1) {
		if (key != NULL && value != NULL && ps->n == CB_PARAMS_MAX)
			errno = EINVAL;
		free(key);
		free(value);
		return -1;
	}
	ps->v[ps->n].key = key;
	ps->v[ps->n].value = value;
	ps->n++;
	return 0;
}

/* cb_params_form - see cb_util.h; "a=1&b" gives b = "" */
int
cb_params_form(struct cb_params *ps, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *amp, *eq;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp > p) {
			if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
				eq = amp;
			if (add(ps, decode(p, (size_t)(eq - p)),
			    eq < amp ? decode(eq + 1, (size_t)(amp - eq - 1)) :
			    strdup("")) == -1)
				return -1;
		}
		p = amp + 1;
	}
	return 0;
}

/* scalar_text - a JSON string, number or boolean as text; NULL if other */
static char *
scalar_text(json_t *v)
{
	char	 num[64];

	if (json_is_string(v))
		return strndup(json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(num, sizeof(num), "%s", json_is_true(v) ? "true" :
		    "false");
	else
		return NULL;
	return strdup(num);
}

/* cb_params_json - see cb_util.h; nested members are left out */
int
cb_params_json(struct cb_params *ps, const char *s, size_t len)
{
	json_t		*root, *v;
	const char	*key;
	char		*text;

	if ((root = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL || !json_is_object(root)) {
		json_decref(root);
		errno = EINVAL;
		return -1;
	}
	json_object_foreach(root, key, v) {
		if (json_is_object(v) || json_is_array(v) || json_is_null(v))
			continue;
		text = scalar_text(v);
		if (text == NULL || add(ps, strdup(key), text) == -1) {
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

/* content_type_is - the media type of the request, parameters aside */
static int
content_type_is(const struct callback_request *r, const char *type)
{
	const char	*ct = callback_header(r, "Content-Type");
	size_t		 n = strlen(type);

	return ct != NULL && strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* cb_is_form - see cb_util.h */
int
cb_is_form(const struct callback_request *r)
{
	return content_type_is(r, "application/x-www-form-urlencoded");
}

/* cb_is_json - see cb_util.h */
int
cb_is_json(const struct callback_request *r)
{
	return content_type_is(r, "application/json");
}

/* cb_params_request - see cb_util.h */
int
cb_params_request(struct cb_params *ps, const struct callback_request *r)
{
	if (r->len > 0 && cb_is_json(r))
		return cb_params_json(ps, r->body, r->len);
	if (r->len > 0 && cb_is_form(r))
		return cb_params_form(ps, r->body, r->len);
	if (r->query != NULL)
		return cb_params_form(ps, r->query, strlen(r->query));
	return 0;
}

/* compare - by key, then by value */
static int
compare(const void *a, const void *b)
{
	const struct cb_param	*x = a, *y = b;
	int			 c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* cb_params_sort - see cb_util.h */
void
cb_params_sort(struct cb_params *ps)
{
	if (ps->n > 1)
		qsort(ps->v, ps->n, sizeof(*ps->v), compare);
}

/* cb_param - see cb_util.h */
const char *
cb_param(const struct cb_params *ps, const char *key)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].key, key) == 0)
			return ps->v[i].value;
	return NULL;
}

/* cb_params_free - see cb_util.h */
void
cb_params_free(struct cb_params *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].key);
		free(ps->v[i].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}
