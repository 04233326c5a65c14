# callbacks.py - end-to-end cases of the delivery report callbacks: the
# daemon with http.listen, a provider profile against mockprov.py, and
# callbacks signed the way each provider documents it.
"""For every profile: the SMS carries the report URL; a correctly signed
report is answered 200 and the queue logs it; a wrongly signed one 403
and nothing changes; the same report twice changes nothing more; an id
nobody knows 200 (logged). The listener's bounds: 404, 405, 413, and a
flood answered 429 without the daemon's memory growing. Twilio's
signature is checked against the twilio library's validateRequest too."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (CheckFailed, check, free_port, make_message, send_mail,  # noqa: E402
                     twilio_backend, wait_for)
from mockproviders import CREDS, callback_of  # noqa: E402
from profiles import PATHS  # noqa: E402
from tlsutil import SERVER_NAME, client_context, make_cert, node_dir, run_tool  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NUMBER = "+4917012345678"
SENDER = "clerk@example.com"
# backend.callback_secret of the profiles that need one
SECRETS = {
    "vonage": "vonageSignatureSecret",
    "messagebird": "mbSigningKey0123456",
    "sinch": "sinchCallbackHmacSecret",
    "infobip": "infobipCallbackSecret",
    "generic": "genericCallbackSecret",
}
TWILIO_TOKEN = "secret"     # harness.twilio_backend's password
FORM = "application/x-www-form-urlencoded"


def b64(raw):
    return base64.b64encode(raw).decode()


def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def path_token(secret, backend):
    """The token of the token profiles, as README and callback.h describe it."""
    return hmac.new(secret.encode(), ("smsrelay report " + backend).encode(),
                    hashlib.sha256).hexdigest()[:32]


# ---- each provider's report, signed as it documents ------------------------

def twilio_report(url, pid, status, token, good):
    params = {"MessageSid": pid, "MessageStatus": status, "AccountSid": "ACtest",
              "To": NUMBER, "From": "+15005550006"}
    data = url + "".join(k + params[k] for k in sorted(params))
    sig = b64(hmac.new((token if good else token + "x").encode(), data.encode(),
                       hashlib.sha1).digest())
    return ("POST", url, {"Content-Type": FORM, "X-Twilio-Signature": sig},
            urllib.parse.urlencode(params), params)


def vonage_report(url, pid, ref, status, secret, good):
    params = {"messageId": pid, "msisdn": NUMBER[1:], "to": "Shop", "status": status,
              "err-code": "0", "client-ref": ref, "message-timestamp": "2024-05-03 14:26:57",
              "timestamp": str(int(time.time())), "nonce": "n-%d" % time.monotonic_ns()}
    text = "".join("&%s=%s" % (k, params[k].replace("&", "_").replace("=", "_"))
                   for k in sorted(params))
    params["sig"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    if not good:
        params["status"] = "expired"
    return "GET", url + "?" + urllib.parse.urlencode(params), {}, "", params


def messagebird_report(url, pid, ref, status, key, good):
    query = urllib.parse.urlencode({"id": pid, "reference": ref, "recipient": NUMBER[1:],
                                    "status": status,
                                    "statusDatetime": "2024-05-03T14:26:57+00:00"})
    full = url + "?" + query
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"iss": "MessageBird", "nbf": now - 5, "iat": now,
                                "exp": now + 60, "jti": "j%d" % now,
                                "url_hash": hashlib.sha256(full.encode()).hexdigest()}
                               ).encode())
    sig = b64url(hmac.new((key if good else key[::-1]).encode(),
                          (header + "." + claims).encode(), hashlib.sha256).digest())
    return "GET", full, {"MessageBird-Signature-JWT": "%s.%s.%s" % (header, claims, sig)}, \
        "", None


def sinch_report(url, pid, ref, status, secret, good):
    body = json.dumps({"type": "recipient_delivery_report_sms", "batch_id": pid,
                       "recipient": NUMBER, "code": 0, "status": status,
                       "at": "2024-05-03T14:26:57.123Z", "client_reference": ref})
    nonce, ts = "01FJA8B4A7BM43YGWSG9GBV067", str(int(time.time()))
    sig = b64(hmac.new(secret.encode(), (body + "." + nonce + "." + ts).encode(),
                       hashlib.sha256).digest())
    if not good:
        body = body.replace(status, "Failed")
    return "POST", url, {"Content-Type": "application/json",
                         "x-sinch-webhook-signature": sig,
                         "x-sinch-webhook-signature-nonce": nonce,
                         "x-sinch-webhook-signature-timestamp": ts,
                         "x-sinch-webhook-signature-algorithm": "HmacSHA256"}, body, None


def infobip_report(url, ref, group, good):
    body = json.dumps({"results": [{
        "bulkId": "B1", "messageId": ref, "to": NUMBER[1:],
        "sentAt": "2024-05-03T14:26:50.000+0000", "doneAt": "2024-05-03T14:26:57.000+0000",
        "smsCount": 1, "status": {"groupId": 3, "groupName": group, "id": 5,
                                  "name": group + "_TO_HANDSET"},
        "error": {"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR"}}]})
    if not good:
        url = url[:-4] + "0000"
    return "POST", url, {"Content-Type": "application/json"}, body, None


def plivo_report(url, pid, status, token, good):
    params = {"MessageUUID": pid, "Status": status, "To": NUMBER[1:], "From": "Shop",
              "ErrorCode": "", "MessageTime": "2024-05-03 14:26:57+00:00"}
    nonce = "51798467432123412345"
    data = url + "?" + "".join(k + params[k] for k in sorted(params)) + "." + nonce
    sig = b64(hmac.new(token.encode(), data.encode(), hashlib.sha256).digest())
    if not good:
        params["Status"] = "failed"
    return "POST", url, {"Content-Type": FORM, "X-Plivo-Signature-V3": sig,
                         "X-Plivo-Signature-V3-Nonce": nonce}, \
        urllib.parse.urlencode(params), None


def generic_report(url, pid, status, good):
    if not good:
        url = url[:-4] + "0000"
    return "POST", url, {"Content-Type": FORM}, \
        urllib.parse.urlencode({"id": pid, "status": status}), None


def report_of(name, url, pid, ref, good=True):
    """A delivered report for the SMS (provider id pid, client ref ref)."""
    if name == "twilio":
        return twilio_report(url, pid, "delivered", TWILIO_TOKEN, good)
    if name == "vonage":
        return vonage_report(url, pid, ref, "delivered", SECRETS[name], good)
    if name == "messagebird":
        return messagebird_report(url, pid, ref, "delivered", SECRETS[name], good)
    if name == "sinch":
        return sinch_report(url, pid, ref, "Delivered", SECRETS[name], good)
    if name == "infobip":
        return infobip_report(url, ref, "DELIVERED", good)
    if name == "plivo":
        return plivo_report(url, pid, "delivered", CREDS["plivo"][1], good)
    return generic_report(url, pid, "delivered", good)


# ---- the daemon and its listener --------------------------------------------

def callback_backend(ctx, name):
    """The backend of a profile, with what authenticates its reports."""
    if name == "twilio":
        conf = twilio_backend(ctx)
    elif name == "generic":
        conf = {"type": "http", "profile": "generic", "url": ctx.mock.url("/sms"),
                "fields": {"to": "{to}", "text": "{text}", "reference": "{ref}",
                           "callback": "{callback}"}}
    else:
        user, password = CREDS[name]
        conf = {"type": "http", "profile": name, "url": ctx.mock.url(PATHS[name]),
                "password": password, "from": "Shop", "timeout": "10s"}
        if user is not None:
            conf["user"] = user
    if name in SECRETS:
        conf["callback_secret"] = SECRETS[name]
    return conf


def daemon_with_http(ctx, name="generic", start=True, top=None, **http):
    port = free_port()
    conf = {"listen": "127.0.0.1:%d" % port, "public_url": "http://127.0.0.1:%d" % port}
    conf.update(http)
    d = ctx.daemon(start=start, backend=callback_backend(ctx, name), http=conf,
                   **(top or {}))
    d.http_port = port
    if start:
        wait_for(lambda: d.log_lines(event="listening"), 5, "the http listener")
    return d


def call(d, method, url, headers=None, body="", timeout=10, tls=None):
    """One request to the daemon's listener: (status, body); tls: a context."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    if tls is not None:
        # connected here: the certificate names relay.test, not 127.0.0.1
        conn = http.client.HTTPSConnection("127.0.0.1", d.http_port, timeout=timeout,
                                           context=tls)
        conn.sock = tls.wrap_socket(socket.create_connection(("127.0.0.1", d.http_port),
                                                             timeout),
                                    server_hostname=SERVER_NAME)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", d.http_port, timeout=timeout)
    try:
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body,
                     headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def sent_sms(ctx, d, name):
    """Send one SMS; its queue id, provider id, client ref and report URL."""
    qid = send_mail(d.port, SENDER, [NUMBER + "@sms.example"],
                    make_message("Pickup", "Parcel 7 is ready\r\n"))
    line = d.wait_log(qid, "sent", 15)[0]
    pid = re.search(r"provider_id=(\S+)", line).group(1)
    req = ctx.mock.requests()[-1]
    check(not req.get("violations"), "%s request departs from the API: %s"
          % (name, req.get("violations")))
    if name in ("twilio", "generic"):
        url = (req.get("body") or {}).get("StatusCallback" if name == "twilio"
                                          else "callback")
    else:
        url = callback_of(name, req.get("body"))
    return qid, pid, qid + ".0", url


