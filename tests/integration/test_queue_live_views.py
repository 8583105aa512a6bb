"""Queues publish their live view in the transaction that changes them (`api.queues.live`):
what marks a queue, what does not, and what the view says; read from the events outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from api.accounts.models import Tenant, User
from api.calls import services as calls
from api.events.models import OutboxEvent
from api.queues import membership, services
from tests.support.api import make_company


@pytest.fixture
def company(app, db):
    return make_company(app, extra_users=("alice", "bob"))


@pytest.fixture
def support(db, company):
    tenant = db.get(Tenant, company.tenant_id)
    queue = services.create_queue(db, tenant, {"name": "Support"})
    for who in ("alice", "bob"):
        services.set_member(db, queue, uid(db, company, who), {"priority": 0})
    membership.set_login(db, tenant.id, uid(db, company, "alice"), None, True, by_user_id=None)
    db.execute(delete(OutboxEvent))
    db.commit()
    return queue


def uid(db, company, who: str) -> int:
    return db.scalar(select(User.id).where(User.mobile == company.users[who]))


def queue_events(db) -> list[dict]:
    db.expire_all()
    return [e.data for e in db.scalars(select(OutboxEvent).where(OutboxEvent.kind == "queue")
                                       .order_by(OutboxEvent.id))]


def test_a_queues_new_setting_is_in_its_next_view(db, company, support):
    services.update_queue(db, db.get(Tenant, company.tenant_id), support,
                          {"name": "Customer care", "service_level_s": 30})
    [view] = queue_events(db)
    assert view["queue"]["name"] == "Customer care" and view["queue"]["service_level_s"] == 30


def test_a_members_call_outside_the_queue_shows_them_busy_in_it_and_free_after(
        db, company, support):
    alice = uid(db, company, "alice")
    call_id = calls.call_started(db, company.tenant_id, alice, "gw-1", "sip-1", "incoming",
                                 "+4799887766")
    calls.call_ended(db, call_id)
    busy, free = queue_events(db)
    assert busy["members"][str(alice)]["state"] == "in_call" and busy["queue"]["in_call"] == 1
    assert free["members"][str(alice)]["state"] == "available" and free["queue"]["available"] == 1


def test_a_pause_raises_one_view_per_queue_with_each_members_own_state(db, company, support):
    alice, bob = uid(db, company, "alice"), uid(db, company, "bob")
    membership.set_pause(db, company.tenant_id, alice, None, True, "lunch")
    [view] = queue_events(db)
    assert view["members"][str(alice)]["state"] == "paused"
    assert view["members"][str(alice)]["pause_reason"] == "lunch"
    assert view["members"][str(bob)]["state"] == "logged_out"
    assert view["queue"]["paused"] == 1 and view["hidden"] is False


def test_a_change_rolled_back_or_outside_queues_raises_no_queue_event(db, company, support):
    alice = uid(db, company, "alice")
    membership.memberships(db, company.tenant_id, alice, None)[0].paused = True
    db.flush()
    db.rollback()
    db.get(User, alice).title = "Team lead"
    db.commit()
    assert queue_events(db) == []
