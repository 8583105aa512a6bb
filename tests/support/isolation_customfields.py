"""Isolation walk provider for the company's own user fields."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    field = client.post("/api/v1/custom-fields", headers=headers, json={
        "key": "walk_field", "label": "Walk field", "type": "text"}).get_json()
    return {"ids": {"custom_field_id": field["id"]},
            "bodies": {("PATCH", "/api/v1/custom-fields/<int:custom_field_id>"): {
                "label": "Hacked"}}}
