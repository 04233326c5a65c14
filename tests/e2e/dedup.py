# dedup.py - end-to-end cases of duplicate suppression and opt-out: the
# 250 that names the first message, windows on a moved clock, restarts.
"""CASES_DEDUP: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import os
import re
import time

from harness import check, make_message, send_mail, smtp_client, wait_for

SENDER = "clerk@example.com"
NUMBER = "+4917012345678"
OTHER = "+4917087654321"
RCPT = NUMBER + "@sms.example"
TEXT = "Your laptop is ready\r\n"
DUP_RE = re.compile(r"^2\.0\.0 duplicate of ([0-9A-F]{16}), not sent again$")


def transaction(d, rcpts, msg):
    """MAIL, RCPTs, DATA: the end of DATA's (code, text)."""
    s = smtp_client(d.port)
    s.ehlo()
    code, resp = s.mail(SENDER)
    check(code == 250, "MAIL -> %d %r" % (code, resp))
    for r in rcpts:
        code, resp = s.rcpt(r)
        check(code == 250, "RCPT TO:<%s> -> %d %r" % (r, code, resp))
    code, resp = s.data(msg)
    s.quit()
    return code, resp.decode("utf-8", "replace")


def duplicate_of(d, rcpts, msg):
    """The message is a duplicate: 250 naming the first one; its id."""
    code, text = transaction(d, rcpts, msg)
    m = DUP_RE.match(text)
    check(code == 250 and m, "end of DATA -> %d %r, want 250 duplicate of ID" % (code, text))
    return m.group(1)


def sent(ctx, d, qid, count):
    """qid was sent and the provider has seen count requests in all."""
    d.wait_log(qid, "sent", 10)
    time.sleep(0.3)
    n = len(ctx.mock.requests())
    check(n == count, "the provider saw %d requests, want %d" % (n, count))


def no_more_requests(ctx, count):
    time.sleep(0.8)
    n = len(ctx.mock.requests())
    check(n == count, "the provider saw %d requests, want %d (a duplicate sent?)" % (n, count))


def c_window(ctx):
    """Twice within dedup.window: 250 'duplicate of ID', sent once; after it: sent again."""
    d = ctx.daemon(_clock=True, dedup={"window": "10m"})
    first = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", TEXT))
    sent(ctx, d, first, 1)
    check(duplicate_of(d, [RCPT], make_message("Pickup", TEXT)) == first,
          "the duplicate does not name %s" % first)
    no_more_requests(ctx, 1)
    check(any("smtp duplicate" in line and "of=" + first in line
              for line in d.log_lines()), "no 'smtp duplicate ... of=%s' log line" % first)
    d.move_clock(601)
    time.sleep(0.3)
    again = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", TEXT))
    sent(ctx, d, again, 2)


def c_restart(ctx):
    """A duplicate after a restart is still one: the keys are journaled in the spool."""
    d = ctx.daemon(dedup={"window": "10m"})
    first = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", TEXT))
    sent(ctx, d, first, 1)
    d.stop()
    d.start()
    check(duplicate_of(d, [RCPT], make_message("Pickup", TEXT)) == first,
          "after the restart the duplicate does not name %s" % first)
    no_more_requests(ctx, 1)


def c_subject_command(ctx):
    """[DUPLICATEDETECTION:ON] without dedup.window: that message only."""
    d = ctx.daemon()
    plain = make_message("Plain", TEXT)
    q1 = send_mail(d.port, SENDER, [RCPT], plain)
    sent(ctx, d, q1, 1)
    q2 = send_mail(d.port, SENDER, [RCPT], make_message("Plain", TEXT))
    sent(ctx, d, q2, 2)
    q3 = send_mail(d.port, SENDER, [RCPT],
                   make_message("[DUPLICATEDETECTION:ON] Pickup", TEXT))
    sent(ctx, d, q3, 3)
    check(duplicate_of(d, [RCPT], make_message("[DUPLICATEDETECTION:ON] Pickup", TEXT)) == q3,
          "the duplicate does not name %s" % q3)
    no_more_requests(ctx, 3)


def c_message_id(ctx):
    """The same Message-ID to the same number, another text: a duplicate."""
    d = ctx.daemon(dedup={"window": "10m"})
    msg = make_message("Pickup", TEXT)
    first = send_mail(d.port, SENDER, [RCPT], msg)
    sent(ctx, d, first, 1)
    other = msg.replace(b"Subject: Pickup", b"Subject: Changed")
    check(other != msg, "the test message has no subject to change")
    check(duplicate_of(d, [RCPT], other) == first, "the duplicate does not name %s" % first)
    no_more_requests(ctx, 1)


