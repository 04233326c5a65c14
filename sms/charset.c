/*
 * charset.c - iconv conversions with a small cache of open converters, reset
 * between uses; input that cannot be converted becomes U+FFFD in UTF-8.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/charset.h"

#define CACHE_SLOTS	8
#define CODE_MAX	48

struct slot {
	char		 to[CODE_MAX];
	char		 from[CODE_MAX];
	iconv_t		 cd;
	unsigned long	 used;		/* for least-recently-used eviction */
};

static struct slot	 cache[CACHE_SLOTS];
static unsigned long	 clock_tick;

/* converter - an open iconv for the pair, from the cache or newly opened */
static iconv_t
converter(const char *to, const char *from)
{
	struct slot	*s, *victim = &cache[0];
	size_t		 i;
	iconv_t		 cd;

	if (strlen(to) >= CODE_MAX || strlen(from) >= CODE_MAX)
		return (iconv_t)-1;
	for (i = 0; i < CACHE_SLOTS; i++) {
		s = &cache[i];
		if (s->used != 0 && strcasecmp(s->to, to) == 0 &&
		    strcasecmp(s->from, from) == 0) {
			s->used = ++clock_tick;
			(void)iconv(s->cd, NULL, NULL, NULL, NULL);
			return s->cd;
		}
		if (s->used < victim->used)
			victim = s;
	}
	if ((cd = iconv_open(to, from)) == (iconv_t)-1)
		return cd;
	if (victim->used != 0)
		iconv_close(victim->cd);
	strcpy(victim->to, to);
	strcpy(victim->from, from);
	victim->cd = cd;
	victim->used = ++clock_tick;
	return cd;
}

/* charset_convert - see charset.h */
enum charset_result
charset_convert(const char *tocode, const char *fromcode, const char *str,
    size_t len, char *out, size_t *outlen)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	iconv_t	 cd = converter(tocode, fromcode);
	char	*in = (char *)str, *o = out;
	size_t	 inleft = len, outleft = *outlen, rlen;
	int	 utf8 = strcasecmp(tocode, "utf-8") == 0 ||
		    strcasecmp(tocode, "utf8") == 0;

	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? CHARSET_NOMEM : CHARSET_UNKNOWN;
	rlen = utf8 ? sizeof(replacement) - 1 : 1;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno == EILSEQ && outleft >= rlen) {
			memcpy(o, utf8 ? replacement : "?", rlen);
			o += rlen;
			outleft -= rlen;
			in++;
			inleft--;
			continue;
		}
		if (errno == EINVAL)
			break;
		return CHARSET_FAILED;
	}
	/* flush a stateful encoding's shift sequence */
	if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		return CHARSET_FAILED;
	*outlen = (size_t)(o - out);
	return CHARSET_OK;
}

/* charset_close - see charset.h */
void
charset_close(void)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].used != 0) {
			iconv_close(cache[i].cd);
			cache[i].used = 0;
		}
}
