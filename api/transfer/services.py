"""Use cases of transfers: what the app asks (start, read, complete, cancel) and what the
gateway that executes them reads and reports.

A transfer is delivered through the calls feature's command channel: a `transfer` command
(and `transfer_complete` / `transfer_cancel` for an attended one) for the gateway holding the
call, whose args name the transfer. The gateway reads the order (`transfer_order`) and reports
each state change (`transfer_progress`).
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..calls import services as calls
from ..calls.models import VOICEMAIL, LiveCall
from ..core.ports import Event, ports
from ..core.clock import now
from ..core.errors import Conflict, field_error
from ..core.not_found import not_found
from ..core.phone import normalise_field
from .models import ACTIVE, DEFAULT_TIMEOUT_S, FINAL, METHODS, STATES, Transfer, TransferPolicy

DEFAULT_METHOD = "with_return"
SETTING = "default_transfer_method"


# -- settings ---------------------------------------------------------------------------------

def default_method(user) -> str:
    method = (user.settings or {}).get(SETTING)
    return method if method in METHODS else DEFAULT_METHOD


def policy(db: Session, tenant_id: int) -> dict:
    row = db.get(TransferPolicy, tenant_id)
    if row is None:
        return {"timeout_s": DEFAULT_TIMEOUT_S, "external_display": "caller",
                "external_display_main_number_id": None}
    return {"timeout_s": row.timeout_s, "external_display": row.external_display,
            "external_display_main_number_id": row.external_display_main_number_id}


def set_policy(db: Session, tenant_id: int, data: dict) -> dict:
    main_id = data.get("external_display_main_number_id")
    if data.get("external_display") != "main_number":
        main_id = None
    elif not _main_number(db, tenant_id, main_id):
        raise field_error("external_display_main_number_id",
                          N_("no main number with id {id} in this company"), id=main_id)
    row = db.get(TransferPolicy, tenant_id) or TransferPolicy(tenant_id=tenant_id)
    row.timeout_s, row.updated_at = data["timeout_s"], now()
    row.external_display = data.get("external_display") or "caller"
    row.external_display_main_number_id = main_id
    db.add(row)
    db.commit()
    return policy(db, tenant_id)


def _main_number(db: Session, tenant_id: int, main_number_id) -> str | None:
    found = ports(db).main_number_target(db, tenant_id, main_number_id)
    return (found or {}).get("number")


def external_display_number(db: Session, tenant_id: int, user_id: int) -> str | None:
    """The number an external transfer target sees, by the company's policy; None: the
    caller's own (also when the chosen number is gone)."""
    from ..accounts.models import User

    p = policy(db, tenant_id)
    if p["external_display"] == "office":
        return db.scalar(select(User.office_number).where(User.id == user_id,
                                                          User.tenant_id == tenant_id))
    if p["external_display"] == "main_number":
        return _main_number(db, tenant_id, p["external_display_main_number_id"])
    return None


# -- the app's side ---------------------------------------------------------------------------

def my_transfers(tenant_id: int, user_id: int):
    return (select(Transfer).where(Transfer.tenant_id == tenant_id, Transfer.user_id == user_id)
            .order_by(Transfer.id.desc()))


def get(db: Session, tenant_id: int, user_id: int, transfer_id: int) -> Transfer:
    row = db.get(Transfer, transfer_id)
    if row is None or row.tenant_id != tenant_id or row.user_id != user_id:
        raise not_found("transfer", transfer_id)
    return _with_command(db, row)


def _with_command(db: Session, row: Transfer) -> Transfer:
    """A transfer whose command the gateway could not run (the call ended first, the
    gateway restarted, another transfer was already running) has failed with it."""
    from ..calls.models import CallCommand

    if row.state != "requested" or row.command_id is None:
        return row
    command = db.get(CallCommand, row.command_id)
    refused = command is not None and (command.result or "").startswith("refused")
    if command is not None and (command.state == "failed" or refused):
        row.state, row.reason = "failed", command.result
        row.updated_at = row.ended_at = command.done_at or now()
        _changed(db, row)
        db.commit()
    return row


def _answered_call(db: Session, tenant_id: int, user_id: int, call_id: int) -> LiveCall:
    call = db.get(LiveCall, call_id)
    if call is None or call.tenant_id != tenant_id or call.user_id != user_id:
        raise not_found("live call", call_id)
    # held on the phone: the app transfers it; in voicemail: the app moves the caller on
    if call.state not in ("answered", "held", VOICEMAIL):
        raise Conflict(N_("Only an answered call can be transferred"))
    return call


