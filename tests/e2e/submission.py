# submission.py - end-to-end cases for submission (issue 5): TLS, AUTH, user
# policy, limits, DSN/CHUNKING/SMTPUTF8 and abuse resistance, with real clients.
"""CASES_SUBMISSION: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

Clients: swaks, smtplib, nodemailer (tests/e2e/node, needs 'npm ci'),
exim (tests/e2e/exim/run-exim.sh), openssl s_client and raw sockets.
"""

import os
import re
import subprocess
import time

from harness import (CheckFailed, RawSMTP, check, make_message, merge,  # noqa: F401
                     parse_dump, queue_id, send_mail, smtp_client, twilio_backend,
                     wait_dsn, wait_for)
from tlsutil import (OTHER_PASSWORD, OTHER_USER, PASSWORD, SERVER_NAME, USER, USERS,
                     RecordingProxy, auth_plain_b64, b64, client_context, ehlo_keywords,
                     implicit_tls, listener, make_cert, node_send, port_of,
                     proxy_v2_header, run_exim, run_tool, start, starttls, swaks)

NUMBER = "+4917012345678"
RCPT = NUMBER + "@sms.example"
SENDER = "clerk@example.com"
TWILIO_ERR = {"code": 21211,
              "message": "The 'To' number +4917012345678 is not a valid phone number."}


# ---- helpers ----------------------------------------------------------------

def body_of(req):
    return req.get("body") or {}


def submission_listener():
    """Port 587 as Outlook uses it: STARTTLS and AUTH both required."""
    return listener(tls="starttls", starttls="required", auth="required")


def wait_sms(ctx, d, qid, number=NUMBER):
    """The one request the mock got for qid's SMS to number."""
    d.wait_log(qid, "sent", 10)
    reqs = [r for r in ctx.mock.requests() if body_of(r).get("to") == number]
    check(len(reqs) == 1, "mock got %d requests to %s, want 1" % (len(reqs), number))
    return body_of(reqs[0])


def auth_session(ctx, port, user=USER, password=PASSWORD):
    """smtplib over STARTTLS (certificate verified) and logged in with AUTH PLAIN."""
    cert, _ = make_cert(ctx)
    s = smtp_client(port)
    s.ehlo()
    check(s.has_extn("starttls"), "EHLO lacks STARTTLS: %r" % s.esmtp_features)
    s.starttls(context=client_context(cert))
    s.ehlo()
    s.user, s.password = user, password
    code, resp = s.auth("PLAIN", s.auth_plain, initial_response_ok=True)
    check(code == 235, "AUTH PLAIN as %s -> %d %r" % (user, code, resp))
    return s


def tls_session(ctx, port):
    """RawSMTP after greeting, EHLO, STARTTLS and EHLO again; (raw, keywords)."""
    cert, _ = make_cert(ctx)
    c = RawSMTP(port)
    code, text = c.reply()
    check(code == 220, "greeting %d %r" % (code, text))
    code, text = c.cmd("EHLO client.test")
    check(code == 250, "EHLO -> %d %r" % (code, text))
    starttls(c, cert)
    code, text = c.cmd("EHLO client.test")
    check(code == 250, "EHLO after STARTTLS -> %d %r" % (code, text))
    return c, ehlo_keywords(text)


def expect(c, line, code, enh, what=None):
    """Send line, require the reply code and enhanced code; returns the text."""
    got, text = c.cmd(line)
    check(got == code and text.startswith(enh),
          "%s -> %d %r, want %d %s" % (what or line, got, text, code, enh))
    return text


def auth_attempt(ctx, port, password):
    """One fresh STARTTLS session trying AUTH PLAIN; the reply code, None if closed."""
    c = None
    try:
        c, _ = tls_session(ctx, port)
        return c.cmd("AUTH PLAIN " + auth_plain_b64(USER, password))[0]
    except (CheckFailed, OSError):
        return None
    finally:
        if c:
            ctx.note("transcript:\n" + "\n".join(c.transcript))
            c.close()


def sentinel(ctx, d, port=None):
    """Send a good message; once it is sent, anything smuggled earlier would be too."""
    qid = send_mail(port or d.port, SENDER, ["+4917099999999@sms.example"],
                    make_message("Sentinel", "ok\r\n"))
    d.wait_log(qid, "sent", 10)
    reqs = ctx.mock.requests()
    check(len(reqs) == 1 and body_of(reqs[0]).get("to") == "+4917099999999",
          "unexpected SMS: %r" % [r["raw"] for r in reqs])


def sync_error_and_close(ctx, c, first_ok=None):
    """Read up to two replies: an optional first_ok code, then 554 5.5.0 and close."""
    code, text = c.reply()
    if first_ok is not None and code == first_ok:
        code, text = c.reply()
    check(code == 554 and text.startswith("5.5.0"),
          "got %d %r, want 554 5.5.0 (protocol synchronization)" % (code, text))
    check(c.closed_by_peer(5), "connection not closed after 554 5.5.0")


