# reports.py - end-to-end cases of delivery reports: the DSN a report makes
# (read back with Python's email package), restarts, parts, duplicates.
"""CASES_REPORTS: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

The report source is the simulated SMSC (smsc.py): the relay binds to it,
and each report is a deliver_sm receipt it sends for a message id it gave.
"""

import re
import time

from harness import check, make_message, parse_dump, send_mail, wait_for
from smsc import Smsc

SENDER = "clerk@example.com"
NUMBER = "+4917012345678"
RCPT = NUMBER + "@sms.example"
# a long text: three GSM-7 parts of at most 153 characters
LONG = ("Your laptop is ready for pickup at the service desk. " * 8).strip() + "\r\n"
STATS = {"enroute": "ENROUTE", "delivered": "DELIVRD", "expired": "EXPIRED",
         "undeliverable": "UNDELIV", "rejected": "REJECTD"}


def smsc_daemon(ctx, **over):
    """smsrelayd bound to a simulated SMSC that sends receipts only when told."""
    smsc = Smsc(ctx=ctx)
    smsc.mode(receipts="none")
    d = ctx.daemon(**over, backend=None, backends=[{
        "name": "smsc1", "type": "smpp", "url": smsc.url(), "system_id": "relay",
        "response_timeout": "3s", "reconnect_max": "1s"}])
    wait_for(lambda: any(b["status"] == 0 for b in smsc.state()["binds"]), 10,
             "a bind at the SMSC")
    d.smsc = smsc
    return d


def receipt(d, pid, state, err="000", form="text"):
    """The SMSC reports on message pid: a deliver_sm receipt, answered."""
    before = len(d.smsc.state()["deliver_resps"])
    d.smsc.receipt(pid, STATS[state], err, form)
    wait_for(lambda: len(d.smsc.state()["deliver_resps"]) > before, 10,
             "the relay's deliver_sm_resp for %s" % pid)


def wait_dsn_to(ctx, timeout=15, count=1):
    """The first count DSNs at smtp-sink to SENDER, each (msg, raw)."""
    def find():
        found = []
        for _, text in ctx.sink.dumps():
            env, msg, raw = parse_dump(text)
            if any(SENDER in r for r in env["rcpt"]):
                found.append((msg, raw))
        return found if len(found) >= count else None
    return wait_for(find, timeout, "%d DSN(s) to <%s> at smtp-sink" % (count, SENDER))


def delivery_status(msg):
    """RFC 3464 as Python reads it: the per-message and per-recipient blocks."""
    check(msg.get_content_type() == "multipart/report",
          "DSN is %s, not multipart/report" % msg.get_content_type())
    check(msg.get_param("report-type") == "delivery-status",
          "report-type is %r" % msg.get_param("report-type"))
    parts = [p for p in msg.walk() if p.get_content_type() == "message/delivery-status"]
    check(len(parts) == 1, "%d message/delivery-status parts" % len(parts))
    blocks = parts[0].get_payload()
    check(isinstance(blocks, list) and len(blocks) >= 2,
          "the delivery-status part has no per-recipient block")
    return blocks[0], blocks[1:]


def one_recipient(msg):
    per_msg, rcpts = delivery_status(msg)
    check(len(rcpts) == 1, "%d recipient blocks, want 1" % len(rcpts))
    return per_msg, rcpts[0]


def field(block, name, want):
    got = (block.get(name) or "").strip()
    check(got == want, "%s: %r, want %r" % (name, got, want))


def submit_outlook(d, body="Your laptop is ready\r\n"):
    """As Outlook submits with a delivery receipt asked for."""
    return send_mail(d.port, SENDER, [RCPT], make_message("Pickup", body),
                     mail_options=["RET=HDRS", "ENVID=job+2D42"],
                     rcpt_options=["NOTIFY=SUCCESS,FAILURE",
                                   # xtext: "+" is "+2B"
                                   "ORCPT=rfc822;+2B" + NUMBER[1:] + "@sms.example"])


def show(d, qid):
    rc, out, err = d.ctl("show", qid)
    check(rc == 0, "smsrelayctl show %s -> %d %r" % (qid, rc, err))
    return out


def sent_and_waiting(d, qid):
    d.wait_log(qid, "sent", 15)
    wait_for(lambda: "state: waiting" in show(d, qid), 10, "%s waiting" % qid)


def part_ids(d, qid):
    out = show(d, qid)
    m = re.search(r"(?m)^  part-ids: (.*)$", out)
    if m:
        return m.group(1).split()
    m = re.search(r"(?m)^  provider-id: (\S+)$", out)
    check(m, "no provider id in %r" % out)
    return [m.group(1)]


# ---- cases that run on every build -----------------------------------------

