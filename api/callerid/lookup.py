"""Who is this number, for this user: one indexed query, then external sources by a deadline."""
from __future__ import annotations

import json
import re
import time
from collections import namedtuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import Reads, orm, run_reads
from ..core.phone import try_e164
from . import sources
from .index import EXTERNAL_RANK
from .models import ExternalSource
from .sources import Hit

DEFAULT_DEADLINE_S = 0.8
SOURCE_OF = {"colleague": ("colleague", "Company directory"),
             "contact": ("company_contact", "Company directory"),
             "personal": ("personal_contact", "My contacts")}

_COLUMNS = """t.country, d.kind, d.owner_id, d.e164, d.label, d.name, d.company, d.title,
       d.department, d.address, d.rank,
       (SELECT s.name FROM external_sources s
         WHERE s.id = d.owner_id AND d.kind = 'external') AS source_name,
       (SELECT COUNT(*) FROM external_sources s WHERE s.tenant_id = t.id AND s.enabled = :on
           AND s.kind <> 'register') AS live"""
# The hot path: the user's settings, the company's country, the most trusted number row and
# whether any live (HTTP) source exists, in one indexed round trip without ORM overhead.
_FOR_USER = f"""SELECT u.settings, {_COLUMNS}
FROM users u JOIN tenants t ON t.id = u.tenant_id
LEFT JOIN directory_numbers d ON d.tenant_id = u.tenant_id AND d.num = :n
     AND (d.owner_user_id IS NULL OR d.owner_user_id = u.id)
WHERE u.id = :u AND u.tenant_id = :t ORDER BY d.rank LIMIT 1"""
_FOR_COMPANY = f"""SELECT NULL AS settings, {_COLUMNS}
FROM tenants t
LEFT JOIN directory_numbers d ON d.tenant_id = t.id AND d.num = :n AND d.owner_user_id IS NULL
WHERE t.id = :t ORDER BY d.rank LIMIT 1"""
_PYFORMAT: dict[str, str] = {}
NOT_READ = object()
_Row = namedtuple("_Row", "settings country kind owner_id e164 label name company title "
                          "department address rank source_name live")


class BestRow:
    """The lookup's indexed read (a read for `run_reads`): the user's settings, the
    company's country, the most trusted number row, whether a live source exists."""

    __slots__ = ("sql", "params")
    one_row, width = True, len(_Row._fields)

    def __init__(self, tenant_id: int, user_id: int | None, num: int) -> None:
        self.sql = _FOR_COMPANY if user_id is None else _FOR_USER
        self.params = {"t": tenant_id, "u": user_id, "n": num, "on": True}

    def statement(self, dialect) -> tuple[str, dict]:
        sql = self.sql
        if dialect.paramstyle == "pyformat":  # psycopg
            sql = _PYFORMAT.get(sql) or _PYFORMAT.setdefault(
                sql, re.sub(r":(\w+)", r"%(\1)s", sql))
        return sql, self.params

    def result(self, _dialect, raw: list):
        return _Row(*raw[0]) if raw else None


def first_read(tenant_id: int, user_id: int, number: str | None) -> BestRow | None:
    """The lookup's first read for a number in E.164, to send along with the login check
    (on PostgreSQL one round trip for both); None for other input, whose read waits for
    the company's country."""
    text = (number or "").strip()
    return BestRow(tenant_id, user_id, int(text[1:])) if _is_e164(text) else None


def _best_row(db: Session | Reads, tenant_id: int, user_id: int | None, num: int):
    return run_reads(db, (BestRow(tenant_id, user_id, num),))[0]


def _settings(raw) -> dict:
    if isinstance(raw, str):
        raw = json.loads(raw)
    return raw if isinstance(raw, dict) else {}


def _is_e164(text: str) -> bool:
    return text.startswith("+") and _ascii_digits(text[1:]) and 8 <= len(text) <= 16


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_number(number: str | None, region: str) -> tuple[str | None, str | None]:
    """(E.164 or None, short number or None). E.164 input skips the slow parser."""
    text = (number or "").strip()
    if _is_e164(text):
        return text, None
    short = text if _ascii_digits(text) and 2 <= len(text) <= 8 else None
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


def _short_number_hit(db: Session | Reads, tenant_id: int, short: str) -> Hit | None:
    from ..accounts.models import User

    user = orm(db).scalar(select(User).where(User.tenant_id == tenant_id, User.short_number == short))
    if user is None:
        return None
    return Hit(name=user.full_name, number=short, source="colleague",
               source_name="Company directory", title=user.title, department=user.department,
               label="short number", user_id=user.id)


def lookup(db: Session | Reads, tenant_id: int, user_id: int | None, number: str | None,
           deadline_s: float = DEFAULT_DEADLINE_S, *, respect_setting: bool = True,
           read=NOT_READ) -> Hit | None:
    """Who `number` is for this user, or None (unknown).

    Order of trust: colleagues, company contacts, the user's personal contacts, then external
    sources in their configured order (registers and HTTP sources alike). Numbers match in
    E.164 whatever form they were stored or dialled in; short numbers resolve to colleagues.
    HTTP sources are asked only when nothing more trusted matched, and never past the deadline.
    With the user's "number lookup" setting off the answer is None. `read` is the result
    of `first_read` when it was already read (with the login check).
    """
    deadline = time.monotonic() + max(0.0, deadline_s)
    text = (number or "").strip()
    e164, short = (text, None) if _is_e164(text) else (None, None)
    row = _best_row(db, tenant_id, user_id, int(e164[1:]) if e164 else 0) \
        if read is NOT_READ else read
    if row is None:  # no such user in this company
        return None
    if respect_setting and not _settings(row.settings).get("number_lookup", True):
        return None
    if e164 is None:
        e164, short = parse_number(text, row.country)
        if e164:
            row = _best_row(db, tenant_id, user_id, int(e164[1:]))
    if row.kind is not None and row.kind != "external":
        return _row_hit(row)
    if short and row.kind is None:
        hit = _short_number_hit(db, tenant_id, short)
        if hit is not None:
            return hit
    if not e164:
        return None
    register = row if row.kind == "external" else None
    if not row.live:
        return _row_hit(row, {row.owner_id: row.source_name}) if register else None
    return _ask_external(db, tenant_id, e164, register, deadline)


def _ask_external(db: Session | Reads, tenant_id: int, e164: str, register_row, deadline: float
                  ) -> Hit | None:
    rows = list(orm(db).scalars(select(ExternalSource).where(ExternalSource.tenant_id == tenant_id,
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