# ---- real clients -----------------------------------------------------------

def c_swaks_starttls_login(ctx):
    d = start(ctx, [submission_listener()])
    rc, out = swaks(ctx, d.port, "--to", RCPT, "--from", SENDER, "--tls",
                    "--auth", "LOGIN", "--auth-user", USER, "--auth-password", PASSWORD,
                    "--header", "Subject: Pickup", "--body", "Your laptop is ready")
    check(rc == 0, "swaks exit status %d" % rc)
    check("=== TLS started" in out, "swaks did not start TLS")
    check(re.search(r"(?m)^ ~> AUTH LOGIN", out), "swaks did not use AUTH LOGIN in TLS")
    check(re.search(r"(?m)^<~\s+235 2\.7\.0", out), "no 235 2.7.0 inside TLS")
    b = wait_sms(ctx, d, queue_id(out))
    check(b.get("text") == "Pickup: Your laptop is ready", "text=%r" % b.get("text"))
    check(b.get("from") == "ACMEService", "from=%r, want the user's sender_id ACMEService"
          % b.get("from"))


def c_swaks_implicit_plain(ctx):
    d = start(ctx, [listener(tls="implicit", auth="required")])
    rc, out = swaks(ctx, d.port, "--to", RCPT, "--from", "desk@service.example.com",
                    "--tls-on-connect", "--auth", "PLAIN", "--auth-user", USER,
                    "--auth-password", PASSWORD, "--header", "Subject: Pickup",
                    "--body", "Counter 3")
    check(rc == 0, "swaks exit status %d" % rc)
    check(re.search(r"(?m)^<~\s+220 ", out), "greeting was not read over TLS")
    check(re.search(r"(?m)^ ~> AUTH PLAIN", out), "swaks did not use AUTH PLAIN")
    check(not re.search(r"(?m)^<~.*STARTTLS", out), "STARTTLS offered on an implicit-TLS port")
    b = wait_sms(ctx, d, queue_id(out))
    check(b.get("text") == "Pickup: Counter 3", "text=%r" % b.get("text"))


def c_smtplib_utf8(ctx):
    d = start(ctx, [submission_listener()])
    s = auth_session(ctx, d.port)
    check(s.has_extn("smtputf8"), "EHLO after TLS lacks SMTPUTF8: %r" % s.esmtp_features)
    sender = "j\u00fcrgen@service.example.com"
    msg = ("From: J\u00fcrgen <%s>\r\nTo: <%s>\r\nSubject: Gr\u00fc\u00dfe\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\nIhr Ger\u00e4t ist fertig\r\n"
           % (sender, RCPT)).encode("utf-8")
    code, resp = s.mail(sender, ["SMTPUTF8"])
    check(code == 250, "MAIL FROM:<%s> SMTPUTF8 -> %d %r" % (sender, code, resp))
    code, resp = s.rcpt(RCPT)
    check(code == 250, "RCPT -> %d %r" % (code, resp))
    code, resp = s.data(msg)
    check(code == 250, "end of DATA -> %d %r" % (code, resp))
    s.quit()
    b = wait_sms(ctx, d, queue_id(resp))
    check(b.get("text") == "Gr\u00fc\u00dfe: Ihr Ger\u00e4t ist fertig", "text=%r" % b.get("text"))


def c_node_pipelining_dsn(ctx):
    ctx.mock.script([{"status": 400, "body": TWILIO_ERR}])
    d = start(ctx, [submission_listener()], backend=twilio_backend(ctx))
    cert, _ = make_cert(ctx)
    envid = "ENV-%d-%d" % (os.getpid(), time.monotonic_ns())
    token = "body-token-%d" % os.getpid()
    out = node_send(ctx, d.port, **{
        "from": SENDER, "to": RCPT, "subject": "Pickup", "text": "Ready " + token,
        "user": USER, "pass": PASSWORD, "require_tls": True, "ca": cert,
        "servername": SERVER_NAME,
        "dsn": {"id": envid, "return": "headers", "notify": ["failure"],
                "recipient": "desk@example.com"}})
    check(out.get("ok"), "nodemailer failed: %r" % out)
    queue_id(out.get("response", ""))
    env, msg, raw = wait_dsn(ctx, SENDER, 15)
    ctx.note("DSN dump:\n" + raw)
    check(re.match(r"(?i)(FROM:)?\s*<>", env["mail"]), "DSN sender %r, want <>" % env["mail"])
    check(msg.get_content_type() == "multipart/report", "DSN is %s" % msg.get_content_type())
    check(re.search(r"(?mi)^Original-Envelope-Id:\s*%s\s*$" % re.escape(envid), raw),
          "DSN lacks Original-Envelope-Id: %s" % envid)
    check(re.search(r"(?mi)^Original-Recipient:\s*rfc822;\s*desk@example\.com\s*$", raw),
          "DSN lacks Original-Recipient: rfc822;desk@example.com")
    check(re.search(r"(?mi)^Action:\s*failed", raw), "DSN lacks Action: failed")
    check(re.search(r"(?mi)^Content-Type:\s*text/rfc822-headers", raw),
          "RET=HDRS: the DSN does not return the headers as text/rfc822-headers")
    check(token not in raw, "RET=HDRS: the DSN returned the body")


