/*
 * html.c - HTML mail made plain text with libxml2's HTML parser: one walk of
 * the tree writes lines, list markers, table rows and link targets.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sms/lib/buf.h"
#include "sms/convert/html.h"

#define LIST_MAX	16	/* nesting levels whose numbering is kept */
#define MARKER_MAX	32	/* "  12. ", Word's "a)" and indentation */
#define NL_MAX		2	/* one blank line at most: SMS costs */

/* What an element does to the text flow. */
enum elem_kind {
	E_INLINE,	/* anything not listed: its text flows on */
	E_SKIP,		/* never visible: head, script, style ... */
	E_BLOCK,	/* starts and ends a line */
	E_PARA,		/* starts and ends a paragraph (blank line) */
	E_BR,
	E_LIST,		/* ul, ol, menu, dir */
	E_ITEM,		/* li */
	E_ROW,		/* tr */
	E_CELL,		/* td, th */
	E_LINK,		/* a */
	E_IMG,
	E_PRE,
	E_QUOTE		/* blockquote */
};

/* The element names libxml2 reports (lowercase, namespace prefix dropped). */
static const struct elem {
	const char	*name;
	enum elem_kind	 kind;
} elems[] = {
	{ "a", E_LINK }, { "address", E_BLOCK }, { "applet", E_SKIP },
	{ "article", E_BLOCK }, { "aside", E_BLOCK },
	{ "blockquote", E_QUOTE }, { "body", E_BLOCK }, { "br", E_BR },
	{ "canvas", E_SKIP }, { "caption", E_BLOCK }, { "center", E_BLOCK },
	{ "datalist", E_SKIP }, { "dd", E_BLOCK }, { "details", E_BLOCK },
	{ "dialog", E_BLOCK }, { "dir", E_LIST }, { "div", E_BLOCK },
	{ "dl", E_BLOCK }, { "dt", E_BLOCK }, { "embed", E_SKIP },
	{ "fieldset", E_BLOCK }, { "figcaption", E_BLOCK },
	{ "figure", E_BLOCK }, { "footer", E_BLOCK }, { "form", E_BLOCK },
	{ "h1", E_PARA }, { "h2", E_PARA }, { "h3", E_PARA }, { "h4", E_PARA },
	{ "h5", E_PARA }, { "h6", E_PARA }, { "head", E_SKIP },
	{ "header", E_BLOCK }, { "hr", E_PARA }, { "html", E_BLOCK },
	{ "iframe", E_SKIP }, { "img", E_IMG }, { "legend", E_BLOCK },
	{ "li", E_ITEM }, { "main", E_BLOCK }, { "map", E_SKIP },
	{ "math", E_SKIP }, { "menu", E_LIST }, { "meta", E_SKIP },
	{ "nav", E_BLOCK }, { "noscript", E_SKIP }, { "object", E_SKIP },
	{ "ol", E_LIST }, { "p", E_PARA }, { "pre", E_PRE },
	{ "script", E_SKIP }, { "section", E_BLOCK }, { "select", E_SKIP },
	{ "style", E_SKIP }, { "summary", E_BLOCK }, { "svg", E_SKIP },
	{ "table", E_BLOCK }, { "tbody", E_BLOCK }, { "td", E_CELL },
	{ "template", E_SKIP }, { "tfoot", E_BLOCK }, { "th", E_CELL },
	{ "thead", E_BLOCK }, { "title", E_SKIP }, { "tr", E_ROW },
	{ "ul", E_LIST }, { "xml", E_SKIP },
};

/* The walk's state: the text so far and what the next text must follow. */
struct walk {
	struct buf	 out;		/* the text; out.failed: ENOMEM */
	bool		 alts;		/* show <img alt> */
	int		 want;		/* line breaks owed */
	bool		 space;		/* a collapsed space owed */
	bool		 sep;		/* a cell separator owed */
	bool		 row_text;	/* this line has a cell's text */
	bool		 held;		/* this line holds a &nbsp; */
	bool		 cell_fresh;	/* in a cell, no text yet */
	int		 pre;		/* inside <pre> */
	bool		 pre_lead;	/* drop <pre>'s first LF */
	int		 quote;		/* quoting blockquotes */
	int		 lists;		/* nesting of lists */
	struct {
		bool	 ordered;
		long	 next;
	}		 list[LIST_MAX];
	char		 marker[MARKER_MAX];	/* owed list marker */
	const xmlChar	*href;		/* the open link's target */
	size_t		 link_start;	/* its text, SIZE_MAX: none */
};