def report_lines(d, qid):
    """The queue's lines of reports on qid (one per report, named by state)."""
    return [l for l in d.log_lines(qid) if re.search(
        r" (enroute|delivered|expired|undeliverable|rejected|unknown) to=", l)]


def unknown_lines(d, ident):
    return [l for l in d.log_lines(event="unknown") if "id=%s " % ident in l + " "]


def handed_over(ctx, d, name, qid, ident):
    """The queue took the report: its 'delivered' line for qid."""
    line = wait_for(lambda: report_lines(d, qid), 10, "%s report of %s" % (name, qid))[0]
    ctx.note("%s: %s" % (name, line))
    check(" delivered to=" + NUMBER in line, "%s: %r, want delivered" % (name, line))
    check(not unknown_lines(d, ident), "%s: the report was also unknown" % name)


def expect_report_flow(ctx, name):
    d = daemon_with_http(ctx, name)
    qid, pid, ref, url = sent_sms(ctx, d, name)
    want = "http://127.0.0.1:%d/report/default" % d.http_port
    if name in ("generic", "infobip"):
        want += "/" + path_token(SECRETS[name], "default")
    check(url == want, "%s: the SMS carried report URL %r, want %r" % (name, url, want))
    if name == "sinch":
        body = ctx.mock.requests()[-1]["body"]
        check(body.get("delivery_report") == "per_recipient",
              "sinch: delivery_report %r" % body.get("delivery_report"))

    # a wrong signature: 403, logged, nothing changed
    method, u, headers, body, _ = report_of(name, url, pid, ref, good=False)
    status, _ = call(d, method, u, headers, body)
    check(status == 403, "%s: a wrongly signed report got %d, want 403" % (name, status))
    wait_for(lambda: d.log_lines(event="refused"), 5, "the refusal in the log")
    ident = ref if name == "infobip" else pid
    check(not report_lines(d, qid) and not unknown_lines(d, ident),
          "%s: a refused report reached the queue" % name)

    # the right one: 200 and handed to the queue
    method, u, headers, body, _ = report_of(name, url, pid, ref)
    status, text = call(d, method, u, headers, body)
    check(status == 200, "%s: a signed report got %d %s" % (name, status, text))
    handed_over(ctx, d, name, qid, ident)

    # the same report again: 200, no second delivery line
    method, u, headers, body, _ = report_of(name, url, pid, ref)
    status, _ = call(d, method, u, headers, body)
    check(status == 200, "%s: the report twice got %d" % (name, status))
    time.sleep(0.3)
    check(len(report_lines(d, qid)) == 1, "%s: the report twice made two lines" % name)

    # an id nobody knows: 200 so the provider stops, and a log line
    method, u, headers, body, _ = report_of(name, url, "NOPE0000000000", "NOPE.0")
    status, _ = call(d, method, u, headers, body)
    check(status == 200, "%s: a report of an unknown id got %d, want 200" % (name, status))
    wait_for(lambda: unknown_lines(d, "NOPE.0" if name == "infobip" else "NOPE0000000000"),
             5, "the unknown id in the log")
    check(d.alive(), "%s: the daemon died" % name)