def c_exim_bdat(ctx):
    d = ctx.daemon()
    proxy = RecordingProxy(d.port)
    try:
        msg = ("From: <%s>\nTo: <%s>\nSubject: Pickup\n\nYour laptop is ready\n"
               % (SENDER, RCPT)).encode()
        rc, log = run_exim(ctx, proxy.port, SENDER, RCPT, msg)
    finally:
        proxy.close()
    sent = proxy.client_bytes()
    ctx.note("exim sent:\n%s" % sent.decode("utf-8", "replace"))
    check(rc != 3, "exim is not available (see run-exim.sh output)")
    check(rc == 0, "exim did not deliver (exit %d)" % rc)
    check(re.search(rb"(?m)^BDAT \d+ LAST\r$", sent), "exim did not send BDAT ... LAST")
    check(not re.search(rb"(?mi)^DATA\r$", sent), "exim used DATA, not BDAT")
    qid = re.search(r'C="250[ -]2\.0\.0 Ok: queued as ([0-9A-F]+)', log)
    check(qid, "exim's log lacks the daemon's 'queued as' reply")
    b = wait_sms(ctx, d, qid.group(1))
    check(b.get("text") == "Pickup: Your laptop is ready", "text=%r" % b.get("text"))


def c_openssl_versions(ctx):
    d = start(ctx, [listener(tls="implicit", auth="required")])
    cert, _ = make_cert(ctx)
    target = "127.0.0.1:%d" % d.port
    # SECLEVEL=0 lets this client really offer TLS 1.1: the refusal is the server's
    rc, out = run_tool(ctx, ["openssl", "s_client", "-connect", target, "-servername",
                             SERVER_NAME, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
                       input_bytes=b"", timeout=20, what="openssl s_client -tls1_1")
    check("no protocols available" not in out, "the client refused TLS 1.1 by itself")
    # s_client prints the attempted version under SSL-Session even on failure
    check(rc != 0 and re.search(r"(?m)^New, \(NONE\), Cipher is \(NONE\)", out),
          "a TLS 1.1 handshake succeeded (exit %d)" % rc)
    rc, out = run_tool(ctx, ["openssl", "s_client", "-connect", target, "-servername",
                             SERVER_NAME, "-tls1_2", "-CAfile", cert, "-verify_hostname",
                             SERVER_NAME, "-verify_return_error"],
                       input_bytes=b"", timeout=20, what="openssl s_client -tls1_2")
    check(rc == 0 and re.search(r"(?m)^New, TLSv1\.2, Cipher is ", out),
          "TLS 1.2 handshake failed (exit %d)" % rc)
    check("Verify return code: 0 (ok)" in out, "certificate for relay.test not verified")


# ---- TLS and AUTH -----------------------------------------------------------

def c_auth_needs_tls(ctx):
    opt = listener(tls="starttls")
    req = submission_listener()
    d = start(ctx, [opt, req])
    cert, _ = make_cert(ctx)
    c = RawSMTP(port_of(opt))
    try:
        check(c.reply()[0] == 220, "no greeting")
        code, text = c.cmd("EHLO client.test")
        kw = ehlo_keywords(text)
        check("STARTTLS" in kw, "EHLO lacks STARTTLS: %r" % text)
        check(not any(k.startswith("AUTH") for k in kw), "AUTH offered before TLS: %r" % text)
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, PASSWORD), 538, "5.7.11",
               "AUTH before TLS (starttls optional)")
        starttls(c, cert)
        code, text = c.cmd("EHLO client.test")
        kw = ehlo_keywords(text)
        check("STARTTLS" not in kw, "STARTTLS offered again inside TLS: %r" % text)
        mechs = kw.get("AUTH", "").upper().split()
        check("PLAIN" in mechs and "LOGIN" in mechs, "AUTH PLAIN LOGIN missing: %r" % text)
        for want in ("PIPELINING", "DSN", "CHUNKING", "SMTPUTF8", "8BITMIME",
                     "ENHANCEDSTATUSCODES", "SIZE"):
            check(want in kw, "EHLO after STARTTLS lacks %s: %r" % (want, text))
    finally:
        ctx.note("transcript (starttls optional):\n" + "\n".join(c.transcript))
        c.close()
    c = RawSMTP(port_of(req))
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.cmd("EHLO client.test")
        text = expect(c, "MAIL FROM:<%s>" % SENDER, 530, "5.7.0", "MAIL before STARTTLS")
        check("STARTTLS" in text, "530 does not ask for STARTTLS: %r" % text)
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, PASSWORD), 530, "5.7.0",
               "AUTH before STARTTLS (starttls required)")
        starttls(c, cert)
        c.cmd("EHLO client.test")
        # auth = "required": loopback is in relay_networks, yet AUTH comes first
        expect(c, "MAIL FROM:<%s>" % SENDER, 530, "5.7.0", "MAIL without AUTH over TLS")
    finally:
        ctx.note("transcript (starttls required):\n" + "\n".join(c.transcript))
        c.close()


