/*
 * charset.c - iconv conversions with a small cache of open converters, reset
 * between uses; input that cannot be converted becomes U+FFFD in UTF-8; text
 * its label does not decode is tried in the charsets meant by that label.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sms/convert/charset.h"

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

/*
 * convert - charset_convert() that also counts in *bad the input bytes it
 * could not convert (each replaced, or dropped at the end)
 */
static enum charset_result
convert(const char *tocode, const char *fromcode, const char *str,
    size_t len, char *out, size_t *outlen, size_t *bad)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	iconv_t	 cd = converter(tocode, fromcode);
	char	*in = (char *)str, *o = out;
	size_t	 inleft = len, outleft = *outlen, rlen;
	int	 utf8 = strcasecmp(tocode, "utf-8") == 0 ||
		    strcasecmp(tocode, "utf8") == 0;

	*bad = 0;
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
			(*bad)++;
			continue;
		}
		if (errno == EINVAL) {
			(*bad)++;
			break;
		}
		return CHARSET_FAILED;
	}
	/* flush a stateful encoding's shift sequence */
	if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		return CHARSET_FAILED;
	*outlen = (size_t)(o - out);
	return CHARSET_OK;
}

/* charset_convert - see charset.h */
enum charset_result
charset_convert(const char *tocode, const char *fromcode, const char *str,
    size_t len, char *out, size_t *outlen)
{
	size_t	 bad;

	return convert(tocode, fromcode, str, len, out, outlen, &bad);
}

/*
 * meant - the charsets tried, after UTF-8, when text does not fit its label:
 * what the mailers that write the label really send (WHATWG's Encoding
 * Standard reads most of these labels as the superset outright)
 */
static const char *const *
meant(const char *label)
{
	static const struct {
		const char	*label;
		const char	*meant[3];
	} labels[] = {
		{ "iso-2022-jp", { "euc-jp", "cp932", NULL } },
		/* libetpan reads ISO-2022-JP as its superset ISO-2022-JP-2 */
		{ "iso-2022-jp-2", { "euc-jp", "cp932", NULL } },
		{ "csiso2022jp", { "euc-jp", "cp932", NULL } },
		{ "shift_jis", { "cp932", "euc-jp", NULL } },
		{ "shift-jis", { "cp932", "euc-jp", NULL } },
		{ "sjis", { "cp932", "euc-jp", NULL } },
		{ "x-sjis", { "cp932", "euc-jp", NULL } },
		{ "euc-jp", { "euc-jp-ms", "cp932", NULL } },
		{ "x-euc-jp", { "euc-jp-ms", "cp932", NULL } },
		{ "gb2312", { "gb18030", NULL } },
		/* libetpan reads GB2312 as GBK */
		{ "gbk", { "gb18030", NULL } },
		{ "euc-cn", { "gb18030", NULL } },
		{ "big5", { "big5-hkscs", "cp950", NULL } },
		{ "euc-kr", { "cp949", NULL } },
		{ "euckr", { "cp949", NULL } },
		{ "ks_c_5601-1987", { "cp949", NULL } },
		{ "tis-620", { "windows-874", NULL } },
		/* bodies get this in mime.c; RFC 2047 words come here */
		{ "iso-8859-1", { "windows-1252", NULL } },
		{ "iso8859-1", { "windows-1252", NULL } },
		{ "iso_8859-1", { "windows-1252", NULL } },
		{ "latin1", { "windows-1252", NULL } },
		{ "us-ascii", { "windows-1252", NULL } },
		{ "ascii", { "windows-1252", NULL } },
		{ "ansi_x3.4-1968", { "windows-1252", NULL } },
	};
	static const char *const none[] = { NULL };
	size_t	 i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcasecmp(label, labels[i].label) == 0)
			return labels[i].meant;
	return none;
}

/*
 * decode - convert() to UTF-8, where a C1 control character in the output
 * counts as a bad byte too: no mail text means one, but iconv maps the bytes
 * EUC-KR and others leave undefined to them without complaint
 */
static enum charset_result
decode(const char *cs, const char *str, size_t len, char *out,
    size_t *outlen, size_t *bad)
{
	enum charset_result	 r;
	size_t			 i;

	if ((r = convert("utf-8", cs, str, len, out, outlen, bad)) !=
	    CHARSET_OK)
		return r;
	for (i = 0; i + 1 < *outlen; i++)
		if ((unsigned char)out[i] == 0xc2 &&
		    (unsigned char)out[i + 1] >= 0x80 &&
		    (unsigned char)out[i + 1] <= 0x9f)
			(*bad)++;
	return r;
}

/*
 * try_instead - decodes str from cs into tmp (of size bytes, as is out)
 * and keeps it in out when it has fewer bad bytes than *best so far
 */
static enum charset_result
try_instead(const char *cs, const char *str, size_t len, char *tmp,
    size_t size, char *out, size_t *outlen, size_t *best)
{
	enum charset_result	 r;
	size_t			 n = size, bad;

	r = decode(cs, str, len, tmp, &n, &bad);
	if (r == CHARSET_NOMEM)
		return r;
	/* a charset this iconv lacks, or output too long: not a candidate */
	if (r == CHARSET_OK && bad < *best) {
		memcpy(out, tmp, n);
		*outlen = n;
		*best = bad;
	}
	return CHARSET_OK;
}

/* charset_decode - see charset.h */
enum charset_result
charset_decode(const char *fromcode, const char *str, size_t len, char *out,
    size_t *outlen)
{
	const char *const	*cs;
	enum charset_result	 r;
	size_t			 size = *outlen, best;
	char			*tmp;

	r = decode(fromcode, str, len, out, outlen, &best);
	if (r != CHARSET_OK || best == 0)
		return r;
	if ((tmp = malloc(size > 0 ? size : 1)) == NULL)
		return CHARSET_NOMEM;
	r = try_instead("utf-8", str, len, tmp, size, out, outlen, &best);
	for (cs = meant(fromcode); r == CHARSET_OK && best > 0 && *cs != NULL;
	    cs++)
		r = try_instead(*cs, str, len, tmp, size, out, outlen, &best);
	free(tmp);
	return r;
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
