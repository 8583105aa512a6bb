"""Logging in and out of queues, pause and wrap-up: for oneself, for colleagues, by the
availability profile and by remote login. One service for all of them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant, User
from ..core.clock import now
from ..core.db import get_scoped
from ..core.errors import Conflict, NotFound
from ..core.phone import normalise_field, try_e164
from .models import Queue, QueueMember, RemoteLoginNumber
from .services import commit_or_conflict


def memberships(db: Session, tenant_id: int, user_id: int,
                queue_ids: list[int] | None, *, strict: bool = True) -> list[QueueMember]:
    """The user's memberships in the chosen queues (None: all of them).

    With `strict`, a queue the user is not a member of (or another company's) is a 404.
    """
    stmt = select(QueueMember).where(QueueMember.tenant_id == tenant_id,
                                     QueueMember.user_id == user_id)
    if queue_ids is not None:
        stmt = stmt.where(QueueMember.queue_id.in_(set(queue_ids)))
    rows = list(db.scalars(stmt.order_by(QueueMember.queue_id)))
    if strict and queue_ids is not None:
        missing = sorted(set(queue_ids) - {m.queue_id for m in rows})
        if missing:
            raise NotFound(N_("Not a member of queue(s) {ids}"), extra={"queue_ids": missing},
                           values={"ids": ", ".join(map(str, missing))})
    return rows


def apply_login(rows: list[QueueMember], logged_in: bool, by_user_id: int | None) -> list[int]:
    """Set the login state; returns the queue ids that changed. Does not commit."""
    changed = []
    at = now()
    for m in rows:
        if m.logged_in != logged_in:
            changed.append(m.queue_id)
            m.logged_in = logged_in
            m.changed_at, m.changed_by_user_id = at, by_user_id
        if logged_in:
            m.paused, m.pause_reason = False, None
        m.logged_out_by_profile = False
    return changed


def set_login(db: Session, tenant_id: int, user_id: int, queue_ids: list[int] | None,
              logged_in: bool, *, by_user_id: int) -> list[QueueMember]:
    """Log a user in or out of one, several or all (None) of their queues."""
    get_scoped(db, User, user_id, tenant_id, "user")
    rows = memberships(db, tenant_id, user_id, queue_ids)
    apply_login(rows, logged_in, by_user_id)
    db.commit()
    return rows


def set_pause(db: Session, tenant_id: int, user_id: int, queue_ids: list[int] | None,
              paused: bool, reason: str | None = None) -> list[QueueMember]:
    rows = memberships(db, tenant_id, user_id, queue_ids)
    at = now()
    for m in rows:
        if paused and not m.logged_in:
            continue  # pausing is for logged-in members; the others stay logged out
        m.paused, m.pause_reason = paused, (reason if paused else None)
        m.changed_at, m.changed_by_user_id = at, user_id
    db.commit()
    return rows


# -- wrap-up ---------------------------------------------------------------------------------

def start_wrapup(db: Session, tenant_id: int, user_id: int, seconds: int) -> None:
    """After a queue call the member gets no queue call for `seconds` (in every queue)."""
    at = now()
    until = at + timedelta(seconds=seconds) if seconds > 0 else None
    for m in memberships(db, tenant_id, user_id, None):
        m.wrapup_until = until
        m.idle_since = at


def extend_wrapup(db: Session, tenant_id: int, user_id: int, extra_s: int) -> list[QueueMember]:
    rows = memberships(db, tenant_id, user_id, None)
    at = now()
    current = [m for m in rows if m.wrapup_until is not None and m.wrapup_until > at]
    if not current:
        raise Conflict(N_("You are not in wrap-up"))
    extendable = set(db.scalars(select(Queue.id).where(
        Queue.id.in_([m.queue_id for m in current]), Queue.wrapup_extendable.is_(True))))
    if not extendable:
        raise Conflict(N_("These queues do not let members extend the wrap-up"))
    until = max(m.wrapup_until for m in current) + timedelta(seconds=extra_s)
    for m in rows:
        m.wrapup_until = until
    db.commit()
    return rows


def end_wrapup(db: Session, tenant_id: int, user_id: int) -> list[QueueMember]:
    """Ready now: the wrap-up ends early."""
    rows = memberships(db, tenant_id, user_id, None)
    for m in rows:
        m.wrapup_until = None
    db.commit()
    return rows


# -- availability profiles -------------------------------------------------------------------

def _ids(value) -> list[int] | None:
    """A profile's queue list: "all" (None) or ids; anything else selects nothing."""
    if value == "all":
        return None
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value if isinstance(v, int) or str(v).isdigit()]
    return []


