# routing.py - end-to-end cases for named backends and routes: failover
# between two mock providers, a backend's rate, and HTTP 429 pauses.
"""CASES_ROUTING: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import re
import time

from harness import Mock, check, make_message, send_mail, wait_for

SENDER = "clerk@example.com"
DE = "+4917012345678"
AT = "+436641234567"


def http_backend(name, mock, **over):
    b = {"name": name, "type": "http", "profile": "generic",
         "url": mock.url("/sms"), "timeout": "10s"}
    b.update(over)
    return b


def to_numbers(reqs):
    return [(r.get("body") or {}).get("to") for r in reqs]


def send_one(d, number, subject):
    qid = send_mail(d.port, SENDER, [number + "@sms.example"],
                    make_message(subject, "Your laptop is ready\r\n"))
    return qid


def backend_lines(d, name, what):
    return [ln for ln in d.log().splitlines() if "backend %s %s" % (name, what) in ln]


def ctl_state(d, name):
    rc, out, err = d.ctl("backends")
    check(rc == 0, "smsrelayctl backends -> %d %r" % (rc, err))
    for line in out.splitlines():
        if line.split()[:1] == [name]:
            return line
    raise AssertionError("no line for %s in %r" % (name, out))


def c_failover(ctx):
    """+43 routed to smsc2 only; smsc1 down -> smsc2; back up -> smsc1; 4xx final."""
    a = ctx.mock
    b = Mock(ctx.tmp)
    try:
        a.script([{"status": 503, "body": {"message": "maintenance"}, "sticky": True}])
        d = ctx.daemon(backend=None, backends=[
            http_backend("smsc1", a, down_after=2, probe_interval="2s"),
            http_backend("smsc2", b)],
            routes=[{"prefixes": ["+43"], "backends": ["smsc2"]},
                    {"backends": ["smsc1", "smsc2"]}])
        # the +43 route never touches smsc1
        qid = send_one(d, AT, "AT")
        d.wait_log(qid, "sent", 15)
        check(to_numbers(a.requests()) == [], "smsc1 got the +43 SMS")
        # smsc1 answers 503: each SMS passes to smsc2 at once, no deferral
        for i in range(2):
            qid = send_one(d, DE, "down %d" % i)
            d.wait_log(qid, "sent", 15)
        check(len(a.requests()) == 2, "smsc1 got %d requests, want 2" % len(a.requests()))
        check(backend_lines(d, "smsc1", "down"), "no 'backend smsc1 down' log line")
        check("down until" in ctl_state(d, "smsc1"),
              "ctl does not say down: %r" % ctl_state(d, "smsc1"))
        # down: the next SMS goes straight to smsc2
        qid = send_one(d, DE, "down 3")
        d.wait_log(qid, "sent", 15)
        check(len(a.requests()) == 2, "smsc1 was asked while down")
        check(to_numbers(b.requests()) == [AT, DE, DE, DE],
              "smsc2 got %r" % to_numbers(b.requests()))
        check(not d.log_lines(None, "deferred"), "an SMS was deferred during failover")
        # smsc1 recovers: after probe_interval one SMS probes it, then all go there
        a.reset()
        time.sleep(2.2)
        for i in range(2):
            qid = send_one(d, DE, "up %d" % i)
            d.wait_log(qid, "sent", 15)
        check(len(a.requests()) == 2, "smsc1 got %d new requests after recovery, want 2"
              % len(a.requests()))
        check(backend_lines(d, "smsc1", "probing"), "no probe log line")
        check(backend_lines(d, "smsc1", "up"), "no 'backend smsc1 up' log line")
        check(len(b.requests()) == 4, "smsc2 still got traffic after smsc1 came back")
        check(ctl_state(d, "smsc1").split()[2] == "up", "ctl: %r" % ctl_state(d, "smsc1"))
        # a permanent answer is final: not tried at smsc2
        a.script([{"status": 400, "body": {"message": "invalid destination"}}])
        qid = send_one(d, DE, "perm")
        d.wait_log(qid, "bounced", 15)
        check(len(b.requests()) == 4, "a permanent failure was passed to smsc2")
    finally:
        b.stop()


def c_rate(ctx):
    """2,000 parts at rate = 200 take 10 s +- 10 %, nothing deferred."""
    text = ("Your repair order is ready for pickup at the service desk. " * 4)[:200]
    check(153 < len(text) <= 306, "the text must make two parts")
    d = ctx.daemon(backend=None, backends=[http_backend("smsc1", ctx.mock, rate=200)],
                   smtp={"max_recipients": 100})
    numbers = ["+49170%07d" % i for i in range(1000)]
    qids = []
    for i in range(10):
        qids.append(send_mail(d.port, SENDER,
                              [n + "@sms.example" for n in numbers[i * 100:(i + 1) * 100]],
                              make_message("Rate %d" % i, text + "\r\n")))

    def all_done():
        reqs = ctx.mock.successes()
        return reqs if len(reqs) >= 1000 else None
    reqs = wait_for(all_done, 40, "1000 SMS at the mock")
    sent = [ln for ln in d.log().splitlines() if re.search(r"\bsent\b.*parts=2\b", ln)]
    check(len(sent) == 1000, "%d SMS of 2 parts sent, want 1000" % len(sent))
    starts = sorted(r["t"] for r in reqs)
    took = starts[-1] - starts[0]
    ctx.note("2000 parts at rate=200: first to last request %.2fs" % took)
    print("# rate: 2000 parts at rate=200: first to last request %.2fs" % took)
    check(9.0 <= took <= 11.0, "2000 parts took %.2fs, want 10 s +- 10 %%" % took)
    check(not d.log_lines(None, "deferred"), "%d deferrals" % len(d.log_lines(None, "deferred")))
    # no second of it over the rate plus the burst
    worst = max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)
    check(worst * 2 <= (200 + 20) * 1.1, "%d parts in one second, rate is 200" % (worst * 2))


def c_throttled(ctx):
    """429 with Retry-After pauses that long, without it 1 s; no attempt charged."""
    ctx.mock.script([
        {"status": 429, "headers": {"Retry-After": "2"}, "body": {"message": "slow down"}},
        {"status": 429, "body": {"message": "too many requests"}},
    ])
    d = ctx.daemon(backend=None, backends=[http_backend("smsc1", ctx.mock)])
    qid = send_one(d, DE, "Throttled")
    # during each pause the recipient is still on its first attempt
    for n in (1, 2):
        wait_for(lambda: len(ctx.mock.requests()) >= n and ctx.mock.requests()[n - 1]["t_done"],
                 10, "429 number %d at the mock" % n)
        rc, out, err = d.ctl("show", qid)
        check(rc == 0, "smsrelayctl show -> %d %r" % (rc, err))
        check(re.search(r"attempts: 1\b", out), "after 429 number %d: %r" % (n, out))
    d.wait_log(qid, "sent", 20)
    reqs = ctx.mock.requests()
    check(len(reqs) == 3, "mock got %d requests, want 3" % len(reqs))
    gap1 = reqs[1]["t"] - reqs[0]["t"]
    gap2 = reqs[2]["t"] - reqs[1]["t"]
    check(1.9 <= gap1 <= 3.5, "Retry-After: 2 paused %.2fs" % gap1)
    check(0.9 <= gap2 <= 2.5, "a 429 without Retry-After paused %.2fs, want 1 s" % gap2)
    check(backend_lines(d, "smsc1", "throttled pause=2s"), "no throttled pause=2s log line")
    check(backend_lines(d, "smsc1", "throttled pause=1s"), "no throttled pause=1s log line")
    check(not d.log_lines(qid, "deferred"), "the queue deferred a throttled SMS")


CASES_ROUTING = [
    ("routes: +43 to smsc2 only; smsc1 503 -> smsc2, down, probed, back; 400 is final",
     c_failover, None),
    ("rate = 200: 2,000 parts take 10 s +- 10 %, nothing deferred", c_rate, None),
    ("HTTP 429 with and without Retry-After: pauses, no attempt charged", c_throttled, None),
]