static pthread_once_t	 xml_once = PTHREAD_ONCE_INIT;

/* xml_init - libxml2's global set-up, once per process */
static void
xml_init(void)
{
	xmlInitParser();
}

/* xml_quiet - error handler that drops what malformed mail provokes */
static void
xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* elem_kind - what the element named name does to the text */
static enum elem_kind
elem_kind(const xmlChar *name)
{
	size_t	 lo = 0, hi = sizeof(elems) / sizeof(elems[0]), mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp((const char *)name, elems[mid].name);
		if (c == 0)
			return elems[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return E_INLINE;
}

/* is_ws - HTML's collapsible white space */
static bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* starts_ci - whether s begins with the ASCII prefix p, ignoring case */
static bool
starts_ci(const char *s, size_t n, const char *p)
{
	size_t	 plen = strlen(p);

	return n >= plen && strncasecmp(s, p, plen) == 0;
}

/*
 * style_has - whether a style attribute declares prop with a value that
 * starts with val ("display: none !important" counts as display:none).
 */
static bool
style_has(const xmlChar *style, const char *prop, const char *val)
{
	const char	*s = (const char *)style, *end, *colon, *v;
	size_t		 plen = strlen(prop), vlen = strlen(val), n;

	while (*s != '\0') {
		if ((end = strchr(s, ';')) == NULL)
			end = s + strlen(s);
		while (s < end && is_ws((unsigned char)*s))
			s++;
		colon = memchr(s, ':', (size_t)(end - s));
		if (colon != NULL) {
			n = (size_t)(colon - s);
			while (n > 0 && is_ws((unsigned char)s[n - 1]))
				n--;
			v = colon + 1;
			while (v < end && is_ws((unsigned char)*v))
				v++;
			if (n == plen && strncasecmp(s, prop, plen) == 0 &&
			    (size_t)(end - v) >= vlen &&
			    strncasecmp(v, val, vlen) == 0 &&
			    (v + vlen == end || is_ws((unsigned char)v[vlen]) ||
			    v[vlen] == '!'))
				return true;
		}
		s = *end == ';' ? end + 1 : end;
	}
	return false;
}

/* attr - an attribute's value in the tree (not copied), NULL if absent */
static const xmlChar *
attr(xmlNode *n, const char *name)
{
	xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->name != NULL &&
		    strcasecmp((const char *)a->name, name) == 0)
			return a->children != NULL &&
			    a->children->type == XML_TEXT_NODE ?
			    a->children->content : (const xmlChar *)"";
	return NULL;
}

/*
 * is_hidden - whether a browser (or Outlook, for mso-hide) shows nothing
 * of the element: the hidden preheaders of newsletters are made this way.
 */
static bool
is_hidden(xmlNode *n, const xmlChar *style)
{
	if (attr(n, "hidden") != NULL)
		return true;
	return style != NULL && (style_has(style, "display", "none") ||
	    style_has(style, "mso-hide", "all") ||
	    style_has(style, "visibility", "hidden"));
}

/* trailing_nl - how many line breaks end the text (up to NL_MAX) */
static int
trailing_nl(const struct walk *w)
{
	int	 k = 0;

	while (k < NL_MAX && (size_t)k < w->out.len &&
	    w->out.s[w->out.len - 1 - (size_t)k] == '\n')
		k++;
	return k;
}

/*
 * newline - end the line: its trailing spaces go (a line of &nbsp; becomes
 * blank), and never more than one blank line in a row nor one at the start.
 */
static void
newline(struct walk *w)
{
	while (w->out.len > 0 && w->out.s[w->out.len - 1] == ' ')
		w->out.len--;
	if (w->out.len > 0 && trailing_nl(w) < NL_MAX)
		buf_add(&w->out, "\n", 1);
	/* cells are joined on one line: a new line starts without one */
	w->space = w->sep = w->row_text = w->held = false;
}

/* settle - pay the line breaks the blocks left owed */
static void
settle(struct walk *w)
{
	/* a line of only &nbsp; is a line: end it before counting */
	if (w->held && w->want > 0)
		newline(w);
	while (w->want > 0 && w->out.len > 0 && trailing_nl(w) < w->want)
		newline(w);
	w->want = 0;
}