def resolve_target(db: Session, tenant, user_id: int, target: dict) -> dict:
    """{kind, id, number, name} of a colleague, queue, main number or external number."""
    from ..accounts.models import User

    kind, target_id = target["kind"], target.get("id")
    if kind == "external":
        number = normalise_field("target.number", target.get("number"), tenant.country)
        return {"kind": kind, "id": None, "number": number, "name": None}
    if kind == "colleague":
        if target_id == user_id:
            raise field_error("target.id", N_("a call cannot be transferred to yourself"))
        u = db.scalar(select(User).where(User.id == target_id, User.tenant_id == tenant.id))
        if u is None:
            raise not_found("colleague", target_id)
        number = u.office_number or u.mobile
        return {"kind": kind, "id": u.id, "number": number, "name": u.full_name}
    found = ports(db).favourite_target(db, tenant.id, kind, target_id)
    if not found or not found.get("number"):
        raise not_found(kind.replace('_', ' '), target_id)
    return {"kind": kind, "id": target_id, "number": found["number"], "name": found.get("name")}


def _by_key(db: Session, tenant_id: int, user_id: int, key: str) -> Transfer | None:
    return db.scalar(select(Transfer).where(Transfer.tenant_id == tenant_id,
                                            Transfer.user_id == user_id,
                                            Transfer.idempotency_key == key))


def _same(db: Session, row: Transfer, call_id: int) -> Transfer:
    """The transfer a retried tap made, if it was for this call (compared by the call's SIP
    Call-ID: a live call id is only kept while the transfer runs)."""
    from ..calls.models import LiveCall

    call = db.get(LiveCall, call_id)
    if row.call_id != call_id and (call is None or call.sip_call_id != row.sip_call_id
                                   or call.gateway_id != row.gateway_id):
        raise Conflict(N_("This Idempotency-Key was used for another call"))
    return row


def start(db: Session, tenant, user, call_id: int, data: dict, key: str | None, *,
          command: bool = True) -> Transfer:
    """Ask the gateway holding the call to transfer it; the same key returns the same one.
    `command=False`: the gateway asked itself (the user's phone sent REFER) and executes it
    at once, so no command goes to it."""
    if key and (found := _by_key(db, tenant.id, user.id, key)) is not None:
        return _same(db, found, call_id)
    call = _answered_call(db, tenant.id, user.id, call_id)
    for active in db.scalars(select(Transfer).where(
            Transfer.tenant_id == tenant.id, Transfer.call_id == call.id,
            Transfer.created_at >= call.started_at, Transfer.state.in_(ACTIVE))):
        if _with_command(db, active).state in ACTIVE:
            raise Conflict(N_("Transfer {id} of this call is still in progress"),
                           extra={"transfer_id": active.id}, values={"id": active.id})
    method = data.get("method") or default_method(user)
    if call.state == VOICEMAIL and method == "attended":
        raise Conflict(N_("The caller is leaving a message in voicemail: nobody to consult "
                          "with, transfer the call blind or with return"))
    target = resolve_target(db, tenant, user.id, data["target"])
    row = Transfer(tenant_id=tenant.id, user_id=user.id, call_id=call.id,
                   sip_call_id=call.sip_call_id, gateway_id=call.gateway_id, method=method,
                   target_kind=target["kind"], target_id=target["id"],
                   target_number=target["number"], target_name=target["name"],
                   timeout_s=data.get("timeout_s") or policy(db, tenant.id)["timeout_s"],
                   idempotency_key=key or uuid.uuid4().hex)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # the same key, a concurrent tap
        return _same(db, _by_key(db, tenant.id, user.id, key), call_id)
    if command:
        row.command_id = calls.request_command(db, tenant.id, user.id, call.id, "transfer",
                                               f"transfer:{row.id}",
                                               {"transfer_id": row.id}).id
    _changed(db, row)
    db.commit()
    return row


def _changed(db: Session, row: Transfer) -> None:
    """The transfer's event (`Event.TRANSFER_CHANGED`) in the transaction that changed it."""
    db.flush()
    ports(db).events.publish(Event.TRANSFER_CHANGED, db, row)


