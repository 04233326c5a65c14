# mockproviders.py - the provider APIs mockprov.py speaks besides Twilio and
# the generic template: each checks a request as the provider documents it
# and answers with the provider's own success and error bodies.
"""Vonage SMS API, MessageBird /messages, Sinch XMS batches, Infobip
/sms/3/messages and Plivo /v1/Account/{auth_id}/Message/.

check(req) returns the list of ways a request departs from the provider's
documented API (empty: as documented); answer(kind, req, n) the status and
body the provider gives for kind: "ok", "invalid" (the number),
"blocked" (barred, blocklisted, opted out), "permanent", "temporary",
"throttled". Kinds a provider has no synchronous answer for are absent.
"""

import base64
import math
import re
import uuid

# the credentials the e2e configs use
CREDS = {
    "vonage": ("vkey1234", "vsecret5678"),
    "messagebird": (None, "live_mbAccessKey0123"),
    "sinch": ("plan0123456789", "sinchToken0123"),
    "infobip": (None, "ibApiKey-0123"),
    "plivo": ("MAXXXXXXXXXXXXXXXXXX", "plivoAuthToken0123"),
}

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("^{}\\[~]|€\f")


def is_gsm(text):
    return all(c in GSM_BASIC or c in GSM_EXT for c in text)


def parts_of(text):
    """How many SMS parts text takes (GSM-7 septets or UCS-2 units)."""
    if is_gsm(text):
        n = sum(2 if c in GSM_EXT else 1 for c in text)
        return 1 if n <= 160 else math.ceil(n / 153)
    n = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return 1 if n <= 70 else math.ceil(n / 67)


E164_DIGITS = re.compile(r"^[1-9][0-9]{6,14}$")


def basic_creds(headers):
    auth = headers.get("Authorization", "")
    if not auth.startswith("Basic "):
        return None
    try:
        return tuple(base64.b64decode(auth[6:]).decode().split(":", 1))
    except ValueError:
        return None


def want(problems, cond, text):
    if not cond:
        problems.append(text)


def is_url(v):
    return isinstance(v, str) and re.match(r"^https?://[^/?#\s]+(/[^\s]*)?$", v) is not None


def callback_of(name, body):
    """The report URL a request to provider name carries, None if none."""
    b = body or {}
    if name == "vonage":
        return b.get("callback")
    if name == "messagebird":
        return b.get("reportUrl")
    if name == "sinch":
        return b.get("callback_url")
    if name == "infobip":
        m = (b.get("messages") or [{}])[0]
        return ((m.get("webhooks") or {}).get("delivery") or {}).get("url")
    if name == "plivo":
        return b.get("url")
    return None


def only_keys(problems, obj, allowed, where):
    extra = sorted(set(obj) - set(allowed))
    want(problems, not extra, "%s: undocumented fields %s" % (where, extra))


class Provider:
    name = None
    path = None         # regexp on the path

    def matches(self, path):
        return re.match(self.path, path.split("?")[0]) is not None

    def common(self, req, ctype):
        p = []
        want(p, req["method"] == "POST", "method %s, want POST" % req["method"])
        got = req["content_type"].split(";")[0].strip().lower()
        want(p, got == ctype, "Content-Type %r, want %s" % (req["content_type"], ctype))
        want(p, isinstance(req["body"], dict), "body does not parse as %s" % ctype)
        return p