def c_reports_each_profile(ctx):
    for name in ("twilio", "vonage", "messagebird", "sinch", "infobip", "plivo", "generic"):
        try:
            expect_report_flow(ctx, name)
        finally:
            for d in ctx.daemons:
                d.stop()
            ctx.mock.reset()


# ---- Twilio's own validator --------------------------------------------------

def twilio_node_dir(ctx):
    """tests/e2e/node with the twilio package installed (npm ci if missing)."""
    src = os.path.join(HERE, "node")
    if os.path.isdir(os.path.join(src, "node_modules", "twilio")):
        return src
    dst = node_dir(ctx)
    shutil.copyfile(os.path.join(src, "twilio_check.js"), os.path.join(dst, "twilio_check.js"))
    if not os.path.isdir(os.path.join(dst, "node_modules", "twilio")):
        for f in ("package.json", "package-lock.json"):
            shutil.copyfile(os.path.join(src, f), os.path.join(dst, f))
        rc, out = run_tool(ctx, [shutil.which("npm"), "ci", "--no-audit", "--no-fund",
                                 "--prefix", dst], timeout=300, what="npm ci")
        check(rc == 0, "npm ci in %s failed: %s" % (dst, out[-2000:]))
    return dst


def twilio_valid(ctx, token, sig, url, params):
    node = shutil.which("node")
    check(node, "missing node: sh contrib/install-deps.sh test")
    script = os.path.join(twilio_node_dir(ctx), "twilio_check.js")
    arg = json.dumps({"token": token, "signature": sig, "url": url, "params": params})
    p = subprocess.run([node, script, arg], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "twilio_check.js failed: %s" % out)
    return json.loads(out.strip().splitlines()[-1])["valid"]


