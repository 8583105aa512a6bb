"""The app simulator's live calls against the API served over real HTTP."""
from __future__ import annotations

import pytest

from mobile_client_sim import AppClient
from tests.support.api import PASSWORD, make_company


def test_app_lists_my_live_call_and_asks_the_gateway_to_hang_it_up(app, live, db):
    from api.calls import services
    from mobile_client_sim.calls import hang_up, my_calls
    from tests.support.isolation_calls import live_call

    c = make_company(app)
    phone = AppClient(live.url)
    phone.login(c.users["alice"], PASSWORD)
    call_id = live_call(app, c.users["alice"], gateway="gw-sim")
    assert [x["id"] for x in my_calls(phone)] == [call_id]
    first = hang_up(phone, call_id, key="tap-42")
    assert hang_up(phone, call_id, key="tap-42")["id"] == first["id"]  # a retried tap
    assert services.claim_commands(db, "gw-sim") == [(first["id"], call_id, "hangup")]


def test_app_holds_and_retrieves_my_call_and_never_anothers(app, live, db):
    from api.calls import services
    from mobile_client_sim.calls import hold
    from mobile_client_sim.client import ApiError
    from tests.support.isolation_calls import live_call

    c = make_company(app)
    phone = AppClient(live.url)
    phone.login(c.users["alice"], PASSWORD)
    mine = live_call(app, c.users["alice"], gateway="gw-sim")
    theirs = live_call(app, c.users["bob"], gateway="gw-sim")
    held, back = hold(phone, mine, True), hold(phone, mine, False)
    assert services.claim_commands(db, "gw-sim") == [(held["id"], mine, "hold"),
                                                     (back["id"], mine, "retrieve")]
    with pytest.raises(ApiError) as refused:
        hold(phone, theirs, True)
    assert refused.value.status == 404
