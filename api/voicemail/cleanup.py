"""Audio goes with its row: when a transaction that deleted a voicemail message or greeting,
replaced a greeting's file, or deleted a user, a queue or a company has committed, their
files (a mailbox's or company's whole directory) are removed from the voicemail store.

A flush listener notes what the flush forgot; the commit removes it; a rollback (of the
transaction or of the savepoint that made the change) forgets the note, so a failed delete
leaves every file in place. Sessions know the store by `info["voicemail_dir"]` (the web
API's do, see `bootstrap.web_api`); a session without it removes nothing. A file that
cannot be removed is logged (`storage`), never an error for the request.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from ..accounts.models import Tenant, User
from ..queues.models import Queue
from .models import VoicemailGreeting, VoicemailMessage
from .storage import Store

_KEY = "voicemail_gone"
Removal = Callable[[Store], None]


def _audio_rows(db: Session) -> list[Removal]:
    gone: list[Removal] = []
    for row in db.deleted:
        if isinstance(row, (VoicemailMessage, VoicemailGreeting)):
            gone.append(_file(row, row.file))
    for row in db.dirty:
        if isinstance(row, (VoicemailMessage, VoicemailGreeting)):
            gone += [_file(row, old) for old in inspect(row).attrs.file.history.deleted
                     if old and old != row.file]
    return gone


def _owners(db: Session) -> list[Removal]:
    gone: list[Removal] = []
    for row in db.deleted:
        if isinstance(row, User):
            gone.append(lambda s, t=row.tenant_id, u=row.id: s.remove_mailbox(t, u))
        elif isinstance(row, Queue):
            gone.append(lambda s, t=row.tenant_id, q=row.id: s.remove_mailbox(t, None, q))
        elif isinstance(row, Tenant):
            gone.append(lambda s, t=row.id: s.remove_company(t))
    return gone


def _file(row: Any, name: str) -> Removal:
    tenant_id, user_id, queue_id = row.tenant_id, row.user_id, row.queue_id
    return lambda s: s.remove(tenant_id, user_id, name, queue_id)


def _after_flush(db: Session, _context) -> None:
    if not db.info.get("voicemail_dir"):
        return
    gone = _audio_rows(db) + _owners(db)
    if gone:
        where = db.get_nested_transaction() or db.get_transaction()
        db.info.setdefault(_KEY, []).extend((where, removal) for removal in gone)


def _after_commit(db: Session) -> None:
    gone = db.info.pop(_KEY, None)
    if gone:
        files = Store(db.info["voicemail_dir"])
        for _where, removal in gone:
            removal(files)


def _within(where: SessionTransaction | None, undone: SessionTransaction) -> bool:
    while where is not None:
        if where is undone:
            return True
        where = where.parent
    return False


def _after_soft_rollback(db: Session, undone: SessionTransaction) -> None:
    """The rolled-back transaction's (or savepoint's) deletions did not happen."""
    if db.info.get(_KEY):
        db.info[_KEY] = [(w, r) for w, r in db.info[_KEY] if not _within(w, undone)]


def _after_transaction_end(db: Session, ended: SessionTransaction) -> None:
    """A transaction closed without its commit (the session closed): nothing happened."""
    if ended.parent is None and db.info.get(_KEY):
        _after_soft_rollback(db, ended)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
