/*
 * fuzz_callback.c - libFuzzer target for providers' delivery report
 * callbacks: "PROFILE METHOD URL\n", header lines, an empty line, the body;
 * every profile's signature check and parser on it, their output checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/transport/callback/callback.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define HEADERS_MAX	16
#define LINE_MAX_LEN	2048

static const char *const profiles[] = {
	"generic", "twilio", "vonage", "messagebird", "sinch", "infobip",
	"plivo"
};

/* one input taken apart; the strings point into text */
struct input {
	char			*text;
	char			*profile, *method, *url;
	struct callback_header	 headers[HEADERS_MAX];
	size_t			 nheaders;
	const char		*body;
	size_t			 len;
};

/* next_line - the line at *p, NUL-terminated in place; NULL at the end */
static char *
next_line(char **p, char *end)
{
	char	*line = *p, *nl;

	if (line >= end || (nl = memchr(line, '\n', (size_t)(end - line))) ==
	    NULL || nl - line > LINE_MAX_LEN)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return line;
}

/* split - the first line and the headers; -1 if the input has no shape */
static int
split(const uint8_t *data, size_t size, struct input *in)
{
	char	*p, *end, *line, *colon;

	memset(in, 0, sizeof(*in));
	if ((in->text = malloc(size + 1)) == NULL)
		abort();
	memcpy(in->text, data, size);
	in->text[size] = '\0';
	p = in->text;
	end = in->text + size;
	if ((line = next_line(&p, end)) == NULL)
		return -1;
	in->profile = strsep(&line, " ");
	in->method = strsep(&line, " ");
	in->url = line;
	if (in->method == NULL || in->url == NULL ||
	    memchr(in->text, '\0', size) != NULL)
		return -1;
	while ((line = next_line(&p, end)) != NULL && *line != '\0') {
		if ((colon = strchr(line, ':')) == NULL ||
		    in->nheaders == HEADERS_MAX)
			return -1;
		*colon = '\0';
		in->headers[in->nheaders].name = line;
		in->headers[in->nheaders].value = colon + 1 +
		    strspn(colon + 1, " ");
		in->nheaders++;
	}
	in->body = p < end ? p : "";
	in->len = p < end ? (size_t)(end - p) : 0;
	return 0;
}

/* check_clean - printable ASCII without quotes, NUL within max */
static void
check_clean(const char *s, size_t max)
{
	size_t	 i, n = strnlen(s, max + 1);

	if (n > max)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			abort();
}

/* check_reports - a count in range and reports the queue can take */
static void
check_reports(const struct callback_report *r, int n, const char *why)
{
	int	 i;

	if (n < -1 || n > CALLBACK_REPORTS_MAX || (n == -1 && why == NULL))
		abort();
	for (i = 0; i < n; i++) {
		check_clean(r[i].id, CALLBACK_ID_MAX);
		check_clean(r[i].ref, CALLBACK_ID_MAX);
		check_clean(r[i].raw, CALLBACK_RAW_MAX);
		if (r[i].id[0] == '\0' || r[i].state == SMS_REPORT_NONE ||
		    r[i].state > SMS_REPORT_LAST || r[i].when < 0)
			abort();
	}
}

/* one_profile - verify twice (the same answer) and parse */
static void
one_profile(const struct callback_profile *p, const struct callback_request *r)
{
	static struct callback_report	 reports[CALLBACK_REPORTS_MAX];
	struct callback_keys		 k = { "fuzz", "ACfuzz", "token0123",
	    "secret0123456789" };
	const char			*why = NULL, *why2 = NULL;
	int				 v, n;

	v = p->verify(r, &k, &why);
	if ((v != 0 && v != -1) || (v == -1 && why == NULL) ||
	    p->verify(r, &k, &why2) != v)
		abort();
	why = NULL;
	n = p->parse(r, reports, CALLBACK_REPORTS_MAX, &why);
	check_reports(reports, n, why);
}

/* LLVMFuzzerTestOneInput - the input through every profile */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct callback_request		 r;
	struct input			 in;
	const struct callback_profile	*p;
	size_t				 i;

	if (split(data, size, &in) == 0) {
		memset(&r, 0, sizeof(r));
		r.method = in.method;
		r.url = in.url;
		r.query = strchr(in.url, '?') != NULL ?
		    strchr(in.url, '?') + 1 : NULL;
		r.token = "0123456789abcdef0123456789abcdef";
		r.headers = in.headers;
		r.nheaders = in.nheaders;
		r.body = in.body;
		r.len = in.len;
		r.now = 1714746500;
		for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
			if ((p = callback_profile_find(profiles[i])) == NULL)
				abort();
			one_profile(p, &r);
		}
	}
	free(in.text);
	return 0;
}
