/*
 * test_mime.c - mime_extract() on one message of each kind the fuzz corpus
 * seeds (part choice, HTML, charsets, damage), each fed with LF and with
 * CRLF line ends; plus the selftest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/mime.h"

struct mime_case {
	const char	*name;
	const char	*raw;		/* LF line ends; run also as CRLF */
	const char	*subject;	/* expected; NULL: none */
	const char	*body;
	const char	*from;
	const char	*from_name;
};

/* a winmail.dat holding only attBody (windows-1252), base64 */
#define TNEF_B64 \
	"eJ8+IgEAAQyAAgAjAAAAQmVzcHJlY2h1bmcgdW0gMTAgVWhyIGluIFJhdW0gMiCA\n" \
	"IDU7Cw==\n"
#define TNEF_TEXT "Besprechung um 10 Uhr in Raum 2 \xe2\x82\xac 5"

static const struct mime_case cases[] = {
	{ "plain",
	  "From: Alice Example <alice@example.org>\n"
	  "To: +4917012345678@sms.example.com\n"
	  "Subject: Server down\n"
	  "\n"
	  "The web server stopped answering at 20:00.\n"
	  "Please check.\n",
	  "Server down",
	  "The web server stopped answering at 20:00.\nPlease check.\n",
	  "alice@example.org", "Alice Example" },
	{ "quoted-printable windows-1252, soft break",
	  "From: bob@example.org\n"
	  "Subject: Rechnung\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=windows-1252\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "Betrag: 12,50 =80 =93f=E4llig=94 am Montag, sehr lange Zeile =\n"
	  "fortgesetzt.\n",
	  "Rechnung",
	  "Betrag: 12,50 \xe2\x82\xac \xe2\x80\x9c" "f\xc3\xa4llig\xe2\x80\x9d"
	  " am Montag, sehr lange Zeile fortgesetzt.\n",
	  "bob@example.org", NULL },
	{ "base64 UTF-8 with encoded subject and name",
	  "From: =?UTF-8?B?SsO8cmdlbg==?= <j@example.org>\n"
	  "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n"
	  "Content-Type: text/plain; charset=\"UTF-8\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "R3LDvMOfZSBhdXMgS8O2bG4g4oCUIOKCrCAxMAo=\n",
	  "Gr\xc3\xbc\xc3\x9f" "e",
	  "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln "
	  "\xe2\x80\x94 \xe2\x82\xac 10\n",
	  "j@example.org", "J\xc3\xbcrgen" },
	{ "multipart/alternative picks text/plain",
	  "From: \"Carol C.\" <carol@example.org>\n"
	  "Subject: Meeting\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=\"alt-1\"\n"
	  "\n"
	  "preamble\n"
	  "--alt-1\n"
	  "Content-Type: text/html; charset=us-ascii\n"
	  "\n"
	  "<p>Meeting moved to <b>3pm</b>.</p>\n"
	  "--alt-1\n"
	  "Content-Type: text/plain; charset=us-ascii\n"
	  "\n"
	  "Meeting moved to 3pm.\n"
	  "--alt-1--\n",
	  "Meeting", "Meeting moved to 3pm.",
	  "carol@example.org", "Carol C." },
	{ "nested mixed: text attachment and PDF are skipped",
	  "From: dave@example.org\n"
	  "Subject: Report attached\n"
	  "Content-Type: multipart/mixed; boundary=\"mix\"\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: text/plain; name=\"notes.txt\"\n"
	  "Content-Disposition: attachment; filename=\"notes.txt\"\n"
	  "\n"
	  "not the body\n"
	  "--mix\n"
	  "Content-Type: multipart/alternative; boundary=\"alt\"\n"
	  "\n"
	  "--alt\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "See the report.\n"
	  "--alt--\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: application/pdf; name=\"report.pdf\"\n"
	  "Content-Disposition: attachment; filename=\"report.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "JVBERi0xLjQK\n"
	  "--mix--\n",
	  "Report attached", "See the report.", "dave@example.org", NULL },
	{ "message/rfc822 after a note: the note is the first text",
	  "From: eve@example.org\n"
	  "Subject: Fwd: Alarm\n"
	  "Content-Type: multipart/mixed; boundary=\"outer\"\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Forwarding.</p>\n"
	  "--outer\n"
	  "Content-Type: message/rfc822\n"
	  "\n"
	  "From: monitor@example.net\n"
	  "Subject: Alarm\n"
	  "Content-Type: text/plain; charset=iso-8859-1\n"
	  "\n"
	  "Disk /var voll (98 \xb0" "C).\n"
	  "--outer--\n",
	  "Fwd: Alarm", "Forwarding.", "eve@example.org", NULL },
	{ "RFC 2047: mixed charsets, adjacent words, folding",
	  "From: =?ISO-8859-1?Q?Fran=E7ois?= \"de la Tour\" <f@example.org>\n"
	  "Subject: =?iso-8859-1?q?Caf=E9?= =?utf-8?q?_und_?=\n"
	  " =?UTF-8?B?8J+Ygg==?= done\n"
	  "\n"
	  "ok\n",
	  "Caf\xc3\xa9 und \xf0\x9f\x98\x82 done", "ok\n",
	  "f@example.org", "Fran\xc3\xa7ois de la Tour" },
	{ "broken boundary: stray delimiter, no close delimiter",
	  "From: frank@example.org\n"
	  "Subject: broken\n"
	  "Content-Type: multipart/mixed; boundary=\"right\"\n"
	  "\n"
	  "--wrong\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<p>ignored</p>\n"
	  "--right\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "first part, never closed\n",
	  "broken", "first part, never closed", "frank@example.org", NULL },
	{ "cut off after a delimiter: the parts before it still count",
	  "From: frank@example.org\n"
	  "Subject: cut\n"
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "Tor 5 offen\n"
	  "--b\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Tor 5 offen</p>\n"
	  "--b \n",
	  "cut", "Tor 5 offen", "frank@example.org", NULL },
	{ "nested, the inner multipart cut off after a delimiter",
	  "From: frank@example.org\n"
	  "Subject: nested\n"
	  "Content-Type: multipart/mixed; boundary=\"out\"\n"
	  "\n"
	  "--out\n"
	  "Content-Type: multipart/alternative; boundary=\"in\"\n"
	  "\n"
	  "--in\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Halle 2 r\xc3\xa4umen</p>\n"
	  "--in\n"
	  "\n"
	  "--out--\n",
	  "nested", "Halle 2 r\xc3\xa4umen", "frank@example.org", NULL },
	{ "truncated base64 with junk characters",
	  "From: grace@example.org\n"
	  "Subject: truncated\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "SGVsbG8gV29y!!bGQ\n",
	  "truncated", "Hello World", "grace@example.org", NULL },
	{ "no charset, 8-bit windows-1252 body and subject",
	  "From: heidi@example.org\n"
	  "Subject: Gr\xfc\xdf" "e\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "Sch\xf6ne Gr\xfc\xdf" "e \x96 bis bald.\n",
	  "Gr\xc3\xbc\xc3\x9f" "e",
	  "Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x93 bis bald.\n",
	  "heidi@example.org", NULL },
	{ "no charset, valid UTF-8 stays UTF-8",
	  "From: ivan@example.org\n"
	  "Subject: Stra\xc3\x9f" "e\n"
	  "\n"
	  "Stra\xc3\x9f" "e gesperrt \xe2\x80\x93 Umleitung.\n",
	  "Stra\xc3\x9f" "e",
	  "Stra\xc3\x9f" "e gesperrt \xe2\x80\x93 Umleitung.\n",
	  "ivan@example.org", NULL },
	{ "HTML only",
	  "From: judy@example.org\n"
	  "Subject: Newsletter\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Hello</p>\n",
	  "Newsletter", "Hello", "judy@example.org", NULL },
	{ "invalid UTF-8 and NUL become U+FFFD",
	  "From: mallory@example.org\n"
	  "Subject: bad bytes\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "A=FFB=C3C=00D=ED=A0=80E\n",
	  "bad bytes",
	  "A\xef\xbf\xbd" "B\xef\xbf\xbd" "C\xef\xbf\xbd" "D"
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "E\n",
	  "mallory@example.org", NULL },
	{ "unknown charset label falls back to the guess",
	  "Subject: x\n"
	  "Content-Type: text/plain; charset=x-no-such-charset\n"
	  "\n"
	  "caf\xe9\n",
	  "x", "caf\xc3\xa9\n", NULL, NULL },
	{ "ISO-8859-1 body label read as windows-1252",
	  "Subject: =?iso-8859-1?q?Gr=FC=DFe?=\n"
	  "Content-Type: text/plain; charset=ISO-8859-1\n"
	  "\n"
	  "\x93quoted\x94\n",
	  "Gr\xc3\xbc\xc3\x9f" "e", "\xe2\x80\x9cquoted\xe2\x80\x9d\n",
	  NULL, NULL },
	{ "alternative: placeholder plain part, the HTML is read",
	  "Subject: Pump\n"
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain; charset=us-ascii\n"
	  "\n"
	  "  This is an HTML message!  \n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "<html><head><style>p{color:red}</style></head><body>\n"
	  "<p>Pump&nbsp;3 <b>failed</b> at 04:12 =E2=80=93 see</p><p>log</p>\n"
	  "</body></html>\n"
	  "--b--\n",
	  "Pump", "Pump 3 failed at 04:12 \xe2\x80\x93 see\n\nlog",
	  NULL, NULL },
	{ "alternative: placeholder of another wording",
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "To view this message, please use an HTML-capable email client.\n"
	  "--b\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<div>Delivery today</div>\n"
	  "--b--\n",
	  NULL, "Delivery today", NULL, NULL },
	{ "alternative: empty plain part, the HTML is read",
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  " \n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>Stock low: <i>M6 screws</i></p>\n"
	  "--b--\n",
	  NULL, "Stock low: M6 screws", NULL, NULL },
	{ "alternative: a real plain part beats the HTML",
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "This is an HTML message, says the ERP, and more.\n"
	  "--b\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<p>other</p>\n"
	  "--b--\n",
	  NULL, "This is an HTML message, says the ERP, and more.",
	  NULL, NULL },
	{ "multipart/related inside alternative",
	  "Subject: Invoice\n"
	  "Content-Type: multipart/alternative; boundary=\"alt\"\n"
	  "\n"
	  "--alt\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "\n"
	  "--alt\n"
	  "Content-Type: multipart/related; boundary=\"rel\"\n"
	  "\n"
	  "--rel\n"
	  "Content-Type: text/html; charset=\"windows-1252\"\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "<p class=3DMsoNormal>Invoice 4711: 12,50 =80<o:p></o:p></p>\n"
	  "<p class=3DMsoNormal><img src=3D\"cid:logo\" alt=3D\"Logo\"></p>\n"
	  "--rel\n"
	  "Content-Type: image/png\n"
	  "Content-ID: <logo>\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "iVBORw0KGgo=\n"
	  "--rel--\n"
	  "--alt--\n",
	  "Invoice", "Invoice 4711: 12,50 \xe2\x82\xac", NULL, NULL },
	{ "mixed: HTML first, then attachments",
	  "Content-Type: multipart/mixed; boundary=\"mix\"\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<ul><li>Gate A</li><li>Gate B</li></ul>\n"
	  "--mix\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Disposition: attachment; filename=\"log.txt\"\n"
	  "\n"
	  "attached log\n"
	  "--mix\n"
	  "Content-Type: application/pdf\n"
	  "Content-Disposition: attachment; filename=\"a.pdf\"\n"
	  "\n"
	  "%PDF-1.4\n"
	  "--mix--\n",
	  NULL, "- Gate A\n- Gate B", NULL, NULL },
	{ "mixed: blank first text part, then the real one",
	  "Content-Type: multipart/mixed; boundary=\"mix\"\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "\n"
	  "--mix\n"
	  "Content-Type: image/gif\n"
	  "\n"
	  "GIF89a\n"
	  "--mix\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "second\n"
	  "--mix--\n",
	  NULL, "second", NULL, NULL },
	{ "forwarded message/rfc822 without a note: its text, outer subject",
	  "From: eve@example.org\n"
	  "Subject: Fwd: Alarm\n"
	  "Content-Type: multipart/mixed; boundary=\"outer\"\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: message/rfc822\n"
	  "Content-Disposition: attachment; filename=\"alarm.eml\"\n"
	  "\n"
	  "From: monitor@example.net\n"
	  "Subject: Alarm\n"
	  "Content-Type: multipart/alternative; boundary=\"inner\"\n"
	  "\n"
	  "--inner\n"
	  "Content-Type: text/html; charset=iso-8859-1\n"
	  "\n"
	  "<p>Disk /var voll (98 \xb0" "C).</p>\n"
	  "--inner--\n"
	  "--outer--\n",
	  "Fwd: Alarm", "Disk /var voll (98 \xc2\xb0" "C).",
	  "eve@example.org", NULL },
	{ "top-level message/rfc822",
	  "Subject: outer\n"
	  "Content-Type: message/rfc822\n"
	  "\n"
	  "Subject: inner\n"
	  "\n"
	  "inner text\n",
	  "outer", "inner text\n", NULL, NULL },
	{ "HTML without a MIME charset: its <meta> charset counts",
	  "Content-Type: text/html\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "<html><head><meta http-equiv=\"Content-Type\" "
	  "content=\"text/html; charset=windows-1252\"></head>"
	  "<body>Caf\xe9 \x80 5</body></html>\n",
	  NULL, "Caf\xc3\xa9 \xe2\x82\xac 5", NULL, NULL },
	{ "HTML: the MIME charset beats a wrong <meta>",
	  "Content-Type: text/html; charset=utf-8\n"
	  "\n"
	  "<meta charset=\"iso-8859-1\"><p>Gr\xc3\xbc\xc3\x9f" "e</p>\n",
	  NULL, "Gr\xc3\xbc\xc3\x9f" "e", NULL, NULL },
	{ "RFC 2231: charset*= with charset'language' prefix",
	  "Content-Type: text/plain; charset*=us-ascii'en'iso-8859-15\n"
	  "\n"
	  "\xa4 5\n",
	  NULL, "\xe2\x82\xac 5\n", NULL, NULL },
	{ "RFC 2231: charset in continuations",
	  "Content-Type: text/plain; charset*0=\"iso-8859-\";\n"
	  " charset*1*=1%35\n"
	  "\n"
	  "\xa4 \xbd\n",
	  NULL, "\xe2\x82\xac \xc5\x93\n", NULL, NULL },
	{ "HTML alternative truncated: no closing boundary, cut base64",
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/html; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "PHA+U2Vuc29yIDQgb2ZmbGluZTwvcD48cD5z\n",
	  NULL, "Sensor 4 offline\n\ns", NULL, NULL },
	{ "attachment-only message: no body",
	  "Content-Type: multipart/mixed; boundary=\"m\"\n"
	  "\n"
	  "--m\n"
	  "Content-Type: application/zip\n"
	  "Content-Disposition: attachment; filename*=UTF-8''a%20b.zip\n"
	  "\n"
	  "PK\n"
	  "--m--\n",
	  NULL, NULL, NULL, NULL },
	{ "alternative: two placeholders in a row",
	  "Content-Type: multipart/alternative; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "This is an HTML message. Your email client does not support HTML\n"
	  "messages!\n"
	  "--b\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<p>Gate 4 open</p>\n"
	  "--b--\n",
	  NULL, "Gate 4 open", NULL, NULL },
	{ "TNEF: winmail.dat speaks when the text part is blank",
	  "Subject: Termin\n"
	  "Content-Type: multipart/mixed; boundary=\"t\"\n"
	  "\n"
	  "--t\n"
	  "Content-Type: text/plain; charset=us-ascii\n"
	  "\n"
	  "\n"
	  "--t\n"
	  "Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
	  "Content-Disposition: attachment; filename=\"winmail.dat\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  TNEF_B64
	  "--t--\n",
	  "Termin", TNEF_TEXT, NULL, NULL },
	{ "TNEF: ordinary text first wins over winmail.dat",
	  "Content-Type: multipart/mixed; boundary=\"t\"\n"
	  "\n"
	  "--t\n"
	  "Content-Type: application/ms-tnef\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  TNEF_B64
	  "--t\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "plain wins\n"
	  "--t--\n",
	  NULL, "plain wins", NULL, NULL },
	{ "TNEF: octet-stream found by its RFC 2231 name",
	  "Content-Type: multipart/mixed; boundary=\"t\"\n"
	  "\n"
	  "--t\n"
	  "Content-Type: application/octet-stream\n"
	  "Content-Disposition: attachment; filename*0*=utf-8''winmail;\n"
	  " filename*1=\".dat\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  TNEF_B64
	  "--t--\n",
	  NULL, TNEF_TEXT, NULL, NULL },
	{ "TNEF: the whole message",
	  "Content-Type: application/vnd.ms-tnef\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  TNEF_B64,
	  NULL, TNEF_TEXT, NULL, NULL },
	{ "TNEF: a broken stream gives no text",
	  "Content-Type: multipart/mixed; boundary=\"t\"\n"
	  "\n"
	  "--t\n"
	  "Content-Type: application/ms-tnef\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "eJ8+IgEAAQyAAgAjAAAAQmVzcHJl\n"
	  "--t--\n",
	  NULL, NULL, NULL, NULL },
	{ "empty message",
	  "", NULL, "", NULL, NULL },
	{ "ISO-2022-JP label on Shift_JIS subject and body",
	  "From: jp@example.org\n"
	  "Subject: =?ISO-2022-JP?B?ie+LY466?=\n"
	  "Content-Type: text/plain; charset=ISO-2022-JP\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "\x96\xbe\x93\xfa" "10\x8e\x9e\n",
	  "\xe4\xbc\x9a\xe8\xad\xb0\xe5\xae\xa4",
	  "\xe6\x98\x8e\xe6\x97\xa5" "10\xe6\x99\x82\n",
	  "jp@example.org", NULL },
	{ "ISO-8859-1 encoded word holding a Windows en dash",
	  "Subject: =?ISO-8859-1?Q?Tor_5_=96_offen?=\n"
	  "\n"
	  "ok\n",
	  "Tor 5 \xe2\x80\x93 offen", "ok\n", NULL, NULL },
	{ "US-ASCII encoded word holding Latin-1 bytes",
	  "From: =?us-ascii?Q?J=FCrgen?= <j@example.org>\n"
	  "Subject: =?us-ascii?Q?Gr=FC=DFe?=\n"
	  "\n"
	  "ok\n",
	  "Gr\xc3\xbc\xc3\x9f" "e", "ok\n", "j@example.org",
	  "J\xc3\xbcrgen" },
	{ "mbox: the From_ line goes, >From lines lose one >",
	  "From bob@example.org Mon Nov 23 14:02:11 2026\n"
	  "From: Bob <bob@example.org>\n"
	  "Subject: Rampe 4\n"
	  "\n"
	  "Paletten stehen bereit.\n"
	  ">From Montag an Rampe 4.\n"
	  ">>From the quote\n"
	  "> From stays quoted\n",
	  "Rampe 4",
	  "Paletten stehen bereit.\nFrom Montag an Rampe 4.\n"
	  ">From the quote\n> From stays quoted\n",
	  "bob@example.org", "Bob" },
	{ "mbox: Thunderbird's From - line before a MIME message",
	  "From - Mon Nov 23 14:02:11 2026\n"
	  "X-Mozilla-Status: 0001\n"
	  "From: ann@example.org\n"
	  "Subject: Tor 5\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "Tor 5 schlie=C3=9Ft um 18 Uhr.\n",
	  "Tor 5", "Tor 5 schlie\xc3\x9ft um 18 Uhr.\n", "ann@example.org",
	  NULL },
	{ "no From_ line: >From is text, a From : header is a header",
	  "From : carl@example.org\n"
	  "Subject: Hinweis\n"
	  "\n"
	  ">From the log\n",
	  "Hinweis", ">From the log\n", "carl@example.org", NULL },
};

