/*
 * clean.c - the body as the phone should see it, without signature, quoted
 * thread, mobile footer and disclaimer; and the [NAME:value] subject commands.
 *
 * The body is normalised once into a buffer of lines, the cuts are found in
 * one forward pass over the lines (a cut ends the pass unless it is a quote
 * block with the sender's own text below it), and the kept lines are then
 * compacted in place.  Choices the callers should know:
 * - Bytes are opaque except CR, LF, tab, VT, FF, NUL and the UTF-8 sequences
 *   named in clean.h; invalid UTF-8 passes unchanged.  NUL is dropped, as the
 *   result is a C string; VT and FF count as tabs.
 * - Every line starting with ">" is quote syntax, "> 5 items" included: plain
 *   text mail has no other way to mark a quote, and a clerk's own text rarely
 *   starts a line with ">".  Such lines are removed with the blank lines
 *   between them; text below them stays (bottom posting).
 * - An attribution ("On <date>, <name> wrote:" and its German, French and
 *   Spanish forms, on one line or wrapped over two) must contain a digit, as
 *   every client puts a date in it.  Followed by ">" lines it is removed with
 *   them; otherwise it cuts to the end.  In other languages, and in forms
 *   such as Yahoo's "--- On ... wrote:", a line (or two wrapped lines) ending
 *   in a colon that names a date, a time or an address is an attribution
 *   only directly before ">" lines or a forwarded header block.
 * - An attribution, an "Original Message" line or a reply header block that
 *   comes before any text of the sender's own is kept: such a body is a bare
 *   forward or a memo template with From:/To:/Date: lines, and cutting it
 *   would leave nothing to send.
 * - A mobile footer is dropped only when nothing but blank lines separates it
 *   from the end or from a cut.
 * - A leading run of spaces becomes one space like any other run; an empty
 *   disclaimer marker matches nothing.
 * - The report keeps the first CLEAN_REPORT_MAX cuts; later ones are made
 *   all the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sms/lib/ascii.h"
#include "sms/lib/buf.h"
#include "sms/lib/quiet.h"
#include "sms/lib/datetime.h"
#include "sms/convert/clean.h"
#include "sms/lib/utf8.h"

/* attribution lines are short; longer text ending in "wrote:" is prose */
#define ATTRIBUTION_MAX		300
/* mailers wrap at 66 to 78 columns: a shorter first line was not wrapped */
#define WRAP_MIN		60
/* lines looked at after the first line of a reply header block */
#define HEADER_WINDOW		12
#define UNDERSCORES_MIN		10
#define DASHES_MIN		3

struct line {
	size_t	 off;
	size_t	 len;
};

struct seg {
	enum clean_cut	 what;
	size_t		 first;		/* line indices, inclusive */
	size_t		 last;
};

struct cleaner {
	const struct clean_opts	*opts;
	char			*text;	/* normalised, lines end in LF */
	struct line		*lines;
	size_t			 nlines;
	struct seg		*segs;	/* in line order, never overlapping */
	size_t			 nsegs;
	size_t			 segcap;
};

struct attribution {
	const char	*start;
	const char	*word;		/* must occur as a word, or NULL */
	const char	*end[3];
};

static const struct attribution attributions[] = {
	{ "On ", NULL, { "wrote:", NULL } },
	{ "Am ", "schrieb", { ":", NULL } },
	{ "Le ", NULL, { "a \xc3\xa9" "crit :", "a \xc3\xa9" "crit:", NULL } },
	{ "El ", NULL, { "escribi\xc3\xb3:", "escribi\xc3\xb3 :", NULL } },
};

/* the core of "-----Original Message-----" and kin: cut unconditionally */
static const char *const original_markers[] = {
	"Original Message",
	"Urspr\xc3\xbcngliche Nachricht",
	"Message d'origine",
	"Message d\xe2\x80\x99origine",
	"Mensaje original",
};

/* forward separators: cut only directly before a reply header block */
static const char *const forward_markers[] = {
	"Forwarded message",
	"Weitergeleitete Nachricht",
	"Message transf\xc3\xa9r\xc3\xa9",
	"Mensaje reenviado",
};

static const char *const forward_lines[] = {
	"Begin forwarded message:",
	"Anfang der weitergeleiteten Nachricht:",
	"D\xc3\xa9" "but du message r\xc3\xa9" "exp\xc3\xa9" "di\xc3\xa9 :",
	"D\xc3\xa9" "but du message r\xc3\xa9" "exp\xc3\xa9" "di\xc3\xa9:",
	"Inicio del mensaje reenviado:",
};

#define HDR_FROM	0x01
#define HDR_DATE	0x02
#define HDR_TO		0x04
#define HDR_SUBJECT	0x08
#define HDR_OTHER	0x10
#define HEADER_NAME_MAX	11	/* bytes of the longest name below */

