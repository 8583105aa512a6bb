"""Texts for a user follow the user's language, else the phone's, else the company's; texts a
caller hears follow the company's (database and API underneath)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select, update

from api.accounts.models import Tenant, User
from api.availability.models import Profile
from api.availability.services import ensure_standard, set_availability
from api.core import clock
from api.pushdevices.services import targets
from api.transfer.services import returned_why
from push import payloads
from tests.support.api import auth, make_company
from tests.support.sms import give_service_number, link_of, set_user, sink  # noqa: F401

MONDAY = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)   # 11:30 in Oslo and Stockholm
ONE_PM = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)    # 13:00 there
IPHONE = {"platform": "ios", "token": "c3" * 32, "token_kind": "alert",
          "app_id": "no.example.pbx", "environment": "production", "locale": "en-GB"}
ANDROID = {"platform": "android", "token": "fcm:" + "y" * 140, "token_kind": "fcm",
           "app_id": "no.example.pbx", "locale": "en-GB"}
MISSED = {"caller": {"number": "+4791111111", "name": "Kari Nordmann", "company": "Fjord AS"}}


def _profiles(client, h) -> dict:
    return {p["key"]: p["name"] for p in client.get("/api/v1/me/profiles", headers=h).get_json()}


def test_a_norwegian_user_sees_the_standard_profiles_in_norwegian(app, client):
    c = make_company(app)
    set_user(app, c.users["alice"], language="nb")
    h = auth(client, c.users["alice"])
    assert _profiles(client, h) == {
        "available": "Tilgjengelig", "busy": "Opptatt", "meeting": "I møte", "lunch": "Lunsj",
        "away": "Borte", "out_of_office": "Ikke på kontoret", "gone_for_day": "Gått for dagen",
        "dnd": "Ikke forstyrr"}
    state = client.get("/api/v1/me/availability", headers=h).get_json()
    assert state["profile"] == {**state["profile"], "key": "available", "name": "Tilgjengelig"}


def test_a_user_without_a_language_of_their_own_reads_the_companys(app, client):
    c = make_company(app, language="sv")
    assert _profiles(client, auth(client, c.users["bob"]))["busy"] == "Upptagen"


def test_standard_names_follow_the_language_until_the_user_renames_one(app, client):
    c = make_company(app, language="nb")
    h = auth(client, c.users["alice"])
    listed = {p["key"]: p for p in client.get("/api/v1/me/profiles", headers=h).get_json()}
    lunch, meeting = listed["lunch"]["id"], listed["meeting"]["id"]
    assert client.patch(f"/api/v1/me/profiles/{lunch}", json={"name": "Matpause"},
                        headers=h).status_code == 200
    # the app sends back the name it showed: that is no rename
    assert client.patch(f"/api/v1/me/profiles/{meeting}", json={"name": "I møte"},
                        headers=h).status_code == 200
    assert client.patch("/api/v1/me", json={"language": "fi"}, headers=h).status_code == 200
    names = _profiles(client, h)
    assert names["lunch"] == "Matpause" and names["meeting"] == "Kokouksessa"
    assert names["available"] == "Tavoitettavissa"


def _alerts(app, company, who: str, kind: str, data: dict) -> list[dict]:
    with app.extensions["session_factory"]() as db:
        user_id = db.scalar(select(User.id).where(User.mobile == company.users[who]))
        devices, settings = targets(db, company.tenant_id, user_id)
    messages, _ = payloads.plan(kind, "call-1", data, devices, settings)
    return [m.body for m in messages]


def test_the_missed_call_push_is_in_the_users_language_and_changes_with_it(app, client):
    c = make_company(app, language="en")
    h = auth(client, c.users["alice"])
    for device in (IPHONE, ANDROID):
        assert client.post("/api/v1/me/push-devices", json=device, headers=h).status_code == 201
    client.patch("/api/v1/me", json={"language": "nb"}, headers=h)
    apns, fcm = _alerts(app, c, "alice", "missed_call", MISSED)
    alert = apns["aps"]["alert"]
    assert alert["title"] == "Tapt anrop" and alert["body"] == "Kari Nordmann (Fjord AS)"
    assert alert["loc-key"] == "CALL_MISSED_BODY" and alert["title-loc-key"] == "CALL_MISSED_TITLE"
    assert alert["loc-args"] == ["Kari Nordmann", "+4791111111", "Fjord AS"]
    assert fcm["alert_title"] == "Tapt anrop" and fcm["alert_loc_key"] == "CALL_MISSED_BODY"
    assert fcm["alert_loc_args"] == '["Kari Nordmann","+4791111111","Fjord AS"]'

    client.patch("/api/v1/me", json={"language": "sv"}, headers=h)
    apns, fcm = _alerts(app, c, "alice", "missed_call", {"caller": {"number": None}})
    assert apns["aps"]["alert"]["title"] == fcm["alert_title"] == "Missat samtal"
    assert apns["aps"]["alert"]["body"] == "Okänt nummer"

    client.patch("/api/v1/me", json={"language": None}, headers=h)   # the phone's, en-GB
    apns, _fcm = _alerts(app, c, "alice", "missed_call", MISSED)
    assert apns["aps"]["alert"]["title"] == "Missed call"


def test_the_returned_transfer_push_is_norwegian_with_the_parts_as_arguments(app, client, db):
    clock.freeze(MONDAY)
    c = make_company(app, language="nb")
    db.execute(update(Tenant).where(Tenant.id == c.tenant_id).values(timezone="Europe/Oslo"))
    db.commit()
    h = auth(client, c.users["alice"])
    client.post("/api/v1/me/push-devices", json={**IPHONE, "locale": None}, headers=h)
    alice, bob = (db.scalar(select(User).where(User.mobile == c.users[w])) for w in ("alice", "bob"))
    ensure_standard(db, c.tenant_id, bob.id)
    meeting = db.scalar(select(Profile.id).where(Profile.user_id == bob.id,
                                                 Profile.key == "meeting"))
    set_availability(db, c.tenant_id, bob.id, bob.id, meeting, ONE_PM, None)
    order = {"tenant_id": c.tenant_id, "user_id": alice.id, "target_kind": "colleague",
             "target_id": bob.id, "target_name": "Bob", "target_number": bob.office_number}
    why = returned_why(db, order, "no_answer")
    assert why == "Bob er i møte til 13:00"
    apns, = _alerts(app, c, "alice", "transfer_returned",
                    {"target": "Bob", "why": why, "caller": {"number": "+4791111111"}})
    alert = apns["aps"]["alert"]
    assert alert["title"] == "Overført samtale kom tilbake"
    assert alert["body"] == "Samtalen til Bob kom tilbake: Bob er i møte til 13:00"
    assert alert["loc-key"] == "TRANSFER_RETURNED_BODY_WHY"
    assert alert["loc-args"] == ["Bob", "Bob er i møte til 13:00", "+4791111111"]


def test_the_reset_sms_and_page_are_norwegian_for_a_norwegian_user(app, client, sink):
    c = make_company(app)
    give_service_number(app, c)
    set_user(app, c.users["alice"], language="nb")
    client.post("/api/v1/auth/password-reset", json={"username": c.users["alice"]},
                buffered=True)
    text = sink.sent[0]["text"]
    assert re.fullmatch(r"Koden din: \d{6}\. Eller velg nytt passord på \S+ - gyldig i \d+ min\.",
                        text), text
    path = "/reset/" + link_of(text).rsplit("/reset/", 1)[1]
    page = client.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200 and page.headers["Content-Language"] == "nb"
    html = page.get_data(as_text=True)
    assert '<html lang="nb">' in html and "Velg nytt passord" in html and "Gjenta nytt passord" in html
    r = client.post(path, data={"new_password": "abc", "new_password_again": "abcd"})
    assert r.status_code == 422 and "Passordene er ikke like." in r.get_data(as_text=True)


def test_a_page_without_a_user_follows_accept_language(app, client):
    r = client.get("/reset/not-a-token", headers={"Accept-Language": "de, sv;q=0.8, en;q=0.5"})
    assert r.status_code == 404 and "Länken har gått ut" in r.get_data(as_text=True)
    r = client.get("/reset/not-a-token")
    assert "Link expired" in r.get_data(as_text=True)


def test_a_swedish_companys_caller_hears_the_referral_in_swedish(app, client, db):
    clock.freeze(MONDAY)
    c = make_company(app, language="sv", country="SE")
    db.execute(update(Tenant).where(Tenant.id == c.tenant_id)
               .values(timezone="Europe/Stockholm"))
    db.commit()
    h = auth(client, c.users["alice"])
    client.patch("/api/v1/me", json={"language": "en"}, headers=h)   # hers: not the caller's
    meeting = {p["key"]: p["id"] for p in
               client.get("/api/v1/me/profiles", headers=h).get_json()}["meeting"]
    assert client.put("/api/v1/me/availability", json={
        "profile_id": meeting, "until": ONE_PM.isoformat()}, headers=h).status_code == 200
    plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
    spoken = plan["steps"][0]
    assert spoken["text"] == "Personen du söker är på möte tills 13.00."
    assert spoken["language"] == "sv"


def test_remote_login_answers_in_the_companys_language(app, db):
    from api.queues.membership import toggle_remote_login

    c = make_company(app, language="da")
    result = toggle_remote_login(db, c.tenant_id, "+4799999998")   # a phone nobody registered
    assert not result.known and result.language == "da"
    assert result.announcement == "Denne telefon er ikke registreret til login i køer. " \
                                  "Intet er ændret."


def test_a_user_without_a_language_reads_the_apps_accept_language_before_the_companys(app,
                                                                                     client):
    c = make_company(app, language="nb")
    h = auth(client, c.users["alice"])
    assert _profiles(client, {**h, "Accept-Language": "da-DK"})["busy"] == "Optaget"
    assert _profiles(client, {**h, "Accept-Language": "de-DE"})["busy"] == "Opptatt"
    client.patch("/api/v1/me", json={"language": "sv"}, headers=h)
    assert _profiles(client, {**h, "Accept-Language": "da-DK"})["busy"] == "Upptagen"


def test_the_routing_preview_and_the_directory_name_standard_profiles_in_the_readers_language(
        app, client):
    c = make_company(app, language="en")
    set_user(app, c.users["alice"], language="sv")
    alice, bob = auth(client, c.users["alice"]), auth(client, c.users["bob"])
    preview = client.get("/api/v1/me/routing-preview", headers=alice).get_json()
    assert (preview["profile_key"], preview["profile_name"]) == ("available", "Tillgänglig")
    meeting = next(p["id"] for p in client.get("/api/v1/me/profiles", headers=bob).get_json()
                   if p["key"] == "meeting")
    assert client.put("/api/v1/me/availability", headers=bob,
                      json={"profile_id": meeting}).status_code == 200
    assert client.get("/api/v1/me/routing-preview", headers=bob).get_json()["profile_name"] \
        == "In a meeting"
    entry = client.get("/api/v1/directory?q=bob", headers=alice).get_json()[0]
    assert entry["availability"]["key"] == "meeting"
    assert entry["availability"]["name"] == "I möte"
