"""Transfers over HTTP: the screen in one request, one tap to transfer, attended steps."""
from __future__ import annotations

from api.calls import services as calls
from tests.support.api import auth, make_company
from tests.support.isolation_transfer import answered_call
from tests.support.isolation_calls import live_call


def _ids(client, headers):
    users = {u["first_name"]: u["id"] for u in
             client.get("/api/v1/directory?kind=colleague", headers=headers).get_json()}
    return users


def test_one_tap_transfers_to_a_colleague_with_my_default_method_and_reaches_the_gateway(
        app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    bob = _ids(client, headers)["Bob"]
    call_id = answered_call(app, company.users["alice"], gateway="gw-3")

    r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "colleague", "id": bob}})
    assert r.status_code == 202
    t = r.get_json()
    assert t["method"] == "with_return" and t["timeout_s"] == 20
    assert t["state"] == "requested" and t["target"]["name"].startswith("Bob")
    assert t["target"]["number"].startswith("+47")
    claimed = calls.claim_commands(db, "gw-3")
    assert claimed == [(t["command_id"], call_id, "transfer")]
    assert client.get(f"/api/v1/me/transfers/{t['id']}", headers=headers).get_json() == t


def test_my_default_method_is_a_setting_the_next_tap_uses(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    assert client.get("/api/v1/me", headers=headers).get_json()[
        "default_transfer_method"] == "with_return"
    r = client.patch("/api/v1/me", headers=headers, json={"default_transfer_method": "blind"})
    assert r.status_code == 200 and r.get_json()["default_transfer_method"] == "blind"
    call_id = answered_call(app, company.users["alice"])
    t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "22 33 44 55"}}).get_json()
    assert t["method"] == "blind" and t["target"]["number"] == "+4722334455"
    bad = client.patch("/api/v1/me", headers=headers, json={"default_transfer_method": "magic"})
    assert bad.status_code == 422


def test_the_same_tap_twice_is_one_transfer_and_a_second_transfer_waits_for_the_first(
        app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"], gateway="gw-9")
    body = {"target": {"kind": "external", "number": "+4722334455"}}
    tap = {**headers, "Idempotency-Key": "tap-1"}
    first = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=tap, json=body)
    again = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=tap, json=body)
    assert first.status_code == again.status_code == 202
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(calls.claim_commands(db, "gw-9")) == 1
    other = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers, json=body)
    assert other.status_code == 409
    assert other.get_json()["transfer_id"] == first.get_json()["id"]


def test_a_call_i_placed_from_my_phone_is_transferred_like_one_i_answered(app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"], "+4755512345", gateway="gw-7",
                            direction="outgoing")
    mine = client.get("/api/v1/me/calls", headers=headers).get_json()
    assert [(c["id"], c["direction"], c["other_number"]) for c in mine] == [
        (call_id, "outgoing", "+4755512345")]
    r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "+4722334455"},
                          "method": "with_return"})
    assert r.status_code == 202, r.get_json()
    assert calls.claim_commands(db, "gw-7") == [(r.get_json()["command_id"], call_id,
                                                 "transfer")]


def test_a_ringing_call_cannot_be_transferred_and_a_colleagues_call_is_not_found(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    body = {"target": {"kind": "external", "number": "+4722334455"}}
    ringing = live_call(app, company.users["alice"])
    assert client.post(f"/api/v1/me/calls/{ringing}/transfer", headers=headers,
                       json=body).status_code == 409
    bobs = answered_call(app, company.users["bob"])
    assert client.post(f"/api/v1/me/calls/{bobs}/transfer", headers=headers,
                       json=body).status_code == 404


def test_a_call_i_put_on_hold_on_my_phone_can_be_transferred_from_the_app(app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"])
    calls.call_held(db, call_id, True)
    assert [c["state"] for c in client.get("/api/v1/me/calls", headers=headers).get_json()] \
        == ["held"]
    r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "+4722334455"}})
    assert r.status_code == 202 and r.get_json()["state"] == "requested"


def test_a_caller_in_my_voicemail_can_be_moved_on_blind_but_not_held_nor_consulted(
        app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = live_call(app, company.users["alice"])
    calls.call_in_voicemail(db, call_id)
    assert [c["state"] for c in client.get("/api/v1/me/calls", headers=headers).get_json()] \
        == ["voicemail"]
    # the caller talks to the mailbox: I am not in a call
    assert client.get("/api/v1/me/routing-preview", headers=headers).get_json()["busy"] is False
    held = client.post(f"/api/v1/me/calls/{call_id}/hold", headers=headers)
    assert held.status_code == 409 and "voicemail" in held.get_json()["detail"]
    body = {"target": {"kind": "external", "number": "+4722334455"}}
    attended = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                           json={**body, "method": "attended"})
    assert attended.status_code == 409 and "blind" in attended.get_json()["detail"]
    blind = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                        json={**body, "method": "blind"})
    assert blind.status_code == 202 and blind.get_json()["state"] == "requested"
    assert [kind for _c, _l, kind in calls.claim_commands(db, "gw-test")] == ["transfer"]


