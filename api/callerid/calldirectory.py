"""The phone's own caller ID (iOS Call Directory, Android overlay): numbers as sorted int64.

A full load streams every number the user may see (colleagues, company contacts, the user's
personal contacts; not external registers) straight from the index, ordered by the number,
one entry per number (the most trusted label). An incremental load lists, for every number
touched since the version the phone holds, its current state: added (with its label) or
removed. The version is the id of the last relevant row of `directory_changes`.
"""
from __future__ import annotations

import json
from typing import Iterator

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .models import DirectoryChange, DirectoryNumber as DN

CHUNK = 1000
_quote = json.encoder.encode_basestring  # a JSON string literal (the C encoder)


def _visible(user_id: int):
    return or_(DN.owner_user_id.is_(None), DN.owner_user_id == user_id)


def version(db: Session, tenant_id: int, user_id: int) -> int:
    return db.scalar(select(DirectoryChange.id).where(
        DirectoryChange.tenant_id == tenant_id,
        or_(DirectoryChange.owner_user_id.is_(None), DirectoryChange.owner_user_id == user_id))
        .order_by(DirectoryChange.id.desc()).limit(1)) or 0


def label(name: str, company: str | None, kind: str) -> str:
    return f"{name} ({company})" if company and kind != "colleague" else name


def _entries_query(tenant_id: int, user_id: int):
    return (select(DN.num, DN.name, DN.company, DN.kind)
            .where(DN.tenant_id == tenant_id, DN.kind != "external", _visible(user_id))
            .order_by(DN.num, DN.rank))


def _unique(rows) -> Iterator[tuple[int, str]]:
    last = None
    for num, name, company, kind in rows:
        if num != last:
            last = num
            yield num, label(name, company, kind)


def stream_full(engine: Engine, tenant_id: int, user_id: int, at_version: int,
                enabled: bool = True) -> Iterator[str]:
    """The JSON document, in pieces, read with a server-side cursor (memory stays flat)."""
    yield '{"version":%d,"full":true,"removed":[],"entries":[' % at_version
    if enabled:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(
                _entries_query(tenant_id, user_id))
            first, buf = True, []
            for num, text in _unique(result):
                buf.append(f'{"" if first else ","}{{"number":{num},"label":{_quote(text)}}}')
                first = False
                if len(buf) >= CHUNK:
                    yield "".join(buf)
                    buf = []
            if buf:
                yield "".join(buf)
    yield "]}"


def changes_since(db: Session, tenant_id: int, user_id: int, since: int, at_version: int
                  ) -> dict:
    """Additions (number, label) and removals since `since`, as of `at_version`."""
    touched = sorted(set(db.scalars(select(DirectoryChange.num).where(
        DirectoryChange.tenant_id == tenant_id, DirectoryChange.id > since,
        DirectoryChange.id <= at_version,
        or_(DirectoryChange.owner_user_id.is_(None),
            DirectoryChange.owner_user_id == user_id)))))
    present: dict[int, str] = {}
    for i in range(0, len(touched), CHUNK):
        chunk = touched[i:i + CHUNK]
        rows = db.execute(_entries_query(tenant_id, user_id).where(DN.num.in_(chunk)))
        present.update(dict(_unique(rows)))
    return {"version": at_version, "full": False,
            "entries": [{"number": n, "label": present[n]} for n in touched if n in present],
            "removed": [n for n in touched if n not in present]}
