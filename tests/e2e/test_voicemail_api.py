"""Voicemail over HTTP: the mailbox lists, streams (with Range), marks and deletes messages
the gateway left; greetings are uploaded in common formats and refused when they are not
audio; retention makes room or tells the caller the mailbox is full; nobody reaches
another user's or company's messages."""
from __future__ import annotations

import io
import os
import shutil
import wave

import pytest
from sqlalchemy import select

from api.events.models import OutboxEvent
from api.voicemail.models import VoicemailMessage
from tests.support.api import auth, make_company, user_id_of
from tests.support.sms import smtp_server  # noqa: F401 (fixture)
from tests.support.voicemail import encoded, leave_message, tone_wav

BASE = "/api/v1/me/voicemail"


@pytest.fixture(autouse=True)
def empty_store(app):
    """Ids start again after each test: so does the voicemail store."""
    yield
    shutil.rmtree(app.config["SETTINGS"].voicemail_dir, ignore_errors=True)


@pytest.fixture
def company(app, client):
    c = make_company(app)
    c.heads = {who: auth(client, mobile) for who, mobile in c.users.items()}
    c.heads["admin"] = auth(client, c.admin_mobile)
    return c


def _leave(app, db, company, who="alice", **kw):
    return leave_message(app, company.tenant_id, user_id_of(db, company.users[who]), **kw)


def _file(app, db, message_id: int) -> str:
    row = db.get(VoicemailMessage, message_id)
    db.expire_all()
    root = app.config["SETTINGS"].voicemail_dir
    return os.path.join(root, str(row.tenant_id), str(row.user_id), row.file)


def test_a_left_message_is_listed_newest_first_with_the_caller_and_its_length(
        app, db, client, company):
    hit = {"name": "Kari Nordmann", "company": "Kunde AS", "source": "company_contact"}
    first = _leave(app, db, company, seconds=2.0, caller="+4791111111", hit=hit)
    second = _leave(app, db, company, seconds=3.0, caller="+4792222222")
    r = client.get(BASE, headers=company.heads["alice"])
    assert r.status_code == 200, r.get_json()
    items = r.get_json()
    assert [m["id"] for m in items] == [second.message_id, first.message_id]
    assert items[1]["hit"]["name"] == "Kari Nordmann"
    assert items[1]["caller_number"] == "+4791111111"
    assert items[1]["duration"] == pytest.approx(2.0, abs=0.05)
    assert items[1]["reason"] == "profile" and items[1]["heard"] is False
    assert client.get(BASE, headers=company.heads["bob"]).get_json() == []


def test_marking_a_message_heard_lowers_the_unread_count_in_me_and_the_unread_filter(
        app, db, client, company):
    a = _leave(app, db, company)
    _leave(app, db, company)
    h = company.heads["alice"]
    assert client.get("/api/v1/me", headers=h).get_json()["voicemail_unread"] == 2
    r = client.patch(f"{BASE}/{a.message_id}", headers=h, json={"heard": True})
    assert r.status_code == 200 and r.get_json()["heard"] is True
    assert client.get("/api/v1/me", headers=h).get_json()["voicemail_unread"] == 1
    unread = client.get(BASE + "?unread=true", headers=h).get_json()
    assert a.message_id not in [m["id"] for m in unread] and len(unread) == 1
    r = client.patch(f"{BASE}/{a.message_id}", headers=h, json={"heard": False})
    assert client.get("/api/v1/me", headers=h).get_json()["voicemail_unread"] == 2


def test_hearing_or_deleting_a_message_sends_the_new_unread_count_as_the_badge(
        app, db, client, company, monkeypatch):
    sent = []

    class Recording:
        def voicemail_count(self, tenant_id, user_id, unread):
            sent.append((tenant_id, user_id, unread))

    monkeypatch.setitem(app.extensions, "push", Recording())
    first, second = _leave(app, db, company), _leave(app, db, company)
    h, uid = company.heads["alice"], user_id_of(db, company.users["alice"])
    client.patch(f"{BASE}/{first.message_id}", headers=h, json={"heard": True})
    client.delete(f"{BASE}/{second.message_id}", headers=h)
    assert sent == [(company.tenant_id, uid, 1), (company.tenant_id, uid, 0)]


