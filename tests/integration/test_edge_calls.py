"""Calls through the SIP edge: trunks and registered phones reach the gateway through Kamailio,
phones are who they authenticated as, and devices are reached where they registered."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.availability import sipcreds
from tests.integration.test_sip_gateway import User, logged
from tests.support.api import auth
from tests.support.baresip import Baresip, baresip_missing
from tests.support.edge import Edge, edge_missing
from tests.support.sip import Gateway, Sipp, free_port, header, sip_tools_missing, wait_until
from tests.support.sip_fixtures import gateway_settles, peers, sink  # noqa: F401 (fixtures)

missing = sip_tools_missing() or edge_missing()
pytestmark = pytest.mark.skipif(bool(missing), reason=missing or "")
CALLER = "+4791234567"
TRUNK = "127.0.0.2"  # the carrier trunk's address; phones call from 127.0.0.1
MEX = "127.0.0.3"    # a mobile operator's MEX peer


@pytest.fixture(scope="module")
def gateway(app, database_url, tmp_path_factory, sink):
    gw = Gateway(database_url, tmp_path_factory.mktemp("gw"), trunk_port=free_port(),
                 voicemail_port=free_port(), sink_url=sink[1], trunks="127.0.0.1;kind=edge")
    yield gw
    gw.stop()


@pytest.fixture(scope="module")
def edge(database_url, gateway):
    server = Edge(database_url, gateways=(f"sip:127.0.0.1:{gateway.port}",),
                  trunks=f"{TRUNK} {MEX};kind=mex")
    yield server
    server.stop()


def final_status(caller: Sipp) -> int:
    """The status that ended the call's setup (after any digest challenge)."""
    finals = [int(t.split()[1]) for d, _, t in caller.messages() if d == "received"
              and t.startswith("SIP/2.0 ") and "INVITE" in (header(t, "CSeq") or "")
              and int(t.split()[1]) >= 200]
    return finals[-1]


def registered_softphone(db, user: User, edge: Edge, peers) -> tuple[dict, int]:
    """The user's one softphone, reached at its address of record on the edge, registered
    from a free port; returns its credentials and that port."""
    from api.availability.models import Device

    user.devices(softphone="sip:placeholder@invalid.example")
    device = db.scalar(select(Device).where(Device.user_id == user.id, Device.enabled))
    creds = sipcreds.issue(db, device, edge.realm, f"sip:{edge.address}")
    device.sip_uri = f"sip:{creds['username']}@{edge.address}"
    db.commit()
    reg = peers("register", "phone_register.xml", edge.address, "-set", "user",
                creds["username"], "-set", "realm", edge.realm, "-set", "expires", "300",
                "-au", creds["username"], "-ap", creds["password"])
    assert reg.wait() == 0
    assert edge.contacts(creds["username"])
    return creds, reg.port


def test_a_trunk_call_to_the_office_number_rings_the_registered_phone_after_the_push(
        app, db, client, gateway, edge, peers, sink):
    user = User(app, db, client)
    _, port = registered_softphone(db, user, edge, peers)
    soft = peers("soft", "phone_answer.xml", "-d", "300", port=port)
    token = user.push_token()

    trunk = peers("trunk", "edge_uac.xml", edge.address, "-s", user.office, "-key", "caller",
                  CALLER, "-d", "300", ip=TRUNK)
    assert trunk.wait() == 0 and soft.wait() == 0
    assert final_status(trunk) == 200
    invite = soft.received("INVITE")[0]
    assert CALLER in header(invite, "From")
    entry = logged(user, "answered")[0]
    assert entry.other_number == CALLER
    assert [p for p in sink[0].after(token, 0, 10) if p["kind"] == "incoming_call"]
    call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
    push_line = gateway.events("push", call_id)[0]
    dial_line = gateway.events("dial", call_id)[0]
    assert gateway.lines.index(push_line) < gateway.lines.index(dial_line)


