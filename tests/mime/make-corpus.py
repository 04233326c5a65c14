#!/usr/bin/env python3
# make-corpus.py - writes the golden corpus of tests/mime: NAME.eml (a mail as
# a mailer sends it), NAME.sms (the SMS text a person wants) or NAME.reject.
"""Regenerate with: python3 tests/mime/make-corpus.py [OUTDIR]

Every message is written here by the project (no third-party fixtures). The
expected text follows the converter spec: template "{subject}: {body}",
signature/quote/disclaimer/mobile-signature cut, blank-line runs to one,
spaces collapsed, GSM look-alikes for typography (quotes, dashes, ellipsis,
spaces, bullets; never letters) when that keeps the text GSM-7, at most
3 parts with a word-boundary ellipsis. The generator is deterministic.
"""

import base64
import os
import quopri
import random
import struct
import sys
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(4)

# ---------------------------------------------------------------- SMS maths

GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = "^{}\\[~]|€\f"


def is_gsm(text):
    return all(c in GSM_BASIC or c in GSM_EXT for c in text)


def unit_sizes(text):
    """Septets (GSM-7) or UTF-16 units per character, and the encoding."""
    if is_gsm(text):
        return [2 if c in GSM_EXT else 1 for c in text], True
    return [2 if ord(c) > 0xFFFF else 1 for c in text], False


def parts_needed(text):
    sizes, gsm = unit_sizes(text)
    single, multi = (160, 153) if gsm else (70, 67)
    if sum(sizes) <= single:
        return 1 if text else 0
    n, used = 1, 0
    for s in sizes:  # a character never straddles two parts
        if used + s > multi:
            n, used = n + 1, 0
        used += s
    return n


def truncate(text, max_parts=3):
    """The spec's overflow = truncate: word boundary plus an ellipsis."""
    if parts_needed(text) <= max_parts:
        return text
    sizes, gsm = unit_sizes(text)
    multi, ell = (153, "...") if gsm else (67, "\u2026")
    reserve = 3 if gsm else 1
    part, used, n = 1, 0, 0
    for s in sizes:
        cap = multi - (reserve if part == max_parts else 0)
        if used + s > cap:
            if part == max_parts:
                break
            part, used = part + 1, 0
        used += s
        n += 1
    if not text[n].isspace():
        cut = max(text.rfind(" ", 0, n), text.rfind("\n", 0, n))
        n = cut if cut > 0 else n
    # whitespace and the punctuation that would stand before the ellipsis go
    kept = text[:n].rstrip(" \n,;:.-(")
    return (kept or text[:n]) + ell


# ------------------------------------------------------------ MIME pieces


def qp(text, charset):
    data = text.encode(charset, "xmlcharrefreplace") if isinstance(text, str) else text
    return quopri.encodestring(data)


def b64(data):
    return base64.encodebytes(data)


def leaf(ctype, body, cte=None, extra=()):
    """A body part: (header lines, encoded body bytes)."""
    hdrs = ["Content-Type: " + ctype]
    if cte:
        hdrs.append("Content-Transfer-Encoding: " + cte)
    hdrs.extend(extra)
    return hdrs, body


def text_part(text, charset="utf-8", cte="quoted-printable", subtype="plain",
              params="", extra=()):
    data = text.encode(charset, "xmlcharrefreplace")
    if cte == "quoted-printable":
        body = quopri.encodestring(data)
    elif cte == "base64":
        body = b64(data)
    else:
        body = data
    return leaf('text/%s; charset="%s"%s' % (subtype, charset, params), body, cte, extra)


def multi(subtype, parts, boundary=None, params="", preamble=b"", epilogue=b"",
          close=True):
    b = boundary or "----=_Part_%d_%d" % (RNG.randrange(10**6), RNG.randrange(10**9))
    out = bytearray(preamble)
    for hdrs, body in parts:
        out += b"\n--" + b.encode() + b"\n"
        out += ("\n".join(hdrs) + "\n\n").encode()
        out += body
        if not body.endswith(b"\n"):
            out += b"\n"
    if close:
        out += b"\n--" + b.encode() + b"--\n"
    out += epilogue
    return ['Content-Type: multipart/%s;%s\n\tboundary="%s"' % (subtype, params, b)], bytes(out)


def message(hdrs, part, mime=True):
    phdrs, body = part
    lines = list(hdrs)
    if mime:
        lines.append("MIME-Version: 1.0")
    lines.extend(phdrs)
    head = "\n".join(lines).encode("utf-8") + b"\n\n"
    return head, body


def rfc822_part(msg):
    head, body = msg
    return leaf("message/rfc822", head + body, None,
                ["Content-Disposition: attachment"])


def png(w=32, h=24):
    raw = b"".join(b"\0" + bytes(RNG.randrange(256) for _ in range(w * 3)) for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pdf(title, size=3000):
    stream = bytes(RNG.randrange(256) for _ in range(size))
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
            b"4 0 obj\n<< /Length " + str(size).encode() + b" /Filter /FlateDecode >>\nstream\n"
            + stream + b"\nendstream\nendobj\n"
            b"5 0 obj\n<< /Title (" + title.encode("latin-1") + b") >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R /Info 5 0 R >>\n%%EOF\n")


def attachment(ctype, name, data, inline=False, cid=None, disp_name=None):
    extra = ['Content-Disposition: %s; filename%s' %
             ("inline" if inline else "attachment",
              disp_name if disp_name else '="%s"' % name)]
    if cid:
        extra.append("Content-ID: <%s>" % cid)
    return leaf('%s; name="%s"' % (ctype, name), b64(data), "base64", extra)


def ew_q(text, charset="utf-8"):
    """Q encoded words of at most 75 characters, folded when needed."""
    words, cur = [], ""
    pre = "=?%s?Q?" % charset.upper()
    for ch in text:
        enc = ""
        for byte in ch.encode(charset):
            c = chr(byte)
            if c == " ":
                enc += "_"
            elif c.isascii() and (c.isalnum() or c in "!*+-/"):
                enc += c
            else:
                enc += "=%02X" % byte
        if len(pre) + len(cur) + len(enc) + 2 > 75:
            words.append(pre + cur + "?=")
            cur = ""
        cur += enc
    words.append(pre + cur + "?=")
    return "\n ".join(words)


def ew_b(text, charset="utf-8"):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def folded_b(text, charset="utf-8"):
    """B encoded words of at most 45 bytes of text each, one per line."""
    words, cur = [], ""
    for ch in text:
        if len((cur + ch).encode(charset)) > 45:
            words.append(ew_b(cur, charset))
            cur = ""
        cur += ch
    words.append(ew_b(cur, charset))
    return "\n ".join(words)


# ------------------------------------------------------------- mailers

TO = "+4917012345678@sms.example.com"
DATE = "Mon, 23 Nov 2026 14:02:11 +0100"
_msgno = [0]


def ids():
    _msgno[0] += 1
    return _msgno[0]


def base_headers(frm, subject, to=TO, date=DATE, extra=()):
    n = ids()
    h = ["Return-Path: <%s>" % frm.split("<")[-1].rstrip(">"),
         "Received: from mail.example.de (mail.example.de [192.0.2.25])\n"
         "\tby sms.example.com (smsrelay) with ESMTP id %016X\n\tfor <%s>; %s" % (n * 7919, to, date),
         "From: " + frm,
         "To: <%s>" % to]
    if subject is not None:
        h.append("Subject: " + subject)
    h += ["Date: " + date, "Message-ID: <%08X.%d@mail.example.de>" % (n * 104729, n)]
    h.extend(extra)
    return h


def outlook_headers(frm, subject, lang="de-DE", attach=False):
    n = ids()
    idx = base64.b64encode(bytes(RNG.randrange(256) for _ in range(22))).decode()
    h = ["Received: from EXCH01.corp.example.de (10.1.2.3) by EXCH02.corp.example.de\n"
         " (10.1.2.4) with Microsoft SMTP Server (version=TLS1_2,\n"
         " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.11; %s" % DATE,
         "From: " + frm,
         "To: \"SMS\" <%s>" % TO,
         "Subject: " + subject,
         "Thread-Topic: " + subject,
         "Thread-Index: " + idx,
         "Date: " + DATE,
         "Message-ID: <AM0PR07MB%05d%s@AM0PR07MB%05d.eurprd07.prod.outlook.com>" % (n, "ABCDEF"[n % 6] * 4, n),
         "Accept-Language: %s, en-US" % lang,
         "Content-Language: " + lang,
         "X-MS-Has-Attach: " + ("yes" if attach else ""),
         "X-MS-TNEF-Correlator: ",
         "x-ms-exchange-organization-authas: Internal",
         "x-originating-ip: [10.20.30.%d]" % (n % 250)]
    return h


def word_lists():
    out = []
    for lid, ident in ((0, 1203371822), (1, 377709314)):
        out.append("@list l%d\n\t{mso-list-id:%d;\n\tmso-list-type:hybrid;\n"
                   "\tmso-list-template-ids:%d %d %d;}" % (lid, ident, ident + 3, 67567617, 67567619))
        for lvl in range(1, 10):
            out.append("@list l%d:level%d\n\t{mso-level-number-format:bullet;\n"
                       "\tmso-level-text:%s;\n\tmso-level-tab-stop:none;\n"
                       "\tmso-level-number-position:left;\n\tmargin-left:%.1fpt;\n"
                       "\ttext-indent:-18.0pt;\n\tfont-family:%s;}"
                       % (lid, lvl, "\uf0b7" if lvl % 3 == 1 else "o" if lvl % 3 == 2 else "\uf0a7",
                          36.0 * lvl, "Symbol" if lvl % 3 == 1 else '"Courier New"' if lvl % 3 == 2 else "Wingdings"))
    return "\n".join(out)


WORD_STYLE = """<style><!--
/* Font Definitions */
@font-face
\t{font-family:"Cambria Math";
\tpanose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
\t{font-family:Calibri;
\tpanose-1:2 15 5 2 2 2 4 3 2 4;}
@font-face
\t{font-family:Aptos;}
@font-face
\t{font-family:"Segoe UI";
\tpanose-1:2 11 5 2 4 2 4 2 2 3;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{margin:0cm;
\tfont-size:11.0pt;
\tfont-family:"Calibri",sans-serif;
\tmso-ligatures:standardcontextual;
\tmso-fareast-language:EN-US;}
a:link, span.MsoHyperlink
\t{mso-style-priority:99;
\tcolor:#0563C1;
\ttext-decoration:underline;}
a:visited, span.MsoHyperlinkFollowed
\t{mso-style-priority:99;
\tcolor:#954F72;
\ttext-decoration:underline;}
p.MsoListParagraph, li.MsoListParagraph, div.MsoListParagraph
\t{mso-style-priority:34;
\tmargin-top:0cm;
\tmargin-right:0cm;
\tmargin-bottom:0cm;
\tmargin-left:36.0pt;
\tfont-size:11.0pt;
\tfont-family:"Calibri",sans-serif;}
span.E-MailFormatvorlage18
\t{mso-style-type:personal-reply;
\tfont-family:"Calibri",sans-serif;
\tcolor:windowtext;}
.MsoChpDefault
\t{mso-style-type:export-only;
\tfont-size:10.0pt;
\tmso-ligatures:none;}
@page WordSection1
\t{size:612.0pt 792.0pt;
\tmargin:70.85pt 70.85pt 2.0cm 70.85pt;}
div.WordSection1
\t{page:WordSection1;}
/* List Definitions */
%s
ol
\t{margin-bottom:0cm;}
ul
\t{margin-bottom:0cm;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->"""