def test_the_owner_alone_hears_new_heard_and_deleted_on_the_live_stream(
        app, db, client, company):
    left = _leave(app, db, company)
    h = company.heads["alice"]
    client.patch(f"{BASE}/{left.message_id}", headers=h, json={"heard": True})
    client.delete(f"{BASE}/{left.message_id}", headers=h)
    rows = db.scalars(select(OutboxEvent).where(OutboxEvent.kind == "voicemail")
                      .order_by(OutboxEvent.id)).all()
    assert [(e.data["event"], e.data["unread"]) for e in rows] == [
        ("new", 1), ("heard", 0), ("deleted", 0)]
    assert {e.user_id for e in rows} == {user_id_of(db, company.users["alice"])}


def test_the_audio_downloads_whole_and_in_ranges_for_seeking(app, db, client, company):
    left = _leave(app, db, company, seconds=2.0)
    h = company.heads["alice"]
    whole = client.get(f"{BASE}/{left.message_id}/audio", headers=h)
    assert whole.status_code == 200 and whole.mimetype == "audio/wav"
    assert whole.headers["Accept-Ranges"] == "bytes"
    with wave.open(io.BytesIO(whole.data)) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(2.0, abs=0.01)
    part = client.get(f"{BASE}/{left.message_id}/audio",
                      headers={**h, "Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.data)}"
    assert part.data == whole.data[100:200]
    tail = client.get(f"{BASE}/{left.message_id}/audio", headers={**h, "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole.data[-10:]
    outside = client.get(f"{BASE}/{left.message_id}/audio",
                         headers={**h, "Range": f"bytes={len(whole.data) + 5}-"})
    assert outside.status_code == 416
    assert outside.headers["Content-Range"] == f"bytes */{len(whole.data)}"


def test_deleting_a_message_removes_its_file(app, db, client, company):
    left = _leave(app, db, company)
    path = _file(app, db, left.message_id)
    assert os.path.exists(path)
    h = company.heads["alice"]
    assert client.delete(f"{BASE}/{left.message_id}", headers=h).status_code == 204
    assert not os.path.exists(path)
    assert client.get(f"{BASE}/{left.message_id}", headers=h).status_code == 404
    assert client.get(f"{BASE}/{left.message_id}/audio", headers=h).status_code == 404


def test_a_colleagues_or_another_companys_message_is_not_found(app, db, client, company):
    left = _leave(app, db, company)
    other = make_company(app)
    outsider = auth(client, other.users["alice"])
    for h in (company.heads["bob"], company.heads["admin"], outsider):
        for method, path in (("get", ""), ("get", "/audio"), ("patch", ""), ("delete", "")):
            r = getattr(client, method)(f"{BASE}/{left.message_id}{path}", headers=h,
                                        json={"heard": True} if method == "patch" else None)
            assert r.status_code == 404, (method, path, r.status_code)
            assert r.mimetype == "application/problem+json"
    assert os.path.exists(_file(app, db, left.message_id))
    assert db.get(VoicemailMessage, left.message_id).heard_at is None


def test_a_message_shorter_than_a_second_is_dropped_with_its_file(app, db, client, company):
    assert _leave(app, db, company, seconds=0.6) is None
    assert client.get(BASE, headers=company.heads["alice"]).get_json() == []
    uid = user_id_of(db, company.users["alice"])
    folder = os.path.join(app.config["SETTINGS"].voicemail_dir, str(company.tenant_id),
                          str(uid))
    assert [f for f in os.listdir(folder) if f.endswith(".wav")] == []


def test_a_full_mailbox_makes_room_from_the_oldest_heard_and_else_refuses(
        app, db, client, company):
    admin, h = company.heads["admin"], company.heads["alice"]
    r = client.put("/api/v1/voicemail/settings", headers=admin,
                   json={"max_age_days": 30, "max_messages": 2})
    assert r.status_code == 200, r.get_json()
    oldest, newer = _leave(app, db, company), _leave(app, db, company)
    assert _leave(app, db, company) is None  # nothing heard: full, the caller is told
    client.patch(f"{BASE}/{newer.message_id}", headers=h, json={"heard": True})
    oldest_file = _file(app, db, oldest.message_id)
    newer_file = _file(app, db, newer.message_id)
    third = _leave(app, db, company)
    assert third is not None
    ids = [m["id"] for m in client.get(BASE, headers=h).get_json()]
    assert ids == [third.message_id, oldest.message_id]  # the heard one made room
    assert not os.path.exists(newer_file) and os.path.exists(oldest_file)


def test_messages_older_than_the_companys_limit_are_deleted(app, db, client, company):
    from datetime import timedelta

    from api.core import clock

    clock.freeze(clock.now() - timedelta(days=8))
    old = _leave(app, db, company)
    clock.freeze(None)
    recent = _leave(app, db, company)
    path = _file(app, db, old.message_id)
    client.put("/api/v1/voicemail/settings", headers=company.heads["admin"],
               json={"max_age_days": 7, "max_messages": 100})
    listed = client.get(BASE, headers=company.heads["alice"]).get_json()
    assert [m["id"] for m in listed] == [recent.message_id]
    assert not os.path.exists(path)


def test_only_administrators_set_the_retention_and_bad_values_are_refused(client, company):
    body = {"max_age_days": 10, "max_messages": 5}
    r = client.put("/api/v1/voicemail/settings", headers=company.heads["alice"], json=body)
    assert r.status_code == 403
    r = client.put("/api/v1/voicemail/settings", headers=company.heads["admin"],
                   json={"max_age_days": 0, "max_messages": 5})
    assert r.status_code == 422 and "max_age_days" in r.get_json()["errors"]


@pytest.mark.parametrize("fmt,subtype", [("WAV", "PCM_16"), ("FLAC", None),
                                         ("OGG", "VORBIS")])
def test_a_greeting_in_a_common_format_is_stored_as_8khz_mono_wav(client, company, fmt,
                                                                  subtype):
    h = company.heads["alice"]
    r = client.put(f"{BASE}/greetings/busy", headers=h, data=encoded(2.5, fmt, subtype))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["kind"] == "busy"
    assert r.get_json()["duration"] == pytest.approx(2.5, abs=0.1)
    heard = client.get(f"{BASE}/greetings/busy", headers=h)
    with wave.open(io.BytesIO(heard.data)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
    assert [g["kind"] for g in client.get(f"{BASE}/greetings", headers=h).get_json()] == [
        "busy"]


def test_replacing_or_deleting_a_greeting_removes_the_old_file(app, db, client, company):
    h = company.heads["alice"]
    client.put(f"{BASE}/greetings/away", headers=h, data=tone_wav(2.0))
    folder = os.path.join(app.config["SETTINGS"].voicemail_dir, str(company.tenant_id),
                          str(user_id_of(db, company.users["alice"])))
    assert len(os.listdir(folder)) == 1
    client.put(f"{BASE}/greetings/away", headers=h, data=tone_wav(3.0))
    assert len(os.listdir(folder)) == 1
    assert client.delete(f"{BASE}/greetings/away", headers=h).status_code == 204
    assert os.listdir(folder) == []
    assert client.get(f"{BASE}/greetings/away", headers=h).status_code == 404


@pytest.mark.parametrize("body,words", [
    (b"", "empty"),
    (b"MZ\x90\x00" + b"\x00" * 2000, "not a"),
    (tone_wav(3.0)[:30], "not a"),  # cut inside its header
    (tone_wav(0.4), "at least"),
    (tone_wav(2.0, volume=0.0), "silent"),
    (tone_wav(125.0), "at most"),
])
def test_bad_audio_is_a_clear_422_and_nothing_is_stored(app, db, client, company, body, words):
    r = client.put(f"{BASE}/greetings/unavailable", headers=company.heads["alice"], data=body)
    assert r.status_code == 422, r.status_code
    problem = r.get_json()
    assert r.mimetype == "application/problem+json" and words in problem["detail"]
    assert "audio" in problem["errors"]
    assert client.get(f"{BASE}/greetings", headers=company.heads["alice"]).get_json() == []


def test_there_is_no_greeting_of_another_kind(client, company):
    r = client.put(f"{BASE}/greetings/holiday", headers=company.heads["alice"],
                   data=tone_wav(2.0))
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_the_call_log_entry_links_to_the_message_the_caller_left(app, db, client, company):
    from datetime import timedelta

    from api.callerid.services import record_call
    from api.core.clock import now

    uid = user_id_of(db, company.users["alice"])
    at = now()
    record_call(db, company.tenant_id, uid, direction="incoming", status="missed",
                other_number="+4791111111", started_at=at - timedelta(seconds=30),
                answered_at=None, ended_at=at, call_id="vm-call-1@test", look_up=False)
    db.commit()
    left = _leave(app, db, company, call_id="vm-call-1@test")
    entries = client.get("/api/v1/me/call-log", headers=company.heads["alice"]).get_json()
    assert entries[0]["voicemail_id"] == left.message_id


@pytest.mark.once
def test_the_simulator_lists_plays_deletes_messages_and_uploads_a_greeting(
        app, db, live, company, tmp_path, capsys):
    from mobile_client_sim.__main__ import main as sim_main

    from tests.support.api import PASSWORD

    left = _leave(app, db, company, seconds=2.0,
                  hit={"name": "Kari Nordmann", "source": "company_contact"})
    state = str(tmp_path / "sim.json")

    def sim(*args: str) -> str:
        assert sim_main(["--api", live.url, "--state", state, "--password", PASSWORD,
                         *args]) == 0
        return capsys.readouterr().out

    sim("login", company.users["alice"])
    listed = sim("voicemail")
    assert "1 not heard" in listed and "Kari Nordmann (+4791111111)" in listed
    out = tmp_path / "heard.wav"
    assert "saved to" in sim("voicemail", "play", str(left.message_id), str(out))
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(2.0, abs=0.01)
    assert "0 not heard" in sim("voicemail")
    greeting = tmp_path / "busy.flac"
    greeting.write_bytes(encoded(2.0, "FLAC"))
    assert "busy greeting saved: 2.0 s" in sim("greeting", "upload", "busy", str(greeting))
    sim("voicemail", "delete", str(left.message_id))
    assert "0 message(s)" in sim("voicemail")


def test_a_user_who_asked_for_it_gets_each_message_by_email_with_the_audio(
        app, db, client, company, smtp_server, monkeypatch):
    from api import gateway_port as port

    smtp_port, mailbox = smtp_server
    monkeypatch.setenv("PBX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PBX_SMTP_PORT", str(smtp_port))
    h = company.heads["alice"]
    r = client.put(f"{BASE}/settings", headers=h, json={"email_copy": True})
    assert r.status_code == 422 and "email_copy" in r.get_json()["errors"]  # no address yet
    client.patch("/api/v1/me", headers=h, json={"email": "alice@example.test"})
    r = client.put(f"{BASE}/settings", headers=h, json={"email_copy": True})
    assert r.get_json() == {"email_copy": True, "email": "alice@example.test"}
    left = _leave(app, db, company, seconds=2.0, hit={"name": "Kari Nordmann"})
    assert port.voicemail.email_copy(left) is True
    mail = mailbox.messages[-1]
    assert mail["To"] == "alice@example.test" and "Kari Nordmann" in mail["Subject"]
    attached = next(mail.iter_attachments())
    assert attached.get_content_type() == "audio/wav"
    with wave.open(io.BytesIO(attached.get_content())) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(2.0, abs=0.01)
    client.put(f"{BASE}/settings", headers=h, json={"email_copy": False})
    assert port.voicemail.email_copy(_leave(app, db, company)) is False


def test_the_message_waiting_lamp_counts_unheard_and_heard_and_names_registering_devices(
        app, db, client, company):
    from api.voicemail import mwi

    uid = user_id_of(db, company.users["alice"])
    r = client.post(f"/api/v1/users/{uid}/devices", headers=company.heads["admin"],
                    json={"kind": "deskphone", "sip_uri": "sip:2101@pbx.example.com"})
    assert r.status_code == 201, r.get_json()
    username = r.get_json()["sip_credentials"]["username"]
    first = _leave(app, db, company)
    _leave(app, db, company)
    _leave(app, db, company, who="bob")
    client.patch(f"{BASE}/{first.message_id}", headers=company.heads["alice"],
                 json={"heard": True})
    assert mwi.lamp(db, company.tenant_id, uid) == mwi.Lamp((username,), 1, 1)
