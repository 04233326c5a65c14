# scheduling.py - end-to-end cases for a later release (RFC 4865 HOLDFOR and
# HOLDUNTIL, X-SMS-Send-At:, Deferred-Delivery:) and express priority.
"""CASES_SCHEDULING: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

The daemon runs on a calendar clock the test moves (ctx.daemon(_clock=True),
d.move_clock): a message held for an hour goes out within a second of the
clock passing its time, and no case waits for the hour.
"""

import os
import re
import time

from harness import check, smtp_client, send_mail, wait_for

SENDER = "clerk@example.com"
NUMBER = "+4917012345678"
MAX_HOLD = 7 * 86400


def message(subject, body="Your laptop is ready\r\n", headers=(), msgid=None):
    """A mail with extra header lines; msgid: its Message-ID, else a unique one."""
    msgid = msgid or "%d.%d@client.test" % (os.getpid(), time.monotonic_ns())
    hdr = ("From: <%s>\r\nTo: <sms@sms.example>\r\nDate: Mon, 23 Nov 2026 20:00:00 +0000\r\n"
           "Message-ID: <%s>\r\nSubject: %s\r\n" % (SENDER, msgid, subject))
    for h in headers:
        hdr += h + "\r\n"
    return (hdr + "\r\n" + body).encode()


def daemon_now(d):
    """The daemon's calendar time: the system's moved by the test clock."""
    return time.time() + d.clock


