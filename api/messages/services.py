"""Use cases: the sender choices, sending a message (recorded first, sent after commit),
history, the company's sender name and opt-outs by SMS."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..availability.numbers import allowed_display_numbers
from ..core import ratelimit
from ..core.errors import (Conflict, ServiceUnavailable, TooManyRequests,
                           ValidationFailed, field_error)
from ..core.not_found import not_found
from ..core.phone import try_e164
from ..sms import encoding
from ..sms import services as sms
from ..sms.outbox import Outbox
from . import recipients as who
from . import rules
from .config import MessagesConfig
from .models import Message, MessageRecipient, MessageSettings, SmsOptOut

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("api.messages")
HOUR, DAY = 3600, 86400
OPTED_OUT = "opted_out"
SEND_AT_ONCE = 8  # sendsms requests in flight for one message (after the response)

# The refusal of a message over a limit: the user's hourly and daily, the company's
OVER_LIMIT = (
    N_("This message needs {n} SMS but your hourly limit of {limit} leaves {left}; nothing "
       "was sent"),
    N_("This message needs {n} SMS but your daily limit of {limit} leaves {left}; nothing "
       "was sent"),
    N_("This message needs {n} SMS but the company's hourly limit of {limit} leaves {left}; "
       "nothing was sent"),
    N_("This message needs {n} SMS but the company's daily limit of {limit} leaves {left}; "
       "nothing was sent"))


def config(app: Flask) -> MessagesConfig:
    cfg = app.extensions.get("messages")
    if cfg is None:
        cfg = app.extensions["messages"] = MessagesConfig.from_settings(app.config["SETTINGS"])
    return cfg


# -- the company's sender name and the sender choices -------------------------------------

def settings(db: Session, tenant_id: int) -> MessageSettings:
    return db.get(MessageSettings, tenant_id) or MessageSettings(tenant_id=tenant_id)


def save_settings(db: Session, tenant_id: int, data: dict) -> MessageSettings:
    name = data.get("sender_name")
    if name:
        problem = rules.sender_name_problem(name)
        if problem:
            raise field_error("sender_name", problem)
    row = db.get(MessageSettings, tenant_id)
    if row is None:
        row = MessageSettings(tenant_id=tenant_id)
        db.add(row)
    row.sender_name = name or None
    db.commit()
    return row


def senders(db: Session, tenant: Tenant, user_id: int) -> list[dict]:
    """What the user may send as: the company's name, then the numbers they may show on
    calls (office, the company's displayable main numbers, their mobile)."""
    out = []
    name = settings(db, tenant.id).sender_name
    if name:
        out.append({"sender": name, "kind": "name", "label": "Company name"})
    allowed = allowed_display_numbers(db, tenant, user_id)
    out += [{"sender": n["number"], "kind": n["kind"], "label": n["label"]} for n in allowed]
    return out


def _sender(db: Session, tenant: Tenant, user_id: int, wanted: str | None) -> str:
    choices = senders(db, tenant, user_id)
    if not choices:
        raise field_error("sender", N_("there is no sender to send as: the company has no "
                                       "sender name and you have no number"))
    if wanted is None:
        return choices[0]["sender"]
    number = try_e164(wanted, tenant.country)
    for choice in choices:
        if wanted == choice["sender"] or (number and number == choice["sender"]):
            return choice["sender"]
    raise ValidationFailed(
        N_("sender: you may not send as {sender}; choose one of {choices}"),
        {"sender": [N_("not one of your senders (GET /api/v1/messages/senders)")]},
        values={"sender": repr(wanted), "choices": ", ".join(c["sender"] for c in choices)})


# -- sending --------------------------------------------------------------------------------

def _within_limits(db: Session, cfg: MessagesConfig, tenant_id: int, user_id: int, n: int
                   ) -> None:
    """Count `n` SMS against the user's and the company's windows, or refuse them all.

    A refusal raises before the request commits, so nothing is counted for it."""
    for key, limit, window, refusal in (
            (f"messages:user:{user_id}:hour", cfg.user_per_hour, HOUR, OVER_LIMIT[0]),
            (f"messages:user:{user_id}:day", cfg.user_per_day, DAY, OVER_LIMIT[1]),
            (f"messages:company:{tenant_id}:hour", cfg.company_per_hour, HOUR,
             OVER_LIMIT[2]),
            (f"messages:company:{tenant_id}:day", cfg.company_per_day, DAY, OVER_LIMIT[3])):
        verdict = ratelimit.hit(db, key, limit, window, amount=n)
        if not verdict.allowed:
            db.rollback()
            left = max(0, limit - verdict.count)
            raise TooManyRequests(refusal, verdict.retry_after,
                                  values={"n": n, "limit": limit, "left": left})


def opted_out(db: Session, tenant_id: int, numbers: list[str]) -> set[str]:
    return set(db.scalars(select(SmsOptOut.number).where(SmsOptOut.tenant_id == tenant_id,
                                                         SmsOptOut.number.in_(numbers))))


def _by_key(db: Session, tenant_id: int, user_id: int, key: str, text: str) -> Message | None:
    found = db.scalar(select(Message).where(Message.tenant_id == tenant_id,
                                            Message.user_id == user_id,
                                            Message.idempotency_key == key))
    if found is not None and found.text != text:
        raise Conflict(N_("This Idempotency-Key was used for another message"))
    return found


def send(db: Session, app: Flask, tenant: Tenant, user_id: int, data: dict,
         outbox: Outbox, key: str | None = None) -> Message:
    """Record the message and one SMS per recipient (state queued); the SMS go out through
    the gateway once this commits. Opted-out numbers are recorded as skipped. The same
    Idempotency-Key again returns the message already sent and sends nothing."""
    cfg, rt = config(app), sms.runtime(app)
    text = data["text"]
    if key and (found := _by_key(db, tenant.id, user_id, key, text)) is not None:
        return found
    count = encoding.count(text)
    if count.parts > cfg.max_parts:
        raise field_error("text", N_("the text needs {parts} SMS ({encoding}); at most {most} "
                                     "are allowed"),
                          parts=count.parts, encoding=count.encoding, most=cfg.max_parts)
    if rt.gateway.name == "none":
        raise ServiceUnavailable(N_("No SMS gateway is configured: messages cannot be sent"))
    sender = _sender(db, tenant, user_id, data.get("sender"))
    targets = who.resolve(db, tenant, user_id, data)
    if not targets:
        raise ValidationFailed(N_("Name at least one recipient: numbers, contact_ids, "
                                  "user_ids or group_ids"), {"numbers": [N_("no recipients")]})
    if len(targets) > cfg.max_recipients:
        raise field_error("numbers", N_("{n} recipients; at most {most} per message"),
                          n=len(targets), most=cfg.max_recipients)
    stopped = opted_out(db, tenant.id, [t.number for t in targets])
    _within_limits(db, cfg, tenant.id, user_id, len(targets) - len(stopped))
    message = Message(tenant_id=tenant.id, user_id=user_id, sender=sender, text=text,
                      encoding=count.encoding, parts=count.parts, idempotency_key=key)
    try:
        with db.begin_nested():
            db.add(message)
    except IntegrityError:  # the same key in a request running at the same moment
        db.rollback()
        return _by_key(db, tenant.id, user_id, key, text)
    batch = Outbox()  # one job: the recipients' SMS handed to the gateway a few at a time
    for t in targets:
        row = MessageRecipient(tenant_id=tenant.id, number=t.number, name=t.name, kind=t.kind)
        if t.number in stopped:
            row.skipped = OPTED_OUT
        else:
            row.outbound = sms.enqueue(db, rt, batch, tenant_id=tenant.id, to=t.number,
                                       sender=sender, text=text, purpose="message")
        message.recipients.append(row)
    db.commit()
    outbox.add(lambda: batch.flush(workers=SEND_AT_ONCE))
    log.info("message queued", extra={"event": "message_queued", "tenant_id": tenant.id,
                                      "recipients": len(targets), "opted_out": len(stopped)})
    return message


# -- history --------------------------------------------------------------------------------

def history(tenant_id: int, user_id: int | None = None) -> Select:
    """The company's messages, newest first; only the user's own when `user_id` is given."""
    stmt = select(Message).where(Message.tenant_id == tenant_id)
    if user_id is not None:
        stmt = stmt.where(Message.user_id == user_id)
    return stmt.order_by(Message.created_at.desc(), Message.id.desc())


def get_message(db: Session, tenant_id: int, message_id: int, user_id: int | None) -> Message:
    row = db.scalar(history(tenant_id, user_id).where(Message.id == message_id))
    if row is None:
        raise not_found("message", message_id)
    return row


# -- opt-out by SMS -------------------------------------------------------------------------

def on_sms(db: Session, received) -> None:
    """STOP (or START) texted to the company's service number: the sender is left out of
    (or back in) the company's messages. Other texts are left for other features."""
    keyword = rules.opt_keyword(received.text)
    if keyword is None or not received.sender.startswith("+"):
        return
    tenant_id = received.tenant.id
    row = db.scalar(select(SmsOptOut).where(SmsOptOut.tenant_id == tenant_id,
                                            SmsOptOut.number == received.sender))
    if keyword == rules.STOP:
        if row is None:
            db.add(SmsOptOut(tenant_id=tenant_id, number=received.sender,
                             keyword=received.text.split()[0][:20]))
        received.outcome = "opted_out"
    else:
        if row is not None:
            db.delete(row)
        received.outcome = "opted_in"
    log.info("sms opt-out changed", extra={"event": "sms_" + received.outcome,
                                           "tenant_id": tenant_id})
