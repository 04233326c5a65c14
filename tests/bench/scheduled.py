#!/usr/bin/env python3
# scheduled.py - the scheduled-scale bench (driven by tests/bench/scheduled):
# N messages held for a later release; RSS while held, restart time, release
# rate into the outbox backend (the test clock moved past them), RSS after.
"""Usage: scheduled.py BUILD_DIR SCHED_GEN N [N...] [--smtp N]

For each N: sched_gen writes a spool of N scheduled messages through the
daemon's record and spool code; smsrelayd starts on it (restart time: exec
to the first control-socket answer), its RSS is read with everything held;
the test clock (SMSRELAY_TEST_CLOCK) jumps past every release time and the
outbox file is counted until it holds N lines (msgs/s); RSS after the drain.
--smtp N: the same with N messages sent over SMTP by smtp-source (subject
[JOBPERIOD:]) instead of the generator, then a restart.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    """User and system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Run:
    def __init__(self, build, n):
        self.build = build
        self.n = n
        self.work = tempfile.mkdtemp(prefix="smsrelay-sched-bench.", dir="/var/tmp")
        self.spool = os.path.join(self.work, "spool")
        self.clock = os.path.join(self.work, "clock")
        self.sock = os.path.join(self.work, "ctl.sock")
        self.outbox = os.path.join(self.work, "outbox.jsonl")
        self.port = free_port()
        self.proc = None
        self.counted = 0
        self.offset = 0
        os.makedirs(self.spool)
        self.set_clock(0)
        with open(os.path.join(self.work, "smsrelay.conf"), "w") as f:
            f.write('hostname = "relay.bench";\n'
                    'listen = ( { address = "127.0.0.1:%d"; } );\n'
                    'domains = [ "sms.example" ];\nrelay_networks = [ "127.0.0.0/8" ];\n'
                    'numbers = { default_country = "49"; };\n'
                    'smtp = { max_sessions = 200; max_sessions_per_client = 200; };\n'
                    'spool = "%s";\ncontrol_socket = "%s";\n'
                    'backend = { type = "outbox"; path = "%s"; };\n'
                    'queue = { lifetime = "7d"; max_hold = "7d"; };\n'
                    % (self.port, self.spool, self.sock, self.outbox))

    def set_clock(self, seconds):
        tmp = self.clock + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % seconds)
        os.rename(tmp, self.clock)

    def start(self):
        """Start smsrelayd: seconds until its control socket answers, and
        the CPU seconds it used by then (wall time suffers on a busy host)."""
        env = dict(os.environ, SMSRELAY_TEST_CLOCK=self.clock)
        log = open(os.path.join(self.work, "smsrelayd.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([os.path.join(self.build, "smsrelayd"), "-d", "-f",
                                      os.path.join(self.work, "smsrelay.conf")],
                                     env=env, stdout=log, stderr=log)
        while True:
            if self.proc.poll() is not None:
                sys.exit("smsrelayd exited %d, see %s" % (self.proc.returncode, self.work))
            r = subprocess.run([os.path.join(self.build, "smsrelayctl"), "-s", self.sock,
                                "backends"], capture_output=True)
            if r.returncode == 0:
                return time.monotonic() - t0, cpu_s(self.proc.pid)
            time.sleep(0.01)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)

    def rss_mb(self, key="VmRSS"):
        return status_kb(self.proc.pid, key) / 1024.0

    def count_outbox(self):
        """Lines in the outbox so far, reading only what is new."""
        try:
            with open(self.outbox, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return 0
        end = data.rfind(b"\n") + 1
        self.counted += data.count(b"\n", 0, end)
        self.offset += end
        return self.counted

    def release(self, jump):
        """Move the clock past every release: msgs/s until N are out."""
        t0 = time.monotonic()
        self.set_clock(jump)
        peak = 0.0
        while self.count_outbox() < self.n:
            if self.proc.poll() is not None:
                sys.exit("smsrelayd died during the release, see %s" % self.work)
            peak = max(peak, self.rss_mb())
            time.sleep(0.2)
        took = time.monotonic() - t0
        return self.n / took, took, peak

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def report(label, r, n, restart, held, rate, took, peak):
    time.sleep(3)       # the drain's memory given back, if it is
    after = r.rss_mb()
    print("%s n=%d restart=%.2fs (cpu %.2fs) rss_held=%.1fMB release=%.0f msgs/s (%.1fs) "
          "rss_peak=%.1fMB rss_after_drain=%.1fMB load=%.1f"
          % (label, n, restart[0], restart[1], held, rate, took, peak, after,
             os.getloadavg()[0]), flush=True)


def bench_generated(build, gen, n):
    r = Run(build, n)
    try:
        release = int(time.time()) + 86400
        t0 = time.monotonic()
        subprocess.run([gen, "-d", r.spool, "-n", str(n), "-a", str(release)], check=True,
                       stdout=subprocess.DEVNULL)
        gen_s = time.monotonic() - t0
        restart = r.start()
        time.sleep(1)
        held = r.rss_mb()
        print("generated n=%d in %.1fs, journal %.0f MB" % (
            n, gen_s, sum(os.path.getsize(os.path.join(r.spool, "journal", f))
                          for f in os.listdir(os.path.join(r.spool, "journal"))) / 1e6),
              flush=True)
        rate, took, peak = r.release(86400 + 3600 + 60)
        report("scheduled", r, n, restart, held, rate, took, peak)
        r.stop()
    finally:
        r.cleanup()


def bench_smtp(build, n):
    source = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
    if not os.access(source, os.X_OK):
        print("smtp: no smtp-source (apt-get install postfix): skipped")
        return
    r = Run(build, n)
    try:
        r.start()
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
        t0 = time.monotonic()
        subprocess.run([source, "-c", "-s", "20", "-m", str(n), "-f", "billing@example.com",
                        "-t", "+4917012345678@sms.example", "-S", "Reminder [JOBPERIOD:%s]" % at,
                        "127.0.0.1:%d" % r.port], check=True, stdout=subprocess.DEVNULL)
        took = time.monotonic() - t0
        print("smtp: %d scheduled messages in %.1fs (%.0f mails/s), rss=%.1fMB" % (
            n, took, n / took, r.rss_mb()), flush=True)
        r.stop()
        restart = r.start()
        time.sleep(1)
        held = r.rss_mb()
        rate, took, peak = r.release(86400 + 3600)
        report("smtp-scheduled", r, n, restart, held, rate, took, peak)
        r.stop()
    finally:
        r.cleanup()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    build, gen, rest = argv[0], argv[1], argv[2:]
    smtp = 0
    if "--smtp" in rest:
        i = rest.index("--smtp")
        smtp = int(rest[i + 1])
        rest = rest[:i] + rest[i + 2:]
    for n in rest:
        bench_generated(build, gen, int(n))
    if smtp:
        bench_smtp(build, smtp)


if __name__ == "__main__":
    main(sys.argv[1:])
