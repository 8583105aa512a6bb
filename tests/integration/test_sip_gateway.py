"""The SIP gateway against real SIP peers: SIPp as the trunk and as the user's phones."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from tests.support.api import auth, make_company
from tests.support.sip import Sipp, header, sip_tools_missing, wait_until
from tests.support.sip_fixtures import (  # noqa: F401 (fixtures, also imported from here)
    MEX, PHONES, TRUNKS, TRUSTED, gateway, gateway_settles, peers, ports, sink)

pytestmark = pytest.mark.skipif(sip_tools_missing() is not None,
                                reason=sip_tools_missing() or "")
CALLER = "+4791234567"


class User:
    def __init__(self, app, db, client, who: str = "alice", company=None) -> None:
        from api.accounts.models import User as U

        self.company = company or make_company(app)
        self.mobile = self.company.users[who]
        self.row = db.scalar(select(U).where(U.mobile == self.mobile))
        self.id, self.tenant_id, self.office = self.row.id, self.row.tenant_id, \
            self.row.office_number
        self.db, self.client = db, client

    def devices(self, **uris) -> None:
        """Replace the ringing devices: softphone=URI, deskphone=URI, mobile=E.164."""
        from api.availability.models import Device
        from api.availability.services import ensure_standard

        ensure_standard(self.db, self.tenant_id, self.id)
        self.db.execute(update(Device).where(Device.user_id == self.id).values(enabled=False))
        for kind, address in uris.items():
            self.db.add(Device(tenant_id=self.tenant_id, user_id=self.id, kind=kind,
                               label=kind, enabled=True, mex=True,
                               sip_uri=None if kind == "mobile" else address,
                               number=address if kind == "mobile" else None))
        self.db.commit()

    def profile(self, **values) -> None:
        """Change the Available profile (the one in force)."""
        from api.availability.models import Profile

        self.db.execute(update(Profile).where(Profile.user_id == self.id,
                                              Profile.is_default.is_(True)).values(**values))
        self.db.commit()

    def push_token(self) -> str:
        token = f"tok-{self.id}-gateway-test"
        r = self.client.post("/api/v1/me/push-devices", headers=auth(self.client, self.mobile),
                             json={"platform": "android", "token": token, "token_kind": "fcm",
                                   "app_id": "no.example.pbx"})
        assert r.status_code in (200, 201), r.get_json()
        return token

    def log(self) -> list:
        from api.callerid.models import CallLogEntry

        self.db.expire_all()
        return list(self.db.scalars(select(CallLogEntry).where(CallLogEntry.user_id == self.id)))


def call(peers, gateway, number: str, *, hold_ms: int = 300, caller: str = CALLER,
         ip: str = "127.0.0.1") -> Sipp:
    return peers("trunk", "trunk_uac.xml", f"127.0.0.1:{gateway.port}", "-s", number,
                 "-key", "caller", caller, "-d", str(hold_ms), ip=ip)


def final_status(trunk: Sipp) -> int:
    finals = [t for d, _, t in trunk.messages() if d == "received"
              and t.startswith("SIP/2.0 ") and "INVITE" in (header(t, "CSeq") or "")
              and int(t.split()[1]) >= 200]
    return int(finals[0].split()[1])


def logged(user: User, status: str):
    return wait_until(lambda: [e for e in user.log() if e.status == status],
                      what=f"a {status} call in the log")


def test_trunk_call_rings_the_softphone_after_the_push_and_is_logged_answered(
        app, db, client, gateway, peers, sink):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml", "-d", "500")  # rings half a second
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    token = user.push_token()

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and soft.wait() == 0
    assert final_status(trunk) == 200
    invite = soft.received("INVITE")[0]
    assert CALLER in header(invite, "From") and CALLER in header(invite, "P-Asserted-Identity")

    entry = logged(user, "answered")[0]
    assert entry.other_number == CALLER and entry.direction == "incoming"
    pushes = sink[0].after(token, 0, 10)
    incoming = [p for p in pushes if p["kind"] == "incoming_call"]
    assert incoming and CALLER in json.dumps(incoming[0]["payload"])
    assert wait_until(lambda: [p for p in sink[0].after(token, 0, 0)
                               if p["kind"] == "call_ended"], what="the call_ended push")
    admin = auth(client, user.company.admin_mobile)
    wait_until(lambda: len(client.get("/api/v1/push-attempts", headers=admin).get_json()) >= 2,
               what="both push attempts recorded")
    call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
    push_line = gateway.events("push", call_id)[0]
    dial_line = gateway.events("dial", call_id)[0]
    assert gateway.lines.index(push_line) < gateway.lines.index(dial_line)



@pytest.mark.once
def test_parallel_ring_connects_the_first_phone_to_answer_and_tells_the_other_it_was_answered(
        app, db, client, gateway, peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_no_answer.xml")
    desk = peers("desk", "phone_answer.xml", "-d", "300")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}",
                 deskphone=f"sip:desk@127.0.0.1:{desk.port}")

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and desk.wait() == 0
    assert soft.wait() == 0 and soft.received("CANCEL")  # the loser was cancelled
    # ... saying why (RFC 3326), so the phone logs no missed call
    assert header(soft.received("CANCEL")[0], "Reason") == \
        'SIP;cause=200;text="Call completed elsewhere"'
    assert final_status(trunk) == 200
    assert logged(user, "answered")


@pytest.mark.parametrize("destination", [
    {"kind": "voicemail"}, {"kind": "external", "target": "+4755599999"}])
@pytest.mark.once
def test_no_answer_forwards_with_the_called_number_in_diversion_and_history_info(
        app, db, client, gateway, peers, ports, destination):
    user = User(app, db, client)
    soft = peers("soft", "phone_no_answer.xml")
    external = destination["kind"] == "external"
    far = peers("far", "phone_answer.xml", port=ports["trunk" if external else "voicemail"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    user.profile(no_answer_after=1, no_answer=destination)

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and soft.wait() == 0 and far.wait() == 0
    assert soft.received("CANCEL")
    target = (f"sip:+4755599999@127.0.0.1:{ports['trunk']}" if external
              else f"sip:voicemail@127.0.0.1:{ports['voicemail']}")
    invite = far.received("INVITE")[0]
    assert invite.startswith(f"INVITE {target}")
    diversion = header(invite, "Diversion")  # RFC 5806
    assert diversion.startswith(f"<sip:{user.office}@") and "reason=no-answer" in diversion
    first, second = header(invite, "History-Info").split(",")  # RFC 7044
    assert first.startswith(f"<sip:{user.office}@") and first.endswith(";index=1")
    assert second == f"<{target};cause=408>;index=1.1;mp=1"
    assert final_status(trunk) == 200  # the caller talks to voicemail or the external number
    assert logged(user, "missed")[0].other_number == CALLER


@pytest.mark.once
def test_no_answer_forwards_to_a_colleague_through_the_gateway_with_the_called_number(
        app, db, client, gateway, peers):
    alice = User(app, db, client)
    bob = User(app, db, client, "bob", company=alice.company)
    soft = peers("soft", "phone_no_answer.xml")
    bobs = peers("bobs", "phone_answer.xml")
    alice.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    bob.devices(softphone=f"sip:bobs@127.0.0.1:{bobs.port}")
    alice.profile(no_answer_after=1, no_answer={"kind": "colleague", "target": str(bob.id)})

    trunk = call(peers, gateway, alice.office)
    assert trunk.wait() == 0 and soft.wait() == 0 and bobs.wait() == 0
    assert final_status(trunk) == 200 and CALLER in header(bobs.received("INVITE")[0], "From")
    # the forwarded leg came back into this gateway for Bob's own plan, carrying Alice's number
    leg = wait_until(lambda: [json.loads(x) for x in gateway.events("call_routed")
                              if f'"user_id": {bob.id},' in x], what="Bob's leg routed")[0]
    assert leg["diversion"].startswith(f"<sip:{alice.office}@")
    # and Bob's phone hears whom the call was meant for
    rung = bobs.received("INVITE")[0]
    assert header(rung, "Diversion").startswith(f"<sip:{alice.office}@")
    assert header(rung, "History-Info").startswith(f"<sip:{alice.office}@")
    first, second = leg["history_info"].split(",")
    assert first.startswith(f"<sip:{alice.office}@") and second.startswith(
        f"<sip:{bob.office}@") and second.endswith(";cause=408>;index=1.1;mp=1")
    assert logged(alice, "missed") and logged(bob, "answered")


def test_a_main_number_leading_to_a_user_rings_them_by_their_plan_and_the_log_says_so(
        app, db, client, gateway, peers, sink, ports):
    from api.availability.models import MainNumber

    user = User(app, db, client)
    main = MainNumber(tenant_id=user.tenant_id, number="+4722000000", label="Sales",
                      user_id=user.id)
    db.add(main)
    db.commit()
    soft = peers("soft", "phone_no_answer.xml")
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    user.profile(no_answer_after=1)
    token = user.push_token()

    trunk = call(peers, gateway, "+4722000000")
    assert trunk.wait() == 0 and soft.wait() == 0 and voicemail.wait() == 0
    assert soft.received("INVITE") and soft.received("CANCEL")  # the user's own devices
    assert header(voicemail.received("INVITE")[0], "Diversion").startswith(
        f"<sip:{user.office}@")  # the user's own fallback: their voicemail
    call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
    incoming = wait_until(lambda: [p for p in sink[0].after(token, 0, 10)
                                   if p["kind"] == "incoming_call" and p["call_id"] == call_id],
                          what="the incoming-call push of this call")
    via = json.loads(incoming[0]["payload"]["context"])["main_number"]  # "via Sales"
    assert (via["name"], via["number"]) == ("Sales", "+4722000000")
    routed = json.loads(gateway.events("call_routed", call_id)[0])
    assert routed["via_main_number"] == main.id and routed["user_id"] == user.id
    push_line, dial_line = gateway.events("push", call_id)[0], gateway.events("dial", call_id)[0]
    assert gateway.lines.index(push_line) < gateway.lines.index(dial_line)
    entry = logged(user, "missed")[0]
    assert entry.via_main_number_id == main.id and entry.other_number == CALLER


def test_a_busy_phone_sends_the_call_on_to_the_fallback(app, db, client, gateway, peers,
                                                        ports):
    user = User(app, db, client)
    soft = peers("soft", "phone_busy.xml")
    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and soft.wait() == 0 and voicemail.wait() == 0
    assert final_status(trunk) == 200
    invite = voicemail.received("INVITE")[0]
    assert header(invite, "Diversion").endswith(";reason=user-busy;counter=1")
    assert header(invite, "History-Info").endswith(";cause=486>;index=1.1;mp=1")


@pytest.mark.once
def test_a_profile_with_busy_tone_answers_the_trunk_486(app, db, client, gateway, peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    user.profile(when_free={"kind": "busy_tone"})

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0
    assert final_status(trunk) == 486
    assert not soft.received("INVITE")
    assert logged(user, "busy")


@pytest.mark.once
def test_mobile_rings_through_the_trunk_after_the_softphone_with_the_number_called(
        app, db, client, gateway, peers, ports):
    user = User(app, db, client)
    soft = peers("soft", "phone_no_answer.xml")
    mobile = peers("mobile", "phone_answer.xml", port=ports["trunk"])
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}", mobile="+4798765432")
    user.profile(ring_order="mobile_after", mobile_delay=1, no_answer_after=10)

    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and mobile.wait() == 0 and soft.wait() == 0
    invite = mobile.received("INVITE")[0]
    assert invite.startswith("INVITE sip:+4798765432@")
    # the MEX leg to the carrier is a forwarded leg: it says which number was called
    office, mobile_uri = f"sip:{user.office}@", "<sip:+4798765432@"
    assert header(invite, "Diversion").startswith(f"<{office}")
    assert "reason=no-answer" in header(invite, "Diversion")
    assert header(invite, "History-Info").startswith(f"<{office}") and \
        f"{mobile_uri}" in header(invite, "History-Info")
    call_id = header(trunk.received("SIP/2.0 200")[0], "Call-ID")
    dials = [json.loads(x)["kind"] for x in gateway.events("dial", call_id)]
    assert dials == ["softphone", "mobile"]
    assert soft.received("CANCEL")


def test_an_outgoing_call_from_the_mobile_presents_the_office_number(
        app, db, client, gateway, peers, ports):
    user = User(app, db, client)
    far_end = peers("far_end", "phone_answer.xml", port=ports["trunk"])

    trunk = call(peers, gateway, "+4755512345", caller=user.mobile, ip=MEX)
    assert trunk.wait() == 0 and far_end.wait() == 0
    invite = far_end.received("INVITE")[0]
    assert invite.startswith("INVITE sip:+4755512345@")
    assert user.office in header(invite, "From")
    assert user.office in header(invite, "P-Asserted-Identity")
    entry = wait_until(lambda: [e for e in user.log() if e.direction == "outgoing"],
                       what="the outgoing call in the log")[0]
    # the party called answered: the call was answered, not missed
    assert (entry.other_number, entry.status) == ("+4755512345", "answered")


@pytest.mark.parametrize("asked, shown, why", [
    ("+4722000000", "+4722000000", "asked"),  # a main number users may show
    ("+4799999999", None, "asked_not_allowed")])  # someone else's: the profile's number
def test_a_device_asking_for_a_display_number_presents_it_only_when_the_user_may_use_it(
        app, db, client, gateway, peers, ports, asked, shown, why):
    from api.availability.models import MainNumber

    user = User(app, db, client)
    db.add(MainNumber(tenant_id=user.tenant_id, number="+4722000000", label="Switchboard"))
    db.commit()
    far_end = peers("far_end", "phone_answer.xml", port=ports["trunk"])
    device = peers("device", "device_uac_identity.xml", f"127.0.0.1:{gateway.port}", "-s",
                   "+4755512345", "-key", "caller", user.mobile, "-key", "asked", asked,
                   "-d", "300", ip=PHONES)
    assert device.wait() == 0 and far_end.wait() == 0 and final_status(device) == 200
    invite = far_end.received("INVITE")[0]
    presented = shown or user.office
    assert f"sip:{presented}@" in header(invite, "From")
    assert f"sip:{presented}@" in header(invite, "P-Asserted-Identity")
    assert header(invite, "P-Preferred-Identity") is None  # never passed on to the trunk
    call_id = header(device.received("SIP/2.0 200")[0], "Call-ID")
    said = json.loads(gateway.events("display_number", call_id)[0])
    assert (said["number"], said["source"], said["asked"]) == (presented, why, asked)


@pytest.mark.once
def test_an_unknown_number_gets_404_and_a_refused_peer_403(app, db, client, gateway, peers):
    trunk = call(peers, gateway, "+4721999999")
    assert trunk.wait() == 0 and final_status(trunk) == 404
    stranger = call(peers, gateway, "+4721999999", ip="127.0.0.2")
    assert stranger.wait() == 0 and final_status(stranger) == 403


def test_hang_up_from_the_app_ends_the_live_call_once_per_idempotency_key(
        app, db, client, gateway, peers):
    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    headers = auth(client, user.mobile)
    trunk = peers("trunk", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s",
                  user.office, "-key", "caller", CALLER)

    calls = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=headers)
                                .get_json() if c["state"] == "answered"],
                       what="the answered call in my calls")
    assert calls[0]["other_number"] == CALLER and calls[0]["direction"] == "incoming"
    url = f"/api/v1/me/calls/{calls[0]['id']}/hangup"
    first = client.post(url, headers={**headers, "Idempotency-Key": "tap-1"})
    again = client.post(url, headers={**headers, "Idempotency-Key": "tap-1"})
    assert first.status_code == again.status_code == 202
    assert first.get_json()["id"] == again.get_json()["id"]

    assert trunk.wait() == 0 and soft.wait() == 0  # both legs got their BYE
    command = wait_until(lambda: (lambda c: c if c["state"] == "done" else None)(
        client.get(f"/api/v1/me/calls/commands/{first.get_json()['id']}",
                   headers=headers).get_json()), what="the command to be done")
    assert command["kind"] == "hangup"
    assert wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json() == [],
                      what="no live call left")


@pytest.mark.once
def test_a_feature_code_from_the_mobile_activates_the_profile_and_callers_hear_the_referral(
        app, db, client, gateway, peers, ports):
    from api.availability.services import current_state

    user = User(app, db, client)
    soft = peers("soft", "phone_answer.xml")
    user.devices(softphone=f"sip:soft@127.0.0.1:{soft.port}")
    code = peers("code", "trunk_uac_hung_up.xml", f"127.0.0.1:{gateway.port}", "-s", "*82",
                 "-key", "caller", user.mobile, ip=MEX)
    assert code.wait() == 0 and final_status(code) == 200  # confirmation played, then BYE
    db.expire_all()
    assert current_state(db, user.tenant_id, user.id)[1].profile.name == "In a meeting"

    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and voicemail.wait() == 0
    statuses = [int(t.split()[1]) for d, _, t in trunk.messages()
                if d == "received" and t.startswith("SIP/2.0")]
    assert statuses.index(183) < statuses.index(200)  # the referral before voicemail answers
    assert not soft.received("INVITE")  # in a meeting: the phones do not ring


@pytest.mark.once
def test_a_swedish_companys_caller_hears_the_referral_in_swedish_with_the_swedish_voice(
        app, db, client, gateway, peers, ports):
    import hashlib
    from datetime import datetime, timedelta, timezone

    from api.accounts.models import Tenant
    from api.availability.models import Profile
    from api.availability.services import set_availability
    from i18n import day_and_clock

    company = make_company(app, language="sv", country="SE")
    db.execute(update(Tenant).where(Tenant.id == company.tenant_id)
               .values(timezone="Europe/Stockholm"))
    db.commit()
    user = User(app, db, client, company=company)
    db.execute(update(type(user.row)).where(type(user.row).id == user.id).values(language="en"))
    user.devices(softphone="sip:soft@127.0.0.1:9")
    meeting = db.scalar(select(Profile.id).where(Profile.user_id == user.id,
                                                 Profile.key == "meeting"))
    now = datetime.now(timezone.utc)
    until = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    set_availability(db, user.tenant_id, user.id, user.id, meeting, until, None)
    day, time = day_and_clock(until, now, "Europe/Stockholm", "sv")
    assert "." in time and ":" not in time            # the Swedish clock: 14.05
    text = (f"Personen du söker är på möte tills {time}." if day is None else
            f"Personen du söker är på möte tills den {day} klockan {time}.")

    voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
    trunk = call(peers, gateway, user.office)
    assert trunk.wait() == 0 and voicemail.wait() == 0
    spoken = gateway.tts_dir / (hashlib.sha256(f"sv\n{text}".encode()).hexdigest()[:32] + ".wav")
    assert spoken.exists(), sorted(p.name for p in gateway.tts_dir.glob("*.wav"))
