"""The number registry over HTTP: the company's numbers, its number series, free numbers."""
from __future__ import annotations

import json

import pytest

from tests.support.api import auth, make_company


@pytest.fixture
def company(app, client):
    c = make_company(app)
    c.h = auth(client, c.admin_mobile)
    c.people = {u["first_name"]: u for u in client.get("/api/v1/users", headers=c.h).get_json()}
    return c


# short numbers here start with 0: test companies' users have none such (tests.support.api)


def _office(c, who: str) -> int:
    return int(c.people[who]["office_number"][1:])


def test_an_administrator_sees_every_company_number_and_what_it_leads_to(client, company):
    h, alice = company.h, company.people["Alice"]
    queue = client.post("/api/v1/queues", headers=h, json={
        "name": "Support", "number": "+4723990001", "short_number": "0701"}).get_json()
    main = client.post("/api/v1/main-numbers", headers=h, json={
        "number": "23 99 00 00", "label": "Switchboard"}).get_json()
    r = client.get("/api/v1/numbers", headers=h, query_string={"page_size": 100})
    assert r.status_code == 200
    listed = {(n["number"], n["kind"]): n["owner"] for n in r.get_json()}
    assert listed[(alice["office_number"], "office")] == {
        "type": "user", "id": alice["id"], "name": f"Alice {alice['last_name']}"}
    assert listed[(alice["mobile"], "mobile")]["id"] == alice["id"]
    assert listed[(alice["short_number"], "user_short")]["id"] == alice["id"]
    assert listed[("+4723990001", "queue")] == {"type": "queue", "id": queue["id"],
                                                "name": "Support"}
    assert listed[("0701", "queue_short")]["id"] == queue["id"]
    assert listed[("+4723990000", "main")] == {"type": "main_number", "id": main["id"],
                                               "name": "Switchboard"}
    assert json.loads(r.headers["X-Pagination"])["total"] == len(listed)
    only = client.get("/api/v1/numbers", headers=h, query_string={"kind": "queue"}).get_json()
    assert [(n["number"], n["form"]) for n in only] == [("+4723990001", "public")]


def test_a_user_without_the_permission_does_not_see_the_number_plan(client, company):
    alice = auth(client, company.users["alice"])
    for path in ("/api/v1/numbers", "/api/v1/numbers/free", "/api/v1/numbers/series"):
        assert client.get(path, headers=alice).status_code == 403


def test_free_numbers_of_the_series_skip_the_numbers_in_use(client, company):
    h, first = company.h, _office(company, "Alice")  # Alice and Bob hold the first two
    assert client.get("/api/v1/numbers/free", headers=h).get_json() == []  # no series yet
    public = client.post("/api/v1/numbers/series", headers=h, json={
        "kind": "public", "first": f"+{first}", "last": f"+{first + 3}", "label": "Office"})
    assert public.status_code == 201, public.get_json()
    shorts = client.post("/api/v1/numbers/series", headers=h, json={
        "kind": "short", "first": "0500", "last": "0509"}).get_json()
    free = client.get("/api/v1/numbers/free", headers=h).get_json()
    assert [n["number"] for n in free if n["form"] == "public"] == [f"+{first + 2}",
                                                                    f"+{first + 3}"]
    assert [n["number"] for n in free if n["form"] == "short"][:2] == ["0500", "0501"]
    r = client.patch(f"/api/v1/users/{company.people['Alice']['id']}", headers=h,
                     json={"short_number": "0500"})
    assert r.status_code == 200
    free = client.get("/api/v1/numbers/free", headers=h,
                      query_string={"series_id": shorts["id"], "limit": 3}).get_json()
    assert [n["number"] for n in free] == ["0501", "0502", "0503"]
    assert {n["series_id"] for n in free} == {shorts["id"]}


