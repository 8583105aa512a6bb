"""Which of a user's devices can ring now: a softphone or desk phone whose address is its
address of record at the SIP edge (`sip:<its SIP user name>@...`) rings only where it has
registered; the edge writes each registration to the `location` table (usrloc `db_mode` 1,
times in UTC; on SQLite Kamailio writes them as Julian day numbers). A device with a static
address elsewhere is not asked about. An app device is never left out: with no registration
the push wakes it and the edge holds the call until it registers."""
from __future__ import annotations

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from ..core.clock import now
from ..core.db import Prepared, run_reads
from ..core.prepared import Bound
from .models import Device, EdgeLocation

PHONE_KINDS = ("softphone", "deskphone")  # rung only where registered (not woken by push)


def _statement(dialect: str):
    at_aor = Device.sip_uri.like(literal("sip:", String) + Device.sip_username + "@%")
    if dialect == "sqlite":
        live = func.julianday(EdgeLocation.expires) > func.julianday("now")
    else:
        live = EdgeLocation.expires > bindparam("now", type_=EdgeLocation.expires.type)
    registered = exists().where(and_(EdgeLocation.username == Device.sip_username, live))
    # one row, the ids joined by commas (NULL for none): it may go with other reads
    ids = func.group_concat(Device.id) if dialect == "sqlite" else \
        func.string_agg(cast(Device.id, String), literal(",", String))
    return select(ids.label("ids")).where(
        Device.tenant_id == bindparam("tid"), Device.user_id == bindparam("uid"),
        Device.enabled.is_(True), or_(*(Device.kind == kind for kind in PHONE_KINDS)),
        Device.sip_username.is_not(None), at_aor, ~registered)


# asked on every call routed and every routing preview: prepared once per dialect
_UNREACHABLE = Prepared(_statement, per_dialect=True, one_row=True)


def unreachable_read(tenant_id: int, user_id: int) -> Bound:
    """The read behind `unreachable_devices`, to send with others (`run_reads`); its rows
    give the ids through `unreachable_of`."""
    return _UNREACHABLE.bound(tid=tenant_id, uid=user_id, now=now().replace(tzinfo=None))


def unreachable_of(rows: list) -> frozenset[int]:
    ids = rows[0][0] if rows else None
    return frozenset(int(i) for i in ids.split(",")) if ids else frozenset()


def unreachable_devices(db: Session, tenant_id: int, user_id: int) -> frozenset[int]:
    """The user's enabled devices at their address of record with no live registration."""
    return unreachable_of(run_reads(db, (unreachable_read(tenant_id, user_id),))[0])