def c_twilio_validator(ctx):
    d = daemon_with_http(ctx, "twilio")
    qid, pid, ref, url = sent_sms(ctx, d, "twilio")
    for good in (False, True):
        method, u, headers, body, params = report_of("twilio", url, pid, ref, good)
        sig = headers["X-Twilio-Signature"]
        lib = twilio_valid(ctx, TWILIO_TOKEN, sig, u, params)
        status, _ = call(d, method, u, headers, body)
        ctx.note("good=%s: twilio.validateRequest %s, smsrelayd %d" % (good, lib, status))
        check(lib is good, "twilio.validateRequest says %s of the %s signature"
              % (lib, "right" if good else "wrong"))
        check(status == (200 if good else 403), "smsrelayd answered %d to the %s signature"
              % (status, "right" if good else "wrong"))
    handed_over(ctx, d, "twilio", qid, pid)


def c_outlook_twilio_delivered(ctx):
    """Outlook asks for a receipt, Twilio calls back 'delivered': the DSN says so."""
    from reports import field, one_recipient, submit_outlook, wait_dsn_to
    d = daemon_with_http(ctx, "twilio")
    qid = submit_outlook(d)
    line = d.wait_log(qid, "sent", 15)[0]
    pid = re.search(r"provider_id=(\S+)", line).group(1)
    url = (ctx.mock.requests()[-1].get("body") or {}).get("StatusCallback")
    check(url, "the SMS carried no StatusCallback")
    check(not wait_dsn_to_now(ctx), "a DSN before the report")
    method, u, headers, body, _ = report_of("twilio", url, pid, qid + ".0")
    status, text = call(d, method, u, headers, body)
    check(status == 200, "the signed report got %d %s" % (status, text))
    msg, raw = wait_dsn_to(ctx)[0]
    ctx.note("DSN:\n" + raw)
    per_msg, r = one_recipient(msg)
    field(per_msg, "Original-Envelope-Id", "job-42")
    field(r, "Original-Recipient", "rfc822;" + NUMBER + "@sms.example")
    field(r, "Final-Recipient", "rfc822; " + NUMBER + "@sms.example")
    field(r, "Action", "delivered")
    field(r, "Status", "2.0.0")
    field(r, "Diagnostic-Code", "X-Twilio; delivered")
    field(r, "Remote-MTA", "x-backend; default")