/* to_crlf - the same text with every LF preceded by CR */
static char *
to_crlf(const char *s)
{
	char	*out, *o;

	out = malloc(strlen(s) * 2 + 1);
	assert_non_null(out);
	for (o = out; *s != '\0'; s++) {
		if (*s == '\n')
			*o++ = '\r';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* check_field - equal strings, or both NULL */
static void
check_field(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* check_case - extract raw and compare every field */
static void
check_case(const struct mime_case *c, const char *raw)
{
	struct mime_text	 t;

	print_message("# case: %s\n", c->name);
	assert_int_equal(mime_extract(raw, strlen(raw), &t), 0);
	check_field(t.subject, c->subject);
	check_field(t.body, c->body);
	check_field(t.from, c->from);
	check_field(t.from_name, c->from_name);
	mime_text_free(&t);
	assert_null(t.body);
}

/* test_cases_lf - every case with bare LF line ends */
static void
test_cases_lf(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i], cases[i].raw);
}

/* test_cases_crlf - every case as it arrives over SMTP */
static void
test_cases_crlf(void **state)
{
	size_t	 i;
	char	*raw;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw = to_crlf(cases[i].raw);
		check_case(&cases[i], raw);
		free(raw);
	}
}

/*
 * test_not_terminated - the length is the bound: a buffer with no NUL,
 * cut in the middle of a word, yields only the bytes before the cut.
 */