def test_a_number_series_is_validated(client, company):
    h = company.h

    def post(**body):
        return client.post("/api/v1/numbers/series", headers=h, json={"kind": "public", **body})

    for body, field in (({"first": "+4723880000", "last": "nonsense"}, "last"),
                        ({"first": "+4723880010", "last": "+4723880000"}, "last"),
                        ({"first": "+4723880000", "last": "+47238800000"}, "last"),
                        ({"first": "+4723800000", "last": "+4723899999"}, "last"),
                        ({"kind": "short", "first": "1", "last": "9"}, "first"),
                        ({"kind": "short", "first": "10", "last": "1x"}, "last"),
                        ({"kind": "hundreds", "first": "10", "last": "19"}, "kind")):
        r = post(**body)
        assert r.status_code == 422, (body, r.get_json())
        assert field in r.get_json()["errors"], (body, r.get_json())
    assert post(first="23 88 00 00", last="23 88 00 99").status_code == 201  # national form
    r = post(first="+4723880050", last="+4723880150")
    assert r.status_code == 409 and r.get_json()["field"] == "first"


def test_another_company_can_neither_claim_the_series_nor_take_a_number_in_it(app, client,
                                                                            company):
    assert client.post("/api/v1/numbers/series", headers=company.h, json={
        "kind": "public", "first": "+4723880000", "last": "+4723880099"}).status_code == 201
    other = make_company(app)
    h = auth(client, other.admin_mobile)
    r = client.post("/api/v1/numbers/series", headers=h, json={
        "kind": "public", "first": "+4723880090", "last": "+4723880199"})
    assert r.status_code == 409 and "taken" in r.get_json()["detail"]
    r = client.post("/api/v1/queues", headers=h, json={"name": "Q", "number": "+4723880042"})
    assert r.status_code == 409 and r.get_json()["detail"] == \
        "The number +4723880042 is taken; choose another"
    r = client.post("/api/v1/queues", headers=company.h, json={"name": "Q",
                                                                "number": "+4723880042"})
    assert r.status_code == 201  # the company that owns the series may use it
    r = client.post("/api/v1/numbers/series", headers=h, json={
        "kind": "public", "first": f"+{_office(company, 'Alice')}",
        "last": f"+{_office(company, 'Alice') + 1}"})
    assert r.status_code == 409  # a range holding another company's numbers


def test_removing_a_series_leaves_the_numbers_in_use_with_their_owners(client, company):
    h, first = company.h, _office(company, "Alice")
    series = client.post("/api/v1/numbers/series", headers=h, json={
        "kind": "public", "first": f"+{first}", "last": f"+{first + 9}"}).get_json()
    assert client.delete(f"/api/v1/numbers/series/{series['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/numbers/series", headers=h).get_json() == []
    kinds = {(n["number"], n["kind"]) for n in client.get(
        "/api/v1/numbers", headers=h, query_string={"kind": "office"}).get_json()}
    assert (f"+{first}", "office") in kinds
    assert client.delete(f"/api/v1/numbers/series/{series['id']}", headers=h).status_code == 404


def test_the_demo_companies_take_their_numbers_from_their_series(client, db):
    from api.demo import seed_demo

    seed_demo(db, "demo")
    r = client.post("/api/v1/auth/login", json={"username": "+4790000001", "password": "demo"})
    h = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    series = {s["kind"]: s for s in client.get("/api/v1/numbers/series", headers=h).get_json()}
    assert (series["public"]["first"], series["short"]["first"]) == ("+4721000001", "201")
    offices = client.get("/api/v1/numbers", headers=h, query_string={"kind": "office"})
    assert [n["number"] for n in offices.get_json()][:2] == ["+4721000001", "+4721000002"]
    free = client.get("/api/v1/numbers/free", headers=h, query_string={"limit": 50}).get_json()
    public = [n["number"] for n in free if n["form"] == "public"]
    assert public[0] == "+4721000021"  # twenty people hold the first twenty
    assert "+4721000099" not in public  # the Support queue's number
    free = client.get("/api/v1/numbers/free", headers=h, query_string={
        "series_id": series["short"]["id"], "limit": 1}).get_json()
    assert [n["number"] for n in free] == ["221"]
