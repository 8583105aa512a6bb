"""Two gateways behind the SIP edge: new calls are spread over both, and when one dies the
edge's OPTIONS probing takes it out and every new call goes to the other."""
from __future__ import annotations

import pytest

from tests.integration.test_edge_calls import TRUNK, final_status
from tests.integration.test_sip_gateway import User
from tests.support.edge import Edge, edge_missing
from tests.support.push import sink as push_sink
from tests.support.sip import Gateway, free_port, sip_tools_missing, wait_until
from tests.support.sip_fixtures import peers  # noqa: F401 (fixture)

missing = sip_tools_missing() or edge_missing()
pytestmark = pytest.mark.skipif(bool(missing), reason=missing or "")


@pytest.fixture
def two_gateways(app, database_url, tmp_path, db):
    with push_sink() as (_, url):
        gws = [Gateway(database_url, tmp_path / f"gw{n}", trunk_port=free_port(),
                       voicemail_port=free_port(), sink_url=url, trunks="127.0.0.1;kind=edge",
                       gateway_id=f"edge-test-{n}") for n in (1, 2)]
        for gw in gws:
            gw.register_wakeups(db)
        try:
            yield gws
            for gw in gws:
                if gw.alive():
                    gw.settle()
        finally:
            for gw in gws:
                gw.stop()


def _calls(peers, edge, user: User, n: int, name: str) -> list[int]:
    """`n` trunk calls to the user's office number, one after the other: their final status."""
    statuses = []
    for i in range(n):
        trunk = peers(f"{name}{i}", "edge_uac.xml", edge.address, "-s", user.office,
                      "-key", "caller", "+4791234567", "-d", "100", ip=TRUNK)
        assert trunk.wait() == 0
        statuses.append(final_status(trunk))
    return statuses


def test_new_calls_are_spread_over_both_gateways_and_avoid_one_that_died(
        app, db, client, database_url, two_gateways, peers):
    first, second = two_gateways
    edge = Edge(database_url, trunks=TRUNK,
                gateways=tuple(f"sip:127.0.0.1:{gw.port}" for gw in two_gateways))
    try:
        wait_until(lambda: set(edge.gateways().values()) == {"AP"}, timeout=30,
                   what="both gateways to answer the edge's OPTIONS")
        user = User(app, db, client)
        phone = peers("phone", "phone_answer.xml", calls=6)
        user.devices(softphone=f"sip:soft@127.0.0.1:{phone.port}")
        assert _calls(peers, edge, user, 2, "before") == [200, 200]
        assert first.events("call_routed") and second.events("call_routed")

        first.proc.kill()
        first.proc.wait(10)
        wait_until(lambda: edge.gateways().get(f"sip:127.0.0.1:{first.port}", "").startswith("I"),
                   timeout=30, what="the edge to take the dead gateway out")
        handled = len(second.events("call_routed"))
        assert _calls(peers, edge, user, 4, "after") == [200] * 4
        assert len(second.events("call_routed")) == handled + 4
        assert phone.wait() == 0
    finally:
        edge.stop()
