"""A transfer the user's own phone asked for (SIP REFER during a call): the number it
referred to becomes the same transfer the app would start, for the gateway to execute at
once. A colleague is found by their short, office or mobile number; any other valid number
is external (`attended`: the phone has already joined the caller to its consultation call,
so the transfer is recorded completed). Refusals are the app's own (no such call or
colleague, the call not answered, a transfer already running, a transfer to oneself), for
the gateway to answer in SIP."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.errors import Conflict, NotFound, ValidationFailed
from ..core.not_found import not_found
from ..core.phone import normalise_field
from . import services

REFUSALS = ((NotFound, 404), (Conflict, 403), (ValidationFailed, 403))


def target_by_number(db: Session, tenant, number: str) -> dict | None:
    """The app's transfer target (`{"kind": ...}`) for a number dialled on a phone; None
    when it is neither a colleague's short number nor a phone number."""
    from ..accounts.models import User

    by_short = db.scalar(select(User.id).where(User.tenant_id == tenant.id,
                                               User.short_number == number))
    if by_short is not None:
        return {"kind": "colleague", "id": by_short}
    try:
        e164 = normalise_field("target.number", number, tenant.country)
    except ValidationFailed:
        return None
    colleague = db.scalar(select(User.id).where(
        User.tenant_id == tenant.id, or_(User.office_number == e164, User.mobile == e164)))
    if colleague is not None:
        return {"kind": "colleague", "id": colleague}
    return {"kind": "external", "number": e164}


def start(db: Session, live_call_id: int, number: str, method: str = "blind") -> dict:
    """`{"order": ...}` (what the gateway executes, as for the app's transfers) or
    `{"refused": SIP status, "why": ...}`."""
    from ..accounts.models import Tenant, User
    from ..calls.models import LiveCall

    try:
        call = db.get(LiveCall, live_call_id) if live_call_id is not None else None
        if call is None or call.user_id is None:
            raise not_found("live call", live_call_id)
        tenant, user = db.get(Tenant, call.tenant_id), db.get(User, call.user_id)
        target = target_by_number(db, tenant, number)
        if target is None:
            return {"refused": 404, "why": f"no colleague or number {number[:32]}"}
        row = services.start(db, tenant, user, call.id, {"target": target, "method": method},
                             None, command=False)
    except (NotFound, Conflict, ValidationFailed) as exc:   # raised before anything was added
        status = next(code for kind, code in REFUSALS if isinstance(exc, kind))
        return {"refused": status, "why": str(getattr(exc, "detail", exc))[:200]}
    return {"order": services.transfer_order(db, row.id)}


def attended(db: Session, live_call_id: int, number: str) -> dict:
    """An attended transfer the phone made itself (REFER with Replaces: the gateway has
    already joined the caller to the party of the phone's consultation call, `number`): the
    transfer recorded, completed, for the call log. `start`'s answer."""
    result = start(db, live_call_id, number, "attended")
    if "order" in result:
        services.transfer_progress(db, result["order"]["id"], "completed")
    return result
