"""Voicemail use cases: the mailbox (list, hear, delete), greetings, retention and the
company's settings. Files go after the transaction that forgets them has committed (`cleanup`
for rows the session deletes; retention removes its own), and come before the transaction
that remembers them."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.clock import now
from ..core.errors import NotFound, field_error
from . import audio, events, mwi
from .models import VoicemailGreeting, VoicemailMessage, VoicemailSettings
from .storage import Store


def store(app) -> Store:
    """The Flask application's voicemail store (VOICEMAIL_DIR)."""
    found = app.extensions.get("voicemail_store")
    if found is None:
        found = app.extensions["voicemail_store"] = Store(app.config["SETTINGS"].voicemail_dir)
    return found


def light_lamps(app, db: Session, tenant_id: int, user_id: int) -> None:
    """The user's desk phones' message-waiting lamps (when the SIP edge is configured),
    sent off the request's thread."""
    settings_ = app.config["SETTINGS"]
    if not settings_.sip_edge_ctl:
        return
    lamps = app.extensions.get("mwi")
    if lamps is None:
        lamps = app.extensions["mwi"] = mwi.Lamps(settings_.sip_edge_ctl, settings_.sip_realm)
    threading.Thread(target=lamps.light, args=(mwi.lamp(db, tenant_id, user_id),),
                     name="mwi", daemon=True).start()


# -- the company's retention --------------------------------------------------------------

def settings(db: Session, tenant_id: int) -> VoicemailSettings:
    row = db.get(VoicemailSettings, tenant_id)
    return row or VoicemailSettings(tenant_id=tenant_id, max_age_days=30, max_messages=100)


def save_settings(db: Session, tenant_id: int, body: dict) -> VoicemailSettings:
    row = db.get(VoicemailSettings, tenant_id)
    if row is None:
        row = settings(db, tenant_id)
        db.add(row)
    for key, value in body.items():
        setattr(row, key, value)
    db.commit()
    return row


# -- the mailbox ----------------------------------------------------------------------------

# A mailbox is a user's (`user_id`) or a queue's (`user_id` None, `queue_id`): its members
# share it, so a message heard by one is heard for all.

def _mine(tenant_id: int, user_id: int | None, queue_id: int | None = None):
    if user_id is None:
        return (VoicemailMessage.tenant_id == tenant_id, VoicemailMessage.user_id.is_(None),
                VoicemailMessage.queue_id == queue_id)
    return (VoicemailMessage.tenant_id == tenant_id, VoicemailMessage.user_id == user_id)


def listing(tenant_id: int, user_id: int | None, unread: bool | None,
            queue_id: int | None = None):
    stmt = select(VoicemailMessage).where(*_mine(tenant_id, user_id, queue_id))
    if unread is not None:
        stmt = stmt.where(VoicemailMessage.heard_at.is_(None) if unread
                          else VoicemailMessage.heard_at.isnot(None))
    return stmt.order_by(VoicemailMessage.created_at.desc(), VoicemailMessage.id.desc())


def unread_count(db: Session, tenant_id: int, user_id: int | None,
                 queue_id: int | None = None) -> int:
    return db.scalar(select(func.count()).select_from(VoicemailMessage).where(
        *_mine(tenant_id, user_id, queue_id), VoicemailMessage.heard_at.is_(None))) or 0


def get_message(db: Session, tenant_id: int, user_id: int | None, message_id: int,
                queue_id: int | None = None) -> VoicemailMessage:
    row = db.scalar(select(VoicemailMessage).where(VoicemailMessage.id == message_id,
                                                   *_mine(tenant_id, user_id, queue_id)))
    if row is None:
        raise NotFound(N_("No voicemail message with id {id}"), values={"id": message_id})
    return row


def set_heard(db: Session, tenant_id: int, user_id: int | None, message_id: int,
              heard: bool, queue_id: int | None = None) -> VoicemailMessage:
    row = get_message(db, tenant_id, user_id, message_id, queue_id)
    if heard != row.heard:
        row.heard_at = now() if heard else None
        db.flush()
        events.changed(db, row, "heard" if heard else "unheard",
                       unread_count(db, tenant_id, user_id, queue_id))
    db.commit()
    return row


def delete_message(db: Session, tenant_id: int, user_id: int | None, message_id: int,
                   queue_id: int | None = None) -> None:
    """Delete a message; its audio goes once that has committed (`cleanup`)."""
    db.delete(get_message(db, tenant_id, user_id, message_id, queue_id))
    db.flush()
    events.deleted(db, tenant_id, user_id, message_id,
                   unread_count(db, tenant_id, user_id, queue_id), queue_id)
    db.commit()


def audio_path(files: Store, row: VoicemailMessage) -> str:
    return files.path(row.tenant_id, row.user_id, row.file, row.queue_id)


