# tlsutil.py - helpers for the submission cases: certificate, users file and
# listener config, TLS on raw sessions, PROXY v2 headers and outside clients.
"""Building blocks for submission.py; the cases themselves live there.

Offers: make_cert, make_users_file, listener, port_of, submission_conf,
start, client_context, starttls, implicit_tls, auth_plain_b64, b64,
proxy_v2_header, RecordingProxy, run_tool, swaks, node_send, run_exim.
"""

import atexit
import base64
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading

from harness import CheckFailed, RawSMTP, check, free_port, merge, port_open, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_NAME = "relay.test"

USER = "clerk"
PASSWORD = "s3cret pass:word"
OTHER_USER = "other"
OTHER_PASSWORD = "another-Secret-7"
PASSWORDS = {USER: PASSWORD, OTHER_USER: OTHER_PASSWORD}
# the policy side of the users above (the hashes are in the users file)
USERS = [
    {"name": USER, "senders": ["clerk@example.com", "*@service.example.com"],
     "sender_id": "ACMEService", "allow_prefixes": ["+49"]},
    {"name": OTHER_USER, "senders": ["other@example.net"]},
]


# ---- files ------------------------------------------------------------------

def make_cert(ctx):
    """Self-signed certificate and key for relay.test in ctx.tmp: (cert, key)."""
    cert = os.path.join(ctx.tmp, "cert.pem")
    key = os.path.join(ctx.tmp, "key.pem")
    if not os.path.exists(key):
        # one RSA key per suite run is enough; each case gets its own copy
        cached_cert, cached_key = _suite_cert()
        shutil.copyfile(cached_cert, cert)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f, open(cached_key, "rb") as src:
            f.write(src.read())
    os.chmod(key, 0o600)
    return cert, key


_CERT_DIR = []


def _suite_cert():
    """Generate the suite's certificate once, in a directory removed at exit."""
    if _CERT_DIR:
        d = _CERT_DIR[0]
        return os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    d = tempfile.mkdtemp(prefix="smsrelay-e2e-cert-")
    atexit.register(shutil.rmtree, d, True)
    cert = os.path.join(d, "cert.pem")
    key = os.path.join(d, "key.pem")
    p = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=" + SERVER_NAME,
         "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1" % SERVER_NAME,
         "-keyout", key, "-out", cert],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        timeout=60)
    check(p.returncode == 0, "openssl req failed: %s" % p.stdout.decode("utf-8", "replace"))
    os.chmod(key, 0o600)
    _CERT_DIR.append(d)
    return cert, key


def make_users_file(ctx, passwords=None):
    """A 0600 users file hashed by 'smsrelayctl passwd -m sha512'; its path."""
    passwords = PASSWORDS if passwords is None else passwords
    path = os.path.join(ctx.tmp, "users")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    for name, pw in passwords.items():
        cmd = [ctx.env.smsrelayctl, "passwd", "-u", path, "-m", "sha512", name]
        p = subprocess.run(cmd, input=(pw + "\n").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        check(p.returncode == 0, "%s -> exit %d: %s" % (
            " ".join(cmd), p.returncode, p.stderr.decode("utf-8", "replace")))
    os.chmod(path, 0o600)
    with open(path) as f:
        text = f.read()
    for name in passwords:
        check(any(line.startswith(name + ":$6$") for line in text.splitlines()),
              "users file has no sha512crypt line for %s:\n%s" % (name, text))
    return path


# ---- configuration ----------------------------------------------------------

def listener(tls=None, starttls=None, auth=None, proxy=None, port=None):
    """One listen entry on 127.0.0.1 (a fresh port unless given)."""
    entry = {"address": "127.0.0.1:%d" % (port or free_port())}
    for k, v in (("tls", tls), ("starttls", starttls), ("auth", auth), ("proxy", proxy)):
        if v is not None:
            entry[k] = v
    return entry


def port_of(entry):
    return int(entry["address"].rsplit(":", 1)[1])


def submission_conf(ctx, listen, users=None, passwords=None, **over):
    """Overrides for ctx.daemon(): listeners, TLS files, users file and users.

    over is deep-merged last, so a case can set auth={"max_failures": 2},
    limits=..., relay_networks=... or replace anything set here.
    """
    cert, key = make_cert(ctx)
    conf = {
        "_port": port_of(listen[0]),
        "listen": listen,
        "tls": {"certificate": cert, "key": key},
        "auth": {"users_file": make_users_file(ctx, passwords)},
        "users": USERS if users is None else users,
        # many cases collect errors on purpose: keep the tarpit short
        "smtp": {"error_delay": "10ms"},
    }
    return merge(conf, over)


def start(ctx, listen, **kw):
    """Start a daemon with submission_conf and wait for every listener."""
    d = ctx.daemon(**submission_conf(ctx, listen, **kw))
    for entry in listen[1:]:
        port = port_of(entry)
        wait_for(lambda: port_open(port) or not d.alive(), 10,
                 "smsrelayd to listen on port %d" % port)
        check(d.alive(), "smsrelayd exited during start-up")
    return d


# ---- TLS on the client side -------------------------------------------------

def client_context(cert):
    """A client context trusting only our certificate, TLS 1.2 or later."""
    c = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cert)
    c.minimum_version = ssl.TLSVersion.TLSv1_2
    return c