def html_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def word_html(paras, charset="Windows-1252", lang="DE", lists=False, tail=""):
    """Word's HTML: one MsoNormal paragraph per line, "" an empty one."""
    body = []
    for p in paras:
        if p == "":
            body.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
        else:
            body.append('<p class="MsoNormal"><span style="mso-fareast-language:%s">%s<o:p></o:p></span></p>'
                        % ("DE" if lang == "DE" else "EN-US", html_escape(p)))
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" '
            'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n'
            '<head>\n<meta http-equiv="Content-Type" content="text/html; charset=%s">\n'
            '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
            '<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}\n'
            'o\\:* {behavior:url(#default#VML);}\nw\\:* {behavior:url(#default#VML);}\n'
            '.shape {behavior:url(#default#VML);}\n</style><![endif]-->'
            % charset + WORD_STYLE % (word_lists() if lists else "") +
            '\n</head>\n<body lang="%s" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
            '<div class="WordSection1">\n' % lang + "\n".join(body) + tail +
            "\n</div>\n</body>\n</html>\n")


def word_signature(lines, cid):
    """A Word signature below a "-- " paragraph, with a logo and a table."""
    rows = "\n".join('<p class="MsoNormal"><span style="font-size:9.0pt;color:#595959">%s<o:p></o:p></span></p>'
                     % html_escape(x) for x in lines)
    return ('\n<p class="MsoNormal">--&nbsp;<o:p></o:p></p>\n'
            '<table class="MsoNormalTable" border="0" cellspacing="0" cellpadding="0" style="border-collapse:collapse">\n'
            '<tr><td width="140" valign="top" style="width:105.0pt;padding:0cm 5.4pt 0cm 5.4pt">\n'
            '<p class="MsoNormal"><img width="120" height="40" style="width:1.25in;height:.4166in" '
            'id="Grafik_x0020_1" src="cid:%s"><o:p></o:p></p></td>\n'
            '<td valign="top" style="padding:0cm 5.4pt 0cm 5.4pt">\n%s\n</td></tr></table>\n' % (cid, rows))


def word_quote_block(labels, values, paras):
    """Outlook's reply header block with the earlier message below it."""
    hdr = "<br>\n".join("<b>%s</b> %s" % (html_escape(k), html_escape(v)) for k, v in zip(labels, values))
    return ('\n<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
            '<p class="MsoNormal"><b><span lang="DE">%s<o:p></o:p></span></p>\n</div>\n' % hdr +
            "\n".join('<p class="MsoNormal">%s<o:p></o:p></p>' % (html_escape(p) if p else "&nbsp;")
                      for p in paras))


def outlook_plain(text_lines):
    return "\n".join(text_lines) + "\n"


# ------------------------------------------------------------ the corpus

CASES = []


def case(name, what, msg, sms=None, reject=None, crlf=True):
    CASES.append((name, what, msg, sms, reject, crlf))


def write_all():
    readme = []
    for name, what, (head, body), sms, reject, crlf in CASES:
        data = head + body
        if crlf:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with open(os.path.join(OUT, name + ".eml"), "wb") as f:
            f.write(data)
        for ext in (".sms", ".reject"):
            p = os.path.join(OUT, name + ext)
            if os.path.exists(p):
                os.unlink(p)
        if reject is not None:
            with open(os.path.join(OUT, name + ".reject"), "w", encoding="utf-8") as f:
                f.write(reject + "\n")
        else:
            assert sms == sms.strip() and "\n\n\n" not in sms and "  " not in sms, name
            assert parts_needed(sms) <= 3, (name, parts_needed(sms))
            with open(os.path.join(OUT, name + ".sms"), "w", encoding="utf-8") as f:
                f.write(sms + "\n")
        readme.append("%-40s %s" % (name + ".eml", what))
    return readme


# --- Outlook, big messages (5-20 KB): related(alternative(plain, html), png)

def outlook_big(name, what, frm, subject, plain_lines, html, lang, sms, charset="Windows-1252",
                plain_charset="Windows-1252", subject_hdr=None):
    cid = "image001.png@01DB3D2A.5C8E1F70"
    alt = multi("alternative", [text_part(outlook_plain(plain_lines), plain_charset),
                                text_part(html.replace("CID", cid), charset, subtype="html")],
                boundary="_000_AM0PR07MB%dABCD_" % len(CASES))
    rel = multi("related", [alt, attachment("image/png", "image001.png", png(40, 30), inline=True, cid=cid)],
                boundary="_004_AM0PR07MB%dABCD_" % len(CASES), params=' type="multipart/alternative";')
    case(name, what, message(outlook_headers(frm, subject_hdr or subject, lang, True), rel), sms)


SIG_DE = ["Sabine Krüger | IT-Service-Desk", "Müller Haustechnik GmbH", "Industriestraße 12, 70565 Stuttgart",
          "Tel. +49 711 123456-200", "servicedesk@mueller-haustechnik.example"]
DISCL_DE = ["Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der "
            "richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort "
            "den Absender und vernichten Sie diese Mail. Das unerlaubte Kopieren sowie die unbefugte "
            "Weitergabe dieser Mail ist nicht gestattet.",
            "",
            "Sitz der Gesellschaft: Stuttgart, Amtsgericht Stuttgart HRB 123456, Geschäftsführer: Dr. Klaus Müller"]
DISCL_EN = ["CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and may be privileged. "
            "If you are not the intended recipient, please notify the sender immediately and delete this "
            "message. Any unauthorised use, disclosure or copying is prohibited."]

body = ["Hallo Herr Weber,", "",
        "Ihr Notebook ist repariert und kann ab sofort am Service-Desk (Gebäude B, Raum 0.14) abgeholt werden.",
        "", "Bitte bringen Sie Ihren Abholschein oder Ihren Mitarbeiterausweis mit.", "",
        "Öffnungszeiten: Mo–Fr 8:00–16:30 Uhr.", "", "Viele Grüße", "Sabine Krüger"]
outlook_big("outlook-de-pickup", "Outlook DE pickup notice, related+alternative, cp1252 QP, Word HTML, logo, '-- ' signature, DE disclaimer, en dashes",
            "Sabine =?iso-8859-1?Q?Kr=FCger?= <sabine.krueger@mueller-haustechnik.example>",
            "Abholbereit: Ihr Notebook (Ticket #48213)",
            body + ["-- "] + SIG_DE + ["[cid:image001.png@01DB3D2A.5C8E1F70]", ""] + DISCL_DE,
            word_html(body, lists=True, tail=word_signature(SIG_DE, "CID") +
                      "".join('<p class="MsoNormal"><span style="font-size:7.5pt">%s<o:p></o:p></span></p>\n'
                              % (html_escape(x) if x else "&nbsp;") for x in DISCL_DE)),
            "de-DE",
            "Abholbereit: Ihr Notebook (Ticket #48213): Hallo Herr Weber,\n\nIhr Notebook ist repariert und kann ab "
            "sofort am Service-Desk (Gebäude B, Raum 0.14) abgeholt werden.\n\nBitte bringen Sie Ihren Abholschein "
            "oder Ihren Mitarbeiterausweis mit.\n\nÖffnungszeiten: Mo-Fr 8:00-16:30 Uhr.\n\nViele Grüße\nSabine Krüger")

body = ["Dear Ms Thompson,", "",
        "Your device (ThinkPad T14, S/N PF3K9Z2M) has been repaired and is ready for collection at the service desk, "
        "ground floor, building C.", "",
        "Please bring your collection slip. We’re open Monday to Friday, 8 am – 5 pm.", "",
        "Kind regards", "James O’Connor", "Service Desk"]
outlook_big("outlook-en-pickup", "Outlook EN pickup notice, related+alternative, cp1252 QP, smart apostrophes and dash, EN disclaimer without '-- '",
            "James O'Connor <james.oconnor@example.co.uk>",
            "Your repair is ready for collection =?Windows-1252?Q?=96?= RMA 2026-11873",
            body + [""] + DISCL_EN,
            word_html(body, lang="EN-GB", tail="".join(
                '<p class="MsoNormal"><span style="font-size:8.0pt;color:gray">%s<o:p></o:p></span></p>\n'
                % html_escape(x) for x in [""] + DISCL_EN) +
                '<p class="MsoNormal"><img border="0" width="96" height="32" id="Picture_x0020_2" src="cid:CID"></p>'),
            "en-GB",
            "Your repair is ready for collection - RMA 2026-11873: Dear Ms Thompson,\n\nYour device (ThinkPad T14, "
            "S/N PF3K9Z2M) has been repaired and is ready for collection at the service desk, ground floor, "
            "building C.\n\nPlease bring your collection slip. We're open Monday to Friday, 8 am - 5 pm.\n\n"
            "Kind regards\nJames O'Connor\nService Desk")

reply = ["Hallo Frau Yilmaz,", "", "der Techniker kommt heute gegen 14 Uhr vorbei und tauscht die Fixiereinheit.",
         "", "Gruß", "Thomas Berger"]
quoted_hdr = (["Von:", "Gesendet:", "An:", "Cc:", "Betreff:"],
              ["Aylin Yilmaz <aylin.yilmaz@example.de>", "Montag, 23. November 2026 09:12",
               "Servicedesk <servicedesk@example.de>", "Jörg Hahn <joerg.hahn@example.de>",
               "Drucker 3. OG druckt nicht"])
quoted = ["Hallo,", "", "der Drucker im 3. OG (HP M479, Inventar-Nr. 20-0815) zeigt seit heute früh "
          "„Papierstau“ an, obwohl kein Papier drin ist. Bitte um schnelle Hilfe, wir müssen heute noch "
          "die Quartalsberichte drucken.", "", "Danke und Gruß", "Aylin Yilmaz", "Controlling"]
outlook_big("outlook-de-reply-thread", "Outlook DE reply above Von:/Gesendet:/An:/Cc:/Betreff: block (quoted thread cut), Word HTML",
            "Thomas Berger <thomas.berger@example.de>", "AW: Drucker 3. OG druckt nicht",
            reply + ["", ""] + ["%s %s" % kv for kv in zip(*quoted_hdr)] + [""] + quoted,
            word_html(reply, tail=word_quote_block(quoted_hdr[0], quoted_hdr[1], quoted)),
            "de-DE",
            "AW: Drucker 3. OG druckt nicht: Hallo Frau Yilmaz,\n\nder Techniker kommt heute gegen 14 Uhr vorbei und "
            "tauscht die Fixiereinheit.\n\nGruß\nThomas Berger")

reply = ["Hi all,", "", "The air conditioning unit in server room 2 has been reset; the temperature is back to 21 degrees "
         "and falling.", "", "Facilities will replace the compressor on Thursday.", "", "Thanks,", "Mark"]
quoted_hdr = (["From:", "Sent:", "To:", "Subject:"],
              ["Monitoring <nagios@example.com>", "Monday, November 23, 2026 1:47 PM",
               "IT Operations <itops@example.com>", "Server room temperature alarm"])
quoted = ["** PROBLEM Service Alert: srv-room-2/Temperature is CRITICAL **", "",
          "Temperature: 31.5 C (threshold 28 C)", "Date/Time: Mon Nov 23 13:47:02 CET 2026"]
