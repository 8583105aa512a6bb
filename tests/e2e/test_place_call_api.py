"""Placing a call from the app (`POST /me/calls`): what is checked before anything rings,
whom it dials, what it shows, and that nothing of another user or company can be used."""
from __future__ import annotations

from sqlalchemy import select

from api.calls import services, wakeup
from api.calls.models import CallCommand
from tests.support.api import auth, make_company

URL = "/api/v1/me/calls"


def _gateway(db, gateway_id: str = "gw-place") -> str:
    wakeup.register(db, gateway_id, "127.0.0.1", 9)   # a running gateway (heartbeat now)
    return gateway_id


def _user(db, mobile: str):
    from api.accounts.models import User
    return db.scalar(select(User).where(User.mobile == mobile))


def _post(client, mobile, body, key=None):
    headers = auth(client, mobile)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(URL, headers=headers, json=body)


def test_a_number_in_national_format_becomes_a_call_command_for_a_running_gateway(app, client,
                                                                                  db):
    company = make_company(app)
    gw = _gateway(db)
    alice = _user(db, company.users["alice"])
    r = _post(client, alice.mobile, {"number": "22 33 44 55"})
    assert r.status_code == 202, r.get_json()
    got = r.get_json()
    assert (got["kind"], got["state"], got["number"], got["device"]) == \
        ("call", "pending", "+4722334455", "mobile")
    assert got["display_number"] == alice.office_number   # what the profile shows by default
    claimed = services.claim_commands(db, gw)
    assert claimed == [(got["id"], 0, "call")]
    args = db.get(CallCommand, got["id"]).args
    assert args["device"]["address"] == alice.mobile and args["via"] == "trunk"


def test_a_colleague_by_short_number_or_id_is_called_at_their_office_through_the_company(
        app, client, db):
    company = make_company(app)
    _gateway(db)
    bob = _user(db, company.users["bob"])
    alice = company.users["alice"]
    by_short = _post(client, alice, {"number": bob.short_number}).get_json()
    by_id = _post(client, alice, {"user_id": bob.id}).get_json()
    assert by_short["number"] == by_id["number"] == bob.office_number
    assert db.get(CallCommand, by_id["id"]).args["via"] == "self"


def test_the_same_idempotency_key_returns_the_same_call_and_nothing_is_dialled_twice(app,
                                                                                     client, db):
    company = make_company(app)
    _gateway(db)
    first = _post(client, company.users["alice"], {"number": "+4722334455"}, key="tap-1")
    again = _post(client, company.users["alice"], {"number": "+4722334455"}, key="tap-1")
    assert first.status_code == again.status_code == 202
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.scalar(select(CallCommand.id).where(CallCommand.kind == "call").order_by(
        CallCommand.id.desc())) == first.get_json()["id"]


def test_a_display_number_the_user_may_show_is_used_and_another_is_refused(app, client, db):
    company, other = make_company(app), make_company(app)
    _gateway(db)
    alice = _user(db, company.users["alice"])
    r = _post(client, alice.mobile, {"number": "+4722334455", "display_number": alice.mobile})
    assert r.status_code == 202 and r.get_json()["display_number"] == alice.mobile
    for foreign in (_user(db, company.users["bob"]).office_number,
                    _user(db, other.users["alice"]).office_number):
        r = _post(client, alice.mobile, {"number": "+4722334455", "display_number": foreign})
        assert r.status_code == 422 and r.content_type == "application/problem+json"
        assert "display_number" in r.get_json()["errors"]


def test_another_users_or_companys_device_colleague_and_contact_are_not_found(app, client, db):
    from api.availability.models import Device
    from api.callerid.models import Contact

    company, other = make_company(app), make_company(app)
    _gateway(db)
    bob = _user(db, company.users["bob"])
    stranger = _user(db, other.users["alice"])
    device = Device(tenant_id=bob.tenant_id, user_id=bob.id, kind="softphone", label="soft",
                    sip_uri="sip:bob@127.0.0.1:5999")
    contact = Contact(tenant_id=stranger.tenant_id, owner_user_id=None, name="Theirs",
                      numbers=[{"label": "work", "number": "+4722998877"}])
    db.add_all([device, contact])
    db.commit()
    alice = company.users["alice"]
    for body in ({"number": "+4722334455", "device_id": device.id},
                 {"user_id": stranger.id}, {"contact_id": contact.id}):
        r = _post(client, alice, body)
        assert r.status_code == 404, (body, r.get_json())
    assert db.scalar(select(CallCommand.id).where(CallCommand.kind == "call")) is None


