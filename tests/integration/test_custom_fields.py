"""Company-defined user fields: typed, checked on users, another company's stay apart."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from tests.support.api import auth, make_company


def _define(client, h, **field):
    r = client.post("/api/v1/custom-fields", headers=h, json=field)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_typed_values_are_kept_on_users_and_wrong_ones_are_refused_naming_the_field(
        app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    admin = auth(client, company.admin_mobile)
    _define(client, admin, key="employee_no", label="Employee number", type="number")
    _define(client, admin, key="started", label="Start date", type="date")
    _define(client, admin, key="team", label="Team", type="choice", choices=["Red", "Blue"])
    _define(client, admin, key="badge", label="Badge text", type="text")
    r = client.patch(f"/api/v1/users/{alice.id}", headers=admin, json={"custom_fields": {
        "employee_no": 1042, "started": "2026-03-01", "team": "Blue", "badge": " Ally "}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["custom_fields"] == {"employee_no": 1042, "started": "2026-03-01",
                                             "team": "Blue", "badge": "Ally"}
    for bad, field in (({"team": "Green"}, "team"), ({"started": "01.03.2026"}, "started"),
                       ({"employee_no": "many"}, "employee_no"), ({"shoe_size": 44},
                                                                  "shoe_size")):
        r = client.patch(f"/api/v1/users/{alice.id}", headers=admin,
                         json={"custom_fields": bad})
        assert r.status_code == 422 and field in r.get_json()["detail"], r.get_json()
    r = client.patch(f"/api/v1/users/{alice.id}", headers=admin,
                     json={"custom_fields": {"badge": None}})
    assert r.get_json()["custom_fields"] == {"employee_no": 1042, "started": "2026-03-01",
                                             "team": "Blue"}


def test_a_removed_field_leaves_no_values_and_keys_and_types_are_fixed(app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    admin = auth(client, company.admin_mobile)
    team = _define(client, admin, key="team", label="Team", type="choice", choices=["Red"])
    assert client.post("/api/v1/custom-fields", headers=admin, json={
        "key": "team", "label": "Again", "type": "text"}).status_code == 409
    assert client.patch(f"/api/v1/custom-fields/{team['id']}", headers=admin,
                        json={"type": "text"}).status_code == 409
    assert client.post("/api/v1/custom-fields", headers=admin, json={
        "key": "mood", "label": "Mood", "type": "choice"}).status_code == 422
    client.patch(f"/api/v1/users/{alice.id}", headers=admin,
                 json={"custom_fields": {"team": "Red"}})
    assert client.delete(f"/api/v1/custom-fields/{team['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/users/{alice.id}", headers=admin).get_json()[
        "custom_fields"] == {}


def test_another_companys_fields_are_neither_listed_nor_usable(app, db, client):
    ours, theirs = make_company(app), make_company(app)
    alice = db.scalar(select(User).where(User.mobile == ours.users["alice"]))
    field = _define(client, auth(client, theirs.admin_mobile), key="secret_code",
                    label="Secret", type="text")
    admin = auth(client, ours.admin_mobile)
    assert client.get("/api/v1/custom-fields", headers=admin).get_json() == []
    assert client.patch(f"/api/v1/custom-fields/{field['id']}", headers=admin,
                        json={"label": "x"}).status_code == 404
    assert client.patch(f"/api/v1/users/{alice.id}", headers=admin, json={
        "custom_fields": {"secret_code": "x"}}).status_code == 422
