# smpp.py - end-to-end cases of the SMPP backend against the simulated SMSC
# (smsc.py, node/smsc.js): binds, texts, throttling, errors, receipts, TLS.
"""CASES_SMPP: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import json
import re
import time

from callbacks import call
from harness import check, free_port, make_message, send_mail, wait_for
from metrics import parse, promtool_check, scrape
from smsc import Smsc

SENDER = "clerk@example.com"
DE = "+4917012345678"
DE2 = "+4917012345679"
SYSTEM_ID = "relay"
PASSWORD = "s3cret"
GREEK = "Καλημέρα κόσμε, το λάπτοπ σας είναι έτοιμο 🙂"
LONG_GSM = ("Your repair order 4711 is ready for pickup at the service desk; "
            "bring the receipt and your ID {please}. ") * 3


def smpp_backend(smsc, **over):
    b = {"name": "smsc", "type": "smpp", "url": smsc.url(),
         "system_id": SYSTEM_ID, "password": PASSWORD, "system_type": "relay",
         "from": "ACME", "response_timeout": "3s", "reconnect_max": "2s"}
    b.update(over)
    return b


def start(ctx, smsc, backends=None, **over):
    """smsrelayd with one SMPP backend (over: its settings), bound."""
    d = ctx.daemon(backend=None, backends=backends or [smpp_backend(smsc, **over)])
    wait_for(lambda: any(b["status"] == 0 for b in smsc.state()["binds"]), 10,
             "a bind at the SMSC")
    return d


def send(d, number, subject, body, frm=SENDER):
    return send_mail(d.port, frm, [number + "@sms.example"],
                     make_message(subject, body + "\r\n", frm=frm))


def queue_sent(d, qid):
    """The queue's sent lines of qid (not the backend's debug lines)."""
    return [ln for ln in d.log_lines(qid, "sent") if " sent to=" in ln]


def sent_line(d, qid, timeout=15):
    return wait_for(lambda: queue_sent(d, qid), timeout, "%s sent" % qid)[-1]


def messages_to(smsc, number):
    return [m for m in smsc.state()["messages"] if m["to"] == number.lstrip("+")]


def c_basic(ctx):
    """bind_transceiver, exact text, sender TON/NPI, receipts asked, enquire_link, unbind."""
    smsc = Smsc(ctx=ctx)
    d = start(ctx, smsc, enquire_link="1s")
    bind = smsc.state()["binds"][0]
    check(bind["command"] == "bind_transceiver", "bind %r" % bind)
    check(bind["system_id"] == SYSTEM_ID and bind["system_type"] == "relay"
          and bind["interface_version"] == 0x34, "bind %r" % bind)
    qid = send(d, DE, "Pickup", "Your laptop is ready")
    line = sent_line(d, qid)
    msgs = messages_to(smsc, DE)
    check(len(msgs) == 1 and msgs[0]["text"] == "Pickup: Your laptop is ready",
          "SMSC got %r" % msgs)
    sub = smsc.state()["submits"][0]
    check((sub["source_addr"], sub["source_addr_ton"], sub["source_addr_npi"]) ==
          ("ACME", 5, 0), "alphanumeric sender: %r" % sub)
    check((sub["destination_addr"], sub["dest_addr_ton"], sub["dest_addr_npi"]) ==
          (DE[1:], 1, 1), "destination: %r" % sub)
    check(sub["registered_delivery"] == 1, "registered_delivery %r" % sub["registered_delivery"])
    check("provider_id=%s" % sub["message_id"] in line, "sent line %r" % line)
    # enquire_link after a second of quiet, answered
    wait_for(lambda: smsc.state()["enquire_links"] >= 1, 5, "an enquire_link")
    # SIGTERM with a submit_sm unanswered: the window drains, then unbind
    smsc.mode(hold=True)
    qid = send(d, DE2, "Late", "Held by the SMSC")
    wait_for(lambda: len(smsc.state()["submits"]) == 2, 5, "the second submit")
    d.proc.send_signal(15)
    time.sleep(0.5)
    check(smsc.state()["unbinds"] == 0, "unbound before the window drained")
    smsc.mode(hold=False)
    d.proc.wait(10)
    d.down = True
    check(d.proc.returncode == 0, "exit status %d" % d.proc.returncode)
    check(queue_sent(d, qid), "the held SMS was not sent before the exit")
    wait_for(lambda: smsc.state()["unbinds"] == 1, 5, "an unbind at the SMSC")
    check(re.search(r"smpp smsc trx unbinding", d.log()), "no unbinding log line")


def c_numeric_sender(ctx):
    """A numeric sender id goes as an international number, TON 1 NPI 1; NOTIFY=NEVER: no receipt."""
    smsc = Smsc(ctx=ctx)
    d = start(ctx, smsc, **{"from": "+4930123456"})
    qid = send_mail(d.port, SENDER, [DE + "@sms.example"], make_message("Hi", "Numeric sender\r\n"),
                    mail_options=(), rcpt_options=("NOTIFY=NEVER",))
    sent_line(d, qid)
    sub = smsc.state()["submits"][0]
    check((sub["source_addr"], sub["source_addr_ton"], sub["source_addr_npi"]) ==
          ("4930123456", 1, 1), "numeric sender: %r" % sub)
    check(sub["registered_delivery"] == 0, "NOTIFY=NEVER, yet registered_delivery %r"
          % sub["registered_delivery"])


def c_long(ctx):
    """Long GSM as UDH, SAR, payload and packed septets; UCS-2: assembled exactly."""
    smsc = Smsc(ctx=ctx)
    for mode in ("udh", "sar", "payload", "packed"):
        smsc.reset()
        over = {"long_messages": "udh" if mode == "packed" else mode}
        if mode == "packed":
            over["gsm7_packed"] = True
            smsc.mode(gsm_packed=True)
        d = start(ctx, smsc, **over)
        line = sent_line(d, send(d, DE, "Order", LONG_GSM.strip()))
        parts = int(re.search(r"parts=(\d+)", line).group(1))
        msgs = messages_to(smsc, DE)
        check(len(msgs) == 1 and msgs[0]["text"] == "Order: " + LONG_GSM.strip(),
              "%s: SMSC assembled %r" % (mode, msgs))
        subs = smsc.state()["submits"]
        want = 1 if mode == "payload" else parts
        check(parts >= 2 and len(subs) == want,
              "%s: %d submit_sm for parts=%d" % (mode, len(subs), parts))
        if mode == "sar":
            check(all(s["sar"] and not s["udh"] for s in subs), "%s: %r" % (mode, subs))
        if mode in ("udh", "packed"):
            check(all(s["udh"] and s["esm_class"] & 0x40 for s in subs), "%s: %r" % (mode, subs))
        if mode == "payload":
            check(subs[0]["payload"], "payload: %r" % subs)
        if mode == "udh":
            qid = send(d, DE2, "Γεια", GREEK)
            sent_line(d, qid)
            msgs = messages_to(smsc, DE2)
            check(len(msgs) == 1 and msgs[0]["text"] == "Γεια: " + GREEK and
                  msgs[0]["data_coding"] == 8, "UCS-2: %r" % msgs)
        d.stop()


def c_throttle(ctx):
    """ESME_RTHROTTLED and ESME_RMSGQFUL: paused, retried, delivered, never deferred."""
    smsc = Smsc(ctx=ctx)
    d = start(ctx, smsc)
    for knob in ("throttle", "msgqful"):
        smsc.reset()
        smsc.mode(**{knob: 3})
        qids = [send(d, "+49170100000%d" % i, "T%d" % i, "Throttled %s %d" % (knob, i))
                for i in range(3)]
        for q in qids:
            sent_line(d, q, 20)
        st = smsc.state()
        check(len(st["messages"]) == 3, "%s: %d messages" % (knob, len(st["messages"])))
        check(len(st["submits"]) >= 6, "%s: %d submits, want the 3 refused again"
              % (knob, len(st["submits"])))
    check(not d.log_lines(None, "deferred"), "a throttled SMS was deferred")
    check(re.search(r"backend smsc throttled", d.log()), "the router did not pause")


def c_errors(ctx):
    """Invalid destination -> bounce 5.1.1, no retry; ESME_RSYSERR -> deferred."""
    smsc = Smsc(ctx=ctx)
    smsc.mode(fail={DE[1:]: 0x0b, DE2[1:]: 0x08})
    d = start(ctx, smsc, down_after=0)
    qid = send(d, DE, "Bad", "Invalid number")
    line = d.wait_log(qid, "bounced", 15)[-1]
    check("status=5.1.1" in line, "bounce %r" % line)
    qid2 = send(d, DE2, "Sys", "SMSC trouble")
    d.wait_log(qid2, "deferred", 15)
    wait_for(lambda: len([s for s in smsc.state()["submits"]
                          if s["destination_addr"] == DE2[1:]]) >= 2, 10, "a retry")
    bad = [s for s in smsc.state()["submits"] if s["destination_addr"] == DE[1:]]
    check(len(bad) == 1, "the invalid number was tried %d times" % len(bad))


def c_drop(ctx):
    """The SMSC drops the connection mid-window: reconnect, every SMS delivered once or more."""
    smsc = Smsc(ctx=ctx)
    smsc.mode(drop_after=4, delay_ms=200)
    d = start(ctx, smsc)
    numbers = ["+49170200000%d" % i for i in range(8)]
    qid = send_mail(d.port, SENDER, [n + "@sms.example" for n in numbers],
                    make_message("Drop", "Connection lost\r\n"))
    wait_for(lambda: len(queue_sent(d, qid)) == 8, 30, "8 SMS sent")
    st = smsc.state()
    got = sorted(m["to"] for m in st["messages"])
    # none was answered before the drop: each is accepted exactly once
    check(got == sorted(n[1:] for n in numbers), "delivered to %r" % got)
    check(len(st["submits"]) > 8, "nothing was submitted again")
    check(st["connections_total"] >= 2, "no reconnect: %d connections" % st["connections_total"])
    wait_for(lambda: re.search(r"smpp smsc trx disconnected", d.log()), 5,
             "a disconnect log line")
    check(not d.log_lines(qid, "deferred"), "an SMS was deferred")


def c_receipts(ctx):
    """Receipts as TLVs or text, ids as given, decimal or zero-padded: the queue hears them."""
    smsc = Smsc(ctx=ctx)
    # the second recipient keeps the message in the queue (deferred)
    smsc.mode(fail={DE2[1:]: 0x08})
    d = start(ctx, smsc, down_after=0)
    n = 0
    for form in ("tlv", "text"):
        for fmt in ("same", "dec", "pad"):
            smsc.mode(receipts=form, receipt_id_format=fmt)
            number = "+49170300000%d" % n
            n += 1
            qid = send_mail(d.port, SENDER, [number + "@sms.example", DE2 + "@sms.example"],
                            make_message("R", "Report %s %s\r\n" % (form, fmt)))
            wait_for(lambda: [ln for ln in d.log_lines(qid, "delivered")
                              if "to=" + number in ln], 15,
                     "a delivered report for %s (%s, %s)" % (number, form, fmt))
            sub = [s for s in smsc.state()["submits"] if s["destination_addr"] == number[1:]][0]
            check(d.log_lines(qid, "provider_id=%s" % sub["message_id"]),
                  "sent line without provider_id=%s" % sub["message_id"])


def c_txrx(ctx):
    """bind = transmitter_receiver: two binds, receipts on the receiver."""
    smsc = Smsc(ctx=ctx)
    smsc.mode(receipts="tlv")
    d = start(ctx, smsc, bind="transmitter_receiver")
    wait_for(lambda: len(smsc.state()["binds"]) >= 2, 5, "two binds")
    cmds = sorted(b["command"] for b in smsc.state()["binds"])
    check(cmds == ["bind_receiver", "bind_transmitter"], "binds %r" % cmds)
    qid = send(d, DE, "TxRx", "Two sessions")
    sent_line(d, qid)
    wait_for(lambda: smsc.state()["deliver_resps"], 5, "a receipt answered")
    check(smsc.state()["deliver_resps"][0]["command_status"] == 0, "deliver_sm_resp not ROK")


def c_tls(ctx):
    """smpps:// with the SMSC's certificate checked against ca_file; a stranger's fails."""
    smsc = Smsc(tls=True, ctx=ctx)
    d = start(ctx, smsc, ca_file=smsc.cert)
    wait_for(lambda: re.search(r"smpp smsc trx bound .* tls", d.log()), 5, "a TLS bind log line")
    qid = send(d, DE, "TLS", "Over TLS")
    sent_line(d, qid)
    check(messages_to(smsc, DE)[0]["text"] == "TLS: Over TLS", "text over TLS")
    d.stop()
    # the system's store does not know this certificate: no bind
    smsc.reset()
    d = ctx.daemon(backend=None, backends=[smpp_backend(smsc)])
    wait_for(lambda: re.search(r"smpp smsc trx disconnected reason=\"TLS", d.log()), 10,
             "a TLS failure in the log")
    check(not smsc.state()["binds"], "bound without a trusted certificate")


