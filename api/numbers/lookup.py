"""Which owner a dialled number leads to: the gateway's one look-up on the registry.

A public number (E.164) is looked up across every company (it has one owner in the whole
system); a short number only inside the company of the colleague who dialled it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from ..core.db import Prepared


@dataclass(frozen=True, slots=True)
class Owner:
    tenant_id: int
    kind: str       # office, mobile, user_short, main, queue, queue_short, queue_service, ...
    owner_id: int   # the user, main number, queue; the company for its service numbers


def _public():
    from .models import NumberEntry
    return select(NumberEntry.tenant_id, NumberEntry.kind, NumberEntry.owner_id).where(
        NumberEntry.e164 == bindparam("number"))


def _short():
    from .models import NumberEntry
    return select(NumberEntry.tenant_id, NumberEntry.kind, NumberEntry.owner_id).where(
        NumberEntry.tenant_id == bindparam("tid"), NumberEntry.short == bindparam("short"))


_PUBLIC, _SHORT = Prepared(_public), Prepared(_short)


def public_owner(db, number: str | None) -> Owner | None:
    """The owner of a public number (E.164), in whichever company."""
    if not number:
        return None
    row = _PUBLIC.first(db, number=number)
    return None if row is None else Owner(*row)


def short_owner(db, tenant_id: int, short: str) -> Owner | None:
    """The owner of a short number inside one company."""
    if not short or not short.isdigit() or len(short) > 10:
        return None
    row = _SHORT.first(db, tid=tenant_id, short=short)
    return None if row is None else Owner(*row)
