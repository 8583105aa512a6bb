"""Calendar sync against a feed served by a local HTTP server (never the internet)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.core import clock
from tests.support.api import auth, make_company

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)  # 12:00 in Oslo
FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//feed//EN
BEGIN:VEVENT
UID:standup@test
DTSTART;TZID=Europe/Oslo:20261116T114500
DTEND;TZID=Europe/Oslo:20261116T123000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Weekly review
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTART;TZID=Europe/Oslo:20261124T090000
DTEND;TZID=Europe/Oslo:20261124T100000
TRANSP:TRANSPARENT
SUMMARY:Focus time (free)
END:VEVENT
BEGIN:VEVENT
UID:allday@test
DTSTART;VALUE=DATE:20261125
SUMMARY:Conference
END:VEVENT
END:VCALENDAR
"""


class _Feed(BaseHTTPRequestHandler):
    body = FEED.encode()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path != "/cal.ics":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def alice(app, client):
    clock.freeze(MONDAY_NOON)
    company = make_company(app)
    return auth(client, company.users["alice"])


def test_a_recurring_meeting_in_my_feed_puts_me_in_a_meeting_until_it_ends(client, alice,
                                                                            feed_url):
    r = client.put("/api/v1/me/calendar", headers=alice, json={"url": feed_url + "/cal.ics"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["events"] >= 9  # every Monday of the next two months
    state = client.get("/api/v1/me/availability", headers=alice).get_json()
    assert (state["profile"]["key"], state["source"]) == ("meeting", "calendar")
    assert state["until"].startswith("2026-11-23T11:30:00")
    plan = client.get("/api/v1/me/routing-preview", headers=alice).get_json()
    assert plan["steps"][0]["text"] == "The person you are calling is in a meeting until 12:30 PM."


def test_free_and_all_day_events_do_not_make_me_busy(client, alice, feed_url):
    client.put("/api/v1/me/calendar", headers=alice, json={"url": feed_url + "/cal.ics"})
    for day, hour in ((24, 8), (25, 11)):  # focus time (free) and the all-day conference
        at = datetime(2026, 11, day, hour, 30, tzinfo=timezone.utc).isoformat()
        plan = client.get("/api/v1/me/routing-preview", headers=alice,
                          query_string={"at": at}).get_json()
        assert plan["profile_name"] == "Available", plan


def test_an_uploaded_ics_file_works_like_a_feed_and_can_be_disconnected(client, alice):
    r = client.put("/api/v1/me/calendar/ics", headers=alice, json={"ics": FEED})
    assert r.status_code == 200 and r.get_json()["source"] == "upload"
    assert client.get("/api/v1/me/availability", headers=alice).get_json()["source"] == \
        "calendar"
    assert client.delete("/api/v1/me/calendar", headers=alice).status_code == 204
    assert client.get("/api/v1/me/availability", headers=alice).get_json()["source"] == \
        "default"
    assert client.get("/api/v1/me/calendar", headers=alice).status_code == 404


def test_a_feed_that_cannot_be_read_is_a_502_and_remembered(client, alice, feed_url):
    r = client.put("/api/v1/me/calendar", headers=alice, json={"url": feed_url + "/gone.ics"})
    assert r.status_code == 502 and r.content_type == "application/problem+json"
    assert "HTTP 404" in client.get("/api/v1/me/calendar", headers=alice).get_json()["last_error"]


def test_garbage_instead_of_ics_is_a_422(client, alice):
    r = client.put("/api/v1/me/calendar/ics", headers=alice, json={"ics": "not a calendar"})
    assert r.status_code == 422


def test_the_meeting_ends_by_itself(client, alice):
    client.put("/api/v1/me/calendar/ics", headers=alice, json={"ics": FEED})
    plan = client.get("/api/v1/me/routing-preview", headers=alice,
                      query_string={"at": (MONDAY_NOON + timedelta(minutes=31)).isoformat()})
    assert plan.get_json()["profile_name"] == "Available"


def test_the_periodic_runner_picks_up_a_changed_feed(app, client, alice, feed_url, db):
    from api.availability.calendar_runner import sync_all
    client.put("/api/v1/me/calendar", headers=alice, json={"url": feed_url + "/cal.ics"})
    assert client.get("/api/v1/me/availability", headers=alice).get_json()["source"] == \
        "calendar"
    _Feed.body = FEED.replace("RRULE:FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=WEEKLY;BYDAY=TU") \
        .replace("20261116T", "20261117T").encode()
    try:
        assert sync_all(db, app.config["SETTINGS"]) == 1
    finally:
        _Feed.body = FEED.encode()
    state = client.get("/api/v1/me/availability", headers=alice).get_json()
    assert state["source"] == "default"
    assert client.get("/api/v1/me/calendar", headers=alice).get_json()["events"] >= 8


def test_a_feed_on_another_host_is_refused_in_tests(client, alice):
    r = client.put("/api/v1/me/calendar", headers=alice,
                   json={"url": "https://calendar.example.invalid/feed.ics"})
    assert r.status_code == 422
