/*
 * tnef.c - the body of an Outlook winmail.dat as UTF-8: plain text first,
 * else the HTML body, else the compressed RTF body made text or HTML.
 *
 * Choices the callers should know:
 * - The TNEF framing and the message's MAPI property list are walked here,
 *   with every length checked against the bytes present, and the body
 *   properties are read from that walk.  libytnef's TNEFParseMemory() is not
 *   used: it prints diagnostics to stdout (which would end up in the output of
 *   `smsrelayctl convert -t`), rejects the whole stream when any property is
 *   over 512 KiB or attBody over 100000 bytes, reads PT_CURRENCY and
 *   PT_APPTIME as 4 bytes (they are 8), and hands PT_UNICODE values back as
 *   CESU-8 with the UTF-16 length.  Only DecompressRTF() is taken from it.
 * - A stream with a bad signature, a short or mis-checksummed attribute, an
 *   attribute level other than message or attachment, or a MAPI list that does
 *   not parse exactly is refused whole: NULL.
 * - Order of preference: PR_BODY_W, PR_BODY (codepage of attOemCodepage,
 *   else PR_MESSAGE_CODEPAGE, else windows-1252), attBody, PR_HTML (charset
 *   of its <meta>, else UTF-8 when valid, else PR_INTERNET_CPID, else the
 *   codepage), PR_RTF_COMPRESSED ("\fromhtml1" RTF gives back its HTML).
 *   A source that yields only white space counts as absent.
 * - Output is valid UTF-8 with LF line ends, trimmed, without control
 *   characters other than TAB and LF; undecodable input becomes U+FFFD.
 * - Bounds: streams over TNEF_MAX_LEN are refused, RTF is decompressed to at
 *   most RTF_RAW_MAX bytes and any produced text stops at TEXT_MAX bytes;
 *   nothing recurses, RTF groups nest to RTF_DEPTH and deeper ones are
 *   dropped.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ytnef.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/convert/html.h"
#include "sms/convert/tnef.h"
#include "sms/lib/utf8.h"

#define TNEF_SIGNATURE		0x223E9F78u
#define TNEF_MAX_LEN		(64u * 1024 * 1024)
#define TEXT_MAX		(1024u * 1024)
#define RTF_RAW_MAX		(8u * 1024 * 1024)
#define RTF_DEPTH		64
#define RTF_WORD_MAX		32
#define RTF_HEADER_LEN		16
#define RTF_MAGIC_LZFU		0x75465A4Cu
#define RTF_MAGIC_MELA		0x414C454Du
#define HTML_META_SCAN		4096

/* MAPI property ids and types of MS-OXPROPS / MS-OXCDATA */
#define PID_BODY		0x1000
#define PID_RTF_COMPRESSED	0x1009
#define PID_HTML		0x1013
#define PID_INTERNET_CPID	0x3FDE
#define PID_MESSAGE_CODEPAGE	0x3FFD
#define PID_NAMED_FIRST		0x8000
#define TYPE_MV_FLAG		0x1000

struct span {
	const unsigned char	*p;
	size_t			 len;
	int			 set;
};

/* what the walk of a stream found for the message itself */
struct tnef_msg {
	struct span	 body_w;	/* PR_BODY_W, UTF-16LE */
	struct span	 body8;		/* PR_BODY, codepage */
	struct span	 attbody;	/* attBody, codepage */
	struct span	 html;		/* PR_HTML as bytes */
	struct span	 html_w;	/* PR_HTML as PT_UNICODE */
	struct span	 rtf;		/* PR_RTF_COMPRESSED */
	uint32_t	 oem_cp;	/* attOemCodepage, 0 if absent */
	uint32_t	 message_cp;	/* PR_MESSAGE_CODEPAGE */
	uint32_t	 internet_cp;	/* PR_INTERNET_CPID */
};

/* le16 - little-endian 16-bit value at p */
static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* le32 - little-endian 32-bit value at p */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* pad4 - n rounded up to the 4-byte boundary MAPI values are aligned to */
static size_t
pad4(size_t n)
{
	return n + ((4 - n % 4) % 4);
}

/* text_add - buf_add, but beyond TEXT_MAX the text is cut, not failed */
static void
text_add(struct buf *b, const void *data, size_t n)
{
	if (b->len >= TEXT_MAX)
		return;
	if (n > TEXT_MAX - b->len)
		n = TEXT_MAX - b->len;
	buf_add(b, data, n);
}