def c_auth_wrong_password(ctx):
    d = start(ctx, [submission_listener()])
    wrong = "Wr0ng-Guess-%d" % os.getpid()
    c, _ = tls_session(ctx, d.port)
    try:
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, wrong), 535, "5.7.8",
               "AUTH PLAIN, wrong password")
        code, text = c.cmd("AUTH LOGIN")
        check(code == 334 and text.strip() == b64("Username:"), "AUTH LOGIN -> %d %r"
              % (code, text))
        code, text = c.cmd(b64(USER))
        check(code == 334 and text.strip() == b64("Password:"), "user name -> %d %r"
              % (code, text))
        expect(c, b64(wrong), 535, "5.7.8", "AUTH LOGIN, wrong password")
        check(c.cmd("AUTH LOGIN")[0] == 334, "AUTH LOGIN did not challenge")
        expect(c, "*", 501, "5.7.0", "AUTH cancelled with *")
        code, text = c.cmd("AUTH PLAIN")
        check(code == 334, "AUTH PLAIN without initial response -> %d %r" % (code, text))
        expect(c, auth_plain_b64(USER, PASSWORD), 235, "2.7.0", "AUTH PLAIN, right password")
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, PASSWORD), 503, "5.5.1",
               "AUTH when already authenticated")
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
        c.cmd("QUIT")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    time.sleep(0.2)
    log = d.log()
    for secret in (wrong, PASSWORD, b64(wrong), auth_plain_b64(USER, wrong),
                   auth_plain_b64(USER, PASSWORD)):
        check(secret not in log, "the daemon log holds a password or its base64: %r" % secret)


def c_auth_lockout(ctx):
    d = start(ctx, [submission_listener()], auth={"max_failures": 2})
    c, _ = tls_session(ctx, d.port)
    replies = []
    try:
        for i in range(6):
            try:
                code, text = c.cmd("AUTH PLAIN " + auth_plain_b64(USER, "bad-%d" % i))
            except (CheckFailed, OSError):
                break
            replies.append((code, text))
            if code != 535:
                break
        check(replies and replies[-1][0] == 421 and replies[-1][1].startswith("4.7.0"),
              "failed AUTHs gave %r, want 535s then 421 4.7.0" % replies)
        check(all(r[0] == 535 and r[1].startswith("5.7.8") for r in replies[:-1])
              and len(replies) - 1 >= 2,
              "want at least max_failures (2) 535 5.7.8 before the 421: %r" % replies)
        check(c.closed_by_peer(5), "connection not closed after 421")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    code = auth_attempt(ctx, d.port, PASSWORD)
    check(code != 235, "the locked-out address logged in again at once with the "
          "right password")


def c_auth_none_listener(ctx):
    d = start(ctx, [listener(tls="starttls", auth="none")])
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        code, text = c.cmd("EHLO client.test")
        check(not any(k.startswith("AUTH") for k in ehlo_keywords(text)),
              "AUTH offered before TLS: %r" % text)
        starttls(c, make_cert(ctx)[0])
        code, text = c.cmd("EHLO client.test")
        check(code == 250 and not any(k.startswith("AUTH") for k in ehlo_keywords(text)),
              "AUTH offered on an auth=none listener: %r" % text)
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, PASSWORD), 503, "5.5.1",
               "AUTH on an auth=none listener")
        # a legacy app from relay_networks still sends without AUTH
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_starttls_injection(ctx):
    d = start(ctx, [listener(tls="starttls")])
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
        c.send(b"STARTTLS\r\nRSET\r\n")
        code, text = c.reply()
        check(code == 554 and text.startswith("5.5.0"),
              "STARTTLS with pipelined RSET -> %d %r, want 554 5.5.0" % (code, text))
        check(c.closed_by_peer(5), "connection not closed after the injection")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


# ---- policy and limits ------------------------------------------------------

def c_relay_outside_networks(ctx):
    d = ctx.daemon(relay_networks=["10.0.0.0/8"])
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.cmd("EHLO client.test")
        expect(c, "MAIL FROM:<%s>" % SENDER, 530, "5.7.0",
               "MAIL from 127.0.0.1 outside relay_networks 10.0.0.0/8")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_sender_not_owned(ctx):
    d = start(ctx, [submission_listener()])
    s = auth_session(ctx, d.port)
    code, resp = s.mail("boss@example.com")
    text = resp.decode("utf-8", "replace")
    check(code == 553 and text.startswith("5.7.1") and USER in text,
          "MAIL FROM:<boss@example.com> as %s -> %d %r, want 553 5.7.1 naming the user"
          % (USER, code, text))
    code, resp = s.mail("other@example.net")
    check(code == 553, "another user's address -> %d %r, want 553" % (code, resp))
    code, resp = s.mail("desk@service.example.com")
    check(code == 250, "*@service.example.com should match desk@ -> %d %r" % (code, resp))
    s.quit()


