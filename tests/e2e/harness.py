# harness.py - process and protocol helpers for the end-to-end suite: the
# daemon under test, the mock provider, smtp-sink, raw SMTP and TAP output.
"""Helpers used by e2e.py; nothing here knows about individual cases."""

import email
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


class CheckFailed(AssertionError):
    """A test expectation that did not hold; the message says which."""


class Skip(Exception):
    """The case cannot run here (a missing kernel feature); the message says why."""


def check(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def wait_for(pred, timeout, what, interval=0.05):
    """Poll pred until it returns a true value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise CheckFailed("timed out after %gs waiting for %s" % (timeout, what))
        time.sleep(interval)


def free_port():
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---- libconfig ----------------------------------------------------------

def _lc_value(v, indent):
    pad = "  " * indent
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, dict):
        inner = "".join("%s  %s = %s;\n" % (pad, k, _lc_value(x, indent + 1))
                        for k, x in v.items())
        return "{\n" + inner + pad + "}"
    if isinstance(v, list):
        if v and isinstance(v[0], dict):
            return "( " + ", ".join(_lc_value(x, indent + 1) for x in v) + " )"
        return "[ " + ", ".join(_lc_value(x, indent) for x in v) + " ]"
    raise TypeError("cannot write %r as libconfig" % (v,))


def libconfig(conf):
    """Render a dict as a libconfig file, one top-level setting per line."""
    return "".join("%s = %s;\n" % (k, _lc_value(v, 0)) for k, v in conf.items())


def merge(base, over):
    """Deep-merge over into a copy of base; a None value removes the key."""
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


# ---- mock provider --------------------------------------------------------

class Mock:
    """The mockprov.py process and a client for its control endpoints."""

    def __init__(self, workdir):
        self.port_file = os.path.join(workdir, "mockprov.port")
        self.log_path = os.path.join(workdir, "mockprov.log")
        self.proc = None
        self.port = None
        self.start()

    def start(self):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "mockprov.py"), "--port", "0",
             "--port-file", self.port_file],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        wait_for(lambda: os.path.exists(self.port_file) or self.proc.poll() is not None,
                 10, "mockprov to write its port file")
        check(self.proc.poll() is None, "mockprov exited: " + self._log_tail())
        with open(self.port_file) as f:
            self.port = int(f.read().strip())

    def _log_tail(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def ensure(self):
        if self.proc.poll() is not None:
            self.start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data,
                         headers={"Content-Type": "application/json"} if data else {})
            resp = conn.getresponse()
            out = resp.read()
            check(resp.status == 200, "mock control %s %s: %d" % (method, path, resp.status))
            return json.loads(out)
        finally:
            conn.close()

    def url(self, path="/sms"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def script(self, responses):
        self._call("POST", "/_control/script", responses)

    def reset(self):
        self._call("POST", "/_control/reset", [])

    def requests(self):
        return self._call("GET", "/_control/requests")

    def successes(self):
        """Requests answered 2xx whose response was completely written."""
        return [r for r in self.requests()
                if r["status"] and 200 <= r["status"] < 300 and r["t_done"]]


# ---- smtp-sink ----------------------------------------------------------

class Sink:
    """Postfix smtp-sink dumping every transaction into its own file."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "sink")
        self.log_path = os.path.join(workdir, "smtp-sink.log")
        os.makedirs(self.dir, exist_ok=True)
        self.user = None
        if os.geteuid() == 0:
            # smtp-sink refuses to run as root; it writes as this user
            self.user = "nobody"
            ent = pwd.getpwnam(self.user)
            os.chown(self.dir, ent.pw_uid, ent.pw_gid)
        os.chmod(self.dir, 0o777)
        self.proc = None
        self.port = None
        last = ""
        for _ in range(5):
            port = free_port()
            cmd = ["smtp-sink"]
            if self.user:
                cmd += ["-u", self.user]
            cmd += ["-d", os.path.join(self.dir, "%Y%m%d%H/%M."),
                    "127.0.0.1:%d" % port, "10"]
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log,
                                         stdin=subprocess.DEVNULL)
            log.close()
            try:
                wait_for(lambda: port_open(port) or self.proc.poll() is not None,
                         10, "smtp-sink to listen")
            except CheckFailed as e:
                last = str(e)
            if self.proc.poll() is None and port_open(port):
                self.port = port
                return
            self.stop()
            with open(self.log_path, errors="replace") as f:
                last = f.read()[-1000:]
        raise CheckFailed("smtp-sink did not start: " + last)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def clear(self):
        for entry in os.listdir(self.dir):
            path = os.path.join(self.dir, entry)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)

    def _open_files(self):
        """Files smtp-sink still holds open (transactions in progress)."""
        held = set()
        fd_dir = "/proc/%d/fd" % self.proc.pid
        try:
            for fd in os.listdir(fd_dir):
                try:
                    held.add(os.readlink(os.path.join(fd_dir, fd)))
                except OSError:
                    pass
        except OSError:
            return None
        return held

    def dumps(self):
        """Completed transactions as (path, text), oldest first."""
        held = self._open_files()
        out = []
        for root, _, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(root, name)
                if held is not None and path in held:
                    continue
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                    mtime = os.path.getmtime(path)
                except OSError:
                    continue
                if held is None and time.time() - mtime < 0.5:
                    continue
                out.append((mtime, path, data.decode("utf-8", "replace")))
        out.sort()
        return [(p, t) for _, p, t in out]


