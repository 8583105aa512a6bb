"""Audio leaves the disk with what owns it: a deleted user's messages and greetings, a
deleted queue's messages, greetings and recordings, a replaced queue recording; a file that
cannot be removed is logged and the deletion still succeeds."""
from __future__ import annotations

import logging
import os
import shutil

import pytest

from tests.e2e.test_queue_voicemail_api import empty_store, setup  # noqa: F401 (fixtures)
from tests.support.voicemail import leave_message, leave_queue_message, tone_wav


@pytest.fixture(autouse=True)
def no_audio_before(app):
    """Ids start again in every test: audio another module left must not count here."""
    shutil.rmtree(app.config["SETTINGS"].voicemail_dir, ignore_errors=True)


def _wavs(app, *parts) -> list[str]:
    """The audio files under a directory of the voicemail store (none if it is gone)."""
    top = os.path.join(app.config["SETTINGS"].voicemail_dir, *map(str, parts))
    return sorted(name for _dir, _subdirs, files in os.walk(top) for name in files)


def test_deleting_a_user_removes_their_messages_and_greetings_but_not_a_colleagues(
        app, client, setup):  # noqa: F811
    tenant, ids = setup["company"].tenant_id, setup["ids"]
    for who in ("alice", "bob"):
        assert leave_message(app, tenant, ids[who]) is not None
        assert client.put("/api/v1/me/voicemail/greetings/busy", headers=setup["heads"][who],
                          data=tone_wav(2.0)).status_code == 200
    assert len(_wavs(app, tenant, ids["alice"])) == 2
    r = client.delete(f"/api/v1/users/{ids['alice']}", headers=setup["admin"])
    assert r.status_code == 204, r.get_json()
    assert _wavs(app, tenant, ids["alice"]) == []
    assert not os.path.exists(os.path.join(app.config["SETTINGS"].voicemail_dir, str(tenant),
                                           str(ids["alice"])))
    assert len(_wavs(app, tenant, ids["bob"])) == 2


def test_a_refused_user_deletion_keeps_their_audio(app, client, setup):  # noqa: F811
    tenant, ids = setup["company"].tenant_id, setup["ids"]
    leave_message(app, tenant, ids["alice"])
    me = client.get("/api/v1/me", headers=setup["admin"]).get_json()
    r = client.delete(f"/api/v1/users/{me['id']}", headers=setup["admin"])
    assert r.status_code == 409, r.get_json()
    r = client.delete(f"/api/v1/users/{ids['bob']}", headers=setup["heads"]["alice"])
    assert r.status_code == 403
    assert len(_wavs(app, tenant, ids["alice"])) == 1


def test_deleting_a_queue_removes_its_messages_greeting_and_recordings(
        app, client, setup):  # noqa: F811
    tenant, qid, admin = setup["company"].tenant_id, setup["qid"], setup["admin"]
    leave_queue_message(app, tenant, qid)
    for url in (f"/api/v1/queues/{qid}/voicemail/greeting", f"/api/v1/queues/{qid}/audio/greeting",
                f"/api/v1/queues/{qid}/audio/message"):
        assert client.put(url, headers=admin, data=tone_wav(2.0)).status_code == 200, url
    assert len(_wavs(app, tenant, "queues", qid)) == 4
    assert client.delete(f"/api/v1/queues/{qid}", headers=admin).status_code == 204
    assert _wavs(app, tenant, "queues", qid) == []


def test_a_replaced_queue_recording_leaves_only_the_new_file(app, client, setup):  # noqa: F811
    tenant, qid, admin = setup["company"].tenant_id, setup["qid"], setup["admin"]
    url = f"/api/v1/queues/{qid}/audio/message"
    client.put(url, headers=admin, data=tone_wav(2.0))
    [first] = _wavs(app, tenant, "queues", qid)
    assert client.put(url, headers=admin, data=tone_wav(3.0)).status_code == 200
    [second] = _wavs(app, tenant, "queues", qid)
    assert second != first
    assert client.delete(url, headers=admin).status_code == 204
    assert _wavs(app, tenant, "queues", qid) == []


def test_a_file_that_cannot_be_removed_is_logged_and_the_message_is_still_deleted(
        app, client, setup, caplog):  # noqa: F811
    tenant, ids, h = setup["company"].tenant_id, setup["ids"], setup["heads"]["alice"]
    left = leave_message(app, tenant, ids["alice"])
    [name] = _wavs(app, tenant, ids["alice"])
    path = os.path.join(app.config["SETTINGS"].voicemail_dir, str(tenant), str(ids["alice"]),
                        name)
    os.unlink(path)
    os.mkdir(path)  # unlink refuses a directory: the removal fails
    os.mkdir(os.path.join(path, "inside"))
    with caplog.at_level(logging.WARNING, logger="api.voicemail"):
        r = client.delete(f"/api/v1/me/voicemail/{left.message_id}", headers=h)
    assert r.status_code == 204, r.get_json()
    assert client.get(f"/api/v1/me/voicemail/{left.message_id}", headers=h).status_code == 404
    [warned] = [rec for rec in caplog.records if rec.getMessage() ==
                "voicemail audio not removed"]
    assert warned.path == path
