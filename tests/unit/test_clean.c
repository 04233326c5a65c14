/*
 * test_clean.c - clean_body over real replies from Outlook, Gmail, Apple Mail
 * and Thunderbird in four languages, attributions in others, plus
 * false-positive guards; subject_commands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/convert/clean.h"

#define SIG	0x01
#define QUO	0x02
#define MOB	0x04
#define DIS	0x08
#define ALL	(SIG | QUO | MOB | DIS)

struct want_cut {
	enum clean_cut	 what;
	size_t		 lines;
	const char	*first;
};

struct body_case {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	unsigned	 opts;
	const char	*out;
	size_t		 ncuts;
	struct want_cut	 cuts[3];
};

static char *const markers[] = {
	"CONFIDENTIALITY NOTICE",
	"Diese E-Mail enth\xc3\xa4lt vertrauliche",
	"AVISO DE CONFIDENCIALIDAD",
};

static const struct body_case body_cases[] = {
	/* normalisation, always done */
	{ "plain", "Pump 3 failed\n", 0, ALL, "Pump 3 failed", 0, { { 0 } } },
	{ "empty", "", 0, ALL, "", 0, { { 0 } } },
	{ "line ends", "Line one\r\nLine two\rLine three\r\n", 0, ALL,
	  "Line one\nLine two\nLine three", 0, { { 0 } } },
	{ "invisible", "Ma\xc2\xadschi\xe2\x80\x8bne\xef\xbb\xbf ok"
	  "\xe2\x81\xa0!", 0, ALL, "Maschine ok!", 0, { { 0 } } },
	/* joiners shape emoji and Persian or Indic words: gsm.c decides */
	{ "joiners stay", "a\xe2\x80\x8c" "b\xe2\x80\x8d" "c", 0, ALL,
	  "a\xe2\x80\x8c" "b\xe2\x80\x8d" "c", 0, { { 0 } } },
	{ "unicode spaces", "a\xc2\xa0\xc2\xa0" "b\tc\xe2\x80\x83" "d"
	  "\xe2\x80\xaf" "e\xe2\x81\x9f" "f g   h\xe2\x80\x8a  \n",
	  0, ALL, "a b c d e f g h", 0, { { 0 } } },
	/* CJK text is laid out with it: gsm.c decides */
	{ "ideographic space stays", "\xe6\x98\x8e\xe3\x80\x80\xe6\x97\xa5",
	  0, ALL, "\xe6\x98\x8e\xe3\x80\x80\xe6\x97\xa5", 0, { { 0 } } },
	{ "blank runs", "\n\n  \nfirst\n\n\n\nsecond\n \t\n\n", 0, ALL,
	  "first\n\nsecond", 0, { { 0 } } },
	{ "leading run kept as one space", "  Indented\n\tTabbed\n", 0, ALL,
	  " Indented\n Tabbed", 0, { { 0 } } },
	{ "NUL dropped", "a\0b", 3, ALL, "ab", 0, { { 0 } } },
	{ "len bounds the input", "Hello\nworld", 5, ALL, "Hello", 0,
	  { { 0 } } },
	{ "invalid UTF-8 passes", "Temp\xff\xfe ok\xc2\n\xe2\x80", 0, ALL,
	  "Temp\xff\xfe ok\xc2\n\xe2\x80", 0, { { 0 } } },

	/* signature */
	{ "signature", "Server down\n\n-- \nJohn Smith\nACME\n", 0, ALL,
	  "Server down", 1, { { CUT_SIGNATURE, 3, "--" } } },
	{ "signature without space, CRLF", "Call me\r\n--\r\nBob\r\n", 0, ALL,
	  "Call me", 1, { { CUT_SIGNATURE, 2, "--" } } },
	{ "signature with NBSP", "Hi\n--\xc2\xa0\nBob", 0, ALL, "Hi", 1,
	  { { CUT_SIGNATURE, 2, "--" } } },
	{ "dashes inside text stay", "Temp -- 40C\nvalue --\n---\n -- x\n", 0,
	  ALL, "Temp -- 40C\nvalue --\n---\n -- x", 0, { { 0 } } },
	{ "signature off", "Hi\n-- \nBob", 0, ALL & ~SIG, "Hi\n--\nBob", 0,
	  { { 0 } } },

	/* English */
	{ "Gmail top post",
	  "Yes, 3 pm works.\n\nOn Fri, May 20, 2016 at 5:42 PM, Bob Smith "
	  "<bob@example.com> wrote:\n\n> Can we meet?\n> Bob\n", 0, ALL,
	  "Yes, 3 pm works.", 1, { { CUT_QUOTE, 4, "On Fri, May 20, 2016 at "
	  "5:42 PM, Bob Smith <bob@example.com> wrote:" } } },
	{ "Gmail wrapped attribution",
	  "Confirmed.\n\nOn Fri, May 20, 2016 at 5:42 PM Robert Johnson-Smith "
	  "<robert@example.com>\nwrote:\n\n> Is the truck loaded?\n", 0, ALL,
	  "Confirmed.", 1, { { CUT_QUOTE, 4, "On Fri, May 20, 2016 at 5:42 PM "
	  "Robert Johnson-Smith <robert@example.com>" } } },
	{ "Gmail from HTML, no quote marks",
	  "Sure.\n\nOn Fri, May 20, 2016 at 5:42 PM, Bob <bob@x.com> wrote:\n"
	  "\nCan we meet at 3?\n\nBob\n", 0, ALL, "Sure.", 1,
	  { { CUT_QUOTE, 5, "On Fri, May 20, 2016 at 5:42 PM, Bob <bob@x.com> "
	  "wrote:" } } },
	{ "Apple Mail iPhone",
	  "Thanks!\n\nSent from my iPhone\n\n> On 20 May 2016, at 17:42, Bob "
	  "<bob@example.com> wrote:\n> \n> Truck arrives at 5.\n", 0, ALL,
	  "Thanks!", 2, { { CUT_MOBILE, 1, "Sent from my iPhone" },
	  { CUT_QUOTE, 3, "> On 20 May 2016, at 17:42, Bob <bob@example.com> "
	  "wrote:" } } },
	{ "Outlook Windows",
	  "Approved.\n\nBest regards\nAnna\n\n________________________________"
	  "\nFrom: Bob Smith <bob@example.com>\nSent: Friday, May 20, 2016 "
	  "5:42 PM\nTo: Anna <anna@example.com>\nSubject: Purchase order 4711"
	  "\n\nPlease approve PO 4711.\n", 0, ALL,
	  "Approved.\n\nBest regards\nAnna", 1,
	  { { CUT_QUOTE, 7, "________________________________" } } },
	{ "Outlook Original Message",
	  "Done.\r\n\r\n-----Original Message-----\r\nFrom: Bob\r\nSent: Friday, "
	  "May 20, 2016 5:42 PM\r\nTo: Anna\r\nSubject: Test\r\n\r\nText\r\n",
	  0, ALL, "Done.", 1,
	  { { CUT_QUOTE, 7, "-----Original Message-----" } } },
	{ "Outlook Web, HTML blank lines",
	  "Yes\n\n________________________________\n\nFrom: Bob <bob@x.com>\n\n"
	  "Sent: Monday, 23 May 2016 09:00\n\nTo: Anna\n\nSubject: Hello\n\n"
	  "Body\n", 0, ALL, "Yes", 1,
	  { { CUT_QUOTE, 11, "________________________________" } } },
	{ "Outlook for Mac",
	  "Fine\n\nFrom: Bob <bob@x.com>\nDate: Friday, 20 May 2016 at 17:42\n"
	  "To: Anna <anna@x.com>\nSubject: Re: test\n\nx\n", 0, ALL, "Fine",
	  1, { { CUT_QUOTE, 6, "From: Bob <bob@x.com>" } } },
	{ "Thunderbird forward",
	  "FYI see below\n\n-------- Forwarded Message --------\nSubject: Alarm"
	  "\nDate: Fri, 20 May 2016 17:42:00 +0200\nFrom: Monitor "
	  "<mon@example.com>\nTo: ops@example.com\n\nPump 3 failed\n", 0, ALL,
	  "FYI see below", 1,
	  { { CUT_QUOTE, 7, "-------- Forwarded Message --------" } } },
	{ "Apple Mail forward",
	  "See below\n\nBegin forwarded message:\n\nFrom: Bob <bob@x.com>\n"
	  "Subject: Alarm\nDate: 20 May 2016 at 17:42:00 CEST\nTo: ops@x.com"
	  "\n\nPump down\n", 0, ALL, "See below", 1,
	  { { CUT_QUOTE, 8, "Begin forwarded message:" } } },
	{ "bottom posting keeps own text",
	  "On Fri, 20 May 2016 17:42, Bob wrote:\n> Is pump 3 running?\n\n"
	  "Yes, since 9:00.\n\n> And pump 4?\n\nNo, it failed.\n", 0, ALL,
	  "Yes, since 9:00.\n\nNo, it failed.", 2,
	  { { CUT_QUOTE, 2, "On Fri, 20 May 2016 17:42, Bob wrote:" },
	  { CUT_QUOTE, 1, "> And pump 4?" } } },
	{ "nested quotes, blank lines bridged",
	  "Agreed.\n\n> > old text\n>\n> newer text\n\n>> deep\n", 0, ALL,
	  "Agreed.", 1, { { CUT_QUOTE, 5, "> > old text" } } },
	{ "mobile footer before an inline quote",
	  "Yes\nSent from my iPhone\n> Can you?\nSecond answer\n", 0, ALL,
	  "Yes\nSecond answer", 2,
	  { { CUT_MOBILE, 1, "Sent from my iPhone" },
	  { CUT_QUOTE, 1, "> Can you?" } } },

	/* German */
	{ "Outlook German",
	  "Erledigt.\n\nVon: Bernd M\xc3\xbcller <bernd@example.de>\nGesendet: "
	  "Freitag, 20. Mai 2016 17:42\nAn: Anna Schmidt <anna@example.de>\n"
	  "Cc: Lager <lager@example.de>\nBetreff: AW: Lieferung\n\nBitte "
	  "best\xc3\xa4tigen.\n", 0, ALL, "Erledigt.", 1,
	  { { CUT_QUOTE, 7, "Von: Bernd M\xc3\xbcller <bernd@example.de>" } } },
	{ "Urspruengliche Nachricht",
	  "Ok\n\n-----Urspr\xc3\xbcngliche Nachricht-----\nVon: X\nGesendet: "
	  "Montag\nAn: Y\nBetreff: Z\n", 0, ALL, "Ok", 1,
	  { { CUT_QUOTE, 5, "-----Urspr\xc3\xbcngliche Nachricht-----" } } },
	{ "Thunderbird German",
	  "Passt.\n\nAm 20.05.16 um 17:42 schrieb Bernd M\xc3\xbcller:\n> Geht "
	  "15 Uhr?\n", 0, ALL, "Passt.", 1,
	  { { CUT_QUOTE, 2, "Am 20.05.16 um 17:42 schrieb Bernd M\xc3\xbcller:" }
	  } },
	{ "Gmail German wrapped",
	  "Ja.\n\nAm Fr., 20. Mai 2016 um 17:42 Uhr schrieb Bernd M\xc3\xbcller "
	  "<\nbernd.mueller@example.de>:\n\n> Kommst du?\n", 0, ALL, "Ja.", 1,
	  { { CUT_QUOTE, 4, "Am Fr., 20. Mai 2016 um 17:42 Uhr schrieb Bernd "
	  "M\xc3\xbcller <" } } },
	{ "Apple Mail German",
	  "Danke\n\nVon meinem iPhone gesendet\n\n> Am 20.05.2016 um 17:42 "
	  "schrieb Bernd <bernd@example.de>:\n> \n> Paket ist da.\n", 0, ALL,
	  "Danke", 2, { { CUT_MOBILE, 1, "Von meinem iPhone gesendet" },
	  { CUT_QUOTE, 3, "> Am 20.05.2016 um 17:42 schrieb Bernd "
	  "<bernd@example.de>:" } } },
	{ "German prose with schrieb and no date stays",
	  "Info\nAm Montag schrieb ich dir:\nbitte Paket holen\n", 0, ALL,
	  "Info\nAm Montag schrieb ich dir:\nbitte Paket holen", 0, { { 0 } } },

	/* French */
	{ "Outlook French, NBSP before colons",
	  "C'est fait.\n\nDe\xc2\xa0: Jean Dupont <jean@example.fr>\nEnvoy\xc3\xa9"
	  "\xc2\xa0: vendredi 20 mai 2016 17:42\n\xc3\x80\xc2\xa0: Marie "
	  "<marie@example.fr>\nObjet\xc2\xa0: RE: Livraison\n\nMerci.\n", 0,
	  ALL, "C'est fait.", 1,
	  { { CUT_QUOTE, 6, "De : Jean Dupont <jean@example.fr>" } } },
	{ "Message d'origine",
	  "Oui.\n\n-----Message d'origine-----\nDe : A\nEnvoy\xc3\xa9 : lundi\n"
	  "\xc3\x80 : B\nObjet : C\n", 0, ALL, "Oui.", 1,
	  { { CUT_QUOTE, 5, "-----Message d'origine-----" } } },
	{ "Gmail French",
	  "D'accord.\n\nLe ven. 20 mai 2016 \xc3\xa0 17:42, Jean Dupont "
	  "<jean@example.fr> a \xc3\xa9" "crit\xc2\xa0:\n\n> On se voit demain ?"
	  "\n", 0, ALL, "D'accord.", 1,
	  { { CUT_QUOTE, 3, "Le ven. 20 mai 2016 \xc3\xa0 17:42, Jean Dupont "
	  "<jean@example.fr> a \xc3\xa9" "crit :" } } },
	{ "Apple Mail French",
	  "Merci\n\nEnvoy\xc3\xa9 de mon iPhone\n\n> Le 20 mai 2016 \xc3\xa0 "
	  "17:42, Jean <jean@example.fr> a \xc3\xa9" "crit :\n> \n> Texte\n",
	  0, ALL, "Merci", 2,
	  { { CUT_MOBILE, 1, "Envoy\xc3\xa9 de mon iPhone" },
	  { CUT_QUOTE, 3, "> Le 20 mai 2016 \xc3\xa0 17:42, Jean "
	  "<jean@example.fr> a \xc3\xa9" "crit :" } } },

	/* Spanish */
	{ "Outlook Spanish",
	  "Recibido.\n\nDe: Juan Garc\xc3\xad" "a <juan@example.es>\nEnviado el: "
	  "viernes, 20 de mayo de 2016 17:42\nPara: Ana <ana@example.es>\n"
	  "Asunto: RE: Pedido\n\nGracias.\n", 0, ALL, "Recibido.", 1,
	  { { CUT_QUOTE, 6, "De: Juan Garc\xc3\xad" "a <juan@example.es>" } } },
	{ "Mensaje original",
	  "S\xc3\xad.\n\n-----Mensaje original-----\nDe: A\nEnviado: lunes\n"
	  "Para: B\nAsunto: C\n", 0, ALL, "S\xc3\xad.", 1,
	  { { CUT_QUOTE, 5, "-----Mensaje original-----" } } },
	{ "Gmail Spanish",
	  "Perfecto.\n\nEl vie., 20 may. 2016 a las 17:42, Juan Garc\xc3\xad" "a "
	  "(<juan@example.es>) escribi\xc3\xb3:\n\n> \xc2\xbfVienes?\n", 0, ALL,
	  "Perfecto.", 1,
	  { { CUT_QUOTE, 3, "El vie., 20 may. 2016 a las 17:42, Juan "
	  "Garc\xc3\xad" "a (<juan@example.es>) escribi\xc3\xb3:" } } },
	{ "Apple Mail Spanish",
	  "Vale\n\nEnviado desde mi iPhone\n\n> El 20 may 2016, a las 17:42, "
	  "Juan <juan@example.es> escribi\xc3\xb3:\n> \n> Hola\n", 0, ALL,
	  "Vale", 2, { { CUT_MOBILE, 1, "Enviado desde mi iPhone" },
	  { CUT_QUOTE, 3, "> El 20 may 2016, a las 17:42, Juan "
	  "<juan@example.es> escribi\xc3\xb3:" } } },

	/* attributions in any language: a date, time or address, then ':' */
	{ "Mail.ru Russian, wrapped",
	  "\xd0\xa5\xd0\xbe\xd1\x80\xd0\xbe\xd1\x88\xd0\xbe.\n\n"
	  "02.04.2012 14:20 \xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7"
	  "\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c "
	  "\"bob@example.org\" <bob@example.org>\n\xd0\xbd\xd0\xb0\xd0\xbf"
	  "\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbb:\n\n> \xd0\x94\xd0\xb0?\n",
	  0, ALL, "\xd0\xa5\xd0\xbe\xd1\x80\xd0\xbe\xd1\x88\xd0\xbe.", 1,
	  { { CUT_QUOTE, 4, "02.04.2012 14:20 \xd0\xbf\xd0\xbe\xd0\xbb\xd1"
	  "\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb"
	  "\xd1\x8c \"bob@example.org\" <bob@example.org>" } } },
	{ "Yahoo before its header block",
	  "Ok, Thursday.\n\n--- On Wed, 4/4/12, x@example.com <x@example.com> "
	  "wrote:\n\nFrom: x@example.com <x@example.com>\nSubject: Meeting\n"
	  "To: \"Ann\" <ann@example.com>\nDate: Wednesday, April 4, 2012, 2:20 "
	  "PM\n\nCan we meet?\n", 0, ALL, "Ok, Thursday.", 1,
	  { { CUT_QUOTE, 8, "--- On Wed, 4/4/12, x@example.com <x@example.com> "
	  "wrote:" } } },
	{ "Dutch, address only",
	  "Prima.\n\nBob <bob@example.nl> schreef:\n> Komt u morgen?\n", 0, ALL,
	  "Prima.", 1, { { CUT_QUOTE, 2, "Bob <bob@example.nl> schreef:" } } },
	{ "Chinese, full-width colon",
	  "\xe5\xa5\xbd\xe3\x80\x82\n\n\xe5\x9c\xa8 2012\xe5\xb9\xb4"
	  "4\xe6\x9c\x88" "2\xe6\x97\xa5\xef\xbc\x8c" "Bob \xe5\x86\x99"
	  "\xe9\x81\x93\xef\xbc\x9a\n> \xe6\x98\x8e\xe5\xa4\xa9\n", 0,
	  ALL, "\xe5\xa5\xbd\xe3\x80\x82", 1,
	  { { CUT_QUOTE, 2, "\xe5\x9c\xa8 2012\xe5\xb9\xb4" "4\xe6\x9c\x88"
	  "2\xe6\x97\xa5\xef\xbc\x8c" "Bob \xe5\x86\x99\xe9\x81\x93"
	  "\xef\xbc\x9a" } } },
	{ "Italian at the bottom, own text below",
	  "Il giorno 20/05/2016 17:42, Bob ha scritto:\n> Pronto?\n\nSi.\n", 0,
	  ALL, "Si.", 1,
	  { { CUT_QUOTE, 2, "Il giorno 20/05/2016 17:42, Bob ha scritto:" } } },
	{ "a date line ending in ':' without a quote after stays",
	  "Lieferung am 12.05.2016:\nPalette 1\nPalette 2\n", 0, ALL,
	  "Lieferung am 12.05.2016:\nPalette 1\nPalette 2", 0, { { 0 } } },
	{ "a ':' line without date, time or address before a quote stays",
	  "Zur Info:\n> Palette 1\n", 0, ALL, "Zur Info:", 1,
	  { { CUT_QUOTE, 1, "> Palette 1" } } },
	{ "a sentence is no first half of an attribution",
	  "Bitte bis 12.05. erledigen.\nSiehe unten:\n> Palette 1\n", 0, ALL,
	  "Bitte bis 12.05. erledigen.\nSiehe unten:", 1,
	  { { CUT_QUOTE, 1, "> Palette 1" } } },
	{ "a short line is no first half of an attribution",
	  "Termin 14:00 best\xc3\xa4tigt, Details\nunten:\n> Palette 1\n", 0,
	  ALL, "Termin 14:00 best\xc3\xa4tigt, Details\nunten:", 1,
	  { { CUT_QUOTE, 1, "> Palette 1" } } },
	{ "a bare forward under an attribution stays whole",
	  "--- On Wed, 4/4/12, x@example.com <x@example.com> wrote:\n\nFrom: "
	  "x@example.com\nSubject: Meeting\nTo: ann@example.com\nDate: "
	  "Wednesday, April 4, 2012, 2:20 PM\n\nCan we meet?\n", 0, ALL,
	  "--- On Wed, 4/4/12, x@example.com <x@example.com> wrote:\n\nFrom: "
	  "x@example.com\nSubject: Meeting\nTo: ann@example.com\nDate: "
	  "Wednesday, April 4, 2012, 2:20 PM\n\nCan we meet?", 0, { { 0 } } },

	/* quote decisions and false-positive guards */
	{ "> 5 items is quote syntax", "Stock alert\n> 5 items left\n", 0, ALL,
	  "Stock alert", 1, { { CUT_QUOTE, 1, "> 5 items left" } } },
	{ "quotes off",
	  "Reply\n> quoted\nOn Fri, 20 May 2016, Bob wrote:\nFrom: A\nSent: B\n"
	  "To: C\n", 0, ALL & ~QUO,
	  "Reply\n> quoted\nOn Fri, 20 May 2016, Bob wrote:\nFrom: A\nSent: B\n"
	  "To: C", 0, { { 0 } } },
	{ "From: line alone stays",
	  "Pickup ready\nFrom: the warehouse\nGate 4\n", 0, ALL,
	  "Pickup ready\nFrom: the warehouse\nGate 4", 0, { { 0 } } },
	{ "From and Date without To or Subject stay",
	  "Delivery\nFrom: Hamburg\nDate: 2016-05-20\nPallets: 4\n", 0, ALL,
	  "Delivery\nFrom: Hamburg\nDate: 2016-05-20\nPallets: 4", 0,
	  { { 0 } } },
	{ "text line breaks a header block",
	  "Hi\nFrom: Bob\nSent: today\nPlease call\nTo: x\n", 0, ALL,
	  "Hi\nFrom: Bob\nSent: today\nPlease call\nTo: x", 0, { { 0 } } },
	{ "memo template before any text stays",
	  "From: Warehouse\nTo: Driver\nDate: 2016-05-20\nSubject: Pickup\n\n"
	  "Gate 4 at 10:00\n", 0, ALL,
	  "From: Warehouse\nTo: Driver\nDate: 2016-05-20\nSubject: Pickup\n\n"
	  "Gate 4 at 10:00", 0, { { 0 } } },
	{ "memo template with To first stays",
	  "To: Driver\nFrom: Warehouse\nDate: 2016-05-20\nSubject: Pickup\n\n"
	  "Gate 4\n", 0, ALL,
	  "To: Driver\nFrom: Warehouse\nDate: 2016-05-20\nSubject: Pickup\n\n"
	  "Gate 4", 0, { { 0 } } },
	{ "bare forward stays",
	  "-----Original Message-----\nFrom: A\nSent: B\nTo: C\nSubject: D\n\n"
	  "Server down\n", 0, ALL,
	  "-----Original Message-----\nFrom: A\nSent: B\nTo: C\nSubject: D\n\n"
	  "Server down", 0, { { 0 } } },
	{ "attribution-like prose without a date stays",
	  "Note\nOn reflection, Bob wrote:\nthe plan is fine\n", 0, ALL,
	  "Note\nOn reflection, Bob wrote:\nthe plan is fine", 0, { { 0 } } },
	{ "sentence end is no wrapped attribution",
	  "Status\nOn 5 May we shipped 20 pallets.\nBob wrote:\nall fine\n", 0,
	  ALL, "Status\nOn 5 May we shipped 20 pallets.\nBob wrote:\nall fine",
	  0, { { 0 } } },
	{ "forward separator without headers stays",
	  "Note\n---------- Forwarded message ---------\nPump 3 failed\n", 0,
	  ALL, "Note\n---------- Forwarded message ---------\nPump 3 failed",
	  0, { { 0 } } },
	{ "short underscore line is no separator",
	  "Ok\n\n_____\nFrom: A\nSent: B\nTo: C\n", 0, ALL, "Ok\n\n_____",
	  1, { { CUT_QUOTE, 3, "From: A" } } },
	{ "one dash each side is no Original Message line",
	  "Ok\n-Original Message-\nrest\n", 0, ALL,
	  "Ok\n-Original Message-\nrest", 0, { { 0 } } },
	{ "underscore line without headers stays",
	  "Total\n__________\n42\n", 0, ALL, "Total\n__________\n42", 0,
	  { { 0 } } },

	/* mobile footers */
	{ "mobile at the end", "On my way\n\nSent from my iPhone\n", 0, ALL,
	  "On my way", 1, { { CUT_MOBILE, 1, "Sent from my iPhone" } } },
	{ "two mobile lines",
	  "Ok\nSent from my Samsung Galaxy smartphone.\n\nGet Outlook for iOS\n",
	  0, ALL, "Ok", 1,
	  { { CUT_MOBILE, 3, "Sent from my Samsung Galaxy smartphone." } } },
	{ "mobile with Outlook's link after it",
	  "Ready\n\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n", 0, ALL,
	  "Ready", 1,
	  { { CUT_MOBILE, 1, "Get Outlook for Android<https://aka.ms/AAb9ysg>" } } },
	{ "a link after other words stays",
	  "Ready\nSee the portal<https://example.com/x>\n", 0, ALL,
	  "Ready\nSee the portal<https://example.com/x>", 0, { { 0 } } },
	{ "mobile any case, trailing !", "ok\nSENT FROM MY IPHONE!\n", 0, ALL,
	  "ok", 1, { { CUT_MOBILE, 1, "SENT FROM MY IPHONE!" } } },
	{ "mobile in the middle stays",
	  "Sent from my iPhone\nis the footer we strip\n", 0, ALL,
	  "Sent from my iPhone\nis the footer we strip", 0, { { 0 } } },
	{ "mobile longer sentence stays",
	  "Done\nSent from my iPhone in the car\n", 0, ALL,
	  "Done\nSent from my iPhone in the car", 0, { { 0 } } },
	{ "mobile off", "Ok\n\nSent from my iPhone", 0, ALL & ~MOB,
	  "Ok\n\nSent from my iPhone", 0, { { 0 } } },
	{ "mobile before signature",
	  "Running late\nSent from my iPad\n-- \nBob\n", 0, ALL,
	  "Running late", 2, { { CUT_MOBILE, 1, "Sent from my iPad" },
	  { CUT_SIGNATURE, 2, "--" } } },
	{ "Outlook Android before Outlook header",
	  "Arrived\n\nGet Outlook for Android\n\nFrom: Ops <ops@x.com>\nSent: "
	  "Friday, May 20, 2016 5:42:10 PM\nTo: Driver\nSubject: Where?\n", 0,
	  ALL, "Arrived", 2, { { CUT_MOBILE, 1, "Get Outlook for Android" },
	  { CUT_QUOTE, 4, "From: Ops <ops@x.com>" } } },

	/* disclaimer */
	{ "disclaimer", "Meeting at 10.\n\nCONFIDENTIALITY NOTICE: This e-mail"
	  "\nmore legal text\n", 0, ALL, "Meeting at 10.", 1,
	  { { CUT_DISCLAIMER, 2, "CONFIDENTIALITY NOTICE: This e-mail" } } },
	{ "disclaimer ASCII case ignored",
	  "Termin 10 Uhr\n\nDIESE E-MAIL enth\xc3\xa4lt vertrauliche Daten\n",
	  0, ALL, "Termin 10 Uhr", 1, { { CUT_DISCLAIMER, 1,
	  "DIESE E-MAIL enth\xc3\xa4lt vertrauliche Daten" } } },
	{ "disclaimer non-ASCII exact",
	  "Termin\nDIESE E-MAIL ENTH\xc3\x84LT VERTRAULICHE Daten\n", 0, ALL,
	  "Termin\nDIESE E-MAIL ENTH\xc3\x84LT VERTRAULICHE Daten", 0,
	  { { 0 } } },
	{ "disclaimer off", "Meeting\nCONFIDENTIALITY NOTICE\n", 0, ALL & ~DIS,
	  "Meeting\nCONFIDENTIALITY NOTICE", 0, { { 0 } } },
	{ "signature before disclaimer",
	  "Fine\n-- \nBob\n\nOn Fri, 20 May 2016, Ann wrote:\n> x\n"
	  "AVISO DE CONFIDENCIALIDAD\n", 0, ALL, "Fine", 1,
	  { { CUT_SIGNATURE, 6, "--" } } },
	{ "disclaimer inside a quote does not cut the answer",
	  "> CONFIDENTIALITY NOTICE\nMy answer\n", 0, ALL, "My answer", 1,
	  { { CUT_QUOTE, 1, "> CONFIDENTIALITY NOTICE" } } },
};

