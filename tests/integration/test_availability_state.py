"""Availability through the API and the services the gateway calls (database underneath)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api.availability import services
from api.availability.usecase import route_call
from api.core import clock
from api.core.ports import Event, ports
from tests.support.api import auth, make_company
from tests.support.ports import listening

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)  # 12:00 in Oslo


@pytest.fixture
def company(app, client):
    clock.freeze(MONDAY_NOON)
    c = make_company(app, team_leader="bob")
    return c


@pytest.fixture
def changes(app):
    """(user id, old key, new key, new is default) of every availability change published."""
    with listening(app.extensions["ports"], Event.AVAILABILITY_CHANGED) as heard:
        yield heard


def _keys(heard: list) -> list[tuple]:
    return [(user_id, old and old["key"], new["key"], new["is_default"])
            for _tenant_id, user_id, old, new in heard]


def _profiles(client, h):
    return {p["key"]: p for p in client.get("/api/v1/me/profiles", headers=h).get_json()}


def test_a_new_user_has_the_standard_profiles_and_is_available(company, client):
    h = auth(client, company.users["alice"])
    keys = [p["key"] for p in client.get("/api/v1/me/profiles", headers=h).get_json()]
    assert keys == ["available", "busy", "meeting", "lunch", "away", "out_of_office",
                    "gone_for_day", "dnd"]
    state = client.get("/api/v1/me/availability", headers=h).get_json()
    assert state["profile"]["name"] == "Available" and state["source"] == "default"


def test_lunch_until_one_ends_by_itself_and_fires_the_queue_hook_once(company, client,
                                                                         changes):
    h = auth(client, company.users["alice"])
    lunch = _profiles(client, h)["lunch"]
    r = client.put("/api/v1/me/availability", headers=h,
                   json={"profile_id": lunch["id"], "until": "2026-11-23T13:00:00+01:00",
                         "note": "Back soon"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["until"].startswith("2026-11-23T12:00:00")
    assert _keys(changes)[-1][1:] == ("available", "lunch", False)
    clock.freeze(MONDAY_NOON + timedelta(hours=1, minutes=1))
    h = auth(client, company.users["alice"])  # the first token has expired meanwhile
    for _ in range(2):  # read twice: the expiry is applied once
        state = client.get("/api/v1/me/availability", headers=h).get_json()
        assert state["profile"]["key"] == "available"
    assert [c[1:] for c in _keys(changes)] == [("available", "lunch", False),
                                        ("lunch", "available", True)]


def test_a_weekly_schedule_puts_me_in_a_meeting_and_a_manual_choice_beats_it(company, client):
    h = auth(client, company.users["alice"])
    profs = _profiles(client, h)
    r = client.post("/api/v1/me/schedules", headers=h, json={
        "profile_id": profs["meeting"]["id"], "starts": "2026-11-02T11:30:00",
        "ends": "2026-11-02T12:30:00", "recurrence": "weekly", "weekdays": [0]})
    assert r.status_code == 201, r.get_json()
    state = client.get("/api/v1/me/availability", headers=h).get_json()
    assert state["profile"]["key"] == "meeting" and state["source"] == "schedule"
    client.put("/api/v1/me/availability", headers=h, json={
        "profile_id": profs["busy"]["id"], "until": "2026-11-23T12:15:00+01:00"})
    assert client.get("/api/v1/me/availability", headers=h).get_json()["source"] == "manual"


def test_preview_shows_the_meeting_announcement_and_voicemail(company, app, client):
    company = make_company(app, language="nb")  # the caller hears the company's language
    h = auth(client, company.users["alice"])
    meeting = _profiles(client, h)["meeting"]
    client.put("/api/v1/me/availability", headers=h,
               json={"profile_id": meeting["id"], "until": "2026-11-23T13:00:00+01:00"})
    plan = client.get("/api/v1/me/routing-preview?caller=91111111", headers=h).get_json()
    assert [s["action"] for s in plan["steps"]] == ["announce", "voicemail"]
    assert plan["steps"][0]["text"] == "Personen du ringer til, er i møte til 13:00."
    assert plan["profile_name"] == "I møte" and plan["rule"] == "when_free"


def test_vip_exception_rings_the_mobile_during_a_meeting(company, client):
    h = auth(client, company.users["alice"])
    meeting = _profiles(client, h)["meeting"]
    r = client.patch(f"/api/v1/me/profiles/{meeting['id']}", headers=h, json={"exceptions": [{
        "match": "list", "label": "VIPs", "numbers": ["911 11 111"],
        "destination": {"kind": "ring"}, "devices": ["mobile"]}]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["exceptions"][0]["numbers"] == ["+4791111111"]
    client.put("/api/v1/me/availability", headers=h, json={"profile_id": meeting["id"]})
    plan = client.get("/api/v1/me/routing-preview?caller=%2B4791111111", headers=h).get_json()
    ring = [s for s in plan["steps"] if s["action"] == "ring"][0]
    assert [t["address"] for t in ring["targets"]] == [company.users["alice"]]
    assert plan["rule"] == "exception:0"


def test_available_cannot_be_deleted_but_my_own_profile_can(company, client):
    h = auth(client, company.users["alice"])
    available = _profiles(client, h)["available"]
    assert client.delete(f"/api/v1/me/profiles/{available['id']}", headers=h).status_code == 409
    mine = client.post("/api/v1/me/profiles", headers=h, json={
        "name": "Training", "when_free": {"kind": "external", "target": "22 22 22 22"}})
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["when_free"]["target"] == "+4722222222"
    assert client.delete(f"/api/v1/me/profiles/{mine.get_json()['id']}",
                         headers=h).status_code == 204


def test_a_team_leader_sets_a_colleagues_availability_but_a_user_may_not(company, client):
    leader, user = auth(client, company.users["bob"]), auth(client, company.users["alice"])
    me = client.get("/api/v1/me", headers=user).get_json()
    profs = {p["key"]: p for p in client.get(f"/api/v1/users/{me['id']}/profiles",
                                             headers=leader).get_json()}
    r = client.put(f"/api/v1/users/{me['id']}/availability", headers=leader,
                   json={"profile_id": profs["away"]["id"]})
    assert r.status_code == 200 and r.get_json()["profile"]["key"] == "away"
    bob = client.get("/api/v1/me", headers=leader).get_json()
    r = client.put(f"/api/v1/users/{bob['id']}/availability", headers=user,
                   json={"profile_id": profs["away"]["id"]})
    assert r.status_code == 403
    assert client.get("/api/v1/me/availability", headers=user).get_json()["profile"]["key"] \
        == "away"


def test_display_numbers_are_limited_to_office_main_numbers_and_mobile(company, client):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    assert client.post("/api/v1/main-numbers", headers=admin, json={
        "number": "22 00 00 00", "label": "Switchboard"}).status_code == 201
    shown = client.get("/api/v1/me/display-numbers", headers=h).get_json()
    assert [n["kind"] for n in shown] == ["office", "main", "mobile"]
    busy = _profiles(client, h)["busy"]
    ok = client.patch(f"/api/v1/me/profiles/{busy['id']}", headers=h,
                      json={"display_numbers": {"mobile": "+4722000000"}})
    assert ok.status_code == 200
    bad = client.patch(f"/api/v1/me/profiles/{busy['id']}", headers=h,
                       json={"display_numbers": {"mobile": "+4723232323"}})
    assert bad.status_code == 422


def test_administrator_gives_a_desk_phone_and_turns_mex_off(company, client):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    me = client.get("/api/v1/me", headers=h).get_json()
    r = client.post(f"/api/v1/users/{me['id']}/devices", headers=admin,
                    json={"kind": "deskphone", "sip_uri": "sip:2101@pbx.example.com"})
    assert r.status_code == 201, r.get_json()
    mobile = [d for d in client.get("/api/v1/me/devices", headers=h).get_json()
              if d["kind"] == "mobile"][0]
    client.patch(f"/api/v1/devices/{mobile['id']}", headers=admin, json={"mex": False})
    ring = client.get("/api/v1/me/routing-preview", headers=h).get_json()["steps"][0]
    assert [t["kind"] for t in ring["targets"]] == ["deskphone"]
    assert client.post(f"/api/v1/users/{me['id']}/devices", headers=h, json={
        "kind": "softphone", "sip_uri": "sip:x@y.z"}).status_code == 403


def test_gateway_routes_with_the_service_inputs_and_feature_codes(app, company, db):
    from api.accounts.models import User
    alice = db.query(User).filter_by(mobile=company.users["alice"]).one()
    services.activate_code(db, alice.tenant_id, alice.id, "*87")
    plan = route_call(db, alice.tenant_id, "NO", alice.id, company.users["bob"], busy=False)
    assert plan.caller == company.users["bob"]
    assert plan.profile_name == "Do not disturb"
    assert [s.action for s in plan.steps] == ["busy_tone"]
    services.activate_code(db, alice.tenant_id, alice.id, "*83*30")
    plan = route_call(db, alice.tenant_id, "NO", alice.id, company.users["bob"], busy=False,
                      at=clock.now() + timedelta(minutes=31))
    assert plan.profile_name == "Available"


def test_presence_gives_the_directory_each_colleagues_state(app, company, client, db):
    h = auth(client, company.users["alice"])
    lunch = _profiles(client, h)["lunch"]
    client.put("/api/v1/me/availability", headers=h,
               json={"profile_id": lunch["id"], "until": "2026-11-23T13:00:00+01:00",
                     "note": "Kantina"})
    from api.accounts.models import User
    users = {u.mobile: u.id for u in db.query(User).all()}
    got = ports(db).presence(db, db.query(User).first().tenant_id, list(users.values()))
    alice = got[users[company.users["alice"]]]
    assert (alice["name"], alice["note"], alice["source"]) == ("Lunch", "Kantina", "manual")
    assert got[users[company.users["bob"]]]["name"] == "Available"


@pytest.mark.parametrize("body", [
    {"profile_id": 2**31 - 1},
    {"profile_id": 1, "until": "2026-11-23T10:00:00+00:00"},
    {"profile_id": 1, "until": "9999-12-31T23:59:59-12:00"},
    {"profile_id": 1, "until": "2026-11-23T13:00:00"},
])
def test_bad_availability_choices_are_refused_with_422(company, client, body):
    h = auth(client, company.users["alice"])
    r = client.put("/api/v1/me/availability", headers=h, json=body)
    assert r.status_code == 422, r.get_json()


def test_a_user_from_before_availability_gets_the_standard_profiles_on_first_use(company,
                                                                                  client, db):
    from sqlalchemy import delete

    from api.availability.models import Device, Profile, State
    for model in (State, Device, Profile):
        db.execute(delete(model))
    db.commit()
    h = auth(client, company.users["alice"])
    plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
    assert plan["profile_name"] == "Available"
    assert len(client.get("/api/v1/me/profiles", headers=h).get_json()) == 8


def test_an_edited_profile_routes_the_very_next_call_differently(app, company, client, db):
    h = auth(client, company.users["alice"])
    available = _profiles(client, h)["available"]
    assert client.get("/api/v1/me/routing-preview", headers=h).get_json()["steps"][0][
        "action"] == "ring"
    client.patch(f"/api/v1/me/profiles/{available['id']}", headers=h,
                 json={"when_free": {"kind": "external", "target": "+4722222222"}})
    plan = client.get("/api/v1/me/routing-preview", headers=h).get_json()
    assert plan["steps"][0]["destination"]["target"] == "+4722222222"
    from api.accounts.models import User
    alice = db.query(User).filter_by(mobile=company.users["alice"]).one()
    gateway = route_call(db, alice.tenant_id, "NO", alice.id, "91111111", busy=False)
    assert gateway.steps[0].action == "forward"


def test_a_main_number_can_be_a_favourite_target_of_its_own_company_only(app, company, client,
                                                                          db):
    admin = auth(client, company.admin_mobile)
    row = client.post("/api/v1/main-numbers", headers=admin,
                      json={"number": "22 00 00 00", "label": "Switchboard"}).get_json()
    target = ports(db).main_number_target
    assert target(db, company.tenant_id, row["id"]) == \
        {"name": "Switchboard", "number": "+4722000000"}
    assert target(db, company.tenant_id + 1, row["id"]) is None


def test_a_main_number_may_lead_to_a_user_of_its_own_company_only(app, company, client):
    admin = auth(client, company.admin_mobile)
    alice = client.get("/api/v1/me", headers=auth(client, company.users["alice"])).get_json()
    row = client.post("/api/v1/main-numbers", headers=admin, json={
        "number": "22 00 00 00", "label": "Sales", "user_id": alice["id"]})
    assert row.status_code == 201 and row.get_json()["user_id"] == alice["id"]
    other = make_company(app)
    stranger = client.get("/api/v1/me", headers=auth(client, other.users["bob"])).get_json()
    url = f"/api/v1/main-numbers/{row.get_json()['id']}"
    bad = client.patch(url, headers=admin, json={"user_id": stranger["id"]})
    assert bad.status_code == 422 and "user_id" in bad.get_json()["errors"]
    back = client.patch(url, headers=admin, json={"user_id": None})
    assert back.status_code == 200 and back.get_json()["user_id"] is None


def test_a_profile_may_only_point_at_queues_of_the_company(company, client):
    admin, h = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    queue = client.post("/api/v1/queues", headers=admin, json={"name": "Support"})
    assert queue.status_code == 201, queue.get_json()
    lunch = _profiles(client, h)["lunch"]
    ok = client.patch(f"/api/v1/me/profiles/{lunch['id']}", headers=h, json={
        "queue_logout": [queue.get_json()["id"]],
        "no_answer": {"kind": "queue", "target": str(queue.get_json()["id"])}})
    assert ok.status_code == 200, ok.get_json()
    bad = client.patch(f"/api/v1/me/profiles/{lunch['id']}", headers=h,
                       json={"queue_logout": [999999]})
    assert bad.status_code == 422


def test_preview_knows_a_colleague_is_calling(company, client):
    h = auth(client, company.users["alice"])
    busy = _profiles(client, h)["busy"]
    client.patch(f"/api/v1/me/profiles/{busy['id']}", headers=h, json={"exceptions": [
        {"match": "colleagues", "destination": {"kind": "voicemail"}}]})
    client.put("/api/v1/me/availability", headers=h, json={"profile_id": busy["id"]})
    from_bob = client.get("/api/v1/me/routing-preview", headers=h,
                          query_string={"caller": company.users["bob"]}).get_json()
    stranger = client.get("/api/v1/me/routing-preview", headers=h,
                          query_string={"caller": "+4799999999"}).get_json()
    assert (from_bob["rule"], from_bob["steps"][0]["action"]) == ("exception:0", "voicemail")
    assert stranger["rule"] == "when_free"


def test_a_profile_name_with_a_line_break_is_refused_and_nothing_is_created(company, client):
    h = auth(client, company.users["alice"])
    before = len(_profiles(client, h))
    r = client.post("/api/v1/me/profiles", headers=h, json={"name": "Lunch\nbreak"})
    assert r.status_code == 422
    assert "control characters" in str(r.get_json()["errors"])
    assert len(_profiles(client, h)) == before