class Vonage(Provider):
    """Vonage SMS API: POST https://rest.nexmo.com/sms/json, form body."""
    name = "vonage"
    path = r"^/sms/json$"
    FIELDS = ("api_key", "api_secret", "sig", "from", "to", "text", "type", "ttl",
              "status-report-req", "callback", "message-class", "body", "udh",
              "protocol-id", "client-ref", "account-ref", "entity-id", "content-id")

    def check(self, req):
        p = self.common(req, "application/x-www-form-urlencoded")
        if p:
            return p
        b = req["body"]
        key, secret = CREDS["vonage"]
        only_keys(p, b, self.FIELDS, "form")
        want(p, b.get("api_key") == key and b.get("api_secret") == secret,
             "api_key/api_secret %r/%r" % (b.get("api_key"), b.get("api_secret")))
        want(p, E164_DIGITS.match(b.get("to", "")), "to %r is not E.164 without +" % b.get("to"))
        want(p, b.get("from"), "no from")
        want(p, b.get("text"), "no text")
        kind = "unicode" if not is_gsm(b.get("text", "")) else "text"
        want(p, b.get("type") == kind, "type %r for this text, want %r" % (b.get("type"), kind))
        ref = b.get("client-ref", "")
        want(p, 0 < len(ref) <= 100, "client-ref %r: want 1..100 characters" % ref)
        want(p, "callback" not in b or is_url(b["callback"]),
             "callback %r is not a URL" % b.get("callback"))
        return p

    def answer(self, kind, req, n):
        b = req["body"] or {}
        if kind == "ok":
            parts = parts_of(b.get("text", ""))
            msgs = [{"to": b.get("to"), "message-id": "%X%08X" % (n, i + 1), "status": "0",
                     "remaining-balance": "3.14159265", "message-price": "0.03330000",
                     "network": "26201", "client-ref": b.get("client-ref")}
                    for i in range(parts)]
            return 200, {"message-count": str(parts), "messages": msgs}
        err = {"invalid": ("6", "Unroutable message - rejected"),
               "blocked": ("7", "Number barred."),
               "permanent": ("15", "Illegal Sender Address - rejected"),
               "temporary": ("5", "Internal Error"),
               "throttled": ("1", "Throughput Rate Exceeded - please wait [ 30 ] and retry")}
        status, text = err[kind]
        return 200, {"message-count": "1", "messages": [{"status": status, "error-text": text}]}


class MessageBird(Provider):
    """MessageBird REST: POST https://rest.messagebird.com/messages, JSON."""
    name = "messagebird"
    path = r"^/messages$"
    FIELDS = ("recipients", "originator", "body", "type", "reference", "reportUrl",
              "validity", "gateway", "typeDetails", "datacoding", "mclass",
              "scheduledDatetime", "createdDatetime", "shortenUrls")

    def check(self, req):
        p = self.common(req, "application/json")
        if p:
            return p
        b = req["body"]
        only_keys(p, b, self.FIELDS, "body")
        want(p, req["headers"].get("Authorization") == "AccessKey " + CREDS["messagebird"][1],
             "Authorization %r, want AccessKey KEY" % req["headers"].get("Authorization"))
        r = b.get("recipients")
        want(p, isinstance(r, list) and len(r) == 1 and E164_DIGITS.match(str(r[0])),
             "recipients %r: want one msisdn" % (r,))
        want(p, b.get("originator"), "no originator")
        want(p, b.get("body"), "no body")
        dc = "unicode" if not is_gsm(b.get("body", "")) else "plain"
        want(p, b.get("datacoding") == dc, "datacoding %r, want %r" % (b.get("datacoding"), dc))
        want(p, b.get("reference"), "no reference")
        want(p, "reportUrl" not in b or is_url(b["reportUrl"]),
             "reportUrl %r is not a URL" % b.get("reportUrl"))
        return p

    def answer(self, kind, req, n):
        b = req["body"] or {}
        if kind == "ok":
            mid = uuid.UUID(int=n).hex
            return 201, {
                "id": mid, "href": "https://rest.messagebird.com/messages/" + mid,
                "direction": "mt", "type": "sms", "originator": b.get("originator"),
                "body": b.get("body"), "reference": b.get("reference"), "validity": None,
                "gateway": 10, "typeDetails": {}, "datacoding": b.get("datacoding"),
                "mclass": 1, "scheduledDatetime": None,
                "createdDatetime": "2024-05-03T14:26:57+00:00",
                "recipients": {"totalCount": 1, "totalSentCount": 1, "totalDeliveredCount": 0,
                               "totalDeliveryFailedCount": 0,
                               "items": [{"recipient": int(b["recipients"][0]),
                                          "status": "sent",
                                          "statusDatetime": "2024-05-03T14:26:57+00:00"}]}}
        err = {"invalid": (422, 9, "no (correct) recipients found", "recipient"),
               "permanent": (401, 2, "Request not allowed (incorrect access_key)",
                             "access_key"),
               "temporary": (500, 99, "Internal error", None)}
        status, code, text, param = err[kind]
        return status, {"errors": [{"code": code, "description": text, "parameter": param}]}