def c_from_header_not_owned(ctx):
    d = start(ctx, [submission_listener()])
    s = auth_session(ctx, d.port)
    s.mail(SENDER)
    s.rcpt(RCPT)
    code, resp = s.data(make_message("Pickup", "forged\r\n", frm="boss@example.com"))
    text = resp.decode("utf-8", "replace")
    check(code == 550 and text.startswith("5.7.1"),
          "From: <boss@example.com> -> %d %r, want 550 5.7.1" % (code, text))
    qid = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", "genuine\r\n"), s=s)
    s.quit()
    b = wait_sms(ctx, d, qid)
    check(b.get("text") == "Pickup: genuine", "text=%r: the forged message was sent"
          % b.get("text"))
    check(len(ctx.mock.requests()) == 1, "mock got %d requests, want 1"
          % len(ctx.mock.requests()))


def c_prefix_not_allowed(ctx):
    d = start(ctx, [submission_listener()])
    s = auth_session(ctx, d.port)
    s.mail(SENDER)
    code, resp = s.rcpt("+33612345678@sms.example")
    text = resp.decode("utf-8", "replace")
    check(code == 550 and text.startswith("5.7.1"),
          "+33 for a user limited to +49 -> %d %r, want 550 5.7.1" % (code, text))
    code, resp = s.rcpt(RCPT)
    check(code == 250, "+49 -> %d %r" % (code, resp))
    s.quit()
    s = auth_session(ctx, d.port, OTHER_USER, OTHER_PASSWORD)
    s.mail("other@example.net")
    code, resp = s.rcpt("+33612345678@sms.example")
    check(code == 250, "+33 for a user without allow_prefixes -> %d %r" % (code, resp))
    s.quit()


def c_user_rate_limit(ctx):
    users = [dict(USERS[0], limits={"messages_per_minute": 2})] + USERS[1:]
    d = start(ctx, [submission_listener()], users=users)
    s = auth_session(ctx, d.port)
    for i in range(2):
        send_mail(d.port, SENDER, ["+49170555000%d@sms.example" % i],
                  make_message("Rate", "message %d\r\n" % i), s=s)
    code, resp = s.mail(SENDER)
    text = resp.decode("utf-8", "replace")
    check(code == 450 and text.startswith("4.7.1"), "third MAIL -> %d %r, want 450 4.7.1"
          % (code, text))
    check("minute" in text.lower(), "450 does not name the per-minute limit: %r" % text)
    s.quit()
    s = auth_session(ctx, d.port, OTHER_USER, OTHER_PASSWORD)
    code, resp = s.mail("other@example.net")
    check(code == 250, "another user was limited too: %d %r" % (code, resp))
    s.quit()


def c_number_rate_limit(ctx):
    d = ctx.daemon(limits={"number": {"messages_per_minute": 2}})
    for i in range(2):
        send_mail(d.port, SENDER, [RCPT], make_message("Rate", "message %d\r\n" % i))
    s = smtp_client(d.port)
    s.ehlo()
    s.mail(SENDER)
    code, resp = s.rcpt(RCPT)
    text = resp.decode("utf-8", "replace")
    check(code == 450 and text.startswith("4.7.1"), "third message to %s: RCPT -> %d %r, "
          "want 450 4.7.1" % (NUMBER, code, text))
    check("minute" in text.lower(), "450 does not name the per-minute limit: %r" % text)
    code, resp = s.rcpt("+4917055500009@sms.example")
    check(code == 250, "another number was limited too: %d %r" % (code, resp))
    s.quit()


# ---- protocol abuse ---------------------------------------------------------

def smuggle_case(payload):
    def case(ctx):
        d = ctx.daemon()
        c = RawSMTP(d.port)
        try:
            check(c.reply()[0] == 220, "no greeting")
            check(c.cmd("EHLO client.test")[0] == 250, "EHLO failed")
            check(c.cmd("MAIL FROM:<%s>" % SENDER)[0] == 250, "MAIL failed")
            check(c.cmd("RCPT TO:<%s>" % RCPT)[0] == 250, "RCPT failed")
            check(c.cmd("DATA")[0] == 354, "DATA failed")
            c.send(payload)
            code, text = c.reply()
            check(code == 521 and text.startswith("5.5.2"),
                  "smuggling attempt -> %d %r, want 521 5.5.2" % (code, text))
            check(c.closed_by_peer(5), "connection not closed after 521")
        finally:
            ctx.note("transcript:\n" + "\n".join(c.transcript))
            c.close()
        sentinel(ctx, d)
    return case


SMUGGLED = (b"MAIL FROM:<evil@example.com>%(e)sRCPT TO:<+4917066666666@sms.example>%(e)s"
            b"DATA%(e)ssmuggled%(e)s.%(e)s")
