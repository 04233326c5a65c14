/*
 * test_html.c - html_to_text() on the HTML mail is made of: Outlook and Word
 * output, newsletters, lists, tables, links, entities and broken markup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/html.h"

struct html_case {
	const char	*name;
	const char	*html;
	const char	*text;		/* expected */
};

static const struct html_case cases[] = {
	{ "paragraphs and inline markup",
	  "<p>Hello <b>World</b>,</p><p>the <i>backup</i>\n   finished.</p>",
	  "Hello World,\n\nthe backup finished." },
	{ "white space collapsed across text and tags",
	  "  <div>\n\tone   <span> two </span>\n three\n</div>  ",
	  "one two three" },
	{ "br is a line break, two make a blank line",
	  "a<br>b<br/><br>c<br>",
	  "a\nb\n\nc" },
	{ "divs start and end lines",
	  "<div>first</div><div>second <div>inner</div> after</div>",
	  "first\nsecond\ninner\nafter" },
	{ "head, title, style, script, noscript, template dropped",
	  "<html><head><title>Title</title><style>p { color: red }</style>"
	  "<script>var x = '<p>no</p>';</script></head><body>"
	  "<noscript>enable JS</noscript><template><p>tpl</p></template>"
	  "<p>Visible</p><script>alert(1)</script></body></html>",
	  "Visible" },
	{ "comments and Word conditional comments dropped",
	  "<!-- a comment --><p>A</p><!--[if gte mso 9]><xml><o:shapedefaults/>"
	  "</xml><![endif]--><!--[if mso]><p>mso only</p><![endif]-->"
	  "<!--[if !mso]><!--><p>B</p><!--<![endif]-->",
	  "A\n\nB" },
	{ "Outlook: MsoNormal lines, o:p, nbsp paragraph as blank line",
	  "<div class=WordSection1><p class=MsoNormal>Hi Bob,<o:p></o:p></p>"
	  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	  "<p class=MsoNormal>the pump in hall 3<o:p></o:p></p>"
	  "<p class=MsoNormal>is down.<o:p></o:p></p>"
	  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	  "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	  "<p class=MsoNormal>Regards<o:p></o:p></p></div>",
	  "Hi Bob,\n\nthe pump in hall 3\nis down.\n\nRegards" },
	{ "Word list paragraphs with downlevel-revealed markers",
	  "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;"
	  "mso-list:l0 level1 lfo1'><![if !supportLists]><span "
	  "style='font-family:Symbol'><span style='mso-list:Ignore'>&middot;"
	  "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; "
	  "</span></span></span><![endif]>Check valves<o:p></o:p></p>"
	  "<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'>"
	  "<![if !supportLists]><span style='mso-list:Ignore'>2.<span>&nbsp; "
	  "</span></span><![endif]>Restart<o:p></o:p></p>",
	  "- Check valves\n2. Restart" },
	{ "Outlook hidden preheader and mso-hide",
	  "<div style=\"display: none; max-height:0; overflow:hidden\">"
	  "Preview text here</div><span style='mso-hide:all'>x</span>"
	  "<div style=\"DISPLAY:NONE !important\">y</div>"
	  "<p hidden>z</p><p>Real content</p>",
	  "Real content" },
	{ "display:none only as a whole property value",
	  "<p style=\"display:none-ish; color:red\">shown</p>"
	  "<p style=\"x-display:none\">also</p>",
	  "shown\n\nalso" },
	{ "unordered list",
	  "<p>Bring:</p><ul><li>helmet</li><li>gloves</li></ul><p>Thanks</p>",
	  "Bring:\n\n- helmet\n- gloves\n\nThanks" },
	{ "ordered list with start",
	  "<ol><li>one</li><li>two</li></ol>"
	  "<ol start=\"7\"><li>seven</li></ol>",
	  "1. one\n2. two\n7. seven" },
	{ "nested lists indent",
	  "<ul><li>fruit<ul><li>apple</li><li>pear</li></ul></li>"
	  "<li>veg<ol><li>leek</li></ol></li></ul>",
	  "- fruit\n  - apple\n  - pear\n- veg\n  1. leek" },
	{ "table rows are lines, cells joined by \" | \"",
	  "<table><tr><th>Item</th><th>Qty</th></tr>"
	  "<tr><td>Screw M6</td><td>100</td></tr>"
	  "<tr><td></td><td>&nbsp;</td><td>total</td></tr></table>",
	  "Item | Qty\nScrew M6 | 100\ntotal" },
	{ "Outlook table: paragraphs in cells stay on the row's line",
	  "<p>Stock:</p><table class=MsoNormalTable><tr><td><p class=MsoNormal>"
	  "Item<o:p></o:p></p></td><td><p class=MsoNormal>Qty<o:p></o:p></p>"
	  "</td></tr><tr><td><p class=MsoNormal>Nut<o:p></o:p></p></td><td>"
	  "<p class=MsoNormal>5<o:p></o:p></p></td></tr></table><p>End</p>",
	  "Stock:\n\nItem | Qty\nNut | 5\n\nEnd" },
	{ "cell of two paragraphs",
	  "<table><tr><td><p>a</p><p>b</p></td><td><p>c</p></td></tr>"
	  "<tr><td></td><td><div>d</div></td></tr></table>",
	  "a\n\nb | c\nd" },
	{ "links: text and URL, URL once, mailto and tel",
	  "<p><a href=\"https://example.com/t?a=1&amp;b=2\">Track order</a> "
	  "<a href=\"https://www.example.com/\">www.example.com</a> "
	  "<a href=\"mailto:ops@example.com?subject=Hi\">Mail ops</a> "
	  "<a href=\"mailto:ops@example.com\">ops@example.com</a> "
	  "<a href=\"tel:+4930123\">Call</a> <a href=\"#top\">Top</a> "
	  "<a href=\"javascript:void(0)\">js</a> <a href=\"/rel\">rel</a></p>",
	  "Track order (https://example.com/t?a=1&b=2) www.example.com "
	  "Mail ops (ops@example.com) ops@example.com Call (+4930123) Top js "
	  "rel" },
	{ "image links: no text, no URL; alt text ignored when text exists",
	  "<a href=\"https://x.example/\"><img src=\"logo.png\"></a>"
	  "<p>Order shipped</p><img src=\"a.png\" alt=\"Facebook\">",
	  "Order shipped" },
	{ "alt text when the mail is only images",
	  "<table><tr><td><img src=\"a.png\" alt=\"Server   down\"></td></tr>"
	  "</table><img alt=\"\" src=\"spacer.gif\">",
	  "Server down" },
	{ "entities",
	  "<p>a&nbsp;&nbsp;b &amp; c &euro;5 it&#8217;s &lt;ok&gt; "
	  "&quot;q&quot;"
	  " &#x1F600; &uuml;</p>",
	  "a  b & c \xe2\x82\xac" "5 it\xe2\x80\x99s <ok> \"q\" "
	  "\xf0\x9f\x98\x80 \xc3\xbc" },
	{ "pre keeps spaces and lines",
	  "<p>Log:</p><pre>\nline 1\n  indented   x\n</pre><p>end</p>",
	  "Log:\n\nline 1\n  indented   x\n\nend" },
	{ "headings and hr are paragraphs",
	  "<h1>Alert</h1>Disk full<hr>Host db1",
	  "Alert\n\nDisk full\n\nHost db1" },
	{ "cited blockquote lines are quoted",
	  "<p>Done.</p><div class=\"gmail_quote\">On Mon, Bob wrote:<br>"
	  "<blockquote class=\"gmail_quote\"><p>Is it done?</p><p>Bob</p>"
	  "</blockquote></div>",
	  "Done.\n\nOn Mon, Bob wrote:\n\n> Is it done?\n> Bob" },
	{ "plain blockquote only indents",
	  "<blockquote style=\"margin:0 0 0 40px\">indented</blockquote>",
	  "indented" },
	{ "malformed: unclosed tags, stray end tags, bad nesting",
	  "<p>unclosed <b>bold <i>both</p></i>tail</b><div>x</span>y"
	  "<li>stray item<td>stray cell",
	  "unclosed bold both\n\ntail\nxy\n- stray item | stray cell" },
	{ "meta charset cannot re-decode the UTF-8 given",
	  "<html><head><meta charset=\"iso-8859-1\"></head>"
	  "<body>Gr\xc3\xbc\xc3\x9f" "e</body></html>",
	  "Gr\xc3\xbc\xc3\x9f" "e" },
	{ "nothing visible",
	  "<html><head><title>x</title></head><body> <br> &#32; </body>"
	  "</html>",
	  "" },
	{ "empty input", "", "" },
};