/* make_opts - clean_opts from the SIG/QUO/MOB/DIS bits */
static struct clean_opts
make_opts(unsigned bits)
{
	struct clean_opts	 o;

	memset(&o, 0, sizeof(o));
	o.signature = (bits & SIG) != 0;
	o.quotes = (bits & QUO) != 0;
	o.mobile_signature = (bits & MOB) != 0;
	if (bits & DIS) {
		o.disclaimer_markers = markers;
		o.ndisclaimer_markers = sizeof(markers) / sizeof(markers[0]);
	}
	return o;
}

/* test_body_table - every case: the text, and every report field */
static void
test_body_table(void **state)
{
	const struct body_case	*c;
	struct clean_opts	 o;
	struct clean_report	 rep;
	char			*in, *out;
	size_t			 i, k, len;

	(void)state;
	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		c = &body_cases[i];
		len = c->len ? c->len : strlen(c->in);
		/* a heap copy of exactly len bytes: ASan sees any overread */
		in = malloc(len ? len : 1);
		assert_non_null(in);
		memcpy(in, c->in, len);
		o = make_opts(c->opts);
		memset(&rep, 0xa5, sizeof(rep));
		out = clean_body(in, len, &o, &rep);
		assert_non_null(out);
		if (strcmp(out, c->out) != 0 || rep.ncuts != c->ncuts)
			print_message("# case %zu \"%s\": got \"%s\", %zu cuts\n",
			    i, c->name, out, rep.ncuts);
		assert_string_equal(out, c->out);
		assert_int_equal(rep.ncuts, c->ncuts);
		for (k = 0; k < c->ncuts; k++) {
			if (rep.cuts[k].what != c->cuts[k].what ||
			    rep.cuts[k].lines != c->cuts[k].lines ||
			    strcmp(rep.cuts[k].first, c->cuts[k].first) != 0)
				print_message("# case %zu \"%s\" cut %zu: %s %zu "
				    "\"%s\"\n", i, c->name, k,
				    clean_cut_name(rep.cuts[k].what),
				    rep.cuts[k].lines, rep.cuts[k].first);
			assert_int_equal(rep.cuts[k].what, c->cuts[k].what);
			assert_int_equal(rep.cuts[k].lines, c->cuts[k].lines);
			assert_string_equal(rep.cuts[k].first,
			    c->cuts[k].first);
		}
		free(out);
		free(in);
	}
}