static const struct {
	const char	*name;
	unsigned	 kind;
} header_names[] = {
	{ "From", HDR_FROM }, { "Von", HDR_FROM }, { "De", HDR_FROM },
	{ "Sent", HDR_DATE }, { "Date", HDR_DATE }, { "Gesendet", HDR_DATE },
	{ "Datum", HDR_DATE }, { "Envoy\xc3\xa9", HDR_DATE },
	{ "Enviado el", HDR_DATE }, { "Enviado", HDR_DATE },
	{ "Fecha", HDR_DATE },
	{ "To", HDR_TO }, { "An", HDR_TO }, { "\xc3\x80", HDR_TO },
	{ "A", HDR_TO }, { "Para", HDR_TO },
	{ "Subject", HDR_SUBJECT }, { "Betreff", HDR_SUBJECT },
	{ "Objet", HDR_SUBJECT }, { "Asunto", HDR_SUBJECT },
	{ "Cc", HDR_OTHER }, { "Bcc", HDR_OTHER }, { "Cci", HDR_OTHER },
	{ "CCO", HDR_OTHER }, { "Reply-To", HDR_OTHER },
	{ "Importance", HDR_OTHER }, { "Wichtigkeit", HDR_OTHER },
	{ "Importancia", HDR_OTHER },
};

/* compared case-insensitively, trailing '.' and '!' ignored */
static const char *const mobile_footers[] = {
	"Sent from my iPhone",
	"Sent from my iPad",
	"Sent from my iPod",
	"Sent from my Android",
	"Sent from my Android phone",
	"Sent from my smartphone",
	"Sent from my mobile",
	"Sent from my mobile device",
	"Sent from my phone",
	"Sent from my Samsung Galaxy smartphone",
	"Sent from my Samsung device",
	"Sent from my Huawei phone",
	"Sent from my BlackBerry",
	"Sent from my BlackBerry 10 smartphone",
	"Sent from my Windows Phone",
	"Sent from Outlook",
	"Sent from Outlook for iOS",
	"Sent from Outlook for Android",
	"Get Outlook for iOS",
	"Get Outlook for Android",
	"Sent from Mail for Windows",
	"Sent from Mail for Windows 10",
	"Sent from Yahoo Mail on Android",
	"Sent from Yahoo Mail for iPhone",
	"Sent with BlackBerry Work",
	"Von meinem iPhone gesendet",
	"Von meinem iPad gesendet",
	"Von meinem Smartphone gesendet",
	"Von meinem Samsung Galaxy Smartphone gesendet",
	"Gesendet von meinem iPhone",
	"Gesendet von meinem iPad",
	"Gesendet von meinem Smartphone",
	"Von Outlook f\xc3\xbcr iOS gesendet",
	"Von Outlook f\xc3\xbcr Android gesendet",
	"Outlook f\xc3\xbcr iOS beziehen",
	"Outlook f\xc3\xbcr Android beziehen",
	"Gesendet von Mail f\xc3\xbcr Windows",
	"Gesendet von Mail f\xc3\xbcr Windows 10",
	"Envoy\xc3\xa9 de mon iPhone",
	"Envoy\xc3\xa9 de mon iPad",
	"Envoy\xc3\xa9 depuis mon iPhone",
	"Envoy\xc3\xa9 de mon smartphone Samsung Galaxy",
	"Envoy\xc3\xa9 \xc3\xa0 partir de Outlook pour iOS",
	"Envoy\xc3\xa9 \xc3\xa0 partir de Outlook pour Android",
	"Envoy\xc3\xa9 \xc3\xa0 partir d'Outlook pour iOS",
	"Envoy\xc3\xa9 \xc3\xa0 partir d'Outlook pour Android",
	"Obtenir Outlook pour iOS",
	"Obtenir Outlook pour Android",
	"Envoy\xc3\xa9 \xc3\xa0 partir de Courrier pour Windows",
	"Enviado desde mi iPhone",
	"Enviado desde mi iPad",
	"Enviado desde mi smartphone Samsung Galaxy",
	"Enviado desde Outlook para iOS",
	"Enviado desde Outlook para Android",
	"Obtener Outlook para iOS",
	"Obtener Outlook para Android",
	"Enviado desde Correo para Windows",
	"Enviado desde Yahoo Mail para Android",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ci_equal - whether p[0..n) is lit, ASCII letters in any case */
static bool
ci_equal(const char *p, size_t n, const char *lit, size_t m)
{
	size_t	 i;

	if (n != m)
		return false;
	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)p[i]) !=
		    ascii_lower((unsigned char)lit[i]))
			return false;
	return true;
}

/* ci_prefix - whether p[0..n) starts with lit */
static bool
ci_prefix(const char *p, size_t n, const char *lit)
{
	size_t	 m = strlen(lit);

	return n >= m && ci_equal(p, m, lit, m);
}

/* ci_suffix - whether p[0..n) ends with lit */
static bool
ci_suffix(const char *p, size_t n, const char *lit)
{
	size_t	 m = strlen(lit);

	return n >= m && ci_equal(p + n - m, m, lit, m);
}