def parse_dump(text):
    """smtp-sink dump -> (envelope dict, email.message.Message, raw text)."""
    text = text.replace("\r\n", "\n")
    msg = email.message_from_string(text)
    env = {
        "mail": msg.get("X-Mail-Args", ""),
        "rcpt": msg.get_all("X-Rcpt-Args") or [],
    }
    return env, msg, text


# ---- SMTP -----------------------------------------------------------------

class RawSMTP:
    """A byte-exact SMTP client: write anything, read replies one by one."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""
        self.transcript = []

    def send(self, data):
        self.transcript.append("C: " + repr(data))
        self.sock.sendall(data)

    def _line(self):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def reply(self):
        """Next reply as (code, text of all lines joined by newlines)."""
        lines = []
        while True:
            line = self._line()
            if line is None:
                self.transcript.append("S: <closed>")
                raise CheckFailed("connection closed while waiting for a reply; so far: %r"
                                  % lines)
            self.transcript.append("S: " + line.decode("utf-8", "replace"))
            lines.append(line.decode("utf-8", "replace"))
            if len(line) < 4 or line[3:4] != b"-":
                break
        try:
            code = int(lines[0][:3])
        except ValueError:
            raise CheckFailed("malformed reply %r" % lines)
        return code, "\n".join(l[4:] for l in lines)

    def cmd(self, line):
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def closed_by_peer(self, timeout=5):
        """True once the server has closed the connection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def smtp_client(port):
    # local_hostname avoids a slow getfqdn() lookup in smtplib
    return smtplib.SMTP("127.0.0.1", port, local_hostname="client.test", timeout=15)


def make_message(subject, body, frm="clerk@example.com", to="sms@sms.example"):
    hdr = "From: <%s>\r\nTo: <%s>\r\nDate: Mon, 23 Nov 2026 20:00:00 +0000\r\n" \
          "Message-ID: <%d.%d@client.test>\r\n" % (frm, to, os.getpid(), time.monotonic_ns())
    if subject is not None:
        hdr += "Subject: %s\r\n" % subject
    return (hdr + "\r\n" + body).encode()


QUEUED_RE = re.compile(r"queued as ([0-9A-Za-z]+)")


def queue_id(resp):
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else resp
    m = QUEUED_RE.search(text)
    check(m, "no 'queued as ID' in reply %r" % text)
    return m.group(1)