/* text_cp - append one code point as UTF-8; non-characters become U+FFFD */
static void
text_cp(struct buf *b, uint32_t cp)
{
	unsigned char	u[UTF8_MAX];
	size_t		k;

	if ((k = utf8_encode(cp, u)) == 0)
		k = utf8_encode(UTF8_REPLACEMENT, u);
	text_add(b, u, k);
}

/*
 * read_char - decode one code point of p[0..n); *cp is U+FFFD and 1 byte is
 * used for anything ill-formed (overlong, surrogate, truncated, > U+10FFFF).
 */
static size_t
read_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t	k;

	if ((k = utf8_decode(p, n, cp)) == 0) {
		*cp = UTF8_REPLACEMENT;
		k = 1;
	}
	return k;
}

/* utf16_add - append UTF-16LE text up to its first U+0000 */
static void
utf16_add(struct buf *b, const unsigned char *p, size_t n)
{
	uint32_t	u, lo;
	size_t		i;

	for (i = 0; i + 1 < n; i += 2) {
		u = le16(p + i);
		if (u == 0)
			break;
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			lo = le16(p + i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
				i += 2;
			}
		}
		text_cp(b, u);
	}
}

/* codepage_name - the iconv name of a Windows codepage number */
static void
codepage_name(uint32_t cp, char *name, size_t size)
{
	static const struct {
		uint32_t	 cp;
		const char	*name;
	} names[] = {
		{ 65001, "UTF-8" }, { 1200, "UTF-16LE" }, { 1201, "UTF-16BE" },
		{ 20127, "ASCII" }, { 20866, "KOI8-R" }, { 21866, "KOI8-U" },
		{ 28603, "ISO-8859-13" }, { 28605, "ISO-8859-15" },
		{ 50220, "ISO-2022-JP" }, { 50221, "ISO-2022-JP" },
		{ 50222, "ISO-2022-JP" }, { 51932, "EUC-JP" },
		{ 51949, "EUC-KR" }, { 54936, "GB18030" }, { 936, "GBK" },
		{ 10000, "MACINTOSH" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].cp == cp) {
			snprintf(name, size, "%s", names[i].name);
			return;
		}
	}
	if (cp >= 28591 && cp <= 28599)
		snprintf(name, size, "ISO-8859-%u", (unsigned)(cp - 28590));
	else
		snprintf(name, size, "CP%u", (unsigned)cp);
}

/*
 * conv_add - append text converted by cd to UTF-8, stopping at the first
 * NUL; an undecodable byte becomes U+FFFD.
 */
static void
conv_add(struct buf *b, iconv_t cd, const unsigned char *p, size_t n)
{
	char	 out[4096], *in, *o;
	size_t	 inleft, oleft;
	void	*nul;

	if ((nul = memchr(p, '\0', n)) != NULL)
		n = (size_t)((const unsigned char *)nul - p);
	iconv(cd, NULL, NULL, NULL, NULL);
	in = (char *)(uintptr_t)p;
	inleft = n;
	while (inleft > 0 && !b->failed && b->len < TEXT_MAX) {
		o = out;
		oleft = sizeof(out);
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1 ||
		    errno == E2BIG) {
			text_add(b, out, sizeof(out) - oleft);
			continue;
		}
		text_add(b, out, sizeof(out) - oleft);
		text_cp(b, UTF8_REPLACEMENT);
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	o = out;
	oleft = sizeof(out);
	if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
		text_add(b, out, sizeof(out) - oleft);
}

/* charset_add - conv_add from a named charset; -1 if iconv lacks it */
static int
charset_add(struct buf *b, const char *charset, const unsigned char *p,
    size_t n)
{
	iconv_t	cd;

	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	conv_add(b, cd, p, n);
	iconv_close(cd);
	return 0;
}

/* codepage_add - charset_add for a codepage number, windows-1252 if unknown */
static void
codepage_add(struct buf *b, uint32_t cp, const unsigned char *p, size_t n)
{
	char	name[24];

	codepage_name(cp ? cp : 1252, name, sizeof(name));
	if (charset_add(b, name, p, n) == -1)
		charset_add(b, "CP1252", p, n);
}

/*
 * text_finish - the text as the callers get it: valid UTF-8, LF line ends, no
 * controls but TAB and LF, trimmed.  NULL if empty or out of memory; frees b.
 */
