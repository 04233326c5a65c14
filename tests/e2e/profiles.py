# profiles.py - end-to-end cases of the HTTP provider profiles: the real
# daemon against mockprov.py speaking each provider's documented API.
"""For every profile: a UCS-2 and a GSM-7 SMS sent (the provider's id in the
log), an invalid number bounced 5.1.1, a blocked one 5.7.1 where the
provider says so synchronously, another permanent error 5.0.0, a temporary
one deferred and then sent; every request as the provider documents it,
carrying the client reference where the provider takes one."""

import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import check, make_message, send_mail, wait_for  # noqa: E402
from mockproviders import CREDS  # noqa: E402

NUMBER = "+4917012345678"
SENDER = "clerk@example.com"

# the path each provider's API has, the field that carries our reference
PATHS = {
    "vonage": "/sms/json",
    "messagebird": "/messages",
    "sinch": "/xms/v1/{user}/batches",
    "infobip": "/sms/3/messages",
    "plivo": "/v1/Account/{user}/Message/",
}


def client_ref(name, req):
    """The client reference a request carries, None if the API takes none."""
    b = req.get("body") or {}
    if name == "vonage":
        return b.get("client-ref")
    if name == "messagebird":
        return b.get("reference")
    if name == "sinch":
        return b.get("client_reference")
    if name == "infobip":
        return b["messages"][0]["destinations"][0].get("messageId")
    return None


def answered_id(name, req):
    """The message id the provider's answer gave."""
    b = req.get("response") or {}
    if name == "vonage":
        return b["messages"][0]["message-id"]
    if name in ("messagebird", "sinch"):
        return b["id"]
    if name == "infobip":
        return b["messages"][0]["messageId"]
    return b["message_uuid"][0]


def profile_backend(ctx, name):
    user, password = CREDS[name]
    conf = {"type": "http", "profile": name, "url": ctx.mock.url(PATHS[name]),
            "password": password, "from": "Shop", "timeout": "10s"}
    if user is not None:
        conf["user"] = user
    return conf


def last_request(ctx):
    reqs = ctx.mock.requests()
    check(reqs, "the mock got no request")
    r = reqs[-1]
    check(not r.get("violations"), "request departs from the %s API: %s\n%s"
          % (r.get("provider"), r.get("violations"), r["raw"][:400]))
    return r


def send(ctx, d, text):
    return send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                     make_message("Note", text + "\r\n"))


def expect_sent(ctx, d, name, text):
    qid = send(ctx, d, text)
    line = d.wait_log(qid, "sent", 15)[0]
    r = last_request(ctx)
    pid = re.search(r"provider_id=(\S+)", line).group(1)
    ctx.note("%s %s: %s" % (name, text[:20], line))
    check(pid == answered_id(name, r), "provider_id=%s in the log, the answer said %s"
          % (pid, answered_id(name, r)))
    ref = client_ref(name, r)
    if name != "plivo":
        check(ref == qid + ".0", "client reference %r, want %s.0" % (ref, qid))
    return qid, pid


def expect_bounce(ctx, d, name, kind, status):
    ctx.mock.script([{"answer": kind}])
    qid = send(ctx, d, "bounce " + kind)
    line = wait_for(lambda: [l for l in d.log_lines(qid, "bounced")], 15,
                    "%s %s to bounce" % (name, kind))[0]
    last_request(ctx)
    check("status=%s" % status in line, "%s %s: %r, want status=%s"
          % (name, kind, line, status))


def expect_deferred_then_sent(ctx, d, name, kind):
    ctx.mock.script([{"answer": kind}])
    qid = send(ctx, d, "later " + kind)
    d.wait_log(qid, "deferred", 15)
    d.wait_log(qid, "sent", 15)
    last_request(ctx)


def expect_paused_then_sent(ctx, d, name):
    """throttled: the router pauses the backend and sends again, no deferral"""
    ctx.mock.script([{"answer": "throttled"}])
    qid = send(ctx, d, "later throttled")
    d.wait_log(qid, "sent", 15)
    check(not d.log_lines(qid, "deferred"),
          "%s throttled: deferred instead of paused" % name)
    last_request(ctx)


def run_profile(ctx, name, kinds):
    d = ctx.daemon(backend=profile_backend(ctx, name))
    _, pid1 = expect_sent(ctx, d, name, "Привет, Ihr Paket ist da")
    _, pid2 = expect_sent(ctx, d, name, "Abholung ab 10 Uhr, Gebühr 2€ [Fach 7]")
    check(pid1 != pid2, "the same provider id %s twice" % pid1)
    expect_bounce(ctx, d, name, "invalid", "5.1.1")
    if "blocked" in kinds:
        expect_bounce(ctx, d, name, "blocked", "5.7.1")
    expect_bounce(ctx, d, name, "permanent", "5.0.0")
    expect_deferred_then_sent(ctx, d, name, "temporary")
    if "throttled" in kinds:
        expect_paused_then_sent(ctx, d, name)


def c_vonage(ctx):
    run_profile(ctx, "vonage", ("blocked", "throttled"))
    # a long text: one message-id per part, the first is the SMS's id
    d = ctx.daemons[0]
    qid = send(ctx, d, "Lang " + "x" * 300)
    line = d.wait_log(qid, "sent", 15)[0]
    r = last_request(ctx)
    msgs = r["response"]["messages"]
    check(len(msgs) == 3 and "parts=3" in line, "305 characters: %d message-ids, log %r"
          % (len(msgs), line))
    check("provider_id=%s " % msgs[0]["message-id"] in line + " ",
          "the first part's id is not the SMS's: %r" % line)


def c_messagebird(ctx):
    run_profile(ctx, "messagebird", ())


def c_sinch(ctx):
    run_profile(ctx, "sinch", ())


def c_infobip(ctx):
    run_profile(ctx, "infobip", ("blocked",))


def c_plivo(ctx):
    run_profile(ctx, "plivo", ())


def c_resend_same_ref(ctx):
    """kill -9 with the request in flight: the re-send has the same ref."""
    ctx.mock.script([{"answer": "ok", "delay": 4}])
    d = ctx.daemon(backend=profile_backend(ctx, "vonage"))
    qid = send(ctx, d, "crash test")
    wait_for(lambda: ctx.mock.requests(), 10, "the first request")
    d.kill9()
    t = time.time()
    d.start()
    d.wait_log(qid, "sent", 20)
    reqs = ctx.mock.requests()
    check(len(reqs) == 2, "%d requests, want the first and one re-send" % len(reqs))
    refs = [client_ref("vonage", r) for r in reqs]
    check(refs == [qid + ".0"] * 2, "client-refs %r, want %s.0 twice" % (refs, qid))
    check(reqs[1]["t"] >= t, "the re-send came before the restart")


CASES_PROFILES = [
    ("vonage: UCS-2/GSM sent with id and client-ref, 5.1.1, 5.7.1, 5.0.0, "
     "temporary and throttled deferred, one id per part", c_vonage, None),
    ("messagebird: sent with id and reference, 5.1.1, 5.0.0, temporary deferred",
     c_messagebird, None),
    ("sinch: sent with batch id and client_reference, 5.1.1, 5.0.0, temporary deferred",
     c_sinch, None),
    ("infobip: sent with messageId = ref, 5.1.1, 5.7.1, 5.0.0, temporary deferred",
     c_infobip, None),
    ("plivo: sent with message_uuid, 5.1.1, 5.0.0, temporary deferred", c_plivo, None),
    ("kill -9 with a vonage request in flight: the re-send carries the same client-ref",
     c_resend_same_ref, None),
]