/* ci_find - offset of lit in p[0..n), or SIZE_MAX */
static size_t
ci_find(const char *p, size_t n, const char *lit, size_t m, size_t from)
{
	size_t	 i;

	if (m == 0 || n < m)
		return SIZE_MAX;
	for (i = from; i <= n - m; i++)
		if (ascii_lower((unsigned char)p[i]) ==
		    ascii_lower((unsigned char)lit[0]) &&
		    ci_equal(p + i, m, lit, m))
			return i;
	return SIZE_MAX;
}

/*
 * special_char - what the normaliser makes of the UTF-8 sequence at p: -1
 * drop, ' ' a space, or 0 for an ordinary byte; *used is the bytes it covers.
 */
static int
special_char(const unsigned char *p, size_t n, size_t *used)
{
	*used = 1;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0xa0 || p[1] == 0xad)) {
		*used = 2;
		return p[1] == 0xa0 ? ' ' : -1;
	}
	if (n < 3)
		return 0;
	*used = 3;
	/*
	 * Not the joiners U+200C and U+200D (emoji sequences, Persian and
	 * Indic spelling) nor the ideographic space U+3000 (CJK layout): they
	 * stay for UCS-2, and gsm.c drops them where the text can be GSM-7.
	 */
	if (p[0] == 0xe2 && p[1] == 0x80) {
		if (p[2] >= 0x80 && p[2] <= 0x8a)
			return ' ';
		if (p[2] == 0x8b)
			return -1;
		if (p[2] == 0xaf)
			return ' ';
	} else if (p[0] == 0xe2 && p[1] == 0x81) {
		if (p[2] == 0x9f)
			return ' ';
		if (p[2] == 0xa0)
			return -1;
	} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return -1;
	*used = 1;
	return 0;
}

/* normalise - in[0..len) into c->text and c->lines; -1 on ENOMEM */
static int
normalise(struct cleaner *c, const char *in, size_t len)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 i, used, breaks = 1, o = 0, start = 0;
	int			 ch;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\r')
			breaks++;
	if ((c->text = malloc(len + 1)) == NULL)
		return -1;
	if ((c->lines = calloc(breaks, sizeof(*c->lines))) == NULL) {
		free(c->text);
		c->text = NULL;
		return -1;
	}
	for (i = 0; i < len; i += used) {
		used = 1;
		ch = s[i];
		if (ch == '\r') {
			ch = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				used = 2;
		} else if (ch == '\t' || ch == '\v' || ch == '\f')
			ch = ' ';
		else if (ch == '\0')
			ch = -1;
		else if (ch >= 0xc2) {
			switch (special_char(s + i, len - i, &used)) {
			case -1:
				ch = -1;
				break;
			case ' ':
				ch = ' ';
				break;
			}
		}
		if (ch == -1)
			continue;
		if (ch == '\n') {
			if (o > start && c->text[o - 1] == ' ')
				o--;
			c->lines[c->nlines].off = start;
			c->lines[c->nlines++].len = o - start;
			c->text[o++] = '\n';
			start = o;
			continue;
		}
		if (ch == ' ' && o > start && c->text[o - 1] == ' ')
			continue;
		c->text[o++] = (char)ch;
	}
	if (o > start && c->text[o - 1] == ' ')
		o--;
	if (o > start) {
		c->lines[c->nlines].off = start;
		c->lines[c->nlines++].len = o - start;
	}
	c->text[o] = '\0';
	return 0;
}

/* line - the text of line i, with its one leading space skipped if trim */
static const char *
line(const struct cleaner *c, size_t i, bool trim, size_t *n)
{
	const char	*p = c->text + c->lines[i].off;

	*n = c->lines[i].len;
	if (trim && *n > 0 && *p == ' ') {
		p++;
		(*n)--;
	}
	return p;
}

/* is_blank - whether line i is empty (normalisation left no spaces alone) */
static bool
is_blank(const struct cleaner *c, size_t i)
{
	return c->lines[i].len == 0;
}

/* is_quote - whether line i is quoted with ">" */
static bool
is_quote(const struct cleaner *c, size_t i)
{
	return c->lines[i].len > 0 && c->text[c->lines[i].off] == '>';
}

/* next_text - the first non-blank line at or after i, or nlines */
static size_t
next_text(const struct cleaner *c, size_t i)
{
	while (i < c->nlines && is_blank(c, i))
		i++;
	return i;
}

/* quote_end - the last ">" line of the run at i, blank lines bridged */
static size_t
quote_end(const struct cleaner *c, size_t i)
{
	size_t	 last = i;

	for (i++; i < c->nlines; i++) {
		if (is_quote(c, i))
			last = i;
		else if (!is_blank(c, i))
			break;
	}
	return last;
}

/* has_word - whether w occurs in p[0..n) between spaces (or ':' after) */
static bool
has_word(const char *p, size_t n, const char *w)
{
	size_t	 m = strlen(w), at = 0;

	while ((at = ci_find(p, n, w, m, at)) != SIZE_MAX) {
		if ((at == 0 || p[at - 1] == ' ') &&
		    (at + m == n || p[at + m] == ' ' || p[at + m] == ':'))
			return true;
		at++;
	}
	return false;
}

