"""Fixed-window rate limits stored in the database, so every worker and host shares them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .clock import now
from .db import begin_write


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)
    count: int


def _counter_model():
    from ..accounts.models import RateCounter
    return RateCounter


def peek(session: Session, key: str, limit: int, window_s: int) -> Verdict:
    """Would one more hit be allowed? Does not count."""
    model = _counter_model()
    row = session.get(model, key)
    at = now()
    if row is None or at - row.window_start >= timedelta(seconds=window_s):
        return Verdict(True, 0, 0)
    if row.count >= limit:
        return Verdict(False, _remaining(row.window_start, window_s, at), row.count)
    return Verdict(True, 0, row.count)


def hit(session: Session, key: str, limit: int, window_s: int, amount: int = 1) -> Verdict:
    """Count `amount` hits (one by default); refuse them all when the window cannot hold
    them within `limit`.

    The row is locked (SELECT ... FOR UPDATE on PostgreSQL) so concurrent workers count right.
    The caller commits.
    """
    model = _counter_model()
    at = now()
    begin_write(session)
    for _attempt in range(3):
        try:
            with session.begin_nested():
                row = session.scalar(select(model).where(model.key == key).with_for_update())
                if row is None:
                    row = model(key=key, window_start=at, count=0)
                    session.add(row)
                elif at - row.window_start >= timedelta(seconds=window_s):
                    row.window_start, row.count = at, 0
                if row.count + amount > limit:
                    return Verdict(False, _remaining(row.window_start, window_s, at), row.count)
                row.count += amount
                session.flush()
                return Verdict(True, 0, row.count)
        except IntegrityError:  # another worker created the row first: count again
            continue
    raise RuntimeError(f"rate counter {key!r} kept conflicting")


def reset(session: Session, key: str) -> None:
    row = session.get(_counter_model(), key)
    if row is not None:
        session.delete(row)


def _remaining(start, window_s: int, at) -> int:
    return max(1, int((start + timedelta(seconds=window_s) - at).total_seconds() + 0.999))
