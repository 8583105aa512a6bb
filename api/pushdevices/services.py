"""Use cases for push devices: register, list, remove, prune; the push log."""
from __future__ import annotations

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from push.ports import Target

from ..availability.appdevice import push_devices_going
from ..core.clock import now
from ..core.db import Prepared
from ..core.not_found import not_found
from .models import PushAttempt, PushDevice


def register(db: Session, tenant_id: int, user_id: int, session_id: int, body: dict
             ) -> PushDevice:
    """Register a token for the caller.

    The same user sending it again updates their row. A colleague's registration of the
    token (the phone changed hands inside the company) is removed and the caller gets a
    fresh row: a device id never passes from one user to another. Another company's
    registration of the token is neither read nor touched: that company sees no change.
    """
    at = now()
    device = db.scalar(select(PushDevice).where(PushDevice.tenant_id == tenant_id,
                                                PushDevice.token == body["token"]))
    if device is not None and device.user_id != user_id:
        push_devices_going(db, [device.id])
        db.delete(device)
        db.flush()
        device = None
    if device is None:
        device = PushDevice(tenant_id=tenant_id, user_id=user_id, token=body["token"],
                            created_at=at)
        db.add(device)
    device.session_id = session_id
    for key in ("platform", "token_kind", "app_id", "environment", "locale"):
        setattr(device, key, body.get(key))
    device.updated_at = at
    db.flush()
    return device


def my_devices(db: Session, tenant_id: int, user_id: int) -> list[PushDevice]:
    return list(db.scalars(select(PushDevice).where(
        PushDevice.tenant_id == tenant_id, PushDevice.user_id == user_id).order_by(PushDevice.id)))


def remove(db: Session, tenant_id: int, user_id: int, device_id: int) -> None:
    device = db.scalar(select(PushDevice).where(
        PushDevice.id == device_id, PushDevice.tenant_id == tenant_id,
        PushDevice.user_id == user_id))
    if device is None:
        raise not_found("push device", device_id)
    push_devices_going(db, [device.id])
    db.delete(device)


def on_sessions_revoked(db: Session, tenant_id: int, session_ids: list[int]) -> None:
    """Logout (or a revoked session) removes the devices that session registered (and the
    app devices they wake)."""
    going = PushDevice.tenant_id == tenant_id, PushDevice.session_id.in_(session_ids)
    push_devices_going(db, db.scalars(select(PushDevice.id).where(*going)))
    db.execute(delete(PushDevice).where(*going))


# -- for the push sender (`store.DeviceStore` runs them on sessions of its own) -------------
def _targets_statement():
    from sqlalchemy import bindparam

    from ..accounts.models import Tenant, User

    d = PushDevice
    return (select(User.settings, d.id, d.platform, d.token, d.token_kind, d.app_id,
                   d.environment, d.locale, User.language,
                   Tenant.language.label("company_language"))
            .join(Tenant, Tenant.id == User.tenant_id)
            .outerjoin(d, (d.user_id == User.id) & (d.tenant_id == User.tenant_id))
            .where(User.id == bindparam("uid"), User.tenant_id == bindparam("tid"))
            .order_by(d.id))


# it runs for every push, before the phone rings: prepared once, on the driver's cursor
_TARGETS = Prepared(_targets_statement)


def targets(db: Session, tenant_id: int, user_id: int) -> tuple[list[Target], dict]:
    """The user's devices and settings; none for an unknown user or another tenant's."""
    rows = _TARGETS.all(db, uid=user_id, tid=tenant_id)
    if not rows:
        return [], {}
    return ([Target(*row[1:]) for row in rows if row[1] is not None],
            dict(rows[0][0] or {}))


def prune(db: Session, device_id: int, token: str) -> None:
    """The provider said the token is dead: forget it at once (only if it was not re-sent),
    and the app device it woke."""
    going = PushDevice.id == device_id, PushDevice.token == token
    push_devices_going(db, db.scalars(select(PushDevice.id).where(*going)))
    db.execute(delete(PushDevice).where(*going))


def record(db: Session, attempts: list[dict]) -> None:
    # Core executemany: the ORM's bulk path costs more than the rows (the relay writes
    # hundreds a second)
    db.connection().execute(insert(PushAttempt.__table__), attempts)


def attempts_query(tenant_id: int, args: dict) -> Select:
    stmt = select(PushAttempt).where(PushAttempt.tenant_id == tenant_id)
    for key in ("user_id", "call_id", "kind", "outcome"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(PushAttempt, key) == args[key])
    return stmt.order_by(PushAttempt.at.desc(), PushAttempt.id.desc())