outlook_big("outlook-en-reply-disclaimer", "Outlook EN reply: disclaimer line between reply and From:/Sent:/To:/Subject: block",
            "Mark Davies <mark.davies@example.com>", "RE: Server room temperature alarm",
            reply + ["", "This e-mail may contain confidential and/or privileged information. If you are not the "
                     "intended recipient please notify the sender and destroy this e-mail.", ""] +
            ["%s %s" % kv for kv in zip(*quoted_hdr)] + [""] + quoted,
            word_html(reply, lang="EN-US", lists=True, tail='<p class="MsoNormal"><span style="font-size:8.0pt">'
                      'This e-mail may contain confidential and/or privileged information. If you are not the '
                      'intended recipient please notify the sender and destroy this e-mail.<o:p></o:p></span></p>' +
                      word_quote_block(quoted_hdr[0], quoted_hdr[1], quoted)),
            "en-US",
            "RE: Server room temperature alarm: Hi all,\n\nThe air conditioning unit in server room 2 has been reset; "
            "the temperature is back to 21 degrees and falling.\n\nFacilities will replace the compressor on "
            "Thursday.\n\nThanks,\nMark")

# --- Outlook, small alternatives

def outlook_alt(name, what, frm, subject, plain, paras_html, lang, sms, tail="", charset="Windows-1252"):
    alt = multi("alternative", [text_part(plain, charset), text_part(word_html(paras_html, lang=lang[:2].upper(),
                                                                                 tail=tail), charset, subtype="html")],
                boundary="_000_DB9PR07MB%dEFGH_" % len(CASES))
    case(name, what, message(outlook_headers(frm, subject, lang), alt), sms)


reply = ["Bonjour Madame Lefèvre,", "", "Notre technicien passera demain à 9 h pour contrôler la chaudière.", "",
         "Cordialement,", "Julien Moreau"]
qh = (["De :", "Envoyé :", "À :", "Objet :"],
      ["Claire Lefèvre <claire.lefevre@example.fr>", "lundi 23 novembre 2026 10:41",
       "Service technique <technique@example.fr>", "Intervention chauffage – bâtiment A"])
qb = ["Bonjour,", "", "Le chauffage du bâtiment A ne fonctionne plus depuis ce matin.", "", "Merci", "Claire"]
outlook_alt("outlook-fr-reply", "Outlook FR reply, De :/Envoyé :/À :/Objet : block; â and ô are not GSM-7: UCS-2, the dash kept too",
            "Julien Moreau <julien.moreau@example.fr>", "RE: Intervention chauffage =?Windows-1252?Q?=96_b=E2timent?= A",
            "\n".join(reply + ["", "________________________________", ""] + ["%s %s" % kv for kv in zip(*qh)] + [""] + qb),
            reply, "fr-FR",
            "RE: Intervention chauffage – bâtiment A: Bonjour Madame Lefèvre,\n\nNotre technicien passera demain à "
            "9 h pour contrôler la chaudière.\n\nCordialement,\nJulien Moreau",
            tail=word_quote_block(qh[0], qh[1], qb))

reply = ["Hola Javier,", "", "El técnico llegará a las 15:00 con la pieza de repuesto.", "", "Saludos,", "Lucía Fernández"]
qh = (["De:", "Enviado:", "Para:", "Asunto:"],
      ["Javier Ruiz <javier.ruiz@example.es>", "lunes, 23 de noviembre de 2026 11:05",
       "Soporte <soporte@example.es>", "Avería en la línea 2"])
qb = ["Buenos días,", "", "La línea 2 está parada desde las 10:30. ¿Pueden enviar a alguien hoy?", "", "Gracias,", "Javier"]
outlook_alt("outlook-es-reply", "Outlook ES reply, De:/Enviado:/Para:/Asunto: block; á and í are not GSM-7: UCS-2, names as written",
            "=?iso-8859-1?Q?Luc=EDa_Fern=E1ndez?= <lucia.fernandez@example.es>",
            "RE: =?iso-8859-1?Q?Aver=EDa_en_la_l=EDnea_2?=",
            "\n".join(reply + [""] + ["%s %s" % kv for kv in zip(*qh)] + [""] + qb),
            reply, "es-ES",
            "RE: Avería en la línea 2: Hola Javier,\n\nEl técnico llegará a las 15:00 con la pieza de repuesto.\n\n"
            "Saludos,\nLucía Fernández",
            tail=word_quote_block(qh[0], qh[1], qb), charset="iso-8859-1")

outlook_alt("outlook-de-original-message", "Outlook 2010 DE forward: note above -----Ursprüngliche Nachricht----- (cut)",
            "Jörg Hahn <joerg.hahn@example.de>", "WG: Lieferung =?iso-8859-1?Q?versp=E4tet?=",
            "Bitte kümmern Sie sich darum, der Kunde wartet seit Freitag auf die Ersatzteile.\n\n"
            "-----Ursprüngliche Nachricht-----\nVon: Kundenservice Nord <ks-nord@example.de>\n"
            "Gesendet: Freitag, 20. November 2026 16:55\nAn: Hahn, Jörg <joerg.hahn@example.de>\n"
            "Betreff: Lieferung verspätet\n\nSehr geehrter Herr Hahn,\n\nleider verzögert sich die Lieferung "
            "der Ersatzteile für Auftrag 4500012345 um eine Woche.\n\nMit freundlichen Grüßen\nKundenservice Nord\n",
            ["Bitte kümmern Sie sich darum, der Kunde wartet seit Freitag auf die Ersatzteile."], "de-DE",
            "WG: Lieferung verspätet: Bitte kümmern Sie sich darum, der Kunde wartet seit Freitag auf die Ersatzteile.",
            tail="<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>-----Urspr&uuml;ngliche Nachricht-----<br>"
                 "Von: Kundenservice Nord &lt;ks-nord@example.de&gt;<br>Gesendet: Freitag, 20. November 2026 16:55<br>"
                 "An: Hahn, J&ouml;rg<br>Betreff: Lieferung versp&auml;tet</p><p class=MsoNormal>Sehr geehrter Herr Hahn,</p>")

outlook_alt("outlook-en-original-message", "Outlook EN forward: note above -----Original Message----- (cut)",
            "Priya Patel <priya.patel@example.com>", "FW: Access badge not working",
            "Can someone from Facilities look at this today? Badge reader at entrance C again.\n\n"
            "-----Original Message-----\nFrom: Tom Becker <tom.becker@example.com>\nSent: Monday, November 23, "
            "2026 8:03 AM\nTo: Reception <reception@example.com>\nSubject: Access badge not working\n\n"
            "Hi, my badge does not open entrance C since this morning.\nTom\n",
            ["Can someone from Facilities look at this today? Badge reader at entrance C again."], "en-US",
            "FW: Access badge not working: Can someone from Facilities look at this today? Badge reader at entrance C again.",
            tail="<p class=MsoNormal>-----Original Message-----<br>From: Tom Becker<br>Sent: Monday, November 23, 2026 "
                 "8:03 AM<br>To: Reception<br>Subject: Access badge not working</p><p class=MsoNormal>Hi, my badge "
                 "does not open entrance C since this morning.</p>")

outlook_alt("outlook-android-mobile", "Outlook for Android reply: 'Get Outlook for Android<link>' and underscore-separated From: block cut",
            "Stefan Wolf <stefan.wolf@example.de>", "Re: Rufbereitschaft Wochenende",
            "Ich übernehme Samstag, Sonntag bitte Kai.\n\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n"
            "________________________________\nFrom: Leitstand <leitstand@example.de>\nSent: Monday, November 23, "
            "2026 1:12:45 PM\nTo: Wolf, Stefan <stefan.wolf@example.de>\nSubject: Rufbereitschaft Wochenende\n\n"
            "Wer übernimmt am Wochenende?\n",
            ["Ich übernehme Samstag, Sonntag bitte Kai.", "", "Get Outlook for Android"], "de-DE",
            "Re: Rufbereitschaft Wochenende: Ich übernehme Samstag, Sonntag bitte Kai.")

outlook_alt("outlook-sitz-marker", "Outlook DE: company register block cut by the 'Sitz der Gesellschaft' marker, no '-- '",
            "Einkauf <einkauf@example.de>", "Bestellung 4500012399 freigegeben",
            "Die Bestellung 4500012399 über 12.480,00 € ist freigegeben und geht heute raus.\n\nMit freundlichen "
            "Grüßen\nEinkauf\n\nBeispiel Maschinenbau AG\nSitz der Gesellschaft: Ulm | Registergericht: Amtsgericht "
            "Ulm HRB 7201\nVorstand: Dr. Eva Roth (Vors.), Markus Ott\n",
            ["Die Bestellung 4500012399 über 12.480,00 € ist freigegeben und geht heute raus.", "",
             "Mit freundlichen Grüßen", "Einkauf", "", "Beispiel Maschinenbau AG",
             "Sitz der Gesellschaft: Ulm | Registergericht: Amtsgericht Ulm HRB 7201"], "de-DE",
            "Bestellung 4500012399 freigegeben: Die Bestellung 4500012399 über 12.480,00 € ist freigegeben und geht "
            "heute raus.\n\nMit freundlichen Grüßen\nEinkauf\n\nBeispiel Maschinenbau AG")

# --- Word HTML only

paras = ["Guten Tag Frau Schneider,", "",
         "die Wartung der Aufzugsanlage in Haus 2 findet am Donnerstag, 26.11., zwischen 8 und 12 Uhr statt.",
         "", "Während dieser Zeit ist der Aufzug außer Betrieb.", "", "Freundliche Grüße", "Hausverwaltung Nord"]
case("word-html-only-de", "Word HTML only, cp1252 QP, conditional comments, <![if !vml]> image; each MsoNormal <p> one line (debatable)",
     message(outlook_headers("Hausverwaltung Nord <verwaltung@example.de>", "Wartung Aufzug Haus 2", "de-DE"),
             text_part(word_html(paras, tail='\n<p class="MsoNormal"><!--[if gte vml 1]><v:shape id="Bild_x0020_1" '
                                  'style="width:90pt;height:30pt"><v:imagedata src="cid:image001.jpg@01DB3D2A.5C8E1F70"/>'
                                  '</v:shape><![endif]--><![if !vml]><img width="120" height="40" '
                                  'src="cid:image001.jpg@01DB3D2A.5C8E1F70" v:shapes="Bild_x0020_1"><![endif]><o:p></o:p></p>'),
                       "Windows-1252", subtype="html")),
     "Wartung Aufzug Haus 2: Guten Tag Frau Schneider,\n\ndie Wartung der Aufzugsanlage in Haus 2 findet am "
     "Donnerstag, 26.11., zwischen 8 und 12 Uhr statt.\n\nWährend dieser Zeit ist der Aufzug außer Betrieb.\n\n"
     "Freundliche Grüße\nHausverwaltung Nord")

html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=us-ascii">'
        '<meta name="Generator" content="Microsoft Word 15 (filtered medium)"><style><!--\np.MsoNormal\n\t{margin:0cm;'
        'font-family:"Calibri",sans-serif;}\n--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" '
        'spidmax="1026" />\n</xml><![endif]--></head><body lang="EN-US" link="#0563C1">'
        '<div class="WordSection1"><p class="MsoNormal">Hi Dave,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<p class="MsoNormal">The R&amp;D lab is booked for you on Friday &#8211; key at reception.<br>'
        'Don&#8217;t forget: &#8220;no food&#8221; in the lab&nbsp;&nbsp;&nbsp;please.<o:p></o:p></p>'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Cheers,<br>Anna<o:p></o:p></p></div></body></html>')