def utc(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def sent_to(ctx, number):
    return [r for r in ctx.mock.requests() if (r.get("body") or {}).get("to") == number]


def not_sent_yet(ctx, number, what, settle=1.5):
    """Nothing for number reaches the provider in settle seconds."""
    time.sleep(settle)
    check(not sent_to(ctx, number), "%s: sent before its release time" % what)


def released(ctx, d, qid, number, what):
    """Sent within about a second of the clock passing the release, once."""
    t0 = time.monotonic()
    wait_for(lambda: sent_to(ctx, number), 3, "%s to be sent after the release" % what)
    took = time.monotonic() - t0
    ctx.note("%s sent %.2fs after the clock passed its time" % (what, took))
    check(took < 1.6, "%s sent %.2fs after its release, want within a second" % (what, took))
    d.wait_log(qid, "sent", 5)
    check(len(sent_to(ctx, number)) == 1, "%s sent %d times" % (what, len(sent_to(ctx, number))))


def mail_reply(d, options):
    """The reply to MAIL FROM with options, after EHLO."""
    s = smtp_client(d.port)
    try:
        s.ehlo()
        code, resp = s.mail(SENDER, options)
        return code, resp.decode("utf-8", "replace")
    finally:
        s.quit()


def c_ehlo_futurerelease(ctx):
    d = ctx.daemon(_clock=True)
    s = smtp_client(d.port)
    s.ehlo()
    kw = s.esmtp_features.get("futurerelease")
    s.quit()
    check(kw is not None, "EHLO does not offer FUTURERELEASE: %r" % s.esmtp_features)
    interval, until = kw.split()
    check(int(interval) == MAX_HOLD, "max-future-release-interval %s, want %d (queue.max_hold "
          "default 7d)" % (interval, MAX_HOLD))
    want = daemon_now(d) + MAX_HOLD
    got = time.mktime(time.strptime(until, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    check(abs(got - want) < 5, "max-future-release-date-time %s, want about %s" % (until, utc(want)))
    off = ctx.daemon(_clock=True, queue={"max_hold": "0s"})
    s = smtp_client(off.port)
    s.ehlo()
    check("futurerelease" not in s.esmtp_features, "FUTURERELEASE offered with max_hold 0s")
    code, resp = s.mail(SENDER, ["HOLDFOR=60"])
    s.quit()
    check(code == 555, "HOLDFOR with max_hold 0s -> %d %r, want 555" % (code, resp))


def c_holdfor(ctx):
    d = ctx.daemon(_clock=True)
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"], message("Pickup"),
                    mail_options=["HOLDFOR=3600"])
    d.wait_log(qid, "scheduled", 5)
    not_sent_yet(ctx, NUMBER, "HOLDFOR=3600")
    d.move_clock(3600 - 20)
    not_sent_yet(ctx, NUMBER, "HOLDFOR=3600, 20 s before its time")
    d.move_clock(21)
    released(ctx, d, qid, NUMBER, "HOLDFOR=3600")


def c_holduntil(ctx):
    d = ctx.daemon(_clock=True)
    at = int(daemon_now(d)) + 2 * 86400
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"], message("Pickup"),
                    mail_options=["HOLDUNTIL=" + utc(at)])
    d.wait_log(qid, "scheduled", 5)
    rc, out, err = d.ctl("show", qid)
    check(rc == 0 and ("scheduled: %d" % at) in out, "show does not give the release %d:\n%s"
          % (at, out))
    d.move_clock(2 * 86400 - 30)
    not_sent_yet(ctx, NUMBER, "HOLDUNTIL two days ahead, 30 s before")
    d.move_clock(31)
    released(ctx, d, qid, NUMBER, "HOLDUNTIL")


def c_hold_refused(ctx):
    d = ctx.daemon(_clock=True)
    later = utc(daemon_now(d) + MAX_HOLD + 3600)
    cases = [
        (["HOLDFOR=%d" % (MAX_HOLD + 1)], 554, "5.3.4"),
        (["HOLDUNTIL=" + later], 554, "5.3.4"),
        (["HOLDFOR=soon"], 501, "5.5.4"),
        (["HOLDFOR=-5"], 501, "5.5.4"),
        (["HOLDUNTIL=2026-12-05T10:00:00"], 501, "5.5.4"),
        (["HOLDUNTIL=2026-02-30T10:00:00Z"], 501, "5.5.4"),
        (["HOLDFOR=60", "HOLDUNTIL=" + utc(daemon_now(d) + 60)], 501, "5.5.4"),
    ]
    for options, code, enh in cases:
        got, text = mail_reply(d, options)
        check(got == code and text.startswith(enh),
              "MAIL FROM %s -> %d %r, want %d %s" % (options, got, text, code, enh))
    got, text = mail_reply(d, ["HOLDFOR=%d" % MAX_HOLD])
    check(got == 250, "HOLDFOR=max_hold refused: %d %r" % (got, text))
    # a time already past releases at once (RFC 4865)
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"], message("Now"),
                    mail_options=["HOLDUNTIL=" + utc(daemon_now(d) - 3600)])
    d.wait_log(qid, "sent", 10)


