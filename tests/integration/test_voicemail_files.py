"""Voicemail audio goes only when the deletion of its row or owner commits: a rolled-back
transaction or savepoint keeps every file; a deleted company takes all its audio along."""
from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.voicemail.models import VoicemailMessage
from tests.support.api import make_company
from tests.support.voicemail import leave_message


@pytest.fixture(autouse=True)
def empty_store(app):
    yield
    shutil.rmtree(app.config["SETTINGS"].voicemail_dir, ignore_errors=True)


def _company_dir(app, tenant_id: int) -> str:
    return os.path.join(app.config["SETTINGS"].voicemail_dir, str(tenant_id))


def _alice_with_a_message(app, db):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    left = leave_message(app, company.tenant_id, alice.id)
    row = db.get(VoicemailMessage, left.message_id)
    path = os.path.join(_company_dir(app, company.tenant_id), str(alice.id), row.file)
    assert os.path.exists(path)
    return company, alice, row, path


def test_a_deletion_rolled_back_after_its_flush_keeps_the_files(app, db):
    _company, alice, row, path = _alice_with_a_message(app, db)
    db.delete(row)
    db.delete(alice)
    db.flush()
    db.rollback()
    assert os.path.exists(path)
    db.commit()  # a later commit of the same session does not act on the forgotten note
    assert os.path.exists(path)


def test_a_deletion_in_a_rolled_back_savepoint_keeps_the_file_the_outer_commit_does_not(
        app, db):
    _company, alice, row, path = _alice_with_a_message(app, db)
    with db.begin_nested() as inner:
        db.delete(alice)
        db.flush()
        inner.rollback()
    db.delete(row)
    db.commit()
    assert not os.path.exists(path)
    assert os.path.isdir(os.path.dirname(path))  # alice is still there, with her mailbox


def test_a_session_closed_without_committing_keeps_the_files(app, db):
    _company, alice, _row, path = _alice_with_a_message(app, db)
    with app.extensions["session_factory"]() as other:
        other.delete(other.get(User, alice.id))
        other.flush()
    assert os.path.exists(path)


def test_deleting_a_company_removes_all_its_audio_and_no_other_companys(app, db):
    company, _alice, _row, path = _alice_with_a_message(app, db)
    _other, _bob, _their_row, theirs = _alice_with_a_message(app, db)
    db.delete(db.get(Tenant, company.tenant_id))
    db.commit()
    assert not os.path.exists(_company_dir(app, company.tenant_id))
    assert os.path.exists(theirs)