case("word-html-only-entities", "Word HTML only, us-ascii 7bit: &amp;, numeric entities for smart quotes/dash, <br>, &nbsp; runs",
     message(outlook_headers("Anna Lee <anna.lee@example.com>", "Lab booking Friday", "en-US"),
             leaf('text/html; charset="us-ascii"', html.encode(), "7bit")),
     "Lab booking Friday: Hi Dave,\n\nThe R&D lab is booked for you on Friday - key at reception.\n"
     "Don't forget: \"no food\" in the lab please.\n\nCheers,\nAnna")

paras = ["Liebe Kolleginnen und Kollegen,", "",
         "am Samstag wird die Telefonanlage von 10 bis 11 Uhr aktualisiert. Notrufe über 112 funktionieren weiterhin.",
         "", "Euer IT-Team"]
case("word-html-only-utf8-base64", "Word HTML only, UTF-8 base64, lists CSS, Word signature table after '-- '",
     message(outlook_headers("IT-Team <it@example.de>", "Update Telefonanlage am Samstag", "de-DE"),
             text_part(word_html(paras, charset="utf-8", lists=True,
                                 tail=word_signature(["IT-Team", "Durchwahl -300"], "image002.png@01DB3D2A.5C8E1F70")),
                       "utf-8", "base64", subtype="html")),
     "Update Telefonanlage am Samstag: Liebe Kolleginnen und Kollegen,\n\nam Samstag wird die Telefonanlage von 10 "
     "bis 11 Uhr aktualisiert. Notrufe über 112 funktionieren weiterhin.\n\nEuer IT-Team")

# --- Apple Mail / iPhone

def apple(name, what, frm, subject, plain, html, sms, extra=()):
    alt = multi("alternative", [leaf("text/plain;\n\tcharset=utf-8", qp(plain, "utf-8"), "quoted-printable"),
                                leaf("text/html;\n\tcharset=utf-8", qp(html, "utf-8"), "quoted-printable")],
                boundary="Apple-Mail=_%08X-%04X-4C1D-9E2A-5B7C8D9E0F1A" % (RNG.randrange(16**8), RNG.randrange(16**4)))
    case(name, what, message(base_headers(frm, subject, extra=["X-Mailer: Apple Mail (2.3826.200.121)"] + list(extra)), alt), sms)


apple("apple-mail-de", "Apple Mail DE reply, utf-8 QP, 'Am ... schrieb ...:' attribution with '> ' quotes",
      "Peter Lang <peter.lang@example.de>", "Re: =?utf-8?Q?St=C3=B6rung_Anlage_4?=",
      "Hallo zusammen,\n\ndie Anlage läuft wieder, Drucksensor getauscht.\n\nLG\nPeter\n\n"
      "> Am 23.11.2026 um 07:45 schrieb Leitstand <leitstand@example.de>:\n> \n> Störung Anlage 4: Druckabfall Kreis 2\n> \n",
      "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head><body style=\"overflow-wrap: "
      "break-word; -webkit-nbsp-mode: space; line-break: after-white-space;\"><div>Hallo zusammen,</div><div><br></div>"
      "<div>die Anlage läuft wieder, Drucksensor getauscht.</div><div><br></div><div>LG</div><div>Peter</div><div><br>"
      "<blockquote type=\"cite\"><div>Am 23.11.2026 um 07:45 schrieb Leitstand &lt;leitstand@example.de&gt;:</div><br>"
      "<div><div>Störung Anlage 4: Druckabfall Kreis 2</div></div></blockquote></div><br></body></html>",
      "Re: Störung Anlage 4: Hallo zusammen,\n\ndie Anlage läuft wieder, Drucksensor getauscht.\n\nLG\nPeter")

apple("apple-iphone-en", "iPhone Mail EN reply: smart apostrophe, 'Sent from my iPhone', 'On ... wrote:' quotes",
      "Emma Clarke <emma.clarke@example.com>", "Re: Your repair is ready for collection",
      "Thanks, I’ll pick it up tomorrow morning around 9.\n\nSent from my iPhone\n\n"
      "> On 23 Nov 2026, at 14:02, Service Desk <servicedesk@example.com> wrote:\n> \n> Dear Ms Clarke,\n"
      "> your laptop is ready for collection.\n",
      "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head><body dir=\"auto\">"
      "<div dir=\"ltr\">Thanks, I’ll pick it up tomorrow morning around 9.</div><div dir=\"ltr\"><br></div>"
      "<div dir=\"ltr\">Sent from my iPhone</div><div dir=\"ltr\"><br><blockquote type=\"cite\">On 23 Nov 2026, at 14:02, "
      "Service Desk &lt;servicedesk@example.com&gt; wrote:<br><br></blockquote></div><blockquote type=\"cite\">"
      "<div dir=\"ltr\">Dear Ms Clarke,<br>your laptop is ready for collection.</div></blockquote></body></html>",
      "Re: Your repair is ready for collection: Thanks, I'll pick it up tomorrow morning around 9.")

case("iphone-de-plain", "iPhone plain only, 'Von meinem iPhone gesendet' mobile signature",
     message(base_headers("Kai Neumann <kai.neumann@example.de>", "Re: Rufbereitschaft Wochenende"),
             leaf("text/plain;\n\tcharset=us-ascii", b"Geht klar, ich bin ab 8 Uhr erreichbar.\n\n"
                  b"Von meinem iPhone gesendet\n\n> Am 23.11.2026 um 13:12 schrieb Leitstand <leitstand@example.de>:\n"
                  b"> \n> Wer uebernimmt am Wochenende?\n", "7bit")),
     "Re: Rufbereitschaft Wochenende: Geht klar, ich bin ab 8 Uhr erreichbar.")

# --- Gmail

def gmail(name, what, frm, subject, plain, html, sms):
    alt = multi("alternative", [leaf('text/plain; charset="UTF-8"', qp(plain, "utf-8"), "quoted-printable"),
                                leaf('text/html; charset="UTF-8"', qp(html, "utf-8"), "quoted-printable")],
                boundary="000000000000%012x" % RNG.randrange(16**12))
    case(name, what, message(base_headers(frm, subject), alt), sms)


gmail("gmail-en-wrapped-attribution", "Gmail EN reply: 'On ... wrote:' wrapped over two lines, '> ' quotes",
      "Oliver Grant <oliver.grant@gmail.example>", "Re: Boiler service appointment",
      "Tuesday works for me, anytime after 10.\n\nOliver\n\nOn Mon, Nov 23, 2026 at 2:02 PM Heating Services Ltd <\n"
      "bookings@heating-services.example> wrote:\n\n> Dear Mr Grant,\n>\n> we can offer Tuesday or Wednesday this week.\n>\n",
      "<div dir=\"ltr\">Tuesday works for me, anytime after 10.<div><br></div><div>Oliver</div></div><br>"
      "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, Nov 23, 2026 at 2:02 PM Heating Services "
      "Ltd &lt;<a href=\"mailto:bookings@heating-services.example\">bookings@heating-services.example</a>&gt; wrote:<br>"
      "</div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);"
      "padding-left:1ex\">Dear Mr Grant,<br><br>we can offer Tuesday or Wednesday this week.</blockquote></div>\n",
      "Re: Boiler service appointment: Tuesday works for me, anytime after 10.\n\nOliver")

gmail("gmail-de-attribution", "Gmail DE reply: 'Am Mo., ... schrieb ... <' wrapped attribution",
      "Lena Hoffmann <lena.hoffmann@gmail.example>", "Re: Termin Zählerablesung",
      "Passt, ich bin am Mittwoch ab 7:30 zu Hause.\n\nAm Mo., 23. Nov. 2026 um 14:02 Uhr schrieb Stadtwerke "
      "Kundenservice <\nkundenservice@stadtwerke.example>:\n\n> Sehr geehrte Frau Hoffmann,\n>\n> wir möchten den Zähler "
      "ablesen.\n>\n",
      "<div dir=\"ltr\">Passt, ich bin am Mittwoch ab 7:30 zu Hause.</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
      "class=\"gmail_attr\">Am Mo., 23. Nov. 2026 um 14:02 Uhr schrieb Stadtwerke Kundenservice &lt;"
      "kundenservice@stadtwerke.example&gt;:<br></div><blockquote class=\"gmail_quote\">Sehr geehrte Frau Hoffmann,<br>"
      "<br>wir möchten den Zähler ablesen.</blockquote></div>\n",
      "Re: Termin Zählerablesung: Passt, ich bin am Mittwoch ab 7:30 zu Hause.")

gmail("gmail-forward-inline", "Gmail inline forward: note above '---------- Forwarded message ---------' (cut)",
      "Nina Berg <nina.berg@gmail.example>", "Fwd: Zugangsdaten Kundenportal",
      "Kannst du das bitte heute noch einrichten?\n\n---------- Forwarded message ---------\nVon: Kundenportal "
      "<noreply@portal.example>\nDate: Mo., 23. Nov. 2026 um 11:20 Uhr\nSubject: Zugangsdaten Kundenportal\nTo: "
      "<nina.berg@gmail.example>\n\n\nIhr Zugang wurde angelegt.\n",
      "<div dir=\"ltr\">Kannst du das bitte heute noch einrichten?<br><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
      "class=\"gmail_attr\">---------- Forwarded message ---------<br>Von: Kundenportal<br>Date: Mo., 23. Nov. 2026 "
      "um 11:20 Uhr<br>Subject: Zugangsdaten Kundenportal<br></div><br>Ihr Zugang wurde angelegt.</div></div>\n",
      "Fwd: Zugangsdaten Kundenportal: Kannst du das bitte heute noch einrichten?")

# --- Thunderbird, format=flowed

def flow(text, width=72, delsp=False):
    """RFC 3676 encoding: soft breaks end in a space; quoted lines keep '>'."""
    out = []
    for line in text.split("\n"):
        if line == "-- " or len(line) <= width:
            out.append(line.rstrip(" ") if line != "-- " else line)
            continue
        words = line.split(" ")
        cur = ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > width:
                out.append(cur + " " + (" " if delsp else ""))
                cur = w
            else:
                cur = cur + " " + w if cur else w
        out.append(cur)
    return "\n".join(out)


def thunderbird(name, what, frm, subject, text, sms, delsp=False, charset="UTF-8", cte="8bit"):
    body = flow(text, delsp=delsp).encode(charset)
    if cte == "quoted-printable":
        body = quopri.encodestring(body)
    params = "; format=flowed" + ("; delsp=yes" if delsp else "")
    case(name, what, message(base_headers(frm, subject, extra=[
        "User-Agent: Mozilla Thunderbird", "Content-Language: de-DE"]),
        leaf("text/plain; charset=%s%s" % (charset, params), body, cte)), sms)


para = ("die Datensicherung der Buchhaltung ist heute Nacht wegen eines vollen Bandlaufwerks abgebrochen. Ich habe "
        "das Band getauscht und die Sicherung um 07:40 Uhr neu gestartet, sie läuft noch etwa zwei Stunden.")
