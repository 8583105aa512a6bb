"""Kannel: inbound SMS from an sms-service (get-url or post-url), outbound by sendsms,
delivery reports by dlr-url."""
from __future__ import annotations

from typing import Mapping
from urllib.parse import urlencode

import requests

from i18n import N_

from .encoding import is_gsm7
from .gateway import (ACCEPTED, DELIVERED, FAILED, QUEUED, BadInbound, DeliveryReport,
                      InboundSms, SendResult)

MAX_TEXT = 2000
# Kannel's DLR types (dlr-mask bits): 1 delivered, 2 undelivered, 4 buffered at the SMSC,
# 8 accepted by the SMSC, 16 rejected by the SMSC.
DLR_STATES = {1: DELIVERED, 2: FAILED, 4: ACCEPTED, 8: ACCEPTED, 16: FAILED}
DLR_MASK = 1 | 2 | 4 | 8 | 16


def _field(value: str | None, what: str, limit: int) -> str:
    if value is None or value == "":
        raise BadInbound(N_("{what} is missing").format(what=what))
    if len(value) > limit or "\x00" in value:
        raise BadInbound(N_("{what} is not acceptable").format(what=what))
    return value


def parse_inbound(query: Mapping[str, str], headers: Mapping[str, str], body: str) -> InboundSms:
    """get-url: from, to, text, ts, id in the query (our configuration's names).

    post-url: the text is the body and the details are X-Kannel-* headers (`send-sender =
    true` is needed for X-Kannel-From).
    """
    if "text" in query or "from" in query:
        sender, receiver, text = query.get("from"), query.get("to"), query.get("text")
        ts, msg_id = query.get("ts", ""), query.get("id", "")
    else:
        sender, receiver, text = (headers.get("X-Kannel-From"), headers.get("X-Kannel-To"),
                                  body)
        ts, msg_id = headers.get("X-Kannel-Time", ""), headers.get("X-Kannel-SMSC-ID", "")
        msg_id = headers.get("X-Kannel-Id", "") or msg_id
    return InboundSms(sender=_field(sender, "from", 40), receiver=_field(receiver, "to", 40),
                      text=_field(text, "text", MAX_TEXT), gateway_ts=(ts or "")[:40],
                      gateway_id=(msg_id or "")[:64])


def parse_report(query: Mapping[str, str]) -> DeliveryReport | None:
    """A dlr-url call: our `ref` and Kannel's `type`. None when it is not one we understand."""
    ref, kind = query.get("ref", ""), query.get("type", "")
    if not ref or len(ref) > 64 or not kind.isdigit() or int(kind) not in DLR_STATES:
        return None
    return DeliveryReport(ref=ref, state=DLR_STATES[int(kind)], detail=f"dlr type {kind}")


def report_url(base: str, ref: str, secret: str | None) -> str:
    """The dlr-url handed to Kannel (%d becomes the report type)."""
    params = {"ref": ref}
    if secret:
        params["secret"] = secret
    return f"{base}/api/v1/sms/reports?{urlencode(params)}&type=%d"


class KannelGateway:
    name = "kannel"

    def __init__(self, sendsms_url: str, username: str, password: str, timeout_s: float = 5.0):
        self.sendsms_url = sendsms_url
        self.username, self.password = username, password
        self.timeout_s = timeout_s
        self.http = requests.Session()

    parse_inbound = staticmethod(parse_inbound)
    parse_report = staticmethod(parse_report)

    def send(self, *, to: str, sender: str, text: str, report_url: str) -> SendResult:
        params = {"username": self.username, "password": self.password, "from": sender,
                  "to": to, "text": text, "charset": "UTF-8", "dlr-mask": str(DLR_MASK),
                  "dlr-url": report_url}
        if not is_gsm7(text):
            params["coding"] = "2"  # UCS-2: Kannel would otherwise turn such characters into ?
        try:
            resp = self.http.get(self.sendsms_url, params=params, timeout=self.timeout_s)
        except requests.RequestException as exc:
            return SendResult(FAILED, f"Kannel unreachable: {type(exc).__name__}")
        answer = resp.text.strip()[:200]
        if resp.status_code == 202 and answer.startswith("0:"):
            return SendResult(ACCEPTED, answer)
        if resp.status_code == 202 and answer.startswith("3:"):
            return SendResult(QUEUED, answer)
        return SendResult(FAILED, f"{resp.status_code} {answer}")

