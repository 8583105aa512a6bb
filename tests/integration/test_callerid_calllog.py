"""The call log the gateway writes, and the call context the push shows before it rings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.callerid import contacts, services
from api.callerid.models import CallLogEntry
from tests.support.api import auth, make_company
from tests.support.ports import answering

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def company(app, db):
    c = make_company(app, extra_users=("alice", "bob", "carl"))
    c.tenant = db.get(Tenant, c.tenant_id)
    for who in ("alice", "bob", "carl"):
        setattr(c, who, db.scalar(select(User).where(User.mobile == c.users[who])))
    return c


def test_a_missed_call_keeps_who_called_even_after_the_contact_is_gone(client, db, company):
    contact = contacts.create_contact(db, company.tenant, {
        "name": "Fjord Shipping", "company": "Fjord AS", "numbers": [{"number": "22334455"}]})
    services.record_call(db, company.tenant_id, company.alice.id, direction="incoming",
                         status="missed", other_number="22 33 44 55", call_id="c-1",
                         started_at=T0)
    contacts.delete_contact(db, contact)
    log = client.get("/api/v1/me/call-log?missed=true",
                     headers=auth(client, company.users["alice"])).get_json()
    assert len(log) == 1
    assert log[0]["other_number"] == "+4722334455" and log[0]["missed"] is True
    assert log[0]["hit"]["name"] == "Fjord Shipping" and log[0]["hit"]["company"] == "Fjord AS"


def test_the_hit_the_gateway_passes_is_kept_as_it_was(db, company):
    hit = {"name": "Shown on the phone", "number": "+4722334455", "source": "external",
           "source_name": "Web"}
    entry_id = services.record_call(db, company.tenant_id, company.alice.id,
                                    direction="incoming", status="answered",
                                    other_number="+4722334455", hit=hit)
    assert db.get(CallLogEntry, entry_id).hit["name"] == "Shown on the phone"


def test_call_log_filters_missed_handled_and_dates(client, db, company):
    for i, status in enumerate(("missed", "answered", "missed")):
        services.record_call(db, company.tenant_id, company.alice.id, direction="incoming",
                             status=status, other_number=f"+472233440{i}",
                             started_at=T0 + timedelta(days=i))
    services.record_call(db, company.tenant_id, company.alice.id, direction="outgoing",
                         status="answered", other_number="+4722334499", started_at=T0)
    services.record_call(db, company.tenant_id, company.bob.id, direction="incoming",
                         status="missed", other_number="+4722334498", started_at=T0)
    h = auth(client, company.users["alice"])
    everything = client.get("/api/v1/me/call-log", headers=h).get_json()
    assert len(everything) == 4 and everything[0]["other_number"] == "+4722334402"
    missed = client.get("/api/v1/me/call-log?missed=true", headers=h).get_json()
    assert [e["other_number"] for e in missed] == ["+4722334402", "+4722334400"]
    r = client.patch(f"/api/v1/me/call-log/{missed[0]['id']}", json={"handled": True}, headers=h)
    assert r.status_code == 200 and r.get_json()["handled_at"]
    open_missed = client.get("/api/v1/me/call-log?missed=true&handled=false", headers=h)
    assert [e["other_number"] for e in open_missed.get_json()] == ["+4722334400"]
    window = client.get("/api/v1/me/call-log?since=2026-03-03T12:00:00&until=2026-03-04T12:00:00Z",
                        headers=h).get_json()
    assert [e["other_number"] for e in window] == ["+4722334402"]
    outgoing = client.get("/api/v1/me/call-log?direction=outgoing", headers=h).get_json()
    assert [e["other_number"] for e in outgoing] == ["+4722334499"]


def test_the_queue_log_shows_supervisors_everything_and_members_their_own_calls(
        client, db, company):
    services.record_queue_event(db, company.tenant_id, 7, "answered", caller_number="22334455",
                                member_user_id=company.bob.id, wait_s=12, at=T0)
    services.record_queue_event(db, company.tenant_id, 7, "abandoned", caller_number="22334456",
                                wait_s=40, at=T0 + timedelta(minutes=1))
    services.record_queue_event(db, company.tenant_id, 8, "callback_requested",
                                caller_number="22334457", at=T0 + timedelta(minutes=2))
    boss = client.get("/api/v1/callerid/queue-log", headers=auth(client, company.admin_mobile))
    assert [e["event"] for e in boss.get_json()] == ["callback_requested", "abandoned",
                                                     "answered"]
    only_7 = client.get("/api/v1/callerid/queue-log?queue_id=7&event=abandoned",
                        headers=auth(client, company.admin_mobile)).get_json()
    assert [e["caller_number"] for e in only_7] == ["+4722334456"]
    bob = client.get("/api/v1/callerid/queue-log", headers=auth(client, company.users["bob"]))
    assert [e["event"] for e in bob.get_json()] == ["answered"]


def test_call_context_says_queue_transferrer_callback_and_whom_the_caller_spoke_to_last(
        app, db, company, monkeypatch):
    answering(monkeypatch, app, db,
              queue_target=lambda _db, _t, tid: {"name": "Support"} if tid == 3 else None)
    services.record_call(db, company.tenant_id, company.bob.id, direction="incoming",
                         status="answered", other_number="+4722334455", started_at=T0,
                         answered_at=T0 + timedelta(seconds=5))
    services.record_queue_event(db, company.tenant_id, 3, "answered",
                                caller_number="+4722334455", member_user_id=company.carl.id,
                                at=T0 + timedelta(days=1))
    services.record_call(db, company.tenant_id, company.alice.id, direction="incoming",
                         status="missed", other_number="+4722334455",
                         started_at=T0 + timedelta(days=2))
    ctx = services.call_context(db, company.tenant_id, company.alice.id, "22 33 44 55",
                                via_queue_id=3, transferred_by_user_id=company.bob.id,
                                is_callback=True)
    assert ctx["number"] == "+4722334455" and ctx["hit"] is None
    assert ctx["via_queue"] == {"id": 3, "name": "Support"}
    assert ctx["transferred_by"] == {"user_id": company.bob.id, "name": company.bob.full_name}
    assert ctx["is_callback"] is True
    assert ctx["last_spoke_to"]["user_id"] == company.carl.id


def test_call_context_of_a_first_time_caller_is_plain(db, company):
    ctx = services.call_context(db, company.tenant_id, company.alice.id, company.bob.mobile)
    assert ctx["hit"]["name"] == company.bob.full_name
    assert ctx["via_queue"] is None and ctx["transferred_by"] is None
    assert ctx["last_spoke_to"] is None and ctx["is_callback"] is False


def test_a_transferrer_from_another_company_is_not_named(app, db, company):
    other = make_company(app)
    stranger = db.scalar(select(User).where(User.mobile == other.users["bob"]))
    ctx = services.call_context(db, company.tenant_id, company.alice.id, "+4722334455",
                                transferred_by_user_id=stranger.id)
    assert ctx["transferred_by"] is None


def test_the_gateway_cannot_log_a_call_for_a_user_of_another_company(app, db, company):
    other = make_company(app)
    stranger = db.scalar(select(User).where(User.mobile == other.users["bob"]))
    with pytest.raises(Exception) as err:
        services.record_call(db, company.tenant_id, stranger.id, direction="incoming",
                             status="missed", other_number="+4722334455")
    assert "No user" in str(err.value)
