# badinput.py - end-to-end cases for hostile input (issue 10): control bytes
# in commands, what smsrelayctl prints of stored client text, header senders.
"""CASES_BADINPUT: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import os
import re
import subprocess

from harness import RawSMTP, check, make_message, send_mail, wait_for
from submission import auth_session, submission_listener, wait_sms
from tlsutil import (PASSWORD, USER, auth_plain_b64, b64, listener, make_users_file,
                     start)

NUMBER = "+4917012345678"
RCPT = NUMBER + "@sms.example"
SENDER = "clerk@example.com"

# every verb with a NUL or a terminal escape where its argument goes
CONTROL_COMMANDS = [
    b"EHLO a\0b", b"HELO a\0b", b"EHLO a\x1b[2Jb", b"HELO a\x1b]0;owned\x07b",
    b"NOOP \0", b"NOOP \x1b[31m", b"VRFY a\0b", b"VRFY a\x7fb", b"RSET \0",
    b"HELP \0", b"HELP \x01", b"EXPN a\0b", b"MAIL FROM:<a@b.example>\0",
    b"MAIL FROM:<a@b.example> \x1b", b"STARTTLS\0", b"QUIT \0",
    b"FROB\0NICATE", b"\0",
]


def no_errors_delay():
    """Many refusals in one session: no tarpit, no 421 for them."""
    return {"smtp": {"error_delay": "0ms", "max_errors": 100}}


def expect_refused(c, line):
    c.send(line + b"\r\n")
    code, text = c.reply()
    check(code == 501 and text.startswith("5.5.2"),
          "%r -> %d %r, want 501 5.5.2" % (line, code, text))


def terminal_safe(text):
    """No byte that a terminal acts on: C0 but newline and tab, DEL, C1."""
    bad = [ch for ch in text if (ord(ch) < 0x20 and ch not in "\n\t") or
           0x7f <= ord(ch) <= 0x9f]
    return not bad, bad


def c_command_controls(ctx):
    # deferred, the message stays in the queue for smsrelayctl show
    ctx.mock.script([{"status": 503, "body": {"message": "down"}, "sticky": True}])
    d = ctx.daemon(queue={"retry": ["1h"], "lifetime": "2h"}, **no_errors_delay())
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
        for line in CONTROL_COMMANDS:
            expect_refused(c, line)
        # still in step, and the refused EHLO/HELO names were not kept
        check(c.cmd("MAIL FROM:<%s>" % SENDER)[0] == 250, "MAIL after the refusals")
        check(c.cmd("RCPT TO:<%s>" % RCPT)[0] == 250, "RCPT after the refusals")
        check(c.cmd("DATA")[0] == 354, "DATA after the refusals")
        c.send(make_message("Controls", "refused\r\n") + b"\r\n.\r\n")
        code, text = c.reply()
        check(code == 250, "end of DATA -> %d %r" % (code, text))
        qid = re.search(r"queued as (\S+)", text).group(1)
        check(c.cmd("QUIT")[0] == 221, "QUIT")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    d.wait_log(qid, "deferred", 10)
    rc, out, err = d.ctl("show", qid)
    ctx.note("smsrelayctl show:\n" + out + err)
    check(rc == 0 and "\nhelo: client.test\n" in out, "show %s: helo is not client.test" % qid)


def c_bdat_control(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
        check(c.cmd("MAIL FROM:<%s>" % SENDER)[0] == 250, "MAIL failed")
        check(c.cmd("RCPT TO:<%s>" % RCPT)[0] == 250, "RCPT failed")
        # the chunk's size cannot be trusted: no way to stay in step after it
        expect_refused(c, b"BDAT 6\0 LAST")
        check(c.closed_by_peer(5), "connection not closed after a refused BDAT")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_auth_controls(ctx):
    d = start(ctx, [listener()], auth={"on_loopback": True}, **no_errors_delay())
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
        expect_refused(c, b"AUTH PLAIN \x1b[2J")
        expect_refused(c, b"AUTH LOGIN\0")
        code, text = c.cmd("AUTH LOGIN")
        check(code == 334, "AUTH LOGIN -> %d %r" % (code, text))
        expect_refused(c, b"dXNl\0cg==")
        code, text = c.cmd("AUTH LOGIN " + b64(USER))
        check(code == 334, "AUTH LOGIN user -> %d %r" % (code, text))
        expect_refused(c, b"\x1b[2J")
        code, text = c.cmd("AUTH PLAIN " + auth_plain_b64(USER, PASSWORD))
        check(code == 235, "AUTH after the refusals -> %d %r" % (code, text))
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_ctl_escapes(ctx):
    ctx.mock.script([{"status": 503, "sticky": True,
                      "body": {"message": "down\x1b]0;owned\x07\x1b[2J"}}])
    d = ctx.daemon(queue={"retry": ["1h"], "lifetime": "2h"})
    # U+009B is CSI to a terminal that takes C1 controls in UTF-8
    sender = '"\u009b31m\u009b2J"@example.com'
    s = RawSMTP(d.port)
    try:
        check(s.reply()[0] == 220, "no greeting")
        check(s.cmd("EHLO client.test")[0] == 250, "EHLO failed")
        code, text = s.cmd("MAIL FROM:<%s> SMTPUTF8" % sender)
        check(code == 250, "MAIL FROM a UTF-8 quoted local part -> %d %r" % (code, text))
        check(s.cmd("RCPT TO:<%s>" % RCPT)[0] == 250, "RCPT failed")
        check(s.cmd("DATA")[0] == 354, "DATA failed")
        s.send(make_message("=?utf-8?q?Esc=1B[5m_and_bell=07?=", "body\x1b[8m\r\n") +
               b"\r\n.\r\n")
        code, text = s.reply()
        check(code == 250, "end of DATA -> %d %r" % (code, text))
        qid = re.search(r"queued as (\S+)", text).group(1)
    finally:
        ctx.note("transcript:\n" + "\n".join(s.transcript))
        s.close()
    d.wait_log(qid, "deferred", 10)
    for args in (("show", qid), ("queue",)):
        rc, out, err = d.ctl(*args)
        ctx.note("smsrelayctl %s (%d):\n%s%s" % (" ".join(args), rc, out, err))
        check(rc == 0, "smsrelayctl %s exit %d" % (args[0], rc))
        safe, bad = terminal_safe(out + err)
        check(safe, "smsrelayctl %s printed raw controls %r" % (args[0], sorted(set(bad))))
    rc, out, err = d.ctl("show", "\x1b[2J")
    check(rc == 1 and "\\x1b[2J" in err and terminal_safe(err)[0],
          "show of an unknown id with ESC -> %d %r" % (rc, err))
    eml = os.path.join(ctx.tmp, "esc.eml")
    with open(eml, "wb") as f:
        f.write(make_message("Esc\x1b[5m", "body\x07\r\n"))
    for args in (("convert", eml), ("convert", "-t", eml)):
        rc, out, err = d.ctl(*args)
        ctx.note("smsrelayctl %s (%d):\n%s%s" % (" ".join(args), rc, out, err))
        check(rc == 0 and "Esc\\x1b[5m: body\\x07" in out and terminal_safe(out + err)[0],
              "smsrelayctl %s did not escape the text" % " ".join(args))
    rc, out, err = d.ctl("show", qid)
    for shown in ("text: Esc\\x1b[5m and bell\\x07", "sender: <\"\\xc2\\x9b31m"):
        check(shown in out, "show lacks the escaped form %r" % shown)


def originators_message(headers, body):
    """A message whose From:/Sender: lines are exactly headers."""
    return ("".join(h + "\r\n" for h in headers) +
            "To: <sms@sms.example>\r\nSubject: Pickup\r\n\r\n" + body).encode()


# From: and Sender: lines a user owning clerk@example.com and
# *@service.example.com may not send: each hides a foreign or unreadable one
FORGED_ORIGINATORS = [
    ["From: app@service.example.com, boss@other.example"],
    ["From: <clerk@example.com>", "From: <boss@other.example>"],
    ["From: <clerk@example.com>", "From: <clerk@example.com>"],
    ["From: <clerk@example.com>", "Sender: <boss@other.example>"],
    ["Sender: <boss@other.example>", "From: <clerk@example.com>"],
    ["From: Desk <desk@service.example.com>, \"Boss\" <boss@other.example>"],
    ["From: staff: clerk@example.com, boss@other.example;"],
]


def c_header_originators(ctx):
    d = start(ctx, [submission_listener()])
    s = auth_session(ctx, d.port)
    wrong = []
    for i, headers in enumerate(FORGED_ORIGINATORS):
        s.mail(SENDER)
        s.rcpt(RCPT)
        code, resp = s.data(originators_message(headers, "forged %d\r\n" % i))
        text = resp.decode("utf-8", "replace")
        if code != 550 or not text.startswith("5.7.1"):
            wrong.append("%r -> %d %r" % (headers, code, text))
    check(not wrong, "want 550 5.7.1 for each of:\n" + "\n".join(wrong))
    owned = ["From: Clerk <clerk@example.com>, desk@service.example.com",
             "Sender: <desk@service.example.com>"]
    qid = send_mail(d.port, SENDER, [RCPT], originators_message(owned, "genuine\r\n"), s=s)
    s.quit()
    b = wait_sms(ctx, d, qid)
    check(b.get("text") == "Pickup: genuine", "text=%r: a forged message was sent"
          % b.get("text"))
    check(len(ctx.mock.requests()) == 1, "mock got %d requests, want 1"
          % len(ctx.mock.requests()))


def bcrypt_users_file(ctx):
    """A 0600 users file with USER hashed by 'smsrelayctl passwd -m bcrypt'."""
    path = os.path.join(ctx.tmp, "users-bcrypt")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    p = subprocess.run([ctx.env.smsrelayctl, "passwd", "-u", path, "-m", "bcrypt", USER],
                       input=(PASSWORD + "\n").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "passwd -m bcrypt: %s" % p.stderr.decode("utf-8", "replace"))
    return path


def c_unknown_user_cost(ctx):
    for users, cost in ((make_users_file, "$6"), (bcrypt_users_file, "$2b$12")):
        d = start(ctx, [listener()], auth={"on_loopback": True, "users_file": users(ctx)},
                  **no_errors_delay())
        # the listener may be up before the start-up lines are written
        wait_for(lambda: [l for l in d.log_lines() if " auth: " in l], 5, "the auth line")
        lines = [l for l in d.log_lines() if " auth: " in l]
        check(any(l.endswith("unknown names cost " + cost) for l in lines),
              "start-up lines %r do not name %s" % (lines, cost))
        c = RawSMTP(d.port)
        try:
            check(c.reply()[0] == 220, "no greeting")
            check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
            for user in (USER, "nobody"):
                code, text = c.cmd("AUTH PLAIN " + auth_plain_b64(user, "wrong"))
                check(code == 535 and text.startswith("5.7.8"),
                      "AUTH as %s, wrong password -> %d %r" % (user, code, text))
            code, text = c.cmd("AUTH PLAIN " + auth_plain_b64(USER, PASSWORD))
            check(code == 235, "AUTH as %s -> %d %r" % (USER, code, text))
        finally:
            ctx.note("transcript:\n" + "\n".join(c.transcript))
            c.close()
        d.stop()


CASES_BADINPUT = [
    ("bad input: NUL, ESC, DEL in every command -> 501 5.5.2; the session goes on, "
     "the refused HELO name is not kept", c_command_controls, None),
    ("bad input: BDAT with a NUL -> 501 5.5.2 and close", c_bdat_control, None),
    ("bad input: controls in AUTH and in SASL responses -> 501 5.5.2", c_auth_controls,
     None),
    ("bad input: smsrelayctl show and queue escape control characters from clients "
     "and providers", c_ctl_escapes, None),
    ("bad input: every From: and Sender: address must be the user's; two From: "
     "headers -> 550 5.7.1", c_header_originators, None),
    ("bad input: an unknown AUTH name is checked at the users file's own method and "
     "cost (sha512, bcrypt)", c_unknown_user_cost, None),
]
