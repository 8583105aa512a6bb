"""Who is this number, for this user: one indexed query, then external sources within a deadline."""
from __future__ import annotations

import time
from types import SimpleNamespace

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from ..core.phone import try_e164
from . import sources
from .index import EXTERNAL_RANK
from .models import DirectoryNumber as DN, ExternalSource
from .sources import Hit

DEFAULT_DEADLINE_S = 0.8
SOURCE_OF = {"colleague": ("colleague", "Company directory"),
             "contact": ("company_contact", "Company directory"),
             "personal": ("personal_contact", "My contacts")}

_BEST = (select(DN.kind, DN.owner_id, DN.e164, DN.label, DN.name, DN.company, DN.title,
                DN.department, DN.address, DN.rank)
         .where(DN.tenant_id == bindparam("t"), DN.num == bindparam("n"),
                or_(DN.owner_user_id.is_(None), DN.owner_user_id == bindparam("u")))
         .order_by(DN.rank).limit(1))


def _user_context(db: Session, tenant_id: int, user_id: int | None):
    from ..accounts.models import Tenant, User

    if user_id is None:  # a queue call nobody has taken yet: the company's view
        country = db.scalar(select(Tenant.country).where(Tenant.id == tenant_id))
        return None if country is None else SimpleNamespace(country=country, settings={})
    return db.execute(select(Tenant.country, User.settings).join(User, User.tenant_id == Tenant.id)
                      .where(User.id == user_id, User.tenant_id == tenant_id)).first()


def parse_number(number: str | None, region: str) -> tuple[str | None, str | None]:
    """(E.164 or None, short number or None). E.164 input skips the slow parser."""
    text = (number or "").strip()
    if text.startswith("+") and text[1:].isdigit() and 8 <= len(text) <= 16:
        return text, None
    short = text if text.isdigit() and 2 <= len(text) <= 8 else None
    return try_e164(text[:40], region), short


def _row_hit(row, source_names: dict[int, str] | None = None) -> Hit:
    if row.kind == "external":
        source, name = "external", (source_names or {}).get(row.owner_id, "External register")
    else:
        source, name = SOURCE_OF[row.kind]
    return Hit(name=row.name, number=row.e164, source=source, source_name=name,
               company=row.company, title=row.title, department=row.department,
               address=row.address, label=row.label,
               user_id=row.owner_id if row.kind == "colleague" else None,
               contact_id=row.owner_id if row.kind in ("contact", "personal") else None)


def _short_number_hit(db: Session, tenant_id: int, short: str) -> Hit | None:
    from ..accounts.models import User

    user = db.scalar(select(User).where(User.tenant_id == tenant_id, User.short_number == short))
    if user is None:
        return None
    return Hit(name=user.full_name, number=short, source="colleague",
               source_name="Company directory", title=user.title, department=user.department,
               label="short number", user_id=user.id)


def lookup(db: Session, tenant_id: int, user_id: int | None, number: str | None,
           deadline_s: float = DEFAULT_DEADLINE_S, *, respect_setting: bool = True) -> Hit | None:
    """Who `number` is for this user, or None (unknown).

    Order of trust: colleagues, company contacts, the user's personal contacts, then external
    sources in their configured order (registers and HTTP sources alike). Numbers match in
    E.164 whatever form they were stored or dialled in; short numbers resolve to colleagues.
    HTTP sources are asked only when nothing more trusted matched, and never past the deadline.
    With the user's "number lookup" setting off the answer is None.
    """
    deadline = time.monotonic() + max(0.0, deadline_s)
    ctx = _user_context(db, tenant_id, user_id)
    if ctx is None or (respect_setting and not (ctx.settings or {}).get("number_lookup", True)):
        return None
    e164, short = parse_number(number, ctx.country)
    row = None
    if e164:
        row = db.execute(_BEST, {"t": tenant_id, "n": int(e164[1:]), "u": user_id}).first()
        if row is not None and row.kind != "external":
            return _row_hit(row)
    if short and (row is None):
        hit = _short_number_hit(db, tenant_id, short)
        if hit is not None:
            return hit
    if not e164:
        return None
    return _ask_external(db, tenant_id, e164, row, deadline)


def _ask_external(db: Session, tenant_id: int, e164: str, register_row, deadline: float
                  ) -> Hit | None:
    rows = list(db.scalars(select(ExternalSource).where(ExternalSource.tenant_id == tenant_id,
                                                        ExternalSource.enabled.is_(True))
                           .order_by(ExternalSource.position, ExternalSource.id)))
    names = {r.id: r.name for r in rows}
    fallback = _row_hit(register_row, names) if register_row is not None else None
    limit = register_row.rank if register_row is not None else None
    live = []
    for r in rows:
        if r.kind == "register":
            continue
        if limit is not None and EXTERNAL_RANK + r.position >= limit:
            continue  # the register that already answered is more trusted
        built = sources.build(r)
        if built is not None:
            live.append(built)
    return sources.ask_in_order(live, e164, deadline) or fallback
