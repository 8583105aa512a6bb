"""Over HTTP: ring orders, exceptions for the number that was called, and the preview of a
call to my mobile."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.core import clock
from tests.support.api import auth, make_company


@pytest.fixture
def alice(app, client):
    clock.freeze(datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc))
    c = make_company(app)
    h = auth(client, c.users["alice"])
    me = client.get("/api/v1/me", headers=h).get_json()
    r = client.post(f"/api/v1/users/{me['id']}/devices", headers=auth(client, c.admin_mobile),
                    json={"kind": "softphone", "label": "PC",
                          "sip_uri": "sip:alice@pbx.example.com"})
    assert r.status_code == 201, r.get_json()
    mine = {p["key"]: p for p in client.get("/api/v1/me/profiles", headers=h).get_json()}
    return {"h": h, "mobile": c.users["alice"], "profiles": mine}


def _patch(client, alice, key, body):
    return client.patch(f"/api/v1/me/profiles/{alice['profiles'][key]['id']}",
                        headers=alice["h"], json=body)


def _preview(client, alice, **query):
    r = client.get("/api/v1/me/routing-preview", headers=alice["h"], query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_one_after_another_is_saved_and_the_preview_shows_each_turn(client, alice):
    r = _patch(client, alice, "available", {"ring_order": "one_after_another", "ring_each": 10,
                                            "devices": ["mobile", "softphone"]})
    assert r.status_code == 200 and r.get_json()["ring_each"] == 10
    ring = _preview(client, alice, caller="91234567")["steps"][0]
    assert [(t["kind"], t["delay"], t["stop"]) for t in ring["targets"]] == [
        ("mobile", 0, 10), ("softphone", 10, None)]


def test_mobile_first_rings_the_mobile_and_the_others_join_later(client, alice):
    assert _patch(client, alice, "available", {"ring_order": "mobile_first",
                                               "mobile_delay": 5}).status_code == 200
    ring = _preview(client, alice)["steps"][0]
    assert {t["kind"]: t["delay"] for t in ring["targets"]} == {"mobile": 0, "softphone": 5}


def test_calls_to_my_mobile_ring_through_my_meeting_in_the_preview(client, alice):
    r = _patch(client, alice, "meeting", {"exceptions": [{
        "match": "anyone", "dialled": ["mobile"], "label": "My mobile", "devices": ["mobile"]}]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["exceptions"][0]["dialled"] == ["mobile"]
    client.put("/api/v1/me/availability", headers=alice["h"],
               json={"profile_id": alice["profiles"]["meeting"]["id"]})
    to_mobile = _preview(client, alice, dialled="mobile")
    assert to_mobile["dialled"] == "mobile" and to_mobile["rule"] == "exception:0"
    ring = next(s for s in to_mobile["steps"] if s["action"] == "ring")
    assert [(t["kind"], t["address"]) for t in ring["targets"]] == [("mobile", alice["mobile"])]
    to_office = _preview(client, alice)
    assert to_office["dialled"] == "office" and to_office["rule"] == "when_free"
    assert [s["action"] for s in to_office["steps"]] == ["announce", "voicemail"]


@pytest.mark.parametrize("body,field", [
    ({"exceptions": [{"match": "anyone"}]}, "exceptions.0.dialled"),
    ({"exceptions": [{"match": "anyone", "dialled": ["mobile"], "numbers": ["91234567"]}]},
     "exceptions.0.numbers"),
    ({"exceptions": [{"match": "colleagues", "dialled": ["fax"]}]}, "exceptions"),
    ({"exceptions": [{"match": "colleagues", "dialled": []}]}, "exceptions"),
    ({"ring_order": "random"}, "ring_order"),
    ({"ring_each": 2}, "ring_each"),
])
def test_bad_ring_orders_and_dialled_numbers_are_refused_with_a_clear_422(client, alice, body,
                                                                          field):
    r = _patch(client, alice, "meeting", body)
    assert r.status_code == 422 and r.content_type == "application/problem+json"
    problem = r.get_json()
    assert field.split(".")[0] in str(problem.get("errors")), problem


def test_a_preview_for_a_number_kind_i_do_not_have_is_refused(client, alice):
    r = client.get("/api/v1/me/routing-preview", headers=alice["h"],
                   query_string={"dialled": "fax"})
    assert r.status_code == 422 and "dialled" in str(r.get_json()["errors"])
