"""A queue's own recordings over HTTP: the welcome and the repeated waiting message a queue
administrator uploads (any audio format, stored as the gateway plays it), that the queue's
members may play and the gateway then plays instead of the spoken text; a member cannot
change them, bad audio is a 422 and another company gets a 404."""
from __future__ import annotations

import io
import os
import wave

import pytest

from tests.e2e.test_queue_voicemail_api import empty_store, setup  # noqa: F401 (fixtures)
from tests.support.api import auth, make_company
from tests.support.voicemail import encoded, tone_wav


def _files(app, setup):  # noqa: F811
    from api import gateway_port as port

    with app.extensions["session_factory"]() as db:
        return port.voicemail.queue_audio(db, app.config["SETTINGS"].voicemail_dir,
                                          setup["company"].tenant_id, setup["qid"])


@pytest.mark.parametrize("kind", ["greeting", "message"])
def test_a_queue_administrator_uploads_a_recording_the_gateway_then_plays(
        app, client, setup, kind):  # noqa: F811
    url, admin = f"/api/v1/queues/{setup['qid']}/audio/{kind}", setup["admin"]
    assert _files(app, setup) == {}           # the queue's text is spoken
    assert client.get(url, headers=admin).status_code == 404
    r = client.put(url, headers=admin, data=encoded(2.5, "FLAC"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["kind"] == kind and body["duration"] == pytest.approx(2.5, abs=0.1)
    path = _files(app, setup)[kind]
    with wave.open(path) as w:                 # converted to what the gateway plays
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
    played = client.get(url, headers=setup["heads"]["alice"])   # a member listens
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    with wave.open(io.BytesIO(played.data)) as w:
        assert w.getnframes() == pytest.approx(2.5 * 8000, abs=800)
    # a new upload replaces the old file; a delete brings the spoken text back
    assert client.put(url, headers=admin, data=tone_wav(1.5)).status_code == 200
    assert not os.path.exists(path)
    replaced = _files(app, setup)[kind]
    assert client.delete(url, headers=admin).status_code == 204
    assert _files(app, setup) == {} and not os.path.exists(replaced)
    assert client.delete(url, headers=admin).status_code == 404


def test_the_welcome_and_the_message_are_kept_apart_from_the_queue_mailbox_greeting(
        app, client, setup):  # noqa: F811
    from api import gateway_port as port

    base, admin = f"/api/v1/queues/{setup['qid']}", setup["admin"]
    assert client.put(f"{base}/audio/greeting", headers=admin,
                      data=tone_wav(2.0)).status_code == 200
    with app.extensions["session_factory"]() as db:
        box = port.voicemail.queue_mailbox(db, app.config["SETTINGS"].voicemail_dir,
                                           setup["company"].tenant_id, setup["qid"],
                                           "Support", "en")
    assert box.greeting is None          # the mailbox still speaks its own default
    assert client.get(f"{base}/voicemail/greeting", headers=admin).status_code == 404
    assert set(_files(app, setup)) == {"greeting"}


def test_bad_audio_is_refused_with_a_reason(client, setup):  # noqa: F811
    url, admin = f"/api/v1/queues/{setup['qid']}/audio/message", setup["admin"]
    for data in (b"", b"not audio at all", tone_wav(0.3), tone_wav(2.0, volume=0.0)):
        r = client.put(url, headers=admin, data=data)
        assert r.status_code == 422, r.get_json()
        assert r.mimetype == "application/problem+json" and r.get_json()["errors"]["audio"]


def test_a_member_may_listen_but_not_change_and_others_do_not_find_the_queue(
        app, client, setup):  # noqa: F811
    url, admin = f"/api/v1/queues/{setup['qid']}/audio/greeting", setup["admin"]
    assert client.put(url, headers=admin, data=tone_wav(2.0)).status_code == 200
    alice = setup["heads"]["alice"]
    assert client.put(url, headers=alice, data=tone_wav(2.0)).status_code == 403
    assert client.delete(url, headers=alice).status_code == 403
    assert client.get(url, headers=setup["heads"]["tina"]).status_code == 200  # team leader
    carl = setup["heads"]["carl"]           # a colleague outside the queue
    stranger = auth(client, make_company(app).admin_mobile)
    assert client.get(url, headers=carl).status_code == 404
    for verb in ("get", "delete"):
        assert getattr(client, verb)(url, headers=stranger).status_code == 404
    assert client.put(url, headers=stranger, data=tone_wav(2.0)).status_code == 404
    assert client.get(f"/api/v1/queues/{setup['qid']}/audio/hold", headers=admin
                      ).status_code == 404   # only the welcome and the message
    assert set(_files(app, setup)) == {"greeting"}   # nothing changed by anyone else
