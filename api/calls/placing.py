"""Calls the user places from the app (call-through): checked and resolved here, then a
`call` command for a running gateway, which rings the user's device and, once it answers,
dials the destination.

Everything the gateway needs is decided before any dialling, so a wrong request is a 422
and never a ringing phone: the destination in E.164 (a number in any format the number plan
reads, a short number, a colleague, a contact, a queue, a queue's callback entry or a missed
call of the call log), the device (one of the user's own; their mobile by default), the
display number (one the user may show; by default what their profile shows from that kind
of device). The order travels in the command's `args`.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..accounts.models import Tenant, User
from ..core.clock import now
from ..core.errors import Conflict, ServiceUnavailable, ValidationFailed, field_error
from ..core.not_found import not_found
from ..core.ports import ports
from i18n import N_

from . import wakeup
from .interrupted import silent_after_s
from .models import CallCommand, GatewayEndpoint, LiveCall

SOURCES = ("number", "user_id", "contact_id", "queue_id", "callback_id", "call_log_id",
           "queue_call_id")


def place_call(db: Session, principal, body: dict, key: str | None) -> CallCommand:
    """The command that places `principal`'s call; the same Idempotency-Key returns the same
    one."""
    tenant, user_id = principal.tenant, principal.user_id
    if key:
        found = _by_key(db, tenant.id, user_id, key)
        if found is not None:
            if found.kind != "call":
                raise Conflict(N_("This Idempotency-Key was used for another command"))
            return found
    user = db.scalar(select(User).where(User.id == user_id, User.tenant_id == tenant.id))
    dest = destination(db, principal, user, body)
    device = _device(db, tenant.id, user, body.get("device_id"))
    display = _display(db, tenant, user, device["kind"], body.get("display_number"),
                       dest.get("display"))
    gateway = pick_gateway(db)
    hits = ports(db).caller_hits(db, tenant.id, user.id, [dest["number"]]) or {}
    args = {"tenant_id": tenant.id, "user_id": user.id, "device": device,
            "number": dest["number"], "via": dest["via"], "display_number": display,
            "hit": hits.get(dest["number"]), "callback_id": dest.get("callback_id")}
    row = CallCommand(tenant_id=tenant.id, user_id=user.id, call_id=0, gateway_id=gateway,
                      kind="call", args=args, idempotency_key=key or uuid.uuid4().hex)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # the same key, a concurrent request
        found = _by_key(db, tenant.id, user_id, key)
        if found is None or found.kind != "call":
            raise Conflict(N_("This Idempotency-Key was used for another command"))
        return found
    if dest.get("callback_id"):
        from ..queues.callbacks import get_callback, start_callback
        start_callback(db, get_callback(db, tenant.id, dest["callback_id"]), user.id)
    try:   # read before the commit, so the wake-up leaves right after it
        where = wakeup.address(db, gateway)
    except SQLAlchemyError:
        where = None
    db.commit()
    wakeup.send(where, gateway)
    return row


def _by_key(db: Session, tenant_id: int, user_id: int, key: str | None) -> CallCommand | None:
    return db.scalar(select(CallCommand).where(CallCommand.tenant_id == tenant_id,
                                               CallCommand.user_id == user_id,
                                               CallCommand.idempotency_key == key))


# -- the destination ------------------------------------------------------------------------

def destination(db: Session, principal, user: User, body: dict) -> dict:
    """{"number": E.164, "via": "self" (a number some company owns: this phone system
    routes it) or "trunk", "display": a number the source wants shown, "callback_id"}."""
    given = [s for s in SOURCES if body.get(s) not in (None, "")]
    if len(given) != 1:
        raise ValidationFailed(N_("Say whom to call with exactly one of: number, user_id, "
                                  "contact_id, queue_id, callback_id, call_log_id, "
                                  "queue_call_id"),
                               {s: [N_("exactly one of these")] for s in SOURCES})
    source = given[0]
    out = _RESOLVERS[source](db, principal, user, body[source])
    number = out["number"]
    if number is None:
        raise field_error(source, N_("this has no number to call"))
    out["via"] = "self" if _owned(db, number) else "trunk"
    return out


def _owned(db: Session, number: str) -> bool:
    from ..numbers.lookup import public_owner
    return public_owner(db, number) is not None


def _from_number(db: Session, principal, user: User, text: str) -> dict:
    tenant = principal.tenant
    from ..callerid.lookup import parse_number
    from ..numbers.lookup import short_owner

    e164, short = parse_number(str(text), tenant.country or "NO")
    if e164:
        return {"number": e164}
    owner = short_owner(db, tenant.id, short) if short else None
    if owner is not None and owner.kind == "user_short":
        return _from_user(db, principal, user, owner.owner_id)
    if owner is not None and owner.kind == "queue_short":
        return _from_queue(db, principal, user, owner.owner_id)
    raise field_error("number", N_("'{number}' is no phone number or short number here"),
                      number=str(text)[:40])


def _from_user(db: Session, principal, _user: User, user_id) -> dict:
    row = db.execute(select(User.office_number, User.mobile).where(
        User.id == int(user_id), User.tenant_id == principal.tenant_id)).first()
    if row is None:
        raise not_found("colleague", user_id)
    return {"number": row.office_number or row.mobile}


def _from_contact(db: Session, principal, user: User, contact_id) -> dict:
    from ..callerid.models import Contact

    row = db.get(Contact, int(contact_id))
    if row is None or row.tenant_id != principal.tenant_id or row.owner_user_id not in (None, user.id):
        raise not_found("contact", contact_id)
    numbers = [n.get("number") for n in row.numbers or () if n.get("number")]
    return {"number": numbers[0] if numbers else None}


def _from_queue(db: Session, principal, _user: User, queue_id) -> dict:
    from ..queues.models import Queue

    row = db.get(Queue, int(queue_id))
    if row is None or row.tenant_id != principal.tenant_id:
        raise not_found("queue", queue_id)
    return {"number": row.number}


def _from_callback(db: Session, principal, user: User, callback_id) -> dict:
    """An entry of a queue's callback list the user may work on; the queue's number is shown
    when the queue says so."""
    from ..queues.callbacks import get_callback
    from ..queues.models import Queue
    from ..queues.services import check_can_watch

    entry = get_callback(db, principal.tenant_id, int(callback_id))
    queue = db.get(Queue, entry.queue_id)
    check_can_watch(db, principal, queue)
    if entry.done_at is not None:
        raise Conflict(N_("This caller has already been called back"))
    show = queue.number if queue.callback_shows_number and queue.number else None
    return {"number": entry.caller_number, "display": show, "callback_id": entry.id}


def _from_queue_call(db: Session, principal, _user: User, queue_call_id) -> dict:
    """A call of a queue's log the user may see (a missed caller): the queue's number is
    shown when the queue says so."""
    from ..queues.models import Queue, QueueCall
    from ..queues.services import check_can_watch

    row = db.get(QueueCall, int(queue_call_id))
    if row is None or row.tenant_id != principal.tenant_id:
        raise not_found("queue call", queue_call_id)
    queue = db.get(Queue, row.queue_id)
    check_can_watch(db, principal, queue)
    if not row.caller_number:
        raise field_error("queue_call_id", N_("the caller withheld their number"))
    show = queue.number if queue.callback_shows_number and queue.number else None
    return {"number": row.caller_number, "display": show}


def _from_call_log(db: Session, principal, user: User, entry_id) -> dict:
    from ..callerid.models import CallLogEntry

    row = db.get(CallLogEntry, int(entry_id))
    if row is None or row.tenant_id != principal.tenant_id or row.user_id != user.id:
        raise not_found("call log entry", entry_id)
    if not row.other_number:
        raise field_error("call_log_id", N_("the caller withheld their number"))
    return {"number": row.other_number}


_RESOLVERS = {"number": _from_number, "user_id": _from_user, "contact_id": _from_contact,
              "queue_id": _from_queue, "callback_id": _from_callback,
              "call_log_id": _from_call_log, "queue_call_id": _from_queue_call}


# -- the device and the number shown --------------------------------------------------------

def _device(db: Session, tenant_id: int, user: User, device_id) -> dict:
    """{"kind", "address" (SIP URI, or E.164 for a mobile), "id"}: the user's own device,
    by default their mobile."""
    from ..availability.models import Device

    if device_id is None:
        row = db.scalar(select(Device).where(
            Device.tenant_id == tenant_id, Device.user_id == user.id, Device.kind == "mobile",
            Device.number.is_not(None)).order_by(Device.enabled.desc(), Device.id).limit(1))
        number = row.number if row is not None else user.mobile
        if not number:
            raise field_error("device_id", N_("you have no mobile: choose a device"))
        return {"kind": "mobile", "address": number, "id": row.id if row else None}
    row = db.get(Device, int(device_id))
    if row is None or row.tenant_id != tenant_id or row.user_id != user.id:
        raise not_found("device", device_id)
    address = row.number if row.kind == "mobile" else row.sip_uri
    if not address:
        raise field_error("device_id", N_("this device has no address to ring"))
    return {"kind": row.kind, "address": address, "id": row.id}


def _display(db: Session, tenant: Tenant, user: User, kind: str, asked: str | None,
             wanted: str | None) -> str | None:
    """The number the destination sees: `asked` when the user may show it (else a 422),
    then what the source wants (a queue's number), then the profile's for this kind of
    device, the office number, the mobile."""
    from ..availability.numbers import allowed_display_numbers
    from ..availability.services import routing_inputs
    from ..availability.state import state_at
    from ..callerid.lookup import parse_number

    allowed = {n["number"] for n in allowed_display_numbers(db, tenant, user.id)}
    if asked:
        number = parse_number(str(asked), tenant.country or "NO")[0]
        if number is None or number not in allowed:
            raise field_error("display_number", N_("you may not show '{number}'"),
                              number=str(asked)[:40])
        return number
    if wanted:
        return wanted
    profile = state_at(routing_inputs(db, tenant.id, user.id), now()).profile
    shown = (profile.display_numbers or {}).get(kind)
    return shown if shown in allowed else (user.office_number or user.mobile)


def pick_gateway(db: Session) -> str:
    """A gateway that is running (a heartbeat within the silence limit), the one holding the
    fewest live calls."""
    cutoff = now() - timedelta(seconds=silent_after_s())
    ep = GatewayEndpoint
    load = (select(func.count(LiveCall.id)).where(LiveCall.gateway_id == ep.gateway_id)
            .scalar_subquery())
    row = db.execute(select(ep.gateway_id).where(func.coalesce(ep.seen_at, ep.started_at)
                                                 >= cutoff)
                     .order_by(load, func.coalesce(ep.seen_at, ep.started_at).desc())
                     .limit(1)).first()
    if row is None:
        raise ServiceUnavailable(N_("No SIP gateway is running: the call cannot be placed now"))
    return row[0]