/* attribution_text - whether p[0..n) is the attribution a introduces */
static bool
attribution_text(const struct attribution *a, const char *p, size_t n)
{
	size_t	 i;
	bool	 digit = false, end = false;

	if (n > ATTRIBUTION_MAX || !ci_prefix(p, n, a->start))
		return false;
	for (i = 0; i < NELEM(a->end) && a->end[i] != NULL; i++)
		end = end || ci_suffix(p, n, a->end[i]);
	if (!end)
		return false;
	if (a->word != NULL && !has_word(p, n, a->word))
		return false;
	for (i = 0; i < n && !digit; i++)
		digit = p[i] >= '0' && p[i] <= '9';
	return digit;
}

/* attribution_lines - 1 or 2 when an attribution starts at line i, else 0 */
static size_t
attribution_lines(const struct cleaner *c, size_t i)
{
	char		 joined[ATTRIBUTION_MAX + 1];
	const char	*p, *q;
	size_t		 n, m, k;

	p = line(c, i, true, &n);
	for (k = 0; k < NELEM(attributions); k++) {
		if (!ci_prefix(p, n, attributions[k].start))
			continue;
		if (attribution_text(&attributions[k], p, n))
			return 1;
		/* a wrapped attribution: the first line ends mid-sentence */
		if (i + 1 >= c->nlines || is_blank(c, i + 1) ||
		    is_quote(c, i + 1) || p[n - 1] == '.' || p[n - 1] == '!' ||
		    p[n - 1] == '?')
			continue;
		q = line(c, i + 1, true, &m);
		if (n + 1 + m > ATTRIBUTION_MAX)
			continue;
		memcpy(joined, p, n);
		joined[n] = ' ';
		memcpy(joined + n + 1, q, m);
		if (attribution_text(&attributions[k], joined, n + 1 + m))
			return 2;
	}
	return 0;
}

/* dashed_core - "Original Message" of "-----Original Message-----" */
static const char *
dashed_core(const char *p, size_t n, size_t *m)
{
	size_t	 i = 0;

	while (i < n && p[i] == '-')
		i++;
	if (i < DASHES_MIN)
		return NULL;
	while (i < n && p[i] == ' ')
		i++;
	while (n > i && (p[n - 1] == '-' || p[n - 1] == ' '))
		n--;
	*m = n - i;
	return p + i;
}

/* in_list - whether p[0..n) is one of list, ASCII case ignored */
static bool
in_list(const char *p, size_t n, const char *const *list, size_t nlist)
{
	size_t	 i;

	for (i = 0; i < nlist; i++)
		if (ci_equal(p, n, list[i], strlen(list[i])))
			return true;
	return false;
}

/* header_kind - the HDR_ bit of a "Name: value" line i, or 0 */
static unsigned
header_kind(const struct cleaner *c, size_t i)
{
	const char	*p;
	size_t		 n, k, m;

	p = line(c, i, true, &n);
	/* most lines are text: no colon near the start, no header */
	if (memchr(p, ':', n < HEADER_NAME_MAX + 2 ? n : HEADER_NAME_MAX + 2)
	    == NULL)
		return 0;
	for (k = 0; k < NELEM(header_names); k++) {
		m = strlen(header_names[k].name);
		if (!ci_prefix(p, n, header_names[k].name))
			continue;
		/* French puts a space before the colon */
		if (m < n && p[m] == ' ')
			m++;
		if (m < n && p[m] == ':')
			return header_names[k].kind;
	}
	return 0;
}

/*
 * header_block - whether line i starts a reply header block: From, Sent or
 * Date, and To or Subject among the header lines that follow it (blank lines
 * and indented continuations allowed), so "From: the warehouse" alone is text.
 */
static bool
header_block(const struct cleaner *c, size_t i)
{
	unsigned	 kinds, k;
	size_t		 j;

	if ((kinds = header_kind(c, i)) == 0)
		return false;
	for (j = i + 1; j < c->nlines && j <= i + HEADER_WINDOW; j++) {
		if (is_blank(c, j))
			continue;
		if ((k = header_kind(c, j)) != 0)
			kinds |= k;
		else if (c->text[c->lines[j].off] != ' ')
			break;
	}
	return (kinds & HDR_FROM) && (kinds & HDR_DATE) &&
	    (kinds & (HDR_TO | HDR_SUBJECT));
}

/* thread_start - whether line i starts an Outlook-style quoted thread */
static bool
thread_start(const struct cleaner *c, size_t i)
{
	const char	*p, *core;
	size_t		 n, m, k;
	bool		 separator;

	p = line(c, i, true, &n);
	for (k = 0; k < n && p[k] == '_'; k++)
		;
	separator = k == n && n >= UNDERSCORES_MIN;
	if ((core = dashed_core(p, n, &m)) != NULL) {
		if (in_list(core, m, original_markers, NELEM(original_markers)))
			return true;
		separator = in_list(core, m, forward_markers,
		    NELEM(forward_markers));
	}
	separator = separator ||
	    in_list(p, n, forward_lines, NELEM(forward_lines));
	if (separator) {
		k = next_text(c, i + 1);
		return k < c->nlines && header_block(c, k);
	}
	return header_block(c, i);
}

