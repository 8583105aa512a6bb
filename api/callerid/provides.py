"""What the caller-id feature does for other features: who a number is for lists (the
`caller_hits` port) and the queue log of every queue call that ends (a subscriber)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calllog import QUEUE_EVENTS, record_queue_event
from .lookup import lookup
from .models import Contact, DirectoryNumber

VIP_TAG = "vip"


def vip_caller(db: Session, tenant_id: int, number: str) -> bool:
    """Is the number one of a company contact tagged "vip" (any case)? Queues put such
    callers first. Personal contacts do not count: the queue is the company's."""
    if not number or not number.startswith("+") or not number[1:].isdigit() \
            or len(number) > 20:
        return False
    rows = db.scalars(select(Contact.tags).join(
        DirectoryNumber, (DirectoryNumber.owner_id == Contact.id)
        & (DirectoryNumber.kind == "contact"))
        .where(DirectoryNumber.tenant_id == tenant_id, DirectoryNumber.num == int(number[1:]),
               Contact.tenant_id == tenant_id, Contact.owner_user_id.is_(None)))
    return any(VIP_TAG in {str(t).strip().lower() for t in tags or ()} for tags in rows)


def caller_hits(db: Session, tenant_id: int, user_id: int | None, numbers) -> dict:
    """Who each number is, for lists (the callback list): the company's and the user's own
    sources and registers, never a live HTTP source (a list must not wait on one)."""
    out = {}
    for number in dict.fromkeys(n for n in numbers if n):
        hit = lookup(db, tenant_id, user_id, number, 0.0)
        if hit is not None:
            out[number] = hit.as_dict()
    return out


def log_queue_call(db: Session, tenant_id: int, queue_id: int, event: str, detail: dict) -> None:
    """Every queue call that ends lands in the queue log, with who called."""
    if event not in QUEUE_EVENTS:
        return
    name = detail.get("caller_name")
    record_queue_event(db, tenant_id, queue_id, event, caller_number=detail.get("caller_number"),
                       call_id=detail.get("call_ref"), member_user_id=detail.get("member_user_id"),
                       transferred_to=detail.get("transferred_to"), wait_s=detail.get("wait_s"),
                       at=detail.get("at"), hit={"name": name} if name else None, commit=False)