static char *
text_finish(struct buf *b)
{
	struct buf	 t = { 0 };
	const unsigned char *p = b->p;
	uint32_t	 cp;
	size_t		 i, k, start, end;

	for (i = 0; !b->failed && i < b->len; i += k) {
		k = read_char(p + i, b->len - i, &cp);
		if (cp == '\r') {
			if (i + 1 < b->len && p[i + 1] == '\n')
				continue;
			cp = '\n';
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F)
			continue;
		text_cp(&t, cp);
	}
	free(b->p);
	if (b->failed || t.failed || t.len == 0) {
		free(t.p);
		return NULL;
	}
	for (start = 0; start < t.len && strchr(" \t\n", t.s[start]); start++)
		;
	for (end = t.len; end > start && strchr(" \t\n", t.s[end - 1]); end--)
		;
	if (start == end) {
		free(t.p);
		return NULL;
	}
	memmove(t.s, t.s + start, end - start);
	t.s[end - start] = '\0';
	return t.s;
}

/* prop_var - whether a MAPI type is stored with a length (MS-OXTNEF 2.1.3.4) */
static int
prop_var(uint32_t type)
{
	switch (type) {
	case 0x000D:	/* PtypObject */
	case 0x001E:	/* PtypString8 */
	case 0x001F:	/* PtypString */
	case 0x00FB:	/* PtypServerId */
	case 0x00FD:	/* PtypRestriction */
	case 0x00FE:	/* PtypRuleAction */
	case 0x0102:	/* PtypBinary */
		return 1;
	}
	return 0;
}

/* prop_fixed - bytes of a fixed-size MAPI value before padding, 0 if unknown */
static size_t
prop_fixed(uint32_t type)
{
	switch (type) {
	case 0x0002:	/* PtypInteger16 */
	case 0x000B:	/* PtypBoolean */
		return 2;
	case 0x0003:	/* PtypInteger32 */
	case 0x0004:	/* PtypFloating32 */
	case 0x000A:	/* PtypErrorCode */
		return 4;
	case 0x0005:	/* PtypFloating64 */
	case 0x0006:	/* PtypCurrency */
	case 0x0007:	/* PtypFloatingTime */
	case 0x0014:	/* PtypInteger64 */
	case 0x0040:	/* PtypTime */
		return 8;
	case 0x0048:	/* PtypGuid */
		return 16;
	}
	return 0;
}

/* prop_keep - remember a single-valued property the body may come from */
static void
prop_keep(struct tnef_msg *m, uint32_t type, uint32_t id,
    const unsigned char *v, size_t len)
{
	struct span	*s = NULL;

	if (id == PID_BODY && type == 0x001F)
		s = &m->body_w;
	else if (id == PID_BODY && type == 0x001E)
		s = &m->body8;
	else if (id == PID_HTML && (type == 0x0102 || type == 0x001E))
		s = &m->html;
	else if (id == PID_HTML && type == 0x001F)
		s = &m->html_w;
	else if (id == PID_RTF_COMPRESSED && type == 0x0102)
		s = &m->rtf;
	else if (id == PID_INTERNET_CPID && type == 0x0003 && len >= 4)
		m->internet_cp = le32(v);
	else if (id == PID_MESSAGE_CODEPAGE && type == 0x0003 && len >= 4)
		m->message_cp = le32(v);
	if (s != NULL && !s->set) {
		s->p = v;
		s->len = len;
		s->set = 1;
	}
}

/*
 * mapi_walk - check the attMAPIProps list of p[0..n) value by value and keep
 * the body properties; -1 unless it parses to exactly its last byte.
 */
static int
mapi_walk(const unsigned char *p, size_t n, struct tnef_msg *m)
{
	uint32_t	count, tag, type, id, nvalues, j;
	size_t		pos = 4, vlen, fixed;
	int		named, mv;

	if (n < 4)
		return -1;
	count = le32(p);
	if (count > (n - 4) / 8)
		return -1;
	while (count-- > 0) {
		if (n - pos < 4)
			return -1;
		tag = le32(p + pos);
		pos += 4;
		type = tag & 0xFFFF;
		id = tag >> 16;
		named = id >= PID_NAMED_FIRST;
		if (named) {
			/* GUID, kind, then a LID or a counted UTF-16 name */
			if (n - pos < 24)
				return -1;
			pos += 20;
			if (le32(p + pos - 4) == 0)
				pos += 4;
			else if (le32(p + pos - 4) == 1) {
				vlen = le32(p + pos);
				pos += 4;
				if (vlen > n - pos || pad4(vlen) > n - pos)
					return -1;
				pos += pad4(vlen);
			} else
				return -1;
		}
		mv = (type & TYPE_MV_FLAG) != 0;
		type &= ~(uint32_t)TYPE_MV_FLAG;
		fixed = prop_fixed(type);
		if (fixed == 0 && !prop_var(type))
			return -1;
		nvalues = 1;
		if (mv || fixed == 0) {
			if (n - pos < 4)
				return -1;
			nvalues = le32(p + pos);
			pos += 4;
			if (nvalues > (n - pos) / 4)
				return -1;
		}
		for (j = 0; j < nvalues; j++) {
			vlen = fixed;
			if (fixed == 0) {
				if (n - pos < 4)
					return -1;
				vlen = le32(p + pos);
				pos += 4;
			}
			if (vlen > n - pos || pad4(vlen) > n - pos)
				return -1;
			if (!named && !mv && nvalues == 1)
				prop_keep(m, type, id, p + pos, vlen);
			pos += pad4(vlen);
		}
	}
	return pos == n ? 0 : -1;
}