static void
test_not_terminated(void **state)
{
	static const char	 msg[] =
	    "Subject: s\r\n\r\nkeep this, not that";
	struct mime_text	 t;
	size_t			 n = strlen("Subject: s\r\n\r\nkeep this");
	char			*raw;

	(void)state;
	/* exactly n bytes on the heap: ASan catches any read past them */
	raw = malloc(n);
	assert_non_null(raw);
	memcpy(raw, msg, n);
	assert_int_equal(mime_extract(raw, n, &t), 0);
	assert_string_equal(t.subject, "s");
	assert_string_equal(t.body, "keep this");
	mime_text_free(&t);
	free(raw);
}

/* test_crlf_in_body_normalised - no CR survives, lone CR is a line break */
static void
test_crlf_in_body_normalised(void **state)
{
	static const char	 raw[] =
	    "Subject: a\r\n b\r\n\r\none\r\ntwo\rthree";
	struct mime_text	 t;

	(void)state;
	assert_int_equal(mime_extract(raw, sizeof(raw) - 1, &t), 0);
	assert_string_equal(t.subject, "a b");
	assert_string_equal(t.body, "one\ntwo\nthree");
	mime_text_free(&t);
}

/* test_selftest - iconv has windows-1252 on the build machine */
static void
test_selftest(void **state)
{
	(void)state;
	assert_int_equal(mime_selftest(), 0);
}

