"""Queue services against the database: calls through a queue, availability profiles and
remote login, the way the gateway and the availability feature use them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant
from api.core import clock
from api.core.ports import Event, ports
from api.core.errors import Conflict
from api.queues import calls, membership, services, status
from api.queues.models import QueueCall, QueueCallback
from tests.support.api import make_company, user_id_of
from tests.support.ports import listening


@pytest.fixture
def company(app, db):
    c = make_company(app, extra_users=("alice", "bob", "carl"))
    clock.freeze(clock.now())
    return c


def _queue(db, company, name="Support", members=("alice", "bob"), logged_in=True, **settings):
    tenant = db.get(Tenant, company.tenant_id)
    queue = services.create_queue(db, tenant, {"name": name, **settings})
    for i, who in enumerate(members):
        services.set_member(db, queue, user_id_of(db, company.users[who]), {"priority": i})
    if logged_in:
        for who in members:
            membership.set_login(db, tenant.id, user_id_of(db, company.users[who]), None, True,
                                 by_user_id=None)
    return queue


def _later(seconds: int) -> None:
    clock.freeze(clock.now() + timedelta(seconds=seconds))


def test_a_queue_call_rings_the_best_member_and_wrap_up_keeps_her_free_afterwards(db, company):
    q = _queue(db, company, wrapup_s=30, distribution="ring_best_group")
    alice = user_id_of(db, company.users["alice"])
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    assert entry.accepted
    assert calls.ring_next(db, company.tenant_id, entry.call.id).ring == (alice,)
    calls.member_answered(db, company.tenant_id, entry.call.id, alice)
    assert status.statuses(db, company.tenant_id, [q])[q.id]["in_call"] == 1
    _later(60)
    calls.call_ended(db, company.tenant_id, entry.call.id)

    second = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234568")
    bob = user_id_of(db, company.users["bob"])
    assert calls.ring_next(db, company.tenant_id, second.call.id).ring == (bob,)
    live = status.statuses(db, company.tenant_id, [q])[q.id]
    assert live["in_wrap_up"] == 1 and live["calls_waiting"] == 1
    _later(31)
    calls.member_no_answer(db, company.tenant_id, second.call.id, bob)
    assert calls.ring_next(db, company.tenant_id, second.call.id).ring == (alice,)


def test_the_log_records_answered_and_missed_calls_with_their_wait(db, company):
    q = _queue(db, company)
    alice = user_id_of(db, company.users["alice"])
    a = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    _later(12)
    calls.member_answered(db, company.tenant_id, a.call.id, alice)
    calls.call_ended(db, company.tenant_id, a.call.id)
    b = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234568")
    calls.time_out(db, company.tenant_id, b.call.id)
    rows = {c.caller_number: c for c in db.scalars(select(QueueCall))}
    assert rows["+4791234567"].status == "answered"
    assert (rows["+4791234567"].answered_at - rows["+4791234567"].entered_at).seconds == 12
    assert rows["+4791234568"].status == "timed_out"


def test_abandoned_call_goes_to_the_callback_list_when_the_queue_says_so(db, company):
    q = _queue(db, company, callback_on_abandon=True)
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567",
                          caller_name="Ola Nordmann")
    cb = calls.abandon(db, company.tenant_id, entry.call.id)
    assert cb.caller_name == "Ola Nordmann" and cb.reason == "abandoned"
    quiet = _queue(db, company, name="Quiet", callback_on_abandon=False)
    other = calls.enqueue(db, company.tenant_id, quiet.id, caller_number="+4791234569")
    assert calls.abandon(db, company.tenant_id, other.call.id) is None
    assert db.scalar(select(QueueCallback).where(QueueCallback.queue_id == quiet.id)) is None


def test_caller_who_asks_for_a_callback_leaves_the_queue_and_lands_on_the_list(db, company):
    q = _queue(db, company)
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    cb = calls.request_callback(db, company.tenant_id, entry.call.id)
    assert cb.reason == "requested"
    assert status.statuses(db, company.tenant_id, [q])[q.id]["calls_waiting"] == 0


def test_a_queue_without_history_forgets_its_calls(db, company):
    q = _queue(db, company, keep_history=False)
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    calls.time_out(db, company.tenant_id, entry.call.id)
    assert db.scalar(select(QueueCall).where(QueueCall.queue_id == q.id)) is None


def test_empty_queue_refuses_callers_unless_it_rings_when_empty(db, company):
    q = _queue(db, company, logged_in=False, overflow_kind="number", overflow_target="+4722000000")
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    assert not entry.accepted and entry.overflow_target == "+4722000000"
    services.update_queue(db, db.get(Tenant, company.tenant_id), q, {"ring_when_empty": True})
    assert calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567").accepted


@pytest.mark.parametrize("policy, expected", [("keep", (True, False)), ("log_out", (False, False)),
                                              ("pause", (True, True))])
def test_no_answer_policy_decides_what_happens_to_the_member(db, company, policy, expected):
    q = _queue(db, company, no_answer_policy=policy)
    alice = user_id_of(db, company.users["alice"])
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    calls.ring_next(db, company.tenant_id, entry.call.id)
    calls.member_no_answer(db, company.tenant_id, entry.call.id, alice)
    (m,) = membership.memberships(db, company.tenant_id, alice, [q.id])
    assert (m.logged_in, m.paused) == expected


def test_log_out_unless_last_keeps_the_last_member_logged_in(db, company):
    q = _queue(db, company, members=("alice", "bob"), no_answer_policy="log_out_unless_last")
    alice, bob = user_id_of(db, company.users["alice"]), user_id_of(db, company.users["bob"])
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    assert calls.member_no_answer(db, company.tenant_id, entry.call.id, alice) == "logged_out"
    assert calls.member_no_answer(db, company.tenant_id, entry.call.id, bob) == "kept"


def test_a_call_that_is_no_longer_waiting_cannot_be_answered(db, company):
    q = _queue(db, company)
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    calls.abandon(db, company.tenant_id, entry.call.id)
    with pytest.raises(Conflict):
        calls.member_answered(db, company.tenant_id, entry.call.id,
                              user_id_of(db, company.users["alice"]))


def test_profile_logs_out_of_its_queues_and_available_logs_back_in(db, company):
    support = _queue(db, company, name="Support", members=("alice",))
    sales = _queue(db, company, name="Sales", members=("alice",))
    alice = user_id_of(db, company.users["alice"])
    changed = ports(db).events.publish
    changed(Event.AVAILABILITY_CHANGED, db, company.tenant_id, alice,
            {"is_default": True}, {"is_default": False, "queue_logout": [support.id]})
    db.commit()
    state = {m.queue_id: m.logged_in for m in membership.memberships(db, company.tenant_id,
                                                                     alice, None)}
    assert state == {support.id: False, sales.id: True}
    changed(Event.AVAILABILITY_CHANGED, db, company.tenant_id, alice,
            {"is_default": False}, {"is_default": True, "queue_logout": []})
    db.commit()
    assert all(m.logged_in for m in membership.memberships(db, company.tenant_id, alice, None))


def test_returning_to_available_does_not_log_in_queues_the_user_left_by_hand(db, company):
    q = _queue(db, company, members=("alice",))
    alice = user_id_of(db, company.users["alice"])
    membership.set_login(db, company.tenant_id, alice, None, False, by_user_id=alice)
    changed = ports(db).events.publish
    changed(Event.AVAILABILITY_CHANGED, db, company.tenant_id, alice, None,
            {"is_default": False, "queue_logout": "all"})
    changed(Event.AVAILABILITY_CHANGED, db, company.tenant_id, alice, None, {"is_default": True})
    db.commit()
    assert not membership.memberships(db, company.tenant_id, alice, [q.id])[0].logged_in


def test_remote_login_toggles_the_default_queues_and_announces_the_new_state(db, company):
    _queue(db, company, name="Support", members=("alice",), logged_in=False)
    _queue(db, company, name="Sales", members=("alice",), logged_in=False)
    local = company.users["alice"].replace("+47", "")  # the gateway may hand a national number
    first = membership.toggle_remote_login(db, company.tenant_id, local)
    assert first.known and first.logged_in
    assert first.announcement == "You are now logged in to Sales and Support."
    second = membership.toggle_remote_login(db, company.tenant_id, company.users["alice"])
    assert second.logged_in is False and "logged out of Sales and Support" in second.announcement


def test_remote_login_from_a_registered_alternative_phone(db, company):
    _queue(db, company, members=("bob",), logged_in=False)
    bob = user_id_of(db, company.users["bob"])
    membership.add_remote_number(db, db.get(Tenant, company.tenant_id), bob, "22 33 44 55")
    result = membership.toggle_remote_login(db, company.tenant_id, "+4722334455")
    assert result.user_id == bob and result.logged_in


def test_remote_login_from_an_unknown_phone_changes_nothing(db, company):
    q = _queue(db, company, members=("alice",), logged_in=False)
    result = membership.toggle_remote_login(db, company.tenant_id, "+4799887766")
    assert not result.known and "not registered" in result.announcement
    assert status.statuses(db, company.tenant_id, [q])[q.id]["logged_in"] == 0


def test_other_features_see_a_queue_as_a_favourite_with_its_live_status(db, company):
    q = _queue(db, company, name="Support", members=("alice", "bob"))
    calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    got = ports(db).favourite_target(db, company.tenant_id, "queue", q.id)
    assert got["name"] == "Support"
    assert got["availability"]["calls_waiting"] == 1 and got["availability"]["logged_in"] == 2
    assert ports(db).favourite_target(db, company.tenant_id + 1, "queue", q.id) is None
    summary = ports(db).queue_summary(db, company.tenant_id, [q.id, 10**12])
    assert list(summary) == [q.id]


def test_every_queue_call_outcome_is_announced_for_the_queue_log(db, company):
    with listening(ports(db), Event.QUEUE_CALL_ENDED) as heard:
        q = _queue(db, company)
        entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
        _later(7)
        calls.abandon(db, company.tenant_id, entry.call.id)
    assert [(tenant_id, queue_id, event, detail["caller_number"], detail["wait_s"])
            for tenant_id, queue_id, event, detail in heard] == \
        [(company.tenant_id, q.id, "abandoned", "+4791234567", 7)]


def test_the_gateway_finds_the_queue_and_the_remote_login_company_by_the_called_number(db, company):
    from api.numbers.lookup import Owner, public_owner

    tenant = db.get(Tenant, company.tenant_id)
    q = _queue(db, company, number="+4722991234")
    services.set_service_number(db, tenant, "22 99 00 99")
    tid = company.tenant_id
    assert public_owner(db, "+4722991234") == Owner(tid, "queue", q.id)
    assert public_owner(db, "+4722995678") is None
    assert public_owner(db, "+4722990099") == Owner(tid, "queue_service", tid)


def test_an_abandoned_queue_call_lands_in_the_queue_log_with_who_called(db, company):
    from api.callerid.models import QueueLogEntry
    q = _queue(db, company)
    entry = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567",
                          caller_name="Ola Nordmann")
    _later(12)
    calls.abandon(db, company.tenant_id, entry.call.id)
    logged = db.scalars(select(QueueLogEntry).where(QueueLogEntry.queue_id == q.id)).all()
    assert [(e.event, e.caller_number, e.wait_s) for e in logged] == \
        [("abandoned", "+4791234567", 12)]
    assert logged[0].hit["name"] == "Ola Nordmann"


def test_a_waiting_call_a_killed_gateway_left_is_closed_once_no_gateway_can_hold_it(db, company):
    q = _queue(db, company, max_wait_s=120, callback_on_abandon=True)
    quiet = _queue(db, company, name="Quiet", max_wait_s=120, callback_on_abandon=False)
    lost = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234567")
    lost_quiet = calls.enqueue(db, company.tenant_id, quiet.id, caller_number="+4791234568")
    _later(120 + calls.STALE_MARGIN_S - 1)
    fresh = calls.enqueue(db, company.tenant_id, q.id, caller_number="+4791234569")
    assert calls.close_stale(db) == 0           # a gateway may still be timing them out
    _later(2)
    assert calls.close_stale(db) == 2
    assert calls.close_stale(db) == 0           # closed once, by whichever gateway came first
    rows = {c.caller_number: c for c in db.scalars(select(QueueCall))}
    assert rows["+4791234567"].status == "abandoned"
    assert rows["+4791234567"].outcome_detail == calls.LOST_DETAIL
    assert rows["+4791234568"].status == "abandoned"
    assert rows["+4791234569"].status == "waiting" and fresh.call.id == rows["+4791234569"].id
    assert status.statuses(db, company.tenant_id, [q])[q.id]["calls_waiting"] == 1
    # the caller was cut off unserved: the callback list has them when the queue says so
    assert [cb.caller_number for cb in db.scalars(select(QueueCallback))] == ["+4791234567"]