SMUGGLE_CR_DOT_CR = (b"Subject: x\r\n\r\nline\r.\r" + SMUGGLED % {b"e": b"\r"} +
                     b"\r\n.\r\n")
SMUGGLE_CRLF_DOT_LF = (b"Subject: x\r\n\r\nline\r\n.\n" + SMUGGLED % {b"e": b"\r\n"} +
                       b"\r\n.\r\n")
SMUGGLE_CR_DOT_CRLF = (b"Subject: x\r\n\r\nline\r.\r\n" + SMUGGLED % {b"e": b"\r\n"} +
                       b"\r\n.\r\n")


def c_long_command_line(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.cmd("EHLO client.test")
        expect(c, "NOOP " + "x" * 1200, 500, "5.5.2", "1205-octet command line")
        expect(c, "NOOP", 250, "2.", "NOOP after the long line (still in step)")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_bad_esmtp_params(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.cmd("EHLO client.test")
        expect(c, "MAIL FROM:<%s> ENVID=%s" % (SENDER, "A" * 200), 501, "5.5.4",
               "ENVID of 200 octets")
        expect(c, "MAIL FROM:<%s> RET=HDRS ENVID=ok-1" % SENDER, 250, "2.")
        expect(c, "RCPT TO:<%s> NOTIFY=BOGUS" % RCPT, 501, "5.5.4")
        expect(c, "RCPT TO:<%s> ORCPT=desk@example.com" % RCPT, 501, "5.5.4",
               "ORCPT without addr-type;")
        expect(c, "RCPT TO:<%s> NOTIFY=FAILURE,DELAY ORCPT=rfc822;desk@example.com" % RCPT,
               250, "2.")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_pregreeting_pipelining(ctx):
    # the greet pause makes "talked first" certain rather than a race
    d = ctx.daemon(smtp={"greet_pause": "300ms"})
    c = RawSMTP(d.port)
    try:
        c.send(b"EHLO client.test\r\n")
        sync_error_and_close(ctx, c)
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    c = RawSMTP(d.port)
    try:
        t0 = time.monotonic()
        check(c.reply()[0] == 220, "a patient client got no greeting")
        check(time.monotonic() - t0 >= 0.25, "greeting came before the pause ended")
        expect(c, "EHLO client.test", 250, "")
    finally:
        c.close()


def c_unauth_pipelining(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.send(b"EHLO client.test\r\nMAIL FROM:<%s>\r\n" % SENDER.encode())
        sync_error_and_close(ctx, c, first_ok=250)
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_bdat_mixing(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        c.cmd("EHLO client.test")
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
        c.send(b"BDAT 5\r\nhello")
        code, text = c.reply()
        # as for DATA: 554 "no valid recipients" after MAIL (Postfix says so too)
        check(code in (503, 554) and text.startswith("5.5.1"), "BDAT before RCPT -> "
              "%d %r, want 503/554 5.5.1" % (code, text))
        expect(c, "NOOP", 250, "2.", "NOOP after the discarded chunk (still in step)")
        # a failed chunk may end the transaction (RFC 3030 4.2): start over
        expect(c, "RSET", 250, "2.")
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
        expect(c, "RCPT TO:<%s>" % RCPT, 250, "2.")
        chunk = b"Subject: x\r\n"
        c.send(b"BDAT %d\r\n" % len(chunk) + chunk)
        code, text = c.reply()
        check(code == 250, "BDAT %d -> %d %r" % (len(chunk), code, text))
        expect(c, "DATA", 503, "5.5.1", "DATA after BDAT")
        expect(c, "RSET", 250, "2.")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    time.sleep(0.2)
    check(not ctx.mock.requests(), "an SMS was sent from an unfinished BDAT transaction")


def c_bdat_last_zero(ctx):
    d = ctx.daemon()
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        code, text = c.cmd("EHLO client.test")
        check("CHUNKING" in ehlo_keywords(text), "EHLO lacks CHUNKING: %r" % text)
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
        expect(c, "RCPT TO:<%s>" % RCPT, 250, "2.")
        chunk = b"From: <clerk@example.com>\r\nSubject: Chunked\r\n\r\nYour laptop is ready\r\n"
        c.send(b"BDAT %d\r\n" % len(chunk) + chunk)
        code, text = c.reply()
        check(code == 250, "BDAT %d -> %d %r" % (len(chunk), code, text))
        text = expect(c, "BDAT 0 LAST", 250, "2.0.0")
        qid = queue_id(text)
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()
    b = wait_sms(ctx, d, qid)
    check(b.get("text") == "Chunked: Your laptop is ready", "text=%r" % b.get("text"))


def c_proxy_v2(ctx):
    px = listener(proxy=True)
    d = ctx.daemon(_port=port_of(px), listen=[px], relay_networks=["10.1.2.0/24"])
    c = RawSMTP(d.port)
    try:
        c.send(proxy_v2_header("10.1.2.3", 40000, "127.0.0.1", d.port))
        check(c.reply()[0] == 220, "no greeting after the PROXY header")
        c.cmd("EHLO client.test")
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.", "MAIL from proxied 10.1.2.3")
        expect(c, "RCPT TO:<%s>" % RCPT, 250, "2.")
        expect(c, "DATA", 354, "")
        c.send(make_message("Proxied", "hello\r\n") + b".\r\n")
        code, text = c.reply()
        check(code == 250, "end of DATA -> %d %r" % (code, text))
        qid = queue_id(text)
        c.cmd("QUIT")
    finally:
        ctx.note("transcript (10.1.2.3):\n" + "\n".join(c.transcript))
        c.close()
    wait_sms(ctx, d, qid)
    check(any("10.1.2.3" in l for l in d.log_lines(qid, "accepted")),
          "the accepted line does not name the proxied client 10.1.2.3")
    c = RawSMTP(d.port)
    try:
        c.send(proxy_v2_header("10.9.9.9", 40001, "127.0.0.1", d.port))
        check(c.reply()[0] == 220, "no greeting after the PROXY header")
        c.cmd("EHLO client.test")
        expect(c, "MAIL FROM:<%s>" % SENDER, 530, "5.7.0", "MAIL from proxied 10.9.9.9")
    finally:
        ctx.note("transcript (10.9.9.9):\n" + "\n".join(c.transcript))
        c.close()
    c = RawSMTP(d.port)
    try:
        c.send(b"EHLO client.test\r\n")
        check(c.closed_by_peer(7), "a client without a PROXY header was not dropped")
        check(c.buf == b"", "a client without a PROXY header got a reply: %r" % c.buf)
    finally:
        c.close()


def c_auth_on_loopback(ctx):
    d = start(ctx, [listener()], auth={"on_loopback": True, "broken_clients": True},
              relay_networks=["10.9.9.0/24"])
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        code, text = c.cmd("EHLO client.test")
        lines = text.splitlines()
        check("AUTH PLAIN LOGIN" in lines and "AUTH=PLAIN LOGIN" in lines,
              "on_loopback + broken_clients: EHLO says %r" % text)
        expect(c, "MAIL FROM:<%s>" % SENDER, 530, "5.7.0", "MAIL before AUTH outside "
               "relay_networks")
        expect(c, "AUTH PLAIN " + auth_plain_b64(USER, PASSWORD), 235, "2.7.0")
        expect(c, "MAIL FROM:<%s>" % SENDER, 250, "2.")
        expect(c, "RCPT TO:<%s>" % RCPT, 250, "2.")
    finally:
        ctx.note("transcript:\n" + "\n".join(c.transcript))
        c.close()


def c_key_mismatch(ctx):
    cert, key = make_cert(ctx)
    other_key = os.path.join(ctx.tmp, "other.key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", other_key], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(other_key, 0o600)
    d = ctx.daemon(start=False, listen=[listener(tls="implicit")],
                   tls={"certificate": cert, "key": other_key})
    p = subprocess.run([ctx.env.smsrelayd, "-d", "-f", d.conf_path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=10)
    err = p.stderr.decode()
    check(p.returncode != 0 and "does not match" in err and other_key in err,
          "mismatched key: exit %d, stderr %r" % (p.returncode, err))
    d.write_conf(merge(d.conf, {"tls": {"certificate": cert + ".missing", "key": key}}))
    p = subprocess.run([ctx.env.smsrelayd, "-d", "-f", d.conf_path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=10)
    err = p.stderr.decode()
    check(p.returncode != 0 and "tls.certificate" in err and ".missing" in err,
          "missing certificate: exit %d, stderr %r" % (p.returncode, err))


def c_tls_reload(ctx):
    d = start(ctx, [listener(tls="implicit", auth="required")])
    cert, key = make_cert(ctx)
    old = implicit_tls(d.port, cert)
    try:
        check(old.reply()[0] == 220, "no greeting over TLS")
        old_der = old.sock.getpeercert(binary_form=True)
        # a new key and certificate, same name; the old session must live on
        new_cert, new_key = cert + ".new", key + ".new"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                        "2", "-subj", "/CN=relay.test", "-addext",
                        "subjectAltName=DNS:relay.test,IP:127.0.0.1", "-keyout", new_key,
                        "-out", new_cert], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        os.chmod(new_key, 0o600)
        os.rename(new_key, key)
        os.rename(new_cert, cert)
        d.hup()
        wait_for(lambda: [l for l in d.log_lines() if "read again" in l], 10, "the reload")
        expect(old, "EHLO client.test", 250, "", "EHLO on the session from before the reload")
        expect(old, "NOOP", 250, "2.0.0")
        new = implicit_tls(d.port, cert)
        try:
            check(new.reply()[0] == 220, "no greeting over TLS after the reload")
            check(new.sock.getpeercert(binary_form=True) != old_der,
                  "the new session still gets the old certificate")
        finally:
            new.close()
    finally:
        old.close()


def c_error_delay(ctx):
    d = ctx.daemon(smtp={"soft_error_limit": 1, "error_delay": "400ms", "max_errors": 4})
    c = RawSMTP(d.port)
    try:
        check(c.reply()[0] == 220, "no greeting")
        t0 = time.monotonic()
        c.cmd("BOGUS 1")
        fast = time.monotonic() - t0
        t0 = time.monotonic()
        c.cmd("BOGUS 2")
        slow = time.monotonic() - t0
        check(fast < 0.3 and slow >= 0.35, "first error after %.2fs, second after %.2fs: "
              "want only the second delayed by ~0.4s" % (fast, slow))
        c.cmd("BOGUS 3")
        code, text = c.cmd("BOGUS 4")
        check(code == 500, "fourth error -> %d" % code)
        code, text = c.reply()
        check(code == 421 and text.startswith("4.7.0"), "after max_errors: %d %r" % (code, text))
        check(c.closed_by_peer(5), "not closed after 421")
    finally:
        c.close()


CASES_SUBMISSION = [
    ("submission: auth.on_loopback and broken_clients: AUTH and AUTH= without TLS on "
     "127.0.0.1", c_auth_on_loopback, None),
    ("submission: key not matching the certificate, missing certificate: clear start-up "
     "errors", c_key_mismatch, None),
    ("submission: SIGHUP swaps the certificate, the TLS session under way lives on",
     c_tls_reload, None),
    ("submission: past soft_error_limit replies wait error_delay; max_errors 421",
     c_error_delay, None),
    ("submission: swaks STARTTLS + AUTH LOGIN on 587-style listener -> SMS with the "
     "user's sender_id", c_swaks_starttls_login, "swaks"),
    ("submission: swaks implicit TLS + AUTH PLAIN, wildcard sender", c_swaks_implicit_plain,
     "swaks"),
    ("submission: smtplib STARTTLS + AUTH PLAIN + SMTPUTF8 sender and UTF-8 text",
     c_smtplib_utf8, None),
    ("submission: nodemailer pipelined with DSN; permanent failure -> DSN with "
     "ENVID and ORCPT", c_node_pipelining_dsn, "sink"),
    ("submission: exim delivers with BDAT -> SMS", c_exim_bdat, None),
    ("submission: openssl -tls1_1 refused, -tls1_2 verified", c_openssl_versions, None),
    ("submission: no AUTH before TLS (538 5.7.11 / 530 5.7.0); EHLO after STARTTLS",
     c_auth_needs_tls, None),
    ("submission: wrong password 535 5.7.8, LOGIN/PLAIN/cancel, no password in the log",
     c_auth_wrong_password, None),
    ("submission: too many failed AUTHs -> 421 4.7.0, address locked out",
     c_auth_lockout, None),
    ("submission: auth=none listener never offers AUTH (503 5.5.1)", c_auth_none_listener,
     None),
    ("submission: STARTTLS with pipelined RSET -> 554 5.5.0 and close",
     c_starttls_injection, None),
    ("submission: outside relay_networks without AUTH: MAIL 530 5.7.0",
     c_relay_outside_networks, None),
    ("submission: MAIL FROM not owned by the user -> 553 5.7.1", c_sender_not_owned, None),
    ("submission: From: header not owned -> 550 5.7.1, nothing sent",
     c_from_header_not_owned, None),
    ("submission: number outside the user's allow_prefixes -> 550 5.7.1",
     c_prefix_not_allowed, None),
    ("submission: user messages_per_minute 2: third MAIL 450 4.7.1", c_user_rate_limit,
     None),
    ("submission: number messages_per_minute 2: third RCPT 450 4.7.1",
     c_number_rate_limit, None),
    ("submission: smuggling <CR>.<CR> in DATA: 521 5.5.2, nothing sent",
     smuggle_case(SMUGGLE_CR_DOT_CR), None),
    ("submission: smuggling <CR><LF>.<LF> in DATA: 521 5.5.2, nothing sent",
     smuggle_case(SMUGGLE_CRLF_DOT_LF), None),
    ("submission: smuggling <CR>.<CR><LF> in DATA: 521 5.5.2, nothing sent",
     smuggle_case(SMUGGLE_CR_DOT_CRLF), None),
    ("submission: 1205-octet command line -> 500 5.5.2, session continues",
     c_long_command_line, None),
    ("submission: ENVID of 200 octets, NOTIFY=BOGUS, ORCPT without ';' -> 501",
     c_bad_esmtp_params, None),
    ("submission: EHLO before the greeting -> 554 5.5.0 and close",
     c_pregreeting_pipelining, None),
    ("submission: unauthenticated EHLO+MAIL in one write -> 554 5.5.0 and close",
     c_unauth_pipelining, None),
    ("submission: BDAT before RCPT 554 5.5.1, DATA after BDAT 503", c_bdat_mixing, None),
    ("submission: BDAT n then BDAT 0 LAST -> SMS", c_bdat_last_zero, None),
    ("submission: PROXY v2 source address decides relay_networks; no header -> dropped",
     c_proxy_v2, None),
]
