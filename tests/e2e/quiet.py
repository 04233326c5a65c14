# quiet.py - end-to-end cases of number intelligence (libphonenumber at RCPT)
# and quiet hours in the recipient's time zone, on a test clock.
"""CASES_QUIET: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import datetime
import time
import zoneinfo

from harness import Skip, check, make_message, send_mail, smtp_client, wait_dsn

SENDER = "clerk@example.com"
MOBILE = "+4917012345678"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def next_local(hour, after):
    """The first instant after `after` (epoch seconds) when Berlin's clocks
    read hour:00, as epoch seconds."""
    t = datetime.datetime.fromtimestamp(after, BERLIN)
    want = t.replace(hour=hour, minute=0, second=0, microsecond=0)
    if want.timestamp() <= after:
        want = (want.replace(tzinfo=None) + datetime.timedelta(days=1)).replace(tzinfo=BERLIN)
    return int(want.timestamp())


def daemon_at_22h(ctx, **over):
    """smsrelayd whose clock reads 22:00 in Berlin, a few seconds past."""
    d = ctx.daemon(start=False, _clock=True, **over)
    now = time.time()
    target = next_local(22, now)
    d.move_clock(int(target - now))
    d.start()
    d.berlin_22h = target
    return d


def rcpt_reply(d, number):
    """The reply to RCPT TO:<number@sms.example> as (code, text)."""
    s = smtp_client(d.port)
    s.ehlo()
    code, resp = s.mail(SENDER)
    check(code == 250, "MAIL -> %d %r" % (code, resp))
    code, resp = s.rcpt(number + "@sms.example")
    s.quit()
    return code, resp.decode("utf-8", "replace")


def need_libphonenumber(d):
    """Skip where the relay was built without libphonenumber."""
    code, _ = rcpt_reply(d, "+4930")
    if code == 250:
        raise Skip("smsrelayd built without libphonenumber")


def c_landline_refused(ctx):
    d = ctx.daemon(numbers={"default_country": "49", "refuse_fixed_line": True})
    need_libphonenumber(d)
    code, text = rcpt_reply(d, "+493012345678")
    want = "5.1.1 <+493012345678>: is a landline number and cannot receive SMS"
    check(code == 550 and text == want, "RCPT landline -> %d %r, want 550 %r"
          % (code, text, want))
    code, text = rcpt_reply(d, "+4917012345678")
    check(code == 250, "RCPT mobile -> %d %r, want 250" % (code, text))
    # the US: fixed line or mobile, never refused as a landline
    code, text = rcpt_reply(d, "+12125550123")
    check(code == 250, "RCPT +1 212 -> %d %r, want 250" % (code, text))


def c_invalid_reason(ctx):
    d = ctx.daemon()
    need_libphonenumber(d)
    # number.c already refuses fewer than 7 digits: France's numbers have 9
    for number, want in (("+33612345", "5.1.1 <+33612345>: too short for France"),
                         ("+4917020000",
                          "5.1.1 <+4917020000>: not a number in use in Germany")):
        code, text = rcpt_reply(d, number)
        check(code == 550 and text == want, "RCPT %s -> %d %r, want 550 %r"
              % (number, code, text, want))
    code, text = rcpt_reply(d, "+493012345678")
    check(code == 250, "RCPT landline without refuse_fixed_line -> %d %r" % (code, text))


def c_held_until_morning(ctx):
    d = daemon_at_22h(ctx, queue={"retry": ["1s"], "lifetime": "2d",
                                  "quiet_hours": "21:00-08:00"})
    qid = send_mail(d.port, SENDER, [MOBILE + "@sms.example"],
                    make_message("Pickup", "Your laptop is ready\r\n"))
    d.wait_log(qid, "held", 10)
    rc, out, err = d.ctl("queue")
    check(rc == 0, "smsrelayctl queue -> %d %s" % (rc, err))
    morning = next_local(8, d.berlin_22h)
    until = datetime.datetime.fromtimestamp(morning, datetime.timezone.utc)
    want = "held until %s" % until.strftime("%Y-%m-%dT%H:%M:%SZ")
    check(want in out and "(quiet hours 21:00-08:00 in Europe/Berlin)" in out,
          "queue listing lacks %r and the reason:\n%s" % (want, out))
    rc, out, err = d.ctl("show", qid)
    check("attempts: 0" in out, "a held recipient was charged an attempt:\n%s" % out)
    time.sleep(1)
    check(not ctx.mock.requests(), "an SMS went out inside the quiet hours")
    check(not d.log_lines(qid, "deferred"), "held recipient logged as deferred")
    # journaled: a restart finds it held, with its time and reason
    d.stop()
    d.start()
    rc, out, err = d.ctl("queue")
    check(want in out and "quiet hours 21:00-08:00 in Europe/Berlin" in out,
          "after a restart the listing lacks %r:\n%s" % (want, out))
    check(not ctx.mock.requests(), "an SMS went out after the restart")
    # 07:59 Berlin: still held
    d.move_clock(morning - 60 - d.berlin_22h)
    time.sleep(1)
    check(not ctx.mock.requests(), "an SMS went out at 07:59")
    d.move_clock(60)
    d.wait_log(qid, "sent", 10)
    check(len(ctx.mock.requests()) == 1, "mock got %d requests, want 1"
          % len(ctx.mock.requests()))


def c_validity_inside_quiet(ctx):
    # the base configuration's lifetime is 30 s: it ends long before 08:00
    d = daemon_at_22h(ctx, queue={"retry": ["1s"], "lifetime": "30s",
                                  "quiet_hours": "21:00-08:00"})
    qid = send_mail(d.port, SENDER, [MOBILE + "@sms.example"],
                    make_message("Pickup", "Your laptop is ready\r\n"))
    line = d.wait_log(qid, "bounced", 10)[0]
    check("status=5.4.7" in line and "inside the recipient's quiet hours "
          "21:00-08:00 Europe/Berlin" in line, "bounce line: %r" % line)
    env, msg, raw = wait_dsn(ctx, SENDER, 15)
    check("5.4.7" in raw and "quiet hours" in raw, "DSN lacks 5.4.7 and why:\n%s" % raw)
    check(not ctx.mock.requests(), "an SMS went out inside the quiet hours")


def c_blackout_subject(ctx):
    # no configured quiet hours: the subject's own, and a weekend too
    d = daemon_at_22h(ctx, queue={"retry": ["1s"], "lifetime": "4d"})
    qid = send_mail(d.port, SENDER, [MOBILE + "@sms.example"],
                    make_message("[BLACKOUTPERIODS:20:00-09:00] Pickup", "ready\r\n"))
    line = d.wait_log(qid, "held", 10)[0]
    check("quiet hours 20:00-09:00 in Europe/Berlin" in line, "held line: %r" % line)
    qid2 = send_mail(d.port, SENDER, [MOBILE + "@sms.example"],
                     make_message("No blackout", "now\r\n"))
    d.wait_log(qid2, "sent", 10)


CASES_QUIET = [
    ("numbers.refuse_fixed_line: a landline refused at RCPT, 550 5.1.1 and why",
     c_landline_refused, None),
    ("libphonenumber at RCPT: too short for France, not a number in use in Germany",
     c_invalid_reason, None),
    ("quiet_hours 21:00-08:00: held at 22:00 Berlin (test clock), across a restart, not "
     "at 07:59, sent at 08:00", c_held_until_morning, None),
    ("quiet hours past the validity: bounced at once, 5.4.7 with the reason",
     c_validity_inside_quiet, "sink"),
    ("[BLACKOUTPERIODS:20:00-09:00] holds one message; the next goes at once",
     c_blackout_subject, None),
]
