"""The call machines' one table shape: `(state, input) -> Go(handler, next states)`, read by
one `handle()`. The state graph is the table: every row names a handler the machine has and
states of its own enum, and a handler choosing a state its row does not list is an error."""
from __future__ import annotations

import enum
from operator import attrgetter

import pytest

from sip_gateway.core import callcontrol as cc, callthrough as ct, queuecontrol as qc
from sip_gateway.core import queuetable as qt
from sip_gateway.core import transfercontrol as tc, voicemailcontrol as vc
from sip_gateway.core.callmessages import CallPlan, Routed
from sip_gateway.core.machine import Go, LegMachine, TableError, go

MACHINES = {
    "call": (cc.CallControl, cc.State, cc.TABLE),
    "queue": (qc.QueueControl, qt.State, qt.TABLE),
    "transfer": (lambda: tc.TransferControl(user_leg=1, target_leg=2), tc.State, tc.TABLE),
    "voicemail": (lambda: vc.VoicemailControl(cc.LeaveMessage(1, 2, "profile", "hello", "en")),
                  vc.State, vc.TABLE),
    "call-through": (ct.CallThrough, ct.State, ct.TABLE),
}
ROWS = [(name, pair, row) for name, (_, _, table) in MACHINES.items()
        for pair, row in table.items()]


@pytest.mark.parametrize("name,pair,row", ROWS, ids=lambda x: getattr(x, "handler", None))
def test_every_row_names_a_handler_of_the_machine_and_states_of_its_own(name, pair, row):
    make, states, _table = MACHINES[name]
    assert isinstance(row, Go) and pair[0] in states and row.to
    assert all(isinstance(s, states) for s in row.to)
    assert callable(attrgetter(row.handler)(make()))


@pytest.mark.parametrize("name", MACHINES)
def test_a_machine_has_one_state_enum_and_no_row_leaves_its_final_state(name):
    make, states, table = MACHINES[name]
    machine = make()
    assert issubclass(states, enum.Enum) and machine.state in states
    assert not any(state is machine.final for state, _ in table)


@pytest.mark.parametrize("name", MACHINES)
def test_every_state_is_the_start_or_reached_by_some_row(name):
    make, states, table = MACHINES[name]
    reached = {make().state} | {s for row in table.values() for s in row.to}
    assert reached == set(states)


class _Toy(LegMachine):
    class S(enum.Enum):
        A = "a"
        B = "b"
        C = "c"

    def __init__(self, choice):
        self.state, self.legs, self.timers, self.choice = self.S.A, {}, set(), choice

    final = S.C
    table = {(S.A, Routed): go("pick", S.B)}

    def pick(self, _ev):
        return self.choice


def test_a_handler_that_chooses_a_state_its_row_does_not_list_is_an_error():
    with pytest.raises(TableError):
        _Toy(_Toy.S.C).handle(Routed(CallPlan(())))
    toy = _Toy(None)
    toy.handle(Routed(CallPlan(())))
    assert toy.state is _Toy.S.B