def mailbox_settings(user) -> dict:
    return {"email_copy": bool((user.settings or {}).get("voicemail_email")),
            "email": user.email}


def save_mailbox_settings(db: Session, user, email_copy: bool) -> dict:
    if email_copy and not user.email:
        raise field_error("email_copy", N_("add an e-mail address to your profile first"))
    user.settings = {**(user.settings or {}), "voicemail_email": email_copy}
    db.commit()
    return mailbox_settings(user)


# -- retention --------------------------------------------------------------------------------

def make_room(db: Session, files: Store, tenant_id: int, user_id: int | None,
              queue_id: int | None = None) -> bool:
    """Apply the company's retention to a mailbox (too old: gone; over the count: the oldest
    heard go first) and say whether one more message fits. Commits what it removes."""
    rules = settings(db, tenant_id)
    box = _mine(tenant_id, user_id, queue_id)
    gone: list[tuple[int, str]] = []
    too_old = now() - timedelta(days=rules.max_age_days)
    gone += list(db.execute(select(VoicemailMessage.id, VoicemailMessage.file).where(
        *box, VoicemailMessage.created_at < too_old)).tuples())
    count = _count(db, box) - len(gone)
    over = count - (rules.max_messages - 1)
    if over > 0:
        old_ids = [i for i, _ in gone]
        gone += list(db.execute(
            select(VoicemailMessage.id, VoicemailMessage.file)
            .where(*box, VoicemailMessage.heard_at.isnot(None),
                   VoicemailMessage.id.notin_(old_ids or [-1]))
            .order_by(VoicemailMessage.created_at, VoicemailMessage.id).limit(over)).tuples())
    if gone:
        db.execute(delete(VoicemailMessage).where(
            VoicemailMessage.id.in_([i for i, _ in gone])))
        unread = unread_count(db, tenant_id, user_id, queue_id)
        for message_id, _ in gone:
            events.deleted(db, tenant_id, user_id, message_id, unread, queue_id)
        db.commit()
        for _, name in gone:
            files.remove(tenant_id, user_id, name, queue_id)
    return _count(db, box) < rules.max_messages


def _count(db: Session, box: tuple) -> int:
    return db.scalar(select(func.count()).select_from(VoicemailMessage).where(*box)) or 0


# -- greetings ----------------------------------------------------------------------------------

def _greeting_of(tenant_id: int, user_id: int | None, kind: str, queue_id: int | None):
    owner = (VoicemailGreeting.user_id == user_id if user_id is not None
             else VoicemailGreeting.queue_id == queue_id)
    return (VoicemailGreeting.tenant_id == tenant_id, owner, VoicemailGreeting.kind == kind)


def greeting(db: Session, tenant_id: int, user_id: int | None, kind: str,
             queue_id: int | None = None) -> VoicemailGreeting:
    row = db.scalar(select(VoicemailGreeting).where(
        *_greeting_of(tenant_id, user_id, kind, queue_id)))
    if row is None:
        raise NotFound(N_("No {kind} greeting: callers hear the spoken default"),
                       values={"kind": kind})
    return row


def greetings(db: Session, tenant_id: int, user_id: int) -> list[VoicemailGreeting]:
    return list(db.scalars(select(VoicemailGreeting).where(
        VoicemailGreeting.tenant_id == tenant_id, VoicemailGreeting.user_id == user_id)
        .order_by(VoicemailGreeting.kind)))


def save_greeting(db: Session, files: Store, tenant_id: int, user_id: int | None, kind: str,
                  raw: bytes, queue_id: int | None = None) -> VoicemailGreeting:
    """The user's (or, `user_id` None, the queue's) greeting of `kind`, replaced (the old
    file goes once the new one's row has committed, `cleanup`)."""
    sound = audio.greeting(raw)
    name = files.write(tenant_id, user_id, sound.data, queue_id)
    row = db.scalar(select(VoicemailGreeting).where(
        *_greeting_of(tenant_id, user_id, kind, queue_id)))
    if row is None:
        row = VoicemailGreeting(tenant_id=tenant_id, user_id=user_id, queue_id=queue_id,
                                kind=kind)
        db.add(row)
    row.file, row.size, row.duration_ms, row.updated_at = (
        name, len(sound.data), sound.duration_ms, now())
    try:
        db.commit()
    except Exception:
        files.remove(tenant_id, user_id, name, queue_id)
        raise
    return row


def delete_greeting(db: Session, tenant_id: int, user_id: int | None, kind: str,
                    queue_id: int | None = None) -> None:
    """Delete a greeting; its audio goes once that has committed (`cleanup`)."""
    db.delete(greeting(db, tenant_id, user_id, kind, queue_id))
    db.commit()