/*
 * tnef_walk - check the framing of a whole stream (MS-OXTNEF 2.1.3) and fill
 * *m from its message attributes; -1 if any of it is malformed.
 */
static int
tnef_walk(const unsigned char *p, size_t n, struct tnef_msg *m)
{
	const unsigned char	*data;
	uint32_t		 id, size, sum;
	size_t			 pos, i;
	unsigned		 level;

	memset(m, 0, sizeof(*m));
	if (n < 6 || n > TNEF_MAX_LEN || le32(p) != TNEF_SIGNATURE)
		return -1;
	for (pos = 6; pos < n; pos += 9 + (size_t)size + 2) {
		if (n - pos < 9)
			return -1;
		level = p[pos];
		id = le32(p + pos + 1);
		size = le32(p + pos + 5);
		if ((level != LVL_MESSAGE && level != LVL_ATTACHMENT) ||
		    size > n - pos - 9 || n - pos - 9 - size < 2)
			return -1;
		data = p + pos + 9;
		for (sum = 0, i = 0; i < size; i++)
			sum += data[i];
		if ((sum & 0xFFFF) != le16(data + size))
			return -1;
		if (level != LVL_MESSAGE)
			continue;
		if (id == attBody && !m->attbody.set) {
			m->attbody.p = data;
			m->attbody.len = size;
			m->attbody.set = 1;
		} else if (id == attOemCodepage && size >= 4)
			m->oem_cp = le32(data);
		else if (id == attMAPIProps && mapi_walk(data, size, m) == -1)
			return -1;
	}
	return 0;
}

/* is_letter - whether c is an ASCII letter, as control words are made of */
static int
is_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* meta_charset - the charset an HTML document declares in its head, if any */
static int
meta_charset(const unsigned char *p, size_t n, char *name, size_t size)
{
	static const char	 key[] = "charset=";
	size_t			 i, k, len;

	if (n > HTML_META_SCAN)
		n = HTML_META_SCAN;
	for (i = 0; i + sizeof(key) - 1 <= n; i++) {
		if (strncasecmp((const char *)p + i, key, sizeof(key) - 1) != 0)
			continue;
		k = i + sizeof(key) - 1;
		while (k < n && (p[k] == ' ' || p[k] == '"' || p[k] == '\''))
			k++;
		for (len = 0; k + len < n && len + 1 < size &&
		    (strchr("-_.:", p[k + len]) != NULL ||
		    (p[k + len] >= '0' && p[k + len] <= '9') ||
		    is_letter(p[k + len]));
		    len++)
			name[len] = (char)p[k + len];
		name[len] = '\0';
		/* a <meta> saying UTF-16 sits in ASCII-compatible bytes */
		if (len > 0 && strncasecmp(name, "utf-16", 6) == 0)
			snprintf(name, size, "UTF-8");
		return len > 0;
	}
	return 0;
}

/* html_text - html_to_text() on UTF-8 HTML, then the usual normalisation */
static char *
html_text(struct buf *html)
{
	struct buf	 t = { 0 };
	char		*text;

	if (html->failed || html->len == 0) {
		free(html->p);
		return NULL;
	}
	text = html_to_text(html->s, html->len);
	free(html->p);
	if (text == NULL)
		return NULL;
	text_add(&t, text, strlen(text));
	free(text);
	return text_finish(&t);
}