def c_dn_on(ctx):
    """[DN:ON] asks for NOTIFY=SUCCESS: a 'relayed' multipart/report."""
    d = ctx.daemon()
    qid = send_mail(d.port, SENDER, [RCPT], make_message("[DN:ON] Pickup", "ready\r\n"))
    d.wait_log(qid, "sent", 15)
    msg, raw = wait_dsn_to(ctx)[0]
    ctx.note("DSN:\n" + raw)
    per_msg, r = one_recipient(msg)
    field(per_msg, "Reporting-MTA", "dns; relay.test")
    field(r, "Final-Recipient", "rfc822; " + RCPT)
    field(r, "Action", "relayed")
    field(r, "Status", "2.0.0")
    field(r, "Remote-MTA", "x-backend; default")
    check("(Success)" in msg.get("Subject", ""), "subject %r" % msg.get("Subject"))


def c_domain_default(ctx):
    """reports.senders: a domain's "always" without NOTIFY; "never" stays silent."""
    ctx.mock.script([{"status": 200, "body": {"id": "A1"}},
                     {"status": 400, "body": {"message": "invalid number"}}])
    d = ctx.daemon(reports={"senders": [
        {"domain": "example.com", "notify": "always"},
        {"domain": "quiet.example.com", "notify": "never"}]})
    qid = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", "ready\r\n"))
    msg, raw = wait_dsn_to(ctx)[0]
    _, r = one_recipient(msg)
    field(r, "Action", "relayed")
    quiet = send_mail(d.port, "desk@quiet.example.com", [RCPT],
                      make_message("Pickup", "ready\r\n", frm="desk@quiet.example.com"))
    wait_for(lambda: [ln for ln in d.log_lines(quiet, "bounced") if "NOTIFY" in ln],
             15, "a 'bounced ... no DSN: NOTIFY' line for %s" % quiet)
    check(d.log_lines(qid, "sent"), "no 'sent' line for %s" % qid)


def c_report_unknown_id(ctx):
    """A report for an id nobody waits for is refused, and says so."""
    d = ctx.daemon()
    rc, out, err = d.ctl("report", "SM-nobody", "delivered", "stat:DELIVRD err:000")
    check(rc != 0 and "no queued SMS is known by SM-nobody" in out + err,
          "report for an unknown id -> %d %r %r" % (rc, out, err))
    rc, out, err = d.ctl("report", "SM-nobody", "arrived")
    check(rc != 0, "a report state 'arrived' was taken: %r" % out)


# ---- cases that need a backend that reports --------------------------------

def stats_counts(d, what, want):
    """smsrelayctl stats --csv: the one day's messages, parts, delivered,
    relayed, failed, expired"""
    rc, out, err = d.ctl("stats", "--csv", "--by", "backend")
    rows = [ln.split(",") for ln in out.splitlines()[1:]]
    got = [int(x) for x in rows[0][1:]] if rc == 0 and len(rows) == 1 else None
    check(got == want, "stats %s: %r, want %r (%d %r)" % (what, got, want, rc, out + err))


def c_outlook_delivered(ctx):
    """NOTIFY=SUCCESS,FAILURE, ENVID, ORCPT, then 'delivered': the DSN says so."""
    d = smsc_daemon(ctx)
    qid = submit_outlook(d)
    sent_and_waiting(d, qid)
    ids = part_ids(d, qid)
    for pid in ids:
        receipt(d, pid, "delivered")
    msg, raw = wait_dsn_to(ctx)[0]
    ctx.note("DSN:\n" + raw)
    per_msg, r = one_recipient(msg)
    field(per_msg, "Original-Envelope-Id", "job-42")
    field(r, "Original-Recipient", "rfc822;" + RCPT)
    field(r, "Final-Recipient", "rfc822; " + RCPT)
    field(r, "Action", "delivered")
    field(r, "Status", "2.0.0")
    field(r, "Diagnostic-Code", "X-SMPP; stat:DELIVRD err:000")
    field(r, "Remote-MTA", "x-backend; smsc1")
    check(d.log_lines(qid, "delivered"), "no 'delivered' log line for %s" % qid)
    d.wait_log(qid, "removed", 15)
    stats_counts(d, "delivered", [1, 1, 1, 0, 0, 0])


def c_report_after_restart(ctx):
    """A report that comes after a restart finds its message."""
    d = smsc_daemon(ctx)
    qid = submit_outlook(d)
    sent_and_waiting(d, qid)
    ids = part_ids(d, qid)
    d.stop()
    d.start()
    check("state: waiting" in show(d, qid), "%s not waiting after the restart" % qid)
    for pid in ids:
        receipt(d, pid, "delivered")
    msg, _ = wait_dsn_to(ctx)[0]
    field(one_recipient(msg)[1], "Action", "delivered")