/* ends_in_colon - whether p[0..n) ends in ':' or the full-width U+FF1A */
static bool
ends_in_colon(const char *p, size_t n)
{
	return (n >= 1 && p[n - 1] == ':') ||
	    (n >= 3 && memcmp(p + n - 3, "\xef\xbc\x9a", 3) == 0);
}

/* digits_at - how many ASCII digits p[0..n) starts with */
static size_t
digits_at(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && ascii_digit(p[i]); i++)
		continue;
	return i;
}

/* address_at - whether the '@' at p[at] joins a local part and a domain */
static bool
address_at(const char *p, size_t n, size_t at)
{
	size_t	 i;
	bool	 dot = false;

	if (at == 0 || (!ascii_alnum(p[at - 1]) && p[at - 1] != '.' &&
	    p[at - 1] != '_' && p[at - 1] != '-' && p[at - 1] != '+'))
		return false;
	for (i = at + 1; i < n && (ascii_alnum(p[i]) || p[i] == '.' ||
	    p[i] == '-'); i++)
		dot = dot || (p[i] == '.' && i > at + 1 && i + 1 < n &&
		    ascii_alnum(p[i + 1]));
	return dot;
}

/*
 * date_time_at - whether the number at p[0..n) is a time (17:42), a date
 * (20.05.2016, 4/4/12, 2016-05-20) or a year from 1900 to 2099
 */
static bool
date_time_at(const char *p, size_t n)
{
	size_t	 d = digits_at(p, n), e;

	if (d == 4 && (memcmp(p, "19", 2) == 0 || memcmp(p, "20", 2) == 0))
		return true;
	if (d == 0 || d > 4 || d + 1 >= n)
		return false;
	if (d <= 2 && p[d] == ':' && digits_at(p + d + 1, n - d - 1) == 2)
		return true;
	if (p[d] != '.' && p[d] != '/' && p[d] != '-')
		return false;
	e = digits_at(p + d + 1, n - d - 1);
	return e >= 1 && e <= 2 && d + e + 2 < n && p[d + e + 1] == p[d] &&
	    digits_at(p + d + e + 2, n - d - e - 2) >= 2;
}

/*
 * when_or_who - whether p[0..n) names a date, a time or a mail address,
 * as the attribution lines of every mailer in every language do
 */
static bool
when_or_who(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p[i] == '@' && address_at(p, n, i))
			return true;
		if (ascii_digit(p[i]) && (i == 0 || !ascii_digit(p[i - 1])) &&
		    date_time_at(p + i, n - i))
			return true;
	}
	return false;
}

/* chars - the characters, not bytes, of UTF-8 p[0..n) */
static size_t
chars(const char *p, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)p[i] & 0xc0) != 0x80;
	return k;
}

/*
 * intro_text - whether the k lines (1 or 2) at i read as an attribution in
 * whatever language: short, ending in a colon, naming a date, a time or an
 * address. Two lines only where the first was wrapped: it does not end a
 * sentence, and the next word would have made it too long.
 */
static bool
intro_text(const struct cleaner *c, size_t i, size_t k)
{
	const char	*p, *q;
	size_t		 n, m, w;

	p = line(c, i, true, &n);
	if (k == 1)
		return n <= ATTRIBUTION_MAX && ends_in_colon(p, n) &&
		    when_or_who(p, n);
	if (i + 1 >= c->nlines || is_blank(c, i + 1) || is_quote(c, i + 1))
		return false;
	q = line(c, i + 1, true, &m);
	if (n == 0 || n + 1 + m > ATTRIBUTION_MAX || !ends_in_colon(q, m) ||
	    ends_in_colon(p, n) || p[n - 1] == '.' || p[n - 1] == '!' ||
	    p[n - 1] == '?')
		return false;
	for (w = 0; w < m && q[w] != ' '; w++)
		continue;
	return chars(p, n) + 1 + chars(q, w) > WRAP_MIN &&
	    (when_or_who(p, n) || when_or_who(q, m));
}

/*
 * intro_lines - how many lines (1 or 2) at i introduce the quote or the
 * forwarded header block that follows them, as an attribution in a language
 * attributions[] does not know would; 0 if they do not
 */
static size_t
intro_lines(const struct cleaner *c, size_t i)
{
	size_t	 k, j;

	for (k = 1; k <= 2; k++) {
		if (!intro_text(c, i, k))
			continue;
		j = next_text(c, i + k);
		if (j < c->nlines && (is_quote(c, j) || thread_start(c, j)))
			return k;
	}
	return 0;
}

/* is_signature - whether line i is the "-- " delimiter (its space is gone) */
static bool
is_signature(const struct cleaner *c, size_t i)
{
	return c->lines[i].len == 2 &&
	    memcmp(c->text + c->lines[i].off, "--", 2) == 0;
}