struct originators_case {
	const char	*raw;
	unsigned	 nfrom;
	int		 unreadable;
	const char	*addrs;		/* "From a@b Sender c@d", space-joined */
};

static const struct originators_case originators_cases[] = {
	{ "From: a@x.example\r\n\r\nbody", 1, 0, "From a@x.example" },
	{ "From: A <a@x.example>, \"B, b\" <b@y.example>\r\n\r\n", 1, 0,
	  "From a@x.example From b@y.example" },
	{ "From: a@x.example\r\nfrom: b@y.example\r\n\r\n", 2, 0,
	  "From a@x.example From b@y.example" },
	{ "Sender: s@x.example\r\nFrom: a@x.example\r\n\r\n", 1, 0,
	  "Sender s@x.example From a@x.example" },
	{ "Subject: none\r\n\r\nFrom: a@x.example\r\n", 0, 0, "" },
	{ "From: staff: a@x.example;\r\n\r\n", 1, 1, "" },
	{ "From: a@x.example\r\n b@y.example\r\n\r\n", 1, 1, "" },
	{ "From: a@x.example\r\nSender: a@x.example, b@y.example\r\n\r\n",
	  1, 1, "From a@x.example" },
	{ "From:\r\n\r\n", 1, 1, "" },
	{ "From: a@x.example\nFrom: b@y.example\n\nbody\n", 2, 0,
	  "From a@x.example From b@y.example" },
};

