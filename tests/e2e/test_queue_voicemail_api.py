"""A queue's mailbox over HTTP: the messages its overflow recorded are one mailbox for the
queue's members and team leaders (heard by one, heard for all), with the live event to them;
a colleague outside the queue and another company get a 404."""
from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import select

from api.events.hub import Audience
from api.events.models import OutboxEvent
from tests.support.api import auth, make_company
from tests.support.voicemail import leave_queue_message


@pytest.fixture(autouse=True)
def empty_store(app):
    yield
    shutil.rmtree(app.config["SETTINGS"].voicemail_dir, ignore_errors=True)


@pytest.fixture
def setup(app, client):
    c = make_company(app, extra_users=("alice", "bob", "carl", "tina"), team_leader="tina")
    admin = auth(client, c.admin_mobile)
    users = {u["mobile"]: u["id"] for u in client.get("/api/v1/users", headers=admin).get_json()}
    ids = {who: users[mobile] for who, mobile in c.users.items()}
    r = client.post("/api/v1/queues", json={"name": "Support", "number": "22 99 10 00"},
                    headers=admin)
    assert r.status_code == 201, r.get_json()
    qid = r.get_json()["id"]
    for who in ("alice", "bob"):
        assert client.put(f"/api/v1/queues/{qid}/members/{ids[who]}", json={},
                          headers=admin).status_code == 200
    heads = {who: auth(client, mobile) for who, mobile in c.users.items()}
    return {"company": c, "qid": qid, "ids": ids, "heads": heads, "admin": admin,
            "url": f"/api/v1/queues/{qid}/voicemail"}


def test_every_member_and_the_team_leader_list_the_queue_messages(app, client, setup):
    left = leave_queue_message(app, setup["company"].tenant_id, setup["qid"], 2.0)
    for who in ("alice", "bob", "tina"):
        r = client.get(setup["url"], headers=setup["heads"][who])
        assert r.status_code == 200, r.get_json()
        (item,) = r.get_json()
        assert item["id"] == left.message_id and item["queue_id"] == setup["qid"]
        assert item["reason"] == "queue" and item["duration"] == pytest.approx(2.0, abs=0.05)
    # the queue's messages are not in anyone's own mailbox
    assert client.get("/api/v1/me/voicemail", headers=setup["heads"]["alice"]).get_json() == []


def test_heard_by_one_member_is_heard_for_all_and_deleted_is_gone_with_its_file(
        app, client, setup):
    first = leave_queue_message(app, setup["company"].tenant_id, setup["qid"])
    second = leave_queue_message(app, setup["company"].tenant_id, setup["qid"])
    url, heads = setup["url"], setup["heads"]
    r = client.patch(f"{url}/{first.message_id}", headers=heads["alice"], json={"heard": True})
    assert r.status_code == 200 and r.get_json()["heard"] is True
    unread = client.get(url + "?unread=true", headers=heads["bob"]).get_json()
    assert [m["id"] for m in unread] == [second.message_id]
    audio = client.get(f"{url}/{second.message_id}/audio",
                       headers={**heads["bob"], "Range": "bytes=0-43"})
    assert audio.status_code == 206 and audio.data[:4] == b"RIFF"
    assert os.path.exists(second.path)
    assert client.delete(f"{url}/{second.message_id}", headers=heads["bob"]).status_code == 204
    assert not os.path.exists(second.path)
    assert client.get(f"{url}/{second.message_id}", headers=heads["alice"]).status_code == 404


def test_members_leaders_and_administrators_see_the_live_event_and_others_do_not(
        app, db, client, setup):
    left = leave_queue_message(app, setup["company"].tenant_id, setup["qid"])
    client.patch(f"{setup['url']}/{left.message_id}", headers=setup["heads"]["bob"],
                 json={"heard": True})
    rows = db.scalars(select(OutboxEvent).where(OutboxEvent.kind == "voicemail")
                      .order_by(OutboxEvent.id)).all()
    assert [(e.data["event"], e.data["unread"], e.queue_id) for e in rows] == [
        ("new", 1, setup["qid"]), ("heard", 0, setup["qid"])]
    tenant, ids = setup["company"].tenant_id, setup["ids"]

    def sees(who, **role):
        return Audience(tenant, ids[who], 1, **role).sees(rows[0])

    assert sees("alice") and sees("bob") and sees("tina", queue_leader=True)
    assert not sees("carl")


def test_a_colleague_outside_the_queue_and_another_company_get_not_found(
        app, client, setup):
    left = leave_queue_message(app, setup["company"].tenant_id, setup["qid"])
    url, mid = setup["url"], left.message_id
    carl = setup["heads"]["carl"]
    other = make_company(app)
    stranger = auth(client, other.admin_mobile)
    for head in (carl, stranger):
        assert client.get(url, headers=head).status_code == 404
        assert client.get(f"{url}/{mid}/audio", headers=head).status_code == 404
        assert client.patch(f"{url}/{mid}", headers=head, json={"heard": True}
                            ).status_code == 404
        assert client.delete(f"{url}/{mid}", headers=head).status_code == 404
    # a user's own mailbox does not open a queue's message by its id either
    assert client.get(f"/api/v1/me/voicemail/{mid}", headers=setup["heads"]["alice"]
                      ).status_code == 404
    assert client.get(url, headers=setup["heads"]["alice"]).get_json()[0]["heard"] is False


def test_a_full_queue_mailbox_records_nothing_and_says_so(app, client, setup):
    client.put("/api/v1/voicemail/settings", headers=setup["admin"],
               json={"max_age_days": 30, "max_messages": 1})
    assert leave_queue_message(app, setup["company"].tenant_id, setup["qid"]) is not None
    assert leave_queue_message(app, setup["company"].tenant_id, setup["qid"]) is None
    from api import gateway_port as port

    with app.extensions["session_factory"]() as db:
        box = port.voicemail.queue_mailbox(db, app.config["SETTINGS"].voicemail_dir,
                                           setup["company"].tenant_id, setup["qid"],
                                           "Support", "en")
    assert box.full and box.text.startswith("The mailbox of Support is full")


def test_a_queue_administrator_uploads_the_queue_greeting_that_callers_then_hear(
        app, client, setup):
    from api import gateway_port as port
    from tests.support.voicemail import tone_wav

    url, admin = setup["url"] + "/greeting", setup["admin"]
    root, tenant = app.config["SETTINGS"].voicemail_dir, setup["company"].tenant_id

    def mailbox():
        with app.extensions["session_factory"]() as db:
            return port.voicemail.queue_mailbox(db, root, tenant, setup["qid"], "Support", "en")

    assert mailbox().greeting is None  # the spoken default naming the queue
    assert client.put(url, headers=setup["heads"]["alice"], data=tone_wav(2.0)
                      ).status_code == 403  # a member listens, administrators change it
    assert client.put(url, headers=admin, data=b"not audio").status_code == 422
    r = client.put(url, headers=admin, data=tone_wav(2.0))
    assert r.status_code == 200, r.get_json()
    path = mailbox().greeting
    assert path and os.path.exists(path)
    played = client.get(url, headers=setup["heads"]["alice"])
    assert played.status_code == 200 and played.data[:4] == b"RIFF"
    stranger = auth(client, make_company(app).admin_mobile)
    assert client.get(url, headers=stranger).status_code == 404
    assert client.put(url, headers=stranger, data=tone_wav(2.0)).status_code == 404
    assert client.delete(url, headers=admin).status_code == 204
    assert mailbox().greeting is None and not os.path.exists(path)
