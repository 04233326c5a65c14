# metrics.py - end-to-end cases of /metrics: a known sequence of messages
# through the real daemon, then the exposition read back and promtool's check.
"""CASES_METRICS: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

A daemon with the HTTP listener and the generic profile against the mock
provider: a message delivered (a signed callback says so), one the
provider refuses (400: failed, a 'failed' DSN), one it defers (503), and
three refused at the end of DATA (no text, too many parts, too big).
/metrics must then say exactly that and pass `promtool check metrics`.
Apart: NOTIFY=SUCCESS and a delivered report count a 'delivered' DSN; a
429 with Retry-After counts its pause; other methods and paths are
refused, and a peer that is not loopback gets 403."""

import os
import re
import shutil
import socket
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from callbacks import call, daemon_with_http, report_of, sent_sms  # noqa: E402
from harness import (RawSMTP, check, free_port, make_message, send_mail,  # noqa: E402
                     smtp_client, wait_dsn, wait_for)
from submission import submission_listener, tls_session  # noqa: E402
from tlsutil import USER, auth_plain_b64, start  # noqa: E402

NUMBER = "+4917012345678"
SENDER = "clerk@example.com"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')


def parse(text):
    """The samples of an exposition: {(name, frozenset of labels): value}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        check(m is not None, "not a sample line: %r" % line)
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def scrape(d):
    status, body = call(d, "GET", "http://127.0.0.1:%d/metrics" % d.http_port)
    check(status == 200, "GET /metrics: %d %s" % (status, body[:200]))
    return body


def value(samples, name, **labels):
    key = (name, frozenset(labels.items()))
    check(key in samples, "no sample %s%r" % (name, labels))
    return samples[key]


def expect(samples, want):
    bad = []
    for name, labels, v in want:
        got = value(samples, name, **labels)
        if got != v:
            bad.append("%s%r = %g, want %g" % (name, labels, got, v))
    check(not bad, "wrong values:\n  " + "\n  ".join(bad))


def refused(d, msg, code):
    """One transaction whose end of DATA is refused with code."""
    s = smtp_client(d.port)
    s.ehlo()
    s.mail(SENDER)
    s.rcpt(NUMBER + "@sms.example")
    got, resp = s.data(msg)
    s.quit()
    check(got == code, "end of DATA -> %d %r, want %d" % (got, resp, code))


def promtool_check(ctx, body):
    tool = shutil.which("promtool")
    check(tool is not None, "promtool missing: apt-get install prometheus "
          "(contrib/install-deps.sh test)")
    p = subprocess.run([tool, "check", "metrics"], input=body.encode(),
                       capture_output=True, timeout=30)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    ctx.note("promtool check metrics: rc=%d %s" % (p.returncode, out.strip()))
    check(p.returncode == 0, "promtool check metrics failed:\n" + out)


def c_metrics_sequence(ctx):
    """Exact counts after a known sequence, and promtool accepts the text."""
    d = daemon_with_http(ctx, "generic", top={
        "queue": {"retry": ["1h"], "lifetime": "2d"},
        "message": {"max_parts": 1, "overflow": "refuse"},
        "smtp": {"max_message_size": "20K"}})
    before = parse(scrape(d))
    expect(before, [
        ("smsrelay_messages_accepted_total", {}, 0),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "sent", "reason": "accepted"}, 0),
        ("smsrelay_backend_requests_in_flight", {"backend": "default"}, 0),
        ("smsrelay_queue_messages", {}, 0),
        ("smsrelay_queue_recipients", {"state": "queued"}, 0)])
    sessions = value(before, "smsrelay_sessions_total", listener="plain")

    # delivered: the provider takes it, its signed callback says delivered
    qid, pid, ref, url = sent_sms(ctx, d, "generic")
    method, u, headers, body, _ = report_of("generic", url, pid, ref)
    status, _ = call(d, method, u, headers, body)
    check(status == 200, "the signed report got %d" % status)
    d.wait_log(qid, "delivered", 10)

    # failed at once: the provider answers 400
    ctx.mock.script([{"status": 400, "body": {"error": "no such number"}}])
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 8 is ready\r\n"))
    d.wait_log(qid, "bounced", 10)
    wait_dsn(ctx, SENDER, 15)

    # deferred: 503, retried in an hour
    ctx.mock.script([{"status": 503, "body": {"error": "busy"}, "sticky": True}])
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 9 is ready\r\n"))
    d.wait_log(qid, "deferred", 10)
    ctx.mock.reset()

    # refused at the end of DATA: no text, 3 parts (max_parts 1, refuse), too big
    refused(d, make_message(None, ""), 550)
    refused(d, make_message(None, "x" * 400 + "\r\n"), 550)
    refused(d, make_message("Big", ("y" * 998 + "\r\n") * 30), 552)

    # scheduled: released in an hour
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 11 is ready\r\n"),
                    mail_options=["HOLDFOR=3600"])
    d.wait_log(qid, "scheduled", 10)

    # the failed one's DSN was sent (the delivered one asked for none): the
    # deferred and the scheduled one are left
    wait_for(lambda: value(parse(scrape(d)), "smsrelay_queue_messages") == 2, 15,
             "the queue down to the deferred and the scheduled message")
    text = scrape(d)
    ctx.note("/metrics:\n" + text)
    after = parse(text)
    expect(after, [
        ("smsrelay_sessions_total", {"listener": "plain"}, sessions + 7),
        ("smsrelay_messages_accepted_total", {}, 4),
        ("smsrelay_messages_refused_total", {"reason": "no_text"}, 1),
        ("smsrelay_messages_refused_total", {"reason": "policy"}, 1),
        ("smsrelay_messages_refused_total", {"reason": "size"}, 1),
        ("smsrelay_messages_refused_total", {"reason": "rate_limit"}, 0),
        ("smsrelay_parts_total", {"encoding": "GSM-7"}, 4),
        ("smsrelay_recipients_total", {"state": "sent"}, 1),
        ("smsrelay_recipients_total", {"state": "delivered"}, 1),
        ("smsrelay_recipients_total", {"state": "failed"}, 1),
        ("smsrelay_recipients_total", {"state": "deferred"}, 1),
        ("smsrelay_recipients_total", {"state": "expired"}, 0),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "sent", "reason": "accepted"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "delivered", "reason": "handset_report"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "failed", "reason": "permanent"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "deferred", "reason": "temporary"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "none", "state": "failed", "reason": "quiet_hours"}, 0),
        ("smsrelay_backend_request_duration_seconds_count", {"backend": "default"}, 3),
        ("smsrelay_backend_request_duration_seconds_bucket",
         {"backend": "default", "le": "+Inf"}, 3),
        ("smsrelay_backend_request_seconds_count", {}, 3),
        ("smsrelay_backend_requests_in_flight", {"backend": "default"}, 0),
        ("smsrelay_backend_in_flight", {}, 0),
        ("smsrelay_backend_state", {"backend": "default", "state": "up"}, 1),
        ("smsrelay_backend_state", {"backend": "default", "state": "down"}, 0),
        ("smsrelay_backend_throttled_seconds_total", {"backend": "default"}, 0),
        ("smsrelay_dsns_total", {"kind": "failed"}, 1),
        ("smsrelay_dsns_total", {"kind": "delivered"}, 0),
        ("smsrelay_spool_commit_seconds_count", {}, value(
            after, "smsrelay_spool_commit_seconds_bucket", le="+Inf")),
        ("smsrelay_queue_messages", {}, 2),
        ("smsrelay_queue_recipients", {"state": "queued"}, 0),
        ("smsrelay_queue_recipients", {"state": "deferred"}, 1),
        # due in an hour: kept on disk as a stub (queue.active_limit), so
        # counted as a held message, not among the recipients in memory
        ("smsrelay_queue_recipients", {"state": "scheduled"}, 0),
        ("smsrelay_queue_held_messages", {}, 1),
        ("smsrelay_queue_recipients", {"state": "held"}, 0),
        ("smsrelay_queue_recipients", {"state": "awaiting_report"}, 0)])
    check(value(after, "smsrelay_spool_commit_seconds_count") >= 3,
          "fewer than 3 journal commits counted")
    promtool_check(ctx, text)


def c_metrics_delivered_dsn(ctx):
    """NOTIFY=SUCCESS and a delivered report: a 'delivered' DSN is counted."""
    d = daemon_with_http(ctx, "generic")
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 7 is ready\r\n"),
                    rcpt_options=["NOTIFY=SUCCESS,FAILURE"])
    line = d.wait_log(qid, "sent", 15)[0]
    pid = re.search(r"provider_id=(\S+)", line).group(1)
    url = (ctx.mock.requests()[-1].get("body") or {}).get("callback")
    expect(parse(scrape(d)), [
        ("smsrelay_queue_recipients", {"state": "awaiting_report"}, 1),
        ("smsrelay_queue_recipients", {"state": "queued"}, 0)])
    method, u, headers, body, _ = report_of("generic", url, pid, qid + ".0")
    status, _ = call(d, method, u, headers, body)
    check(status == 200, "the signed report got %d" % status)
    wait_dsn(ctx, SENDER, 15)
    expect(parse(scrape(d)), [
        ("smsrelay_dsns_total", {"kind": "delivered"}, 1),
        ("smsrelay_dsns_total", {"kind": "relayed"}, 0),
        ("smsrelay_dsns_total", {"kind": "failed"}, 0),
        ("smsrelay_recipients_total", {"state": "delivered"}, 1)])
    wait_for(lambda: value(parse(scrape(d)), "smsrelay_queue_messages") == 0, 15,
             "an empty queue")
    expect(parse(scrape(d)), [
        ("smsrelay_queue_recipients", {"state": "awaiting_report"}, 0)])


def c_metrics_throttled(ctx):
    """A 429 with Retry-After: 2 pauses the backend 2 s, counted as such."""
    d = daemon_with_http(ctx, "generic")
    ctx.mock.script([{"status": 429, "body": {"error": "slow down"},
                      "headers": {"Retry-After": "2"}}])
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 10 is ready\r\n"))
    d.wait_log(qid, "sent", 15)
    expect(parse(scrape(d)), [
        ("smsrelay_backend_throttled_seconds_total", {"backend": "default"}, 2),
        ("smsrelay_backend_state", {"backend": "default", "state": "up"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "sent", "reason": "accepted"}, 1),
        ("smsrelay_backend_recipients_total",
         {"backend": "default", "state": "deferred", "reason": "throttled"}, 0),
        ("smsrelay_recipients_total", {"state": "deferred"}, 0),
        ("smsrelay_backend_request_duration_seconds_count", {"backend": "default"}, 1)])
    check(value(parse(scrape(d)), "smsrelay_backend_request_duration_seconds_sum",
                backend="default") >= 2, "the pause is not in the request's time")


def c_metrics_limits(ctx):
    """A TLS handshake, AUTH failures up to the lockout, a per-client session
    limit: each counted once."""
    port = free_port()
    d = start(ctx, [submission_listener()], auth={"max_failures": 2},
              smtp={"max_sessions_per_client": 2},
              http={"listen": "127.0.0.1:%d" % port})
    d.http_port = port
    idle = lambda: value(parse(scrape(d)), "smsrelay_sessions_open") == 0  # noqa: E731
    wait_for(idle, 10, "no session open")
    c, _ = tls_session(ctx, d.port)
    replies = []
    try:
        for i in range(6):
            code, _ = c.cmd("AUTH PLAIN " + auth_plain_b64(USER, "bad-%d" % i))
            replies.append(code)
            if code != 535:
                break
    finally:
        c.close()
    check(replies[-1] == 421, "failed AUTHs gave %r, want 535s then 421" % replies)
    wait_for(idle, 10, "no session open")
    held = [RawSMTP(d.port), RawSMTP(d.port)]
    try:
        for h in held:
            check(h.reply()[0] == 220, "no greeting within the per-client limit")
        third = RawSMTP(d.port)
        code, text = third.reply()
        third.close()
        check(code == 421, "the third session from one client got %d %r" % (code, text))
    finally:
        for h in held:
            h.close()
    expect(parse(scrape(d)), [
        ("smsrelay_tls_handshakes_total", {"result": "ok"}, 1),
        ("smsrelay_tls_handshakes_total", {"result": "failed"}, 0),
        ("smsrelay_auth_checks_total", {"result": "failed"}, len(replies) - 1),
        ("smsrelay_auth_checks_total", {"result": "ok"}, 0),
        ("smsrelay_limit_refusals_total", {"limit": "auth_failures"}, 1),
        ("smsrelay_limit_refusals_total", {"limit": "sessions_per_client"}, 1),
        ("smsrelay_limit_refusals_total", {"limit": "sessions"}, 0)])


def outside_address():
    """An address of this host that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))     # no packet: picks the route's source
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def raw_get(addr, port, method="GET", path="/metrics"):
    s = socket.create_connection((addr, port), 10)
    try:
        s.sendall(("%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                   % (method, path)).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head = data.split(b"\r\n", 1)[0].decode()
    return int(head.split()[1]), data


def c_metrics_access(ctx):
    """Only GET/HEAD of /metrics, only from loopback: others 405/404/403."""
    port = free_port()
    d = daemon_with_http(ctx, "generic", listen="0.0.0.0:%d" % port)
    d.http_port = port
    status, data = raw_get("127.0.0.1", port)
    check(status == 200 and b"text/plain; version=0.0.4" in data,
          "GET /metrics from loopback: %d %r" % (status, data[:300]))
    status, data = raw_get("127.0.0.1", port, "HEAD")
    check(status == 200 and data.endswith(b"\r\n\r\n"), "HEAD /metrics: %d %r"
          % (status, data[-200:]))
    check(raw_get("127.0.0.1", port, "POST")[0] == 405, "POST /metrics not 405")
    check(raw_get("127.0.0.1", port, path="/metrics/x")[0] == 404,
          "/metrics/x not 404")
    addr = outside_address()
    if addr is None:
        ctx.note("no address but loopback on this host: the 403 is not tried")
        return
    status, data = raw_get(addr, port)
    ctx.note("GET /metrics from %s: %d" % (addr, status))
    check(status == 403, "GET /metrics from %s: %d, want 403" % (addr, status))
    check(b"smsrelay_" not in data, "a refused peer saw metrics")
    wait_for(lambda: d.log_lines(event="metrics"), 5, "the refusal in the log")


CASES_METRICS = [
    ("/metrics: exact counts after a known sequence, promtool accepts it",
     c_metrics_sequence, "sink"),
    ("/metrics: NOTIFY=SUCCESS and a delivered report count a 'delivered' DSN",
     c_metrics_delivered_dsn, "sink"),
    ("/metrics: a 429 with Retry-After counts 2 s throttled, the SMS sent once",
     c_metrics_throttled, None),
    ("/metrics: TLS handshakes, AUTH failures, the lockout and a session limit counted",
     c_metrics_limits, None),
    ("/metrics: GET/HEAD only, exact path, loopback peers only (403 otherwise)",
     c_metrics_access, None),
]
