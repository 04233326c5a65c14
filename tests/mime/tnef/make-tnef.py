#!/usr/bin/env python3
# make-tnef.py - writes the TNEF (winmail.dat) fixtures of tests/mime/tnef:
# streams per MS-OXTNEF, RTF per MS-OXRTFCP, and .eml messages carrying them.
#
# Run from anywhere: python3 tests/mime/tnef/make-tnef.py [OUTDIR]
# Every file is deterministic, so a rerun must leave `git status` clean.

import base64
import os
import struct
import sys

TNEF_SIGNATURE = 0x223E9F78
LVL_MESSAGE = 1
LVL_ATTACHMENT = 2

# attribute ids: type in the high word, id in the low word (MS-OXTNEF 2.1.3.3)
ATT_BODY = 0x0002800C
ATT_MESSAGE_CLASS = 0x00078008
ATT_MAPI_PROPS = 0x00069003
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_ATTACH_RENDDATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005

PT_LONG = 0x0003
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102

PR_SUBJECT = 0x0037
PR_BODY = 0x1000
PR_RTF_COMPRESSED = 0x1009
PR_HTML = 0x1013
PR_INTERNET_CPID = 0x3FDE
PR_ATTACH_LONG_FILENAME = 0x3707

# the dictionary every compressed RTF stream starts from (MS-OXRTFCP 2.1.3.1.1)
RTF_PREBUF = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil "
              b"\\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans Serif"
              b"SymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
              b"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx")
assert len(RTF_PREBUF) == 207


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def prop(ptype, pid, value):
    """One MAPI property (MS-OXTNEF 2.1.3.4) of a single value."""
    tag = struct.pack("<HH", ptype, pid)
    if ptype == PT_LONG:
        return tag + struct.pack("<I", value)
    return tag + struct.pack("<II", 1, len(value)) + pad4(value)


def mapi_props(props):
    return struct.pack("<I", len(props)) + b"".join(props)


def attribute(level, att, data):
    checksum = sum(data) & 0xFFFF
    return (struct.pack("<BII", level, att, len(data)) + data +
            struct.pack("<H", checksum))


def tnef(attributes, key=0x5A3C):
    return struct.pack("<IH", TNEF_SIGNATURE, key) + b"".join(attributes)


def preamble(codepage=1252):
    return [
        attribute(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000)),
        attribute(LVL_MESSAGE, ATT_OEM_CODEPAGE,
                  struct.pack("<II", codepage, 0)),
        attribute(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0"),
    ]


def attachment(name, data):
    """The attributes Outlook writes for one attached file."""
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0xFFFF, 0xFFFF, 0)
    props = mapi_props([
        prop(PT_UNICODE, PR_ATTACH_LONG_FILENAME,
             (name + "\0").encode("utf-16-le")),
    ])
    return [
        attribute(LVL_ATTACHMENT, ATT_ATTACH_RENDDATA, rend),
        attribute(LVL_ATTACHMENT, ATT_ATTACH_TITLE, name.encode() + b"\0"),
        attribute(LVL_ATTACHMENT, ATT_ATTACH_DATA, data),
        attribute(LVL_ATTACHMENT, ATT_ATTACHMENT, props),
    ]


def crc32_oxrtfcp(data):
    """CRC-32 of MS-OXRTFCP 2.1.3.2: reflected 0xEDB88320, no inversions."""
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    crc = 0
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def lzfu(raw):
    """Compressed RTF with greedy 2..17 byte references into the 4 KiB window."""
    hist = bytearray(RTF_PREBUF)
    out = bytearray()
    tokens = []
    i = 0
    while i < len(raw):
        cur = len(hist)
        best_len, best_src = 0, 0
        ext = hist + raw[i:i + 17]
        for src in range(max(0, cur - 4095), cur):
            n = 0
            while (n < 17 and i + n < len(raw) and
                   ext[src + n] == raw[i + n]):
                n += 1
            if n > best_len:
                best_len, best_src = n, src
                if n == 17:
                    break
        if best_len >= 2:
            tokens.append(("ref", best_src % 4096, best_len))
            hist += raw[i:i + best_len]
            i += best_len
        else:
            tokens.append(("lit", raw[i]))
            hist.append(raw[i])
            i += 1
    tokens.append(("ref", len(hist) % 4096, 2))
    for k in range(0, len(tokens), 8):
        run = tokens[k:k + 8]
        flags = 0
        body = bytearray()
        for bit, tok in enumerate(run):
            if tok[0] == "ref":
                flags |= 1 << bit
                body += struct.pack(">H", (tok[1] << 4) | (tok[2] - 2))
            else:
                body.append(tok[1])
        out.append(flags)
        out += body
    return (struct.pack("<III", len(out) + 12, len(raw), 0x75465A4C) +
            struct.pack("<I", crc32_oxrtfcp(out)) + bytes(out))


