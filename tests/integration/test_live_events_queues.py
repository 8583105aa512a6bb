"""`queue` events on the app's stream, served by two gunicorn workers: a queue's counters and
each member's own state reach its members and team leaders as `/me/queues` shows them, from
the API (login, pause) and from the gateway's queue calls, a burst calmed to the latest state."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.queues import calls, services
from mobile_client_sim.availability import set_availability
from mobile_client_sim.events import EventStream
from tests.support.api import make_company
from tests.support.events import app_of, presence_of, user_id

WITHIN_S = 5.0


@pytest.fixture
def company(app, db):
    return make_company(app, extra_users=("alice", "bob", "carol", "dave"), team_leader="dave")


@pytest.fixture
def support(app, company):
    """The Support queue: alice and bob are members (logged out), carol is not."""
    with app.extensions["session_factory"]() as db:
        queue = services.create_queue(db, db.get(Tenant, company.tenant_id), {"name": "Support"})
        for who in ("alice", "bob"):
            uid = db.scalar(select(User.id).where(User.mobile == company.users[who]))
            services.set_member(db, queue, uid, {"priority": 0})
        return queue.id


def _gateway(app, fn, *args):
    with app.extensions["session_factory"]() as db:
        return fn(db, *args)


def of_queue(queue_id: int, check=lambda data: True):
    return lambda e: e.kind == "queue" and e.data["id"] == queue_id and check(e.data)


def test_logging_in_reaches_the_members_and_the_team_leader_as_my_queues_shows_it(
        events_api_url, company, support):
    alice, bob, carol, dave = (app_of(events_api_url, company.users[w])
                               for w in ("alice", "bob", "carol", "dave"))
    with EventStream(alice) as mine, EventStream(bob) as member, \
            EventStream(dave) as leader, EventStream(carol) as stranger:
        alice.request("POST", "/api/v1/me/queues/login", json={"queue_ids": [support]})
        logged_in = lambda d: d["logged_in"] == 1
        own = mine.wait_for(of_queue(support, logged_in), timeout=WITHIN_S)
        colleague = member.wait_for(of_queue(support, logged_in), timeout=WITHIN_S)
        led = leader.wait_for(of_queue(support, logged_in), timeout=WITHIN_S)
        set_availability(alice, "meeting")   # a later event carol does see
        assert stranger.wait_for(presence_of(user_id(alice)), timeout=WITHIN_S)
    shown = alice.request("GET", "/api/v1/me/queues")
    assert own is not None and own.data == {**shown[0], "me": own.data["me"]}
    assert own.data["me"]["logged_in"] is True and own.data["me"]["state"] == "available"
    assert colleague.data["me"]["state"] == "logged_out"       # bob's own state, not alice's
    assert led is not None and "me" not in led.data and led.data["available"] == 1
    assert [e for e in stranger.received if e.kind == "queue"] == []


def test_a_queue_call_from_the_gateway_changes_counters_and_the_answering_members_state(
        events_api_url, app, company, support):
    alice = app_of(events_api_url, company.users["alice"])
    alice.request("POST", "/api/v1/me/queues/login", json={"queue_ids": [support]})
    alice_id = user_id(alice)
    with EventStream(alice) as mine:
        entry = _gateway(app, lambda db: calls.enqueue(db, company.tenant_id, support,
                                                       caller_number="+4791234567"))
        waiting = mine.wait_for(of_queue(support, lambda d: d["calls_waiting"] == 1), WITHIN_S)
        _gateway(app, calls.ring_next, company.tenant_id, entry.call.id)
        _gateway(app, calls.member_answered, company.tenant_id, entry.call.id, alice_id)
        talking = mine.wait_for(of_queue(support, lambda d: d["me"]["state"] == "in_call"),
                                WITHIN_S)
        _gateway(app, calls.call_ended, company.tenant_id, entry.call.id)
        after = mine.wait_for(of_queue(support, lambda d: d["answered_today"] == 1), WITHIN_S)
    assert waiting is not None and waiting.data["me"]["state"] == "available"
    assert talking is not None and talking.data["calls_waiting"] == 0
    assert talking.data["in_call"] == 1
    assert after is not None and after.data["me"]["state"] == "wrap_up"
    assert after.data["me"]["calls_answered"] == 1


def test_a_burst_of_changes_arrives_calmed_with_the_latest_counters(
        events_api_url, app, company, support):
    alice = app_of(events_api_url, company.users["alice"])
    alice.request("POST", "/api/v1/me/queues/login", json={"queue_ids": [support]})
    with EventStream(alice) as mine:
        started = time.monotonic()
        for n in range(50):
            _gateway(app, lambda db: calls.enqueue(db, company.tenant_id, support,
                                                   caller_number=f"+47912345{n:02d}"))
        took = time.monotonic() - started
        last = mine.wait_for(of_queue(support, lambda d: d["calls_waiting"] == 50), WITHIN_S)
    assert last is not None, "the latest state never arrived"
    sent = [e for e in mine.received if of_queue(support)(e)]
    # at most one per 250 ms while the burst lasted and until its latest state left (a poll
    # and one interval after the last change), never one per change
    assert len(sent) <= int(took / 0.25) + 4 < 50
