"""The API holds clients to its OpenAPI document instead of guessing what they meant."""
from __future__ import annotations

from tests.support.api import auth, make_company


def test_a_misspelt_query_parameter_is_refused_naming_it_instead_of_ignored(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    r = client.get("/api/v1/me/call-log?missd=true", headers=headers)
    assert r.status_code == 400
    assert r.content_type == "application/problem+json"
    assert "'missd'" in r.get_json()["detail"] and "missed" in r.get_json()["detail"]
    assert client.get("/api/v1/me/call-log?missed=true", headers=headers).status_code == 200


def test_a_number_where_a_boolean_belongs_is_refused_and_changes_nothing(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    before = client.get("/api/v1/me/settings", headers=headers).get_json()
    r = client.patch("/api/v1/me/settings", headers=headers, json={"push_calls": 0})
    assert r.status_code == 422
    assert "push_calls" in r.get_json()["errors"]
    assert client.get("/api/v1/me/settings", headers=headers).get_json() == before


def test_a_fraction_where_a_whole_number_belongs_is_refused_not_rounded(app, client):
    company = make_company(app)
    headers = auth(client, company.admin_mobile)
    r = client.post("/api/v1/queues", headers=headers,
                    json={"name": "Support", "wrapup_s": 2.5})
    assert r.status_code == 422
    assert "wrapup_s" in r.get_json()["errors"]
    ok = client.post("/api/v1/queues", headers=headers, json={"name": "Sales", "wrapup_s": 20.0})
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["wrapup_s"] == 20