def starttls(raw, cert):
    """STARTTLS on a RawSMTP after EHLO; verifies the certificate for relay.test."""
    code, text = raw.cmd("STARTTLS")
    check(code == 220 and text.startswith("2.0.0"), "STARTTLS -> %d %r, want 220 2.0.0"
          % (code, text))
    check(raw.buf == b"", "bytes after the 220 to STARTTLS: %r" % raw.buf)
    raw.sock = client_context(cert).wrap_socket(raw.sock, server_hostname=SERVER_NAME)
    raw.transcript.append("-- TLS %s" % raw.sock.version())
    return raw


def implicit_tls(port, cert):
    """A RawSMTP whose socket is TLS from the first byte (port 465 style)."""
    raw = RawSMTP(port)
    raw.sock = client_context(cert).wrap_socket(raw.sock, server_hostname=SERVER_NAME)
    raw.transcript.append("-- TLS %s" % raw.sock.version())
    return raw


def b64(text):
    return base64.b64encode(text.encode()).decode()


def auth_plain_b64(user, password):
    """The AUTH PLAIN response: authzid NUL authcid NUL password, base64."""
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


def ehlo_keywords(text):
    """EHLO reply text -> {KEYWORD: parameter string}."""
    out = {}
    for line in text.splitlines()[1:]:
        parts = line.split(None, 1)
        if parts:
            out[parts[0].upper()] = parts[1] if len(parts) > 1 else ""
    return out


# ---- PROXY protocol v2 ------------------------------------------------------

PROXY_V2_SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v2_header(src, sport, dst="127.0.0.1", dport=25):
    """A PROXY v2 header (HAProxy's proxy-protocol.txt): command PROXY, TCP/IPv4."""
    addrs = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    return PROXY_V2_SIG + bytes([0x21, 0x11]) + struct.pack("!H", len(addrs)) + addrs


# ---- a recording TCP relay --------------------------------------------------

class RecordingProxy:
    """Forwards one port to another and keeps what clients sent, to prove
    which SMTP commands an outside client used (e.g. BDAT)."""

    def __init__(self, target_port):
        self.target = target_port
        self.sent = bytearray()
        self.lock = threading.Lock()
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(4)
        self.port = self.lsock.getsockname()[1]
        self.threads = []
        self.socks = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()

    def _accept(self):
        while True:
            try:
                client, _ = self.lsock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target), timeout=30)
            except OSError:
                client.close()
                continue
            self.socks += [client, server]
            for a, b, record in ((client, server, True), (server, client, False)):
                t = threading.Thread(target=self._pump, args=(a, b, record), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, src, dst, record):
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                if record:
                    with self.lock:
                        self.sent += chunk
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            # pass a half-close on (exim sends QUIT, then shuts down writing)
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def client_bytes(self):
        with self.lock:
            return bytes(self.sent)

    def close(self):
        self.lsock.close()
        for t in self.threads:
            t.join(5)
        for s in self.socks:
            s.close()