def wait_dsn_to_now(ctx):
    """DSNs to SENDER at smtp-sink already, without waiting."""
    from harness import parse_dump
    return [t for _, t in ctx.sink.dumps() if any(SENDER in r for r in parse_dump(t)[0]["rcpt"])]


# ---- the listener's bounds ----------------------------------------------------

def c_listener_bounds(ctx):
    d = daemon_with_http(ctx, "generic", max_body="2K")
    token = path_token(SECRETS["generic"], "default")
    base = "http://127.0.0.1:%d" % d.http_port
    status, _ = call(d, "GET", base + "/metrics-not-yet")
    check(status == 404, "unknown path: %d, want 404" % status)
    status, _ = call(d, "GET", base + "/report/nosuchbackend/" + token)
    check(status == 404, "unknown backend: %d, want 404" % status)
    status, _ = call(d, "PUT", base + "/report/default/" + token, {}, "x")
    check(status == 405, "PUT: %d, want 405" % status)
    status, _ = call(d, "POST", base + "/report/default/" + token, {"Content-Type": FORM},
                     "id=1&status=delivered&pad=" + "x" * 4096)
    check(status == 413, "a 4 KB body over max_body 2K: %d, want 413" % status)
    status, _ = call(d, "POST", base + "/report/default/" + token, {"Content-Type": FORM},
                     "status=delivered")
    check(status == 400, "a report without an id: %d, want 400" % status)
    check(d.alive(), "the daemon died")


def c_listener_tls(ctx):
    cert, key = make_cert(ctx)
    d = daemon_with_http(ctx, "twilio", tls=True,
                         top={"tls": {"certificate": cert, "key": key}})
    url = "https://%s:%d/report/default" % (SERVER_NAME, d.http_port)
    check("tls" in d.log_lines(event="listening")[-1], "no tls in the listening line")
    method, u, headers, body, _ = report_of("twilio", url, "SMNOPE", "", good=False)
    status, _ = call(d, method, u, headers, body, tls=client_context(cert))
    check(status == 403, "over TLS, a wrong signature: %d, want 403" % status)
    # a plain HTTP request to the TLS port gets no HTTP answer
    try:
        status, _ = call(d, "GET", "http://127.0.0.1/report/default", timeout=3)
        check(False, "plain HTTP on the TLS listener was answered %d" % status)
    except (OSError, http.client.HTTPException):
        pass
    check(d.alive(), "the daemon died")


def closed_by_peer(s):
    """Whether the daemon closed s (EOF or reset), without blocking."""
    import select
    try:
        if not select.select([s], [], [], 0)[0]:
            return False
        return s.recv(4096) == b""
    except OSError:
        return True


