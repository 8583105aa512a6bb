"""Use cases of the SMS feature: receive (deduplicated), send with a record, delivery reports."""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..core.ports import Event, ports
from ..core.clock import now
from ..core.db import begin_write
from ..core.phone import try_e164
from .config import SmsConfig
from .gateway import FAILED, QUEUED, InboundSms, SmsGateway, build_gateway, next_state
from .kannel import report_url
from .models import SmsInbound, SmsOutbound
from .outbox import Outbox

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("api.sms")


@dataclass
class SmsRuntime:
    config: SmsConfig
    gateway: SmsGateway


def runtime(app: Flask) -> SmsRuntime:
    """The app's SMS configuration and gateway, built on first use."""
    rt = app.extensions.get("sms")
    if rt is None:
        config = SmsConfig.from_settings(app.config["SETTINGS"])
        rt = app.extensions["sms"] = SmsRuntime(config, build_gateway(config))
    return rt


@dataclass
class ReceivedSms:
    """What the `sms_received` hook gets: handlers set `outcome` and add replies to `outbox`."""

    tenant: Tenant
    sender: str          # E.164 when it could be read as a number
    receiver: str        # the company's service number (E.164)
    text: str
    outbox: Outbox
    outcome: str = "ignored"
    extra: dict = field(default_factory=dict)


def dedupe_hash(sms: InboundSms, arrived_minute: str) -> str:
    """The same SMS delivered twice has the same hash. Without the gateway's timestamp or id,
    the minute of arrival stands in for them."""
    stamp = f"{sms.gateway_ts}\x1f{sms.gateway_id}" if (sms.gateway_ts or sms.gateway_id) \
        else arrived_minute
    raw = "\x1f".join((sms.sender, sms.receiver, sms.text, stamp))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _service_number(raw: str, region: str) -> str | None:
    text = raw.strip()
    if text.isdigit() and len(text) > 8 and not text.startswith("0"):
        text = "+" + text  # international number without the plus
    return try_e164(text, region)


def receive(db: Session, rt: SmsRuntime, sms: InboundSms, outbox: Outbox) -> str:
    """Record an incoming SMS once and let the features answer it. Returns the outcome."""
    begin_write(db)
    at = now()
    receiver = _service_number(sms.receiver, rt.config.region)
    tenant = db.scalar(select(Tenant).where(Tenant.sms_service_number == receiver)) \
        if receiver else None
    sender = try_e164(sms.sender, tenant.country if tenant else rt.config.region) or sms.sender
    row = SmsInbound(tenant_id=tenant.id if tenant else None,
                     dedupe_hash=dedupe_hash(sms, at.strftime("%Y-%m-%dT%H:%M")),
                     sender=sender[:40], receiver=(receiver or sms.receiver)[:40],
                     gateway_id=sms.gateway_id or None, received_at=at,
                     outcome="unknown_service_number" if tenant is None else "ignored")
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        db.rollback()
        log.info("duplicate sms ignored", extra={"event": "sms_duplicate"})
        return "duplicate"
    if tenant is not None:
        received = ReceivedSms(tenant, sender, receiver, sms.text, outbox)
        ports(db).events.publish(Event.SMS_RECEIVED, db, received)
        row.outcome = received.outcome[:40]
    db.commit()
    log.info("sms received", extra={"event": "sms_received", "outcome": row.outcome,
                                    "tenant_id": row.tenant_id})
    return row.outcome


def enqueue(db: Session, rt: SmsRuntime, outbox: Outbox, *, tenant_id: int, to: str,
            sender: str, text: str, purpose: str) -> SmsOutbound:
    """Record an outgoing SMS (state queued) and send it once the caller has committed."""
    row = SmsOutbound(tenant_id=tenant_id, ref=secrets.token_hex(16), to_number=to,
                      from_number=sender, purpose=purpose, gateway=rt.gateway.name, state=QUEUED)
    db.add(row)
    db.flush()
    bind = db.get_bind()
    ref = row.ref
    outbox.add(lambda: deliver(bind, rt, ref, to, sender, text))
    return row


def deliver(bind, rt: SmsRuntime, ref: str, to: str, sender: str, text: str) -> None:
    """Hand a recorded SMS to the gateway and record its answer (in a session of its own)."""
    result = rt.gateway.send(to=to, sender=sender, text=text,
                             report_url=report_url(rt.config.callback_base_url, ref,
                                                   rt.config.webhook_secret))
    with Session(bind) as db:
        _advance(db, ref, result.state, result.detail)
    log.info("sms sent", extra={"event": "sms_sent", "state": result.state, "ref": ref})


def _advance(db: Session, ref: str, state: str, detail: str) -> None:
    """Move a message's state forward. The row is locked: the gateway's answer and its
    delivery reports race (a report may even arrive before the answer)."""
    begin_write(db)
    row = db.scalar(select(SmsOutbound).where(SmsOutbound.ref == ref).with_for_update())
    if row is not None:
        row.state = next_state(row.state, state)
        row.detail = detail[:200] or None
        row.updated_at = now()
    db.commit()


def record_report(db: Session, ref: str, state: str, detail: str) -> None:
    """A delivery report: move the message's state forward (unknown refs are ignored)."""
    _advance(db, ref, state, detail)


def last_state(db: Session, tenant_id: int, to: str) -> str | None:
    """The state of the latest SMS sent to a number (None if none was ever sent)."""
    return db.scalar(select(SmsOutbound.state)
                     .where(SmsOutbound.tenant_id == tenant_id, SmsOutbound.to_number == to)
                     .order_by(SmsOutbound.id.desc()).limit(1))


def reachable(db: Session, rt: SmsRuntime, tenant: Tenant, mobile: str) -> bool:
    """Can an SMS from the company's service number reach this mobile?"""
    return (tenant.sms_service_number is not None and rt.gateway.name != "none"
            and last_state(db, tenant.id, mobile) != FAILED)