class Sinch(Provider):
    """Sinch XMS: POST https://us.sms.api.sinch.com/xms/v1/{plan}/batches."""
    name = "sinch"
    path = r"^/xms/v1/[^/]+/batches$"
    FIELDS = ("to", "from", "body", "type", "delivery_report", "send_at", "expire_at",
              "callback_url", "client_reference", "feedback_enabled", "flash_message",
              "truncate_concat", "max_number_of_message_parts", "from_ton", "from_npi",
              "udh", "parameters")

    def check(self, req):
        p = self.common(req, "application/json")
        if p:
            return p
        b = req["body"]
        plan, token = CREDS["sinch"]
        only_keys(p, b, self.FIELDS, "body")
        want(p, req["path"] == "/xms/v1/%s/batches" % plan, "path %s" % req["path"])
        want(p, req["headers"].get("Authorization") == "Bearer " + token,
             "Authorization %r, want Bearer TOKEN" % req["headers"].get("Authorization"))
        to = b.get("to")
        want(p, isinstance(to, list) and len(to) == 1 and isinstance(to[0], str) and
             E164_DIGITS.match(to[0].lstrip("+")), "to %r: want one MSISDN" % (to,))
        want(p, b.get("body"), "no body")
        want(p, b.get("client_reference"), "no client_reference")
        want(p, "callback_url" not in b or is_url(b["callback_url"]),
             "callback_url %r is not a URL" % b.get("callback_url"))
        want(p, b.get("delivery_report", "none") in
             ("none", "summary", "full", "per_recipient", "per_recipient_final"),
             "delivery_report %r" % b.get("delivery_report"))
        return p

    def answer(self, kind, req, n):
        b = req["body"] or {}
        if kind == "ok":
            return 201, {"id": "01FC66621XXXXX119Z8PM%05d" % n, "to": b.get("to"),
                         "from": b.get("from"), "canceled": False, "body": b.get("body"),
                         "type": "mt_text", "created_at": "2024-05-03T14:26:57.123Z",
                         "modified_at": "2024-05-03T14:26:57.123Z", "delivery_report": "none",
                         "expire_at": "2024-05-06T14:26:57.123Z", "flash_message": False,
                         "client_reference": b.get("client_reference")}
        err = {"invalid": (400, "syntax_invalid_parameter_format",
                           "Invalid MSISDN format in 'to'"),
               "permanent": (403, "blocked_account", "Account has been blocked"),
               "temporary": (503, None, None)}
        status, code, text = err[kind]
        return status, ({"code": code, "text": text} if code else "Service Unavailable")