thunderbird("thunderbird-flowed-de", "Thunderbird DE, format=flowed 8bit: soft-broken paragraph rejoined, '-- ' signature",
            "Martin Vogel <martin.vogel@example.de>", "Datensicherung Buchhaltung",
            "Hallo Birgit,\n\n" + para + "\n\nGruß\nMartin\n\n-- \nMartin Vogel\nIT-Administration\nTel. 0711 98765-12",
            "Datensicherung Buchhaltung: Hallo Birgit,\n\n" + para + "\n\nGruß\nMartin")

para = ("the new firewall rules for the VPN gateway are active since 06:00 this morning. If your remote desktop "
        "connection fails, please restart the VPN client once and try again before calling the hotline.")
thunderbird("thunderbird-flowed-delsp", "format=flowed; delsp=yes, quoted-printable: soft breaks drop the added space",
            "Network Team <network@example.com>", "VPN gateway firewall change",
            "Hello everyone,\n\n" + para + "\n\nNetwork Team", "VPN gateway firewall change: Hello everyone,\n\n" + para +
            "\n\nNetwork Team", delsp=True, cte="quoted-printable")

thunderbird("thunderbird-bottom-post", "Thunderbird bottom-post: attribution and '> ' quote first, answer below",
            "Anna Schmidt <anna.schmidt@example.com>", "Re: VPN down?",
            "On 11/23/26 2:02 PM, Ben Kraus wrote:\n> Is the VPN down? I cannot connect from the Hamburg office.\n"
            "> \n> Ben\n\nYes, the provider is working on it, they expect it back by 15:30.\n\nAnna",
            "Re: VPN down?: Yes, the provider is working on it, they expect it back by 15:30.\n\nAnna")

thunderbird("thunderbird-nested-quotes", "Thunderbird DE top-post over '>>' nested quotes, attribution 'Am ... schrieb ...:'",
            "Birgit Frank <birgit.frank@example.de>", "Re: Datensicherung Buchhaltung",
            "Danke, ich gebe Bescheid, wenn sie durch ist.\n\nAm 23.11.26 um 08:02 schrieb Martin Vogel:\n> Hallo Birgit,\n"
            ">\n> die Sicherung läuft noch.\n>\n>> Am 22.11.26 um 23:10 schrieb Backup-Server:\n>> Job failed.\n",
            "Re: Datensicherung Buchhaltung: Danke, ich gebe Bescheid, wenn sie durch ist.")

# --- ERP mailers

dun = ("Sehr geehrte Damen und Herren, laut unserer Buchhaltung ist die Rechnung 2026-004711 vom 15.10.2026 ueber "
       "EUR 1.842,50 trotz Faelligkeit am 14.11.2026 noch nicht beglichen. Wir bitten Sie, den offenen Betrag "
       "bis zum 30.11.2026 auf das unten genannte Konto zu ueberweisen. Sollten Sie die Zahlung bereits veranlasst "
       "haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.")
dun2 = ("Kontoinhaber: Beispiel Handels GmbH, IBAN DE02 1203 0000 0000 2020 51, BIC BYLADEM1001, Verwendungszweck: "
        "Kundennummer 100234 / Rechnung 2026-004711. Bei Rueckfragen erreichen Sie unsere Debitorenbuchhaltung unter "
        "0711 555-1234 (Mo-Do 8-16 Uhr, Fr 8-13 Uhr).")
head = ["Return-Path: <sapmail@erp.example.de>", "From: sapmail@erp.example.de",
        "To: " + TO, "Subject: Zahlungserinnerung Kundennr. 100234", "Date: " + DATE,
        "Message-ID: <20261123140211.ABC123@erp.example.de>"]
case("erp-dunning-ascii-longlines", "ERP dunning: no MIME headers at all, ASCII, 300+ character lines; truncated to 3 parts",
     (("\n".join(head) + "\n\n").encode(), (dun + "\n\n" + dun2 + "\n\nIhre Beispiel Handels GmbH\n").encode()),
     truncate("Zahlungserinnerung Kundennr. 100234: " + dun + "\n\n" + dun2 + "\n\nIhre Beispiel Handels GmbH"))

l1 = ("Sehr geehrter Kunde, trotz unserer Zahlungserinnerung ist der Betrag von 312,40 € für Rechnung 2026-003905 "
      "noch offen. Bitte überweisen Sie ihn bis 04.12.2026. Für diese Mahnung berechnen wir eine Gebühr von 5,00 €.")
head = ["From: \"Debitoren\" <erp@handel.example.de>", "To: " + TO, "Subject: 1. Mahnung Rechnung 2026-003905",
        "Date: " + DATE, "Message-ID: <mahnung.2026003905@handel.example.de>"]
case("erp-cp1252-8bit-no-mime", "ERP: raw 8-bit cp1252 (umlauts, euro 0x80) with no MIME headers and no charset",
     (("\n".join(head) + "\n\n").encode(), (l1 + "\n\nBuchhaltung\n").encode("cp1252")),
     "1. Mahnung Rechnung 2026-003905: " + l1 + "\n\nBuchhaltung")

l1 = "Ihre Bestellung 4711-0815 wurde versandt. Sendungsnummer: 00340434161094015902. Zustellung voraussichtlich am 25.11.2026."
case("erp-content-type-no-charset", "ERP: Content-Type text/plain without charset, 8-bit latin-1 body, column spaces collapsed",
     message(["From: Versand <versand@shop.example.de>", "To: " + TO, "Subject: Versandmeldung 4711-0815",
              "Date: " + DATE],
             leaf("text/plain", (l1 + "\n\nPos   Artikel            Menge\n10    Dübel 8mm          200\n20    Schrauben 5x60     "
                                 "500\n\nGrüße aus dem Versand\n").encode("latin-1"), "8bit")),
     "Versandmeldung 4711-0815: " + l1 + "\n\nPos Artikel Menge\n10 Dübel 8mm 200\n20 Schrauben 5x60 500\n\nGrüße aus dem Versand")

l1 = "Der Fertigungsauftrag 1000456 ist abgeschlossen. Gutmenge: 480 Stück, Ausschuss: 20 Stück, Rückmeldung durch Schicht B."
case("erp-uppercase-headers", "ERP: upper-case TEXT/PLAIN; CHARSET=ISO-8859-1 and QUOTED-PRINTABLE",
     message(["From: SAPSYSTEM <sap@werk.example.de>", "To: " + TO, "Subject: FA 1000456 abgeschlossen", "Date: " + DATE],
             leaf("TEXT/PLAIN; CHARSET=ISO-8859-1", qp(l1 + "\n", "latin-1"), "QUOTED-PRINTABLE")),
     "FA 1000456 abgeschlossen: " + l1)

l1 = "Offener Posten 2026-5521: 2.480,00 € (fällig seit 01.11.2026). Mahnstufe 2."
case("erp-iso8859-1-euro-0x80", "ERP declares iso-8859-1 but writes the cp1252 euro byte 0x80: read as cp1252 (debatable)",
     message(["From: Buchhaltung <fibu@example.de>", "To: " + TO, "Subject: Mahnlauf 23.11.2026", "Date: " + DATE],
             leaf("text/plain; charset=iso-8859-1", (l1 + "\n").encode("cp1252"), "8bit")),
     "Mahnlauf 23.11.2026: " + l1)

case("erp-html-no-charset", "ERP HTML without charset, ASCII only: <p> blocks apart by a blank line, <br> a line (debatable)",
     message(["From: noreply@erp.example.com", "To: " + TO, "Subject: Purchase order PO-88231 approved", "Date: " + DATE],
             leaf("text/html", b"<html><body><p>Purchase order PO-88231 (Supplier: ACME Tools Inc.) has been approved "
                  b"by J. Miller.</p><p>Total: USD 12,480.00<br>Delivery: 2026-12-04</p><p>This is an automatically "
                  b"generated message. Please do not reply.</p></body></html>\n", "7bit")),
     "Purchase order PO-88231 approved: Purchase order PO-88231 (Supplier: ACME Tools Inc.) has been approved by J. "
     "Miller.\n\nTotal: USD 12,480.00\nDelivery: 2026-12-04\n\nThis is an automatically generated message. Please do "
     "not reply.")

# --- multipart structures

case("mixed-pdf-attachment", "multipart/mixed: text/plain and a PDF attachment (text only)",
     message(base_headers("Rechnungsstelle <rechnung@example.de>", "Ihre Rechnung 2026-11-0042"),
             multi("mixed", [text_part("Guten Tag,\n\nanbei Ihre Rechnung 2026-11-0042 als PDF.\n\nIhr Abrechnungsteam\n",
                                       "iso-8859-1"),
                             attachment("application/pdf", "Rechnung_2026-11-0042.pdf", pdf("Rechnung 2026-11-0042"))])),
     "Ihre Rechnung 2026-11-0042: Guten Tag,\n\nanbei Ihre Rechnung 2026-11-0042 als PDF.\n\nIhr Abrechnungsteam")

case("mixed-rfc2231-filename", "multipart/mixed: attachment name in RFC 2231 filename*=UTF-8''..., body text in windows-1252",
     message(base_headers("Personalabteilung <personal@example.de>", "Urlaubsantrag genehmigt"),
             multi("mixed", [text_part("Ihr Urlaubsantrag für 21.12.–31.12. wurde genehmigt.\n", "windows-1252", "8bit"),
                             attachment("application/pdf", "Urlaubsantrag_M_ller.pdf", pdf("Antrag"),
                                        disp_name="*=UTF-8''Urlaubsantrag_M%C3%BCller.pdf")])),
     "Urlaubsantrag genehmigt: Ihr Urlaubsantrag für 21.12.-31.12. wurde genehmigt.")

case("rfc2231-charset-param", "text/plain with the charset itself in RFC 2231 form: charset*=us-ascii'de'iso-8859-1",
     message(base_headers("Hausmeister <hausmeister@example.de>", "Heizung Halle 3"),
             leaf("text/plain; charset*=us-ascii'de'iso-8859-1",
                  "Die Heizung in Halle 3 läuft wieder. Bitte Türen geschlossen halten.\n".encode("latin-1"), "8bit")),
     "Heizung Halle 3: Die Heizung in Halle 3 läuft wieder. Bitte Türen geschlossen halten.")

case("rfc2231-charset-continuation", "charset split in RFC 2231 continuations: charset*0=windows-; charset*1=1252, QP",
     message(base_headers("Empfang <empfang@example.de>", "Besucher wartet"),
             leaf("text/plain;\n charset*0=\"windows-\";\n charset*1=\"1252\"",
                  qp("Herr Köhler von der Firma Weiß & Söhne wartet am Empfang – Termin 15 Uhr.\n", "cp1252"),
                  "quoted-printable")),
     "Besucher wartet: Herr Köhler von der Firma Weiß & Söhne wartet am Empfang - Termin 15 Uhr.")

case("related-inline-image", "multipart/related: HTML with <img src=cid:> and the image part",
     message(base_headers("Facility <facility@example.de>", "Parkplatz gesperrt"),
             multi("related", [text_part("<html><body><p>Der Parkplatz P2 ist morgen wegen Asphaltarbeiten gesperrt.</p>"
                                         "<p><img src=\"cid:plan@facility\" alt=\"\"></p><p>Bitte P4 nutzen.</p>"
                                         "</body></html>", "utf-8", subtype="html"),
                               attachment("image/png", "plan.png", png(), inline=True, cid="plan@facility")],
                   params=' type="text/html";')),
     "Parkplatz gesperrt: Der Parkplatz P2 ist morgen wegen Asphaltarbeiten gesperrt.\n\nBitte P4 nutzen.")