/* is_disclaimer - whether line i contains a configured marker */
static bool
is_disclaimer(const struct cleaner *c, size_t i)
{
	const char	*p;
	size_t		 n, k;

	p = line(c, i, false, &n);
	for (k = 0; k < c->opts->ndisclaimer_markers; k++)
		if (c->opts->disclaimer_markers[k] != NULL &&
		    ci_find(p, n, c->opts->disclaimer_markers[k],
		    strlen(c->opts->disclaimer_markers[k]), 0) != SIZE_MAX)
			return true;
	return false;
}

/* is_mobile - whether line i is a "Sent from my iPhone" footer */
static bool
is_mobile(const struct cleaner *c, size_t i)
{
	const char	*p;
	size_t		 n;

	p = line(c, i, true, &n);
	/* Outlook mobile writes the link after the words: "...Android<https://...>" */
	if (n > 0 && p[n - 1] == '>') {
		const char *lt = memrchr(p, '<', n);

		if (lt != NULL && (size_t)(p + n - lt) > 8 &&
		    strncmp(lt + 1, "http", 4) == 0)
			n = (size_t)(lt - p);
	}
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == '!' || p[n - 1] == ' '))
		n--;
	return in_list(p, n, mobile_footers, NELEM(mobile_footers));
}

/* add_seg - record lines first..last as cut; -1 on ENOMEM */
static int
add_seg(struct cleaner *c, enum clean_cut what, size_t first, size_t last)
{
	if (array_grow(&c->segs, &c->segcap, c->nsegs, sizeof(*c->segs), 8) ==
	    -1)
		return -1;
	c->segs[c->nsegs].what = what;
	c->segs[c->nsegs].first = first;
	c->segs[c->nsegs++].last = last;
	return 0;
}

/* mobile_before - cut the mobile footers just above line i (or the end) */
static int
mobile_before(struct cleaner *c, size_t i)
{
	size_t	 floor, first = SIZE_MAX, last = SIZE_MAX;

	if (!c->opts->mobile_signature)
		return 0;
	floor = c->nsegs > 0 ? c->segs[c->nsegs - 1].last + 1 : 0;
	while (i > floor) {
		i--;
		if (is_blank(c, i))
			continue;
		if (!is_mobile(c, i))
			break;
		if (last == SIZE_MAX)
			last = i;
		first = i;
	}
	return last == SIZE_MAX ? 0 : add_seg(c, CUT_MOBILE, first, last);
}

/* cut - record first..last as cut, with the mobile footer just above */
static int
cut(struct cleaner *c, enum clean_cut what, size_t first, size_t last)
{
	if (mobile_before(c, first) == -1)
		return -1;
	return add_seg(c, what, first, last);
}

/* find_cuts - one pass over the lines deciding what goes; -1 on ENOMEM */
static int
find_cuts(struct cleaner *c)
{
	const struct clean_opts	*o = c->opts;
	size_t			 i, a, j, end, n = c->nlines;
	bool			 text = false, thread;

	for (i = 0; i < n; i++) {
		if (is_blank(c, i))
			continue;
		if (o->quotes && is_quote(c, i)) {
			end = quote_end(c, i);
			if (cut(c, CUT_QUOTE, i, end) == -1)
				return -1;
			i = end;
			continue;
		}
		if (o->quotes && ((a = attribution_lines(c, i)) > 0 ||
		    (a = intro_lines(c, i)) > 0)) {
			j = next_text(c, i + a);
			if (j < n && is_quote(c, j)) {
				end = quote_end(c, j);
				if (cut(c, CUT_QUOTE, i, end) == -1)
					return -1;
				i = end;
				continue;
			}
			if (text)
				return cut(c, CUT_QUOTE, i, n - 1);
			/* a bare forward stays whole: this is no own text */
			if (j < n && thread_start(c, j)) {
				i += a - 1;
				continue;
			}
		}
		if (o->signature && is_signature(c, i))
			return cut(c, CUT_SIGNATURE, i, n - 1);
		thread = o->quotes && thread_start(c, i);
		if (thread && text)
			return cut(c, CUT_QUOTE, i, n - 1);
		if (is_disclaimer(c, i))
			return cut(c, CUT_DISCLAIMER, i, n - 1);
		/* a memo's own From:/To: lines are no text of the sender's */
		text = text || (!thread && !(o->quotes && header_kind(c, i)));
	}
	return mobile_before(c, n);
}

/* report_cut - describe segment s, whose first line is still in place */
static void
report_cut(const struct cleaner *c, const struct seg *s,
    struct clean_report *rep)
{
	const char	*p;
	size_t		 n;

	if (rep == NULL || rep->ncuts >= CLEAN_REPORT_MAX)
		return;
	p = line(c, s->first, false, &n);
	n = utf8_prefix(p, n, sizeof(rep->cuts[0].first) - 1);
	rep->cuts[rep->ncuts].what = s->what;
	rep->cuts[rep->ncuts].lines = s->last - s->first + 1;
	memcpy(rep->cuts[rep->ncuts].first, p, n);
	rep->cuts[rep->ncuts].first[n] = '\0';
	rep->ncuts++;
}

/*
 * compact - the kept lines moved to the front of c->text, blank runs made
 * one; the output never overtakes the line being read, so moving in place is
 * safe and a cut's first line is still intact when it is reported.
 */
