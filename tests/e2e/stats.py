# stats.py - end-to-end cases for the delivery statistics (issue 15):
# smsrelayctl stats by each key, as a table and as CSV, across restarts.
"""CASES_STATS: (name, fn, needs) like e2e.CASES; each fn takes a Ctx."""

import os
import time

from harness import Mock, check, make_message, port_open, send_mail, wait_for
from tlsutil import listener, port_of, submission_conf
from submission import auth_session

DE1 = "+4917012345678"
DE2 = "+4917087654321"
AT = "+436641234567"
CLERK_FROM = "clerk@example.com"    # the AUTH user clerk (tlsutil.USERS)
ANON_FROM = "ops@Example.ORG"       # no AUTH: relay_networks; domain lower-cased
DAY = 86400
LONG = ("Your repair order is ready for pickup at the service desk. " * 4)[:200]
HEAD = ["messages", "parts", "delivered", "relayed", "failed", "expired"]


def utc_day(offset=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset))


def csv_rows(d, *args):
    """smsrelayctl stats --csv ARGS as {key: [6 numbers]}; checks the header."""
    rc, out, err = d.ctl("stats", "--csv", *args)
    check(rc == 0, "stats --csv %s -> %d %r" % (" ".join(args), rc, err))
    lines = out.splitlines()
    check(lines and lines[0].split(",")[1:] == HEAD, "CSV header %r" % lines[:1])
    return {ln.split(",")[0]: [int(x) for x in ln.split(",")[1:]] for ln in lines[1:]}


def table_rows(d, *args):
    """The aligned table as {first column: [numbers]}, TOTAL included."""
    rc, out, err = d.ctl("stats", *args)
    check(rc == 0, "stats %s -> %d %r" % (" ".join(args), rc, err))
    lines = out.splitlines()
    check([w.lower() for w in lines[0].split()[1:]] == HEAD, "table header %r" % lines[:1])
    widths = {len(ln) for ln in lines}
    check(len(widths) == 1, "table lines not aligned:\n%s" % out)
    return {ln.split()[0]: [int(x) for x in ln.split()[1:]] for ln in lines[1:]}


def http_backend(name, mock):
    return {"name": name, "type": "http", "profile": "generic", "url": mock.url("/sms"),
            "timeout": "10s"}


def traffic(ctx, d, at_mock):
    """Four SMS: clerk (AUTH) 1 failed + 1 relayed of 2 parts to DE; no user:
    1 relayed to DE and 1 to AT that is deferred (503) until it expires."""
    ctx.mock.script([{"status": 400, "body": {"message": "invalid destination"}}])
    s = auth_session(ctx, d.port)
    qid = send_mail(d.port, CLERK_FROM, [DE2 + "@sms.example"],
                    make_message("Fail", "will fail\r\n"), s=s)
    d.wait_log(qid, "bounced", 15)
    qid = send_mail(d.port, CLERK_FROM, [DE1 + "@sms.example"],
                    make_message("Long", LONG + "\r\n"), s=s)
    s.quit()
    d.wait_log(qid, "sent", 15)
    at_mock.script([{"status": 503, "body": {"message": "maintenance"}, "sticky": True}])
    qid = send_mail(d.anon_port, ANON_FROM, [DE1 + "@sms.example", AT + "@sms.example"],
                    make_message("Two", "two countries\r\n", frm=ANON_FROM))
    wait_for(lambda: d.log_lines(qid, "sent") and d.log_lines(qid, "deferred"), 15,
             "%s sent to DE and deferred to AT" % qid)
    return qid