plain = "Sehr geehrte Frau Koch,\n\nIhr Antrag auf Homeoffice ab 01.12.2026 wurde genehmigt.\n\nPersonalabteilung\n"
html = ("<html><body><p>Sehr geehrte Frau Koch,</p><p>Ihr Antrag auf Homeoffice ab 01.12.2026 wurde genehmigt.</p>"
        "<p>Personalabteilung<br><img src=\"cid:logo@hr\"></p></body></html>")
case("nested-mixed-alt-related", "nested: mixed(alternative(plain, related(html, png)), pdf)",
     message(base_headers("Personal <personal@example.de>", "Antrag Homeoffice genehmigt"),
             multi("mixed", [multi("alternative", [text_part(plain, "utf-8"),
                                                   multi("related", [text_part(html, "utf-8", subtype="html"),
                                                                     attachment("image/png", "logo.png", png(), True,
                                                                                "logo@hr")])]),
                             attachment("application/pdf", "Bescheid.pdf", pdf("Bescheid"))])),
     "Antrag Homeoffice genehmigt: Sehr geehrte Frau Koch,\n\nIhr Antrag auf Homeoffice ab 01.12.2026 wurde genehmigt."
     "\n\nPersonalabteilung")

case("alternative-html-first", "multipart/alternative in the wrong order (html first, plain last)",
     message(base_headers("Kantine <kantine@example.de>", "Speiseplan heute"),
             multi("alternative", [text_part("<p>Heute: Linsensuppe, Spätzle mit Rahmsoße, Obstsalat.</p>", "utf-8",
                                             subtype="html"),
                                   text_part("Heute: Linsensuppe, Spätzle mit Rahmsoße, Obstsalat.\n", "utf-8")])),
     "Speiseplan heute: Heute: Linsensuppe, Spätzle mit Rahmsoße, Obstsalat.")

case("html-only-image", "HTML body that is only an image: the subject alone is sent",
     message(base_headers("Bauleitung <bau@example.de>", "Lageplan Baustelle Nord"),
             multi("related", [text_part("<html><body><div><img src=\"cid:lageplan@bau\" width=\"800\"></div></body></html>",
                                         "utf-8", subtype="html"),
                               attachment("image/png", "lageplan.png", png(), True, "lageplan@bau")])),
     "Lageplan Baustelle Nord")

case("attachment-only-no-subject", "only a PDF attachment, no Subject header: nothing to send",
     message(base_headers("scanner@example.de", None),
             multi("mixed", [attachment("application/pdf", "scan_0001.pdf", pdf("Scan"))])),
     reject="550 5.6.0")

case("empty-text-empty-subject", "empty text/plain part, empty Subject, a PDF: nothing to send",
     message(base_headers("scanner@example.de", ""),
             multi("mixed", [text_part("\n\n", "us-ascii", "7bit"),
                             attachment("application/pdf", "scan_0002.pdf", pdf("Scan"))])),
     reject="550 5.6.0")

case("attachment-only-with-subject", "scanner mail: only a PDF, the subject is the text",
     message(base_headers("Scanner KM-C458 <scanner@example.de>", "Scan von KM-C458 (3 Seiten)"),
             multi("mixed", [attachment("application/pdf", "SKM_C45826112314020.pdf", pdf("Scan", 6000))])),
     "Scan von KM-C458 (3 Seiten)")

inner = message(base_headers("Wartungsdienst <service@lift.example>", "Wartungsvertrag 2027"),
                text_part("Sehr geehrte Damen und Herren,\n\nanbei das Angebot für 2027.\n", "utf-8"))
case("forward-rfc822-with-note", "forward as attachment: note plus message/rfc822; the note is sent",
     message(base_headers("Jörg Hahn <joerg.hahn@example.de>", "WG: Wartungsvertrag 2027"),
             multi("mixed", [text_part("FYI – bitte bis Freitag prüfen.\n", "utf-8"), rfc822_part(inner)])),
     "WG: Wartungsvertrag 2027: FYI - bitte bis Freitag prüfen.")

inner = message(base_headers("Leitstand <leitstand@example.de>", "Alarm Pumpe 3"),
                text_part("Pumpe 3 meldet Trockenlauf seit 13:58.\n", "utf-8"))
case("forward-rfc822-only", "forward as attachment with no note: the forwarded message's text (debatable)",
     message(base_headers("Jörg Hahn <joerg.hahn@example.de>", "Fwd: Alarm Pumpe 3"),
             multi("mixed", [rfc822_part(inner)])),
     "Fwd: Alarm Pumpe 3: Pumpe 3 meldet Trockenlauf seit 13:58.")

# --- RFC 2047 subjects

def plain_case(name, what, subject, text, sms, frm="Leitstand <leitstand@example.de>", charset="utf-8",
               cte="quoted-printable"):
    case(name, what, message(base_headers(frm, subject), text_part(text, charset, cte)), sms)


plain_case("subject-q-adjacent", "RFC 2047: adjacent Q words, the whitespace between them dropped",
           "=?UTF-8?Q?St=C3=B6rung?= =?UTF-8?Q?_Heizung_Geb=C3=A4ude_C?=",
           "Vorlauftemperatur unter 40 Grad.\n",
           "Störung Heizung Gebäude C: Vorlauftemperatur unter 40 Grad.")
plain_case("subject-b-folded", "RFC 2047: long UTF-8 B subject folded over three lines",
           folded_b("Erinnerung: Sicherheitsunterweisung für alle Mitarbeitenden im Lager am Donnerstag um 7:30 Uhr "
                    "im Schulungsraum 1"),
           "Teilnahme ist Pflicht.\n",
           "Erinnerung: Sicherheitsunterweisung für alle Mitarbeitenden im Lager am Donnerstag um 7:30 Uhr im "
           "Schulungsraum 1: Teilnahme ist Pflicht.")
plain_case("subject-mixed-q-b-charsets", "RFC 2047: ISO-8859-1 Q, UTF-8 B and plain words mixed in one folded subject",
           "=?ISO-8859-1?Q?Pr=FCfung?= der " + ew_b("Brandmeldeanlage") + "\n =?UTF-8?Q?_abgeschlossen_=E2=80=93?= ok",
           "Alle Melder in Ordnung.\n",
           "Prüfung der Brandmeldeanlage abgeschlossen - ok: Alle Melder in Ordnung.")
plain_case("subject-mixed-languages", "subject in German, English, Russian and Japanese (UCS-2)",
           folded_b("Wartung / Maintenance / Обслуживание / 保守 28.11."),
           "Server srv-db-01 ist am Samstag von 22 bis 24 Uhr nicht erreichbar.\n",
           "Wartung / Maintenance / Обслуживание / 保守 28.11.: Server srv-db-01 ist am Samstag von 22 bis 24 Uhr "
           "nicht erreichbar.")
plain_case("subject-lowercase-q", "RFC 2047: lower-case charset and q, '_' as space, encoded '?' and '='",
           "=?utf-8?q?Wer_hat_den_Schl=C3=BCssel_f=C3=BCr_Raum_1=3D2=3F?=",
           "Bitte am Empfang abgeben.\n",
           "Wer hat den Schlüssel für Raum 1=2?: Bitte am Empfang abgeben.")
case("subject-raw-utf8", "raw 8-bit UTF-8 in the Subject header (no RFC 2047)",
     (("\n".join(base_headers("monitor@example.de", "Überlauf Regenbecken – Stufe 2")) +
       "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n").encode(),
      "Pegel 2,35 m, steigend.\n".encode()),
     "Überlauf Regenbecken - Stufe 2: Pegel 2,35 m, steigend.")
plain_case("subject-encoded-word-iso8859-15", "RFC 2047 ISO-8859-15 B word with the euro sign (0xA4)",
           ew_b("Gutschrift 250,00 € erhalten", "iso-8859-15"), "Die Gutschrift ist gebucht.\n",
           "Gutschrift 250,00 € erhalten: Die Gutschrift ist gebucht.")

# --- bracket commands

plain_case("subject-src-command", "[SRC:...] command removed from the subject",
           "[SRC:Leitstand] Alarm Pumpe 3", "Druck unter Minimum (1,2 bar).\n",
           "Alarm Pumpe 3: Druck unter Minimum (1,2 bar).")
plain_case("subject-multi-commands", "several commands removed, '[Ticket 5531]' (not a command) kept",
           "[SRC:IT-Ops][FLASH:ON] [VALIDITY:4] Backup fehlgeschlagen [Ticket 5531]",
           "Job NAS-Daily beendet mit Fehler 0x80070070.\n",
           "Backup fehlgeschlagen [Ticket 5531]: Job NAS-Daily beendet mit Fehler 0x80070070.")
plain_case("subject-only-commands", "subject that is only commands: the body is sent alone",
           "[SRC:Service] [DN:ON]", "Ihr Termin morgen 9:00 Uhr ist bestätigt.\n",
           "Ihr Termin morgen 9:00 Uhr ist bestätigt.")

# --- scripts and charsets

plain_case("greek-iso-8859-7", "Greek in ISO-8859-7 QP (UCS-2)",
           ew_q("Παράδοση παραγγελίας", "iso-8859-7"),
           "Η παραγγελία σας 5521 θα παραδοθεί αύριο μεταξύ 10:00 και 12:00.\n",
           "Παράδοση παραγγελίας: Η παραγγελία σας 5521 θα παραδοθεί αύριο μεταξύ 10:00 και 12:00.",
           charset="iso-8859-7")
plain_case("cyrillic-koi8r", "Russian in KOI8-R 8bit, KOI8-R B subject",
           ew_b("Отключение электричества", "koi8-r"),
           "Завтра с 9 до 11 часов в корпусе Б не будет электричества.\n",
           "Отключение электричества: Завтра с 9 до 11 часов в корпусе Б не будет электричества.",
           charset="koi8-r", cte="8bit")
plain_case("cyrillic-windows-1251", "Russian in windows-1251 QP from Outlook, with a '-- ' signature",
           ew_q("Заявка 3120 выполнена", "windows-1251"),
           "Добрый день!\n\nПринтер в бухгалтерии починили.\n\n-- \nИван Петров\nИТ-отдел\n",
           "Заявка 3120 выполнена: Добрый день!\n\nПринтер в бухгалтерии починили.", charset="windows-1251")
plain_case("cyrillic-utf8-base64", "Ukrainian in UTF-8 base64",
           ew_b("Нагадування про зустріч"), "Зустріч о 15:00 у кімнаті 204.\n",
           "Нагадування про зустріч: Зустріч о 15:00 у кімнаті 204.", cte="base64")
apple("arabic-utf8-rtl", "Arabic, UTF-8 QP plain + dir=rtl HTML, with 'Sent from my iPhone'",
      "Omar Haddad <omar.haddad@example.ae>", ew_b("موعد الصيانة"),
      "سيصل الفني غدا الساعة العاشرة صباحا.\n\nSent from my iPhone\n",
      "<html><body dir=\"rtl\"><div>سيصل الفني غدا الساعة العاشرة صباحا.</div><div><br></div>"
      "<div>Sent from my iPhone</div></body></html>",
      "موعد الصيانة: سيصل الفني غدا الساعة العاشرة صباحا.")