/* test_report_first_truncated - 79 bytes at most, never half a character */
static void
test_report_first_truncated(void **state)
{
	struct clean_opts	 o = make_opts(ALL);
	struct clean_report	 rep;
	char			 in[512], want[128], *out;
	size_t			 i, n;

	(void)state;
	/* two-byte characters straddling byte 79: backs up to 78 */
	n = (size_t)snprintf(in, sizeof(in), "x\nCONFIDENTIALITY NOTICE: ");
	memcpy(want, in + 2, n - 2);
	for (i = 0; i < 40; i++) {
		memcpy(in + n, "\xc3\xa4", 2);
		n += 2;
	}
	out = clean_body(in, n, &o, &rep);
	assert_non_null(out);
	assert_string_equal(out, "x");
	assert_int_equal(rep.ncuts, 1);
	for (i = 0; i < 27; i++)
		memcpy(want + 24 + 2 * i, "\xc3\xa4", 2);
	want[78] = '\0';
	assert_string_equal(rep.cuts[0].first, want);
	free(out);

	/* three-byte euro signs: "-- " is no marker, the signature line is */
	n = (size_t)snprintf(in, sizeof(in), "y\n> ");
	for (i = 0; i < 40; i++) {
		memcpy(in + n, "\xe2\x82\xac", 3);
		n += 3;
	}
	out = clean_body(in, n, &o, &rep);
	assert_non_null(out);
	assert_string_equal(out, "y");
	assert_int_equal(rep.ncuts, 1);
	assert_int_equal(rep.cuts[0].what, CUT_QUOTE);
	/* "> " is 2 bytes, then 25 euros reach 77; the 26th would end at 80 */
	assert_int_equal(strlen(rep.cuts[0].first), 77);
	assert_memory_equal(rep.cuts[0].first, in + 2, 77);
	free(out);

	/* invalid bytes only: cut at 79 exactly */
	memset(in, 0x80, 200);
	memcpy(in, "> ", 2);
	out = clean_body(in, 200, &o, &rep);
	assert_non_null(out);
	assert_string_equal(out, "");
	assert_int_equal(strlen(rep.cuts[0].first), 79);
	free(out);
}

