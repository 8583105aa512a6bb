"""Use cases for queue administration: queues, their settings and their members."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts import permissions as perms
from ..accounts.models import Tenant, User
from ..core.db import get_scoped
from ..core.errors import Conflict, Forbidden, NotFound, field_error
from ..core.phone import normalise_field
from .models import Queue, QueueMember, QueueServiceNumber


def _normalise(tenant: Tenant, data: dict[str, Any]) -> dict[str, Any]:
    if "number" in data:
        data["number"] = normalise_field("number", data["number"], tenant.country)
    if "vip_numbers" in data:
        data["vip_numbers"] = list(dict.fromkeys(
            normalise_field("vip_numbers", n, tenant.country) for n in data["vip_numbers"]))
    if "shown_main_number" in data:
        data["shown_main_number"] = normalise_field("shown_main_number",
                                                    data["shown_main_number"], tenant.country)
    if data.get("short_number") == "":
        data["short_number"] = None
    return data


OVERFLOW_MISSING = {"queue": N_("no queue with id {id} in this company"),
                    "user": N_("no user with id {id} in this company")}


def _check_overflow(db: Session, queue: Queue) -> None:
    """The overflow destination exists in this company: another company's user or queue id
    is refused exactly like an id nobody has."""
    kind, target = queue.overflow_kind, queue.overflow_target
    if kind in ("number", "queue", "user") and not target:
        raise field_error("overflow_target", N_("is required when overflow_kind is {kind}"),
                          kind=kind)
    if kind not in ("queue", "user"):
        return
    model = Queue if kind == "queue" else User
    found = target.isdigit() and len(target) < 10 and db.scalar(select(model.id).where(
        model.id == int(target), model.tenant_id == queue.tenant_id)) is not None
    if not found:
        raise field_error("overflow_target", OVERFLOW_MISSING[kind], id=target)
    if kind == "queue" and queue.id is not None and int(target) == queue.id:
        raise field_error("overflow_target", N_("a queue cannot overflow into itself"))


def _check_shown(db: Session, queue: Queue) -> None:
    """A main number shown to members is one of the company's own (never another's)."""
    from ..availability.models import MainNumber

    if queue.shown_number == "main" and not queue.shown_main_number:
        raise field_error("shown_main_number", N_("is required when shown_number is main"))
    if queue.shown_main_number and db.scalar(select(MainNumber.id).where(
            MainNumber.tenant_id == queue.tenant_id,
            MainNumber.number == queue.shown_main_number)) is None:
        raise field_error("shown_main_number", N_("{number} is not one of the company's main "
                                                  "numbers"), number=queue.shown_main_number)


def commit_or_conflict(db: Session, message: str, field: str, **values) -> None:
    """Commit; a unique constraint that fails is a 409 naming the field."""
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict(message, extra={"field": field}, values=values)


def _commit(db: Session) -> None:
    commit_or_conflict(db, N_("A queue with that name exists"), "name")


def create_queue(db: Session, tenant: Tenant, data: dict[str, Any]) -> Queue:
    queue = Queue(tenant_id=tenant.id, **_normalise(tenant, dict(data)))
    _check_overflow(db, queue)
    _check_shown(db, queue)
    db.add(queue)
    _commit(db)
    return queue


def update_queue(db: Session, tenant: Tenant, queue: Queue, data: dict[str, Any]) -> Queue:
    for key, value in _normalise(tenant, dict(data)).items():
        setattr(queue, key, value)
    with db.no_autoflush:
        _check_overflow(db, queue)
        _check_shown(db, queue)
    _commit(db)
    return queue


def delete_queue(db: Session, queue: Queue) -> None:
    db.delete(queue)
    db.commit()


def list_queues(db: Session, tenant_id: int, *, include_hidden: bool) -> list[Queue]:
    stmt = select(Queue).where(Queue.tenant_id == tenant_id)
    if not include_hidden:
        stmt = stmt.where(Queue.hide_from_switchboard.is_(False))
    return list(db.scalars(stmt.order_by(Queue.name, Queue.id)))


# -- members -----------------------------------------------------------------------------

def get_user(db: Session, tenant_id: int, user_id: int) -> User:
    return get_scoped(db, User, user_id, tenant_id, "user")


def get_member(db: Session, queue: Queue, user_id: int) -> QueueMember:
    member = db.scalar(select(QueueMember).where(QueueMember.queue_id == queue.id,
                                                 QueueMember.user_id == user_id,
                                                 QueueMember.tenant_id == queue.tenant_id))
    if member is None:
        raise NotFound(N_("User {user} is not a member of queue {queue}"),
                       values={"user": user_id, "queue": queue.id})
    return member


def set_member(db: Session, queue: Queue, user_id: int, data: dict[str, Any]
               ) -> tuple[QueueMember, bool]:
    """Add a user to a queue or change their priority; returns (member, created)."""
    get_user(db, queue.tenant_id, user_id)
    member = db.scalar(select(QueueMember).where(QueueMember.queue_id == queue.id,
                                                 QueueMember.user_id == user_id))
    created = member is None
    if created:
        member = QueueMember(tenant_id=queue.tenant_id, queue_id=queue.id, user_id=user_id)
        db.add(member)
    data = dict(data)
    if "login_schedule" in data:
        # a new schedule acts from now: inside a window the member is logged in at once
        member.login_schedule = data.pop("login_schedule") or None
        member.schedule_state = None
    for key, value in data.items():
        setattr(member, key, value)
    db.commit()
    return member, created


def remove_member(db: Session, queue: Queue, user_id: int) -> None:
    get_user(db, queue.tenant_id, user_id)
    db.delete(get_member(db, queue, user_id))
    db.commit()


def members_with_users(db: Session, queue: Queue) -> list[tuple[QueueMember, User]]:
    rows = db.execute(select(QueueMember, User).join(User, User.id == QueueMember.user_id)
                      .where(QueueMember.queue_id == queue.id,
                             QueueMember.tenant_id == queue.tenant_id)
                      .order_by(QueueMember.priority, User.first_name, User.last_name, User.id))
    return [(m, u) for m, u in rows]


def is_member(db: Session, queue: Queue, user_id: int) -> bool:
    return db.scalar(select(QueueMember.id).where(QueueMember.queue_id == queue.id,
                                                  QueueMember.user_id == user_id)) is not None


def check_can_watch(db: Session, principal, queue: Queue) -> None:
    """Members, team leaders and queue administrators may see a queue's members and log."""
    if principal.can(perms.MANAGE_QUEUES) or principal.can(perms.LOG_OTHERS_IN_QUEUES):
        return
    if not is_member(db, queue, principal.user_id):
        raise Forbidden(N_("You are not a member of queue {queue}"), values={"queue": queue.id})


# -- numbers the gateway answers -------------------------------------------------------------

def service_number(db: Session, tenant_id: int) -> str | None:
    return db.scalar(select(QueueServiceNumber.number)
                     .where(QueueServiceNumber.tenant_id == tenant_id))


def set_service_number(db: Session, tenant: Tenant, raw: str | None) -> str | None:
    """Set or clear (None) the company's queue service number."""
    number = normalise_field("number", raw, tenant.country)
    row = db.scalar(select(QueueServiceNumber).where(QueueServiceNumber.tenant_id == tenant.id))
    if number is None:
        if row is not None:
            db.delete(row)
        db.commit()
        return None
    if row is None:
        row = QueueServiceNumber(tenant_id=tenant.id, number=number)
        db.add(row)
    row.number = number
    commit_or_conflict(db, N_("The number {number} is taken"), "number", number=number)
    return number