def with_http(ctx, backends, **top):
    """smsrelayd with these backends and its HTTP listener (/metrics, /status)."""
    port = free_port()
    d = ctx.daemon(backend=None, backends=backends,
                   http={"listen": "127.0.0.1:%d" % port,
                         "public_url": "http://127.0.0.1:%d" % port}, **top)
    d.http_port = port
    wait_for(lambda: d.log_lines(event="listening"), 5, "the http listener")
    return d


def link_of(d, name="smsc"):
    """The LINK column of smsrelayctl backends for backend name."""
    rc, out, err = d.ctl("backends")
    check(rc == 0, "smsrelayctl backends exit %d: %s" % (rc, err))
    head = out.splitlines()[0]
    start_col, end_col = head.index("LINK"), head.index("IN-FLIGHT")
    for ln in out.splitlines()[1:]:
        if ln.split()[0] == name:
            return ln[start_col:end_col].strip()
    check(False, "no backend %s in %r" % (name, out))
    return None


def link_gauges(d, name="smsc"):
    """{state: value} of smsrelay_backend_link for backend name."""
    samples = parse(scrape(d))
    return {dict(labels)["state"]: v for (metric, labels), v in samples.items()
            if metric == "smsrelay_backend_link" and dict(labels)["backend"] == name}