/* need_lines - the next text must start after n line breaks */
static void
need_lines(struct walk *w, int n)
{
	/*
	 * Outlook wraps every cell's text in a paragraph: the blocks that
	 * open a cell must not break the row's line.
	 */
	if (w->cell_fresh && w->row_text)
		return;
	/* a quote stays one block of "> " lines for the quote cutter */
	if (w->quote > 0 && n > 1)
		n = 1;
	if (n > w->want)
		w->want = n;
}

/*
 * put - visible text (no collapsible white space in it): first what it
 * must follow (line breaks, quote and list markers, a cell separator or
 * a space), then the bytes.
 */
static void
put(struct walk *w, const char *s, size_t n)
{
	int	 i;

	if (w->want > 0)
		settle(w);
	if (w->out.len == 0 || w->out.s[w->out.len - 1] == '\n') {
		for (i = 0; i < w->quote; i++)
			buf_add(&w->out, "> ", 2);
		if (w->marker[0] != '\0') {
			buf_add(&w->out, w->marker, strlen(w->marker));
			w->marker[0] = '\0';
		}
	} else if (w->sep)
		buf_add(&w->out, " | ", 3);
	else if (w->space)
		buf_add(&w->out, " ", 1);
	w->space = w->sep = w->held = w->cell_fresh = false;
	w->row_text = true;
	if (w->href != NULL && w->link_start == SIZE_MAX)
		w->link_start = w->out.len;
	buf_add(&w->out, s, n);
}

/*
 * put_nbsp - a no-break space: it keeps the blank line a Word paragraph of
 * only &nbsp; stands for and is not collapsed, but it is not text: it
 * neither starts a line's content, nor makes a table cell count.
 */
static void
put_nbsp(struct walk *w)
{
	if (w->want > 0)
		settle(w);
	if (w->out.len == 0 || w->out.s[w->out.len - 1] == '\n') {
		w->held = w->out.len > 0;
		return;
	}
	if (w->space && !w->sep)
		buf_add(&w->out, " ", 1);
	w->space = false;
	buf_add(&w->out, " ", 1);
}

/*
 * put_text - a text node as a browser lays it out: white space runs are
 * one space, except inside <pre>; a no-break space is a space that stays.
 */
static void
put_text(struct walk *w, const char *s, size_t n)
{
	size_t	 i = 0, start;

	if (w->pre > 0 && w->pre_lead) {
		if (n > 0 && s[0] == '\n')
			i = 1;
		w->pre_lead = false;
	}
	while (i < n) {
		if (w->pre > 0 && (s[i] == '\n' || s[i] == '\r')) {
			if (s[i] == '\n') {
				settle(w);
				newline(w);
			}
			i++;
			continue;
		}
		if (w->pre == 0 && is_ws((unsigned char)s[i])) {
			w->space = true;
			i++;
			continue;
		}
		if ((unsigned char)s[i] == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0xa0) {
			put_nbsp(w);
			i += 2;
			continue;
		}
		start = i;
		while (i < n && !(w->pre == 0 && is_ws((unsigned char)s[i])) &&
		    s[i] != '\n' && s[i] != '\r' &&
		    !((unsigned char)s[i] == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0xa0))
			i++;
		put(w, s + start, i - start);
	}
}

/*
 * link_target - what to show of a link's href: http(s) as is, mailto and
 * tel without the scheme (and mailto without its ?subject=); NULL for
 * anything else (javascript:, #anchors, relative links). *n is its length.
 */
