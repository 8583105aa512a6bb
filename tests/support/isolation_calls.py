"""Isolation walk provider for live calls: a call held by a gateway and a command to it."""
from __future__ import annotations

from sqlalchemy import select


def live_call(app, mobile: str, other: str = "+4791234567", gateway: str = "gw-test",
              direction: str = "incoming") -> int:
    """A call the user has on a gateway (as the gateway writes it); its live call id."""
    from api.accounts.models import User
    from api.calls import services

    with app.extensions["session_factory"]() as db:
        user = db.scalar(select(User).where(User.mobile == mobile))
        return services.call_started(db, user.tenant_id, user.id, gateway,
                                     f"call-{user.id}-{other}", direction, other)


def provide(client, headers: dict, company) -> dict:
    call_id = live_call(client.application, company.admin_mobile)
    command = client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=headers).get_json()
    return {"ids": {"call_id": call_id, "command_id": command["id"]}}