class Infobip(Provider):
    """Infobip SMS v3: POST https://{base}.api.infobip.com/sms/3/messages."""
    name = "infobip"
    path = r"^/sms/3/messages$"
    MSG_FIELDS = ("sender", "destinations", "content", "options", "webhooks")

    def check(self, req):
        p = self.common(req, "application/json")
        if p:
            return p
        b = req["body"]
        only_keys(p, b, ("messages", "options"), "body")
        want(p, req["headers"].get("Authorization") == "App " + CREDS["infobip"][1],
             "Authorization %r, want App KEY" % req["headers"].get("Authorization"))
        msgs = b.get("messages")
        if not (isinstance(msgs, list) and len(msgs) == 1 and isinstance(msgs[0], dict)):
            return p + ["messages %r: want one message" % (msgs,)]
        m = msgs[0]
        only_keys(p, m, self.MSG_FIELDS, "messages[0]")
        d = m.get("destinations")
        want(p, isinstance(d, list) and len(d) == 1 and
             E164_DIGITS.match(str(d[0].get("to", ""))) and d[0].get("messageId"),
             "destinations %r: want one {to, messageId}" % (d,))
        c = m.get("content")
        want(p, isinstance(c, dict) and c.get("text"), "content %r: want {text}" % (c,))
        want(p, m.get("sender"), "no sender")
        w = m.get("webhooks", {})
        want(p, isinstance(w, dict), "webhooks %r: want an object" % (w,))
        if isinstance(w, dict) and w:
            only_keys(p, w, ("delivery", "contentType", "callbackData"), "webhooks")
            dl = w.get("delivery")
            want(p, isinstance(dl, dict) and is_url(dl.get("url")),
                 "webhooks.delivery %r: want {url}" % (dl,))
            want(p, w.get("contentType", "application/json") in
                 ("application/json", "application/xml"),
                 "webhooks.contentType %r" % w.get("contentType"))
        return p

    def answer(self, kind, req, n):
        m = (req["body"] or {}).get("messages", [{}])[0]
        d = m.get("destinations", [{}])[0]
        status = {
            "ok": (1, "PENDING", 26, "PENDING_ACCEPTED", "Message sent to next instance"),
            "invalid": (5, "REJECTED", 8, "REJECTED_PREFIX_MISSING",
                        "Number prefix missing"),
            "blocked": (5, "REJECTED", 14, "REJECTED_DESTINATION",
                        "Message rejected, destination blocklisted"),
            "permanent": (5, "REJECTED", 13, "REJECTED_SENDER", "Sender rejected"),
            "temporary": (5, "REJECTED", 12, "REJECTED_NOT_ENOUGH_CREDITS",
                          "Not enough credits"),
        }[kind]
        keys = ("groupId", "groupName", "id", "name", "description")
        text = m.get("content", {}).get("text", "")
        return 200, {"bulkId": "2034072219640523%04d" % n, "messages": [{
            "messageId": d.get("messageId"), "status": dict(zip(keys, status)),
            "destination": d.get("to"), "details": {"messageCount": parts_of(text)}}]}


class Plivo(Provider):
    """Plivo: POST https://api.plivo.com/v1/Account/{auth_id}/Message/."""
    name = "plivo"
    path = r"^/v1/Account/[^/]+/Message/$"
    FIELDS = ("src", "dst", "text", "type", "url", "method", "log", "trackable",
              "powerpack_uuid", "media_urls", "media_ids", "message_expiry",
              "dlt_entity_id", "dlt_template_id", "dlt_template_category")

    def check(self, req):
        p = self.common(req, "application/json")
        if p:
            return p
        b = req["body"]
        auth_id, token = CREDS["plivo"]
        only_keys(p, b, self.FIELDS, "body")
        want(p, req["path"] == "/v1/Account/%s/Message/" % auth_id, "path %s" % req["path"])
        want(p, basic_creds(req["headers"]) == (auth_id, token),
             "basic auth %r, want auth_id:auth_token" % (basic_creds(req["headers"]),))
        want(p, E164_DIGITS.match(b.get("dst", "")), "dst %r: want digits" % b.get("dst"))
        want(p, b.get("src"), "no src")
        want(p, b.get("text"), "no text")
        want(p, b.get("type", "sms") == "sms", "type %r" % b.get("type"))
        want(p, "url" not in b or is_url(b["url"]), "url %r is not a URL" % b.get("url"))
        want(p, b.get("method", "POST") in ("GET", "POST"), "method %r" % b.get("method"))
        return p

    def answer(self, kind, req, n):
        api_id = str(uuid.UUID(int=n + 7))
        if kind == "ok":
            return 202, {"message": "message(s) queued",
                         "message_uuid": [str(uuid.UUID(int=n))], "api_id": api_id}
        err = {"invalid": (400, "invalid 'dst' parameter"),
               "permanent": (401, "authentication failed"),
               "temporary": (500, "internal server error")}
        status, text = err[kind]
        return status, {"api_id": api_id, "error": text}


PROVIDERS = [Vonage(), MessageBird(), Sinch(), Infobip(), Plivo()]


def find(path):
    for p in PROVIDERS:
        if p.matches(path):
            return p
    return None
