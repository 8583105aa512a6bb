"""The gateway port: what the SMS feature needs from any SMS gateway, and a development sink.

An operator's HTTP API can be added as another implementation of `SmsGateway` without
touching the use cases.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Mapping, Protocol

log = logging.getLogger("api.sms")

QUEUED, ACCEPTED, DELIVERED, FAILED = "queued", "accepted", "delivered", "failed"
STATES = (QUEUED, ACCEPTED, DELIVERED, FAILED)
_RANK = {QUEUED: 0, ACCEPTED: 1, DELIVERED: 2, FAILED: 2}


class BadInbound(ValueError):
    """The gateway's request does not carry an SMS (missing sender, receiver or text)."""


@dataclass(frozen=True)
class InboundSms:
    sender: str
    receiver: str
    text: str
    gateway_ts: str = ""   # the gateway's timestamp of the message, when it gives one
    gateway_id: str = ""   # the gateway's id of the message, when it gives one


@dataclass(frozen=True)
class SendResult:
    state: str      # accepted (the gateway took it), queued (it will try later) or failed
    detail: str = ""


@dataclass(frozen=True)
class DeliveryReport:
    ref: str        # our reference of the outbound message, echoed by the gateway
    state: str      # accepted, delivered or failed
    detail: str = ""


def next_state(current: str, reported: str) -> str:
    """Reports may arrive late or twice: a state never moves back (delivered stays)."""
    return reported if _RANK.get(reported, -1) > _RANK.get(current, -1) else current


class SmsGateway(Protocol):
    name: str

    def parse_inbound(self, query: Mapping[str, str], headers: Mapping[str, str],
                      body: str) -> InboundSms: ...

    def send(self, *, to: str, sender: str, text: str, report_url: str) -> SendResult: ...

    def parse_report(self, query: Mapping[str, str]) -> DeliveryReport | None: ...


@dataclass
class LogGateway:
    """Development and test sink: keeps what it was asked to send, sends nothing."""

    name: str = "log"
    sent: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def parse_inbound(self, query, headers, body) -> InboundSms:
        from .kannel import parse_inbound
        return parse_inbound(query, headers, body)

    def send(self, *, to: str, sender: str, text: str, report_url: str) -> SendResult:
        with self.lock:
            self.sent.append({"to": to, "from": sender, "text": text, "report_url": report_url})
        # development only: the text (with any code) is logged so a developer can use it
        log.info("sms kept by the development sink",
                 extra={"event": "sms_sink", "to": to, "from": sender, "text": text})
        return SendResult(ACCEPTED, "kept by the development sink")

    def parse_report(self, query) -> DeliveryReport | None:
        from .kannel import parse_report
        return parse_report(query)


@dataclass
class NoGateway(LogGateway):
    """No SMS gateway configured: every message fails (users fall back to e-mail)."""

    name: str = "none"

    def send(self, *, to: str, sender: str, text: str, report_url: str) -> SendResult:
        return SendResult(FAILED, "no SMS gateway is configured")


def build_gateway(config) -> SmsGateway:
    if config.gateway == "kannel":
        from .kannel import KannelGateway
        return KannelGateway(config.kannel_sendsms_url, config.kannel_username,
                             config.kannel_password, config.send_timeout_s)
    if config.gateway == "log":
        return LogGateway()
    if config.gateway == "none":
        return NoGateway()
    raise RuntimeError(f"PBX_SMS_GATEWAY must be kannel, log or none, not {config.gateway!r}")
