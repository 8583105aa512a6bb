"""Calendar sync: an iCalendar feed (URL) or an uploaded ICS file sets "In a meeting".

Busy events (not transparent, not cancelled, not all-day) are expanded over a window (a day
back, `HORIZON` ahead) within the bounds of `calendar_bounds` and stored as busy periods; the
routing decision reads them. Feeds are read through the outbound guard (`core.outbound`):
public addresses only, unless the host is in `PBX_CALENDAR_HOSTS`. A feed is re-read by
`POST /api/v1/me/calendar/sync` or by the periodic runner (`calendar_runner`), which also
expands an uploaded file again so its recurring meetings keep coming.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..core.clock import now
from ..core.errors import AppError, NotFound, field_error
from ..core.outbound import Guard, OutboundFailed, Refused, ResponseTooLarge, guard_for
from .calendar_bounds import MAX_BYTES, busy_periods, read_bounded  # noqa: F401 - re-exported
from .models import BusyPeriod, Calendar
from .services import touch

HORIZON = timedelta(days=60)
HOSTS_VARIABLE = "PBX_CALENDAR_HOSTS"
log = logging.getLogger("api.availability.calendar")


class CalendarUnreachable(AppError):
    status = 502
    title = N_("Bad gateway")
    type_slug = "calendar-unreachable"


UNREADABLE = N_("The calendar feed could not be read")


def guard(settings) -> Guard:
    return guard_for(settings, HOSTS_VARIABLE, max_bytes=MAX_BYTES)


def window(at: datetime) -> tuple[datetime, datetime]:
    return at - timedelta(days=1), at + HORIZON


def feed_url(url: str) -> str:
    return "https://" + url[len("webcal://"):] if url.lower().startswith("webcal://") else url


def check_host(url: str, settings) -> str:
    """The URL to fetch, if it may be read: http(s), a sane port, and a host whose addresses
    are all public, or a host the operator allowed in `PBX_CALENDAR_HOSTS` (a 422 if not)."""
    url = feed_url(url)
    try:
        guard(settings).check_url(url)
    except Refused as exc:
        raise field_error("url", exc.reason)
    return url


def fetch(url: str, settings) -> str:
    """The feed's text, through the outbound guard (bounded in time and size)."""
    try:
        status, body = guard(settings).get(url, {"Accept": "text/calendar"})
    except ResponseTooLarge:
        raise field_error("url", N_("the calendar feed is larger than 2 MB"))
    except OutboundFailed:
        raise CalendarUnreachable(UNREADABLE)
    if status != 200:
        raise CalendarUnreachable(N_("The calendar feed answered HTTP {status}"),
                                  values={"status": status})
    return body.decode("utf-8", errors="replace")


def get_calendar(db: Session, tenant_id: int, user_id: int) -> Calendar:
    row = db.get(Calendar, user_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound(N_("No calendar is connected: PUT a feed URL or an ICS file"))
    return row


def _store(db: Session, tenant: Tenant, user_id: int, row: Calendar, ics: str,
           field: str) -> Calendar:
    at = now()
    periods = read_bounded(ics, tenant.timezone, *window(at), field=field)
    return store_periods(db, tenant, user_id, row, periods, at)


def store_periods(db: Session, tenant: Tenant, user_id: int, row: Calendar, periods: list,
                  at: datetime) -> Calendar:
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
    return _store(db, tenant, user_id, row, ics, "ics")


def sync(db: Session, settings, tenant: Tenant, user_id: int,
         row: Calendar | None = None) -> Calendar:
    row = row or get_calendar(db, tenant.id, user_id)
    if not row.url:  # an uploaded file: expand it again over the coming weeks
        return _store(db, tenant, user_id, row, row.ics or "", "ics")
    try:
        return _store(db, tenant, user_id, row, fetch(check_host(row.url, settings), settings),
                      "url")
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