plain_case("arabic-windows-1256", "Arabic in windows-1256 QP",
           ew_q("تم شحن الطلب", "cp1256"), "تم شحن طلبك رقم 7781 اليوم.\n",
           "تم شحن الطلب: تم شحن طلبك رقم 7781 اليوم.", charset="windows-1256")
plain_case("japanese-iso-2022-jp", "Japanese in ISO-2022-JP 7bit, ISO-2022-JP B subject",
           ew_b("サーバー保守のお知らせ", "iso-2022-jp"),
           "本日22時から24時まで、メールサーバーの保守を行います。\n",
           "サーバー保守のお知らせ: 本日22時から24時まで、メールサーバーの保守を行います。",
           frm=ew_b("管理者", "iso-2022-jp") + " <admin@example.jp>", charset="iso-2022-jp", cte="7bit")
plain_case("japanese-shift-jis", "Japanese in Shift_JIS base64",
           ew_b("会議室の予約確認", "shift_jis"), "明日10時から第3会議室を予約しました。\n",
           "会議室の予約確認: 明日10時から第3会議室を予約しました。", charset="shift_jis", cte="base64")
plain_case("chinese-gb2312", "Simplified Chinese in GB2312 base64, GB2312 B subject",
           ew_b("设备维修通知", "gb2312"), "您的打印机已修好，请到服务台领取。\n",
           "设备维修通知: 您的打印机已修好，请到服务台领取。", charset="gb2312", cte="base64")
plain_case("chinese-big5", "Traditional Chinese in Big5 base64",
           ew_b("停車場公告", "big5"), "明天早上停車場關閉整修。\n",
           "停車場公告: 明天早上停車場關閉整修。", charset="big5", cte="base64")
plain_case("korean-euc-kr", "Korean in EUC-KR base64",
           ew_b("배송 안내", "euc-kr"), "주문하신 상품이 오늘 발송되었습니다.\n",
           "배송 안내: 주문하신 상품이 오늘 발송되었습니다.", charset="euc-kr", cte="base64")
case("utf16-base64", "text/plain; charset=utf-16 with BOM, base64 (a .NET mailer)",
     message(base_headers("Zeiterfassung <zeit@example.de>", "Fehlbuchung 23.11."),
             leaf("text/plain; charset=utf-16", b64("Für den 23.11. fehlt die Gehen-Buchung.\r\n".encode("utf-16")),
                  "base64")),
     "Fehlbuchung 23.11.: Für den 23.11. fehlt die Gehen-Buchung.")
case("utf16le-no-bom", "text/plain; charset=utf-16le without BOM, base64",
     message(base_headers("Zeiterfassung <zeit@example.de>", "Saldo November"),
             leaf("text/plain; charset=utf-16le", b64("Gleitzeitsaldo: +12:30 Stunden.\r\n".encode("utf-16-le")),
                  "base64")),
     "Saldo November: Gleitzeitsaldo: +12:30 Stunden.")

# --- emoji and typography

case("emoji-iphone-de", "emoji (UCS-2 with surrogates): „“ quotes stay as they are, iPhone mobile signature cut",
     message(base_headers("Kai Neumann <kai.neumann@example.de>", "Re: Lieferung"),
             text_part("Bin in 10 Minuten da 👍 Ware liegt im „Lager Süd“.\n\nVon meinem iPhone gesendet\n", "utf-8")),
     "Re: Lieferung: Bin in 10 Minuten da 👍 Ware liegt im „Lager Süd“.")
plain_case("emoji-subject", "emoji in a B-encoded subject",
           ew_b("🔥 Brandalarm Halle 2"), "Bitte Halle sofort räumen.\n",
           "🔥 Brandalarm Halle 2: Bitte Halle sofort räumen.")
plain_case("typography-transliterated", "smart quotes, dashes, ellipsis, NBSP: transliterated so the text stays GSM-7",
           "=?UTF-8?Q?=E2=80=9EWichtig=E2=80=9C_=E2=80=93_Serverraum?=",
           "Bitte die Tür zum Serverraum geschlossen halten\u00a0– die Klimaanlage schafft es sonst nicht… "
           "Danke! ‚Team IT‘ — “Facility”\n",
           "\"Wichtig\" - Serverraum: Bitte die Tür zum Serverraum geschlossen halten - die Klimaanlage schafft es "
           "sonst nicht... Danke! 'Team IT' - \"Facility\"")
plain_case("typography-with-greek-stays", "smart quotes next to Greek: UCS-2 anyway, quotes kept as written",
           "Lieferung Athen", "Die Ware für „Αθήνα“ ist verladen.\n",
           "Lieferung Athen: Die Ware für „Αθήνα“ ist verladen.")
plain_case("invisible-characters", "zero-width spaces, BOM, soft hyphens, NBSP, trailing spaces and blank-line runs cleaned",
           "Hinweis Zugang",
           "\ufeffDer Zu\u00adgang zum\u200b Rechenzentrum\u00a0ist ab\u2060 Montag nur mit Karte möglich.   \n\n\n\n"
           "Sicherheit\u200c  \n\n\n",
           "Hinweis Zugang: Der Zugang zum Rechenzentrum ist ab Montag nur mit Karte möglich.\n\nSicherheit")

# --- too long

long_de = ("Sehr geehrte Kundin, sehr geehrter Kunde, wegen dringender Arbeiten am Trinkwassernetz wird die "
           "Wasserversorgung in der Hauptstraße 1 bis 45, der Bahnhofstraße 2 bis 18 und im Lindenweg am "
           "Mittwoch, 25.11.2026, von 8:00 bis voraussichtlich 15:00 Uhr unterbrochen. Bitte füllen Sie sich "
           "vorher ausreichend Wasser ab und schließen Sie während der Unterbrechung alle Wasserhähne. Nach "
           "Wiederinbetriebnahme kann das Wasser kurzzeitig trüb sein; lassen Sie es dann einige Minuten laufen. "
           "Wir bitten um Ihr Verständnis. Bei Fragen erreichen Sie unseren Störungsdienst rund um die Uhr unter "
           "0800 123 4567.")
plain_case("long-de-truncated", "long German notice (GSM-7): cut to 3 parts at a word boundary with '...'",
           "Unterbrechung Wasserversorgung 25.11.", long_de + "\n\nIhre Stadtwerke\n",
           truncate("Unterbrechung Wasserversorgung 25.11.: " + long_de + "\n\nIhre Stadtwerke"),
           frm="Stadtwerke <info@stadtwerke.example>", charset="iso-8859-1")
long_el = ("Αγαπητέ πελάτη, σας ενημερώνουμε ότι λόγω προγραμματισμένων εργασιών συντήρησης στο δίκτυο, η "
           "υπηρεσία θα είναι μη διαθέσιμη την Τετάρτη από τις 08:00 έως τις 14:00. Ζητούμε συγγνώμη για την "
           "ταλαιπωρία και σας ευχαριστούμε για την κατανόηση.")
plain_case("long-greek-truncated", "long Greek text (UCS-2): cut to 3 parts at a word boundary with '…'",
           ew_b("Συντήρηση δικτύου"), long_el + "\n",
           truncate("Συντήρηση δικτύου: " + long_el), frm="Noc <noc@example.gr>", cte="base64")
long_en = ("Dear customer, here is today's list. " + " ".join(
    "Order %d [%d x %s] dispatched from {%s}, tracking number 1Z999AA1%010d." %
    (50000 + i, i + 2, item, wh, 123456 * (i + 1)) for i, (item, wh) in enumerate(
        [("M8 hex bolts", "Hamburg"), ("pipe clamps 22 mm", "Hamburg"), ("cable ties 300 mm", "Bremen"),
         ("safety gloves size 9", "Bremen"), ("drill bits HSS 6 mm", "Hannover"), ("LED panels 60x60", "Kassel")])))
plain_case("long-en-escape-chars", "long English ERP list with [ ] and € (2 septets each) near the cut",
           "Dispatch summary [23.11.2026]", long_en + " Total value: €1,284.90 [net].\n",
           truncate("Dispatch summary [23.11.2026]: " + long_en + " Total value: €1,284.90 [net]."),
           frm="noreply@erp.example.com")

# --- malformed MIME

case("malformed-missing-close-boundary", "multipart/alternative whose closing boundary never comes",
     message(base_headers("Alarm <alarm@example.de>", "Tor 5 offen"),
             multi("alternative", [text_part("Tor 5 steht seit 20 Minuten offen.\n", "utf-8"),
                                   text_part("<p>Tor 5 steht seit 20 Minuten offen.</p>", "utf-8", subtype="html")],
                   close=False)),
     "Tor 5 offen: Tor 5 steht seit 20 Minuten offen.")

case("malformed-wrong-content-length", "a Content-Length header far shorter than the body (ignored)",
     message(base_headers("Leitstand <leitstand@example.de>", "Kühlraum 2 zu warm", extra=["Content-Length: 12"]),
             text_part("Temperatur im Kühlraum 2: 9 Grad. Bitte Tür prüfen.\n", "utf-8")),
     "Kühlraum 2 zu warm: Temperatur im Kühlraum 2: 9 Grad. Bitte Tür prüfen.")

tb = b64("Bitte Rückruf unter 0711 123456, es geht um die Lieferung für Montag. Danke, Frank Ziegler\n".encode())
lines = tb.split(b"\n")
truncated = lines[0] + b"\n" + lines[1][:40] + b"\n"
full = base64.b64decode(lines[0] + lines[1][:40]).decode()
case("malformed-truncated-base64", "base64 cut off mid-line, no closing boundary: the decoded part is sent, cut word and all (debatable)",
     message(base_headers("Telefonzentrale <zentrale@example.de>", "Rückrufbitte"),
             multi("mixed", [leaf('text/plain; charset="utf-8"', truncated, "base64")], close=False)),
     "Rückrufbitte: " + full.rstrip())
case("malformed-preamble-epilogue", "junk in preamble and epilogue, boundary with quotes and spaces",
     message(base_headers("Monitoring <nagios@example.com>", "PROBLEM: disk /var 95%"),
             multi("mixed", [text_part("Host srv-web-02: /var is 95% full.\n", "us-ascii", "7bit")],
                   boundary="=== next part ===",
                   preamble=b"This is a multi-part message in MIME format.\nIf you see this, upgrade your mailer.\n",
                   epilogue=b"\n-- end of message --\ngarbage after the last boundary\n")),
     "PROBLEM: disk /var 95%: Host srv-web-02: /var is 95% full.")
case("malformed-multipart-no-mime-version", "multipart without MIME-Version header",
     message(base_headers("Alarm <alarm@example.de>", "Stromausfall Serverraum"),
             multi("mixed", [text_part("USV aktiv, Restlaufzeit 25 Minuten.\n", "us-ascii", "7bit")]), mime=False),
     "Stromausfall Serverraum: USV aktiv, Restlaufzeit 25 Minuten.")
case("malformed-bad-qp", "sloppy quoted-printable: lower-case hex, soft break at the very end",
     message(base_headers("Werkstatt <werkstatt@example.de>", "Auftrag 778 fertig"),
             leaf("text/plain; charset=utf-8", b"Auftrag 778 ist fertig, Rechnungsbetrag 1=2C5 h Arbeit =\n"
                  b"zu 89 =e2=82=ac. Abholung ab 16 Uhr m=c3=b6glich.=\n", "quoted-printable")),
     "Auftrag 778 fertig: Auftrag 778 ist fertig, Rechnungsbetrag 1,5 h Arbeit zu 89 €. Abholung ab 16 Uhr möglich.")