def test_targets_that_do_not_exist_or_are_myself_are_refused(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    me = client.get("/api/v1/me", headers=headers).get_json()["id"]
    call_id = answered_call(app, company.users["alice"])
    url = f"/api/v1/me/calls/{call_id}/transfer"
    cases = [({"kind": "colleague", "id": me}, 422), ({"kind": "colleague", "id": 2**31 - 1}, 404),
             ({"kind": "queue", "id": 2**31 - 1}, 404), ({"kind": "main_number", "id": 7}, 404),
             ({"kind": "external", "number": "not a number"}, 422), ({"kind": "queue"}, 422),
             ({"kind": "external"}, 422)]
    for target, status in cases:
        r = client.post(url, headers=headers, json={"target": target})
        assert r.status_code == status, (target, r.get_json())
    r = client.post(url, headers=headers, json={"target": {"kind": "external",
                                                           "number": "+4722334455"},
                                                "timeout_s": 10**12})
    assert r.status_code == 422


def test_attended_transfer_completes_only_once_the_target_answered_and_cancel_takes_it_back(
        app, client, db):
    from api.transfer.services import transfer_progress

    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"], gateway="gw-4")
    t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "+4722334455"},
                          "method": "attended", "timeout_s": 15}).get_json()
    assert t["timeout_s"] == 15
    url = f"/api/v1/me/transfers/{t['id']}"
    assert client.post(url + "/complete", headers=headers).status_code == 409
    transfer_progress(db, t["id"], "consulting")
    assert client.post(url + "/complete", headers=headers).status_code == 202
    assert client.post(url + "/complete", headers=headers).status_code == 202  # a retried tap
    kinds = [k for _, _, k in calls.claim_commands(db, "gw-4")]
    assert kinds == ["transfer", "transfer_complete"]
    transfer_progress(db, t["id"], "completed")
    transfer_progress(db, t["id"], "returned")  # an ended transfer never changes again
    got = client.get(url, headers=headers).get_json()
    assert got["state"] == "completed" and got["ended_at"]
    assert client.post(url + "/cancel", headers=headers).status_code == 409


def test_the_company_sets_the_default_timeout_and_users_cannot(app, client):
    company = make_company(app)
    admin = auth(client, company.admin_mobile)
    user = auth(client, company.users["alice"])
    assert client.get("/api/v1/transfer-policy", headers=user).get_json()["timeout_s"] == 20
    assert client.put("/api/v1/transfer-policy", headers=user,
                      json={"timeout_s": 30}).status_code == 403
    assert client.put("/api/v1/transfer-policy", headers=admin,
                      json={"timeout_s": 30}).get_json()["timeout_s"] == 30
    call_id = answered_call(app, company.users["alice"])
    t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=user,
                    json={"target": {"kind": "external", "number": "+4722334455"}}).get_json()
    assert t["timeout_s"] == 30
    assert client.get("/api/v1/me/transfers", headers=user).get_json()[0]["id"] == t["id"]


def test_the_transfer_screen_shows_favourites_first_then_matches_then_queues_in_one_request(
        app, client):
    company = make_company(app, extra_users=("alice", "bob", "carol"))
    admin = auth(client, company.admin_mobile)
    headers = auth(client, company.users["alice"])
    ids = _ids(client, headers)
    queue = client.post("/api/v1/queues", headers=admin,
                        json={"name": "Support", "number": "+4722999000"}).get_json()
    assert client.put(f"/api/v1/queues/{queue['id']}/members/{ids['Alice']}", headers=admin,
                      json={"priority": 0}).status_code in (200, 201)
    client.post("/api/v1/me/favourites", headers=headers,
                json={"kind": "colleague", "target_id": ids["Carol"]})
    client.post("/api/v1/me/favourites", headers=headers,
                json={"kind": "external", "number": "+4722334455", "label": "Reception"})

    screen = client.get("/api/v1/me/transfer-targets", headers=headers).get_json()
    assert screen["default_method"] == "with_return"
    assert [f["name"] for f in screen["favourites"]][1] == "Reception"
    carol = screen["favourites"][0]
    assert carol["kind"] == "colleague" and carol["availability"]["name"] == "Available"
    assert carol["in_call"] is False
    assert carol["transfer"] == {"target": {"kind": "colleague", "id": ids["Carol"]}}
    matched = [m["name"] for m in screen["matches"]]
    assert any(n.startswith("Bob") for n in matched)
    assert not any(n.startswith(("Carol", "Alice")) for n in matched)  # no repeats, not me
    assert [(q["name"], q["calls_waiting"]) for q in screen["queues"]] == [("Support", 0)]

    found = client.get("/api/v1/me/transfer-targets?q=bob", headers=headers).get_json()
    assert found["favourites"] == [] and [m["name"][:3] for m in found["matches"]] == ["Bob"]