def test_a_feature_code_from_an_authenticated_phone_activates_the_profile(
        app, db, client, edge, peers):
    from api.availability.services import current_state

    user = User(app, db, client)
    creds, _ = registered_softphone(db, user, edge, peers)
    code = peers("code", "edge_uac.xml", edge.address, "-s", "*82", "-key", "caller",
                 "someone-else", "-set", "hangup", "them",
                 "-au", creds["username"], "-ap", creds["password"])
    assert code.wait() == 0 and final_status(code) == 200
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name == "In a meeting"


def test_a_from_claiming_a_users_number_without_authentication_gets_no_feature_code(
        app, db, client, edge, peers):
    from api.availability.services import current_state

    user = User(app, db, client)
    registered_softphone(db, user, edge, peers)
    before = current_state(db, user.tenant_id, user.id)[1].profile.name
    # from a phone's address: challenged, and a wrong password gets nowhere
    guess = peers("guess", "edge_uac.xml", edge.address, "-s", "*82", "-key", "caller",
                  user.office, "-au", "dev1", "-ap", "guessed")
    assert guess.wait() == 0 and final_status(guess) == 407
    # from the trunk: passed on as a carrier's caller, an outsider whatever From says
    spoof = peers("spoof", "edge_uac.xml", edge.address, "-s", "*82", "-key", "caller",
                  user.office, "-set", "hangup", "them", ip=TRUNK)
    assert spoof.wait() == 0 and final_status(spoof) != 200
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name == before


@pytest.mark.once  # no digest, no database dialect in it: the peer's kind decides
def test_a_users_mobile_calling_through_the_mex_peer_behind_the_edge_is_her_own_phone(
        app, db, client, edge, peers):
    from api.availability.services import current_state

    user = User(app, db, client)
    # the MEX peer names the caller by her mobile: trusted, no digest (the carrier trunk's
    # same call gets no feature code: the test above)
    code = peers("mex", "edge_uac.xml", edge.address, "-s", "*82", "-key", "caller",
                 user.mobile, "-set", "hangup", "them", ip=MEX)
    assert code.wait() == 0 and final_status(code) == 200
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name == "In a meeting"


@pytest.mark.once
def test_the_edge_and_its_gateway_answer_the_probe_make_run_waits_for(edge, gateway):
    from api.wait_ready import wait

    assert wait([f"sip:{edge.address}", f"sip:127.0.0.1:{gateway.port}"], timeout_s=10) == []


@pytest.mark.skipif(bool(baresip_missing()), reason=baresip_missing() or "")
def test_a_real_softphone_registers_with_the_credentials_the_api_issued_and_is_rung_there(
        app, db, client, gateway, edge, peers, tmp_path):
    from api.availability.models import Device

    user = User(app, db, client)
    user.devices()   # none but the one the administrator adds now
    admin = auth(client, user.company.admin_mobile)
    r = client.post(f"/api/v1/users/{user.id}/devices", headers=admin,
                    json={"kind": "softphone", "label": "baresip",
                          "sip_uri": "sip:soft@pbx.example.com"})
    assert r.status_code == 201, r.get_json()
    creds = r.get_json()["sip_credentials"]
    device = db.get(Device, r.get_json()["id"])
    device.sip_uri = f"sip:{creds['username']}@{edge.address}"   # reached where it registers
    db.commit()
    phone = Baresip(tmp_path, "soft", answer="auto",
                    register=(f"sip:{edge.address}", creds["username"], creds["password"]))
    try:
        phone.registered()
        assert edge.contacts(creds["username"])
        trunk = peers("trunk", "edge_uac.xml", edge.address, "-s", user.office, "-key",
                      "caller", CALLER, "-d", "300", ip=TRUNK)
        answered = phone.event("CALL_ESTABLISHED")   # it answers by itself
        assert CALLER in answered["peeruri"]
        assert trunk.wait() == 0 and final_status(trunk) == 200
        phone.event("CALL_CLOSED")
        assert logged(user, "answered")[0].other_number == CALLER
    finally:
        phone.stop()
