"""The gateway's port, queue audio recorded by phone: which queue a recording code dialled
from a team leader's or administrator's phone names (`api.queues.recordcodes`), what they hear
before the tone, and the recording kept as the queue's welcome or waiting message, stored and
checked as an upload is (`api.voicemail.services.save_greeting`)."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, tr

from ..accounts import permissions as perms
from ..accounts.models import Role, Tenant, User
from ..core.errors import AppError
from ..numbers import lookup as registry
from ..queues import recordcodes
from ..queues.models import Queue
from .users import UserRef, tenant_country

log = logging.getLogger("api")
MAY_RECORD = (perms.MANAGE_QUEUES, perms.LOG_OTHERS_IN_QUEUES)  # administrators, team leaders
PROMPTS = {"greeting": N_("Record the welcome for {queue} after the tone. Press # when you "
                          "are done."),
           "message": N_("Record the waiting message for {queue} after the tone. Press # "
                         "when you are done.")}


@dataclass(frozen=True, slots=True)
class QueueRecording:
    tenant_id: int
    queue_id: int
    kind: str             # greeting (the welcome) or message (the waiting message)
    prompt: str
    language: str


def queue_recording(db: Session, user: UserRef, dialled: str) -> QueueRecording | None:
    """The queue audio `user` records by dialling `dialled`, or None when it is no recording
    code, names no queue of her company, or she may not record (neither administrator nor
    team leader)."""
    from ..availability.announce import language_of

    parsed = recordcodes.parse(dialled)
    if parsed is None:
        return None
    kind, digits = parsed
    granted = db.scalar(select(Role.permissions).join(User, User.role_id == Role.id)
                        .where(User.id == user.id, User.tenant_id == user.tenant_id)) or ()
    if not any(p in granted for p in MAY_RECORD):
        return None
    queue = _queue(db, user.tenant_id, digits)
    if queue is None:
        return None
    lang = language_of(db.scalar(select(Tenant.language).where(Tenant.id == user.tenant_id)))
    return QueueRecording(user.tenant_id, queue.id, kind,
                          tr(lang, PROMPTS[kind]).format(queue=queue.name), lang)


def _queue(db: Session, tenant_id: int, digits: str) -> Queue | None:
    """The company's queue with this short number, or this number (any format)."""
    from ..core.phone import try_e164

    owner = registry.short_owner(db, tenant_id, digits)
    if owner is None or owner.kind != "queue_short":
        number = try_e164(digits, tenant_country(db, tenant_id))
        owner = registry.public_owner(db, number) if number else None
    if owner is None or owner.kind not in ("queue", "queue_short") \
            or owner.tenant_id != tenant_id:
        return None
    return db.scalar(select(Queue).where(Queue.id == owner.owner_id,
                                         Queue.tenant_id == tenant_id))


def keep_recording(db: Session, root: str, tenant_id: int, queue_id: int, kind: str,
                   file: str) -> bool:
    """The recorded WAV (in the queue's directory) becomes the queue's `kind` of audio, as an
    upload would; a recording the checks refuse (too short, silent) is dropped. The raw
    recording is removed either way."""
    from ..voicemail import services
    from ..voicemail.storage import Store

    files = Store(root)
    path = files.path(tenant_id, None, file, queue_id)
    try:
        with open(path, "rb") as f:
            raw = f.read()
        services.save_greeting(db, files, tenant_id, None, kind, raw, queue_id)
        return True
    except (AppError, OSError) as exc:
        db.rollback()
        log.info("queue recording not kept", extra={
            "event": "queue_audio_refused", "queue_id": queue_id, "kind": kind,
            "reason": str(exc)})
        return False
    finally:
        if os.path.exists(path):
            os.remove(path)
