# hardening.py - end-to-end cases for the denial-of-service defects of issue
# 10: deadlines that a peer cannot push back, PROXY, file handles, SIGTERM.
"""CASES_HARDENING: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

Every case here failed against the code before the fix; the timings are
deadlines of the daemon under test (a few seconds), checked with a margin.
"""

import os
import resource
import socket
import subprocess
import time

from harness import (RawSMTP, check, make_message, queue_id, send_mail,  # noqa: F401
                     wait_for)
from tlsutil import (listener, make_cert, port_of, proxy_v2_header, start,
                     starttls)

NUMBER = "+4917012345678"
RCPT = NUMBER + "@sms.example"
SENDER = "clerk@example.com"
TICKS = os.sysconf("SC_CLK_TCK")


# ---- helpers ----------------------------------------------------------------

def cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def cpu_over(pid, seconds):
    """CPU seconds the process uses during the next `seconds` of wall time."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def closed_within(sock, seconds):
    """Seconds until the peer closed the socket, None if still open."""
    t0 = time.monotonic()
    sock.settimeout(seconds)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return time.monotonic() - t0
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - t0
    except socket.timeout:
        return None


def drip(sock, data, interval, until, got=None):
    """Send data a byte at a time every interval seconds; the time the peer
    closed (seconds since the start), or None if it was open at `until`.
    What the peer says meanwhile is appended to the bytearray got."""
    got = bytearray() if got is None else got
    t0 = time.monotonic()
    sock.settimeout(interval)
    for i in range(len(data)):
        if time.monotonic() - t0 > until:
            return None
        try:
            sock.send(data[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - t0
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    return time.monotonic() - t0
                got += chunk
        except socket.timeout:
            pass
        except ConnectionResetError:
            return time.monotonic() - t0
    return None


def greeted(port):
    """A plain connection that got its 220 greeting."""
    c = RawSMTP(port, timeout=5)
    code, text = c.reply()
    check(code == 220, "greeting %d %r, want 220" % (code, text))
    return c


def tls_conf(ctx, **smtp):
    """STARTTLS and implicit-TLS listeners; the smtp group overridden."""
    plain, tls = listener(tls="starttls"), listener(tls="implicit")
    return [plain, tls], dict({"error_delay": "10ms"}, **smtp)


# ---- 1: a TLS handshake that never completes ------------------------------

def c_tls_handshake_stalled(ctx):
    listen, smtp = tls_conf(ctx, idle_timeout="2s", tls_handshake_timeout="2s",
                            max_sessions=3)
    d = start(ctx, listen, smtp=smtp)
    tls_port = port_of(listen[1])
    stalled = [socket.create_connection(("127.0.0.1", tls_port)) for _ in range(3)]
    try:
        for s in stalled:
            t = closed_within(s, 6)
            check(t is not None, "a TLS connection without a handshake is still open "
                  "6 s after connect (tls_handshake_timeout 2s)")
        # the slots are free again: a plain client is greeted, not 421
        c = greeted(d.port)
        c.cmd("QUIT")
        c.close()
    finally:
        for s in stalled:
            s.close()
    # STARTTLS answered, then silence: freed the same way
    c = greeted(d.port)
    c.cmd("EHLO client.test")
    code, text = c.cmd("STARTTLS")
    check(code == 220, "STARTTLS -> %d %r" % (code, text))
    check(closed_within(c.sock, 6) is not None,
          "silent after STARTTLS's 220: still open after 6 s")
    c.close()
    t0 = time.monotonic()
    check(d.stop() == 0, "exit status after SIGTERM")
    check(time.monotonic() - t0 < 5, "SIGTERM took %.1f s" % (time.monotonic() - t0))


def c_tls_clienthello_drip(ctx):
    listen, smtp = tls_conf(ctx, idle_timeout="10s", tls_handshake_timeout="2s")
    start(ctx, listen, smtp=smtp)
    s = socket.create_connection(("127.0.0.1", port_of(listen[1])))
    try:
        # the start of a TLS record carrying a ClientHello, one byte at a time
        hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)) * 8
        t = drip(s, hello, 0.3, 9)
        check(t is not None, "a ClientHello dripped a byte per 0.3 s kept the "
              "handshake open for 9 s (tls_handshake_timeout 2s)")
        check(t < 5, "closed after %.1f s, want about 2 s" % t)
    finally:
        s.close()


# ---- 2: a PROXY header cut short --------------------------------------------

def c_proxy_partial_header(ctx):
    px = listener(proxy=True)
    d = ctx.daemon(_port=port_of(px), listen=[px])
    s = socket.create_connection(("127.0.0.1", d.port))
    try:
        s.sendall(b"\r\n\r\n\x00\r")
        used = cpu_over(d.proc.pid, 2)
        check(used < 0.5, "the daemon used %.2f CPU seconds in 2 s while a PROXY "
              "header waited half-sent (busy loop)" % used)
        check(closed_within(s, 6) is not None,
              "half a PROXY header still open 8 s after connect (deadline 5 s)")
    finally:
        s.close()
    # the deadline runs from accept: more bytes do not push it back
    s = socket.create_connection(("127.0.0.1", d.port))
    try:
        t = drip(s, proxy_v2_header("10.1.2.3", 4000, "127.0.0.1", d.port)[:15], 0.5, 9)
        check(t is not None and t < 7, "a PROXY header dripped a byte per 0.5 s: "
              "closed after %s s, want 5 s from accept" % t)
    finally:
        s.close()
    c = RawSMTP(d.port)
    c.send(proxy_v2_header("10.1.2.3", 4000, "127.0.0.1", d.port))
    check(c.reply()[0] == 220, "a whole PROXY header got no greeting")
    c.close()


# ---- 3: slowloris in commands and in DATA ---------------------------------

def c_slowloris_command(ctx):
    d = ctx.daemon(smtp={"idle_timeout": "2s"})
    c = greeted(d.port)
    try:
        t = drip(c.sock, b"EHLO " + b"x" * 200 + b"\r\n", 0.5, 9)
        check(t is not None, "a command line dripped a byte per 0.5 s kept the "
              "session for 9 s (idle_timeout 2s)")
        check(t < 5, "closed after %.1f s, want about 2 s" % t)
    finally:
        c.close()


def c_slowloris_data(ctx):
    d = ctx.daemon(smtp={"idle_timeout": "10s", "data_timeout": "10s",
                         "min_data_rate": 500})
    c = greeted(d.port)
    try:
        c.cmd("EHLO client.test")
        check(c.cmd("MAIL FROM:<%s>" % SENDER)[0] == 250, "MAIL")
        check(c.cmd("RCPT TO:<%s>" % RCPT)[0] == 250, "RCPT")
        check(c.cmd("DATA")[0] == 354, "DATA")
        said = bytearray()
        t = drip(c.sock, make_message("Slow", "x" * 400 + "\r\n"), 0.2, 9, said)
        check(t is not None, "DATA at 5 bytes/s kept the session for 9 s "
              "(min_data_rate 500)")
        check(t < 5, "closed after %.1f s, want about 1 s" % t)
        check(b"421 4.4.2" in said, "no 421 4.4.2 before the close: %r" % said)
    finally:
        c.close()
    # a client at a decent rate is not affected
    qid = send_mail(d.port, SENDER, [RCPT], make_message("Fast", "ok\r\n"))
    d.wait_log(qid, "sent", 10)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def c_unread_replies(ctx):
    d = ctx.daemon(smtp={"forbid_unauth_pipelining": False})
    c = greeted(d.port)
    try:
        c.cmd("EHLO client.test")
        before = rss_kib(d.proc.pid)
        chunk = b"RSET\r\n" * 10000
        sent = 0
        c.sock.settimeout(3)
        try:
            while sent < 40 * 1024 * 1024:
                c.sock.sendall(chunk)
                sent += len(chunk)
        except socket.timeout:
            pass
        grown = rss_kib(d.proc.pid) - before
        ctx.note("sent %d bytes of RSET without reading; RSS grew %d KiB" % (sent, grown))
        check(grown < 16 * 1024, "RSS grew %d KiB while a client sent %d bytes of "
              "commands and read no reply" % (grown, sent))
    finally:
        c.close()


# ---- 4: out of file handles -------------------------------------------------

def c_out_of_file_handles(ctx):
    d = ctx.daemon()
    wait_for(lambda: any(" started, " in l for l in d.log_lines()), 10,
             "the daemon's start-up to finish")
    # the handles a running daemon holds, then a limit just above them
    held = len(os.listdir("/proc/%d/fd" % d.proc.pid))
    limit = held + 8
    resource.prlimit(d.proc.pid, resource.RLIMIT_NOFILE, (limit, limit))
    socks = []
    try:
        for _ in range(40):
            socks.append(socket.create_connection(("127.0.0.1", d.port), timeout=2))
        used = cpu_over(d.proc.pid, 2)
        check(used < 0.5, "%.2f CPU seconds in 2 s with every file handle taken "
              "(accept loop spinning)" % used)
        lines = [l for l in d.log_lines() if "open files" in l]
        check(0 < len(lines) < 20, "%d 'open files' log lines in 2 s, want a few "
              "(one per pause)" % len(lines))
    finally:
        for s in socks:
            s.close()
    # handles come back: a client is served again without a restart
    qid = wait_for(lambda: _try_send(d.port), 10, "a message accepted after the "
                   "connections closed")
    d.wait_log(qid, "sent", 10)
    check(any("accepting again" in l for l in d.log_lines()),
          "no log line saying accepting resumed")


def c_file_handle_budget(ctx):
    limit = 128
    d = ctx.daemon(start=False)
    d.preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    d.start()
    check(any("max_sessions" in l and "file handles" in l for l in d.log_lines()),
          "no start-up warning that max_sessions 1000 cannot fit in %d file handles"
          % limit)
    p = subprocess.run([ctx.env.smsrelayd, "-n", "-f", d.conf_path], preexec_fn=d.preexec,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0 and "max_sessions" in err, "smsrelayd -n under a limit of "
          "%d does not say that max_sessions cannot fit: %r" % (limit, err))
    # sessions past the budget get a clean 421, the spool keeps its handles
    socks, refused = [], 0
    try:
        for _ in range(limit):
            c = RawSMTP(d.port, timeout=5)
            socks.append(c)
            code, _ = c.reply()
            refused += code == 421
        check(refused > 0, "%d connections under a limit of %d: none refused "
              "with 421" % (limit, limit))
    finally:
        for c in socks:
            c.close()
    qid = wait_for(lambda: _try_send(d.port), 10, "a message accepted afterwards")
    d.wait_log(qid, "sent", 10)


def _try_send(port):
    try:
        return send_mail(port, SENDER, [RCPT], make_message("Back", "ok\r\n"))
    except Exception:
        return None


# ---- 7: PROXY headers only from the load balancer ------------------------

def c_proxy_from(ctx):
    px = listener(proxy=True)
    px["proxy_from"] = ["10.0.0.0/8"]
    d = ctx.daemon(_port=port_of(px), listen=[px])
    c = RawSMTP(d.port)
    try:
        c.send(proxy_v2_header("10.1.2.3", 4000, "127.0.0.1", d.port))
        check(c.closed_by_peer(5), "a PROXY header from 127.0.0.1, not in "
              "proxy_from, was not refused")
        check(c.buf == b"", "reply to a refused PROXY peer: %r" % c.buf)
    finally:
        c.close()
    wait_for(lambda: any("reason=proxy_from" in l for l in d.log_lines()), 5,
             "a log line for the refused PROXY peer")
    d.stop()
    # the default is loopback: the load balancer on 127.0.0.1 is trusted
    px = listener(proxy=True)
    d = ctx.daemon(_port=port_of(px), listen=[px])
    c = RawSMTP(d.port)
    c.send(proxy_v2_header("10.1.2.3", 4000, "127.0.0.1", d.port))
    check(c.reply()[0] == 220, "loopback PROXY peer refused by default")
    c.close()


# ---- the control socket --------------------------------------------------

def c_control_deadline(ctx):
    d = ctx.daemon()
    path = os.path.join(d.conf["spool"], "control.sock")
    wait_for(lambda: os.path.exists(path), 5, "the control socket")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        t = drip(s, b"q" * 40, 0.5, 16)
        check(t is not None, "a control client dripping a byte per 0.5 s held its "
              "connection for 16 s (deadline 10 s)")
        check(t < 13, "closed after %.1f s, want 10 s" % t)
    finally:
        s.close()


# ---- 10: SIGTERM ------------------------------------------------------------

def c_sigterm_idle_after_mail(ctx):
    d = ctx.daemon()
    c = greeted(d.port)
    c.cmd("EHLO client.test")
    check(c.cmd("MAIL FROM:<%s>" % SENDER)[0] == 250, "MAIL")
    t0 = time.monotonic()
    d.proc.send_signal(15)
    try:
        code, text = c.reply()
        check(code == 421 and text.startswith("4.3.2"),
              "after SIGTERM: %d %r, want 421 4.3.2" % (code, text))
    finally:
        c.close()
    d.proc.wait(10)
    took = time.monotonic() - t0
    d.down = True
    check(d.proc.returncode == 0, "exit status %s" % d.proc.returncode)
    check(took < 5, "a client silent after MAIL held SIGTERM for %.1f s" % took)


def c_sigterm_in_data(ctx):
    d = ctx.daemon()
    c = greeted(d.port)
    try:
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<%s>" % SENDER)
        c.cmd("RCPT TO:<%s>" % RCPT)
        check(c.cmd("DATA")[0] == 354, "DATA")
        c.send(make_message("Late", "first half\r\n"))
        d.proc.send_signal(15)
        time.sleep(0.3)
        try:
            c.send(b"second half\r\n.\r\n")
        except OSError:
            pass
        code, text = c.reply()
        check(code == 421 and text.startswith("4.3.2") and "shutting down" in text,
              "end of DATA after SIGTERM: %d %r, want 421 4.3.2 shutting down"
              % (code, text))
    finally:
        c.close()
    d.proc.wait(10)
    d.down = True


CASES_HARDENING = [
    ("TLS handshake never completes: freed at its deadline, slots back, quick SIGTERM",
     c_tls_handshake_stalled, None),
    ("TLS ClientHello dripped a byte at a time: closed at tls_handshake_timeout",
     c_tls_clienthello_drip, None),
    ("PROXY header cut short: no busy loop, closed 5 s from accept", c_proxy_partial_header,
     None),
    ("slowloris command line: closed at idle_timeout however it drips", c_slowloris_command,
     None),
    ("slowloris DATA under min_data_rate: 421 4.4.2 and closed", c_slowloris_data, None),
    ("a client that never reads its replies is not read either: memory stays flat",
     c_unread_replies, None),
    ("out of file handles: accepts pause instead of spinning, service resumes",
     c_out_of_file_handles, None),
    ("file handle budget: start-up and -n warn, sessions past it get 421",
     c_file_handle_budget, None),
    ("proxy_from: a PROXY header from elsewhere is refused and logged", c_proxy_from, None),
    ("control socket: 10 s for a command however it drips", c_control_deadline, None),
    ("SIGTERM with a client silent after MAIL: 421 4.3.2 and a prompt exit",
     c_sigterm_idle_after_mail, None),
    ("SIGTERM during DATA: 421 4.3.2 shutting down, not a queue write error",
     c_sigterm_in_data, None),
]
