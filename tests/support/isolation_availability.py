"""Isolation walk provider for availability: a profile, a schedule, a device, a main number."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    profile = client.post("/api/v1/me/profiles", json={"name": "Walk profile"},
                          headers=headers).get_json()
    schedule = client.post("/api/v1/me/schedules", json={
        "profile_id": profile["id"], "starts": "2026-01-05T09:00:00",
        "ends": "2026-01-05T10:00:00", "recurrence": "weekly", "weekdays": [0]},
        headers=headers).get_json()
    me = client.get("/api/v1/me", headers=headers).get_json()
    device = client.post(f"/api/v1/users/{me['id']}/devices", json={
        "kind": "softphone", "sip_uri": "sip:walk@pbx.example.com"}, headers=headers).get_json()
    number = client.post("/api/v1/main-numbers", json={"number": "+4722990000",
                                                       "label": "Walk switchboard"},
                         headers=headers).get_json()
    return {
        # the profile and schedule are the administrator's own: /users/<user_id>/profiles/...
        # must find them for their own company, so user_id is the administrator here
        "ids": {"user_id": me["id"], "profile_id": profile["id"], "schedule_id": schedule["id"],
                "phone_device_id": device["id"], "main_number_id": number["id"]},
        "bodies": {
            ("PATCH", "/api/v1/me/profiles/<int:profile_id>"): {"name": "Hacked"},
            ("PATCH", "/api/v1/me/schedules/<int:schedule_id>"): {"recurrence": "daily"},
            ("PATCH", "/api/v1/devices/<int:phone_device_id>"): {"label": "Hacked"},
            ("PATCH", "/api/v1/main-numbers/<int:main_number_id>"): {"label": "Hacked"},
            ("POST", "/api/v1/users/<int:user_id>/devices"): {
                "kind": "softphone", "sip_uri": "sip:hacked@pbx.example.com"},
            ("PUT", "/api/v1/users/<int:user_id>/availability"): {"profile_id": profile["id"]},
            ("POST", "/api/v1/users/<int:user_id>/profiles"): {"name": "Hacked"},
            ("PUT", "/api/v1/users/<int:user_id>/display-number"): {"number": None},
            ("PATCH", "/api/v1/users/<int:user_id>/profiles/<int:profile_id>"): {
                "name": "Hacked"},
            ("POST", "/api/v1/users/<int:user_id>/schedules"): {
                "profile_id": profile["id"], "starts": "2026-01-06T09:00:00",
                "ends": "2026-01-06T10:00:00"},
            ("PATCH", "/api/v1/users/<int:user_id>/schedules/<int:schedule_id>"): {
                "recurrence": "daily"},
        },
    }