def mela(raw):
    """The uncompressed form of a compressed RTF stream (CRC must be 0)."""
    return struct.pack("<IIII", len(raw) + 12, len(raw), 0x414C454D, 0) + raw


def rtf_body(props, codepage=1252, extra=()):
    return tnef(preamble(codepage) + [
        attribute(LVL_MESSAGE, ATT_MAPI_PROPS, mapi_props(props)),
    ] + list(extra))


PLAIN_TEXT = ("Server web01 down since 10:42.\r\n"
              "Grüße aus dem Lager \u2013 bitte prüfen.\r\n")
WIDE_TEXT = ("Bitte Rückruf bei Frau Müller 😊\r\n"
             "Straße 5, Größe \u00bd \u20ac 12\r\n")

HTML_DOC = ("<html><head><meta http-equiv=\"Content-Type\" "
            "content=\"text/html; charset=windows-1252\"></head>"
            "<body><p>Lieferung für Köln ist da.</p>"
            "<p>Gruß, Jörg</p></body></html>").encode("cp1252")

RTF_PLAIN = (
    b"{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1031"
    b"{\\fonttbl{\\f0\\fswiss\\fcharset0 Calibri;}{\\f1\\fnil Symbol;}}\r\n"
    b"{\\colortbl ;\\red0\\green0\\blue255;}\r\n"
    b"{\\*\\generator Riched20 16.0.5;}\\viewkind4\\uc1 \r\n"
    b"\\pard\\sa200\\sl276\\slmult1\\f0\\fs22 Tor 3 klemmt, "
    b"bitte Hausmeister rufen.\\par\r\n"
    b"Gr\\'fc\\'dfe\\tab M\\u252?ller \\u8364?5 "
    b"{\\*\\bkmkstart x}\\ldblquote ok\\rdblquote\\line"
    b"{\\pict\\wmetafile8 0a0b0c0d}Ende\\par\r\n}\r\n\0")

RTF_HTML = (
    b"{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\fbidis \\deff0"
    b"{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}"
    b"{\\f1\\fmodern Courier New;}}\r\n"
    b"{\\colortbl\\red0\\green0\\blue0;\\red0\\green0\\blue255;}\r\n"
    b"\\uc1\\pard\\plain\\deftab360 \\f0\\fs24 \r\n"
    b"{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}"
    b"{\\*\\htmltag241 <style>}{\\*\\htmltag241 p \\{margin:0\\}}"
    b"{\\*\\htmltag249 </style>}{\\*\\htmltag41 </head>}"
    b"{\\*\\htmltag50 <body>}\\htmlrtf {\\htmlrtf0 \r\n"
    b"{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Auftrag 4711 "
    b"f\\'fcr M\\u252?nchen ist fertig."
    b"\\htmlrtf\\par\r\n}\\htmlrtf0 {\\*\\htmltag72 </p>}\r\n"
    b"{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Gru\\'df"
    b"{\\*\\htmltag84 &nbsp;}\\htmlrtf \\'a0\\htmlrtf0 Team"
    b"\\htmlrtf\\par\r\n}\\htmlrtf0 {\\*\\htmltag72 </p>}\r\n"
    b"{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}}\r\n")

CP1251_TEXT = "Привет, склад!\r\nЗаказ готов.\r\n"

LEGACY_TEXT = "Legacy body: Übergabe um 9 Uhr\r\n"