def send_mail(port, mail_from, rcpts, msg, s=None, mail_options=(), rcpt_options=()):
    """One complete transaction with smtplib; returns the queue id."""
    own = s is None
    if own:
        s = smtp_client(port)
        s.ehlo()
    code, resp = s.mail(mail_from, list(mail_options))
    check(code == 250, "MAIL FROM:<%s> -> %d %r" % (mail_from, code, resp))
    for r in rcpts:
        code, resp = s.rcpt(r, list(rcpt_options))
        check(code == 250, "RCPT TO:<%s> -> %d %r" % (r, code, resp))
    code, resp = s.data(msg)
    check(code == 250, "end of DATA -> %d %r" % (code, resp))
    if own:
        s.quit()
    return queue_id(resp)


# ---- the daemon -----------------------------------------------------------

def twilio_backend(ctx):
    return {"profile": "twilio", "url": ctx.mock.url("/2010-04-01/Accounts/{user}/Messages.json"),
            "user": "ACtest", "password": "secret", "from": "+15005550006"}


def wait_dsn(ctx, rcpt, timeout):
    """The first message at smtp-sink addressed to rcpt: (envelope, message, raw)."""
    def find():
        for _, text in ctx.sink.dumps():
            env, msg, raw = parse_dump(text)
            if any(rcpt in r for r in env["rcpt"]):
                return env, msg, raw
        return None
    return wait_for(find, timeout, "a DSN to <%s> at smtp-sink" % rcpt)


