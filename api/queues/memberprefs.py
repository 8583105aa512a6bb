"""A member's settings per queue: which of their devices ring for it (their choice), and
the login schedule an administrator sets (applied whenever the queue looks at its members:
before it decides whom to ring and when its status is read)."""
from __future__ import annotations

from i18n import N_

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..availability.models import Device
from ..core.clock import now
from ..core.errors import field_error
from . import loginschedule
from .membership import apply_login, memberships
from .models import QueueMember


def zone(db: Session, tenant_id: int) -> ZoneInfo:
    name = db.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id)) or "UTC"
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def apply_schedules(db: Session, tenant_id: int, members: list[QueueMember]) -> bool:
    """Log members in or out where their schedule passed an edge since it last acted.
    Returns whether anything changed (the caller commits)."""
    scheduled = [m for m in members if m.login_schedule]
    if not scheduled:
        return False
    local = now().astimezone(zone(db, tenant_id))
    changed = False
    for m in scheduled:
        want = loginschedule.change(loginschedule.parse(m.login_schedule), local,
                                    m.schedule_state)
        if want is None:
            continue
        m.schedule_state = want
        apply_login([m], want, None)
        changed = True
    return changed


def settle_user(db: Session, tenant_id: int, user_id: int) -> None:
    """Apply the schedules of one user's memberships (before showing their queues)."""
    if apply_schedules(db, tenant_id, memberships(db, tenant_id, user_id, None)):
        db.commit()


def settle_queue(db: Session, tenant_id: int, queue_id: int) -> None:
    rows = list(db.scalars(select(QueueMember).where(QueueMember.tenant_id == tenant_id,
                                                     QueueMember.queue_id == queue_id)))
    if apply_schedules(db, tenant_id, rows):
        db.commit()


def set_schedule(member: QueueMember, windows: list[dict] | None) -> None:
    """A new schedule acts from now: a member inside a window is logged in at once."""
    member.login_schedule = windows or None
    member.schedule_state = None


def set_devices(db: Session, tenant_id: int, user_id: int, queue_id: int,
                device_ids: list[int] | None) -> QueueMember:
    """Which of my devices ring for this queue (None: all of them). Only my own devices:
    anyone else's id is refused like an id nobody has."""
    member = memberships(db, tenant_id, user_id, [queue_id])[0]
    if device_ids is not None:
        mine = set(db.scalars(select(Device.id).where(Device.tenant_id == tenant_id,
                                                      Device.user_id == user_id)))
        unknown = sorted(set(device_ids) - mine)
        if unknown:
            raise field_error("device_ids", N_("not your device(s): {ids}"),
                              ids=", ".join(map(str, unknown)))
        device_ids = sorted(set(device_ids))
    member.device_ids = device_ids
    db.commit()
    return member


def ringing_devices(db: Session, tenant_id: int, queue_id: int, user_ids) -> dict[int, set]:
    """{user id: the device ids chosen for this queue} of those who chose (others: all)."""
    rows = db.execute(select(QueueMember.user_id, QueueMember.device_ids).where(
        QueueMember.tenant_id == tenant_id, QueueMember.queue_id == queue_id,
        QueueMember.user_id.in_(list(user_ids)))) if user_ids else []
    return {uid: set(ids) for uid, ids in rows if ids is not None}
