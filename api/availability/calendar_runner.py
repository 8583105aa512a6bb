"""The periodic calendar sync: every connected feed read again, each within its own budget.

Each feed is fetched and expanded in a process of its own (a small pool, one task per
process) that is killed past `--feed-seconds` and cannot grow past `--feed-memory-mb`, so a
hostile or stalled feed costs one slot for that long and every other company's feed still
syncs. A feed over budget is recorded as failed with a neutral reason. Uploaded files are
expanded again the same way, so their recurring meetings keep coming.

Run: `python -m api.availability.calendar_runner --every 900`.
"""
from __future__ import annotations

import concurrent.futures
import logging
from dataclasses import dataclass

from pebble import ProcessExpired, ProcessPool
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..core.clock import now
from ..core.outbound import OutboundFailed, ResponseTooLarge
from .calendar_bounds import CalendarRefused, busy_periods, limit_memory
from .calendar_sync import UNREADABLE, feed_url, guard, store_periods, window
from .models import Calendar

log = logging.getLogger("api.availability.calendar")
OVER_BUDGET = "The calendar feed could not be read within its time and memory budget"


@dataclass(frozen=True)
class Budget:
    seconds: float = 20.0          # fetch and expansion of one feed
    memory: int = 512 * 1024 * 1024
    workers: int = 2               # feeds read at the same time


def _read(url: str | None, ics: str | None, feed_guard, tz_name: str, start, end,
          memory: int) -> tuple[str, object]:
    """In the worker process: ("ok", periods) or ("failed", reason)."""
    limit_memory(memory)
    try:
        if url is not None:
            status, body = feed_guard.get(feed_url(url), {"Accept": "text/calendar"})
            if status != 200:
                return "failed", f"The calendar feed answered HTTP {status}"
            ics = body.decode("utf-8", errors="replace")
        return "ok", busy_periods(ics or "", tz_name, start, end)
    except ResponseTooLarge:
        return "failed", "The calendar feed is larger than 2 MB"
    except OutboundFailed:
        return "failed", UNREADABLE
    except CalendarRefused as exc:
        return "failed", f"The calendar was refused: {exc}"
    except MemoryError:
        return "failed", OVER_BUDGET


def sync_all(db: Session, settings, budget: Budget = Budget()) -> int:
    """Re-read every feed and uploaded file. Returns how many were read."""
    rows = db.execute(select(Calendar, Tenant).join(Tenant, Tenant.id == Calendar.tenant_id)
                      .where(Calendar.source.in_(("url", "upload")))).all()
    if not rows:
        return 0
    at = now()
    start, end = window(at)
    feed_guard = guard(settings)
    done = 0
    with ProcessPool(max_workers=budget.workers, max_tasks=1) as pool:
        jobs = [(row, tenant, pool.schedule(
            _read, (row.url if row.source == "url" else None, row.ics, feed_guard,
                    tenant.timezone, start, end, budget.memory), timeout=budget.seconds))
            for row, tenant in rows]
        for row, tenant, job in jobs:
            try:
                kind, value = job.result()
            except (concurrent.futures.TimeoutError, ProcessExpired, MemoryError):
                kind, value = "failed", OVER_BUDGET
            if kind == "ok":
                store_periods(db, tenant, row.user_id, row, value, at)
                done += 1
            else:
                row.last_error = value
                db.commit()
                log.warning("calendar sync failed", extra={"user_id": row.user_id,
                                                           "error": value})
    return done


def main() -> None:  # pragma: no cover - the runner's loop
    import argparse
    import time

    from bootstrap import calendar_runner

    from ..config import Settings

    ap = argparse.ArgumentParser(description="Re-read every calendar feed periodically")
    ap.add_argument("--every", type=int, default=900, help="seconds between rounds")
    ap.add_argument("--feed-seconds", type=float, default=Budget.seconds,
                    help="time one feed may take (fetch and expansion)")
    ap.add_argument("--feed-memory-mb", type=int, default=Budget.memory // 2 ** 20,
                    help="memory one feed's reading may add")
    ap.add_argument("--workers", type=int, default=Budget.workers,
                    help="feeds read at the same time")
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args()
    settings = Settings.from_env()
    budget = Budget(seconds=args.feed_seconds, memory=args.feed_memory_mb * 2 ** 20,
                    workers=max(1, args.workers))
    factory = calendar_runner(settings.database_url).sessions
    while True:
        with factory() as db:
            log.info("calendar sync round", extra={"feeds": sync_all(db, settings, budget)})
        if args.once:
            return
        time.sleep(args.every)


if __name__ == "__main__":  # pragma: no cover
    main()
