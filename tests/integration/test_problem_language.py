"""Problem details a user can meet are worded in the reader's language (the user's, else the
phone's `Accept-Language`, else the company's; without a user, `Accept-Language`), while
`type` and the machine-readable members stay as the app keys on them."""
from __future__ import annotations

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
