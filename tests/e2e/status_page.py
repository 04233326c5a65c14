# status_page.py - end-to-end cases of /status and /status.json: the page in
# Debian's chromium (npm playwright-core), with and without JavaScript, the
# JSON document, and who may see them (loopback, basic auth over TLS).
"""CASES_STATUS: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from callbacks import call, daemon_with_http, report_of, sent_sms  # noqa: E402
from harness import check, make_message, send_mail, wait_for  # noqa: E402
from metrics import raw_get  # noqa: E402
from tlsutil import SERVER_NAME, client_context, make_cert, make_users_file, node_dir  # noqa: E402

NUMBER = "+4917012345678"
OTHER = "+4917087654321"
THIRD = "+4917011112222"
# a sender the page must show as text, not as markup
EVIL = '"<b>x</b>&amp;"@example.com'
CAROL = "carol@example.com"
ADMIN = {"ops": "status-page-pw-1"}


def output_dir():
    """Where screenshots stay after the run: the build tree's e2e output."""
    d = os.path.join(os.environ.get("top_builddir") or os.getcwd(), "tests", "e2e",
                     "output")
    os.makedirs(d, exist_ok=True)
    return d


def browse(ctx, url, **opts):
    """tests/e2e/node/status_page.js on url: what chromium showed (a dict)."""
    node = shutil.which("node")
    check(node, "missing node: sh contrib/install-deps.sh test")
    check(os.path.exists("/usr/bin/chromium"),
          "missing chromium: sh contrib/install-deps.sh test")
    opts["url"] = url
    p = subprocess.run([node, os.path.join(node_dir(ctx), "status_page.js"),
                        json.dumps(opts)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=90)
    check(p.returncode == 0, "status_page.js exit %d: %s" % (
        p.returncode, p.stderr.decode("utf-8", "replace")[-3000:]))
    return json.loads(p.stdout.decode())


def busy_daemon(ctx, **http):
    """A daemon that sent one SMS (delivered by report), failed one, deferred one."""
    d = daemon_with_http(ctx, "generic", **http)
    qid, pid, ref, url = sent_sms(ctx, d, "generic")
    method, u, headers, body, _ = report_of("generic", url, pid, ref)
    status, text = call(d, method, u, headers, body)
    check(status == 200, "the delivery report got %d %s" % (status, text))
    wait_for(lambda: [l for l in d.log_lines(qid) if " delivered to=" in l], 10,
             "the delivered report")
    ctx.mock.script([{"status": 400, "body": {"message": "no such number"}}])
    bad = send_mail(d.port, EVIL, [OTHER + "@sms.example"], make_message("Bad", "x\r\n"))
    d.wait_log(bad, "bounced", 15)
    ctx.mock.script([{"status": 503, "body": {"message": "down"}, "sticky": True}])
    later = send_mail(d.port, CAROL, [THIRD + "@sms.example"], make_message("Later", "y\r\n"))
    d.wait_log(later, "deferred", 15)
    return d, later


def status_json(d, path="/status.json", **kw):
    status, text = call(d, "GET", path, **kw)
    check(status == 200, "GET %s -> %d %s" % (path, status, text[:300]))
    return json.loads(text)


def check_numbers(doc, later):
    """The document of busy_daemon: queue, totals, senders, failures, deferred."""
    q, totals = doc["queue"], doc["history"]["totals"]
    check(q["deferred"] == 1 and q["queued"] == 0 and q["held"] == 0 and
          q["scheduled"] == 0, "queue %r, want one deferred" % q)
    want = {"accepted": 3, "sent": 1, "delivered": 1, "failed": 1}
    check(totals == want, "24 h totals %r, want %r" % (totals, want))
    series = doc["history"]["series"]
    check(all(len(series[k]) == 1440 and sum(series[k]) == want[k] for k in want),
          "the per-minute series do not add up to the totals")
    senders = {r["sender"]: r["messages"] for r in doc["top_senders"]}
    check(senders == {"clerk@example.com": 1, EVIL: 1, CAROL: 1},
          "top senders %r" % senders)
    check(len(doc["failures"]) == 1 and doc["failures"][0]["recipients"] == 1,
          "failures by reason %r" % doc["failures"])
    old = doc["oldest_deferred"]
    check(len(old) == 1 and old[0]["id"] == later and old[0]["to"] == THIRD and
          old[0]["sender"] == CAROL, "oldest deferred %r" % old)
    check(len(doc["backends"]) >= 1 and doc["backends"][0]["name"] == "default",
          "backends %r" % doc["backends"])


def rows(table):
    """A table's rows (after the header) as {first cell: second cell}."""
    return {r[0]: r[1] for r in table[1:]}


def check_tables(page, later):
    t = page["tables"]
    check(rows(t["queue"]).get("deferred") == "1", "queue table %r" % t["queue"])
    check(rows(t["totals"]) == {"accepted": "3", "sent": "1", "delivered": "1",
                                "failed": "1"}, "totals table %r" % t["totals"])
    check(rows(t["senders"]).get(EVIL) == "1",
          "the sender %r does not read as text in %r" % (EVIL, t["senders"]))
    check(len(t["failures"]) == 2 and t["failures"][1][1] == "1",
          "failures table %r" % t["failures"])
    check(len(t["deferred"]) == 2 and t["deferred"][1][0] == later,
          "oldest deferred table %r" % t["deferred"])
    check(len(t["backends"]) >= 2 and t["backends"][1][0] == "default",
          "backends table %r" % t["backends"])


def c_page_in_chromium(ctx):
    """/status in chromium: no console errors, four charts drawn, the tables
    hold the numbers; without JavaScript the same tables; a screenshot kept."""
    d, later = busy_daemon(ctx)
    url = "http://127.0.0.1:%d/status" % d.http_port
    shot = os.path.join(output_dir(), "status-page.png")
    page = browse(ctx, url, screenshot=shot)
    ctx.note("screenshot: %s" % shot)
    check(page["status"] == 200, "status %r" % page["status"])
    check(not page["consoleErrors"] and not page["pageErrors"],
          "console errors %r, page errors %r" % (page["consoleErrors"], page["pageErrors"]))
    for name in ("accepted", "sent", "delivered", "failed"):
        c = page["charts"].get(name) or {}
        check(c.get("points") == 1440 and c.get("elements", 0) >= 5,
              "chart %s drew %r" % (name, c))
    check("script-src 'nonce-" in page["headers"].get("content-security-policy", ""),
          "no CSP nonce: %r" % page["headers"])
    check_tables(page, later)
    check(os.path.getsize(shot) > 10000, "the screenshot %s is too small" % shot)

    plain = browse(ctx, url, javascript=False)
    check(all(not c["elements"] for c in plain["charts"].values()),
          "charts drawn with JavaScript off? %r" % plain["charts"])
    check_tables(plain, later)


def c_json_numbers(ctx):
    """/status.json parses and has the numbers; 24 hours later the day is empty;
    other paths 404, other methods 405."""
    d, later = busy_daemon(ctx)
    check_numbers(status_json(d), later)
    status, _ = call(d, "GET", "/status/x")
    check(status == 404, "GET /status/x -> %d, want 404" % status)
    status, _ = call(d, "POST", "/status.json", body="{}")
    check(status == 405, "POST /status.json -> %d, want 405" % status)


def moved(d, seconds):
    """Move the daemon's clock and wait until it has seen the move."""
    d.move_clock(seconds)
    wait_for(lambda: d.log_lines(event="test clock: +%ds" % d.clock), 5,
             "the daemon to see its clock at +%ds" % d.clock)


def c_day_passes(ctx):
    """The minute ring forgets what is 24 hours old (the daemon's clock moved)."""
    d = daemon_with_http(ctx, "generic", top={"_clock": True})
    qid = send_mail(d.port, CAROL, [NUMBER + "@sms.example"], make_message("One", "z\r\n"))
    d.wait_log(qid, "sent", 15)
    doc = status_json(d)
    check(doc["history"]["totals"]["sent"] == 1 and doc["history"]["series"]["sent"][-1] == 1,
          "sent now: %r" % doc["history"]["totals"])
    moved(d, 3600)
    doc = status_json(d)
    sent = doc["history"]["series"]["sent"]
    check(sent[-1] == 0 and sent[-61] == 1 and doc["history"]["totals"]["sent"] == 1,
          "an hour later the SMS is not 60 minutes back: %r" % sent[-70:])
    moved(d, 23 * 3600)
    doc = status_json(d)
    check(doc["history"]["totals"]["sent"] == 0 and not doc["top_senders"],
          "a day later: totals %r, senders %r" % (doc["history"]["totals"],
                                                  doc["top_senders"]))


def https_get(d, path, auth=None):
    """GET over TLS: (status, headers, body); auth a (user, password)."""
    cert = os.path.join(d.ctx_tmp, "cert.pem")
    tls = client_context(cert)
    conn = http.client.HTTPSConnection("127.0.0.1", d.http_port, timeout=10, context=tls)
    conn.sock = tls.wrap_socket(socket.create_connection(("127.0.0.1", d.http_port), 10),
                                server_hostname=SERVER_NAME)
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(
            ("%s:%s" % auth).encode()).decode()
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def c_basic_auth(ctx):
    """http.admin = "users": 401 with WWW-Authenticate without or with a wrong
    password (logged), 200 with the right one over TLS; in chromium too; the
    same for /metrics."""
    cert, key = make_cert(ctx)
    users = make_users_file(ctx, ADMIN)
    d = daemon_with_http(ctx, "generic", tls=True, admin="users",
                         top={"tls": {"certificate": cert, "key": key},
                              "auth": {"users_file": users}})
    d.ctx_tmp = ctx.tmp
    status, headers, _ = https_get(d, "/status.json")
    check(status == 401 and headers.get("WWW-Authenticate", "").startswith("Basic realm="),
          "no credentials -> %d %r" % (status, headers))
    status, _, _ = https_get(d, "/status.json", ("ops", "wrong"))
    check(status == 401, "a wrong password -> %d, want 401" % status)
    wait_for(lambda: [l for l in d.log_lines(event="refused") if "user=ops" in l], 5,
             "the refused password in the log")
    status, _, body = https_get(d, "/status.json", ("ops", ADMIN["ops"]))
    check(status == 200 and "queue" in json.loads(body), "the right password -> %d" % status)
    # /metrics is behind the same check
    status, _, _ = https_get(d, "/metrics")
    check(status == 401, "/metrics without credentials -> %d, want 401" % status)
    status, _, body = https_get(d, "/metrics", ("ops", ADMIN["ops"]))
    check(status == 200 and "smsrelay_messages_accepted_total" in body,
          "/metrics with the password -> %d" % status)
    page = browse(ctx, "https://127.0.0.1:%d/status" % d.http_port, insecure=True,
                  user="ops", password=ADMIN["ops"])
    check(page["status"] == 200 and not page["consoleErrors"] and not page["pageErrors"],
          "chromium with the password: %r" % {k: page[k] for k in
                                              ("status", "consoleErrors", "pageErrors")})


def local_address():
    """An address of this host that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def c_loopback_only(ctx):
    """By default loopback clients only: 200 from 127.0.0.1, 403 (logged) from
    another address of this host; "users" without TLS is a config error."""
    addr = local_address()
    d = daemon_with_http(ctx, "generic")
    status, _ = call(d, "GET", "/status.json")
    check(status == 200, "from 127.0.0.1 -> %d" % status)
    # HEAD: the headers, and no content (RFC 9110 9.3.2), which a client
    # on a kept-alive connection would read as its next response
    for path in ("/status", "/status.json"):
        status, data = raw_get("127.0.0.1", d.http_port, "HEAD", path)
        check(status == 200 and data.endswith(b"\r\n\r\n"),
              "HEAD %s: %d with %d bytes after the headers" %
              (path, status, len(data.split(b"\r\n\r\n", 1)[1])))
    if addr is None:
        ctx.note("no non-loopback address on this host: the 403 is not tested")
    else:
        d.stop()
        d.write_conf(dict(d.conf, http=dict(d.conf["http"], listen="0.0.0.0:%d" % d.http_port)))
        d.start()
        wait_for(lambda: len(d.log_lines(event="listening")) >= 2, 5, "the listener")
        s = socket.create_connection((addr, d.http_port), 10, source_address=(addr, 0))
        try:
            s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = s.recv(4096).decode("latin-1")
        finally:
            s.close()
        check(head.startswith("HTTP/1.1 403"), "from %s: %r" % (addr, head[:80]))
        wait_for(lambda: [l for l in d.log_lines(event="refused") if "not a loopback" in l],
                 5, "the 403 in the log")
    bad = ctx.daemon(start=False, http={"listen": "127.0.0.1:9", "admin": "users"})
    p = subprocess.run([ctx.env.smsrelayd, "-n", "-f", bad.conf_path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
    err = p.stderr.decode()
    check(p.returncode == 1 and "http.tls" in err and bad.conf_path in err,
          "admin = \"users\" without TLS: exit %d, %r" % (p.returncode, err))


CASES_STATUS = [
    ("status page in chromium: charts drawn, no console errors, tables with and "
     "without JavaScript, screenshot", c_page_in_chromium, None),
    ("/status.json: queue, 24 h totals and series, senders, failures, oldest deferred",
     c_json_numbers, None),
    ("status history: an hour later the minute moved back, a day later forgotten",
     c_day_passes, None),
    ("status and metrics basic auth over TLS: 401 without or wrong, 200 with the user",
     c_basic_auth, None),
    ("status loopback only by default: 403 from another address; users needs TLS",
     c_loopback_only, None),
]
