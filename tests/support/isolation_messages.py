"""Isolation walk provider for messages: a sent message, a template, a recipient group."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    msg = client.post("/api/v1/messages", headers=headers, buffered=True, json={
        "text": "Alpha Marker message", "numbers": ["90012345"]}).get_json()
    template = client.post("/api/v1/messages/templates", headers=headers, json={
        "name": "Alpha Marker template", "text": "Alpha Marker", "scope": "company"}).get_json()
    group = client.post("/api/v1/messages/groups", headers=headers, json={
        "name": "Alpha Marker group", "scope": "company",
        "members": {"numbers": ["90012345"]}}).get_json()
    return {
        "ids": {"message_id": msg["id"], "template_id": template["id"],
                "group_id": group["id"]},
        "bodies": {
            ("PATCH", "/api/v1/messages/templates/<int:template_id>"): {"text": "Hacked"},
            ("PATCH", "/api/v1/messages/groups/<int:group_id>"): {"name": "Hacked"},
        },
    }