/* test_originators - every From: and Sender: mailbox, and what is odd */
static void
test_originators(void **state)
{
	struct mime_originators o;
	char	 joined[256];
	size_t	 i, j, n;

	(void)state;
	for (i = 0; i < sizeof(originators_cases) /
	    sizeof(originators_cases[0]); i++) {
		const struct originators_case *t = &originators_cases[i];

		assert_int_equal(mime_originators(t->raw, strlen(t->raw), &o),
		    0);
		joined[0] = '\0';
		for (j = 0, n = 0; j < o.n; j++)
			n += (size_t)snprintf(joined + n, sizeof(joined) - n,
			    "%s%s %s", j ? " " : "", o.v[j].header, o.v[j].addr);
		if (o.nfrom != t->nfrom || o.unreadable != t->unreadable ||
		    strcmp(joined, t->addrs) != 0)
			fail_msg("row %zu: nfrom %u unreadable %d \"%s\"", i,
			    o.nfrom, o.unreadable, joined);
		mime_originators_free(&o);
	}
}

/* test_originators_bounded - the header is read within len, unterminated */
static void
test_originators_bounded(void **state)
{
	static const char	 raw[] =
	    "From: a@x.example, b@y.example\r\nFrom: c@z.example\r\n";
	struct mime_originators	 o;
	char			*copy;

	(void)state;
	/* exactly sized heap copy without NUL: ASan catches an overread */
	copy = malloc(sizeof(raw) - 1);
	assert_non_null(copy);
	memcpy(copy, raw, sizeof(raw) - 1);
	assert_int_equal(mime_originators(copy, sizeof(raw) - 1, &o), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.nfrom, 2);
	mime_originators_free(&o);
	assert_int_equal(mime_originators(copy, strchr(raw, '\n') - raw + 1,
	    &o), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.nfrom, 1);
	mime_originators_free(&o);
	assert_int_equal(mime_originators(copy, 0, &o), 0);
	assert_int_equal(o.n, 0);
	assert_int_equal(o.nfrom, 0);
	free(copy);
}

/* main - run the group, TAP when CMOCKA_MESSAGE_OUTPUT=TAP */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_lf),
		cmocka_unit_test(test_cases_crlf),
		cmocka_unit_test(test_not_terminated),
		cmocka_unit_test(test_crlf_in_body_normalised),
		cmocka_unit_test(test_selftest),
		cmocka_unit_test(test_originators),
		cmocka_unit_test(test_originators_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