def c_listener_slow_client(ctx):
    d = daemon_with_http(ctx, "generic", timeout="2s", max_connections=2)
    path = "/report/default/" + "0" * 32
    # headers trickled a line each half second: cut after timeout, not never
    s = socket.create_connection(("127.0.0.1", d.http_port), 5)
    s.sendall(("POST %s HTTP/1.1\r\nHost: a\r\n" % path).encode())
    start = time.monotonic()
    cut = None
    while cut is None and time.monotonic() - start < 8:
        time.sleep(0.5)
        try:
            s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            cut = time.monotonic() - start
            break
        if closed_by_peer(s):
            cut = time.monotonic() - start
    s.close()
    check(cut is not None, "a client trickling headers kept its connection 8s "
          "with timeout 2s")
    check(cut < 5, "a trickling client cut after %.1fs, want about 2s" % cut)
    # connections that have not sent a whole request count against the bound
    idle = [socket.create_connection(("127.0.0.1", d.http_port), 5) for _ in range(2)]
    for c in idle:
        c.sendall(("GET %s HTTP/1.1\r\n" % path).encode())
    time.sleep(0.3)
    status, _ = call(d, "POST", "http://127.0.0.1" + path, {"Content-Type": FORM},
                     "id=1&status=delivered", timeout=5)
    check(status == 503, "2 half requests on max_connections 2, a third client: %d, "
          "want 503" % status)
    wait_for(lambda: all(closed_by_peer(c) for c in idle), 5, "the half requests cut")
    for c in idle:
        c.close()
    status, _ = call(d, "POST", "http://127.0.0.1" + path, {"Content-Type": FORM},
                     "id=1&status=delivered", timeout=5)
    check(status == 403, "once they are cut: %d, want 403 (a wrong token)" % status)
    check(d.alive(), "the daemon died")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise CheckFailed("no VmRSS for %d" % pid)


def flood(d, n, path):
    """n requests, each on a connection of its own; the count per status."""
    counts = {}
    for _ in range(n):
        try:
            status, _ = call(d, "POST", path, {"Content-Type": FORM},
                             "id=FLOOD&status=delivered", timeout=5)
        except OSError as e:
            status = type(e).__name__
        counts[status] = counts.get(status, 0) + 1
    return counts


def quiet_asan():
    """No quarantine of freed memory: the RSS shows what the daemon keeps."""
    opts = os.environ.get("ASAN_OPTIONS", "")
    os.environ["ASAN_OPTIONS"] = (opts + ":" if opts else "") + \
        "quarantine_size_mb=0:thread_local_quarantine_size_kb=0"


def c_callback_flood(ctx):
    d = daemon_with_http(ctx, "generic", start=False, rate=500, burst=50)
    d.preexec = quiet_asan
    d.start()
    wait_for(lambda: d.log_lines(event="listening"), 5, "the http listener")
    path = "http://127.0.0.1:%d/report/default/%s" % (d.http_port, "0" * 32)
    warm = flood(d, 1000, path)
    before = rss_kb(d.proc.pid)
    counts = flood(d, 5000, path)
    after = rss_kb(d.proc.pid)
    ctx.note("warm-up %s; flood %s; VmRSS %d kB -> %d kB" % (warm, counts, before, after))
    check(set(counts) <= {403, 429, 503}, "statuses %s: want only 403, 429, 503" % counts)
    check(counts.get(429, 0) > 0, "5000 requests at once, none refused 429: %s" % counts)
    check(after - before < 4096, "VmRSS grew %d kB over 5000 requests" % (after - before))
    # answered again once the bucket refills
    time.sleep(1)
    status, _ = call(d, "POST", path, {"Content-Type": FORM}, "id=1&status=delivered")
    check(status == 403, "after the flood: %d, want 403 (a wrong token)" % status)
    check(d.alive(), "the daemon died")


CASES_CALLBACKS = [
    ("callbacks: report URL per SMS, signed report 200 and logged, wrong signature 403, "
     "twice 200, unknown id 200, for twilio, vonage, messagebird, sinch, infobip, plivo, "
     "generic", c_reports_each_profile, None),
    ("callbacks: twilio.validateRequest agrees with smsrelayd on the right and a wrong "
     "signature", c_twilio_validator, None),
    ("callbacks: Outlook's NOTIFY=SUCCESS,FAILURE, then Twilio's signed 'delivered': a "
     "'delivered' DSN", c_outlook_twilio_delivered, "sink"),
    ("callbacks: unknown path 404, unknown backend 404, PUT 405, oversize body 413, "
     "no id 400", c_listener_bounds, None),
    ("callbacks: http.tls = true serves the listener over TLS, not plain HTTP",
     c_listener_tls, None),
    ("callbacks: 5000 requests flood answered 429/403, VmRSS does not grow",
     c_callback_flood, None),
    ("callbacks: a client trickling headers is cut after http.timeout; half requests "
     "count against max_connections (503)", c_listener_slow_client, None),
]