/* test_report_full - cuts beyond CLEAN_REPORT_MAX are made, not recorded */
static void
test_report_full(void **state)
{
	struct clean_opts	 o = make_opts(ALL);
	struct clean_report	 rep;
	char			 in[1024], want[512], *out;
	size_t			 n = 0, w = 0, i;

	(void)state;
	for (i = 0; i < CLEAN_REPORT_MAX + 4; i++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n,
		    "> question %zu\nanswer %zu\n", i, i);
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%sanswer %zu",
		    i ? "\n" : "", i);
	}
	out = clean_body(in, n, &o, &rep);
	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(rep.ncuts, CLEAN_REPORT_MAX);
	assert_string_equal(rep.cuts[CLEAN_REPORT_MAX - 1].first,
	    "> question 15");
	free(out);
}

/* test_null_opts_and_report - NULL options normalise only, NULL report ok */
static void
test_null_opts_and_report(void **state)
{
	static const char	 in[] = "Hi \r\n-- \r\n> x\r\nSent from my iPhone";
	struct clean_opts	 o = make_opts(ALL);
	char			*out;

	(void)state;
	out = clean_body(in, sizeof(in) - 1, NULL, NULL);
	assert_non_null(out);
	assert_string_equal(out, "Hi\n--\n> x\nSent from my iPhone");
	free(out);
	out = clean_body(in, sizeof(in) - 1, &o, NULL);
	assert_non_null(out);
	assert_string_equal(out, "Hi");
	free(out);
	out = clean_body(NULL, 0, &o, NULL);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

/* test_long_body - a large thread is handled in one pass without trouble */
static void
test_long_body(void **state)
{
	struct clean_opts	 o = make_opts(ALL);
	struct clean_report	 rep;
	const char		*head = "Reply on top\n\nFrom: a\nSent: b\nTo: c\n";
	size_t			 n, hl = strlen(head), lines = 200000;
	char			*in, *out;

	(void)state;
	n = hl + lines * 8;
	in = malloc(n);
	assert_non_null(in);
	memcpy(in, head, hl);
	for (size_t i = 0; i < lines; i++)
		memcpy(in + hl + i * 8, "From: x\n", 8);
	out = clean_body(in, n, &o, &rep);
	assert_non_null(out);
	assert_string_equal(out, "Reply on top");
	assert_int_equal(rep.ncuts, 1);
	assert_int_equal(rep.cuts[0].lines, 3 + lines);
	free(out);
	free(in);
}

/* test_cut_names - every cut has a printable name */
static void
test_cut_names(void **state)
{
	(void)state;
	assert_string_equal(clean_cut_name(CUT_SIGNATURE), "signature");
	assert_string_equal(clean_cut_name(CUT_QUOTE), "quote");
	assert_string_equal(clean_cut_name(CUT_DISCLAIMER), "disclaimer");
	assert_string_equal(clean_cut_name(CUT_MOBILE), "mobile");
}

struct subject_case {
	const char	*in;
	const char	*out;
	const char	*error;		/* substring of opts.error, NULL: none */
	const char	*src;
	time_t		 send_at;
	unsigned	 validity;
	bool		 dn, flash, express;
	const char	*bc, *ref;
};

static const struct subject_case subject_cases[] = {
	{ "Alarm [SRC:ACME] pump 3", "Alarm pump 3", NULL, "ACME", 0, 0,
	  false, false, false, "", "" },
	{ "[src: ACME ]Pump", "Pump", NULL, "ACME", 0, 0, false, false, false,
	  "", "" },
	{ "[SRC:+491701234567] x", "x", NULL, "+491701234567", 0, 0, false,
	  false, false, "", "" },
	{ "[SRC:123456789012345] x", "x", NULL, "123456789012345", 0, 0,
	  false, false, false, "", "" },
	{ "[SRC:ACMELOGISTIC] x", "x", "SRC", "", 0, 0, false, false, false,
	  "", "" },
	{ "[SRC:AC-ME] x", "x", "SRC", "", 0, 0, false, false, false, "", "" },
	{ "[SRC:1234567890123456] x", "x", "SRC", "", 0, 0, false, false,
	  false, "", "" },
	{ "[SRC:] x", "x", "SRC", "", 0, 0, false, false, false, "", "" },
	{ "[JOBPERIOD:2016-05-20T17:42:00+02:00] Reminder", "Reminder", NULL,
	  "", 1463758920, 0, false, false, false, "", "" },
	{ "Reminder [JOBPERIOD: 2016-05-20T17:42Z ]", "Reminder", NULL, "",
	  1463766120, 0, false, false, false, "", "" },
	{ "[jobperiod:2016-05-20t17:42:00z]", "", NULL, "", 1463766120, 0,
	  false, false, false, "", "" },
	{ "[JOBPERIOD:2016-05-20T17:42:00-0530] x", "x", NULL, "", 1463785920,
	  0, false, false, false, "", "" },
	{ "[JOBPERIOD:2024-02-29T23:00:00Z] x", "x", NULL, "", 1709247600, 0,
	  false, false, false, "", "" },
	{ "[JOBPERIOD:2016-02-30T10:00:00Z] x", "x", "JOBPERIOD", "", 0, 0,
	  false, false, false, "", "" },
	{ "[JOBPERIOD:2016-05-20T17:42:00] x", "x", "JOBPERIOD", "", 0, 0,
	  false, false, false, "", "" },
	{ "[JOBPERIOD:2016-05-20T17:42:00.5Z] x", "x", "JOBPERIOD", "", 0, 0,
	  false, false, false, "", "" },
	{ "[JOBPERIOD:tomorrow] x", "x", "JOBPERIOD", "", 0, 0, false, false,
	  false, "", "" },
	{ "[VALIDITY:24] x", "x", NULL, "", 0, 24, false, false, false, "",
	  "" },
	{ "[VALIDITY:73] x", "x", "VALIDITY", "", 0, 0, false, false, false,
	  "", "" },
	{ "[VALIDITY:abc] x", "x", "VALIDITY", "", 0, 0, false, false, false,
	  "", "" },
	{ "[DN:ON][FLASH:on] Alarm", "Alarm", NULL, "", 0, 0, true, true,
	  false, "", "" },
	{ "[FLASH:maybe] Alarm", "Alarm", "FLASH", "", 0, 0, false, false,
	  false, "", "" },
	{ "[QOS:EXPRESS] x", "x", NULL, "", 0, 0, false, false, true, "", "" },
	{ "[QOS:express][QOS:NORMAL] x", "x", NULL, "", 0, 0, false, false,
	  false, "", "" },
	{ "[QOS:FAST] x", "x", "QOS", "", 0, 0, false, false, false, "", "" },
	{ "[DUPLICATEDETECTION:OFF] [BLACKOUTPERIODS:22:00-06:00] Text",
	  "Text", NULL, "", 0, 0, false, false, false, "", "" },
	{ "[BC:Dept 42] [CUSTOMERREF:Order 4711] Shipped", "Shipped", NULL, "",
	  0, 0, false, false, false, "Dept 42", "Order 4711" },
	{ "[Ticket 4711] Printer [EXT] jammed", "[Ticket 4711] Printer [EXT] "
	  "jammed", NULL, "", 0, 0, false, false, false, "", "" },
	{ "[Note: call back] x", "[Note: call back] x", NULL, "", 0, 0, false,
	  false, false, "", "" },
	{ "RE: [SRC:ACME]   [DN:ON]   Pump  failed ", "RE: Pump failed", NULL,
	  "ACME", 0, 0, true, false, false, "", "" },
	{ "Alarm[FLASH:ON]Pump", "Alarm Pump", NULL, "", 0, 0, false, true,
	  false, "", "" },
	{ "Alarm [SRC:ACME", "Alarm [SRC:ACME", NULL, "", 0, 0, false, false,
	  false, "", "" },
	{ "", "", NULL, "", 0, 0, false, false, false, "", "" },
	{ "[SRC:!!][DN:x] y", "y", "SRC", "", 0, 0, false, false, false, "",
	  "" },
};

/* test_subject_table - the subject left over and every option */
static void
test_subject_table(void **state)
{
	const struct subject_case	*c;
	struct subject_options		 o;
	char				*out;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(subject_cases) / sizeof(subject_cases[0]);
	    i++) {
		c = &subject_cases[i];
		memset(&o, 0xa5, sizeof(o));
		out = subject_commands(c->in, &o);
		assert_non_null(out);
		if (strcmp(out, c->out) != 0 || (c->error == NULL) !=
		    (o.error[0] == '\0'))
			print_message("# case %zu \"%s\": \"%s\" error \"%s\"\n",
			    i, c->in, out, o.error);
		assert_string_equal(out, c->out);
		if (c->error == NULL)
			assert_string_equal(o.error, "");
		else
			assert_non_null(strstr(o.error, c->error));
		assert_string_equal(o.src, c->src);
		assert_int_equal(o.send_at, c->send_at);
		assert_int_equal(o.validity_hours, c->validity);
		assert_int_equal(o.delivery_notification, c->dn);
		assert_int_equal(o.flash, c->flash);
		assert_int_equal(o.express, c->express);
		assert_string_equal(o.billing_code, c->bc);
		assert_string_equal(o.customer_ref, c->ref);
		free(out);
	}
}

