"""Two gateways behind the SIP edge share the load and one truth: a user talking on one
gateway is busy for a call the other routes, and when a gateway dies under load the edge
sends every new call to the other while the survivor closes the dead one's calls within
seconds, so its users are free again.

Unmarked: the shared state is the database's (live calls, heartbeats), PostgreSQL included."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.integration.test_edge_calls import TRUNK, final_status
from tests.integration.test_sip_gateway import User
from tests.support.api import auth, make_company
from tests.support.edge import Edge, edge_missing, many_callers_scenario
from tests.support.push import sink as push_sink
from tests.support.sip import Gateway, Sipp, free_port, header, sip_tools_missing, wait_until
from tests.support.sip_fixtures import peers  # noqa: F401 (fixture)

missing = sip_tools_missing() or edge_missing()
pytestmark = pytest.mark.skipif(bool(missing), reason=missing or "")
LOAD_USERS = 30          # each called once: a dead gateway's user is busy until noticed
CLOSED_WITHIN_S = 15.0   # heartbeat 1 s, silence 5 s: generous for a loaded machine


@pytest.fixture(scope="module")
def two_gateways(app, database_url, tmp_path_factory):
    with push_sink() as (_, url):
        gws = [Gateway(database_url, tmp_path_factory.mktemp(f"gw{n}"), trunk_port=free_port(),
                       voicemail_port=free_port(), sink_url=url, trunks="127.0.0.1;kind=edge")
               for n in (1, 2)]
        try:
            yield gws
            for gw in gws:
                if gw.alive():
                    gw.settle()
        finally:
            for gw in gws:
                gw.stop()


@pytest.fixture(scope="module")
def edge(database_url, two_gateways):
    server = Edge(database_url, trunks=TRUNK,
                  gateways=tuple(f"sip:127.0.0.1:{gw.port}" for gw in two_gateways))
    wait_until(lambda: set(server.gateways().values()) == {"AP"}, timeout=30,
               what="both gateways to answer the edge's OPTIONS")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def gateways_settle(two_gateways, db):
    for gw in two_gateways:
        gw.register_wakeups(db)
    yield
    for gw in two_gateways:
        if gw.alive():
            wait_until(lambda: len(gw.events("call_routed")) + len(gw.events("call_refused"))
                       == len(gw.events("call_written")), what="the gateway to finish its calls")


def _call(peers, edge, number: str, name: str, *args: str) -> Sipp:
    return peers(name, "edge_uac.xml", edge.address, "-s", number, "-key", "caller",
                 "+4791234567", *args, ip=TRUNK)


def _held_call(peers, edge, two_gateways, user: User) -> tuple[Sipp, Gateway]:
    """A trunk call to the user, answered and held; the gateway that holds it."""
    before = [len(gw.events("call_routed")) for gw in two_gateways]
    held = _call(peers, edge, user.office, "held", "-set", "hangup", "them")
    wait_until(lambda: any(t.startswith("SIP/2.0 200") for d, _, t in held.messages()
                           if d == "received"), what="the held call to be answered")
    [holder] = [gw for gw, n in zip(two_gateways, before) if len(gw.events("call_routed")) > n]
    wait_until(lambda: _in_call(user), what="the held call in the user's live calls")
    return held, holder


def _in_call(user: User) -> bool:
    """What the routing preview says: the user is in a call."""
    if not hasattr(user, "headers"):
        user.headers = auth(user.client, user.mobile)
    r = user.client.get("/api/v1/me/routing-preview", headers=user.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["busy"]


def test_a_user_talking_on_one_gateway_is_busy_for_a_call_the_other_gateway_routes(
        app, db, client, two_gateways, edge, peers):
    user = User(app, db, client)
    phone = peers("phone", "phone_answer.xml", calls=2)
    user.devices(softphone=f"sip:soft@127.0.0.1:{phone.port}")
    user.profile(when_busy={"kind": "busy_tone"})
    held, holder = _held_call(peers, edge, two_gateways, user)
    [other] = [gw for gw in two_gateways if gw is not holder]
    routed = len(other.events("call_routed"))

    second = _call(peers, edge, user.office, "second", "-d", "100")
    assert second.wait() == 0
    assert final_status(second) == 486                 # the profile's busy plan
    assert len(other.events("call_routed")) == routed + 1  # routed by the other gateway
    assert len(phone.received("INVITE")) == 1          # the phone rang for the first call only
    assert _in_call(user)                              # and the preview says so too

    # the API's hang-up reaches the gateway that holds the call
    [call] = client.get("/api/v1/me/calls", headers=user.headers).get_json()
    r = client.post(f"/api/v1/me/calls/{call['id']}/hangup", headers=user.headers)
    assert r.status_code in (200, 202), r.get_json()
    assert held.wait() == 0


def _outcomes(trunk: Sipp) -> dict[str, tuple[float, bool]]:
    """Per call: when its first INVITE left, and whether it was answered and hung up (200 to
    the INVITE, then 200 to the BYE)."""
    calls: dict[str, list] = {}
    for direction, when, text in trunk.messages():
        call = calls.setdefault(header(text, "Call-ID") or "", [None, False, False])
        cseq = header(text, "CSeq") or ""
        if direction == "sent" and text.startswith("INVITE") and call[0] is None:
            call[0] = when
        elif direction == "received" and text.startswith("SIP/2.0 200"):
            call[1 if "INVITE" in cseq else 2] |= True
    return {cid: (c[0], c[1] and c[2]) for cid, c in calls.items() if c[0] is not None}


def _after_kill_over(load: Sipp, killed_at: float) -> bool:
    """Every load call has been placed and each made after the kill answered and hung up."""
    outcomes = _outcomes(load)
    return len(outcomes) == LOAD_USERS and all(
        ok for at, ok in outcomes.values() if at > killed_at + 0.05)


def test_a_gateway_killed_under_load_loses_no_new_call_and_its_calls_are_closed_in_seconds(
        app, db, client, two_gateways, edge, peers, tmp_path):
    from api.calls import interrupted
    from api.callerid.models import CallLogEntry

    company = make_company(app, extra_users=("alice", *(f"u{n}" for n in range(LOAD_USERS))))
    alice = User(app, db, client, company=company)
    # SIPp quits its whole run after its lifetime: alice's phone must still answer `again`,
    # which comes after the load, the kill and the closing (well over 30 s on PostgreSQL)
    phone = peers("phone", "phone_answer.xml", calls=2 * LOAD_USERS + 2, lifetime_s=180)
    alice.devices(softphone=f"sip:alice@127.0.0.1:{phone.port}")
    numbers = []
    for name in company.users:
        if name != "alice":
            u = User(app, db, client, name, company=company)
            u.devices(softphone=f"sip:{name}@127.0.0.1:{phone.port}")
            numbers.append(u.office)
    held, doomed = _held_call(peers, edge, two_gateways, alice)
    [survivor] = [gw for gw in two_gateways if gw is not doomed]
    callers = tmp_path / "callers.csv"
    callers.write_text("SEQUENTIAL\n" + "".join(f"{n};\n" for n in numbers))
    marks = [len(gw.events("call_routed")) for gw in two_gateways]

    load = peers("load", str(many_callers_scenario(tmp_path)), edge.address, "-inf",
                 str(callers), "-key", "caller", "+4791234567", "-r", "10", "-l", "20",
                 "-d", "300", ip=TRUNK, calls=LOAD_USERS)
    wait_until(lambda: sum(len(gw.events("call_routed")) - m
                           for gw, m in zip(two_gateways, marks)) >= 8,
               what="the load to be under way")
    doomed.proc.kill()
    killed_at = time.time()
    doomed.proc.wait(10)
    # the killed gateway's held call: off the live calls while the load goes on, user free
    wait_until(lambda: not _in_call(alice), timeout=CLOSED_WITHIN_S + 5,
               what="the dead gateway's call to be closed")
    assert time.time() - killed_at < CLOSED_WITHIN_S
    # a call the dead gateway was ringing when it died rings on at the edge (its transaction
    # has a provisional answer) and keeps the load running: wait for the calls made after
    # the kill, not for that one
    wait_until(lambda: load.proc.poll() is not None or _after_kill_over(load, killed_at),
               timeout=60, what="the calls made after the kill to be over")
    after = [ok for at, ok in _outcomes(load).values() if at > killed_at + 0.05]
    assert after and all(after), f"{after.count(False)} of {len(after)} calls failed"
    db.expire_all()                                    # and in her call log
    entry = db.scalar(select(CallLogEntry).where(CallLogEntry.user_id == alice.id))
    assert (entry.status, entry.end_reason) == ("answered", interrupted.SILENT)
    held.stop()
    assert phone.proc.poll() is None, "alice's phone quit before the last call"
    again = _call(peers, edge, alice.office, "again", "-d", "100")
    assert again.wait() == 0 and final_status(again) == 200  # rung, not busy
    assert len(survivor.events("call_routed")) > marks[two_gateways.index(survivor)]