# ---- outside clients --------------------------------------------------------

def run_tool(ctx, cmd, input_bytes=None, timeout=60, env=None, what=None):
    """Run a client program; returns (exit status, combined output as text)."""
    try:
        p = subprocess.run(cmd, input=input_bytes, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout,
                           stdin=None if input_bytes is not None else subprocess.DEVNULL,
                           env=env)
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("utf-8", "replace")
        ctx.note("%s timed out after %ds:\n%s" % (what or cmd[0], timeout, out))
        raise CheckFailed("%s did not finish within %ds" % (what or cmd[0], timeout))
    out = p.stdout.decode("utf-8", "replace")
    ctx.note("%s (exit %d):\n%s" % (what or " ".join(cmd), p.returncode, out))
    return p.returncode, out


def swaks(ctx, port, *args):
    """swaks against 127.0.0.1:port; numbers start with '+', hence POSIXLY_CORRECT."""
    check(ctx.env.swaks, "missing swaks: apt-get install swaks")
    cmd = [ctx.env.swaks, "--server", "127.0.0.1:%d" % port, "--timeout", "15"] + list(args)
    return run_tool(ctx, cmd, env=dict(os.environ, POSIXLY_CORRECT="1"), what="swaks")


NODE_MODULES = ("nodemailer", "playwright-core", "smpp")
NODE_FILES = ("package.json", "package-lock.json", "send.js", "smsc.js", "smsc-selftest.js",
              "status_page.js")


def _node_installed(d):
    return all(os.path.isdir(os.path.join(d, "node_modules", m)) for m in NODE_MODULES)


def node_dir(ctx):
    """Where send.js and smsc.js run with their npm packages: the source tree once
    'npm ci' ran there, else a copy in the build tree installed now (a read-only
    tree: make distcheck)."""
    src = os.path.join(HERE, "node")
    if _node_installed(src):
        return src
    dst = os.path.join(os.environ.get("top_builddir") or os.getcwd(), "tests", "e2e", "node")
    os.makedirs(dst, exist_ok=True)
    for name in NODE_FILES:     # the scripts as the source tree has them now
        shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    if not _node_installed(dst):
        npm = shutil.which("npm")
        check(npm, "missing npm: sh contrib/install-deps.sh test")
        rc, out = run_tool(ctx, [npm, "ci", "--no-audit", "--no-fund", "--prefix", dst],
                           timeout=300, what="npm ci")
        check(rc == 0, "npm ci in %s failed: %s" % (dst, out[-2000:]))
    return dst


def node_send(ctx, port, **opts):
    """tests/e2e/node/send.js; opts become --name value (lists repeat, True is a flag)."""
    node = shutil.which("node")
    check(node, "missing node: sh contrib/install-deps.sh test")
    nodedir = node_dir(ctx)
    cmd = [node, os.path.join(nodedir, "send.js"), "--port", str(port)]
    for k, v in opts.items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            cmd.append(flag)
        elif isinstance(v, (list, tuple)):
            for x in v:
                cmd += [flag, x]
        elif isinstance(v, dict):
            cmd += [flag, json.dumps(v)]
        elif v is not None and v is not False:
            cmd += [flag, str(v)]
    rc, out = run_tool(ctx, cmd, what="send.js")
    lines = [l for l in out.splitlines() if l.startswith("{")]
    check(lines, "send.js printed no JSON (exit %d): %s" % (rc, out))
    try:
        return json.loads(lines[-1])
    except ValueError:
        raise CheckFailed("send.js printed bad JSON: %r" % lines[-1])


def run_exim(ctx, port, sender, rcpt, message):
    """tests/e2e/exim/run-exim.sh; returns (exit status, exim's main log)."""
    script = os.path.join(HERE, "exim", "run-exim.sh")
    return run_tool(ctx, ["sh", script, ctx.tmp, str(port), sender, rcpt],
                    input_bytes=message, timeout=90, what="run-exim.sh")