def c_headers(ctx):
    d = ctx.daemon(_clock=True)
    now = int(daemon_now(d))
    iso = "+4917011111111"
    rfc = "+4917022222222"
    q1 = send_mail(d.port, SENDER, [iso + "@sms.example"], message(
        "Iso", headers=["X-SMS-Send-At: " + time.strftime(
            "%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(now + 600 + 7200))]))
    q2 = send_mail(d.port, SENDER, [rfc + "@sms.example"], message(
        "Rfc", headers=["Deferred-Delivery: " + time.strftime(
            "%a, %d %b %Y %H:%M:%S -0500", time.gmtime(now + 1200 - 5 * 3600))]))
    d.wait_log(q1, "scheduled", 5)
    d.wait_log(q2, "scheduled", 5)
    not_sent_yet(ctx, iso, "X-SMS-Send-At: in 10 min")
    check(not sent_to(ctx, rfc), "Deferred-Delivery: sent before its time")
    d.move_clock(601)
    released(ctx, d, q1, iso, "X-SMS-Send-At:")
    check(not sent_to(ctx, rfc), "Deferred-Delivery: sent 10 min early")
    d.move_clock(600)
    released(ctx, d, q2, rfc, "Deferred-Delivery:")
    # a bad date is refused at the end of DATA, naming the field
    s = smtp_client(d.port)
    s.ehlo()
    s.mail(SENDER)
    s.rcpt(NUMBER + "@sms.example")
    code, resp = s.data(message("Bad", headers=["X-SMS-Send-At: tomorrow at noon"]))
    s.quit()
    text = resp.decode("utf-8", "replace")
    check(code == 550 and "5.6.0" in text and "X-SMS-Send-At" in text,
          "bad X-SMS-Send-At: -> %d %r, want 550 5.6.0 naming the field" % (code, text))
    s = smtp_client(d.port)
    s.ehlo()
    s.mail(SENDER)
    s.rcpt(NUMBER + "@sms.example")
    code, resp = s.data(message("Far", headers=[
        "X-SMS-Send-At: " + utc(daemon_now(d) + MAX_HOLD + 86400)]))
    s.quit()
    check(code == 554 and b"5.3.4" in resp, "X-SMS-Send-At: beyond max_hold -> %d %r" % (code, resp))


def c_restart(ctx):
    d = ctx.daemon(_clock=True)
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"], message("Pickup"),
                    mail_options=["HOLDFOR=7200"])
    d.wait_log(qid, "scheduled", 5)
    check(d.stop() == 0, "exit status after SIGTERM")
    d.move_clock(3600)
    d.start()
    not_sent_yet(ctx, NUMBER, "HOLDFOR=7200 after a restart, an hour early")
    rc, out, _ = d.ctl("queue", "--scheduled")
    check(rc == 0 and qid in out, "the restarted daemon does not list %s as scheduled:\n%s"
          % (qid, out))
    d.move_clock(3601)
    released(ctx, d, qid, NUMBER, "HOLDFOR=7200 across a restart")
    check(d.stop() == 0, "exit status after SIGTERM")
    d.start()
    time.sleep(1.5)
    check(len(sent_to(ctx, NUMBER)) == 1, "sent again after the second restart")


def c_ctl_scheduled_delete(ctx):
    d = ctx.daemon(_clock=True)
    numbers = ["+4917033333331", "+4917033333332", "+4917033333333"]
    q1 = send_mail(d.port, SENDER, [numbers[0] + "@sms.example"], message("One"),
                   mail_options=["HOLDFOR=600"])
    q2 = send_mail(d.port, SENDER, [numbers[1] + "@sms.example"],
                   message("Two", msgid="reminder-42@client.test"),
                   mail_options=["HOLDFOR=900"])
    q3 = send_mail(d.port, SENDER, [numbers[2] + "@sms.example"], message("Three"),
                   mail_options=["HOLDFOR=1200"])
    now = send_mail(d.port, SENDER, ["+4917033333334@sms.example"], message("Now"))
    d.wait_log(now, "sent", 10)
    rc, out, err = d.ctl("queue", "--scheduled")
    ctx.note("queue --scheduled:\n" + out)
    check(rc == 0, "queue --scheduled -> %d %r" % (rc, err))
    for q, secs in ((q1, 600), (q2, 900), (q3, 1200)):
        line = [ln for ln in out.splitlines() if ln.startswith(q)]
        check(line, "queue --scheduled does not list %s" % q)
        m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+(\d+)s", line[0])
        check(m and abs(int(m.group(2)) - secs) <= 3,
              "%s: release in %r, want about %ds" % (q, line[0], secs))
    check(now not in out, "a message sent at once listed as scheduled")
    rc, out2, err = d.ctl("flush")
    check(rc == 0, "flush -> %d %r" % (rc, err))
    not_sent_yet(ctx, numbers[2], "flush: a message held for a later release", settle=1)
    check("reminder-42@client.test" in out, "the Message-ID is not listed")
    rc, out, err = d.ctl("delete", q1)
    check(rc == 0 and q1 in out, "delete %s -> %d %r %r" % (q1, rc, out, err))
    rc, out, err = d.ctl("delete", "--message-id", "<reminder-42@client.test>")
    check(rc == 0 and q2 in out, "delete --message-id -> %d %r %r" % (rc, out, err))
    rc, out, err = d.ctl("delete", "--message-id", "no-such@client.test")
    check(rc != 0 and "no queued message" in out + err,
          "delete --message-id of an unknown id -> %d %r %r" % (rc, out, err))
    rc, out, _ = d.ctl("queue", "--scheduled")
    check(q1 not in out and q2 not in out and q3 in out,
          "after the deletes, queue --scheduled:\n%s" % out)
    d.move_clock(1300)
    d.wait_log(q3, "sent", 5)
    time.sleep(1)
    check(not sent_to(ctx, numbers[0]) and not sent_to(ctx, numbers[1]),
          "a deleted scheduled message was sent")
    check(d.stop() == 0, "exit status after SIGTERM")
    d.start()
    time.sleep(1.5)
    check(not sent_to(ctx, numbers[0]) and not sent_to(ctx, numbers[1]),
          "a deleted scheduled message came back after a restart")


def c_express(ctx):
    """rate = 1: bulk waits in the backend's line; express goes ahead of it,
    but not ahead of the same sender's bulk to the same number."""
    d = ctx.daemon(backend=None, backends=[{
        "name": "slow", "type": "http", "profile": "generic", "url": ctx.mock.url("/sms"),
        "timeout": "10s", "rate": 1}])
    s = smtp_client(d.port)
    s.ehlo()
    bulk = ["+491703000000%d" % i for i in range(6)]
    for n in bulk:
        send_mail(d.port, SENDER, [n + "@sms.example"], message("Bulk"), s=s)
    express = [("+4917040000000", ["X-Priority: 1 (Highest)"]),
               ("+4917040000001", ["Priority: urgent"])]
    for n, hdr in express:
        send_mail(d.port, SENDER, [n + "@sms.example"], message("Urgent", headers=hdr), s=s)
    # the same sender and number as the last bulk SMS: it keeps its place
    send_mail(d.port, SENDER, [bulk[-1] + "@sms.example"], message("[QOS:EXPRESS] Urgent"), s=s)
    s.quit()
    total = len(bulk) + len(express) + 1
    wait_for(lambda: len(ctx.mock.requests()) >= total, total + 10, "every SMS to be sent")
    order = [(r.get("body") or {}).get("to") for r in ctx.mock.requests()]
    ctx.note("order sent: %s" % order)
    first = [order.index(n) for n, _ in express]
    check(max(first) <= 3, "express SMS sent at %s of %s, want ahead of the waiting bulk"
          % (first, order))
    last_bulk = [i for i, n in enumerate(order) if n == bulk[-1]]
    texts = [(r.get("body") or {}).get("text") for r in ctx.mock.requests()]
    check(len(last_bulk) == 2 and texts[last_bulk[0]].startswith("Bulk"),
          "express to %s passed the same sender's bulk SMS to that number: %s"
          % (bulk[-1], list(zip(order, texts))))


CASES_SCHEDULING = [
    ("EHLO offers FUTURERELEASE 604800 and the latest date; max_hold 0s: not offered",
     c_ehlo_futurerelease, None),
    ("HOLDFOR=3600: not sent 20 s before, sent within a second after (test clock)",
     c_holdfor, None),
    ("HOLDUNTIL two days ahead: show gives the time, sent once the clock passes it",
     c_holduntil, None),
    ("beyond max_hold 554 5.3.4; bad HOLDFOR/HOLDUNTIL or both 501 5.5.4; a past "
     "HOLDUNTIL sends at once", c_hold_refused, None),
    ("X-SMS-Send-At: (ISO 8601) and Deferred-Delivery: (RFC 5322) hold; a bad date 550 "
     "5.6.0", c_headers, None),
    ("a scheduled message across a restart: held, then sent once", c_restart, None),
    ("smsrelayctl queue --scheduled lists the release; delete ID and delete --message-id",
     c_ctl_scheduled_delete, None),
    ("express (X-Priority: 1, Priority: urgent) ahead of bulk at rate = 1, never ahead of "
     "the same sender's SMS to the same number", c_express, None),
]