/* body_html - PR_HTML in its declared or guessed charset, as text */
static char *
body_html(const struct tnef_msg *m, uint32_t cp)
{
	struct buf	 html = { 0 };
	char		 name[48];

	if (m->html_w.set) {
		utf16_add(&html, m->html_w.p, m->html_w.len);
		return html_text(&html);
	}
	if (meta_charset(m->html.p, m->html.len, name, sizeof(name)) &&
	    charset_add(&html, name, m->html.p, m->html.len) == 0)
		return html_text(&html);
	if (utf8_valid((const char *)m->html.p, m->html.len))
		charset_add(&html, "UTF-8", m->html.p, m->html.len);
	else
		codepage_add(&html, m->internet_cp ? m->internet_cp : cp,
		    m->html.p, m->html.len);
	return html_text(&html);
}

/* one open RTF group: what its content is for */
struct rtf_group {
	unsigned	skip : 1;	/* a destination, not text */
	unsigned	htmlrtf : 1;	/* \htmlrtf: RTF-only text */
	unsigned	htmltag : 1;	/* \*\htmltag: HTML source */
	unsigned	uc : 4;		/* \ucN: fallbacks after \u */
};

struct rtf {
	const unsigned char	*p, *end;
	struct rtf_group	 g[RTF_DEPTH];
	size_t			 depth;	/* g[depth] is current */
	size_t			 lost;	/* groups past RTF_DEPTH */
	int			 fromhtml;
	unsigned		 skip_chars; /* \u fallbacks to drop */
	uint32_t		 high;	/* pending high surrogate */
	iconv_t			 cd;	/* \ansicpg, for 8-bit text */
	struct buf		 pending; /* text to convert */
	struct buf		*out;
};

enum rtf_action {
	RTF_DEST,		/* a destination whose text is not body text */
	RTF_CHAR,		/* a character, arg is its code point */
	RTF_ANSICPG,
	RTF_FROMHTML,
	RTF_HTMLRTF,
	RTF_HTMLTAG,
	RTF_UNICODE,
	RTF_UC,
	RTF_BIN
};

static const struct rtf_word {
	const char	*name;
	enum rtf_action	 action;
	uint32_t	 arg;
} rtf_words[] = {
	{ "par", RTF_CHAR, '\n' }, { "line", RTF_CHAR, '\n' },
	{ "sect", RTF_CHAR, '\n' }, { "page", RTF_CHAR, '\n' },
	{ "row", RTF_CHAR, '\n' }, { "tab", RTF_CHAR, '\t' },
	{ "cell", RTF_CHAR, '\t' }, { "emdash", RTF_CHAR, 0x2014 },
	{ "endash", RTF_CHAR, 0x2013 }, { "bullet", RTF_CHAR, 0x2022 },
	{ "lquote", RTF_CHAR, 0x2018 }, { "rquote", RTF_CHAR, 0x2019 },
	{ "ldblquote", RTF_CHAR, 0x201C }, { "rdblquote", RTF_CHAR, 0x201D },
	{ "emspace", RTF_CHAR, ' ' }, { "enspace", RTF_CHAR, ' ' },
	{ "qmspace", RTF_CHAR, ' ' },
	{ "ansicpg", RTF_ANSICPG, 0 }, { "fromhtml", RTF_FROMHTML, 0 },
	{ "htmlrtf", RTF_HTMLRTF, 0 }, { "htmltag", RTF_HTMLTAG, 0 },
	{ "u", RTF_UNICODE, 0 }, { "uc", RTF_UC, 0 }, { "bin", RTF_BIN, 0 },
	{ "fonttbl", RTF_DEST, 0 }, { "colortbl", RTF_DEST, 0 },
	{ "stylesheet", RTF_DEST, 0 }, { "info", RTF_DEST, 0 },
	{ "pict", RTF_DEST, 0 }, { "object", RTF_DEST, 0 },
	{ "header", RTF_DEST, 0 }, { "headerl", RTF_DEST, 0 },
	{ "headerr", RTF_DEST, 0 }, { "headerf", RTF_DEST, 0 },
	{ "footer", RTF_DEST, 0 }, { "footerl", RTF_DEST, 0 },
	{ "footerr", RTF_DEST, 0 }, { "footerf", RTF_DEST, 0 },
	{ "footnote", RTF_DEST, 0 }, { "annotation", RTF_DEST, 0 },
	{ "fldinst", RTF_DEST, 0 }, { "filetbl", RTF_DEST, 0 },
	{ "listtable", RTF_DEST, 0 }, { "listoverridetable", RTF_DEST, 0 },
	{ "revtbl", RTF_DEST, 0 }, { "rsidtbl", RTF_DEST, 0 },
	{ "themedata", RTF_DEST, 0 }, { "colorschememapping", RTF_DEST, 0 },
	{ "latentstyles", RTF_DEST, 0 }, { "datastore", RTF_DEST, 0 },
	{ "xmlnstbl", RTF_DEST, 0 }, { "generator", RTF_DEST, 0 },
	{ "nonshppict", RTF_DEST, 0 }, { "pgdsctbl", RTF_DEST, 0 },
};

