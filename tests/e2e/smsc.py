# smsc.py - the SMPP simulator tests/e2e/node/smsc.js (npm smpp in server mode)
# as a Python object: started on free ports, driven through its control API.
"""Smsc(tls=False, ctx=None, system_id=None, password=None, quiet=True).

Starts node smsc.js on 127.0.0.1 (SMPP on .port, control API on .control),
waits for "ready". Methods: state(), mode(**kw), receipt(message_id, ...),
reset(), stop(); a context manager. With ctx, npm packages are installed as
for send.js (tlsutil.node_dir), TLS uses the case's certificate and the
simulator stops with the case.
"""

import http.client
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

from harness import CheckFailed, check, free_port
from tlsutil import _suite_cert, node_dir

READY_TIMEOUT = 15


class _Notes:
    """Stands in for a case's ctx where none is given: keeps run_tool's notes."""

    def __init__(self):
        self.notes = []

    def note(self, text):
        self.notes.append(text)


class Smsc:
    """One smsc.js process; see the module docstring."""

    def __init__(self, tls=False, ctx=None, system_id=None, password=None, quiet=True):
        node = shutil.which("node")
        check(node, "missing node: sh contrib/install-deps.sh test")
        self.ctx = ctx
        self.tls = tls
        self.cert = self.key = None
        self.port = free_port()
        self.control = free_port()
        self.system_id = system_id
        self.password = password
        nodedir = node_dir(ctx if ctx is not None else _Notes())
        cmd = [node, os.path.join(nodedir, "smsc.js"), "--port", str(self.port),
               "--control", str(self.control)]
        if tls:
            self.cert, self.key = _suite_cert()
            cmd += ["--tls-cert", self.cert, "--tls-key", self.key]
        if system_id is not None:
            cmd += ["--system-id", system_id]
        if password is not None:
            cmd += ["--password", password]
        if quiet:
            cmd.append("--quiet")
        logdir = ctx.tmp if ctx is not None else tempfile.gettempdir()
        self.log_path = os.path.join(logdir, "smsc-%d.log" % self.port)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except Exception:
            self.stop()
            raise
        if ctx is not None:
            ctx.closers.append(self.stop)

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        out = b""
        while b"ready\n" not in out:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise CheckFailed("smsc.js did not get ready: %s" % self.log_tail())
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk and self.proc.poll() is not None:
                    continue
                out += chunk

    def log_tail(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def url(self):
        """The smsrelay backend url of this SMSC."""
        return "%s://127.0.0.1:%d" % ("smpps" if self.tls else "smpp", self.port)

    def _call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.control, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data,
                         headers={"Content-Type": "application/json"} if data else {})
            resp = conn.getresponse()
            out = json.loads(resp.read() or b"{}")
            check(resp.status == 200, "smsc control %s %s: %d %s"
                  % (method, path, resp.status, out.get("error")))
            return out
        finally:
            conn.close()

    def state(self):
        """binds, submits, messages, deliver_resps, unbinds, enquire_links,
        connections, generic_nacks (and modes, held, pending_receipts)."""
        return self._call("GET", "/state")

    def mode(self, **kw):
        """throttle, msgqful, fail, drop_after, hold, delay_ms, receipts,
        receipt_id_format, receipt_delay_ms, id_format, gsm_packed, refuse_bind."""
        return self._call("POST", "/mode", kw)

    def receipt(self, message_id, stat="DELIVRD", err="000", form="both"):
        """Send one receipt now (or once a receiver binds); True when sent now."""
        return self._call("POST", "/receipt", {"message_id": message_id, "stat": stat,
                                               "err": err, "form": form}).get("sent")

    def mo(self, sender, text, ton=1, data_coding=0):
        """A subscriber's SMS from sender (digits; ton 1: international) to a
        receiver bound now; True when sent."""
        return self._call("POST", "/mo", {"from": sender, "text": text, "ton": ton,
                                          "data_coding": data_coding}).get("sent")

    def reset(self):
        self._call("POST", "/reset", {})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
