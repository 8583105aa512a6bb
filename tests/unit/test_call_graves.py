"""Over calls are destroyed only when that cannot hit another call: pjsua2's `~Call` hangs up
and unhooks whatever call holds its (reused) pjsua id at that moment. The sweep destroys a
buried call once nothing else refers to it and its id is idle; until then it waits."""
from __future__ import annotations

import pytest

pj = pytest.importorskip("pjsua2")

from sip_gateway.pjsip_adapter import Adapter  # noqa: E402


class FakeCall:
    """Stands in for a pjsua2 call object: ownership flag, id in use, and its destruction."""

    destroyed: list[str] = []

    def __init__(self, name: str, active: bool = False, call_id: int = -1) -> None:
        self.name, self.active, self.thisown, self.id = name, active, True, call_id

    def isActive(self) -> bool:
        return self.active

    def getId(self) -> int:
        return self.id

    def __del__(self) -> None:
        if self.thisown:  # what SWIG does: delete the C++ object only if Python owns it
            FakeCall.destroyed.append(self.name)


@pytest.fixture
def adapter():
    gw = Adapter.__new__(Adapter)  # the sweep needs no pjsua, only its graves and timers
    gw.graves, gw.timers, gw.calls = [], [], {}
    gw.start_timer = lambda delay, fn, *args: gw.timers.append((delay, fn))
    FakeCall.destroyed = []
    return gw


def test_a_buried_call_is_not_destroyed_by_python_when_its_holder_lets_go(adapter):
    held = {"leg": FakeCall("dead leg")}
    adapter._bury(held["leg"])
    assert held["leg"].thisown is False
    adapter.graves.clear()   # (as if the sweep had not come yet and the last holder goes)
    held.clear()
    assert FakeCall.destroyed == []  # never by Python: its id may belong to a new call now


def test_the_sweep_destroys_only_unreferenced_calls_whose_id_is_idle(adapter):
    session_legs = {1: FakeCall("still held by a session")}
    for call in (session_legs[1], FakeCall("id reused by a live call", active=True),
                 FakeCall("free")):
        adapter._bury(call)
    del call  # the loop's name held the last one
    adapter._sweep_graves()
    assert FakeCall.destroyed == ["free"]
    assert sorted(c.name for c in adapter.graves) == ["id reused by a live call",
                                                      "still held by a session"]
    assert adapter.timers and adapter.timers[-1][1] == adapter._sweep_graves  # sweeps on

    session_legs.clear()                    # the session ended
    adapter.graves[[c.name for c in adapter.graves].index(
        "id reused by a live call")].active = False   # and the other call ended too
    adapter._sweep_graves()
    assert sorted(FakeCall.destroyed) == ["free", "id reused by a live call",
                                          "still held by a session"]
    assert adapter.graves == []


def test_a_call_is_buried_once(adapter):
    call = FakeCall("leg")
    adapter._bury(call)
    adapter._bury(call)  # a second DISCONNECTED report
    assert adapter.graves == [call]


def test_an_id_held_by_a_call_being_hung_up_is_not_idle(adapter):
    """pjsua calls a call that is hanging up inactive, but its slot (and id) is still taken:
    destroying the old object then would unhook the new call's last callbacks."""
    adapter.calls[7] = FakeCall("new call on id 7, hanging up", call_id=7)
    adapter.calls[7].thisown = False  # (only the old call's destruction is watched here)
    adapter._bury(FakeCall("old call on id 7", call_id=7))
    adapter._sweep_graves()
    assert FakeCall.destroyed == []
    adapter.calls.clear()   # the new call's DISCONNECTED came
    adapter._sweep_graves()
    assert FakeCall.destroyed == ["old call on id 7"]
