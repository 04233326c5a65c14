# scale.py - end-to-end cases for the bounded active set: scheduled messages
# held in the spool as stubs (queue.active_limit small), across restarts,
# deletes and journal compaction (queue.segment_size small).
"""CASES_SCALE: (name, fn, needs) like e2e.CASES; each fn takes a Ctx.

The daemon runs on a calendar clock the test moves (ctx.daemon(_clock=True),
d.move_clock); no case waits for a release time.
"""

import os
import re

from harness import check, free_port, send_mail, wait_for
from metrics import parse, scrape
from scheduling import SENDER, message, sent_to

LIMIT = 5


def numbers_sent(ctx):
    """The numbers the provider was asked to text, in the order it was asked."""
    return [(r.get("body") or {}).get("to") for r in ctx.mock.requests()]


def held_count(d):
    """How many messages the last start says it keeps in the spool."""
    def said():
        return re.findall(r"(\d+) more held there", d.log().split("=== e2e: start")[-1])
    wait_for(said, 5, "the restarted daemon to say what it recovered")
    return int(said()[-1])


def schedule(d, numbers, holdfor, body="Your appointment tomorrow\r\n"):
    """One message per number, each held for its own holdfor seconds."""
    return [send_mail(d.port, SENDER, [n + "@sms.example"], message("Reminder", body),
                      mail_options=["HOLDFOR=%d" % h])
            for n, h in zip(numbers, holdfor)]


def segments(d):
    journal = os.path.join(d.conf["spool"], "journal")
    return sorted(f for f in os.listdir(journal) if f.endswith(".seg"))


def c_held_in_order(ctx):
    """20 scheduled, active_limit 5: held on disk, listed, one deleted; after a
    restart all due at once: the rest go out once each, in release order."""
    d = ctx.daemon(_clock=True, queue={"active_limit": LIMIT, "lifetime": "1d"},
                   backend={"max_in_flight": 1},
                   http={"listen": "127.0.0.1:%d" % free_port()})
    d.http_port = int(d.conf["http"]["listen"].rsplit(":", 1)[1])
    order = [7, 3, 15, 0, 19, 11, 4, 8, 16, 1, 12, 5, 18, 9, 2, 14, 6, 10, 17, 13]
    numbers = ["+49170444440%02d" % k for k in order]
    qids = schedule(d, numbers, [600 + 10 * k for k in order])
    d.wait_log(qids[-1], "scheduled", 5)
    rc, out, err = d.ctl("queue", "--scheduled")
    ctx.note("queue --scheduled:\n" + out)
    check(rc == 0 and all(q in out for q in qids) and "-- 20 scheduled messages" in out,
          "queue --scheduled does not list the 20 held messages:\n%s" % out)
    rc, out, _ = d.ctl("queue")
    check(rc == 0 and "20 of them held in the spool" in out,
          "queue does not say the messages are held in the spool:\n%s" % out)
    held = parse(scrape(d)).get(("smsrelay_queue_held_messages", frozenset()))
    check(held == 20, "/metrics: smsrelay_queue_held_messages %r, want 20" % held)
    check(d.stop() == 0, "exit status after SIGTERM")
    d.start()
    check(held_count(d) == 20, "the restart keeps %d messages in the spool, want 20"
          % held_count(d))
    gone = numbers[order.index(11)]
    rc, out, err = d.ctl("delete", qids[order.index(11)])
    check(rc == 0, "delete of a held message -> %d %r %r" % (rc, out, err))
    rc, out, _ = d.ctl("show", qids[order.index(12)])
    check(rc == 0 and "scheduled:" in out and numbers[order.index(12)] in out,
          "show of a held message:\n%s" % out)
    d.move_clock(600 + 10 * 20 + 5)
    want = [n for k, n in sorted(zip(order, numbers)) if n != gone]
    wait_for(lambda: len(numbers_sent(ctx)) >= len(want), 30, "19 released messages sent")
    got = numbers_sent(ctx)
    ctx.note("sent in this order: %s" % got)
    check(got == want, "released out of order or not once each:\n got  %s\n want %s"
          % (got, want))
    check(not sent_to(ctx, gone), "a deleted held message was sent")


def c_held_compaction(ctx):
    """Held messages in the first journal segment: traffic fills later segments
    (64K each), the held records are copied forward and the old segments go;
    after kill -9 and a restart every held message is still there and sent."""
    d = ctx.daemon(_clock=True, queue={"active_limit": LIMIT, "segment_size": "64K",
                                       "lifetime": "1d"})
    held = ["+49170555550%02d" % k for k in range(12)]
    qids = schedule(d, held, [3600 + k for k in range(12)])
    d.wait_log(qids[-1], "scheduled", 5)
    first = segments(d)
    ctx.note("segments after the held messages: %s" % first)
    filler = "This line only makes the journal grow. " * 400 + "\r\n"
    now = ["+49170666660%02d" % k for k in range(30)]
    for n in now:
        send_mail(d.port, SENDER, [n + "@sms.example"], message("Filler", filler))
    wait_for(lambda: all(sent_to(ctx, n) for n in now), 30, "the filler messages sent")
    wait_for(lambda: first[0] not in segments(d), 10,
             "the first segment (holding the held records) to be removed")
    ctx.note("segments after the traffic: %s" % segments(d))
    d.kill9()
    d.start()
    check(held_count(d) == 12, "after kill -9 the spool holds %d messages, want 12"
          % held_count(d))
    rc, out, _ = d.ctl("queue", "--scheduled")
    check(rc == 0 and all(q in out for q in qids),
          "after compaction and kill -9, queue --scheduled:\n%s" % out)
    d.move_clock(3600 + 20)
    wait_for(lambda: all(sent_to(ctx, n) for n in held), 30, "the held messages sent")
    check(all(len(sent_to(ctx, n)) == 1 for n in held), "a held message sent twice")


def c_parked_not_counted(ctx):
    """active_limit 5 and six messages deferred for an hour (the provider said
    503): a new message still goes out at once, not after their retries."""
    d = ctx.daemon(queue={"active_limit": LIMIT, "retry": ["1h"], "lifetime": "1d"},
                   backend={"down_after": 100})
    ctx.mock.script([{"status": 503, "body": {"message": "busy"}}] * 6)
    failing = ["+49170777770%02d" % k for k in range(6)]
    qids = [send_mail(d.port, SENDER, [n + "@sms.example"], message("Retry me"))
            for n in failing]
    for q in qids:
        d.wait_log(q, "deferred", 10)
    fresh = "+4917077777099"
    q = send_mail(d.port, SENDER, [fresh + "@sms.example"], message("Due now"))
    wait_for(lambda: sent_to(ctx, fresh), 5,
             "a new message to go out beside six waiting for their retry")
    d.wait_log(q, "sent", 5)


CASES_SCALE = [
    ("active_limit 5: 20 scheduled held in the spool, listed, one deleted, after a restart "
     "the rest sent once each in release order", c_held_in_order, None),
    ("held messages survive journal compaction (segment_size 64K) and kill -9",
     c_held_compaction, None),
    ("active_limit 5: messages waiting for a retry do not keep a new one out",
     c_parked_not_counted, None),
]
