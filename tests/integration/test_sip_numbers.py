"""Numbers at the gateway against real SIP peers: every format a carrier or a phone sends
reaches the same E.164 number, the trunk gets its configured format, and who a call is from
is decided by the peer it came from, never by the number it shows."""
from __future__ import annotations

import json

import pytest

from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures used by name)
    CALLER, MEX, PHONES, TRUNKS, TRUSTED, User, call, final_status, gateway, gateway_settles,
    logged, peers, ports, sink)
from tests.support.api import auth
from tests.support.sip import Gateway, header, sip_tools_missing, wait_until

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")
FAR = "+4755512345"  # a number outside the company, through the trunk


def _forms(e164: str) -> dict:
    return {"e164": e164, "national": e164[3:], "00": "00" + e164[1:], "47": e164[1:]}


def _push_token(user: User, sink) -> tuple[str, int]:
    """The user's push token, and the last push the sink holds for it (ids restart with the
    tables, so an earlier test's user may have had the same token)."""
    token = user.push_token()
    return token, max((p["id"] for p in sink[0].after(token, 0, 0)), default=0)


def _pushed_caller(sink, token: tuple[str, int]) -> dict:
    """The caller in the incoming-call push (Android data: each field a JSON string)."""
    pushes = wait_until(lambda: [p for p in sink[0].after(*token, 0)
                                 if p["kind"] == "incoming_call"], what="the incoming push")
    return json.loads(pushes[0]["payload"]["caller"])


def _call_id(sipp, status: str = "SIP/2.0 ") -> str:
    return header(sipp.received(status)[0], "Call-ID")


@pytest.mark.parametrize("form", ["e164", "national", "00", "47"])
def test_a_call_to_a_user_in_any_format_rings_them_and_shows_the_caller_in_e164(
        app, db, client, gateway, peers, sink, form):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml", "-d", "500")  # rings: the push is still relevant
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    token = _push_token(user, sink)

    trunk = call(peers, gateway, _forms(user.office)[form], caller=_forms(CALLER)[form])
    assert trunk.wait() == 0 and soft.wait() == 0 and final_status(trunk) == 200
    assert f"sip:{CALLER}@" in header(soft.received("INVITE")[0], "From")
    assert _pushed_caller(sink, token)["number"] == CALLER
    assert logged(user, "answered")[0].other_number == CALLER


def test_a_caller_in_national_format_is_found_by_whos_calling(
        app, db, client, gateway, peers, sink):
    user = User(app, db, client)
    r = client.post("/api/v1/directory/contacts", headers=auth(client, user.company.admin_mobile),
                    json={"name": "Kåre Ødegård", "numbers": [{"number": CALLER,
                                                                "label": "work"}]})
    assert r.status_code == 201, r.get_json()
    soft = peers("soft", "phone_answer.xml", "-d", "500")  # rings: the push is still relevant
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    token = _push_token(user, sink)

    trunk = call(peers, gateway, user.office, caller=CALLER[3:])
    assert trunk.wait() == 0 and soft.wait() == 0
    caller = _pushed_caller(sink, token)
    assert (caller["number"], caller["name"]) == (CALLER, "Kåre Ødegård")
    # the phone shows the same name: the display name of the From it gets
    assert header(soft.received("INVITE")[0], "From").startswith(
        f'"Kåre Ødegård" <sip:{CALLER}@')