/* rtf_top - the innermost group whose state is tracked */
static struct rtf_group *
rtf_top(struct rtf *r)
{
	return &r->g[r->depth];
}

/* rtf_hidden - whether text at this point is not part of the result */
static int
rtf_hidden(struct rtf *r)
{
	const struct rtf_group	*g = rtf_top(r);

	if (r->lost > 0 || g->skip)
		return 1;
	return r->fromhtml && g->htmlrtf && !g->htmltag;
}

/* rtf_flush - convert the pending 8-bit text in the document's charset */
static void
rtf_flush(struct rtf *r)
{
	if (r->pending.len == 0)
		return;
	conv_add(r->out, r->cd, r->pending.p, r->pending.len);
	r->pending.len = 0;
}

/* rtf_skipped - whether a character is a \u fallback to drop */
static int
rtf_skipped(struct rtf *r)
{
	if (r->skip_chars == 0)
		return 0;
	r->skip_chars--;
	return 1;
}

/* rtf_byte - one 8-bit text character in the document's codepage */
static void
rtf_byte(struct rtf *r, unsigned char c)
{
	if (rtf_skipped(r) || rtf_hidden(r))
		return;
	if (r->high != 0) {
		rtf_flush(r);
		text_cp(r->out, UTF8_REPLACEMENT);
		r->high = 0;
	}
	if (c != '\0')
		text_add(&r->pending, &c, 1);
}

/* rtf_cp - one character given as a code point or UTF-16 unit */
static void
rtf_cp(struct rtf *r, uint32_t cp)
{
	if (rtf_hidden(r))
		return;
	rtf_flush(r);
	if (r->high != 0) {
		if (cp >= 0xDC00 && cp <= 0xDFFF) {
			text_cp(r->out, 0x10000 + ((r->high - 0xD800) << 10) +
			    (cp - 0xDC00));
			r->high = 0;
			return;
		}
		text_cp(r->out, UTF8_REPLACEMENT);
		r->high = 0;
	}
	if (cp >= 0xD800 && cp <= 0xDBFF)
		r->high = cp;
	else
		text_cp(r->out, cp);
}

/* rtf_push - enter a group, which inherits its parent's state */
static void
rtf_push(struct rtf *r)
{
	r->skip_chars = 0;
	if (r->lost > 0 || r->depth + 1 == RTF_DEPTH) {
		r->lost++;
		return;
	}
	r->g[r->depth + 1] = r->g[r->depth];
	r->depth++;
}

/* rtf_pop - leave a group; 0 once the document's own group is closed */
static int
rtf_pop(struct rtf *r)
{
	r->skip_chars = 0;
	if (r->lost > 0) {
		r->lost--;
		return 1;
	}
	if (r->depth <= 1)
		return 0;
	r->depth--;
	return 1;
}

/* rtf_word - act on one control word with its optional parameter */
static void
rtf_word(struct rtf *r, const char *name, int has_param, long param)
{
	const struct rtf_word	*w = NULL;
	size_t			 i;
	char			 cs[24];
	iconv_t			 cd;

	if (rtf_skipped(r))
		return;
	for (i = 0; i < sizeof(rtf_words) / sizeof(rtf_words[0]); i++) {
		if (strcmp(rtf_words[i].name, name) == 0) {
			w = &rtf_words[i];
			break;
		}
	}
	if (w == NULL || r->lost > 0)
		return;
	switch (w->action) {
	case RTF_DEST:
		rtf_top(r)->skip = 1;
		break;
	case RTF_CHAR:
		rtf_cp(r, w->arg);
		break;
	case RTF_ANSICPG:
		if (!has_param || param <= 0 || param >= 100000)
			break;
		codepage_name((uint32_t)param, cs, sizeof(cs));
		if ((cd = iconv_open("UTF-8", cs)) == (iconv_t)-1)
			break;
		rtf_flush(r);
		iconv_close(r->cd);
		r->cd = cd;
		break;
	case RTF_FROMHTML:
		r->fromhtml = has_param && param == 1;
		break;
	case RTF_HTMLRTF:
		rtf_top(r)->htmlrtf = !has_param || param != 0;
		break;
	case RTF_HTMLTAG:
		rtf_top(r)->htmltag = 1;
		break;
	case RTF_UNICODE:
		if (has_param)
			rtf_cp(r, (uint32_t)(param < 0 ? param + 65536 : param)
			    & 0xFFFF);
		r->skip_chars = rtf_top(r)->uc;
		break;
	case RTF_UC:
		if (has_param && param >= 0 && param <= 15)
			rtf_top(r)->uc = (unsigned)param & 0xF;
		break;
	case RTF_BIN:
		if (has_param && param > 0)
			r->p += (size_t)param < (size_t)(r->end - r->p) ?
			    (size_t)param : (size_t)(r->end - r->p);
		break;
	}
}