def c_stats(ctx):
    at_mock = Mock(ctx.tmp)
    try:
        anon = listener()
        conf = submission_conf(
            ctx, [listener(tls="starttls", starttls="required", auth="required"), anon],
            _clock=True,
            backends=[http_backend("degw", ctx.mock), http_backend("atgw", at_mock)],
            routes=[{"prefixes": ["+43"], "backends": ["atgw"]}, {"backends": ["degw"]}],
            stats={"flush": "1s", "keep": "30d"})
        conf["backend"] = None          # removes the base configuration's single one
        d = ctx.daemon(**conf)
        d.anon_port = port_of(anon)
        wait_for(lambda: port_open(d.anon_port), 10, "the second listener")
        today, tomorrow = utc_day(), utc_day(DAY + 120)
        rc, out, err = d.ctl("stats")
        check(rc == 0 and out.split("\n")[1].split() == ["TOTAL", "0", "0", "0", "0", "0", "0"],
              "stats before any mail: %d %r %r" % (rc, out, err))
        qid = traffic(ctx, d, at_mock)
        check(csv_rows(d, "--by", "user") == {"": [2, 2, 0, 1, 0, 0], "clerk": [2, 3, 0, 1, 1, 0]},
              "by user %r" % csv_rows(d, "--by", "user"))
        # the clock a day ahead: the AT recipient's lifetime is over at its next try
        d.move_clock(DAY + 120)
        d.wait_log(qid, "bounced", 15)
        want = {
            ("--by", "day"): {today: [4, 5, 0, 2, 1, 0], tomorrow: [0, 0, 0, 0, 0, 1]},
            ("--by", "user"): {"": [2, 2, 0, 1, 0, 1], "clerk": [2, 3, 0, 1, 1, 0]},
            ("--by", "domain"): {"example.com": [2, 3, 0, 1, 1, 0],
                                 "example.org": [2, 2, 0, 1, 0, 1]},
            ("--by", "backend"): {"atgw": [1, 1, 0, 0, 0, 1], "degw": [3, 4, 0, 2, 1, 0]},
            ("--by", "country"): {"AT": [1, 1, 0, 0, 0, 1], "DE": [3, 4, 0, 2, 1, 0]},
            ("--by", "country", "--since", tomorrow): {"AT": [0, 0, 0, 0, 0, 1]},
            ("--until", today): {today: [4, 5, 0, 2, 1, 0]},
        }

        def same_numbers(when):
            for args, rows in want.items():
                got = csv_rows(d, *args)
                check(got == rows, "%s: stats %s: %r, want %r" % (when, " ".join(args),
                                                                  got, rows))
        same_numbers("running")
        table = table_rows(d, "--by", "user")
        check(table == {"-": [2, 2, 0, 1, 0, 1], "clerk": [2, 3, 0, 1, 1, 0],
                        "TOTAL": [4, 5, 0, 2, 1, 1]}, "table by user %r" % table)
        # a clean restart keeps every number
        d.stop()
        check(os.path.exists(os.path.join(d.conf["spool"], "stats")), "no spool/stats file")
        d.start()
        same_numbers("after a restart")
        # counting goes on; SIGKILL after the flush interval loses nothing
        qid = send_mail(d.anon_port, ANON_FROM, [DE2 + "@sms.example"],
                        make_message("More", "one more\r\n", frm=ANON_FROM))
        d.wait_log(qid, "sent", 15)
        time.sleep(2.5)
        d.kill9()
        d.start()
        got = csv_rows(d, "--by", "domain")
        check(got == {"example.com": [2, 3, 0, 1, 1, 0], "example.org": [3, 3, 0, 2, 0, 1]},
              "after SIGKILL by domain %r" % got)
        check(csv_rows(d, "--by", "day")[tomorrow] == [1, 1, 0, 1, 0, 1],
              "the new SMS counts on the moved clock's day")
    finally:
        at_mock.stop()


def c_damaged(ctx):
    d = ctx.daemon(stats={"flush": "1s"})
    qid = send_mail(d.port, CLERK_FROM, [DE1 + "@sms.example"],
                    make_message("One", "one\r\n"))
    d.wait_log(qid, "sent", 15)
    d.stop()
    path = os.path.join(d.conf["spool"], "stats")
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) > 30, "stats file of %d bytes" % len(data))
    with open(path, "wb") as f:
        f.write(data[:-5])                  # a torn write that rename would prevent
    d.start()
    wait_for(lambda: [ln for ln in d.log().splitlines() if "stats:" in ln and
                      "unreadable" in ln and "checksum" in ln], 10,
             "a log line for the damaged file")
    check(os.path.exists(path + ".bad"), "the damaged file was not kept as stats.bad")
    rc, out, err = d.ctl("stats", "--csv")
    check(rc == 0 and out.splitlines()[1:] == [], "stats after a damaged file: %r" % out)
    qid = send_mail(d.port, CLERK_FROM, [DE1 + "@sms.example"],
                    make_message("Two", "two\r\n"))
    d.wait_log(qid, "sent", 15)
    check(csv_rows(d, "--by", "domain") == {"example.com": [1, 1, 0, 1, 0, 0]},
          "counting after a damaged file")


def c_usage(ctx):
    d = ctx.daemon()
    for args in (["--by", "week"], ["--since", "2026-02-30"], ["--since", "yesterday"],
                 ["--since", "2026-12-02", "--until", "2026-12-01"], ["--by"],
                 ["--csv", "--csv"], ["extra"]):
        rc, out, err = d.ctl("stats", *args)
        check(rc == 2 and "usage" in err, "stats %s -> %d %r %r, want usage and 2"
              % (" ".join(args), rc, out, err))
    rc, out, err = d.ctl("queue", "--csv")
    check(rc == 2, "queue --csv -> %d, want 2" % rc)


CASES_STATS = [
    ("stats: two users, domains, countries and backends; failed, expired (test clock); "
     "by each key, CSV and table; kept across a restart and SIGKILL", c_stats, None),
    ("stats: a damaged stats file is logged, set aside, and counting starts afresh",
     c_damaged, None),
    ("stats: bad options are a usage error, exit 2", c_usage, None),
]