def test_a_transfer_whose_command_failed_has_failed_and_the_call_can_be_transferred_again(
        app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"], gateway="gw-5")
    body = {"target": {"kind": "external", "number": "+4722334455"}}
    first = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                        json=body).get_json()
    (command_id, _, _), = calls.claim_commands(db, "gw-5")
    calls.finish_command(db, command_id, "failed", "no such call on this gateway")
    got = client.get(f"/api/v1/me/transfers/{first['id']}", headers=headers).get_json()
    assert got["state"] == "failed" and got["reason"] == "no such call on this gateway"
    again = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers, json=body)
    assert again.status_code == 202 and again.get_json()["id"] != first["id"]


def test_a_transfer_the_gateway_refused_has_failed_with_its_reason(app, client, db):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    call_id = answered_call(app, company.users["alice"], gateway="gw-6")
    t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "+4722334455"}}).get_json()
    (command_id, _, _), = calls.claim_commands(db, "gw-6")
    calls.finish_command(db, command_id, "done", "refused: a transfer is already in progress")
    got = client.get(f"/api/v1/me/transfers/{t['id']}", headers=headers).get_json()
    assert got["state"] == "failed" and got["reason"].startswith("refused")


def test_my_call_log_entry_says_to_whom_i_transferred_the_call_how_and_how_it_ended(
        app, client, db):
    from api.callerid.services import record_call
    from api.transfer.services import transfer_progress

    company = make_company(app)
    mobile = company.users["alice"]
    headers = auth(client, mobile)
    call_id = answered_call(app, mobile, "+4791234567", gateway="gw-log")
    t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "22 33 44 55"},
                          "method": "blind"}).get_json()
    transfer_progress(db, t["id"], "completed", "answered")
    alice = client.get("/api/v1/me", headers=headers).get_json()["id"]
    sip_call_id = f"call-{alice}-+4791234567"     # as the gateway wrote the live call
    record_call(db, company.tenant_id, alice, direction="incoming", status="answered",
                other_number="+4791234567", call_id=sip_call_id, look_up=False)
    record_call(db, company.tenant_id, alice, direction="incoming", status="missed",
                other_number="+4798765432", call_id="another-call", look_up=False)

    log = client.get("/api/v1/me/call-log", headers=headers).get_json()
    by_call = {e["call_id"]: e for e in log}
    assert by_call[sip_call_id]["transfer"] == {
        "id": t["id"], "method": "blind", "state": "completed", "reason": "answered",
        "target": {"kind": "external", "id": None, "number": "+4722334455", "name": None}}
    assert by_call["another-call"]["transfer"] is None
    bob_log = client.get("/api/v1/me/call-log",
                         headers=auth(client, company.users["bob"])).get_json()
    assert bob_log == []          # my transfers are mine


def test_the_company_chooses_what_an_external_transfer_target_sees(app, client, db):
    from api.transfer.services import transfer_order

    company = make_company(app)
    other = make_company(app)
    admin = auth(client, company.admin_mobile)
    user = auth(client, company.users["alice"])
    assert client.get("/api/v1/transfer-policy", headers=user).get_json() == {
        "timeout_s": 20, "external_display": "caller", "external_display_main_number_id": None}
    main = client.post("/api/v1/main-numbers", headers=admin,
                       json={"number": "+4722000000", "label": "Switchboard"}).get_json()
    theirs = client.post("/api/v1/main-numbers", headers=auth(client, other.admin_mobile),
                         json={"number": "+4723000000", "label": "Theirs"}).get_json()

    def put(**body):
        return client.put("/api/v1/transfer-policy", headers=admin,
                          json={"timeout_s": 20, **body})

    assert put(external_display="main_number").status_code == 422   # which one?
    r = put(external_display="main_number", external_display_main_number_id=theirs["id"])
    assert r.status_code == 422 and r.content_type == "application/problem+json"
    assert put(external_display="main_number",
               external_display_main_number_id=main["id"]).status_code == 200

    callers = iter(range(91000001, 91000100))

    def shown(target: dict) -> str | None:
        call_id = answered_call(app, company.users["alice"], f"+47{next(callers)}")
        t = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=user,
                        json={"target": target, "method": "blind"}).get_json()
        return transfer_order(db, t["id"])["display_number"]

    external = {"kind": "external", "number": "+4799887766"}
    assert shown(external) == "+4722000000"
    bob = _ids(client, user)["Bob"]
    assert shown({"kind": "colleague", "id": bob}) is None   # colleagues see the caller
    assert put(external_display="office").get_json()["external_display_main_number_id"] is None
    alice_office = client.get("/api/v1/me", headers=user).get_json()["office_number"]
    assert shown(external) == alice_office
    assert put(external_display="caller").status_code == 200
    assert shown(external) is None                            # the caller's own number
