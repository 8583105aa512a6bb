"""The app's live event stream, served by a real gunicorn with two worker processes: events
raised by any process reach a stream held by any worker, scoped to who may see them."""
from __future__ import annotations

import threading
from functools import partial

import pytest

from api.calls import services as calls
from api.callerid.calllog import record_call
from api.transfer import services as transfers
from mobile_client_sim.availability import find_profile, set_availability
from mobile_client_sim.calls import hang_up, wait_done
from mobile_client_sim.events import EventStream
from mobile_client_sim.transfer import follow
from tests.support.api import make_company
from tests.support.events import app_of, presence_of, user_id

WITHIN_S = 1.0


@pytest.fixture
def api_url(events_api_url):
    return events_api_url


@pytest.fixture
def company(app, db):
    return make_company(app, extra_users=("alice", "bob", "carol"))


def test_a_colleagues_availability_change_reaches_my_stream_within_a_second(api_url, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    with EventStream(alice) as stream:
        set_availability(bob, "meeting")
        event = stream.wait_for(presence_of(user_id(bob)), timeout=WITHIN_S)
    assert event is not None, "bob's change did not reach alice's stream within a second"
    assert event.data["availability"]["profile_id"] == find_profile(bob, "meeting")["id"]
    assert event.data["in_call"] is False


def test_a_new_note_or_end_on_the_same_profile_reaches_my_stream(api_url, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    set_availability(bob, "meeting", note="Board room")
    bob_id = user_id(bob)
    with EventStream(alice) as stream:
        set_availability(bob, "meeting", note="Room 2, back at 3")
        noted = stream.wait_for(lambda e: presence_of(bob_id)(e) and
                                e.data["availability"]["note"] == "Room 2, back at 3", WITHIN_S)
        set_availability(bob, "meeting", until="23:59", note="Room 2, back at 3")
        ends = stream.wait_for(lambda e: presence_of(bob_id)(e) and
                               e.data["availability"]["until"] is not None, WITHIN_S)
    shown = bob.request("GET", "/api/v1/me/availability")
    assert noted is not None, "a new note on the same profile raised no presence event"
    assert ends is not None, "a new end on the same profile raised no presence event"
    assert ends.data["availability"]["profile_id"] == find_profile(bob, "meeting")["id"]
    assert ends.data["availability"]["until"] == shown["until"]


def test_another_companys_events_never_arrive(api_url, app, company):
    other = make_company(app, extra_users=("dave",))
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    dave = app_of(api_url, other.users["dave"])
    with EventStream(dave) as theirs, EventStream(alice) as ours:
        set_availability(bob, "meeting")
        assert ours.wait_for(presence_of(user_id(bob)), timeout=WITHIN_S * 5)
        set_availability(dave, "meeting")  # dave's own company's event comes after bob's
        assert theirs.wait_for(presence_of(user_id(dave)), timeout=WITHIN_S * 5)
    assert [e for e in theirs.received if e.data.get("user_id") != user_id(dave)] == []


def test_a_revoked_sessions_stream_closes(api_url, company):
    alice = app_of(api_url, company.users["alice"])
    same_user_elsewhere = app_of(api_url, company.users["alice"])
    with EventStream(alice) as stream, EventStream(same_user_elsewhere) as other_session:
        alice.request("POST", "/api/v1/auth/logout")
        revoked = stream.wait_for(lambda e: e.kind == "session_revoked", timeout=5)
        assert revoked is not None and revoked.data["reason"] == "logout"
        assert stream.closed.wait(5), "the revoked session's stream stayed open"
        # the user's other session is not touched
        assert not other_session.closed.is_set()
    assert [e for e in other_session.received if e.kind == "session_revoked"] == []


def test_a_reconnect_with_last_event_id_gets_what_it_missed(api_url, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    bob_id = user_id(bob)
    with EventStream(alice) as stream:
        set_availability(bob, "meeting")
        first = stream.wait_for(presence_of(bob_id), timeout=5)
    assert first is not None and first.id is not None
    set_availability(bob, "lunch")            # while alice's app was away
    set_availability(bob, "available")
    lunch, available = find_profile(bob, "lunch")["id"], find_profile(bob, "available")["id"]
    with EventStream(alice, last_event_id=first.id) as resumed:
        assert resumed.wait_for(lambda e: presence_of(bob_id)(e) and
                                e.data["availability"]["profile_id"] == available, timeout=5)
    missed = [e.data["availability"]["profile_id"] for e in resumed.received
              if presence_of(bob_id)(e)]
    assert missed == [lunch, available]
    assert all(e.id > first.id for e in resumed.received)


def test_a_too_old_last_event_id_asks_the_app_to_reload(api_url, app, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    with EventStream(alice) as stream:
        set_availability(bob, "meeting")
        seen = stream.wait_for(presence_of(user_id(bob)), timeout=5)
    from sqlalchemy import delete

    from api.events.models import OutboxEvent
    with app.extensions["session_factory"]() as db:   # as the window's pruning does
        db.execute(delete(OutboxEvent).where(OutboxEvent.id <= seen.id))
        db.commit()
    set_availability(bob, "lunch")
    with EventStream(alice, last_event_id=seen.id - 1) as resumed:
        assert resumed.wait_for(lambda e: e.kind == "reset", timeout=5)


def call_event(what: str):
    return lambda e: e.kind == "call" and e.data["event"] == what


def _gateway_writes(app, fn, *args):
    with app.extensions["session_factory"]() as db:
        return fn(db, *args)


def test_a_calls_ringing_answered_and_ended_reach_the_callees_stream(api_url, app, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    bob_id = user_id(bob)
    with EventStream(bob) as mine, EventStream(alice) as colleague:
        call_id = _gateway_writes(app, calls.call_started, company.tenant_id, bob_id, "gw-1",
                                  "sip-call-1", "incoming", "+4799887766")
        ringing = mine.wait_for(lambda e: e.kind == "call" and e.data["event"] == "ringing", 5)
        _gateway_writes(app, calls.call_answered, call_id, 0, "softphone", "sip:bob@pbx")
        answered = mine.wait_for(lambda e: e.kind == "call" and e.data["event"] == "answered", 5)
        _gateway_writes(app, calls.call_ended, call_id)
        ended = mine.wait_for(lambda e: e.kind == "call" and e.data["event"] == "ended", 5)
        back = colleague.wait_for(lambda e: presence_of(bob_id)(e) and not e.data["in_call"], 5)
    assert ringing.data["call"] == {**ringing.data["call"], "id": call_id, "state": "ringing",
                                    "other_number": "+4799887766", "direction": "incoming"}
    assert answered.data["call"]["state"] == "answered" and answered.data["call"]["answered_at"]
    assert ended.data["call"]["id"] == call_id
    assert back is not None
    assert any(presence_of(bob_id)(e) and e.data["in_call"] for e in colleague.received)
    assert [e for e in colleague.received if e.kind == "call"] == []   # bob's calls are his


def test_a_call_put_on_hold_and_taken_back_reaches_my_stream_and_my_calls(api_url, app, company):
    bob = app_of(api_url, company.users["bob"])
    call_id = _gateway_writes(app, calls.call_started, company.tenant_id, user_id(bob), "gw-1",
                              "sip-call-5", "incoming", "+4799887766")
    _gateway_writes(app, calls.call_held, call_id, True)         # not answered yet: nothing
    assert [c["state"] for c in bob.request("GET", "/api/v1/me/calls")] == ["ringing"]
    _gateway_writes(app, calls.call_answered, call_id, 0, "softphone", "sip:bob@pbx")
    with EventStream(bob) as mine:
        _gateway_writes(app, calls.call_held, call_id, True)
        held = mine.wait_for(call_event("held"), 5)
        shown = bob.request("GET", "/api/v1/me/calls")
        _gateway_writes(app, calls.call_held, call_id, False)
        resumed = mine.wait_for(call_event("resumed"), 5)
    assert held is not None and held.data["call"]["state"] == "held"
    assert [c["state"] for c in shown if c["id"] == call_id] == ["held"]
    assert resumed is not None and resumed.data["call"]["state"] == "answered"
    assert [e.data["event"] for e in mine.received
            if e.kind == "call" and e.data["event"] in ("held", "resumed")] == ["held", "resumed"]


def test_the_party_a_transfer_put_in_my_call_reaches_my_stream_and_my_calls(
        api_url, app, company):
    bob = app_of(api_url, company.users["bob"])
    call_id = _gateway_writes(app, calls.call_started, company.tenant_id, user_id(bob), "gw-1",
                              "sip-call-6", "outgoing", "+4722000001")
    _gateway_writes(app, calls.call_moved, call_id, "+4722000003")   # not answered: nothing
    assert [c["other_number"] for c in bob.request("GET", "/api/v1/me/calls")] == [
        "+4722000001"]
    _gateway_writes(app, calls.call_answered, call_id, 0, "deskphone", "sip:bob@pbx")
    with EventStream(bob) as mine:
        _gateway_writes(app, calls.call_moved, call_id, "+4722000003")
        moved = mine.wait_for(call_event("moved"), 5)
    assert moved is not None and moved.data["call"]["other_number"] == "+4722000003"
    assert [(c["other_number"], c["state"]) for c in bob.request("GET", "/api/v1/me/calls")
            ] == [("+4722000003", "answered")]


def test_a_transfers_progress_arrives_without_polling(api_url, app, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    bob_id, alice_id = user_id(bob), user_id(alice)
    call_id = _gateway_writes(app, calls.call_started, company.tenant_id, bob_id, "gw-1",
                              "sip-call-2", "incoming", "+4799887766")
    _gateway_writes(app, calls.call_answered, call_id, 0, "softphone", "sip:bob@pbx")
    with EventStream(bob) as mine:
        started = bob.request("POST", f"/api/v1/me/calls/{call_id}/transfer",
                              json={"target": {"kind": "colleague", "id": alice_id},
                                    "method": "blind"})
        polled_after = bob.requests_sent
        requested = mine.wait_for(lambda e: e.kind == "transfer" and
                                  e.data["state"] == "requested", 5)
        _gateway_writes(app, transfers.transfer_progress, started["id"], "ringing")
        ringing = mine.wait_for(lambda e: e.kind == "transfer" and e.data["state"] == "ringing", 5)
        _gateway_writes(app, transfers.transfer_progress, started["id"], "returned", "no_answer")
        returned = mine.wait_for(lambda e: e.kind == "transfer" and
                                 e.data["state"] == "returned", 5)
    assert requested.data["id"] == started["id"]
    assert ringing.data["target"]["id"] == alice_id
    assert returned.data["why"] and returned.data["reason"] == "no_answer"
    assert bob.requests_sent == polled_after   # nothing was polled


def test_the_simulators_hang_up_hears_the_gateways_answer_on_the_stream(api_url, app, company):
    bob = app_of(api_url, company.users["bob"])
    call_id = _gateway_writes(app, calls.call_started, company.tenant_id, user_id(bob), "gw-1",
                              "sip-call-3", "incoming", "+4799887766")
    command = hang_up(bob, call_id)
    before, outcome = bob.requests_sent, []
    waiting = threading.Thread(target=lambda: outcome.append(wait_done(bob, command["id"])))
    waiting.start()
    _gateway_writes(app, calls.finish_command, command["id"], "done", "hung up")
    waiting.join(10)
    assert outcome and outcome[0]["state"] == "done" and outcome[0]["result"] == "hung up"
    assert bob.requests_sent - before <= 2   # the stream and one look, never a poll loop


def test_the_simulator_follows_a_transfer_on_the_stream(api_url, app, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    call_id = _gateway_writes(app, calls.call_started, company.tenant_id, user_id(bob), "gw-1",
                              "sip-call-4", "incoming", "+4799887766")
    _gateway_writes(app, calls.call_answered, call_id, 0, "softphone", "sip:bob@pbx")
    started = bob.request("POST", f"/api/v1/me/calls/{call_id}/transfer",
                          json={"target": {"kind": "colleague", "id": user_id(alice)},
                                "method": "blind"})
    states = follow(bob, started["id"], timeout_s=10)
    assert next(states)["state"] == "requested"
    _gateway_writes(app, transfers.transfer_progress, started["id"], "ringing")
    assert next(states)["state"] == "ringing"
    _gateway_writes(app, transfers.transfer_progress, started["id"], "completed")
    assert next(states)["state"] == "completed"
    assert next(states, None) is None


def test_a_missed_call_reaches_my_stream_as_my_call_log_shows_it(api_url, app, company):
    alice, bob = app_of(api_url, company.users["alice"]), app_of(api_url, company.users["bob"])
    with EventStream(bob) as mine, EventStream(alice) as colleague:
        entry_id = _gateway_writes(app, partial(record_call, direction="incoming",
                                                status="missed", other_number="+4799887766"),
                                   company.tenant_id, user_id(bob))
        missed = mine.wait_for(lambda e: e.kind == "missed_call", 5)
        _gateway_writes(app, partial(record_call, direction="incoming", status="missed",
                                     other_number="+4799887700"),
                        company.tenant_id, user_id(alice))
        assert colleague.wait_for(lambda e: e.kind == "missed_call", 5)
    logged = bob.request("GET", "/api/v1/me/call-log", params={"missed": "true"})
    assert missed.data["id"] == entry_id and missed.data["missed"] is True
    assert {k: missed.data[k] for k in ("id", "other_number", "status")} == \
        {k: logged[0][k] for k in ("id", "other_number", "status")}
    assert [e.data["id"] for e in mine.received if e.kind == "missed_call"] == [entry_id]
