"""The gateway's own voicemail end to end: SIPp calls a user who is out of office, hears her
greeting (on a socket of the test's own), speaks SIPp's g711a.pcap after the tone and hangs
up; the message is listed with who called, lasts what was said, downloads, and the push
arrives. A key skips the greeting; silence ends a message."""
from __future__ import annotations

import io
import os
import wave
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.test_sip_gateway import User, sink  # noqa: F401 (fixture shared)
from tests.support.api import auth
from tests.support.baresip import Baresip, baresip_missing
from tests.support.sip import (Ear, Gateway, Sipp, free_port, sip_tools_missing, strongest_hz,
                               wait_until)
from tests.support.sip_fixtures import TRUNKS
from tests.support.voicemail import tone_wav

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]
CALLER = "+4791234567"
PCAP = "/usr/share/sip-tester/g711a.pcap"
PCAP_SECONDS = 236 * 0.030   # its packets: 236 A-law frames of 30 ms
BASE = "/api/v1/me/voicemail"
GREETING_S = 2.0
SILENCE_S = 2


@pytest.fixture(scope="module")
def gateway(app, database_url, tmp_path_factory, sink):  # noqa: F811
    gw = Gateway(database_url, tmp_path_factory.mktemp("gw-vm"), trunk_port=free_port(),
                 voicemail_port=None, sink_url=sink[1], trunks=TRUNKS,
                 env={"VOICEMAIL_DIR": app.config["SETTINGS"].voicemail_dir,
                      "SIP_VOICEMAIL_SILENCE_S": str(SILENCE_S)})
    yield gw
    gw.stop()


@pytest.fixture(autouse=True)
def gateway_settles(gateway, db):
    yield
    wait_until(lambda: len(gateway.events("call_routed")) + len(gateway.events("call_refused"))
               == len(gateway.events("call_written")), what="the gateway to finish its calls")


def _out_of_office(db, user: User) -> None:
    from api.availability.models import Profile
    from api.availability.services import ensure_standard, set_availability
    from api.core.clock import now

    ensure_standard(db, user.tenant_id, user.id)
    ooo = db.scalar(select(Profile.id).where(Profile.user_id == user.id,
                                             Profile.key == "out_of_office"))
    set_availability(db, user.tenant_id, user.id, user.id, ooo, now() + timedelta(days=2),
                     None)


def test_a_caller_hears_the_greeting_leaves_a_message_and_the_user_gets_it(
        app, db, client, gateway, sink, tmp_path):  # noqa: F811
    user = User(app, db, client)
    heads = auth(client, user.mobile)
    _out_of_office(db, user)
    token = user.push_token()
    r = client.post("/api/v1/me/contacts", headers=heads, json={
        "name": "Kari Nordmann", "company": "Kunde AS", "numbers": [{"number": CALLER}]})
    assert r.status_code == 201, r.get_json()
    greeting = tone_wav(GREETING_S, freq=440.0)  # the user's own "away" greeting
    assert client.put(f"{BASE}/greetings/away", headers=heads,
                      data=greeting).status_code == 200

    ear = Ear()
    try:
        trunk = Sipp(tmp_path, "trunk", "trunk_uac_voicemail.xml",
                     f"127.0.0.1:{gateway.port}", "-s", user.office, "-key", "caller", CALLER,
                     "-key", "ear", str(ear.port), "-key", "pcap", PCAP, "-d", "2300")
        try:
            assert trunk.wait(40) == 0
        finally:
            trunk.stop()
        heard = sum(ear.tone(p) for p in ear.packets)
    finally:
        ear.close()
    assert heard >= 50, heard  # a second of the greeting at least (the tone is 0.4 s)

    messages = wait_until(lambda: client.get(BASE, headers=heads).get_json(),
                          what="the message in the mailbox")
    assert len(messages) == 1
    m = messages[0]
    assert m["caller_number"] == CALLER and m["hit"]["name"] == "Kari Nordmann"
    assert m["reason"] == "profile" and m["profile"] == "Out of office"
    assert abs(m["duration"] - PCAP_SECONDS) <= 0.5, m["duration"]

    audio = client.get(f"{BASE}/{m['id']}/audio", headers=heads)
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    with wave.open(io.BytesIO(audio.data)) as w:
        frames = w.readframes(w.getnframes())
        assert abs(w.getnframes() / w.getframerate() - PCAP_SECONDS) <= 0.5
    assert len(set(frames)) > 64  # speech, not a silent file

    push = wait_until(lambda: [p for p in sink[0].after(token, 0, 0)
                               if p["kind"] == "voicemail"], what="the voicemail push")
    assert push[0]["payload"]["unread"] == "1"
    assert "Kari Nordmann" in push[0]["payload"]["caller"]

    entry = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log",
                                                      headers=heads).get_json()
                                if e.get("voicemail_id")], what="the call log entry")[0]
    assert entry["voicemail_id"] == m["id"] and entry["outcome"] == "voicemail"

    assert client.patch(f"{BASE}/{m['id']}", headers=heads,
                        json={"heard": True}).status_code == 200
    assert client.get("/api/v1/me", headers=heads).get_json()["voicemail_unread"] == 0
    row_file = _file_of(app, db, m["id"])
    assert client.delete(f"{BASE}/{m['id']}", headers=heads).status_code == 204
    assert not os.path.exists(row_file)


