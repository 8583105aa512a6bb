"""Isolation walk provider for queues: a queue with a member, a callback and a remote phone."""
from __future__ import annotations


def provide(client, headers: dict, company) -> dict:
    queue = client.post("/api/v1/queues", json={"name": "Walk queue", "number": "+4722990001"},
                        headers=headers).get_json()
    for user in client.get("/api/v1/users", headers=headers).get_json():
        client.put(f"/api/v1/queues/{queue['id']}/members/{user['id']}", json={"priority": 0},
                   headers=headers)
    callback = client.post(f"/api/v1/queues/{queue['id']}/callbacks",
                           json={"caller_number": "+4791111111"}, headers=headers).get_json()
    number = client.post("/api/v1/me/queues/remote-numbers", json={"number": "+4791222333"},
                         headers=headers).get_json()
    return {
        "ids": {"queue_id": queue["id"], "callback_id": callback["id"],
                "number_id": number["id"]},
        "bodies": {("PATCH", "/api/v1/queues/<int:queue_id>"): {"name": "Hacked"},
                   ("PUT", "/api/v1/queues/<int:queue_id>/members/<int:user_id>"):
                       {"priority": 1},
                   ("POST", "/api/v1/queues/<int:queue_id>/callbacks"):
                       {"caller_number": "+4791111112", "caller_name": "Hacked"},
                   ("POST", "/api/v1/queues/callbacks/<int:callback_id>/result"):
                       {"answered": True}},
    }