def status_backend(d, name="smsc"):
    status, body = call(d, "GET", "http://127.0.0.1:%d/status.json" % d.http_port)
    check(status == 200, "GET /status.json: %d" % status)
    return [b for b in json.loads(body)["backends"] if b["name"] == name][0]


def c_link(ctx):
    """Link state: bound after start; the SMSC drops it -> unbound, then bound again."""
    smsc = Smsc(ctx=ctx)
    http = {"name": "web", "type": "http", "profile": "generic",
            "url": ctx.mock.url("/sms"), "timeout": "10s"}
    d = with_http(ctx, [smpp_backend(smsc), http],
                  routes=[{"backends": ["smsc", "web"]}])
    wait_for(lambda: link_of(d).startswith("bound "), 10, "bound in smsrelayctl")
    check(re.fullmatch(r"bound \d+s", link_of(d)), "link %r" % link_of(d))
    check(link_of(d, "web") == "-", "an HTTP backend has a link: %r" % link_of(d, "web"))
    check(link_gauges(d) == {"bound": 1, "binding": 0, "unbound": 0},
          "gauges %r" % link_gauges(d))
    check(link_gauges(d, "web") == {}, "HTTP backend has link gauges")
    promtool_check(ctx, scrape(d))
    b = status_backend(d)
    check(b["link"] == "bound" and b["link_reason"] == "" and b["link_since"] > 0,
          "status.json %r" % b)
    check(status_backend(d, "web")["link"] == "-", "status.json of web")
    status, page = call(d, "GET", "http://127.0.0.1:%d/status" % d.http_port)
    check(status == 200 and '<td class="link-bound">bound ' in page, "status page link")
    # the SMSC drops the session on the next submit and refuses the rebind
    smsc.mode(drop_after=1, refuse_bind=0x08)
    send(d, DE, "Drop", "Session lost")
    wait_for(lambda: link_of(d).startswith("unbound "), 10, "unbound in smsrelayctl")
    wait_for(lambda: "bind refused ESME_RSYSERR" in link_of(d), 10,
             "the refusal as the reason: %r" % link_of(d))
    check(link_gauges(d) == {"bound": 0, "binding": 0, "unbound": 1},
          "gauges %r" % link_gauges(d))
    b = status_backend(d)
    check(b["link"] == "unbound" and b["link_reason"] == "bind refused ESME_RSYSERR",
          "status.json %r" % b)
    smsc.mode(refuse_bind=0)
    wait_for(lambda: link_of(d).startswith("bound "), 10, "bound again")
    check(link_gauges(d)["bound"] == 1, "gauges %r" % link_gauges(d))


