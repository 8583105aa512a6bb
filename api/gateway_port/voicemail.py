"""The gateway's port, voicemail: the mailbox a caller reaches (the greeting to play, where
to record, or that it is full) and the message left in it."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import user_language

from ..accounts.models import Tenant, User
from ..availability.routing import Plan
from ..core.clock import now
from ..queues.models import QueueMember
from ..voicemail import audio, events, mail, mwi, services, spoken
from ..voicemail.models import (QUEUE_AUDIO_KINDS, QUEUE_MAILBOX_KIND, VoicemailGreeting,
                                VoicemailMessage)
from ..voicemail.mwi import Lamps  # noqa: F401 (re-exported to the gateway)
from ..voicemail.storage import Store


log = logging.getLogger("sip_gateway")
MIN_MESSAGE_MS = 1000


@dataclass(frozen=True, slots=True)
class Mailbox:
    """What a caller sent to the user's (or a queue's) voicemail hears, and where the
    message goes."""

    tenant_id: int
    user_id: int | None             # None: the queue's mailbox
    full: bool
    reason: str                     # no_answer, busy, profile; queue (its wait was over)
    language: str
    text: str                       # the spoken default greeting, or "the mailbox is full"
    greeting: str | None = None     # the user's own recording for this situation
    queue_id: int | None = None


@dataclass(frozen=True, slots=True)
class Left:
    """A message kept: for the push, the badge and the e-mail copy."""

    message_id: int
    duration_s: float
    unread: int
    email: str | None               # the user wants a copy by e-mail, to this address
    path: str
    who: str                        # the caller as the app names them
    language: str                   # the user's
    members: tuple = ()             # a queue's message: (member, their own unread count)
    lamp: mwi.Lamp | None = None    # a user's message: their desk phones' message waiting


def reason_of(plan: Plan) -> str:
    """Why the call reaches voicemail: the profile sends it there (no ringing), the user is
    busy (the when-busy rule), or nobody answered."""
    if any(s.action == "ring" for s in plan.steps):
        return "no_answer"
    return "busy" if plan.rule == "when_busy" else "profile"


def mailbox(db: Session, root: str, tenant_id: int, user_id: int, plan: Plan) -> Mailbox:
    """Retention first (the oldest heard messages make room), then the greeting that fits
    and a new file name in the user's directory. Commits what retention removed."""
    files = Store(root)
    tenant = db.get(Tenant, tenant_id)
    reason = reason_of(plan)
    lang = plan.language or (tenant.language if tenant else "en")
    if not services.make_room(db, files, tenant_id, user_id):
        return Mailbox(tenant_id, user_id, True, reason, lang, spoken.mailbox_full(lang))
    text = spoken.default_greeting(reason, plan.profile_key, plan.profile_name, plan.until,
                                   now(), (tenant and tenant.timezone) or "UTC", lang)
    own = db.scalar(select(VoicemailGreeting).where(
        VoicemailGreeting.tenant_id == tenant_id, VoicemailGreeting.user_id == user_id,
        VoicemailGreeting.kind == spoken.greeting_kind(reason)))
    greeting = files.path(tenant_id, user_id, own.file) if own is not None else None
    if greeting is not None and not os.path.exists(greeting):
        greeting = None
    return Mailbox(tenant_id, user_id, False, reason, lang, text, greeting)


def queue_mailbox(db: Session, root: str, tenant_id: int, queue_id: int, name: str,
                  language: str) -> Mailbox:
    """A queue's mailbox, its overflow to voicemail: retention first, then the queue's
    uploaded greeting, else the spoken default naming the queue (in `language`, the one its
    callers hear)."""
    files = Store(root)
    if not services.make_room(db, files, tenant_id, None, queue_id):
        return Mailbox(tenant_id, None, True, "queue", language,
                       spoken.queue_full(name, language), queue_id=queue_id)
    own = db.scalar(select(VoicemailGreeting.file).where(
        VoicemailGreeting.tenant_id == tenant_id, VoicemailGreeting.queue_id == queue_id,
        VoicemailGreeting.kind == QUEUE_MAILBOX_KIND))
    greeting = files.path(tenant_id, None, own, queue_id) if own is not None else None
    return Mailbox(tenant_id, None, False, "queue", language,
                   spoken.queue_greeting(name, language),
                   greeting if greeting and os.path.exists(greeting) else None,
                   queue_id=queue_id)


