"""Isolation walk provider for voicemail: a message left for the first company's admin."""
from __future__ import annotations

from sqlalchemy import select


def provide(client, headers: dict, company) -> dict:
    from api.accounts.models import User
    from tests.support.voicemail import leave_message

    app = client.application
    with app.extensions["session_factory"]() as db:
        admin_id = db.scalar(select(User.id).where(User.mobile == company.admin_mobile))
    left = leave_message(app, company.tenant_id, admin_id, 2.0,
                         hit={"name": "Alpha Marker caller"})
    return {"ids": {"message_id": left.message_id},
            "bodies": {("PATCH", "/api/v1/me/voicemail/<int:message_id>"): {"heard": True}}}
