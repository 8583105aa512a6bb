"""Isolation walk provider for voicemail: a message left for the first company's admin, one in
the mailbox of its first queue, and that queue's uploaded sounds."""
from __future__ import annotations

from sqlalchemy import select

QUEUE_MESSAGE = "/api/v1/queues/<int:queue_id>/voicemail/<int:queue_message_id>"


def provide(client, headers: dict, company) -> dict:
    from api.accounts.models import User
    from api.queues.models import Queue
    from tests.support.voicemail import leave_message, leave_queue_message, tone_wav

    app = client.application
    with app.extensions["session_factory"]() as db:
        admin_id = db.scalar(select(User.id).where(User.mobile == company.admin_mobile))
        queue_id = db.scalar(select(Queue.id).where(Queue.tenant_id == company.tenant_id)
                             .order_by(Queue.id))
    left = leave_message(app, company.tenant_id, admin_id, 2.0,
                         hit={"name": "Alpha Marker caller"})
    in_queue = leave_queue_message(app, company.tenant_id, queue_id, 2.0)
    for kind in ("voicemail/greeting", "audio/greeting", "audio/message"):  # the queue's sounds
        up = client.put(f"/api/v1/queues/{queue_id}/{kind}", headers=headers, data=tone_wav(1.5))
        assert up.status_code == 200, (kind, up.get_json())
    return {"ids": {"message_id": left.message_id, "queue_message_id": in_queue.message_id},
            "bodies": {("PATCH", "/api/v1/me/voicemail/<int:message_id>"): {"heard": True},
                       ("PATCH", QUEUE_MESSAGE): {"heard": True}}}