def _file_of(app, db, message_id: int) -> str:
    from api.voicemail.models import VoicemailMessage

    row = db.get(VoicemailMessage, message_id)
    return os.path.join(app.config["SETTINGS"].voicemail_dir, str(row.tenant_id),
                        str(row.user_id), row.file)


def test_a_key_skips_the_greeting_and_silence_ends_the_message(
        app, db, client, gateway, sink, tmp_path):  # noqa: F811
    user = User(app, db, client)
    heads = auth(client, user.mobile)
    _out_of_office(db, user)
    long_greeting = 8.0
    client.put(f"{BASE}/greetings/away", headers=heads, data=tone_wav(long_greeting))
    # presses 1 a second into the greeting, then says nothing until the gateway hangs up
    trunk = Sipp(tmp_path, "trunk", "trunk_uac_dtmf.xml", f"127.0.0.1:{gateway.port}",
                 "-s", user.office, "-key", "caller", CALLER, "-d", "1000")
    try:
        assert trunk.wait(40) == 0
    finally:
        trunk.stop()
    answered = trunk.first_time("SIP/2.0 200")
    hung_up = trunk.first_time("BYE")
    # skipped: the call ends a silence after the key, long before the greeting would have
    assert hung_up - answered < long_greeting
    assert gateway.events("voicemail_digit") and gateway.events("voicemail_silence")
    messages = wait_until(lambda: client.get(BASE, headers=heads).get_json(),
                          what="the message in the mailbox")
    assert abs(messages[0]["duration"] - SILENCE_S) <= 0.5  # the silence itself, then the end


