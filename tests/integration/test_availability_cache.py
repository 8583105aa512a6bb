"""A process keeps each user's availability (profiles, schedules, devices) once loaded, for
routing and for the presence every call's start and end publishes; a change made through
the API is what the very next call and the very next presence see."""
from __future__ import annotations

from sqlalchemy import select

from api.availability.models import Device
from api.availability.presence import presence
from tests.integration.test_route_call import (  # noqa: F401 (fixtures)
    OUTSIDER, _profile, _uris, alice, store)
from tests.support.api import auth


def _routed(store, alice):
    route = store.route(alice.office_number, OUTSIDER, set())
    return route.reason["profile"], _uris(route)


def test_a_profile_edited_in_the_app_rings_by_the_new_devices_on_the_very_next_call(
        app, db, alice, store, client):
    profile, rung = _routed(store, alice)
    assert "sip:alice@10.0.0.7" in rung and len(rung) == 2
    available = _profile(db, alice, "available")
    answer = client.patch(f"/api/v1/me/profiles/{available.id}",
                          headers=auth(client, alice.mobile), json={"devices": ["softphone"]})
    assert answer.status_code == 200, answer.get_json()
    assert _routed(store, alice) == (profile, {"sip:alice@10.0.0.7"})


def test_a_device_switched_off_in_the_app_is_not_rung_by_the_very_next_call(
        app, db, alice, store, client):
    assert "sip:alice@10.0.0.7" in _routed(store, alice)[1]
    pc = db.scalar(select(Device).where(Device.user_id == alice.id,
                                        Device.kind == "softphone"))
    pc.user_may_switch = True
    db.commit()
    answer = client.patch(f"/api/v1/me/devices/{pc.id}", headers=auth(client, alice.mobile),
                          json={"enabled": False})
    assert answer.status_code == 200, answer.get_json()
    assert "sip:alice@10.0.0.7" not in _routed(store, alice)[1]


def test_a_profile_chosen_in_the_app_decides_the_very_next_call_and_presence(
        app, db, alice, store, client):
    assert _routed(store, alice)[0] == "Available"
    assert presence(db, alice.tenant_id, [alice.id])[alice.id]["key"] == "available"
    h = auth(client, alice.mobile)
    renamed = client.patch(f"/api/v1/me/profiles/{_profile(db, alice, 'meeting').id}",
                           headers=h, json={"name": "Board meeting"})
    assert renamed.status_code == 200, renamed.get_json()
    chosen = client.put("/api/v1/me/availability", headers=h,
                        json={"profile_id": renamed.get_json()["id"]})
    assert chosen.status_code == 200, chosen.get_json()
    assert _routed(store, alice)[0] == "Board meeting"
    shown = presence(db, alice.tenant_id, [alice.id])[alice.id]
    assert (shown["key"], shown["name"]) == ("meeting", "Board meeting")


def test_one_users_presence_is_the_same_as_in_a_list_of_colleagues(app, db, alice, client):
    from api.accounts.models import User

    h = auth(client, alice.mobile)
    lunch = _profile(db, alice, "lunch")
    client.put("/api/v1/me/availability", headers=h,
               json={"profile_id": lunch.id, "note": "back soon"})
    everyone = list(db.scalars(select(User.id).where(User.tenant_id == alice.tenant_id)))
    assert len(everyone) > 1
    together = presence(db, alice.tenant_id, everyone)
    for user_id in everyone:
        assert presence(db, alice.tenant_id, [user_id])[user_id] == together[user_id]
    assert together[alice.id]["key"] == "lunch" and together[alice.id]["note"] == "back soon"