/* test_blackout - [BLACKOUTPERIODS:] quiet hours, canonical, or refused */
static void
test_blackout(void **state)
{
	static const struct {
		const char	*in, *quiet, *error;
	} cases[] = {
		{ "[BLACKOUTPERIODS:22:00-06:00] x", "22:00-06:00", "" },
		{ "[BLACKOUTPERIODS:sun,21:00-08:00,SAT] x",
		  "21:00-08:00,sat,sun", "" },
		{ "[BLACKOUTPERIODS:none] x", "none", "" },
		{ "[BLACKOUTPERIODS:22-6] x", "", "BLACKOUTPERIODS" },
		{ "x", "", "" },
	};
	struct subject_options	 o;
	char			*out;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		assert_non_null(out = subject_commands(cases[i].in, &o));
		assert_string_equal(out, "x");
		assert_string_equal(o.quiet, cases[i].quiet);
		if (cases[i].error[0] == '\0')
			assert_string_equal(o.error, "");
		else
			assert_non_null(strstr(o.error, cases[i].error));
		free(out);
	}
}

/* test_subject_bounds - long values cut on a character boundary */
static void
test_subject_bounds(void **state)
{
	struct subject_options	 o;
	char			 in[512], *out;
	size_t			 n, i;

	(void)state;
	n = (size_t)snprintf(in, sizeof(in), "Order [CUSTOMERREF:");
	for (i = 0; i < 100; i++) {
		memcpy(in + n, "\xc3\xa9", 2);
		n += 2;
	}
	snprintf(in + n, sizeof(in) - n, "] [BC:%0100d] done", 7);
	out = subject_commands(in, &o);
	assert_non_null(out);
	assert_string_equal(out, "Order done");
	assert_int_equal(strlen(o.customer_ref), 62);
	assert_memory_equal(o.customer_ref, in + 19, 62);
	assert_int_equal(strlen(o.billing_code), 63);
	assert_string_equal(o.error, "");
	free(out);

	/* the error text is bounded however long the value */
	memset(in, 'A', sizeof(in));
	memcpy(in, "[SRC:", 5);
	memcpy(in + 400, "] x", 4);
	out = subject_commands(in, &o);
	assert_non_null(out);
	assert_string_equal(out, "x");
	assert_true(strlen(o.error) > 0 && strlen(o.error) < sizeof(o.error));
	free(out);

	out = subject_commands(NULL, &o);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_table),
		cmocka_unit_test(test_report_first_truncated),
		cmocka_unit_test(test_report_full),
		cmocka_unit_test(test_null_opts_and_report),
		cmocka_unit_test(test_long_body),
		cmocka_unit_test(test_cut_names),
		cmocka_unit_test(test_subject_table),
		cmocka_unit_test(test_blackout),
		cmocka_unit_test(test_subject_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