def test_nothing_to_call_or_two_destinations_or_an_unreadable_number_is_422(app, client, db):
    company = make_company(app)
    _gateway(db)
    alice = company.users["alice"]
    for body in ({}, {"number": "+4722334455", "user_id": 1}, {"number": "not a number"},
                 {"number": "99999"}):
        r = _post(client, alice, body)
        assert r.status_code == 422, (body, r.get_json())
        assert r.content_type == "application/problem+json" and r.get_json()["detail"]


def test_without_a_running_gateway_the_call_is_refused_with_503(app, client, db):
    company = make_company(app)
    r = _post(client, company.users["alice"], {"number": "+4722334455"})
    assert r.status_code == 503 and "gateway" in r.get_json()["detail"]


def test_a_queue_callback_shows_the_queues_number_when_the_queue_says_so(app, client, db):
    from api.accounts.models import Tenant
    from api.queues import callbacks, services as queues

    company = make_company(app)
    _gateway(db)
    alice = _user(db, company.users["alice"])
    tenant = db.get(Tenant, alice.tenant_id)
    queue = queues.create_queue(db, tenant, {"name": "Support", "number": "+4723999002",
                                             "callback_shows_number": True})
    queues.set_member(db, queue, alice.id, {"priority": 0})
    entry = callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    r = _post(client, alice.mobile, {"callback_id": entry.id})
    assert r.status_code == 202, r.get_json()
    assert (r.get_json()["number"], r.get_json()["display_number"]) == \
        ("+4791112233", "+4723999002")
    db.refresh(entry)
    assert entry.attempts == 1 and entry.in_progress_by_user_id == alice.id
    bob = company.users["bob"]   # not a member: may not call the queue's callers back
    assert _post(client, bob, {"callback_id": entry.id}).status_code == 403


def test_a_missed_call_in_my_log_and_a_missed_queue_caller_are_called_back_by_id(app, client,
                                                                                  db):
    from api.accounts.models import Tenant
    from api.callerid.models import CallLogEntry
    from api.core.clock import now
    from api.queues import services as queues
    from api.queues.models import QueueCall

    company, other = make_company(app), make_company(app)
    _gateway(db)
    alice, stranger = _user(db, company.users["alice"]), _user(db, other.users["alice"])
    mine = CallLogEntry(tenant_id=alice.tenant_id, user_id=alice.id, direction="incoming",
                        status="missed", other_number="+4791112244", started_at=now())
    theirs = CallLogEntry(tenant_id=stranger.tenant_id, user_id=stranger.id,
                          direction="incoming", status="missed", other_number="+4791112255",
                          started_at=now())
    queue = queues.create_queue(db, db.get(Tenant, alice.tenant_id),
                                {"name": "Sales", "number": "+4723999004"})
    queues.set_member(db, queue, alice.id, {"priority": 0})
    missed = QueueCall(tenant_id=alice.tenant_id, queue_id=queue.id, status="abandoned",
                       caller_number="+4791112266")
    db.add_all([mine, theirs, missed])
    db.commit()

    r = _post(client, alice.mobile, {"call_log_id": mine.id})
    assert r.status_code == 202 and r.get_json()["number"] == "+4791112244"
    r = _post(client, alice.mobile, {"queue_call_id": missed.id})
    assert r.status_code == 202 and r.get_json()["number"] == "+4791112266"
    assert r.get_json()["display_number"] == alice.office_number   # the queue does not ask
    assert _post(client, alice.mobile, {"call_log_id": theirs.id}).status_code == 404
    assert _post(client, company.users["bob"], {"queue_call_id": missed.id}).status_code == 403
