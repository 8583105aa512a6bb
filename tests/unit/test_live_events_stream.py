"""The event stream's text and who sees which event, without a server or a database."""
from __future__ import annotations

from types import SimpleNamespace

from api.events.hub import Audience, Stream
from api.events.stream import events
from mobile_client_sim.events import LiveEvent, parse

ME = Audience(tenant_id=1, user_id=10, session_id=100)


def row(id, kind="presence", tenant_id=1, user_id=None, session_id=None, queue_id=None, data=None):
    return SimpleNamespace(id=id, kind=kind, tenant_id=tenant_id, user_id=user_id,
                           session_id=session_id, queue_id=queue_id, data=data or {"n": id})


class OneStreamHub:
    def __init__(self, missed=None):
        self.stream, self.closed, self.missed = None, False, missed

    def open(self, audience):
        self.stream = Stream(audience)
        return self.stream, 5

    def close(self, stream):
        self.closed = True

    def replay(self, audience, after, upto):
        return self.missed


def test_a_user_sees_company_wide_events_and_their_own_only():
    assert ME.sees(row(1))
    assert ME.sees(row(2, user_id=10))
    assert ME.sees(row(3, user_id=10, session_id=100))
    assert not ME.sees(row(4, tenant_id=2))                  # another company
    assert not ME.sees(row(5, user_id=11))                   # a colleague's call
    assert not ME.sees(row(6, user_id=10, session_id=101))   # my other session's revocation
    assert not ME.sees(row(7, queue_id=3))                   # a queue I am not in


def test_the_stream_ends_when_my_session_is_revoked():
    hub = OneStreamHub()
    lines = events(hub, ME, None, expires_at=10**12, heartbeat_s=5)
    assert next(lines).startswith("retry:")
    hub.stream.offer([row(6, user_id=11), row(7), row(8, "session_revoked", user_id=10,
                                                        session_id=100), row(9)])
    rest = list(lines)
    assert [e.id for e in parse("".join(rest).splitlines()) if e] == [7, 8]
    assert hub.closed


def test_the_stream_ends_when_the_access_token_expires():
    hub = OneStreamHub()
    clock = iter([99.0, 101.0]).__next__
    out = list(events(hub, ME, None, expires_at=100, heartbeat_s=0.01, clock=clock))
    assert out[1] == ": heartbeat\n\n"
    assert out[-1].startswith("event: token_expired")
    assert hub.closed


def test_a_last_event_id_older_than_the_window_asks_for_a_reload():
    lines = events(OneStreamHub(missed=None), ME, 1, expires_at=10**12, heartbeat_s=5)
    next(lines)
    assert next(lines).startswith("event: reset")


def test_a_last_event_id_replays_what_was_missed_before_the_live_events():
    hub = OneStreamHub(missed=[row(3), row(4)])
    lines = events(hub, ME, 2, expires_at=10**12, heartbeat_s=5)
    next(lines)
    assert [next(lines), next(lines)] == [
        'id: 3\nevent: presence\ndata: {"n":3}\n\n', 'id: 4\nevent: presence\ndata: {"n":4}\n\n']


def test_a_stream_that_stops_reading_is_told_to_reload_instead_of_growing():
    stream = Stream(ME, limit=3)
    stream.offer([row(i) for i in range(5)])
    assert stream.overflowed and stream.take(0) == []


def test_the_simulator_reads_events_and_heartbeats():
    text = ": connected\n\nid: 7\nevent: call\ndata: {\"event\": \"ringing\"}\n\n: heartbeat\n\n"
    assert list(parse(text.splitlines())) == [None, LiveEvent("call", {"event": "ringing"}, 7),
                                              None]


def test_an_app_that_saw_later_events_on_another_worker_gets_none_of_them_twice():
    # this worker's reader is at 5; the app last saw 7 through the other worker
    hub = OneStreamHub(missed=[])
    lines = events(hub, ME, 7, expires_at=10**12, heartbeat_s=5)
    assert next(lines).startswith("retry:")
    hub.stream.offer([row(6), row(7), row(8), row(9, "session_revoked", user_id=10,
                                                  session_id=100)])
    assert [e.id for e in parse("".join(lines).splitlines()) if e] == [8, 9]


def test_a_too_old_id_asks_for_a_reload_even_when_this_worker_is_behind_it():
    hub = OneStreamHub(missed=None)          # the window no longer holds what followed 7
    lines = events(hub, ME, 7, expires_at=10**12, heartbeat_s=5)
    next(lines)
    assert next(lines).startswith("event: reset")
