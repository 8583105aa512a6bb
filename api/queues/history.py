"""Service level over time: a queue's calls per day or per hour of a date range (company
time zone), each bucket with calls, answered, missed and the service level."""
from __future__ import annotations

from i18n import N_

from datetime import date, datetime, time as day_time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.clock import as_utc, now
from ..core.errors import field_error
from .memberprefs import zone
from .models import Queue, QueueCall
from .status import service_level

MAX_DAYS = {"day": 366, "hour": 31}


def service_levels(db: Session, queue: Queue, first: date | None, last: date | None,
                   by: str) -> list[dict]:
    """One bucket per day or hour from `first` to `last` (both included), empty ones too;
    by default the last seven days up to today."""
    tz = zone(db, queue.tenant_id)
    last = last or now().astimezone(tz).date()
    first = first or last - timedelta(days=6)
    if last < first:
        raise field_error("to", N_("must not be before from"))
    if (last - first).days + 1 > MAX_DAYS[by]:
        raise field_error("to", N_("at most {n} days by {by}"), n=MAX_DAYS[by], by=by)
    start = datetime.combine(first, day_time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), day_time(0), tzinfo=tz)
    rows = db.execute(select(QueueCall.status, QueueCall.entered_at, QueueCall.answered_at)
                      .where(QueueCall.tenant_id == queue.tenant_id,
                             QueueCall.queue_id == queue.id,
                             QueueCall.entered_at >= start, QueueCall.entered_at < end,
                             QueueCall.ended_at.is_not(None)))
    buckets: dict[datetime, list] = {}
    for st, entered, answered in rows:
        local = as_utc(entered).astimezone(tz)
        key = local.replace(minute=0, second=0, microsecond=0, tzinfo=None) if by == "hour" \
            else datetime.combine(local.date(), day_time(0))
        buckets.setdefault(key, []).append((st, as_utc(entered),
                                            as_utc(answered) if answered else None))
    out = []
    step = timedelta(hours=1) if by == "hour" else timedelta(days=1)
    cursor = datetime.combine(first, day_time(0))
    while cursor < datetime.combine(last + timedelta(days=1), day_time(0)):
        figures = service_level(buckets.get(cursor, []), queue.service_level_s)
        out.append({"start": cursor.replace(tzinfo=tz), "calls": figures["calls_today"],
                    "answered": figures["answered_today"], "missed": figures["missed_today"],
                    "service_level_pct": figures["service_level_pct"]})
        cursor += step
    return out
