"""Calendar sync: an iCalendar feed (URL) or an uploaded ICS file sets "In a meeting".

Busy events (not transparent, not cancelled, not all-day) are expanded with
recurring-ical-events over a window (a day back, `HORIZON` ahead) and stored as busy periods;
the routing decision reads them. A feed is re-read by `POST /api/v1/me/calendar/sync` or by
the periodic runner (`python -m api.availability.calendar_sync`), which also expands an
uploaded file again so its recurring meetings keep coming.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import requests
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant
from ..core.clock import now
from ..core.errors import AppError, NotFound, field_error
from .models import BusyPeriod, Calendar
from .services import touch

HORIZON = timedelta(days=60)
MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 5000
log = logging.getLogger("api.availability.calendar")


class CalendarUnreachable(AppError):
    status = 502
    title = "Bad gateway"
    type_slug = "calendar-unreachable"


def busy_periods(ics: str, tz_name: str, start: datetime, end: datetime
                 ) -> list[tuple[datetime, datetime, str]]:
    """(start, end, summary) of the busy events between start and end, in UTC."""
    try:
        cal = icalendar.Calendar.from_ical(ics)
        events = recurring_ical_events.of(cal).between(start, end)
    except Exception as exc:  # the libraries raise many kinds on malformed input
        raise field_error("ics", f"not a readable iCalendar file ({type(exc).__name__})")
    tz = ZoneInfo(tz_name)
    out = []
    for ev in events:
        if str(ev.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT" or \
                str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue
        s = ev.get("DTSTART")
        e = ev.get("DTEND")
        if s is None or e is None or not isinstance(s.dt, datetime) \
                or not isinstance(e.dt, datetime):
            continue  # all-day events do not make anyone "in a meeting"
        s_dt = s.dt if s.dt.tzinfo else s.dt.replace(tzinfo=tz)
        e_dt = e.dt if e.dt.tzinfo else e.dt.replace(tzinfo=tz)
        if e_dt <= s_dt:
            continue
        out.append((s_dt.astimezone(timezone.utc), e_dt.astimezone(timezone.utc),
                    str(ev.get("SUMMARY", ""))[:200]))
        if len(out) >= MAX_EVENTS:
            break
    return out


def check_host(url: str, settings) -> str:
    """The URL to fetch, if its host may be read: the allow-list `PBX_CALENDAR_HOSTS` when set
    (loopback only in tests), otherwise any host with only public addresses (no SSRF)."""
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    allowed = settings.extra.get("PBX_CALENDAR_HOSTS")
    if allowed is None and settings.env == "test":
        allowed = "127.0.0.1,localhost"
    if allowed is not None:
        if host not in {h.strip() for h in allowed.split(",") if h.strip()}:
            raise field_error("url", f"calendar feeds from {host or 'this host'} are not allowed")
        return url
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError, ValueError):
        raise field_error("url", f"the host {host!r} cannot be found")
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global
                                for a in addresses):
        raise field_error("url", "calendar feeds must come from a public address")
    return url


def fetch(url: str) -> str:
    """The feed's text (http/https only, bounded in time and size)."""
    try:
        with requests.get(url, timeout=(3, 10), stream=True,
                          headers={"Accept": "text/calendar"}) as resp:
            if resp.status_code != 200:
                raise CalendarUnreachable(f"The calendar feed answered HTTP {resp.status_code}")
            body = b""
            for chunk in resp.iter_content(65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise CalendarUnreachable("The calendar feed is larger than 2 MB")
    except (requests.RequestException, ValueError) as exc:
        raise CalendarUnreachable(f"The calendar feed could not be read ({type(exc).__name__})")
    return body.decode("utf-8", errors="replace")


def get_calendar(db: Session, tenant_id: int, user_id: int) -> Calendar:
    row = db.get(Calendar, user_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("No calendar is connected: PUT a feed URL or an ICS file")
    return row


def _store(db: Session, tenant: Tenant, user_id: int, row: Calendar, ics: str) -> Calendar:
    at = now()
    periods = busy_periods(ics, tenant.timezone, at - timedelta(days=1), at + HORIZON)
    db.execute(delete(BusyPeriod).where(BusyPeriod.user_id == user_id,
                                        BusyPeriod.tenant_id == tenant.id))
    db.add_all(BusyPeriod(tenant_id=tenant.id, user_id=user_id, starts_at=s, ends_at=e,
                          summary=summary) for s, e, summary in periods)
    row.synced_at, row.last_error, row.events = at, None, len(periods)
    touch(db, user_id)
    db.commit()
    return row


def _row(db: Session, tenant_id: int, user_id: int) -> Calendar:
    row = db.get(Calendar, user_id)
    if row is None:
        row = Calendar(tenant_id=tenant_id, user_id=user_id, created_at=now())
        db.add(row)
    return row


def connect_url(db: Session, settings, tenant: Tenant, user_id: int, url: str) -> Calendar:
    check_host(url, settings)
    row = _row(db, tenant.id, user_id)
    row.url, row.source, row.ics = url, "url", None
    return sync(db, settings, tenant, user_id, row)


def upload(db: Session, tenant: Tenant, user_id: int, ics: str) -> Calendar:
    row = _row(db, tenant.id, user_id)
    row.url, row.source, row.ics = None, "upload", ics
    return _store(db, tenant, user_id, row, ics)


def sync(db: Session, settings, tenant: Tenant, user_id: int,
         row: Calendar | None = None) -> Calendar:
    row = row or get_calendar(db, tenant.id, user_id)
    if not row.url:  # an uploaded file: expand it again over the coming weeks
        return _store(db, tenant, user_id, row, row.ics or "")
    try:
        return _store(db, tenant, user_id, row, fetch(check_host(row.url, settings)))
    except AppError as exc:
        row.last_error = exc.detail
        db.commit()
        raise


def disconnect(db: Session, tenant_id: int, user_id: int) -> None:
    row = get_calendar(db, tenant_id, user_id)
    db.execute(delete(BusyPeriod).where(BusyPeriod.user_id == user_id,
                                        BusyPeriod.tenant_id == tenant_id))
    db.delete(row)
    touch(db, user_id)
    db.commit()


def sync_all(db: Session, settings) -> int:
    """Re-read every feed (the periodic runner). Returns how many were read."""
    done = 0
    for row, tenant in db.execute(select(Calendar, Tenant).join(Tenant, Tenant.id ==
                                                                Calendar.tenant_id)
                                  .where(Calendar.source.in_(("url", "upload")))).all():
        try:
            sync(db, settings, tenant, row.user_id, row)
            done += 1
        except AppError as exc:
            log.warning("calendar sync failed", extra={"user_id": row.user_id,
                                                       "error": exc.detail})
    return done


def main() -> None:  # pragma: no cover - the runner's loop
    import argparse
    import time

    from ..config import Settings
    from ..core.db import make_engine, make_session_factory
    from ..core.logs import configure_logging

    ap = argparse.ArgumentParser(description="Re-read every calendar feed periodically")
    ap.add_argument("--every", type=int, default=900, help="seconds between rounds")
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args()
    configure_logging()
    settings = Settings.from_env()
    factory = make_session_factory(make_engine(settings.database_url))
    while True:
        with factory() as db:
            log.info("calendar sync round", extra={"feeds": sync_all(db, settings)})
        if args.once:
            return
        time.sleep(args.every)


if __name__ == "__main__":  # pragma: no cover
    main()