static void
compact(struct cleaner *c, struct clean_report *rep)
{
	size_t	 i, o = 0, s = 0;
	bool	 started = false, blank = false;

	for (i = 0; i < c->nlines; i++) {
		if (s < c->nsegs && i >= c->segs[s].first) {
			if (i == c->segs[s].first)
				report_cut(c, &c->segs[s], rep);
			if (i == c->segs[s].last)
				s++;
			continue;
		}
		if (is_blank(c, i)) {
			blank = started;
			continue;
		}
		if (started) {
			c->text[o++] = '\n';
			if (blank)
				c->text[o++] = '\n';
		}
		memmove(c->text + o, c->text + c->lines[i].off,
		    c->lines[i].len);
		o += c->lines[i].len;
		started = true;
		blank = false;
	}
	c->text[o] = '\0';
}

char *
clean_body(const char *utf8, size_t len, const struct clean_opts *opts,
    struct clean_report *rep)
{
	static const struct clean_opts	 none;
	struct cleaner			 c;
	char				*out;

	memset(&c, 0, sizeof(c));
	c.opts = opts != NULL ? opts : &none;
	if (rep != NULL)
		memset(rep, 0, sizeof(*rep));
	if (normalise(&c, utf8, len) == -1)
		return NULL;
	if (find_cuts(&c) == -1) {
		free(c.text);
		free(c.lines);
		free(c.segs);
		return NULL;
	}
	compact(&c, rep);
	free(c.lines);
	free(c.segs);
	/* a long thread cut short should not keep its memory */
	if ((out = realloc(c.text, strlen(c.text) + 1)) == NULL)
		out = c.text;
	return out;
}

/* clean_cut_name - the word for a cut in reports and logs */
const char *
clean_cut_name(enum clean_cut what)
{
	switch (what) {
	case CUT_SIGNATURE:
		return "signature";
	case CUT_QUOTE:
		return "quote";
	case CUT_DISCLAIMER:
		return "disclaimer";
	case CUT_MOBILE:
		return "mobile";
	}
	return "unknown";
}

enum command {
	CMD_SRC,
	CMD_JOBPERIOD,
	CMD_VALIDITY,
	CMD_DN,
	CMD_FLASH,
	CMD_QOS,
	CMD_DUPLICATEDETECTION,
	CMD_BLACKOUTPERIODS,
	CMD_BC,
	CMD_CUSTOMERREF,
};

static const struct {
	const char	*name;
	enum command	 cmd;
} commands[] = {
	{ "SRC", CMD_SRC },
	{ "JOBPERIOD", CMD_JOBPERIOD },
	{ "VALIDITY", CMD_VALIDITY },
	{ "DN", CMD_DN },
	{ "FLASH", CMD_FLASH },
	{ "QOS", CMD_QOS },
	{ "DUPLICATEDETECTION", CMD_DUPLICATEDETECTION },
	{ "BLACKOUTPERIODS", CMD_BLACKOUTPERIODS },
	{ "BC", CMD_BC },
	{ "CUSTOMERREF", CMD_CUSTOMERREF },
};

#define SRC_ALNUM_MAX		11
#define SRC_DIGITS_MAX		15
#define VALIDITY_MAX		72

/* is_space - blanks trimmed around names and values */
static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* trim - p[0..*n) without blanks at either end */
static const char *
trim(const char *p, size_t *n)
{
	while (*n > 0 && is_space(*p)) {
		p++;
		(*n)--;
	}
	while (*n > 0 && is_space(p[*n - 1]))
		(*n)--;
	return p;
}