def c_bind_refused(ctx):
    """A wrong password: the cause logged and shown, the SMS deferred, sent once it is right."""
    smsc = Smsc(ctx=ctx, system_id=SYSTEM_ID, password=PASSWORD)
    d = with_http(ctx, [smpp_backend(smsc, password="wrong", down_after=0)])
    qid = send(d, DE, "Pw", "Wrong password")
    wait_for(lambda: re.search(r"bind failed system_id=relay status=ESME_RINVPASWD "
                               r"\(wrong password\)", d.log()), 10, "the bind failure in the log")
    link = link_of(d)
    check(re.fullmatch(r"unbound \d+s: bind refused ESME_RINVPASWD", link), "link %r" % link)
    check(link_gauges(d) == {"bound": 0, "binding": 0, "unbound": 1},
          "gauges %r" % link_gauges(d))
    d.wait_log(qid, "deferred", 15)
    check(not smsc.state()["submits"], "submitted without a bind")
    d.stop()
    conf = dict(d.conf)
    conf["backends"] = [smpp_backend(smsc, down_after=0)]
    d.write_conf(conf)
    d.start()
    sent_line(d, qid, 20)
    check(len(messages_to(smsc, DE)) == 1, "not delivered after the bind worked")


def c_smsc_down(ctx):
    """SMPP first, HTTP second: no SMSC listening -> via HTTP, without a deferral."""
    http = {"name": "web", "type": "http", "profile": "generic",
            "url": ctx.mock.url("/sms"), "timeout": "10s"}
    smpp = {"name": "smsc", "type": "smpp", "url": "smpp://127.0.0.1:%d" % free_port(),
            "system_id": SYSTEM_ID, "response_timeout": "2s", "reconnect_max": "2s"}
    d = ctx.daemon(backend=None, backends=[smpp, http], routes=[{"backends": ["smsc", "web"]}])
    qid = send(d, DE, "Down", "Nobody listens")
    sent_line(d, qid)
    check(len(ctx.mock.requests()) == 1, "HTTP mock got %r" % ctx.mock.requests())
    check(not d.log_lines(qid, "deferred"), "deferred instead of failing over")