def on_availability_changed(db: Session, tenant_id: int, user_id: int, old: dict | None,
                            new: dict | None) -> None:
    """Profile queue behaviour: log out of the profile's queues (remembering which), and log
    back in to them on returning to the default (Available) profile. Runs in the caller's
    transaction."""
    new = new or {}
    if new.get("is_default"):
        back = [m for m in memberships(db, tenant_id, user_id, None) if m.logged_out_by_profile]
        apply_login(back, True, user_id)
    if "queue_login" in new and new["queue_login"]:
        apply_login(memberships(db, tenant_id, user_id, _ids(new["queue_login"]), strict=False),
                    True, user_id)
    logout = new.get("queue_logout")
    if logout:
        rows = [m for m in memberships(db, tenant_id, user_id, _ids(logout), strict=False)
                if m.logged_in]
        apply_login(rows, False, user_id)
        for m in rows:
            m.logged_out_by_profile = True
    db.flush()


# -- remote login ----------------------------------------------------------------------------

@dataclass
class RemoteLoginResult:
    known: bool
    user_id: int | None = None
    logged_in: bool | None = None
    queue_ids: list[int] = field(default_factory=list)
    announcement: str = ""
    language: str = "en"      # the company's: the caller hears it in that language


def _caller(db: Session, tenant: Tenant, number: str | None) -> User | None:
    if number is None:
        return None
    user = db.scalar(select(User).where(User.tenant_id == tenant.id, User.mobile == number))
    if user is not None:
        return user
    return db.scalar(select(User).join(RemoteLoginNumber, RemoteLoginNumber.user_id == User.id)
                     .where(RemoteLoginNumber.tenant_id == tenant.id,
                            RemoteLoginNumber.number == number))


def toggle_remote_login(db: Session, tenant_id: int, caller_number: str) -> RemoteLoginResult:
    """A call to the queue service number: toggle the caller's login to their default queues.

    Logged in to any default queue -> logged out of all of them; otherwise logged in to all.
    An unregistered phone changes nothing and is told so.
    """
    from babel.lists import format_list

    from i18n import caller_language, tr

    tenant = db.get(Tenant, tenant_id)
    lang = caller_language(tenant.language if tenant else None)
    number = try_e164(caller_number, tenant.country) if tenant else None
    user = _caller(db, tenant, number) if tenant else None
    if user is None:
        return RemoteLoginResult(False, announcement=tr(
            lang, "This phone is not registered for queue login. Nothing has changed."),
            language=lang)
    rows = [m for m in memberships(db, tenant_id, user.id, None) if m.is_default]
    if not rows:
        return RemoteLoginResult(True, user.id, None, [],
                                 tr(lang, "You are not a member of any queue."), lang)
    logging_in = not any(m.logged_in for m in rows)
    apply_login(rows, logging_in, user.id)
    db.commit()
    names = list(db.scalars(select(Queue.name).where(Queue.id.in_([m.queue_id for m in rows]))
                            .order_by(Queue.name)))
    listed = format_list(names, locale=lang)
    text = (tr(lang, "You are now logged in to {queues}.", queues=listed) if logging_in
            else tr(lang, "You are now logged out of {queues}.", queues=listed))
    return RemoteLoginResult(True, user.id, logging_in, sorted(m.queue_id for m in rows), text,
                             lang)


def add_remote_number(db: Session, tenant: Tenant, user_id: int, raw: str) -> RemoteLoginNumber:
    number = normalise_field("number", raw, tenant.country)
    taken = db.scalar(select(User.id).where(User.tenant_id == tenant.id, User.mobile == number))
    if taken is not None and taken != user_id:
        raise Conflict(N_("{number} is a colleague's mobile"), extra={"field": "number"},
                       values={"number": number})
    row = RemoteLoginNumber(tenant_id=tenant.id, user_id=user_id, number=number)
    db.add(row)
    commit_or_conflict(db, N_("{number} is already registered"), "number", number=number)
    return row


def on_user_copied(db: Session, template: User, user: User) -> None:
    """Subscriber of USER_COPIED: the new user joins the template's queues with the same
    priority, logged out until they log in."""
    for theirs in db.scalars(select(QueueMember).where(
            QueueMember.tenant_id == template.tenant_id, QueueMember.user_id == template.id)):
        db.add(QueueMember(tenant_id=user.tenant_id, queue_id=theirs.queue_id, user_id=user.id,
                           priority=theirs.priority, is_default=theirs.is_default,
                           logged_in=False, changed_by_user_id=None))
    db.flush()