def finish(db: Session, tenant_id: int, user_id: int, transfer_id: int, what: str) -> Transfer:
    """`complete` or `cancel` an attended transfer (cancel also takes back any transfer)."""
    row = get(db, tenant_id, user_id, transfer_id)
    if what == "complete" and row.method != "attended":
        raise Conflict(N_("Only an attended transfer is completed by the user"))
    if what == "complete" and row.state != "consulting":
        raise Conflict(N_("The transfer is {state}: it can be completed once the target has "
                          "answered"), values={"state": row.state})
    if row.state not in ACTIVE:
        raise Conflict(N_("The transfer is already {state}"), values={"state": row.state})
    calls.request_command(db, tenant_id, user_id, row.call_id, f"transfer_{what}",
                          f"transfer:{row.id}:{what}", {"transfer_id": row.id})
    return row


def of_calls(db: Session, tenant_id: int, user_id: int, sip_call_ids) -> dict[str, dict]:
    """The `call_transfers` port: the last transfer I made of each call (by the call
    log's Call-ID): to whom, the method and how it ended."""
    ids = [i for i in set(sip_call_ids) if i]
    if not ids:
        return {}
    out = {}
    for row in db.scalars(select(Transfer).where(Transfer.tenant_id == tenant_id,
                                                 Transfer.user_id == user_id,
                                                 Transfer.sip_call_id.in_(ids))
                          .order_by(Transfer.id)):
        out[row.sip_call_id] = {"id": row.id, "method": row.method, "state": row.state,
                                "reason": row.reason, "target": {
                                    "kind": row.target_kind, "id": row.target_id,
                                    "number": row.target_number, "name": row.target_name}}
    return out


# -- the gateway's side -----------------------------------------------------------------------

def transfer_order(db: Session, transfer_id: int) -> dict | None:
    """What the gateway needs to execute a transfer (plain values), None when it is unknown."""
    from ..accounts.models import User

    row = db.get(Transfer, transfer_id)
    if row is None:
        return None
    by = db.get(User, row.user_id)
    shown = external_display_number(db, row.tenant_id, row.user_id) \
        if row.target_kind == "external" else None
    return {"id": row.id, "tenant_id": row.tenant_id, "user_id": row.user_id,
            "display_number": shown,
            "user_name": by.full_name if by else None, "method": row.method,
            "timeout_s": row.timeout_s, "state": row.state, "target_kind": row.target_kind,
            "target_id": row.target_id, "target_number": row.target_number,
            "target_name": row.target_name}


def transfer_progress(db: Session, transfer_id: int, state: str, reason: str | None = None
                      ) -> None:
    """The gateway reports a state; a transfer that has ended never changes again."""
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}")
    row = db.get(Transfer, transfer_id)
    if row is None or row.state in FINAL:
        return
    at = now()
    row.state, row.reason, row.updated_at = state, (reason or None) and reason[:200], at
    if state in FINAL:   # the live call's id is not the transfer's: it may go to a later call
        row.ended_at, row.call_id = at, None
    _changed(db, row)
    db.commit()



def target_status(db: Session, tenant_id: int, user_id: int, leg_sip_id: str | None = None):
    """A colleague's availability now (`why.TargetStatus`), None when they are not one.
    `leg_sip_id`: the transfer's own leg to them, which is not "another call"."""
    from ..accounts.models import Tenant, User
    from ..availability.services import current_state
    from .why import TargetStatus

    if db.scalar(select(User.id).where(User.id == user_id, User.tenant_id == tenant_id)) is None:
        return None
    _inputs, current = current_state(db, tenant_id, user_id)
    in_call = user_id in ports(db).in_call_user_ids(db, tenant_id, [user_id],
                                                    but_sip_call_id=leg_sip_id)
    tz = db.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id)) or "UTC"
    key = "available" if current.profile.is_default else current.profile.key
    return TargetStatus(key=key, name=current.profile.name,
                        until=current.until, in_call=in_call, timezone=tz)


def returned_why(db: Session, order: dict, reason: str | None) -> str:
    """The `transfer_returned` push's words: the colleague's status when it explains why."""
    from ..accounts.language import language_of_user
    from .why import why_returned

    status = None
    if order.get("target_kind") == "colleague" and order.get("target_id"):
        status = target_status(db, order["tenant_id"], order["target_id"],
                               order.get("leg_sip_id"))
    target = order.get("target_name") or order.get("target_number") or ""
    return why_returned(target, reason, status, now(),
                        language_of_user(db, order.get("tenant_id"), order.get("user_id")))


def order_for_command(db: Session, command_id: int) -> dict | None:
    """The transfer a `transfer` command asks for (the gateway, when it claims the command)."""
    from ..calls.models import CallCommand

    command = db.get(CallCommand, command_id)
    transfer_id = ((command and command.args) or {}).get("transfer_id")
    return transfer_order(db, int(transfer_id)) if transfer_id else None
