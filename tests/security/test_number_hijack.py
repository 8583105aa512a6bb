"""A hostile second company cannot take, shadow or learn the numbers of the first, and inside
one company a number leads to one place. Over the API, as an administrator would try it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.accounts.models import User
from api.numbers.lookup import Owner, public_owner, short_owner
from sip_gateway.origin import Origin
from sip_gateway.store import Store
from tests.support.api import auth, make_company

# short numbers starting with 0: no test company's user has one (tests.support.api)
A_QUEUE, A_QUEUE_SHORT, A_MAIN = "+4723950001", "0701", "+4723950002"
A_QUEUE_SERVICE, A_SMS = "+4723950003", "+4741950004"
URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}
OUTSIDE = "+4791234567"
PHONES = Origin(kind="phones")  # a call from a user's own phone
# words that would tell the asker who holds a number
REVEALING = ("queue", "login", "main", "sms", "service", "company", "tenant", "user",
             "office", "mobile", "alice", "bob", "admin", "victim")


@pytest.fixture
def victim(app, client, db):
    """Company A with every kind of number: users' office, mobile and short numbers, a queue
    with a number and a short number, a main number, a queue service and an SMS number."""
    a = make_company(app, name="Victim AS")
    h = auth(client, a.admin_mobile)
    queue = client.post("/api/v1/queues", headers=h, json={
        "name": "Victim support", "number": A_QUEUE, "short_number": A_QUEUE_SHORT})
    assert queue.status_code == 201, queue.get_json()
    main = client.post("/api/v1/main-numbers", headers=h, json={"number": A_MAIN,
                                                                "label": "Victim switchboard"})
    assert main.status_code == 201, main.get_json()
    assert client.put("/api/v1/queues/service-number", headers=h,
                      json={"number": A_QUEUE_SERVICE}).status_code == 200
    assert client.patch("/api/v1/tenant", headers=h,
                        json={"sms_service_number": A_SMS}).status_code == 200
    alice = db.scalar(select(User).where(User.mobile == a.users["alice"]))
    a.alice = (alice.id, alice.mobile, alice.office_number, alice.short_number)
    a.queue_id, a.main_id = queue.get_json()["id"], main.get_json()["id"]
    return a


@pytest.fixture
def attacker(app, client):
    b = make_company(app, name="Attacker AS")
    b.h = auth(client, b.admin_mobile)
    b.bob = client.get("/api/v1/users", headers=b.h, query_string={"q": "Bob"}).get_json()[0]
    return b


def _neutral_conflict(r, number: str) -> None:
    """409 problem JSON that says the number is taken and nothing of who holds it."""
    body = r.get_json()
    assert r.status_code == 409, body
    assert r.content_type == "application/problem+json"
    assert number in body["detail"] and "taken" in body["detail"]
    words = body["detail"].lower().replace(number, "")
    assert not [w for w in REVEALING if w in words], body["detail"]
    assert "owner" not in body and "Victim" not in r.get_data(as_text=True)


def _every_way_to_take(client, b, number: str) -> None:
    """Every API of company B that assigns a public number, each refused neutrally."""
    bob = f"/api/v1/users/{b.bob['id']}"
    tries = [
        client.patch(bob, headers=b.h, json={"office_number": number}),
        client.patch(bob, headers=b.h, json={"mobile": number}),
        client.post("/api/v1/users", headers=b.h, json={"mobile": number, "first_name": "X"}),
        client.post("/api/v1/queues", headers=b.h, json={"name": "Q", "number": number}),
        client.post("/api/v1/main-numbers", headers=b.h, json={"number": number, "label": "M"}),
        client.put("/api/v1/queues/service-number", headers=b.h, json={"number": number}),
        client.patch("/api/v1/tenant", headers=b.h, json={"sms_service_number": number}),
    ]
    for r in tries:
        _neutral_conflict(r, number)


def test_another_company_cannot_take_an_office_number(client, db, victim, attacker):
    uid, _, office, _ = victim.alice
    _every_way_to_take(client, attacker, office)
    assert public_owner(db, office) == Owner(victim.tenant_id, "office", uid)


def test_another_company_cannot_take_a_mobile_number(client, db, victim, attacker):
    uid, mobile, _, _ = victim.alice
    _every_way_to_take(client, attacker, mobile)
    assert public_owner(db, mobile) == Owner(victim.tenant_id, "mobile", uid)


def test_another_company_cannot_take_a_main_number(client, db, victim, attacker):
    _every_way_to_take(client, attacker, A_MAIN)
    assert public_owner(db, A_MAIN) == Owner(victim.tenant_id, "main", victim.main_id)


def test_another_company_cannot_take_a_queue_number(client, db, victim, attacker):
    _every_way_to_take(client, attacker, A_QUEUE)
    assert public_owner(db, A_QUEUE) == Owner(victim.tenant_id, "queue", victim.queue_id)


def test_another_company_cannot_take_the_queue_service_number(client, db, victim, attacker):
    _every_way_to_take(client, attacker, A_QUEUE_SERVICE)
    assert public_owner(db, A_QUEUE_SERVICE) == \
        Owner(victim.tenant_id, "queue_service", victim.tenant_id)


def test_another_company_cannot_take_the_sms_service_number(client, db, victim, attacker):
    _every_way_to_take(client, attacker, A_SMS)
    assert public_owner(db, A_SMS) == Owner(victim.tenant_id, "sms_service", victim.tenant_id)


def test_numbers_given_in_national_format_are_refused_like_e164(client, victim, attacker):
    r = client.patch(f"/api/v1/users/{attacker.bob['id']}", headers=attacker.h,
                     json={"office_number": "23 95 00 01"})
    _neutral_conflict(r, A_QUEUE)


def test_another_companys_short_numbers_do_not_shadow_the_first(app, client, db, victim,
                                                                  attacker):
    uid, mobile, office, short = victim.alice
    r = client.patch(f"/api/v1/users/{attacker.bob['id']}", headers=attacker.h,
                     json={"short_number": short})
    assert r.status_code == 200  # a short number is the company's own: B may use it too
    r = client.post("/api/v1/queues", headers=attacker.h,
                    json={"name": "Q", "short_number": A_QUEUE_SHORT})
    assert r.status_code == 201
    store = Store(app.extensions["session_factory"], URIS)
    route = store.route(short, victim.users["bob"], set(), origin=PHONES)  # A's colleague
    assert (route.tenant_id, route.user_id) == (victim.tenant_id, uid)
    route = store.route(A_QUEUE_SHORT, victim.users["bob"], set(), origin=PHONES)
    assert route.plan.steps[0].queue_id == victim.queue_id
    assert short_owner(db, victim.tenant_id, short) == Owner(victim.tenant_id, "user_short", uid)


def test_another_company_learns_nothing_of_the_first_from_the_number_lists(client, victim,
                                                                          attacker):
    listed = client.get("/api/v1/numbers", headers=attacker.h)
    assert listed.status_code == 200
    text = listed.get_data(as_text=True)
    for number in (A_QUEUE, A_MAIN, A_QUEUE_SERVICE, A_SMS, *victim.alice[1:3]):
        assert number not in text
    assert "Victim" not in text


def test_a_call_to_the_first_companys_numbers_still_reaches_it_after_the_attempts(
        app, client, victim, attacker):
    for number in (A_QUEUE, A_MAIN, victim.alice[2]):
        _every_way_to_take(client, attacker, number)
    store = Store(app.extensions["session_factory"], URIS)
    queue = store.route(A_QUEUE, OUTSIDE, set())
    assert (queue.tenant_id, queue.plan.steps[0].queue_id) == (victim.tenant_id, victim.queue_id)
    office = store.route(victim.alice[2], OUTSIDE, set())
    assert (office.tenant_id, office.user_id) == (victim.tenant_id, victim.alice[0])


# -- inside one company ----------------------------------------------------------------------

def test_a_user_cannot_take_a_queues_number_or_short_number(client, victim):
    h = auth(client, victim.admin_mobile)
    bob = client.get("/api/v1/users", headers=h, query_string={"q": "Bob"}).get_json()[0]
    r = client.patch(f"/api/v1/users/{bob['id']}", headers=h, json={"office_number": A_QUEUE})
    assert r.status_code == 409 and r.get_json()["field"] == "office_number"
    r = client.patch(f"/api/v1/users/{bob['id']}", headers=h,
                     json={"short_number": A_QUEUE_SHORT})
    assert r.status_code == 409 and r.get_json()["field"] == "short_number"
    r = client.post("/api/v1/queues", headers=h, json={"name": "Sales",
                                                       "short_number": victim.alice[3]})
    assert r.status_code == 409 and r.get_json()["field"] == "short_number"


def test_two_users_cannot_share_an_office_number(client, victim):
    h = auth(client, victim.admin_mobile)
    bob = client.get("/api/v1/users", headers=h, query_string={"q": "Bob"}).get_json()[0]
    r = client.patch(f"/api/v1/users/{bob['id']}", headers=h,
                     json={"office_number": victim.alice[2]})
    _neutral_conflict(r, victim.alice[2])
    assert client.get(f"/api/v1/users/{bob['id']}", headers=h).get_json()["office_number"] \
        == bob["office_number"]


def test_a_number_given_up_can_be_taken_by_another_owner(client, db, victim):
    h = auth(client, victim.admin_mobile)
    uid = victim.alice[0]
    assert client.patch(f"/api/v1/users/{uid}", headers=h,
                        json={"office_number": None}).status_code == 200
    assert client.patch(f"/api/v1/queues/{victim.queue_id}", headers=h,
                        json={"number": victim.alice[2]}).status_code == 200
    assert public_owner(db, victim.alice[2]) == Owner(victim.tenant_id, "queue", victim.queue_id)
    assert public_owner(db, A_QUEUE) is None
    assert client.delete(f"/api/v1/queues/{victim.queue_id}", headers=h).status_code == 204
    assert public_owner(db, victim.alice[2]) is None


def test_a_short_number_and_a_feature_code_never_collide(client, victim):
    h = auth(client, victim.admin_mobile)
    r = client.post("/api/v1/me/profiles", headers=h, json={"name": "Lunch",
                                                            "activation_code": victim.alice[3]})
    assert r.status_code == 409 and r.get_json()["field"] == "activation_code"
    r = client.post("/api/v1/me/profiles", headers=h, json={"name": "Lunch",
                                                            "activation_code": "4455"})
    assert r.status_code == 201
    bob = client.get("/api/v1/users", headers=h, query_string={"q": "Bob"}).get_json()[0]
    r = client.patch(f"/api/v1/users/{bob['id']}", headers=h, json={"short_number": "4455"})
    _neutral_conflict(r, "4455")


def test_the_operator_cli_cannot_give_a_new_administrator_a_taken_number(
        database_url, monkeypatch, capsys, victim, attacker):
    from api import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    code = cli.main(["create-admin", "--tenant-id", str(attacker.tenant_id), "--mobile",
                     A_QUEUE, "--first-name", "Eve", "--password", "Very-long-pass-123"])
    assert code == 1
    assert capsys.readouterr().err.strip() == f"The number {A_QUEUE} is taken; choose another"
