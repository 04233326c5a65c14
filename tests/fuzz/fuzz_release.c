/*
 * fuzz_release.c - libFuzzer target: a mail's header block through the
 * release time and priority readers, and the input as each kind of date,
 * with invariants checked (a parsed time prints and parses back to itself).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/datetime.h"
#include "sms/lib/header_field.h"
#include "smtpd/intake/release.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* check_time - a parsed time is printed as UTC and read back unchanged */
static void
check_time(int64_t t)
{
	char	 s[DATETIME_UTC_LEN + 1];
	int64_t	 back;

	datetime_utc(t, s);
	if (strlen(s) != DATETIME_UTC_LEN ||
	    datetime_rfc3339(s, strlen(s), &back) != NULL || back != t)
		abort();
}

/* dates - the input as each date syntax; what parses must round-trip */
static void
dates(const char *p, size_t n)
{
	int64_t	 t;

	if (datetime_iso8601(p, n, &t) == NULL)
		check_time(t);
	if (datetime_rfc3339(p, n, &t) == NULL)
		check_time(t);
	if (datetime_rfc5322(p, n, &t) == NULL)
		check_time(t);
}

/* fields - the header readers: bounded, terminated, never both answers */
static void
fields(const char *p, size_t n)
{
	struct verdict	 v;
	char		 out[64];
	int64_t		 at = 0;
	int		 r;

	r = header_field(p, n, "Message-ID", out, sizeof(out));
	if (r < -1 || r > 1 || strlen(out) >= sizeof(out) ||
	    (r != 1 && out[0] != '\0'))
		abort();
	memset(&v, 0, sizeof(v));
	if (release_header(p, n, &at, &v) == -1) {
		if (v.code != 550 || strcmp(v.enhanced, "5.6.0") != 0)
			abort();
	} else if (v.code != 0 || (at != 0 && at < 0))
		abort();
	r = release_priority(p, n, 0);
	if (r != SMS_PRIORITY_BULK && r != SMS_PRIORITY_EXPRESS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*p;

	/* an exact-size copy: reading past it is caught by the sanitizers */
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	dates(p, size);
	fields(p, size);
	free(p);
	return 0;
}