def c_failover(ctx):
    """SMPP first, HTTP second: the SMSC refuses the bind or is gone -> via HTTP."""
    smsc = Smsc(ctx=ctx)
    smsc.mode(refuse_bind=0x0d)
    http = {"name": "web", "type": "http", "profile": "generic",
            "url": ctx.mock.url("/sms"), "timeout": "10s"}
    d = ctx.daemon(backend=None, backends=[smpp_backend(smsc, down_after=1), http],
                   routes=[{"backends": ["smsc", "web"]}])
    qid = send(d, DE, "Fail", "Over")
    sent_line(d, qid)
    reqs = ctx.mock.requests()
    check(len(reqs) == 1 and (reqs[0].get("body") or {}).get("to") == DE,
          "HTTP mock got %r" % reqs)
    check(not d.log_lines(qid, "deferred"), "deferred instead of failing over")
    check(not smsc.state()["messages"], "the SMSC took it")


CASES_SMPP = [
    ("smpp: bind, exact text, TON/NPI, receipts asked, enquire_link, unbind on SIGTERM",
     c_basic, None),
    ("smpp: numeric sender id -> TON 1 NPI 1; NOTIFY=NEVER asks no receipt", c_numeric_sender, None),
    ("smpp: long GSM by UDH, SAR, payload, packed; UCS-2 exact", c_long, None),
    ("smpp: throttled and queue full -> retried, no deferral", c_throttle, None),
    ("smpp: invalid destination bounces 5.1.1, system error defers", c_errors, None),
    ("smpp: connection dropped mid-window -> reconnect, all delivered", c_drop, None),
    ("smpp: receipts tlv/text, ids same/dec/pad reach the queue", c_receipts, None),
    ("smpp: transmitter_receiver binds twice", c_txrx, None),
    ("smpp: smpps with a checked certificate", c_tls, None),
    ("smpp: wrong password -> logged, shown unbound, deferred, sent once right",
     c_bind_refused, None),
    ("smpp: link bound after start, unbound when dropped, bound again", c_link, None),
    ("smpp: SMSC refuses the bind -> failover to HTTP", c_failover, None),
    ("smpp: SMSC down -> failover to HTTP", c_smsc_down, None),
]
