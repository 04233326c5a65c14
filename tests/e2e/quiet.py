# quiet.py - end-to-end cases of number intelligence (libphonenumber at RCPT)
# and quiet hours in the recipient's time zone, on a test clock.
"""CASES_QUIET: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

from harness import Skip, check, smtp_client

SENDER = "clerk@example.com"


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


CASES_QUIET = [
    ("numbers.refuse_fixed_line: a landline refused at RCPT, 550 5.1.1 and why",
     c_landline_refused, None),
    ("libphonenumber at RCPT: too short for France, not a number in use in Germany",
     c_invalid_reason, None),
]
