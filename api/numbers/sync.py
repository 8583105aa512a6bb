"""The registry kept in step with its owners, inside the flush that changes them.

Whatever writes a user's, queue's, main number's or company's number (the admin API, the
CLI, the demo seed, a migration script run through the ORM) goes through this one place:
the rows it claims are checked and written in the same transaction, so the database's
unique constraints on `numbers` refuse a number that is owned elsewhere, and the refusal
is a neutral 409 that names the number asked for and nothing of its owner.
"""
from __future__ import annotations

from i18n import N_

from itertools import chain

from sqlalchemy import and_, delete, event, func, insert, inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import Conflict
from .models import NumberEntry, NumberSeries

_SPECS: dict | None = None


class NumberTaken(Conflict):
    """A number that is already owned. Says nothing of who owns it."""

    def __init__(self, number: str, field: str, *, short: bool = False):
        message = N_("The short number {number} is taken; choose another") if short else \
            N_("The number {number} is taken; choose another")
        super().__init__(message, extra={"field": field, "number": number},
                         values={"number": number})


def _specs() -> dict:
    """{model: (owner id of a row, tenant id of a row, ((kind, attribute), ...))}."""
    global _SPECS
    if _SPECS is None:
        from ..accounts.models import Tenant, User
        from ..availability.models import MainNumber
        from ..queues.models import Queue, QueueServiceNumber

        def own(o):
            return o.id

        def tenant_of(o):
            return o.tenant_id

        _SPECS = {
            User: (own, tenant_of, (("office", "office_number"), ("mobile", "mobile"),
                                    ("user_short", "short_number"))),
            Queue: (own, tenant_of, (("queue", "number"), ("queue_short", "short_number"))),
            MainNumber: (own, tenant_of, (("main", "number"),)),
            QueueServiceNumber: (tenant_of, tenant_of, (("queue_service", "number"),)),
            Tenant: (own, own, (("sms_service", "sms_service_number"),)),
        }
    return _SPECS


def changes(session: Session) -> tuple[list, list]:
    """(releases [(kind, owner_id)], claims [(tenant_id, kind, owner_id, number, field)])."""
    specs = _specs()
    releases, claims = [], []
    for obj in session.deleted:
        spec = specs.get(type(obj))
        if spec is not None:
            releases += [(kind, spec[0](obj)) for kind, _ in spec[2]]
    new = session.new
    for obj in chain(new, session.dirty):
        spec = specs.get(type(obj))
        if spec is None:
            continue
        owner_of, tenant_of, fields = spec
        attrs = inspect(obj).attrs
        is_new = obj in new
        for kind, field in fields:
            if not is_new:
                if not attrs[field].history.has_changes():
                    continue
                releases.append((kind, owner_of(obj)))
            value = getattr(obj, field)
            if value:
                claims.append((tenant_of(obj), kind, owner_of(obj), value, field))
    return releases, claims


def _is_feature_code(conn, tenant_id: int, short: str) -> bool:
    """A short number the company's phones would read as a profile's activation code."""
    from ..availability.models import Profile

    return conn.execute(select(Profile.id).where(
        Profile.tenant_id == tenant_id, Profile.activation_code == short).limit(1)).first() \
        is not None


def _in_others_series(conn, tenant_id: int | None, number: str) -> bool:
    """A public number inside a range another company has declared as its own."""
    where = [NumberSeries.kind == "public", NumberSeries.first <= number,
             NumberSeries.last >= number, func.length(NumberSeries.first) == len(number)]
    if tenant_id is not None:
        where.append(NumberSeries.tenant_id != tenant_id)
    return conn.execute(select(NumberSeries.id).where(*where).limit(1)).first() is not None


def check(session: Session, releases: list, claims: list) -> None:
    """Refuse, before anything is written, a claim on a number owned by someone else."""
    conn = session.connection()
    freed = set(releases)
    for tenant_id, kind, owner, number, field in claims:
        short = not number.startswith("+")
        if short:
            where = and_(NumberEntry.tenant_id == tenant_id, NumberEntry.short == number)
        else:
            where = NumberEntry.e164 == number
        holders = conn.execute(select(NumberEntry.kind, NumberEntry.owner_id).where(where)).all()
        if any((k, o) not in freed for k, o in holders) or (
                short and _is_feature_code(conn, tenant_id, number)) or (
                not short and _in_others_series(conn, tenant_id, number)):
            raise NumberTaken(number, field, short=short)


def apply(session: Session, releases: list, claims: list) -> None:
    """Write what the flush changed: the released rows go, the claimed ones come."""
    conn = session.connection()
    if releases:
        conn.execute(delete(NumberEntry).where(or_(*(
            and_(NumberEntry.kind == kind, NumberEntry.owner_id == owner)
            for kind, owner in releases))))
    for tenant_id, kind, owner, number, field in claims:
        short = not number.startswith("+")
        try:
            conn.execute(insert(NumberEntry).values(
                tenant_id=tenant_id, kind=kind, owner_id=owner,
                e164=None if short else number, short=number if short else None))
        except IntegrityError:  # claimed by a concurrent transaction, or twice in this one
            raise NumberTaken(number, field, short=short) from None


def _before_flush(session: Session, _context, _instances) -> None:
    releases, claims = changes(session)
    if claims:
        check(session, releases, claims)


def _after_flush(session: Session, _context) -> None:
    releases, claims = changes(session)
    if releases or claims:
        apply(session, releases, claims)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (("before_flush", _before_flush), ("after_flush", _after_flush)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
