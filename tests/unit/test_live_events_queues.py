"""`queue` events on the stream: who sees them, what each user is shown, and bursts made
calm (at most one per queue per interval, always the latest state), without a server."""
from __future__ import annotations

from types import SimpleNamespace

from api.events.coalesce import Coalescer, superseded
from api.events.hub import Audience, Stream
from api.events.stream import events, shown
from mobile_client_sim.events import parse

MEMBER = Audience(tenant_id=1, user_id=10, session_id=100)
STRANGER = Audience(tenant_id=1, user_id=11, session_id=101)
LEADER = Audience(tenant_id=1, user_id=12, session_id=102, queue_leader=True)
ADMIN = Audience(tenant_id=1, user_id=13, session_id=103, queue_admin=True)


def queue_row(id, queue_id=3, waiting=0, hidden=False, tenant_id=1):
    data = {"queue": {"id": queue_id, "calls_waiting": waiting},
            "members": {"10": {"user_id": 10, "state": "available"}}, "hidden": hidden}
    return SimpleNamespace(id=id, kind="queue", tenant_id=tenant_id, user_id=None,
                           session_id=None, queue_id=queue_id, data=data)


def other_row(id, kind="presence"):
    return SimpleNamespace(id=id, kind=kind, tenant_id=1, user_id=None, session_id=None,
                           queue_id=None, data={"n": id})


def test_a_queues_event_reaches_its_members_and_leaders_only():
    row = queue_row(1)
    assert MEMBER.sees(row) and LEADER.sees(row) and ADMIN.sees(row)
    assert not STRANGER.sees(row)
    assert not Audience(tenant_id=2, user_id=10, session_id=5, queue_admin=True).sees(
        queue_row(2, tenant_id=1))


def test_a_hidden_queue_is_seen_by_its_members_and_administrators_but_not_team_leaders():
    row = queue_row(1, hidden=True)
    assert MEMBER.sees(row) and ADMIN.sees(row)
    assert not LEADER.sees(row)


def test_a_member_sees_the_queue_with_their_own_state_and_a_leader_without_one():
    row = queue_row(1, waiting=2)
    assert shown(row, MEMBER) == {"id": 3, "calls_waiting": 2,
                                  "me": {"user_id": 10, "state": "available"}}
    assert shown(row, LEADER) == {"id": 3, "calls_waiting": 2}


def test_a_newer_event_of_a_queue_replaces_the_older_one_still_waiting():
    rows = [queue_row(1, waiting=1), other_row(2), queue_row(3, waiting=2),
            queue_row(4, queue_id=5)]
    assert [r.id for r in superseded(rows)] == [2, 3, 4]


def test_fifty_changes_of_a_queue_in_a_second_leave_as_at_most_five_events_with_the_latest():
    calm, sent = Coalescer(0.25), []
    for i in range(50):            # a change every 20 ms, released as soon as allowed
        at = i * 0.02
        calm.add([queue_row(i + 1, waiting=i)])
        sent += [(at, r) for r in calm.release(at)]
    sent += [(2.0, r) for r in calm.release(2.0)]
    times = [at for at, _ in sent]
    assert len(sent) <= 6
    assert all(b - a >= 0.25 for a, b in zip(times, times[1:]))
    assert sent[-1][1].data["queue"]["calls_waiting"] == 49   # the latest state arrives


def test_events_behind_a_waiting_queue_event_keep_their_order_and_leave_with_it():
    calm = Coalescer(0.25)
    calm.add([queue_row(1)])
    assert [r.id for r in calm.release(0.0)] == [1]
    calm.add([queue_row(2), other_row(3, "call")])
    assert calm.release(0.1) == [] and calm.wake_at() == 0.25
    assert [r.id for r in calm.release(0.25)] == [2, 3]


def test_different_queues_do_not_hold_each_other_back():
    calm = Coalescer(0.25)
    calm.add([queue_row(1, queue_id=3), queue_row(2, queue_id=4)])
    assert [r.id for r in calm.release(0.0)] == [1, 2]


class OneStreamHub:
    def __init__(self, missed=None):
        self.stream, self.missed = None, missed

    def open(self, audience):
        self.stream = Stream(audience)
        return self.stream, 0

    def close(self, stream):
        pass

    def replay(self, audience, after, upto):
        return self.missed


def test_the_stream_sends_a_burst_of_one_queue_as_its_latest_state():
    hub, clock = OneStreamHub(), iter([0.0, 0.0, 0.1, 0.3, 0.3, 0.3]).__next__
    lines = events(hub, MEMBER, None, expires_at=10**12, heartbeat_s=5, monotonic=clock)
    next(lines)
    hub.stream.offer([queue_row(1, waiting=1)])
    first = next(lines)
    hub.stream.offer([queue_row(2, waiting=2), queue_row(3, waiting=3)])
    second = next(lines)
    got = list(parse((first + second).splitlines()))
    assert [(e.id, e.data["calls_waiting"], e.data["me"]["state"]) for e in got] == [
        (1, 1, "available"), (3, 3, "available")]


def test_a_reconnect_replays_only_the_latest_state_of_each_queue():
    hub = OneStreamHub(missed=[queue_row(3, waiting=1), other_row(4), queue_row(5, waiting=2)])
    lines = events(hub, MEMBER, 2, expires_at=10**12, heartbeat_s=5)
    next(lines)
    got = list(parse((next(lines) + next(lines)).splitlines()))
    assert [e.id for e in got] == [4, 5] and got[1].data["calls_waiting"] == 2
