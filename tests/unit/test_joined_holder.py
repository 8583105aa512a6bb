"""Who has a call in hand once a phone's attended transfer joined the caller to a colleague:
the app's commands on the colleague's live call act on their rows, busy count and plan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace

from sip_gateway import joined
from sip_gateway.sides import JoinedSide, LiveRef


@dataclass(frozen=True)
class _Route:
    user_id: int
    plan: object


def _call(side: JoinedSide | None = None):
    live = LiveRef()
    live.id = 11
    return SimpleNamespace(joined=side, route_info=_Route(1, "alice's plan"), live=live,
                           gw=SimpleNamespace(busy={2: 1}))


def _side() -> JoinedSide:
    live = LiveRef()
    live.id = 22
    return JoinedSide(7, 2, 1, datetime.now(timezone.utc), live, plan="bob's plan")


def test_a_call_nobody_joined_is_in_its_own_users_hands():
    call = _call()
    assert joined.holder(call) == (1, call.live)
    assert joined.plan_of(call) == "alice's plan"
    assert joined.route_of(call).user_id == 1
    assert joined.step_away(call, True) is False


def test_a_joined_call_is_in_the_colleagues_hands_with_their_live_row_and_plan():
    call = _call(_side())
    user_id, live = joined.holder(call)
    assert (user_id, live.id) == (2, 22)
    assert joined.plan_of(call) == "bob's plan"
    assert joined.route_of(call).user_id == 2


def test_the_colleague_is_free_while_their_transfer_rings_and_busy_again_when_it_comes_back():
    call = _call(_side())
    assert joined.step_away(call, True) is True and 2 not in call.gw.busy
    joined.step_away(call, True)                     # said twice: counted once
    assert 2 not in call.gw.busy
    joined.step_away(call, False)
    assert call.gw.busy[2] == 1
