#!/usr/bin/env python3
# mockprov.py - scriptable mock SMS provider (HTTP/1.1, keep-alive) for the
# end-to-end tests: records every request and answers from a test-set script.
"""Mock SMS provider.

Every request outside /_control/ is recorded (method, path, headers, body
parsed as JSON or form) and answered with the next scripted response, or
with the default: 201 {"sid": "SM<n>"} for paths containing /Messages.json
(the Twilio shape), the provider's own success for the paths of the
providers in mockproviders.py (each request to those is checked against
the provider's documented API; a departure is recorded in "violations" and
answered 400), 200 {"id": "mock-<n>"} for anything else.

Control endpoints:
  POST /_control/script    JSON list of responses, replacing the script;
                           each {"status": int, "body": obj|str,
                           "headers": {...}, "delay": seconds,
                           "sticky": bool}; a sticky response is not
                           consumed (use it for "always 503"); instead
                           of status and body, "answer": "invalid" (or
                           "blocked", "permanent", "temporary",
                           "throttled") gives that provider's own body.
  GET  /_control/requests  the recorded requests as a JSON list.
  POST /_control/reset     clears the records and the script.
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mockproviders


class State:
    """Shared, lock-protected record list and response script."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records = []
        self.script = []
        self.count = 0

    def reset(self):
        with self.lock:
            self.records = []
            self.script = []

    def set_script(self, script):
        with self.lock:
            self.script = list(script)

    def begin(self, record):
        """Store a record and choose its response; returns (n, response)."""
        with self.lock:
            self.count += 1
            record["n"] = self.count
            self.records.append(record)
            if not self.script:
                return self.count, None
            resp = self.script[0]
            if not resp.get("sticky"):
                self.script.pop(0)
            return self.count, resp

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.records))


STATE = State()


def parse_body(ctype, raw):
    """Body as JSON or form fields when it parses as such, else None."""
    text = raw.decode("utf-8", "replace")
    ctype = (ctype or "").split(";")[0].strip().lower()
    if ctype.endswith("json") or (ctype == "" and text[:1] in "{["):
        try:
            return json.loads(text)
        except ValueError:
            return None
    if ctype == "application/x-www-form-urlencoded" or "=" in text:
        fields = urllib.parse.parse_qs(text, keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
    return None


def default_response(path, n):
    if "/Messages.json" in path:
        return 201, {"sid": "SM%d" % n, "status": "queued"}
    return 200, {"id": "mock-%d" % n}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mockprov/1"
    timeout = 120

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("mockprov: " + (fmt % args) + "\n")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_json(self, status, body, extra_headers=None):
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            ctype = "application/json"
        else:
            data = str(body).encode()
            ctype = "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def control(self, method, raw):
        path = self.path.split("?")[0]
        if method == "GET" and path == "/_control/requests":
            return self.send_json(200, STATE.snapshot())
        if method == "POST" and path == "/_control/reset":
            STATE.reset()
            return self.send_json(200, {"ok": True})
        if method == "POST" and path == "/_control/script":
            try:
                script = json.loads(raw.decode() or "[]")
            except ValueError as e:
                return self.send_json(400, {"error": str(e)})
            if not isinstance(script, list):
                return self.send_json(400, {"error": "want a JSON list"})
            STATE.set_script(script)
            return self.send_json(200, {"ok": True, "len": len(script)})
        return self.send_json(404, {"error": "unknown control path"})

    def handle_any(self):
        raw = self.read_body()
        if self.path.startswith("/_control/"):
            return self.control(self.command, raw)
        ctype = self.headers.get("Content-Type", "")
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "content_type": ctype,
            "raw": raw.decode("utf-8", "replace"),
            "body": parse_body(ctype, raw),
            "t": time.time(),
            "t_done": None,
            "status": None,
        }
        prov = mockproviders.find(self.path)
        if prov is not None:
            record["provider"] = prov.name
            record["violations"] = prov.check(record)
        n, resp = STATE.begin(record)
        status, body = default_response(self.path, n)
        if prov is not None and not record["violations"]:
            status, body = prov.answer("ok", record, n)
        headers = {}
        if resp is not None:
            if prov is not None and resp.get("answer") and not record["violations"]:
                status, body = prov.answer(resp["answer"], record, n)
            status = int(resp.get("status", status))
            body = resp.get("body", body if status < 300 or resp.get("answer") else {})
            headers = resp.get("headers") or {}
            delay = float(resp.get("delay") or 0)
            if delay > 0:
                time.sleep(delay)
        if prov is not None and record["violations"]:
            status, body = 400, {"mock_violations": record["violations"]}
        record["status"] = status
        record["response"] = body
        try:
            self.send_json(status, body, headers)
        except OSError:
            self.close_connection = True
            return
        record["t_done"] = time.time()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False


def main():
    ap = argparse.ArgumentParser(description="mock SMS provider")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--port-file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    srv = Server((args.address, args.port), Handler)
    srv.verbose = args.verbose
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print("mockprov listening on %s:%d" % (args.address, port), flush=True)
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
