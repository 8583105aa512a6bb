"""A queue's own audio on the wire: the uploaded waiting message repeated while a caller
waits, and a team leader's welcome recorded by phone (SIPp speaks SIPp's g711a.pcap after
the prompt and the tone)."""
from __future__ import annotations

import io
import wave

import pytest

from tests.integration.test_sip_gateway import final_status, sink  # noqa: F401 (fixture)
from tests.integration.test_sip_queues import Company
from tests.integration.test_sip_voicemail import (  # noqa: F401 (fixtures shared, not copied)
    CALLER, PCAP, gateway, gateway_settles)
from tests.support.api import auth
from tests.support.sip import Ear, Sipp, sip_tools_missing, strongest_hz, wait_until
from tests.support.sip_fixtures import PHONES
from tests.support.voicemail import tone_wav

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""), pytest.mark.once]


def _runs(packets: list[bytes]) -> list[list[bytes]]:
    """The stretches of sound the caller heard, each between two silences."""
    runs, current = [], []
    for p in packets:
        if Ear.tone(p):
            current.append(p)
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


def test_a_waiting_caller_hears_the_uploaded_waiting_message_again_and_again(
        app, db, client, gateway, tmp_path):  # noqa: F811
    q = Company(app, db, client, hold_music="silence")
    q.queue.announce_every_s = 1   # below the API's 10 s, to keep the test short
    db.commit()
    admin = auth(client, q.company.admin_mobile)
    for kind, hz in (("greeting", 1200.0), ("message", 600.0)):
        assert client.put(f"/api/v1/queues/{q.queue.id}/audio/{kind}", headers=admin,
                          data=tone_wav(1.0, freq=hz)).status_code == 200
    ear = Ear()
    try:
        trunk = Sipp(tmp_path, "trunk", ear.scenario(tmp_path), f"127.0.0.1:{gateway.port}",
                     "-s", q.number, "-key", "caller", CALLER, "-d", "7000")
        try:
            assert trunk.wait(40) == 0
        finally:
            trunk.stop()
        # each stretch of sound of 0.8 s or more (between them, the "silence" hold music)
        runs = [r for r in _runs(ear.packets) if len(r) >= 40]
    finally:
        ear.close()
    assert abs(strongest_hz(runs[0]) - 1200.0) < 20             # the welcome, once
    assert len(runs) >= 3 and all(abs(strongest_hz(r) - 600.0) < 20 for r in runs[1:])
    assert q.ended("abandoned")


def test_an_administrator_records_the_queues_welcome_by_phone_after_a_spoken_prompt(
        app, db, client, gateway, tmp_path):  # noqa: F811
    q = Company(app, db, client)
    admin = auth(client, q.company.admin_mobile)
    url = f"/api/v1/queues/{q.queue.id}/audio/greeting"
    assert client.get(url, headers=admin).status_code == 404   # nothing uploaded yet
    national = q.number[3:]   # the queue's number as dialled in the company's country
    ear = Ear(PHONES)
    try:
        phone = Sipp(tmp_path, "phone", "trunk_uac_voicemail.xml", f"127.0.0.1:{gateway.port}",
                     "-s", f"*97{national}", "-key", "caller", q.company.admin_mobile,
                     "-key", "ear", str(ear.port), "-key", "pcap", PCAP, "-d", "3000",
                     ip=PHONES)
        try:
            assert phone.wait(40) == 0
        finally:
            phone.stop()
        prompt = sum(Ear.tone(p) for p in ear.packets)
    finally:
        ear.close()
    assert prompt >= 50, prompt   # a second at least of the spoken prompt before the tone

    got = wait_until(lambda: (lambda r: r if r.status_code == 200 else None)(
        client.get(url, headers=admin)), what="the recorded welcome")
    with wave.open(io.BytesIO(got.data)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 1.0 <= seconds <= 7.1, seconds   # what was said after the tone, up to the hang-up
    wait_until(lambda: gateway.events("queue_audio_recorded"), what="the gateway's log line")


def test_a_member_without_the_right_dialling_the_recording_code_records_nothing(
        app, db, client, gateway, tmp_path):  # noqa: F811
    q = Company(app, db, client)
    phone = Sipp(tmp_path, "phone", "trunk_uac.xml", f"127.0.0.1:{gateway.port}",
                 "-s", f"*97{q.number[3:]}", "-key", "caller", q.company.users["bob"],
                 "-d", "300", ip=PHONES)
    try:
        assert phone.wait(40) == 0
    finally:
        phone.stop()
    assert final_status(phone) == 404   # no code of his: nothing answers
    admin = auth(client, q.company.admin_mobile)
    assert client.get(f"/api/v1/queues/{q.queue.id}/audio/greeting",
                      headers=admin).status_code == 404