static const char *
link_target(const xmlChar *href, size_t *n)
{
	const char	*s = (const char *)href, *q;
	size_t		 len;

	while (is_ws((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_ws((unsigned char)s[len - 1]))
		len--;
	if (starts_ci(s, len, "http://") || starts_ci(s, len, "https://")) {
		*n = len;
		return s;
	}
	if (starts_ci(s, len, "mailto:")) {
		s += 7;
		len -= 7;
		if ((q = memchr(s, '?', len)) != NULL)
			len = (size_t)(q - s);
	} else if (starts_ci(s, len, "tel:")) {
		s += 4;
		len -= 4;
	} else
		return NULL;
	*n = len;
	return len > 0 ? s : NULL;
}

/* url_core - a URL or link text without scheme, "www." and final "/" */
static void
url_core(const char **s, size_t *n)
{
	static const char *const prefixes[] = {
		"https://", "http://", "mailto:", "tel:", "www."
	};
	size_t	 i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts_ci(*s, *n, prefixes[i])) {
			*s += strlen(prefixes[i]);
			*n -= strlen(prefixes[i]);
		}
	while (*n > 0 && (*s)[*n - 1] == '/')
		(*n)--;
}

/*
 * link_end - after a link's text, its target in parentheses unless the
 * text already says it; a link without text (an image) adds nothing.
 */
static void
link_end(struct walk *w)
{
	const char	*url, *text, *u;
	size_t		 ulen, tlen, n;

	if (w->link_start != SIZE_MAX && w->link_start < w->out.len &&
	    (url = link_target(w->href, &ulen)) != NULL) {
		text = w->out.s + w->link_start;
		tlen = w->out.len - w->link_start;
		while (tlen > 0 && is_ws((unsigned char)text[tlen - 1]))
			tlen--;
		u = url;
		n = ulen;
		url_core(&text, &tlen);
		url_core(&u, &n);
		if (tlen > 0 && (tlen != n || strncasecmp(text, u, n) != 0)) {
			w->href = NULL;
			w->space = true;
			put(w, "(", 1);
			buf_add(&w->out, url, ulen);
			buf_add(&w->out, ")", 1);
		}
	}
	w->href = NULL;
	w->link_start = SIZE_MAX;
}

/* gather - up to size-1 bytes of the text under n, for Word's bullets */
static void
gather(xmlNode *n, char *out, size_t size, size_t *len, int depth)
{
	size_t	 k;

	for (; n != NULL && depth < 8; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL) {
			k = strlen((const char *)n->content);
			if (k > size - 1 - *len)
				k = size - 1 - *len;
			memcpy(out + *len, n->content, k);
			*len += k;
		} else if (n->type == XML_ELEMENT_NODE)
			gather(n->children, out, size, len, depth + 1);
	}
	out[*len] = '\0';
}

/*
 * word_bullet - the marker for a Word list paragraph from its
 * mso-list:Ignore span: a number or letter ("1.", "a)") stays, any symbol
 * bullet (Symbol and Wingdings glyphs) becomes "- " like our own lists.
 */
