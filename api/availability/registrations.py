"""Which of a user's devices can ring now: a softphone or desk phone whose address is its
address of record at the SIP edge (`sip:<its SIP user name>@...`) rings only where it has
registered; the edge writes each registration to the `location` table (usrloc `db_mode` 1,
times in UTC; on SQLite Kamailio writes them as Julian day numbers). A device with a static
address elsewhere is not asked about."""
from __future__ import annotations

from sqlalchemy import String, and_, exists, func, literal, select
from sqlalchemy.orm import Session

from ..core.clock import now
from .models import Device, EdgeLocation
from .sipcreds import SIP_KINDS


def unreachable_devices(db: Session, tenant_id: int, user_id: int) -> frozenset[int]:
    """The user's enabled devices at their address of record with no live registration."""
    at_aor = Device.sip_uri.like(literal("sip:", String) + Device.sip_username + "@%")
    if db.get_bind().dialect.name == "sqlite":
        live = func.julianday(EdgeLocation.expires) > func.julianday("now")
    else:
        live = EdgeLocation.expires > now().replace(tzinfo=None)
    registered = exists().where(and_(EdgeLocation.username == Device.sip_username, live))
    return frozenset(db.scalars(select(Device.id).where(
        Device.tenant_id == tenant_id, Device.user_id == user_id, Device.enabled.is_(True),
        Device.kind.in_(SIP_KINDS), Device.sip_username.is_not(None), at_aor,
        ~registered)).all())
