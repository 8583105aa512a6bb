"""My live calls and the hang-up command, as the app sees them."""
from __future__ import annotations

from api.calls import services
from tests.support.api import auth, make_company
from tests.support.isolation_calls import live_call


def test_my_calls_lists_the_live_call_a_gateway_holds_and_forgets_it_when_it_ends(app, client,
                                                                                    db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = live_call(app, company.users["alice"])
    calls = client.get("/api/v1/me/calls", headers=headers).get_json()
    assert [(c["id"], c["other_number"], c["state"], c["direction"]) for c in calls] == \
        [(call_id, "+4791234567", "ringing", "incoming")]
    assert client.get("/api/v1/me/calls", headers=auth(client, company.users["bob"])
                      ).get_json() == []
    services.call_ended(db, call_id)
    assert client.get("/api/v1/me/calls", headers=headers).get_json() == []


def test_hang_up_is_accepted_once_per_idempotency_key_and_reaches_the_calls_gateway(app,
                                                                                      client, db):
    company = make_company(app)
    headers = {**auth(client, company.users["alice"]), "Idempotency-Key": "k-1"}
    call_id = live_call(app, company.users["alice"], gateway="gw-7")
    first = client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=headers)
    again = client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.get_json() == again.get_json()
    assert first.get_json()["state"] == "pending"

    assert services.claim_commands(db, "gw-other") == []
    claimed = services.claim_commands(db, "gw-7")
    assert claimed == [(first.get_json()["id"], call_id, "hangup")]
    assert services.claim_commands(db, "gw-7") == []  # claimed once
    services.finish_command(db, claimed[0][0], "done", "done")
    got = client.get(f"/api/v1/me/calls/commands/{claimed[0][0]}", headers=headers).get_json()
    assert got["state"] == "done" and got["done_at"]


def test_the_same_key_for_another_call_is_a_conflict(app, client):
    company = make_company(app)
    mobile = company.users["alice"]
    headers = {**auth(client, mobile), "Idempotency-Key": "k-2"}
    one, two = live_call(app, mobile, "+4791111111"), live_call(app, mobile, "+4792222222")
    assert client.post(f"/api/v1/me/calls/{one}/hangup", headers=headers).status_code == 202
    r = client.post(f"/api/v1/me/calls/{two}/hangup", headers=headers)
    assert r.status_code == 409 and r.content_type == "application/problem+json"


def test_a_colleagues_call_cannot_be_hung_up(app, client):
    company = make_company(app)
    call_id = live_call(app, company.users["bob"])
    r = client.post(f"/api/v1/me/calls/{call_id}/hangup",
                    headers=auth(client, company.users["alice"]))
    assert r.status_code == 404


def test_a_user_with_a_live_call_is_in_a_call_and_a_colleague_is_not(app, client, db):
    from api.core.ports import ports

    company = make_company(app)
    live_call(app, company.users["alice"])
    me = client.get("/api/v1/me", headers=auth(client, company.users["alice"])).get_json()
    bob = client.get("/api/v1/me", headers=auth(client, company.users["bob"])).get_json()
    in_call = ports(db).in_call_user_ids(db, company.tenant_id, [me["id"], bob["id"]])
    assert in_call == {me["id"]}


def test_only_a_call_in_my_voicemail_can_be_taken_back_and_it_reaches_the_gateway(
        app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = live_call(app, company.users["alice"])
    ringing = client.post(f"/api/v1/me/calls/{call_id}/take-back", headers=headers)
    assert ringing.status_code == 409 and "voicemail" in ringing.get_json()["detail"]
    services.call_in_voicemail(db, call_id)
    r = client.post(f"/api/v1/me/calls/{call_id}/take-back",
                    headers={**headers, "Idempotency-Key": "pick-up"})
    assert r.status_code == 202 and r.get_json()["kind"] == "take_back"
    assert [(c, kind) for _id, c, kind in services.claim_commands(db, "gw-test")] == [
        (call_id, "take_back")]
    bobs = auth(client, company.users["bob"])
    assert client.post(f"/api/v1/me/calls/{call_id}/take-back",
                       headers=bobs).status_code == 404           # not bob's call


def test_my_routing_preview_says_busy_while_i_am_in_a_call_and_my_colleagues_does_not(
        app, client, db):
    from api.core.db import run_reads
    from api.core.ports import ports

    company = make_company(app)
    alice, bob = auth(client, company.users["alice"]), auth(client, company.users["bob"])
    live_call(app, company.users["alice"])
    assert client.get("/api/v1/me/routing-preview", headers=alice).get_json()["busy"] is True
    assert client.get("/api/v1/me/routing-preview", headers=bob).get_json()["busy"] is False
    ids = [client.get("/api/v1/me", headers=h).get_json()["id"] for h in (alice, bob)]
    asked = [run_reads(db, (ports(db).in_call_read(company.tenant_id, i),))[0] for i in ids]
    assert [bool(rows[0][0]) for rows in asked] == [True, False]
