"""A user points their calendar feed at this machine: no trick reaches the internal server,
neither when the URL is saved nor when the feed is read again later."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.availability.calendar_runner import sync_all
from api.availability.models import Calendar
from api.core import clock, outbound
from tests.security.conftest import NAMES, tricks
from tests.support.api import auth, make_company
from tests.support.probe_http import NotHttp, ProbeServer, closed_port

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
def alice(app, client):
    clock.freeze(MONDAY_NOON)
    company = make_company(app)
    return auth(client, company.users["alice"])


def _calendar_reason(client, headers):
    return client.get("/api/v1/me/availability", headers=headers).get_json()


def test_every_spelling_of_this_machine_is_refused_when_the_feed_is_saved(
        client, alice, strict, internal, internal6):
    for url in tricks(internal.port, internal6.port):
        r = client.put("/api/v1/me/calendar", headers=alice, json={"url": url})
        assert r.status_code == 422, (url, r.get_json())
        assert r.content_type == "application/problem+json"
        assert r.get_json()["errors"]["url"], url
    assert internal.requests == [] and internal6.requests == []
    assert client.get("/api/v1/me/calendar", headers=alice).status_code == 404


def test_the_allowed_feed_host_is_read_so_the_counting_server_can_be_reached(
        client, alice, strict, internal):
    r = client.put("/api/v1/me/calendar", headers=alice,
                   json={"url": f"http://feeds.invalid:{internal.port}/cal.ics"})
    assert r.status_code == 200, r.get_json()
    assert internal.requests == ["/cal.ics"]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_from_an_allowed_feed_to_this_machine_is_not_followed(
        client, alice, strict, internal, code):
    with ProbeServer() as feed:
        url = (f"http://feeds.invalid:{feed.port}/redirect?code={code}"
               f"&to=http://127.0.0.1:{internal.port}/cal.ics")
        r = client.put("/api/v1/me/calendar", headers=alice, json={"url": url})
        assert r.status_code == 502, r.get_json()
        assert feed.count == 1
    assert internal.requests == []
    state = _calendar_reason(client, alice)
    assert state["source"] != "calendar" and "INTERNAL" not in str(state)


def test_a_redirect_to_another_allowed_address_is_followed(client, alice, strict, internal):
    with ProbeServer() as feed:
        url = (f"http://feeds.invalid:{feed.port}/redirect?code=302"
               f"&to=http://feeds.invalid:{internal.port}/cal.ics")
        r = client.put("/api/v1/me/calendar", headers=alice, json={"url": url})
    assert r.status_code == 200, r.get_json()
    assert internal.requests == ["/cal.ics"]


def test_a_name_that_moved_to_this_machine_after_it_was_saved_is_refused_at_every_read(
        app, client, alice, strict, internal, db):
    """The URL was accepted while its name pointed elsewhere (DNS rebinding)."""
    r = client.put("/api/v1/me/calendar", headers=alice,
                   json={"url": f"http://feeds.invalid:{internal.port}/cal.ics"})
    assert r.status_code == 200 and internal.count == 1
    row = db.query(Calendar).one()
    row.url = f"http://moved.invalid:{internal.port}/cal.ics"
    db.commit()
    with outbound.use_resolver({**NAMES, "moved.invalid": ["127.0.0.1"]}):
        r = client.post("/api/v1/me/calendar/sync", headers=alice)
        assert r.status_code == 422 and r.get_json()["errors"]["url"], r.get_json()
        assert sync_all(db, app.config["SETTINGS"]) == 0
    assert internal.count == 1
    db.refresh(row)
    assert row.last_error == "The calendar feed could not be read"


def test_the_answer_is_the_same_for_open_closed_and_non_http_ports(client, alice, strict,
                                                                   internal):
    with NotHttp() as smtp:
        ports = {"open": internal.port, "closed": closed_port(), "not http": smtp.port}
        saved = {kind: client.put("/api/v1/me/calendar", headers=alice,
                                  json={"url": f"http://127.0.0.1:{port}/cal.ics"})
                 for kind, port in ports.items()}
        assert smtp.connections == 0
    assert internal.count == 0
    answers = {kind: (r.status_code, r.get_json()["detail"]) for kind, r in saved.items()}
    assert len(set(answers.values())) == 1, answers


def test_an_allowed_host_that_fails_says_the_same_for_closed_silent_and_non_http_ports(
        client, alice, strict):
    with NotHttp() as smtp, ProbeServer() as silent:
        urls = {"closed": f"http://feeds.invalid:{closed_port()}/cal.ics",
                "not http": f"http://feeds.invalid:{smtp.port}/cal.ics"}
        answers = {}
        for kind, url in urls.items():
            r = client.put("/api/v1/me/calendar", headers=alice, json={"url": url})
            answers[kind] = (r.status_code, r.get_json()["detail"])
        assert smtp.connections == 1 and silent.count == 0
    assert set(answers.values()) == {(502, "The calendar feed could not be read")}, answers