static void
word_bullet(struct walk *w, xmlNode *span)
{
	char	 t[MARKER_MAX];
	size_t	 len = 0, b = 0, e, i;
	bool	 numbered;

	gather(span->children, t, sizeof(t) - 1, &len, 0);
	/* spaces and the no-break spaces Word pads the bullet with */
	for (;;) {
		if (b < len && is_ws((unsigned char)t[b]))
			b++;
		else if (b + 1 < len && (unsigned char)t[b] == 0xc2 &&
		    (unsigned char)t[b + 1] == 0xa0)
			b += 2;
		else
			break;
	}
	e = b;
	while (e < len && (unsigned char)t[e] > ' ' && t[e] != '\xc2')
		e++;
	numbered = e - b >= 2 && (t[e - 1] == '.' || t[e - 1] == ')');
	for (i = b; numbered && i + 1 < e; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		    (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z')))
			numbered = false;
	if (numbered)
		snprintf(w->marker, sizeof(w->marker), "%.*s ", (int)(e - b),
		    t + b);
	else
		snprintf(w->marker, sizeof(w->marker), "- ");
}

/* item_start - a list item: its own line and its marker */
static void
item_start(struct walk *w)
{
	int	 depth = w->lists, indent;

	need_lines(w, 1);
	indent = depth > 1 ? 2 * ((depth > LIST_MAX ? LIST_MAX : depth) - 1) :
	    0;
	if (depth > 0 && depth <= LIST_MAX && w->list[depth - 1].ordered)
		snprintf(w->marker, sizeof(w->marker), "%*s%ld. ", indent, "",
		    w->list[depth - 1].next++);
	else
		snprintf(w->marker, sizeof(w->marker), "%*s- ", indent, "");
}

/* list_start - a list's numbering: ol start= is honoured */
static void
list_start(struct walk *w, xmlNode *n)
{
	const xmlChar	*start;
	long		 v = 1;
	char		*end;

	need_lines(w, 1);
	if (w->lists < LIST_MAX) {
		w->list[w->lists].ordered =
		    strcmp((const char *)n->name, "ol") == 0;
		if ((start = attr(n, "start")) != NULL) {
			v = strtol((const char *)start, &end, 10);
			if (end == (const char *)start || v < -999999 ||
			    v > 999999)
				v = 1;
		}
		w->list[w->lists].next = v;
	}
	w->lists++;
}

/* is_citation - a blockquote that quotes a message, not one that indents */
static bool
is_citation(xmlNode *n)
{
	const xmlChar	*type = attr(n, "type"), *cls = attr(n, "class");

	return (type != NULL && strcasecmp((const char *)type, "cite") == 0) ||
	    (cls != NULL && strcasestr((const char *)cls, "quote") != NULL);
}

/* is_word_para - a paragraph Word laid out with no margins (class Mso*) */
static bool
is_word_para(xmlNode *n)
{
	const xmlChar	*cls = attr(n, "class");

	return cls != NULL && strncasecmp((const char *)cls, "mso", 3) == 0;
}

/*
 * enter - an element opens; false when its content is not shown. The
 * kind is returned through *kind for leave().
 */
static bool
enter(struct walk *w, xmlNode *n, enum elem_kind *kind)
{
	const xmlChar	*v, *style;

	*kind = elem_kind(n->name);
	style = attr(n, "style");
	if (*kind == E_SKIP || is_hidden(n, style))
		return false;
	if (style != NULL && style_has(style, "mso-list", "ignore")) {
		word_bullet(w, n);
		return false;
	}
	switch (*kind) {
	case E_BLOCK:
		need_lines(w, 1);
		break;
	case E_PARA:
		need_lines(w, is_word_para(n) ? 1 : 2);
		break;
	case E_BR:
		settle(w);
		newline(w);
		break;
	case E_LIST:
		list_start(w, n);
		break;
	case E_ITEM:
		item_start(w);
		break;
	case E_ROW:
		need_lines(w, 1);
		w->row_text = w->sep = false;
		break;
	case E_CELL:
		if (w->row_text)
			w->sep = true;
		w->cell_fresh = true;
		break;
	case E_LINK:
		if ((v = attr(n, "href")) != NULL && w->href == NULL) {
			w->href = v;
			w->link_start = SIZE_MAX;
		}
		break;
	case E_IMG:
		if (w->alts && (v = attr(n, "alt")) != NULL)
			put_text(w, (const char *)v, strlen((const char *)v));
		break;
	case E_PRE:
		need_lines(w, 2);
		w->pre++;
		w->pre_lead = true;
		break;
	case E_QUOTE:
		need_lines(w, 2);
		if (is_citation(n))
			w->quote++;
		break;
	default:
		break;
	}
	return true;
}

/* leave - an element closes (one that enter() let in) */
static void
leave(struct walk *w, xmlNode *n, enum elem_kind kind)
{
	switch (kind) {
	case E_BLOCK:
	case E_ROW:
		need_lines(w, 1);
		break;
	case E_PARA:
		need_lines(w, is_word_para(n) ? 1 : 2);
		break;
	case E_LIST:
		w->lists--;
		need_lines(w, 1);
		break;
	case E_ITEM:
		w->marker[0] = '\0';
		need_lines(w, 1);
		break;
	case E_CELL:
		/* the next cell goes on this line, after what ended this one */
		w->cell_fresh = false;
		if (w->row_text)
			w->want = 0;
		break;
	case E_LINK:
		if (w->href != NULL && w->href == attr(n, "href"))
			link_end(w);
		break;
	case E_PRE:
		w->pre--;
		w->pre_lead = false;
		need_lines(w, 2);
		break;
	case E_QUOTE:
		if (is_citation(n))
			w->quote--;
		need_lines(w, 2);
		break;
	default:
		break;
	}
}

/*
 * walk_tree - the document in order without recursion (mail can nest
 * thousands deep): down to the first child, along, and up to the parent.
 */
static void
walk_tree(struct walk *w, xmlNode *top)
{
	xmlNode		*n = top->children;
	enum elem_kind	 kind;
	bool		 open;

	while (n != NULL) {
		open = false;
		if (n->type == XML_ELEMENT_NODE && n->name != NULL) {
			if (enter(w, n, &kind)) {
				if (n->children != NULL) {
					n = n->children;
					continue;
				}
				open = true;
			}
		} else if (n->type == XML_TEXT_NODE && n->content != NULL)
			put_text(w, (const char *)n->content,
			    strlen((const char *)n->content));
		if (open)
			leave(w, n, kind);
		while (n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == top)
				return;
			leave(w, n, elem_kind(n->name));
		}
		n = n->next;
	}
}

/*
 * unword - a copy of the HTML without what Word writes around content
 * instead of as elements: the <o:p> tags (libxml2 would read them as <p>,
 * their &nbsp; content is kept) and the downlevel-revealed markers
 * <![if ...]> and <![endif]>, which libxml2 would leave in the text.
 */
static char *
unword(const char *s, size_t n, size_t *outlen)
{
	const char	*end = s + n, *p, *gt;
	char		*out, *o;

	if (n == SIZE_MAX || (out = malloc(n + 1)) == NULL)
		return NULL;
	o = out;
	while (s < end) {
		if ((p = memchr(s, '<', (size_t)(end - s))) == NULL)
			p = end;
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		s = p;
		if (s == end)
			break;
		gt = memchr(s, '>', (size_t)(end - s));
		if (gt != NULL && (starts_ci(s, (size_t)(end - s), "<o:p>") ||
		    starts_ci(s, (size_t)(end - s), "</o:p>") ||
		    starts_ci(s, (size_t)(end - s), "<o:p ") ||
		    starts_ci(s, (size_t)(end - s), "<![if ") ||
		    starts_ci(s, (size_t)(end - s), "<![endif]>"))) {
			s = gt + 1;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/* has_text - whether the text holds anything but spaces and line breaks */
static bool
has_text(const struct walk *w)
{
	size_t	 i;

	for (i = 0; i < w->out.len; i++)
		if (!is_ws((unsigned char)w->out.s[i]))
			return true;
	return false;
}

/* render - one walk of the document; alts says whether images speak */
static bool
render(struct walk *w, htmlDocPtr doc, bool alts)
{
	memset(w, 0, sizeof(*w));
	w->alts = alts;
	w->link_start = SIZE_MAX;
	if (doc != NULL)
		walk_tree(w, (xmlNode *)doc);
	/* no text at all is still a string: "" says nothing is visible */
	buf_add(&w->out, "", 0);
	if (w->out.failed) {
		buf_free(&w->out);
		return false;
	}
	while (w->out.len > 0 && is_ws((unsigned char)w->out.s[w->out.len - 1]))
		w->out.len--;
	w->out.s[w->out.len] = '\0';
	return true;
}

/*
 * html_to_text - UTF-8 HTML in, UTF-8 text out (malloc'd, NUL-terminated,
 * LF line ends). NULL on ENOMEM; an empty string when nothing is visible.
 */
char *
html_to_text(const char *html, size_t len)
{
	struct walk	 w;
	htmlDocPtr	 doc = NULL;
	char		*src;
	size_t		 srclen;
	int		 size;

	if (pthread_once(&xml_once, xml_init) != 0)
		return NULL;
	/*
	 * NOERROR and NOWARNING silence the parser; what libxml2 reports
	 * elsewhere goes to the generic handler, which is per thread.
	 */
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	if ((src = unword(html, len, &srclen)) == NULL)
		return NULL;
	/* libxml2 takes an int length; mail is capped far below that */
	size = srclen > INT32_MAX ? INT32_MAX : (int)srclen;
	/*
	 * The caller converted to UTF-8 already: IGNORE_ENC with "UTF-8"
	 * keeps a <meta charset> from making libxml2 decode it again.
	 */
	if (size > 0)
		doc = htmlReadMemory(src, size, NULL, "UTF-8",
		    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
		    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
		    HTML_PARSE_IGNORE_ENC);
	free(src);
	if (!render(&w, doc, false))
		goto oom;
	if (!has_text(&w)) {
		/* a mail that is only pictures says what they show */
		buf_free(&w.out);
		if (!render(&w, doc, true))
			goto oom;
	}
	xmlFreeDoc(doc);
	return w.out.s;

oom:
	xmlFreeDoc(doc);
	return NULL;
}