class Daemon:
    """One smsrelayd process (re)startable on the same config and spool."""

    def __init__(self, ctx, conf, name):
        self.ctx = ctx
        self.bin = ctx.env.smsrelayd
        self.conf = conf
        self.port = conf["_port"]
        self.conf_path = os.path.join(ctx.tmp, name + ".conf")
        self.log_path = os.path.join(ctx.tmp, name + ".log")
        self.proc = None
        self.starts = 0
        self.unclean = []
        self.down = True        # stopped or killed by the test itself
        self.preexec = None     # run in the child before exec (limits)
        self.wrap = conf.get("_wrap", [])   # command prefix, e.g. nsenter
        # _clock: the daemon's calendar clock runs on a file the test moves
        self.clock_path = os.path.join(ctx.tmp, name + ".clock") if conf.get("_clock") else None
        self.clock = 0
        if self.clock_path:
            self.move_clock(0)
        self.write_conf(conf)

    def move_clock(self, seconds):
        """Move the daemon's calendar clock ahead by seconds (SMSRELAY_TEST_CLOCK)."""
        check(self.clock_path, "move_clock needs ctx.daemon(_clock=True)")
        self.clock += seconds
        tmp = self.clock_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % self.clock)
        os.rename(tmp, self.clock_path)

    def write_conf(self, conf):
        self.conf = conf
        text = libconfig({k: v for k, v in conf.items() if not k.startswith("_")})
        tmp = self.conf_path + ".tmp"
        # it may hold provider tokens: smsrelayd refuses it readable by others
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.rename(tmp, self.conf_path)

    def start(self, timeout=10):
        self.starts += 1
        self.down = False
        with open(self.log_path, "ab") as log:
            log.write(b"=== e2e: start #%d at %.3f ===\n" % (self.starts, time.time()))
            # env None: the child's, which preexec may still change (ASan)
            env = None
            if self.clock_path:
                env = dict(os.environ, SMSRELAY_TEST_CLOCK=self.clock_path)
            self.proc = subprocess.Popen(
                self.wrap + [self.bin, "-d", "-f", self.conf_path], stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, cwd=self.ctx.tmp, preexec_fn=self.preexec, env=env)
        wait_for(lambda: port_open(self.port) or self.proc.poll() is not None,
                 timeout, "smsrelayd to accept connections on port %d" % self.port)
        check(self.proc.poll() is None,
              "smsrelayd exited with status %s during start-up" % self.proc.returncode)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.down = True
        self.proc.kill()
        self.proc.wait()

    def hup(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self):
        """SIGTERM, wait up to 10 s, then SIGKILL; returns the exit status."""
        if self.proc is None or self.down:
            return self.proc and self.proc.returncode
        self.down = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.unclean.append("did not exit within 10 s of SIGTERM (killed)")
                return self.proc.returncode
            if self.proc.returncode != 0:
                self.unclean.append("exit status %d after SIGTERM" % self.proc.returncode)
        else:
            self.unclean.append("died on its own with status %d" % self.proc.returncode)
        return self.proc.returncode

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_lines(self, qid=None, event=None):
        out = []
        for line in self.log().splitlines():
            if qid and qid not in line:
                continue
            if event and not re.search(r"\b%s\b" % re.escape(event), line):
                continue
            out.append(line)
        return out

    def wait_log(self, qid, event, timeout):
        return wait_for(lambda: self.log_lines(qid, event), timeout,
                        "log line '%s %s'" % (qid, event))

    def ctl(self, *args, timeout=10):
        # the SMTP port takes connections (into its backlog) before the
        # queue's replay ends; the control socket listens only after it:
        # while the daemon is up and starting, ask again
        deadline = time.monotonic() + timeout
        while True:
            p = subprocess.run([self.ctx.env.smsrelayctl, "-f", self.conf_path] + list(args),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            err = p.stderr.decode("utf-8", "replace")
            if (p.returncode == 0 or "is smsrelayd running?" not in err or
                    not self.alive() or time.monotonic() > deadline):
                return p.returncode, p.stdout.decode("utf-8", "replace"), err
            time.sleep(0.05)


# ---- a small filesystem ---------------------------------------------------

class SmallFs:
    """A tmpfs of a few MB at path, mounted in a mount namespace of its own
    that a sleeping holder process keeps alive: no mount outlives the case,
    and no root is needed where user namespaces are allowed. The daemon runs
    inside through prefix(); the test reaches the files through host()."""

    FILLER = "filler"

    def __init__(self, path, size):
        self.path = path
        self.holder = None
        self.enter = []
        os.makedirs(path, exist_ok=True)
        ways = []
        if os.geteuid() == 0:
            ways.append((["--mount"], ["--mount"]))
        ways.append((["--user", "--map-root-user", "--mount"],
                     ["--user", "--mount", "--preserve-credentials"]))
        errors = []
        if not shutil.which("nsenter"):
            raise Skip("no small filesystem: missing nsenter (util-linux)")
        for make, enter in ways:
            script = 'mount -t tmpfs -o size="$2",mode=0755 tmpfs "$1" && echo ready ' \
                     '&& exec sleep 100000'
            try:
                p = subprocess.Popen(["unshare"] + make + ["--propagation", "private", "--",
                                      "sh", "-c", script, "sh", path, size],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
            except OSError as e:
                errors.append("unshare: %s" % e)
                break
            if p.stdout.readline().strip() == b"ready":
                self.holder, self.enter = p, enter
                return
            p.wait()
            errors.append(p.stderr.read().decode("utf-8", "replace").strip())
        raise Skip("no small filesystem: mounting a tmpfs in a private mount "
                   "namespace is not permitted here (%s)" % "; ".join(errors))

    def prefix(self):
        """The command prefix that runs a program inside the namespace."""
        return ["nsenter", "--target", str(self.holder.pid)] + self.enter + ["--"]

    def host(self, *parts):
        """A path in the small filesystem as this process reaches it."""
        return os.path.join("/proc/%d/root%s" % (self.holder.pid, self.path), *parts)

    def usage(self):
        st = os.statvfs(self.host())
        return (st.f_blocks - st.f_bfree) * st.f_frsize, st.f_bavail * st.f_frsize

    def fill(self):
        """Take every free byte with a filler file; returns its size."""
        chunk = b"\0" * 65536
        fd = os.open(self.host(self.FILLER), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (65536, 4096, 1):
                try:
                    while os.write(fd, chunk[:size]) > 0:
                        pass
                except OSError:
                    pass
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    def free(self):
        os.unlink(self.host(self.FILLER))

    def close(self):
        if self.holder and self.holder.poll() is None:
            self.holder.kill()
            self.holder.wait()


# ---- per-case context -----------------------------------------------------

class Ctx:
    """What one case owns: a temp dir, its daemons, and the shared services."""

    def __init__(self, env, name):
        self.env = env
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="smsrelay-e2e-")
        os.chmod(self.tmp, 0o755)
        self.daemons = []
        self.notes = []
        self.closers = []       # after the daemons stop: their file systems
        self.mock = env.mock
        self.sink = env.sink
        if self.mock:
            self.mock.ensure()
            self.mock.reset()
        if self.sink:
            self.sink.clear()

    def note(self, text):
        self.notes.append(text)

    def base_conf(self):
        port = free_port()
        spool = os.path.join(self.tmp, "spool")
        conf = {
            "_port": port,
            "hostname": "relay.test",
            "listen": [{"address": "127.0.0.1:%d" % port}],
            "domains": ["sms.example"],
            "relay_networks": ["127.0.0.0/8"],
            "numbers": {"default_country": "49"},
            "spool": spool,
            "backend": {
                "type": "http",
                "profile": "generic",
                "url": self.mock.url("/sms") if self.mock else "http://127.0.0.1:9/sms",
                "timeout": "10s",
            },
            "queue": {"retry": ["1s"], "lifetime": "30s"},
            "bounce": {
                "smarthost": "smtp://127.0.0.1:%d" % (self.sink.port if self.sink else 9),
                "from": "MAILER-DAEMON@relay.test",
            },
            "log": {"verbose": True},
        }
        return conf

    def daemon(self, start=True, **over):
        conf = merge(self.base_conf(), over)
        os.makedirs(conf["spool"], exist_ok=True)
        d = Daemon(self, conf, "smsrelayd%d" % len(self.daemons))
        self.daemons.append(d)
        if start:
            d.start()
        return d

    def small_fs(self, name, size):
        """A tmpfs of size (e.g. "4m") at tmp/name, gone with the case."""
        fs = SmallFs(os.path.join(self.tmp, name), size)
        self.closers.append(fs.close)
        return fs

    def cleanup(self):
        problems = []
        for d in self.daemons:
            d.stop()
            for u in d.unclean:
                problems.append("%s: %s" % (os.path.basename(d.conf_path), u))
            log = d.log()
            for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
                if marker in log:
                    problems.append("%s: sanitizer report in daemon log (%s)"
                                    % (os.path.basename(d.log_path), marker))
        for close in self.closers:
            close()
        return problems

    def diagnostics(self):
        out = list(self.notes)
        for d in self.daemons:
            lines = d.log().splitlines()
            out.append("daemon log %s (%d lines%s):" % (
                d.log_path, len(lines), ", last 80 shown" if len(lines) > 80 else ""))
            out.extend("  " + l for l in lines[-80:])
        if self.mock:
            try:
                reqs = self.mock.requests()
                out.append("mock provider saw %d request(s):" % len(reqs))
                for r in reqs[-10:]:
                    out.append("  %s %s -> %s %s" % (r["method"], r["path"], r["status"],
                                                     r["raw"][:200]))
            except Exception as e:
                out.append("mock provider not answering: %s" % e)
        if self.sink:
            dumps = self.sink.dumps()
            out.append("smtp-sink holds %d message(s)" % len(dumps))
            for path, text in dumps[-3:]:
                out.append("  %s:" % path)
                out.extend("    " + l for l in text.splitlines()[:60])
        return out

    def remove(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- TAP ------------------------------------------------------------------

class Tap:
    def __init__(self, total):
        self.n = 0
        self.failed = 0
        self.skipped = 0
        print("1..%d" % total, flush=True)

    def ok(self, name):
        self.n += 1
        print("ok %d - %s" % (self.n, name), flush=True)

    def skip(self, name, reason):
        self.n += 1
        self.skipped += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, reason), flush=True)

    def not_ok(self, name, diag=(), reason=None):
        self.n += 1
        self.failed += 1
        print("not ok %d - %s%s" % (self.n, name, " # " + reason if reason else ""),
              flush=True)
        for line in diag:
            for sub in str(line).splitlines() or [""]:
                print("# " + sub)
        sys.stdout.flush()


def format_exc(e):
    if isinstance(e, CheckFailed):
        return [str(e)]
    return traceback.format_exc().splitlines()
