"""Isolation walk provider for queues: a queue with a member, a callback, a remote phone,
a waiting call and an SLA alert."""
from __future__ import annotations

from api.queues import calls


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
    alert = client.post(f"/api/v1/queues/{queue['id']}/alerts",
                        json={"metric": "waiting_calls", "threshold": 5}, headers=headers
                        ).get_json()
    with client.application.extensions["session_factory"]() as db:
        call_id = calls.enqueue(db, company.tenant_id, queue["id"],
                                caller_number="+4791111113").call.id
    return {
        "ids": {"queue_id": queue["id"], "callback_id": callback["id"],
                "number_id": number["id"], "call_id": call_id, "alert_id": alert["id"]},
        "bodies": {("PATCH", "/api/v1/queues/<int:queue_id>"): {"name": "Hacked"},
                   ("PUT", "/api/v1/queues/<int:queue_id>/members/<int:user_id>"):
                       {"priority": 1},
                   ("POST", "/api/v1/queues/<int:queue_id>/callbacks"):
                       {"caller_number": "+4791111112", "caller_name": "Hacked"},
                   ("POST", "/api/v1/queues/callbacks/<int:callback_id>/result"):
                       {"answered": True},
                   ("POST", "/api/v1/switchboard/waiting/<int:call_id>/assign"): {"user_id": 1},
                   ("POST", "/api/v1/switchboard/waiting/<int:call_id>/priority"):
                       {"priority": 9},
                   ("PUT", "/api/v1/queues/calls/<int:call_id>/tags"): {"tags": ["Hacked"]},
                   ("PUT", "/api/v1/me/queues/<int:queue_id>/devices"): {"device_ids": None},
                   ("POST", "/api/v1/queues/<int:queue_id>/alerts"):
                       {"metric": "logged_in", "threshold": 1}},
    }
