# smsc_selftest.py - the SMPP simulator (node/smsc.js) checked on its own with
# the npm smpp package's client (node/smsc-selftest.js), plain and over TLS.
"""Cases: CASES_SMSC. They test the test tool, so that an SMPP case failing
later points at the relay, not at the simulator."""

import json
import os
import shutil

from harness import check
from smsc import Smsc
from tlsutil import node_dir, run_tool


def _selftest(ctx, smsc, *extra):
    """Run smsc-selftest.js against smsc; its JSON verdict."""
    cmd = [shutil.which("node"), os.path.join(node_dir(ctx), "smsc-selftest.js"),
           "--port", str(smsc.port), "--control", str(smsc.control)] + list(extra)
    rc, out = run_tool(ctx, cmd, timeout=60, what="smsc-selftest.js")
    lines = [l for l in out.splitlines() if l.startswith("{")]
    check(lines, "smsc-selftest.js printed no JSON (exit %d): %s" % (rc, out))
    verdict = json.loads(lines[-1])
    check(rc == 0 and verdict.get("ok"), "smsc-selftest.js: %s\nsmsc log:\n%s"
          % (verdict.get("error"), smsc.log_tail()))
    return verdict


def c_smsc_selftest(ctx):
    smsc = Smsc(ctx=ctx, system_id="relay", password="pw", quiet=False)
    _selftest(ctx, smsc, "--system-id", "relay", "--password", "pw")
    st = smsc.state()
    texts = [m["text"] for m in st["messages"]]
    check("Preis 5€ {ok} [ä ß] ^~|\\ " in texts, "GSM text not exact in %r" % texts)
    check("Привет 😀 мир" in texts, "UCS-2 text not exact in %r" % texts)
    smsc.reset()
    st = smsc.state()
    check(not st["submits"] and not st["messages"] and st["modes"]["receipts"] == "both",
          "reset left %r" % st)


def c_smsc_selftest_tls(ctx):
    with Smsc(tls=True, ctx=ctx) as smsc:
        check(smsc.url().startswith("smpps://"), "url %s" % smsc.url())
        _selftest(ctx, smsc, "--tls")


CASES_SMSC = [
    ("smsc simulator: binds, UDH/SAR/payload/UCS-2 texts, modes, receipts (npm smpp client)",
     c_smsc_selftest, None),
    ("smsc simulator over TLS, any password", c_smsc_selftest_tls, None),
]