def c_three_parts_one_fails(ctx):
    """Three parts, the second undeliverable: failed 5.1.1 at once."""
    d = smsc_daemon(ctx)
    qid = submit_outlook(d, LONG)
    sent_and_waiting(d, qid)
    ids = part_ids(d, qid)
    check(len(ids) == 3, "part ids %r, want one per submit_sm" % ids)
    receipt(d, ids[0], "delivered")
    receipt(d, ids[1], "undeliverable", "001")
    msg, raw = wait_dsn_to(ctx)[0]
    ctx.note("DSN:\n" + raw)
    _, r = one_recipient(msg)
    field(r, "Action", "failed")
    field(r, "Status", "5.1.1")
    check("stat:UNDELIV err:001" in (r.get("Diagnostic-Code") or ""),
          "Diagnostic-Code %r" % r.get("Diagnostic-Code"))


def c_receipt_before_sent(ctx):
    """The SMSC throttles part 1 of 3 and gives parts 2 and 3 their receipts at
    once: they come before the SMS is sent (part 1 waits out the pause), and
    must still count once it is."""
    d = smsc_daemon(ctx)
    d.smsc.mode(receipts="text", receipt_delay_ms=0, throttle=1)
    qid = submit_outlook(d, LONG)
    d.wait_log(qid, "sent", 15)
    msg, raw = wait_dsn_to(ctx, 20)[0]
    ctx.note("DSN:\n" + raw)
    field(one_recipient(msg)[1], "Action", "delivered")


def c_expired(ctx):
    """An expired report: failed 5.4.7."""
    d = smsc_daemon(ctx)
    qid = submit_outlook(d)
    sent_and_waiting(d, qid)
    receipt(d, part_ids(d, qid)[0], "expired", form="tlv")
    msg, _ = wait_dsn_to(ctx)[0]
    _, r = one_recipient(msg)
    field(r, "Action", "failed")
    field(r, "Status", "5.4.7")


def c_duplicate_report(ctx):
    """The same report twice makes one DSN and one log line."""
    d = smsc_daemon(ctx)
    qid = submit_outlook(d)
    sent_and_waiting(d, qid)
    pid = part_ids(d, qid)[0]
    receipt(d, pid, "enroute")
    receipt(d, pid, "enroute")
    check(len([ln for ln in d.log_lines(qid) if " enroute to=" in ln]) == 1,
          "two 'enroute' lines for one report")
    for p in part_ids(d, qid):
        receipt(d, p, "delivered")
    wait_dsn_to(ctx)
    d.wait_log(qid, "removed", 15)
    time.sleep(1)
    check(len(wait_dsn_to(ctx)) == 1, "more than one DSN")


def c_wait_ends(ctx):
    """No report in reports.wait: 'relayed' then; one 'delayed' after delay_after."""
    d = smsc_daemon(ctx, _clock=True, reports={"wait": "72h", "delay_after": "4h"})
    qid = send_mail(d.port, SENDER, [RCPT], make_message("Pickup", "ready\r\n"),
                    rcpt_options=["NOTIFY=SUCCESS,DELAY"])
    sent_and_waiting(d, qid)
    time.sleep(0.5)
    check(not ctx.sink.dumps(), "a DSN before any time passed")
    d.move_clock(4 * 3600 + 60)
    msg, raw = wait_dsn_to(ctx, 10)[0]
    ctx.note("delayed DSN:\n" + raw)
    field(one_recipient(msg)[1], "Action", "delayed")
    d.move_clock(68 * 3600)
    msgs = wait_dsn_to(ctx, 10, count=2)
    _, r = one_recipient(msgs[1][0])
    field(r, "Action", "relayed")
    field(r, "Status", "2.0.0")
    d.wait_log(qid, "removed", 10)
    stats_counts(d, "relayed when the wait ended", [1, 1, 0, 1, 0, 0])


CASES_REPORTS = [
    ("[DN:ON] in the subject: a 'relayed' multipart/report DSN", c_dn_on, "sink"),
    ("reports.senders: a domain's notify default, 'never' stays silent", c_domain_default,
     "sink"),
    ("smsrelayctl report: an unknown id is refused", c_report_unknown_id, None),
    ("Outlook's NOTIFY=SUCCESS,FAILURE then a report: 'delivered' DSN", c_outlook_delivered,
     "sink"),
    ("a report after a restart finds its message", c_report_after_restart, "sink"),
    ("three parts, one undeliverable: failed 5.1.1", c_three_parts_one_fails, "sink"),
    ("receipts of parts that come before the SMS is sent count: 'delivered' DSN",
     c_receipt_before_sent, "sink"),
    ("an expired report: failed 5.4.7", c_expired, "sink"),
    ("the same report twice: one DSN", c_duplicate_report, "sink"),
    ("no report: one 'delayed' DSN after delay_after, 'relayed' when reports.wait ends "
     "(test clock moved 72 h)", c_wait_ends, "sink"),
]