def test_a_queue_overflowing_to_voicemail_records_into_the_queue_mailbox_for_its_members(
        app, db, client, gateway, sink, tmp_path):  # noqa: F811
    from tests.integration.test_sip_queues import Company

    from api.voicemail import spoken
    from sip_gateway.tts import Tts

    # nobody logged in: the overflow at once; the caller speaks once the spoken default
    # naming the queue and the tone are over (the silence limit is short in this module)
    q = Company(app, db, client, logged_in=False, overflow_kind="voicemail")
    with wave.open(Tts(str(tmp_path / "tts"))(spoken.queue_greeting("Support", "en"), "en")) as w:
        speak_after_ms = int(w.getnframes() / w.getframerate() * 1000) + 400  # then the tone
    heads = q.headers("bob")
    token = f"tok-{q.ids['bob']}-queue-mailbox"
    assert client.post("/api/v1/me/push-devices", headers=heads, json={
        "platform": "android", "token": token, "token_kind": "fcm",
        "app_id": "no.example.pbx"}).status_code in (200, 201)
    ear = Ear()
    try:
        trunk = Sipp(tmp_path, "trunk", "trunk_uac_voicemail.xml",
                     f"127.0.0.1:{gateway.port}", "-s", q.number, "-key", "caller", CALLER,
                     "-key", "ear", str(ear.port), "-key", "pcap", PCAP,
                     "-d", str(speak_after_ms))
        try:
            assert trunk.wait(40) == 0
        finally:
            trunk.stop()
        spoken = sum(len(set(p)) > 16 for p in ear.packets)  # frames with sound, not silence
    finally:
        ear.close()
    assert spoken >= 100, spoken  # 2 s at least of the greeting naming the queue
    url = f"/api/v1/queues/{q.queue.id}/voicemail"
    messages = wait_until(lambda: client.get(url, headers=heads).get_json(),
                          what="the message in the queue's mailbox")
    assert len(messages) == 1 and messages[0]["queue_id"] == q.queue.id
    assert messages[0]["reason"] == "queue" and messages[0]["caller_number"] == CALLER
    assert abs(messages[0]["duration"] - PCAP_SECONDS) <= 0.5, messages[0]["duration"]
    assert client.get(BASE, headers=heads).get_json() == []  # not in bob's own mailbox
    push = wait_until(lambda: [p for p in sink[0].after(token, 0, 0)
                               if p["kind"] == "voicemail"], what="the member's push")
    assert '"Support"' in push[0]["payload"]["queue"]
    assert push[0]["payload"]["unread"] == "0"  # bob's own mailbox is still empty
    assert q.ended("timed_out")


def test_a_caller_into_a_queue_hears_its_uploaded_welcome_instead_of_its_text(
        app, db, client, gateway, tmp_path):  # noqa: F811
    from tests.integration.test_sip_queues import Company

    # members logged in but without a phone to ring: the caller waits, hearing the welcome
    q = Company(app, db, client, greeting="Welcome to support.", hold_music="silence")
    admin = auth(client, q.company.admin_mobile)
    assert client.put(f"/api/v1/queues/{q.queue.id}/audio/greeting", headers=admin,
                      data=tone_wav(3.0, freq=1200.0)).status_code == 200
    ear = Ear()
    try:
        trunk = Sipp(tmp_path, "trunk", ear.scenario(tmp_path), f"127.0.0.1:{gateway.port}",
                     "-s", q.number, "-key", "caller", CALLER, "-d", "2500")
        try:
            assert trunk.wait(40) == 0
        finally:
            trunk.stop()
        sound = [p for p in ear.packets if Ear.tone(p)]
    finally:
        ear.close()
    assert len(sound) >= 75, len(sound)   # 1.5 s at least of the 3 s welcome (20 ms frames)
    assert abs(strongest_hz(sound) - 1200.0) < 20   # the uploaded tone, not speech
    assert q.ended("abandoned")