def c_some_recipients(ctx):
    """Two recipients, one already sent the text: the other only, '1 duplicate not sent'."""
    d = ctx.daemon(dedup={"window": "10m"})
    first = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", TEXT))
    sent(ctx, d, first, 1)
    code, text = transaction(d, [RCPT, OTHER + "@sms.example"], make_message("Pickup", TEXT))
    check(code == 250 and "queued as" in text and text.endswith("; 1 duplicate not sent"),
          "end of DATA -> %d %r" % (code, text))
    qid = re.search(r"queued as (\S+)", text).group(1)
    sent(ctx, d, qid, 2)
    to = (ctx.mock.requests()[-1].get("body") or {}).get("to")
    check(to == OTHER, "the second request is to %r, not %s" % (to, OTHER))


def rcpt_reply(d, number):
    s = smtp_client(d.port)
    s.ehlo()
    s.mail(SENDER)
    code, resp = s.rcpt(number + "@sms.example")
    s.quit()
    return code, resp.decode("utf-8", "replace")


def refused(d, number):
    code, text = rcpt_reply(d, number)
    want = "5.7.1 <%s>: the recipient has opted out of SMS" % number
    check(code == 550 and text == want, "RCPT -> %d %r, want 550 %r" % (code, text, want))


def accepted(d, number):
    code, text = rcpt_reply(d, number)
    check(code == 250, "RCPT -> %d %r, want 250" % (code, text))


def ctl_ok(d, *args):
    rc, out, err = d.ctl(*args)
    check(rc == 0, "smsrelayctl %s -> %d %r %r" % (" ".join(args), rc, out, err))
    return out


def c_optout_ctl(ctx):
    """smsrelayctl optout add: RCPT 550 5.7.1; list shows it; remove: accepted again."""
    d = ctx.daemon()
    accepted(d, NUMBER)
    ctl_ok(d, "optout", "add", NUMBER)
    refused(d, NUMBER)
    accepted(d, OTHER)
    check(NUMBER in ctl_ok(d, "optout", "list"), "optout list does not show %s" % NUMBER)
    rc, out, err = d.ctl("optout", "add", "4917012345678")
    check(rc != 0, "a number without + was taken: %r" % out)
    ctl_ok(d, "optout", "remove", NUMBER)
    accepted(d, NUMBER)
    check(NUMBER not in ctl_ok(d, "optout", "list"), "%s still listed" % NUMBER)


def c_optout_file(ctx):
    """The file edited and SIGHUP: refused; kept over a restart; the ctl change is in the file."""
    path = os.path.join(ctx.tmp, "optout")
    with open(path, "w") as f:
        f.write("# test list\n+4917000000001  # someone\n")
    d = ctx.daemon(optout={"file": path})
    refused(d, "+4917000000001")
    accepted(d, NUMBER)
    with open(path, "a") as f:
        f.write(NUMBER + "\n")
    d.hup()
    wait_for(lambda: rcpt_reply(d, NUMBER)[0] == 550, 5, "%s refused after SIGHUP" % NUMBER)
    refused(d, NUMBER)
    ctl_ok(d, "optout", "add", OTHER)
    with open(path) as f:
        check(OTHER in f.read(), "smsrelayctl optout add did not write %s" % path)
    d.stop()
    d.start()
    for n in ("+4917000000001", NUMBER, OTHER):
        refused(d, n)


def mo(d, sender, text, **kw):
    """The SMSC delivers a subscriber's SMS; the relay answered it."""
    before = len(d.smsc.state()["deliver_resps"])
    check(d.smsc.mo(sender, text, **kw), "no receiver bound at the SMSC")
    wait_for(lambda: len(d.smsc.state()["deliver_resps"]) > before, 10,
             "the relay's deliver_sm_resp for the SMS from %s" % sender)


def c_optout_stop(ctx):
    """An SMPP subscriber's 'STOP' opts its number out; other texts do not."""
    from reports import smsc_daemon
    d = smsc_daemon(ctx)
    mo(d, "4917012345678", "Stop by at 5")
    mo(d, "4917087654321", "hello")
    time.sleep(0.5)
    accepted(d, NUMBER)
    accepted(d, OTHER)
    mo(d, "4917012345678", " Stop! ", data_coding=8)
    wait_for(lambda: NUMBER in ctl_ok(d, "optout", "list"), 5,
             "%s in the opt-out list after its STOP" % NUMBER)
    refused(d, NUMBER)
    accepted(d, OTHER)
    check(d.log_lines(event="opted"), "no 'inbound from=... opted out' log line")


CASES_DEDUP = [
    ("dedup: the same mail twice: 250 'duplicate of ID', sent once; after the window "
     "(test clock) sent again", c_window, None),
    ("dedup: a duplicate after a restart", c_restart, None),
    ("dedup: [DUPLICATEDETECTION:ON] without dedup.window", c_subject_command, None),
    ("dedup: the same Message-ID and number", c_message_id, None),
    ("dedup: two recipients, one a duplicate", c_some_recipients, None),
    ("optout: smsrelayctl add, list, remove; RCPT 550 5.7.1", c_optout_ctl, None),
    ("optout: the file edited and SIGHUP, a restart", c_optout_file, None),
    ("optout: an SMPP subscriber's STOP (deliver_sm, no receipt)", c_optout_stop, None),
]
