"""Isolation walk provider for push devices."""
from __future__ import annotations

IOS_VOIP = {"platform": "ios", "token": "a1" * 32, "token_kind": "voip",
            "app_id": "no.example.pbx", "environment": "production", "locale": "nb-NO"}


def provide(client, headers: dict, company) -> dict:
    device = client.post("/api/v1/me/push-devices", json={**IOS_VOIP, "token": "ab" * 32},
                         headers=headers).get_json()
    return {"ids": {"device_id": device["id"]}}