def fixtures():
    """name -> (TNEF stream, expected tnef_body text).

    The texts of the HTML fixtures are what sms/convert/html.c makes of them: a
    blank line between paragraphs, &nbsp; as a space."""
    f = {}
    f["plain-body"] = (rtf_body([
        prop(PT_STRING8, PR_SUBJECT, b"Alarm\0"),
        prop(PT_STRING8, PR_BODY, PLAIN_TEXT.encode("cp1252") + b"\0"),
    ]), "Server web01 down since 10:42.\n"
        "Grüße aus dem Lager \u2013 bitte prüfen.")
    f["body-w"] = (rtf_body([
        prop(PT_STRING8, PR_BODY,
             WIDE_TEXT.encode("cp1252", "replace") + b"\0"),
        prop(PT_UNICODE, PR_BODY, (WIDE_TEXT + "\0").encode("utf-16-le")),
        prop(PT_BINARY, PR_RTF_COMPRESSED, lzfu(RTF_PLAIN)),
    ], extra=attachment("report.pdf", b"%PDF-1.4\n" + bytes(range(256)))),
        "Bitte Rückruf bei Frau Müller 😊\n"
        "Straße 5, Größe \u00bd \u20ac 12")
    f["cp1251"] = (rtf_body([
        prop(PT_STRING8, PR_BODY, CP1251_TEXT.encode("cp1251") + b"\0"),
    ], codepage=1251), "Привет, склад!\nЗаказ готов.")
    f["attbody"] = (tnef(preamble() + [
        attribute(LVL_MESSAGE, ATT_BODY, LEGACY_TEXT.encode("cp1252")),
    ]), "Legacy body: Übergabe um 9 Uhr")
    f["html"] = (rtf_body([
        prop(PT_LONG, PR_INTERNET_CPID, 1252),
        prop(PT_BINARY, PR_HTML, HTML_DOC),
    ]), "Lieferung für Köln ist da.\n\nGruß, Jörg")
    f["rtf-plain"] = (rtf_body([
        prop(PT_BINARY, PR_RTF_COMPRESSED, lzfu(RTF_PLAIN)),
    ]), "Tor 3 klemmt, bitte Hausmeister rufen.\n"
        "Grüße\tMüller €5 \u201cok\u201d\nEnde")
    f["rtf-mela"] = (rtf_body([
        prop(PT_BINARY, PR_RTF_COMPRESSED, mela(RTF_PLAIN)),
    ]), "Tor 3 klemmt, bitte Hausmeister rufen.\n"
        "Grüße\tMüller €5 \u201cok\u201d\nEnde")
    f["rtf-html"] = (rtf_body([
        prop(PT_BINARY, PR_RTF_COMPRESSED, lzfu(RTF_HTML)),
    ]), "Auftrag 4711 für München ist fertig.\n\nGruß Team")
    return f


def eml(name, stream, toplevel=False):
    b64 = base64.encodebytes(stream).decode().replace("\n", "\r\n")
    head = ("From: =?UTF-8?Q?Lager_K=C3=B6ln?= <lager@example.com>\r\n"
            "To: +4917012345678@sms.example.com\r\n"
            "Subject: TNEF " + name + "\r\n"
            "Date: Mon, 3 Mar 2025 10:42:00 +0100\r\n"
            "Message-ID: <tnef-" + name + "@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "X-MS-Has-Attach:\r\n"
            "X-MS-TNEF-Correlator: <tnef-" + name + "@example.com>\r\n")
    if toplevel:
        return (head +
                "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
                "Content-Disposition: attachment; filename=\"winmail.dat\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" + b64)
    return (head +
            "Content-Type: multipart/mixed; boundary=\"=_tnef_boundary\"\r\n"
            "\r\n"
            "--=_tnef_boundary\r\n"
            "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
            "Content-Disposition: attachment; filename=\"winmail.dat\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64 +
            "\r\n--=_tnef_boundary--\r\n")


def main():
    outdir = (sys.argv[1] if len(sys.argv) > 1 else
              os.path.dirname(os.path.abspath(__file__)))
    for name, (stream, text) in fixtures().items():
        with open(os.path.join(outdir, name + ".tnef"), "wb") as fp:
            fp.write(stream)
        msg = eml(name, stream, toplevel=(name == "attbody"))
        with open(os.path.join(outdir, name + ".eml"), "wb") as fp:
            fp.write(msg.encode("utf-8"))
        with open(os.path.join(outdir, name + ".expected"), "wb") as fp:
            fp.write(text.encode("utf-8") + b"\n")


if __name__ == "__main__":
    main()
