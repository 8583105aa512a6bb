"""Isolation walk provider for accounts: one of each id-bearing resource in a tenant."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    """Create resources in the company; return {url parameter name: id} and bodies."""
    role = client.post("/api/v1/roles", json={"name": "Walk role", "permissions": []},
                       headers=headers).get_json()
    users = client.get("/api/v1/users", headers=headers).get_json()
    sessions = client.get("/api/v1/me/sessions", headers=headers).get_json()
    return {
        "ids": {"role_id": role["id"], "user_id": users[-1]["id"],
                "session_id": sessions[0]["id"]},
        "bodies": {("PATCH", "/api/v1/users/<int:user_id>"): {"title": "Hacked"},
                   ("POST", "/api/v1/users/<int:user_id>/copy"): {
                       "mobile": "+4791999555", "first_name": "Hacked"},
                   ("PATCH", "/api/v1/roles/<int:role_id>"): {"name": "Hacked"}},
    }