def test_a_caller_leaving_a_message_is_transferred_from_the_app_and_the_message_is_dropped(
        app, db, client, gateway, tmp_path):
    alice = User(app, db, client)
    bob = User(app, db, client, "bob", company=alice.company)
    heads = auth(client, alice.mobile)
    _out_of_office(db, alice)
    bobs_phone = Sipp(tmp_path, "bob", "phone_answer.xml")
    bob.devices(softphone=f"sip:bob@127.0.0.1:{bobs_phone.port}")
    ear = Ear()
    trunk = Sipp(tmp_path, "trunk", "trunk_uac_voicemail.xml", f"127.0.0.1:{gateway.port}",
                 "-s", alice.office, "-key", "caller", CALLER, "-key", "ear", str(ear.port),
                 "-key", "pcap", PCAP, "-d", "1000")
    try:
        live = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=heads)
                                   .get_json() if c["state"] == "voicemail"],
                          what="my call shown in voicemail")[0]
        call_id = wait_until(lambda: gateway.events("voicemail_recording"),
                             what="the caller leaving a message") and live["id"]
        r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=heads,
                        json={"target": {"kind": "colleague", "id": bob.id},
                              "method": "blind"})
        assert r.status_code == 202, r.get_json()
        url = f"/api/v1/me/transfers/{r.get_json()['id']}"
        wait_until(lambda: client.get(url, headers=heads).get_json()["state"] == "completed",
                   what="the transfer to bob completed")
        wait_until(lambda: bobs_phone.received("ACK"), what="bob's phone talking")
        assert trunk.wait(40) == 0          # the caller talked on until they hung up
        assert bobs_phone.wait(20) == 0     # and bob's phone got their BYE
    finally:
        trunk.stop()
        bobs_phone.stop()
        ear.close()
    assert gateway.events("voicemail_discarded")
    wait_until(lambda: client.get("/api/v1/me/calls", headers=heads).get_json() == [],
               what="my call over")
    assert client.get(BASE, headers=heads).get_json() == []          # no message left
    logged = wait_until(lambda: [e for e in client.get("/api/v1/me/call-log", headers=heads)
                                 .get_json() if e["transfer"]], what="my log entry")[0]
    assert logged["transfer"]["state"] == "completed"
    assert logged["transfer"]["target"]["id"] == bob.id


@pytest.mark.skipif(baresip_missing() is not None, reason=baresip_missing() or "")
def test_a_call_that_rang_out_to_voicemail_is_taken_back_from_the_app_onto_my_phone(
        app, db, client, gateway, tmp_path):
    alice = User(app, db, client)
    heads = auth(client, alice.mobile)
    alice.profile(no_answer_after=1, no_answer={"kind": "voicemail"})
    client.put(f"{BASE}/greetings/unavailable", headers=heads, data=tone_wav(30.0))
    phone = Baresip(tmp_path, "alice", answer="manual")
    ear = Ear()
    trunk = None
    try:
        alice.devices(softphone=phone.aor)
        # the caller waits a minute in voicemail before speaking (the greeting is 30 s)
        trunk = Sipp(tmp_path, "trunk", "trunk_uac_voicemail.xml", f"127.0.0.1:{gateway.port}",
                     "-s", alice.office, "-key", "caller", CALLER, "-key", "ear", str(ear.port),
                     "-key", "pcap", PCAP, "-d", "60000")
        phone.event("CALL_INCOMING")                       # rings out: I do not answer
        live = wait_until(lambda: [c for c in client.get("/api/v1/me/calls", headers=heads)
                                   .get_json() if c["state"] == "voicemail"],
                          what="my call shown in voicemail")[0]
        again = phone.mark()
        r = client.post(f"/api/v1/me/calls/{live['id']}/take-back", headers=heads)
        assert r.status_code == 202, r.get_json()
        phone.event("CALL_INCOMING", after=again)          # my phone rings again
        phone.accept()
        phone.event("CALL_ESTABLISHED", after=again)
        wait_until(lambda: [c["state"] for c in client.get("/api/v1/me/calls", headers=heads)
                            .get_json()] == ["answered"], what="my call answered")
        phone.hangup()
        wait_until(lambda: trunk.received("BYE"), what="the caller's call ended")
    finally:
        if trunk is not None:
            trunk.stop()
        phone.stop()
        ear.close()
    assert gateway.events("voicemail_taken_back") and gateway.events("voicemail_discarded")
    assert client.get(BASE, headers=heads).get_json() == []          # no message left
    logged = wait_until(lambda: client.get("/api/v1/me/call-log", headers=heads).get_json(),
                        what="my log entry")[0]
    assert logged["status"] == "answered"
