"""Problem details a user can meet are worded in the reader's language (the user's, else the
phone's `Accept-Language`, else the company's; without a user, `Accept-Language`), while
`type` and the machine-readable members stay as the app keys on them."""
from __future__ import annotations

import pytest

from tests.support.api import PASSWORD, auth, make_company
from tests.support.sms import set_user

TYPES = "https://problems.pbx-companion.dev/"


def test_a_norwegian_user_is_told_in_norwegian_that_a_favourite_already_exists(app, client):
    c = make_company(app, language="en")
    set_user(app, c.users["alice"], language="nb")
    h = auth(client, c.users["alice"])
    bob = client.get("/api/v1/directory?q=bob", headers=h).get_json()[0]
    body = {"kind": "colleague", "target_id": bob["id"]}
    assert client.post("/api/v1/me/favourites", headers=h, json=body).status_code == 201
    r = client.post("/api/v1/me/favourites", headers=h, json=body)
    assert r.status_code == 409 and r.headers["Content-Language"] == "nb"
    problem = r.get_json()
    assert problem["type"] == TYPES + "conflict"
    assert (problem["title"], problem["detail"]) == ("Konflikt", "Det er allerede en favoritt")
    missing = client.post("/api/v1/me/favourites", headers=h,
                          json={"kind": "colleague", "target_id": 999999})
    assert missing.get_json()["detail"] == "Ingen kollega med id 999999"


def test_a_norwegian_users_password_refusal_names_the_rules_in_norwegian(app, client):
    c = make_company(app, policy="strict", language="sv")
    set_user(app, c.users["alice"], language="nb")
    h = auth(client, c.users["alice"])
    r = client.put("/api/v1/me/password", headers=h,
                   json={"current_password": PASSWORD, "new_password": "abc12abc"})
    assert r.status_code == 422
    problem = r.get_json()
    assert problem["type"] == TYPES + "validation-error"
    assert problem["title"] == "Innholdet kan ikke behandles"
    assert problem["errors"]["rules"] == ["mixed_case", "no_repeated_sequence"]
    assert problem["errors"]["new_password"] == [
        "må inneholde både store og små bokstaver",
        "kan ikke gjenta en sekvens på 3 tegn (som «abc» i «abc12abc»)"]
    assert problem["detail"].startswith("new_password: må inneholde")
    wrong = client.put("/api/v1/me/password", headers=h,
                       json={"current_password": "wrong", "new_password": "Whatever12"})
    assert wrong.status_code == 403
    assert wrong.get_json()["detail"] == "Det nåværende passordet er feil"
    assert wrong.get_json()["field"] == "current_password"


def test_the_librarys_own_validation_messages_follow_the_user(app, client):
    c = make_company(app, language="fi")
    h = auth(client, c.users["bob"])
    r = client.post("/api/v1/me/favourites", headers=h, json={"kind": "colleague",
                                                                "target_id": "x"})
    assert r.status_code == 422 and r.headers["Content-Language"] == "fi"
    assert r.get_json()["errors"]["target_id"] == ["Ei kelvollinen kokonaisluku."]
    assert r.get_json()["detail"] == \
        "Virheelliset tiedot: target_id: Ei kelvollinen kokonaisluku."


def test_a_user_without_a_language_reads_problems_in_the_phones_language(app, client):
    c = make_company(app, language="nb")
    h = {**auth(client, c.users["bob"]), "Accept-Language": "da-DK, en;q=0.5"}
    r = client.delete("/api/v1/me/favourites/999999", headers=h)
    assert r.status_code == 404 and r.headers["Content-Language"] == "da"
    assert r.get_json()["detail"] == "Ingen favorit med id 999999"
    assert r.get_json()["type"] == TYPES + "not-found"


def test_a_login_without_a_user_is_answered_in_the_accept_language(app, client):
    c = make_company(app, language="nb")
    r = client.post("/api/v1/auth/login", headers={"Accept-Language": "sv-SE,sv;q=0.9"},
                    json={"username": c.users["alice"], "password": "wrong"})
    assert r.status_code == 401 and r.headers["Content-Language"] == "sv"
    assert (r.get_json()["title"], r.get_json()["detail"]) == \
        ("Inte inloggad", "Fel mobilnummer eller lösenord")
    r = client.post("/api/v1/auth/login", headers={"Accept-Language": "sv"},
                    json={"username": c.users["alice"]})
    assert r.status_code == 422
    assert r.get_json()["errors"]["password"] == ["Obligatoriskt fält saknas."]
    english = client.post("/api/v1/auth/login", json={"username": c.users["alice"]})
    assert english.headers["Content-Language"] == "en"
    assert english.get_json()["errors"]["password"] == ["Missing data for required field."]