/* rtf_control - the control word or symbol after a backslash */
static void
rtf_control(struct rtf *r)
{
	char		name[RTF_WORD_MAX + 1];
	size_t		len = 0;
	long		param = 0;
	int		neg = 0, digits = 0, hi, lo;
	unsigned char	c;

	if (r->p == r->end)
		return;
	c = *r->p;
	if (!is_letter(c)) {
		r->p++;
		switch (c) {
		case '\\': case '{': case '}':
			rtf_byte(r, c);
			break;
		case '\'':
			if (r->end - r->p >= 2 && (hi = ascii_hex(r->p[0])) >= 0 &&
			    (lo = ascii_hex(r->p[1])) >= 0) {
				r->p += 2;
				rtf_byte(r, (unsigned char)(hi << 4 | lo));
			}
			break;
		case '*':
			/* an unknown destination: only \htmltag is wanted */
			if (!r->fromhtml || (size_t)(r->end - r->p) < 8 ||
			    memcmp(r->p, "\\htmltag", 8) != 0)
				rtf_top(r)->skip = 1;
			break;
		case '~':
			if (!rtf_skipped(r))
				rtf_cp(r, ' ');
			break;
		case '_':
			if (!rtf_skipped(r))
				rtf_cp(r, '-');
			break;
		case '\r': case '\n':
			if (!rtf_skipped(r))
				rtf_cp(r, '\n');
			break;
		default:
			rtf_skipped(r);
			break;
		}
		return;
	}
	while (r->p < r->end && is_letter(*r->p)) {
		if (len < RTF_WORD_MAX)
			name[len++] = (char)*r->p;
		r->p++;
	}
	name[len] = '\0';
	if (r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (digits++ < 10)
			param = param * 10 + (*r->p - '0');
		r->p++;
	}
	if (r->p < r->end && *r->p == ' ')
		r->p++;
	rtf_word(r, name, digits > 0, neg ? -param : param);
}

/*
 * rtf_read - the text of an RTF document, or with \fromhtml1 the HTML it
 * encapsulates (MS-OXRTFEX): \*\htmltag groups and the text outside \htmlrtf.
 */
static void
rtf_read(const unsigned char *p, size_t n, struct buf *out, int *fromhtml)
{
	struct rtf	*r;
	unsigned char	 c;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		out->failed = true;
		return;
	}
	if ((r->cd = iconv_open("UTF-8", "CP1252")) == (iconv_t)-1) {
		free(r);
		out->failed = true;
		return;
	}
	r->p = p;
	r->end = p + n;
	r->out = out;
	r->g[0].uc = 1;
	while (r->p < r->end) {
		c = *r->p++;
		if (c == '{')
			rtf_push(r);
		else if (c == '}') {
			if (!rtf_pop(r))
				break;
		} else if (c == '\\')
			rtf_control(r);
		else if (c == '\t')
			rtf_word(r, "tab", 0, 0);
		else if (c != '\r' && c != '\n')
			rtf_byte(r, c);
	}
	rtf_flush(r);
	if (r->high != 0)
		text_cp(out, UTF8_REPLACEMENT);
	if (r->pending.failed)
		out->failed = true;
	*fromhtml = r->fromhtml;
	iconv_close(r->cd);
	free(r->pending.p);
	free(r);
}

/*
 * rtf_decompress - the RTF of a PR_RTF_COMPRESSED value (MS-OXRTFCP), cut to
 * RTF_RAW_MAX, malloc'd in *raw; -1 if it is none.
 *
 * DecompressRTF() trusts its input: it reads two bytes past the end for a
 * trailing reference, and leaks and prints when the data ends before the
 * output is full.  So it gets a copy whose data is followed by enough zero
 * bytes (literal NULs, which the RTF reader ignores) to always fill the
 * output, plus two guard bytes.  It does not handle the uncompressed "MELA"
 * form; that is a plain copy.
 */