/* run_case - convert and compare, reading exactly len bytes */
static void
run_case(const struct html_case *c)
{
	size_t	 len = strlen(c->html);
	char	*in, *out;

	print_message("# case: %s\n", c->name);
	/* no NUL after the input: ASan catches any read past len */
	in = malloc(len ? len : 1);
	assert_non_null(in);
	memcpy(in, c->html, len);
	out = html_to_text(in, len);
	free(in);
	assert_non_null(out);
	assert_string_equal(out, c->text);
	free(out);
}

/* test_cases - the table */
static void
test_cases(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/*
 * test_deep_nesting - a hundred thousand open elements: the walk does not
 * recurse, and libxml2 gives up on depth quietly rather than crash.
 */
static void
test_deep_nesting(void **state)
{
	static const char	 open[] = "<div><span>";
	const size_t		 depth = 100000;
	size_t			 i, len = depth * (sizeof(open) - 1);
	char			*in, *out;

	(void)state;
	in = malloc(len + 2);
	assert_non_null(in);
	for (i = 0; i < depth; i++)
		memcpy(in + i * (sizeof(open) - 1), open, sizeof(open) - 1);
	memcpy(in + len, "x", 2);
	out = html_to_text(in, len + 1);
	assert_non_null(out);
	free(out);
	free(in);
}

/* test_nul_bytes - a NUL inside the input does not end it early */
static void
test_nul_bytes(void **state)
{
	static const char	 in[] = "<p>a</p>\0<p>b</p>";
	char			*out;

	(void)state;
	out = html_to_text(in, sizeof(in) - 1);
	assert_non_null(out);
	assert_non_null(strstr(out, "a"));
	free(out);
}

/* main - run the group, TAP when CMOCKA_MESSAGE_OUTPUT=TAP */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_nul_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