def test_an_unknown_address_is_explained_in_the_accept_language(client):
    r = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "nn"})
    assert r.status_code == 404 and r.headers["Content-Language"] == "nn"
    assert r.get_json()["detail"] == "Ingenting finst på /api/v1/no-such-thing"
    assert r.get_json()["type"] == TYPES + "not-found"


def _standard(client, h, key):
    return next(p for p in client.get("/api/v1/me/profiles", headers=h).get_json()
                if p["key"] == key)


@pytest.mark.once  # worded the same whatever the database
def test_a_norwegian_user_meets_a_conflict_a_missing_profile_and_a_wrong_entry_in_norwegian(
        app, client):
    c = make_company(app, language="en")
    set_user(app, c.users["alice"], language="nb")
    h = auth(client, c.users["alice"])
    available = _standard(client, h, "available")
    kept = client.delete(f"/api/v1/me/profiles/{available['id']}", headers=h)
    assert kept.status_code == 409 and kept.headers["Content-Language"] == "nb"
    assert (kept.get_json()["title"], kept.get_json()["detail"]) == \
        ("Konflikt", "Tilgjengelig er reserveprofilen og kan ikke slettes")
    assert kept.get_json()["type"] == TYPES + "conflict"
    gone = client.get("/api/v1/me/profiles/999999", headers=h)
    assert gone.status_code == 404
    assert gone.get_json()["detail"] == "Ingen profil med id 999999"
    backwards = client.post("/api/v1/me/schedules", headers=h, json={
        "profile_id": _standard(client, h, "lunch")["id"],
        "starts": "2030-05-02T12:00:00", "ends": "2030-05-02T11:00:00"})
    assert backwards.status_code == 422
    assert backwards.get_json()["detail"] == "ends: må være etter starts"
    assert backwards.get_json()["errors"] == {"ends": ["må være etter starts"]}


@pytest.mark.once  # worded the same whatever the database
def test_a_norwegian_user_reads_the_librarys_missing_field_and_range_messages_in_norwegian(
        app, client):
    c = make_company(app, language="sv")
    set_user(app, c.users["bob"], language="nb")
    h = auth(client, c.users["bob"])
    r = client.post("/api/v1/me/favourites", headers=h, json={"target_id": 0})
    assert r.status_code == 422 and r.headers["Content-Language"] == "nb"
    assert r.get_json()["errors"] == {
        "kind": ["Obligatorisk felt mangler."],
        "target_id": ["Må være større enn eller lik 1 og mindre enn eller lik 2147483647."]}
    assert "target_id: Må være større enn eller lik 1" in r.get_json()["detail"]
    assert r.get_json()["type"] == TYPES + "validation-error"
    choice = client.post("/api/v1/me/favourites", headers=h,
                         json={"kind": "parrot", "target_id": 1})
    assert choice.get_json()["errors"]["kind"][0].startswith("Må være en av: colleague")


@pytest.mark.once  # worded the same whatever the database
def test_a_refresh_without_a_user_is_refused_in_the_accept_language(app, client):
    r = client.post("/api/v1/auth/refresh", headers={"Accept-Language": "nb-NO, en;q=0.3"},
                    json={"refresh_token": "not-a-token"})
    assert r.status_code == 401 and r.headers["Content-Language"] == "nb"
    assert r.get_json()["detail"] == "Ukjent fornyelsestoken: logg inn igjen"
    english = client.post("/api/v1/auth/refresh", json={"refresh_token": "not-a-token"})
    assert english.get_json()["detail"] == "Unknown refresh token: log in again"


@pytest.mark.once  # worded the same whatever the database
def test_a_swedish_reader_is_told_in_swedish_why_a_call_went_to_voicemail(app, client):
    from api.callerid.calllog import record_call

    c = make_company(app, language="sv")
    with app.extensions["session_factory"]() as db:
        from api.accounts.models import User
        alice = db.query(User).filter_by(mobile=c.users["alice"]).one()
        record_call(db, c.tenant_id, alice.id, direction="incoming", status="missed",
                    other_number="+4722334455", look_up=False, answered_by="voicemail",
                    reason={"profile": "Lunch", "profile_key": "lunch", "rule": "when_free"})
    h = auth(client, c.users["alice"])
    entry = client.get("/api/v1/me/call-log", headers=h).get_json()[0]
    assert entry["outcome"] == "voicemail" and entry["reason"]["profile_key"] == "lunch"
    assert entry["why"] == "Gick till röstbrevlådan (din profil Lunch, när ledig)"
    norwegian_phone = {**h, "Accept-Language": "nb"}
    entry = client.get("/api/v1/me/call-log", headers=norwegian_phone).get_json()[0]
    assert entry["why"] == "Gikk til telefonsvarer (profilen din Lunsj, når ledig)"