@pytest.mark.once
def test_a_trusted_carriers_asserted_identity_is_the_caller_and_any_other_carriers_is_not(
        app, db, client, gateway, peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer_hang_up.xml", "-d", "100", calls=2)
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    written = "+4791111111"   # what the caller's own equipment wrote in From
    for ip, name in ((TRUSTED, "trusted"), ("127.0.0.1", "untrusted")):
        trunk = peers(name, "trunk_uac_asserted.xml", f"127.0.0.1:{gateway.port}", "-s",
                      user.office, "-key", "caller", written, "-key", "asserted", CALLER,
                      ip=ip)
        assert trunk.wait() == 0 and final_status(trunk) == 200
    assert soft.wait() == 0
    froms = [header(invite, "From") for invite in soft.received("INVITE")]
    assert f"sip:{CALLER}@" in froms[0] and f"sip:{written}@" in froms[1]
    numbers = wait_until(lambda: (lambda n: n if len(n) == 2 else None)(
        sorted(e.other_number for e in user.log())), what="both calls logged")
    assert numbers == sorted([CALLER, written])


def test_an_anonymous_caller_stays_withheld(app, db, client, gateway, peers, sink):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml", "-d", "500")  # rings: the push is still relevant
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    token = _push_token(user, sink)

    trunk = call(peers, gateway, user.office, caller="anonymous")
    assert trunk.wait() == 0 and soft.wait() == 0 and final_status(trunk) == 200
    assert "sip:anonymous@" in header(soft.received("INVITE")[0], "From")
    caller = _pushed_caller(sink, token)
    assert caller["number"] is None and "name" not in caller
    assert logged(user, "answered")[0].other_number is None


def _dial_out(peers, gateway, user: User, dialled: str, name: str = "device"):
    return peers(name, "device_uac_identity.xml", f"127.0.0.1:{gateway.port}", "-s", dialled,
                 "-key", "caller", user.mobile, "-key", "asked", user.office, "-d", "200",
                 ip=PHONES)


@pytest.mark.parametrize("dialled", [FAR[3:], "00" + FAR[1:]])
def test_a_phone_dialling_national_or_00_reaches_the_trunk_in_e164_by_default(
        app, db, client, gateway, peers, ports, dialled):
    user = User(app, db, client)
    far_end = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    device = _dial_out(peers, gateway, user, dialled)
    assert device.wait() == 0 and far_end.wait() == 0 and final_status(device) == 200
    assert far_end.received("INVITE")[0].startswith(f"INVITE sip:{FAR}@")
    assert wait_until(lambda: [e for e in user.log() if e.direction == "outgoing"],
                      what="the outgoing call in the log")[0].other_number == FAR


@pytest.fixture(scope="module", params=[("national", FAR[3:]), ("00", "00" + FAR[1:])],
                ids=["national", "00"])
def formatted(request, app, database_url, tmp_path_factory, sink, ports):
    """A gateway whose outbound trunk wants another number format, and what it should get."""
    fmt, expected = request.param
    gw = Gateway(database_url, tmp_path_factory.mktemp(f"gw-{fmt}"), trunk_port=ports["trunk"],
                 voicemail_port=ports["voicemail"], sink_url=sink[1],
                 trunks=f"127.0.0.1;format={fmt},{TRUNKS}")
    yield gw, expected
    gw.stop()


def test_a_trunk_configured_for_national_or_00_numbers_gets_them_so(
        app, db, client, formatted, peers, ports):
    gw, expected = formatted
    user = User(app, db, client)
    far_end = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    device = _dial_out(peers, gw, user, FAR[3:])
    assert device.wait() == 0 and far_end.wait() == 0 and final_status(device) == 200
    assert far_end.received("INVITE")[0].startswith(f"INVITE sip:{expected}@")
    wait_until(lambda: gw.events("call_written", _call_id(device)), what="the call written")


def _claims(peers, gateway, dialled: str, number: str, *, ip: str, name: str):
    """A call whose From and P-Asserted-Identity both say `number`."""
    return peers(name, "trunk_uac_asserted.xml", f"127.0.0.1:{gateway.port}", "-s", dialled,
                 "-key", "caller", number, "-key", "asserted", number, ip=ip)


@pytest.mark.parametrize("own", ["mobile", "office"])
def test_a_carrier_call_claiming_a_users_phone_gets_no_feature_code_and_no_outbound_call(
        app, db, client, gateway, peers, own):
    from api.availability.services import current_state, ensure_standard

    user = User(app, db, client)
    ensure_standard(db, user.tenant_id, user.id)
    db.commit()
    number = user.mobile if own == "mobile" else user.office
    for name, dialled in (("code", "*82"), ("out", FAR)):
        spoof = _claims(peers, gateway, dialled, number, ip="127.0.0.1", name=name)
        assert spoof.wait() == 0 and final_status(spoof) == 404
        assert not gateway.events("dial", _call_id(spoof))
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name != "In a meeting"


def test_the_same_from_a_mex_peer_asserting_the_mobile_gets_both(
        app, db, client, gateway, peers, ports):
    from api.availability.services import current_state, ensure_standard

    user = User(app, db, client)
    ensure_standard(db, user.tenant_id, user.id)
    db.commit()
    code = _claims(peers, gateway, "*82", user.mobile, ip=MEX, name="code")
    assert code.wait() == 0 and final_status(code) == 200
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name == "In a meeting"

    far_end = peers("far_end", "phone_answer_hang_up.xml", "-d", "200", port=ports["trunk"])
    out = peers("out", "trunk_uac_asserted.xml", f"127.0.0.1:{gateway.port}", "-s", FAR[3:],
                "-key", "caller", "anonymous", "-key", "asserted", user.mobile, ip=MEX)
    assert out.wait() == 0 and far_end.wait() == 0 and final_status(out) == 200
    invite = far_end.received("INVITE")[0]
    assert invite.startswith(f"INVITE sip:{FAR}@") and user.office in header(invite, "From")