def queue_audio(db: Session, root: str, tenant_id: int, queue_id: int) -> dict[str, str]:
    """The queue's uploaded welcome and waiting message (`greeting`, `message`) that exist,
    as paths of WAV files; a kind missing here is spoken from the queue's text."""
    files, out = Store(root), {}
    for kind, name in db.execute(select(VoicemailGreeting.kind, VoicemailGreeting.file).where(
            VoicemailGreeting.tenant_id == tenant_id, VoicemailGreeting.queue_id == queue_id,
            VoicemailGreeting.kind.in_(QUEUE_AUDIO_KINDS))):
        path = files.path(tenant_id, None, name, queue_id)
        if os.path.exists(path):
            out[kind] = path
    return out


def new_file(root: str, tenant_id: int, user_id: int | None, queue_id: int | None = None
             ) -> tuple[str, str]:
    """(name, path) for a message about to be recorded in the mailbox's directory."""
    return Store(root).new_path(tenant_id, user_id, queue_id)


def leave(db: Session, root: str, tenant_id: int, user_id: int | None, file: str, *,
          call_id: str | None, caller: str | None, hit: dict | None, reason: str,
          profile: str | None, queue_id: int | None = None) -> Left | None:
    """The message recorded in `file`: kept with its row and the `voicemail` live event, or
    dropped (file removed) when it lasts less than a second. Commits. A queue's message
    (`user_id` None) has no e-mail copy; `Left.members` are the people to tell."""
    files = Store(root)
    path = files.path(tenant_id, user_id, file, queue_id)
    duration = audio.wav_duration_ms(path) if os.path.exists(path) else None
    if duration is None or duration < MIN_MESSAGE_MS:
        files.remove(tenant_id, user_id, file, queue_id)
        log.info("voicemail too short: dropped", extra={
            "event": "voicemail_dropped", "call_id": call_id, "duration_ms": duration})
        return None
    row = VoicemailMessage(tenant_id=tenant_id, user_id=user_id, queue_id=queue_id,
                           call_id=call_id, caller_number=caller, hit=hit, reason=reason,
                           profile=(profile or "")[:80] or None, duration_ms=duration,
                           size=os.path.getsize(path), file=file, created_at=now())
    db.add(row)
    db.flush()
    unread = services.unread_count(db, tenant_id, user_id, queue_id)
    events.changed(db, row, "new", unread)
    if user_id is None:
        members = tuple((m, services.unread_count(db, tenant_id, m)) for m in db.scalars(
            select(QueueMember.user_id).where(QueueMember.queue_id == queue_id)
            .order_by(QueueMember.user_id)))
        db.commit()
        return Left(row.id, duration / 1000, unread, None, path,
                    (hit or {}).get("name") or caller or "?", "en", members)
    user, tenant = db.get(User, user_id), db.get(Tenant, tenant_id)
    wants = bool(user and user.email and (user.settings or {}).get("voicemail_email"))
    lamp = mwi.lamp(db, tenant_id, user_id)
    db.commit()
    who = (hit or {}).get("name") or caller or "?"
    return Left(row.id, duration / 1000, unread, user.email if wants else None, path, who,
                user_language(user and user.language, None, tenant and tenant.language),
                lamp=lamp)


def email_copy(left: Left) -> bool:
    """Send the user the message by e-mail, its audio attached (blocks up to the SMTP
    timeout: call it off the pjsua thread). False when not wanted, not configured or failed."""
    config = mail.smtp_config()
    if left.email is None or config is None:
        return False
    with open(left.path, "rb") as f:
        audio = f.read()
    return mail.send(config, mail.compose(config, left.email, left.who,
                                          int(round(left.duration_s)), audio, left.language))