/* digits - the value of p[0..n), all digits; -1 if any is not one */
static int
digits(const char *p, size_t n)
{
	size_t	 i;
	int	 v = 0;

	for (i = 0; i < n; i++) {
		if (!ascii_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* parse_src - a sender id: letters and digits, or a number with '+' */
static const char *
parse_src(const char *v, size_t n, char *src, size_t size)
{
	size_t	 i, skip = n > 0 && v[0] == '+';
	bool	 alpha = false;

	if (n == skip)
		return "empty sender id";
	for (i = skip; i < n; i++) {
		if (!ascii_alnum(v[i]))
			return "sender id of letters and digits expected";
		alpha = alpha || !ascii_digit(v[i]);
	}
	if (alpha && skip)
		return "'+' only before a number";
	if (alpha && n > SRC_ALNUM_MAX)
		return "alphanumeric sender id longer than 11";
	if (!alpha && n - skip > SRC_DIGITS_MAX)
		return "numeric sender id longer than 15 digits";
	if (n >= size)
		return "sender id too long";
	memcpy(src, v, n);
	src[n] = '\0';
	return NULL;
}

/*
 * parse_time - an ISO 8601 time with its offset (sms/lib/datetime.h); a
 * local time without one is refused, as the relay cannot know the sender's.
 */
static const char *
parse_time(const char *v, size_t n, time_t *out)
{
	const char	*problem;
	int64_t		 t;

	if ((problem = datetime_iso8601(v, n, &t)) == NULL)
		*out = (time_t)t;
	return problem;
}

/* parse_switch - ON or OFF, any case */
static const char *
parse_switch(const char *v, size_t n, bool *on)
{
	if (ci_equal(v, n, "ON", 2))
		*on = true;
	else if (ci_equal(v, n, "OFF", 3))
		*on = false;
	else
		return "ON or OFF expected";
	return NULL;
}

/* copy_text - v[0..n) into buf, cut short on a UTF-8 boundary */
static void
copy_text(const char *v, size_t n, char *buf, size_t size)
{
	n = utf8_prefix(v, n, size - 1);
	memcpy(buf, v, n);
	buf[n] = '\0';
}

/*
 * parse_quiet - [BLACKOUTPERIODS:21:00-08:00,sat,sun]: quiet hours as the
 * configuration spells them (sms/lib/quiet.h), kept in their canonical form
 */
static const char *
parse_quiet(const char *v, size_t n, char *out, size_t size)
{
	struct quiet_rule	 r;
	char			 spec[QUIET_SPEC_MAX + 1];
	const char		*why;

	if (n > QUIET_SPEC_MAX)
		return "quiet hours \"HH:MM-HH:MM\" and/or days expected";
	memcpy(spec, v, n);
	spec[n] = '\0';
	if ((why = quiet_parse(spec, &r)) != NULL)
		return why;
	quiet_format(&r, out, size);
	return NULL;
}

/* apply - command cmd with value v into opts; a problem sentence or NULL */
static const char *
apply(enum command cmd, const char *v, size_t n, struct subject_options *opts)
{
	int	 h;

	switch (cmd) {
	case CMD_SRC:
		return parse_src(v, n, opts->src, sizeof(opts->src));
	case CMD_JOBPERIOD:
		return parse_time(v, n, &opts->send_at);
	case CMD_VALIDITY:
		if (n == 0 || n > 2 || (h = digits(v, n)) < 0 ||
		    h > VALIDITY_MAX)
			return "hours from 0 to 72 expected";
		opts->validity_hours = (unsigned)h;
		return NULL;
	case CMD_DN:
		return parse_switch(v, n, &opts->delivery_notification);
	case CMD_FLASH:
		return parse_switch(v, n, &opts->flash);
	case CMD_QOS:
		if (ci_equal(v, n, "EXPRESS", 7))
			opts->express = true;
		else if (ci_equal(v, n, "NORMAL", 6))
			opts->express = false;
		else
			return "EXPRESS or NORMAL expected";
		return NULL;
	case CMD_DUPLICATEDETECTION:
		return parse_switch(v, n, &opts->duplicate_detection);
	case CMD_BLACKOUTPERIODS:
		return parse_quiet(v, n, opts->quiet, sizeof(opts->quiet));
	case CMD_BC:
		copy_text(v, n, opts->billing_code, sizeof(opts->billing_code));
		return NULL;
	case CMD_CUSTOMERREF:
		copy_text(v, n, opts->customer_ref, sizeof(opts->customer_ref));
		return NULL;
	}
	return "unknown command";
}

/* command - apply p[0..n), the inside of a bracket, if it is a command */
static bool
command(const char *p, size_t n, struct subject_options *opts)
{
	const char	*colon, *name, *v, *problem;
	size_t		 k, namelen, vlen;

	if ((colon = memchr(p, ':', n)) == NULL)
		return false;
	namelen = (size_t)(colon - p);
	name = trim(p, &namelen);
	for (k = 0; k < NELEM(commands); k++)
		if (ci_equal(name, namelen, commands[k].name,
		    strlen(commands[k].name)))
			break;
	if (k == NELEM(commands))
		return false;
	vlen = n - (size_t)(colon - p) - 1;
	v = trim(colon + 1, &vlen);
	problem = apply(commands[k].cmd, v, vlen, opts);
	if (problem != NULL && opts->error[0] == '\0')
		snprintf(opts->error, sizeof(opts->error), "[%s:%.*s]: %s",
		    commands[k].name, (int)(vlen > 40 ? 40 : vlen), v, problem);
	return true;
}

char *
subject_commands(const char *subject, struct subject_options *opts)
{
	const char	*s = subject != NULL ? subject : "", *close;
	char		*out;
	size_t		 len, i, o = 0, k = 0;

	memset(opts, 0, sizeof(*opts));
	len = strlen(s);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '[' &&
		    (close = memchr(s + i + 1, ']', len - i - 1)) != NULL &&
		    command(s + i + 1, (size_t)(close - s - i - 1), opts)) {
			/* a space keeps the words on either side apart */
			out[o++] = ' ';
			i = (size_t)(close - s);
			continue;
		}
		out[o++] = s[i];
	}
	/* tidy: blank runs to one space, none at either end */
	for (i = 0; i < o; i++) {
		if (is_space(out[i])) {
			if (k > 0 && out[k - 1] != ' ')
				out[k++] = ' ';
			continue;
		}
		out[k++] = out[i];
	}
	if (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	return out;
}