case("malformed-unknown-charset", "charset=x-unknown on a valid UTF-8 body",
     message(base_headers("Pforte <pforte@example.de>", "Paket angekommen"),
             leaf("text/plain; charset=x-unknown", "Ein Paket für Sie liegt an der Pforte (Größe L).\n".encode(), "8bit")),
     "Paket angekommen: Ein Paket für Sie liegt an der Pforte (Größe L).")
case("malformed-ascii-label-utf8-body", "charset=us-ascii declared, body is UTF-8",
     message(base_headers("Pforte <pforte@example.de>", "Besuch angemeldet"),
             leaf("text/plain; charset=us-ascii", "Herr Müller kommt um 10:30, Besprechungsraum Zürich.\n".encode(),
                  "8bit")),
     "Besuch angemeldet: Herr Müller kommt um 10:30, Besprechungsraum Zürich.")
case("mbox-saved-from-line", "saved from a mailbox: 'From ' line and X-Mozilla headers first, '>From' quoted in the body",
     (b"From - Mon Nov 23 14:05:40 2026\nX-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\n" +
      ("\n".join(base_headers("Lager Nord <lager@example.de>", "Abholung Rampe 4")) +
       "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n").encode(),
      "Die Paletten für Auftrag 4711 stehen bereit.\n>From Montag an bitte über Rampe 4 abholen.\n".encode()),
     "Abholung Rampe 4: Die Paletten für Auftrag 4711 stehen bereit.\nFrom Montag an bitte über Rampe 4 abholen.",
     crlf=False)
case("malformed-header-folding-lf-only", "bare LF line ends throughout, folded Subject, no Date",
     (b"From: cron@build.example.com\nTo: " + TO.encode() + b"\nSubject: Nightly build\n failed on arm64\n"
      b"Content-Type: text/plain\n\nmake: *** [Makefile:1234: check] Error 2\n", b""),
     "Nightly build failed on arm64: make: *** [Makefile:1234: check] Error 2", crlf=False)

# --- labels that lie: the charset the sender meant

def lying_part(text, label, really, cte="8bit"):
    """A text/plain part labelled one charset and written in another."""
    data = text.encode(really)
    return leaf('text/plain; charset="%s"' % label, b64(data) if cte == "base64" else data, cte)


def lying_ew(text, label, really):
    return "=?%s?B?%s?=" % (label, base64.b64encode(text.encode(really)).decode())


case("japanese-iso-2022-jp-label-shift-jis", "ISO-2022-JP label on Shift_JIS text (subject and 8bit body): read as Shift_JIS",
     message(base_headers("Soumu <soumu@example.jp>", lying_ew("会議室の予約確認", "ISO-2022-JP", "cp932")),
             lying_part("明日10時から第3会議室を予約しました。①番の席です。\n", "ISO-2022-JP", "cp932")),
     "会議室の予約確認: 明日10時から第3会議室を予約しました。①番の席です。")
case("japanese-iso-2022-jp-label-euc-jp", "ISO-2022-JP label on EUC-JP text, base64: read as EUC-JP",
     message(base_headers("Soumu <soumu@example.jp>", lying_ew("サーバー保守", "iso-2022-jp", "euc_jp")),
             lying_part("本日22時から24時まで、メールサーバーの保守を行います。\n", "iso-2022-jp", "euc_jp", "base64")),
     "サーバー保守: 本日22時から24時まで、メールサーバーの保守を行います。")
case("korean-euc-kr-label-cp949", "EUC-KR label on a Windows code page 949 body (a syllable EUC-KR lacks): read as cp949",
     message(base_headers("Baesong <baesong@example.kr>", ew_b("배송 안내", "euc-kr")),
             lying_part("똠방각하님, 주문하신 상품이 오늘 발송되었습니다.\n", "euc-kr", "cp949", "base64")),
     "배송 안내: 똠방각하님, 주문하신 상품이 오늘 발송되었습니다.")
case("us-ascii-encoded-words-8bit", "RFC 2047 words labelled us-ascii holding Latin-1 bytes: read as Windows Latin-1",
     message(base_headers("=?us-ascii?Q?J=FCrgen_B=E4r?= <baer@example.de>", "=?us-ascii?Q?Gr=FC=DFe_aus_K=F6ln?="),
             text_part("Lieferung ist unterwegs.\n", "us-ascii", "7bit")),
     "Grüße aus Köln: Lieferung ist unterwegs.")

# --- structure that breaks

case("malformed-cut-after-delimiter", "message cut off right after a part delimiter, no closing boundary: the text part still counts",
     message(base_headers("Alarm <alarm@example.de>", "Tor 5 offen"),
             multi("mixed", [text_part("Tor 5 steht seit 20 Minuten offen.\n", "utf-8"),
                             attachment("application/pdf", "Protokoll.pdf", pdf("Protokoll"))],
                   boundary="----=_Part_cut_1", close=False,
                   epilogue=b"\n------=_Part_cut_1\n")),
     "Tor 5 offen: Tor 5 steht seit 20 Minuten offen.")

# --- attributions in languages and forms the cleaner has no words for

case("mailru-russian-wrapped-attribution", "Mail.ru reply: Russian attribution with date, time and address wrapped over two lines",
     message(base_headers("Ivan Petrov <ivan.petrov@mail.example.ru>", "Re: Доставка"),
             text_part("Хорошо, жду курьера завтра до обеда.\n\n02.04.2026 14:20 пользователь \"Служба доставки\" "
                       "<dostavka@example.ru>\nнаписал:\n\n> Здравствуйте! Курьер приедет завтра.\n>\n", "utf-8")),
     "Re: Доставка: Хорошо, жду курьера завтра до обеда.")
case("yahoo-classic-reply", "Yahoo classic reply: '--- On ... wrote:' line above a From:/Subject:/To:/Date: block",
     message(base_headers("Tom Baker <tom.baker@yahoo.example>", "Re: Pickup time"),
             text_part("Thursday after 3 is fine.\n\n--- On Wed, 4/4/26, Service Desk <desk@example.com> wrote:\n\n"
                       "From: Service Desk <desk@example.com>\nSubject: Pickup time\nTo: \"Tom Baker\" "
                       "<tom.baker@yahoo.example>\nDate: Wednesday, April 4, 2026, 2:20 PM\n\nWhen can you pick up "
                       "your laptop?\n", "us-ascii", "7bit")),
     "Re: Pickup time: Thursday after 3 is fine.")

# --- joiners and the ideographic space travel in UCS-2

case("emoji-zwj-sequences", "emoji ZWJ sequences (family, technologist) stay whole in UCS-2",
     message(base_headers("Kai Neumann <kai.neumann@example.de>", "Re: Feier"),
             text_part("Wir kommen zu dritt \U0001F468\u200d\U0001F469\u200d\U0001F467, "
                       "Jana bringt den Laptop \U0001F469\u200d\U0001F4BB mit.\n", "utf-8")),
     "Re: Feier: Wir kommen zu dritt \U0001F468\u200d\U0001F469\u200d\U0001F467, "
     "Jana bringt den Laptop \U0001F469\u200d\U0001F4BB mit.")
case("persian-zwnj", "Persian with ZWNJ inside words (mi-khaham, name-ha): kept in UCS-2",
     message(base_headers("Sara Ahmadi <sara.ahmadi@example.ir>", ew_b("تحویل سفارش")),
             text_part("سفارش شما فردا تحویل داده می\u200cشود. نامه\u200cها را بررسی کنید.\n", "utf-8", "base64")),
     "تحویل سفارش: سفارش شما فردا تحویل داده می\u200cشود. نامه\u200cها را بررسی کنید.")
case("japanese-ideographic-space", "Japanese laid out with U+3000 ideographic spaces: kept in UCS-2",
     message(base_headers("Soumu <soumu@example.jp>", ew_b("お知らせ", "iso-2022-jp")),
             text_part("\u3000本日は停電のため、\u3000エレベーターが止まります。\n", "iso-2022-jp", "7bit")),
     "お知らせ: \u3000本日は停電のため、\u3000エレベーターが止まります。")

# --- the TNEF fixtures of tnef/ (written by tnef/make-tnef.py): SMS texts only

TNEF_SMS = [
    ("plain-body", "PR_BODY in cp1252: en dash transliterated",
     "TNEF plain-body: Server web01 down since 10:42.\nGrüße aus dem Lager - bitte prüfen."),
    ("body-w", "PR_BODY_W with an emoji: UCS-2, so ½ and € stay as written",
     "TNEF body-w: Bitte Rückruf bei Frau Müller 😊\nStraße 5, Größe ½ € 12"),
    ("cp1251", "PR_BODY in code page 1251",
     "TNEF cp1251: Привет, склад!\nЗаказ готов."),
    ("attbody", "legacy attBody, winmail.dat as the whole message",
     "TNEF attbody: Legacy body: Übergabe um 9 Uhr"),
    ("html", "PR_HTML only: <p> blocks apart by a blank line (debatable)",
     "TNEF html: Lieferung für Köln ist da.\n\nGruß, Jörg"),
    ("rtf-plain", "compressed RTF: the tab becomes a space, quotes transliterated (debatable)",
     "TNEF rtf-plain: Tor 3 klemmt, bitte Hausmeister rufen.\nGrüße Müller €5 \"ok\"\nEnde"),
    ("rtf-mela", "uncompressed (MELA) RTF, same text as rtf-plain",
     "TNEF rtf-mela: Tor 3 klemmt, bitte Hausmeister rufen.\nGrüße Müller €5 \"ok\"\nEnde"),
    ("rtf-html", "RTF encapsulating HTML: <p> blocks, &nbsp; a space (debatable)",
     "TNEF rtf-html: Auftrag 4711 für München ist fertig.\n\nGruß Team"),
]

readme = write_all()
for name, what, sms in TNEF_SMS:
    with open(os.path.join(OUT, "tnef-%s.sms" % name), "w", encoding="utf-8") as f:
        f.write(sms + "\n")
    readme.append("%-40s %s" % ("tnef-%s.sms" % name, "expected for tnef/%s.eml: %s" % (name, what)))
with open(os.path.join(OUT, "README"), "w", encoding="utf-8") as f:
    f.write("tests/mime - golden corpus: NAME.eml is a mail as a mailer sends it, NAME.sms the exact SMS text\n"
            "(UTF-8, followed by one newline) that `smsrelayctl convert -t -f corpus.conf NAME.eml` must print,\n"
            "or NAME.reject the start of the first error line (exit status 1). Generated by make-corpus.py;\n"
            "edit the script, not the files. Expectations marked (debatable) are judgement calls.\n\n"
            "make-corpus.py                           writes every .eml/.sms/.reject below and this README\n"
            "run.sh                                   TAP runner for make check: one case per .eml (also tnef/*.eml)\n"
            "corpus.conf                              the configuration: message.* defaults, EN/DE disclaimer markers\n"
            "tnef/                                    TNEF fixtures (tnef/make-tnef.py); their SMS texts are tnef-NAME.sms here\n"
            "NAME.sms                                 expected SMS text of NAME.eml; NAME.reject: expected error instead\n\n"
            + "\n".join(readme) + "\n")
print("%d cases and %d TNEF expectations written to %s" % (len(CASES), len(TNEF_SMS), OUT))
