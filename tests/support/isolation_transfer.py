"""Isolation walk provider for transfers: an answered call of the admin, transferred."""
from __future__ import annotations

from tests.support.isolation_calls import live_call


def answered_call(app, mobile: str, other: str = "+4791234567", gateway: str = "gw-test",
                  direction: str = "incoming") -> int:
    """A live call the user has answered (as the gateway writes it); its id."""
    from api.calls import services

    call_id = live_call(app, mobile, other, gateway, direction)
    with app.extensions["session_factory"]() as db:
        services.call_answered(db, call_id, 1, "softphone", "sip:soft@127.0.0.1")
    return call_id


def provide(client, headers: dict, company) -> dict:
    call_id = answered_call(client.application, company.admin_mobile, "+4791234500")
    r = client.post(f"/api/v1/me/calls/{call_id}/transfer", headers=headers,
                    json={"target": {"kind": "external", "number": "+4722334455"},
                          "method": "attended"})
    assert r.status_code == 202, r.get_json()
    body = {"target": {"kind": "external", "number": "+4722334455"}}
    return {"ids": {"call_id": call_id, "transfer_id": r.get_json()["id"]},
            "bodies": {("POST", "/api/v1/me/calls/<int:call_id>/transfer"): body}}
