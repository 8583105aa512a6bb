"""The periodic sync gives each feed its own time and memory budget: a hostile feed in one
company does not stop another company's feed from syncing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.availability.calendar_runner import OVER_BUDGET, Budget, sync_all
from api.availability.models import BusyPeriod, Calendar
from api.core import clock
from tests.security.test_calendar_bomb import bomb
from tests.support.api import make_company
from tests.support.probe_http import ProbeServer

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
WEEKLY = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\n"
          "UID:review@x\r\nDTSTART:20261116T104500Z\r\nDTEND:20261116T113000Z\r\n"
          "RRULE:FREQ=WEEKLY\r\nSUMMARY:Weekly review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _feed(db, app, url: str) -> Calendar:
    company = make_company(app)
    from api.accounts.models import User
    user = db.query(User).filter_by(mobile=company.users["alice"]).one()
    row = Calendar(tenant_id=company.tenant_id, user_id=user.id, url=url, source="url",
                   created_at=MONDAY_NOON)
    db.add(row)
    db.commit()
    return row


@pytest.fixture
def servers():
    with ProbeServer() as good, ProbeServer() as hostile:
        good.body = WEEKLY.encode()
        yield good, hostile


def test_a_stalled_feed_is_failed_after_its_budget_and_the_other_company_still_syncs(
        app, db, servers):
    clock.freeze(MONDAY_NOON)
    good, hostile = servers
    stalled = _feed(db, app, f"http://127.0.0.1:{hostile.port}/stall")
    fine = _feed(db, app, f"http://127.0.0.1:{good.port}/cal.ics")
    assert sync_all(db, app.config["SETTINGS"], Budget(seconds=3, workers=1)) == 1
    db.refresh(stalled)
    db.refresh(fine)
    assert stalled.last_error == OVER_BUDGET and stalled.synced_at is None
    assert fine.last_error is None and fine.events == 9
    assert db.query(BusyPeriod).filter_by(user_id=fine.user_id).count() == 9


def test_a_recurrence_bomb_feed_is_failed_with_its_reason_and_the_other_company_still_syncs(
        app, db, servers):
    clock.freeze(MONDAY_NOON)
    good, hostile = servers
    hostile.body = bomb().encode()
    bombed = _feed(db, app, f"http://127.0.0.1:{hostile.port}/cal.ics")
    fine = _feed(db, app, f"http://127.0.0.1:{good.port}/cal.ics")
    assert sync_all(db, app.config["SETTINGS"], Budget(seconds=10, workers=1)) == 1
    db.refresh(bombed)
    db.refresh(fine)
    assert bombed.last_error.startswith("The calendar was refused: the events repeat too often")
    assert db.query(BusyPeriod).filter_by(user_id=bombed.user_id).count() == 0
    assert fine.events == 9