static int
rtf_decompress(const struct span *v, unsigned char **raw, size_t *rawlen)
{
	variableLength	 vl;
	unsigned char	*copy;
	uint32_t	 compsize, rawsize, magic;
	size_t		 datalen, padding, size;
	int		 outsize = 0;

	if (v->len < RTF_HEADER_LEN)
		return -1;
	compsize = le32(v->p);
	rawsize = le32(v->p + 4);
	magic = le32(v->p + 8);
	if (compsize < RTF_HEADER_LEN - 4 || compsize - 12 > v->len - 16)
		return -1;
	datalen = compsize - 12;
	/* a 2-byte reference makes at most 17 bytes: bigger claims are lies */
	if (magic == RTF_MAGIC_LZFU && rawsize / 9 > datalen)
		rawsize = (uint32_t)datalen * 9;
	if (rawsize > RTF_RAW_MAX)
		rawsize = RTF_RAW_MAX;
	if (rawsize == 0)
		return -1;
	if (magic == RTF_MAGIC_MELA) {
		*rawlen = rawsize < datalen ? rawsize : datalen;
		if ((*raw = malloc(*rawlen)) == NULL)
			return -1;
		memcpy(*raw, v->p + RTF_HEADER_LEN, *rawlen);
		return 0;
	}
	if (magic != RTF_MAGIC_LZFU)
		return -1;
	/* a flag byte per 8 literals, each literal one output byte */
	padding = (size_t)rawsize + rawsize / 8 + 8;
	size = RTF_HEADER_LEN + datalen + padding;
	if ((copy = calloc(1, size + 2)) == NULL)
		return -1;
	memcpy(copy, v->p, RTF_HEADER_LEN + datalen);
	copy[0] = (unsigned char)(size - 4);
	copy[1] = (unsigned char)((size - 4) >> 8);
	copy[2] = (unsigned char)((size - 4) >> 16);
	copy[3] = (unsigned char)((size - 4) >> 24);
	copy[4] = (unsigned char)rawsize;
	copy[5] = (unsigned char)(rawsize >> 8);
	copy[6] = (unsigned char)(rawsize >> 16);
	copy[7] = (unsigned char)(rawsize >> 24);
	vl.data = copy;
	vl.size = (int)size;
	*raw = DecompressRTF(&vl, &outsize);
	free(copy);
	if (*raw == NULL)
		return -1;
	*rawlen = outsize > 0 && (uint32_t)outsize <= rawsize ?
	    (size_t)outsize : 0;
	return 0;
}

/* body_rtf - PR_RTF_COMPRESSED as text, through HTML when it wraps HTML */
static char *
body_rtf(const struct tnef_msg *m)
{
	struct buf	 out = { 0 };
	unsigned char	*raw;
	size_t		 rawlen;
	int		 fromhtml = 0;

	if (rtf_decompress(&m->rtf, &raw, &rawlen) == -1)
		return NULL;
	rtf_read(raw, rawlen, &out, &fromhtml);
	free(raw);
	if (fromhtml)
		return html_text(&out);
	return text_finish(&out);
}

/* tnef_body - the best body a TNEF stream holds, as normalised UTF-8 */
char *
tnef_body(const unsigned char *data, size_t len)
{
	struct tnef_msg	 m;
	struct buf	 b = { 0 };
	char		*text = NULL;
	uint32_t	 cp;

	if (data == NULL || tnef_walk(data, len, &m) == -1)
		return NULL;
	cp = m.oem_cp ? m.oem_cp : m.message_cp ? m.message_cp : 1252;
	if (m.body_w.set) {
		utf16_add(&b, m.body_w.p, m.body_w.len);
		text = text_finish(&b);
	}
	if (text == NULL && m.body8.set) {
		memset(&b, 0, sizeof(b));
		codepage_add(&b, cp, m.body8.p, m.body8.len);
		text = text_finish(&b);
	}
	if (text == NULL && m.attbody.set) {
		memset(&b, 0, sizeof(b));
		codepage_add(&b, cp, m.attbody.p, m.attbody.len);
		text = text_finish(&b);
	}
	if (text == NULL && (m.html.set || m.html_w.set))
		text = body_html(&m, cp);
	if (text == NULL && m.rtf.set)
		text = body_rtf(&m);
	return text;
}
