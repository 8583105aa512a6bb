"""Routing a call is one use case: the gateway and the preview plan alike, an ended choice is
settled once (queues included), and calls to a user's mobile follow her profile."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.availability import profiles, services
from api.availability.models import Device, Profile
from api.availability.usecase import route_call
from api.core import clock
from api.core.ports import Event
from api.queues import calls, membership
from api.queues import services as queues
from sip_gateway.core.callmessages import RingStep
from sip_gateway.store import Store
from tests.support.api import make_company
from tests.support.ports import listening

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)  # 12:00 in Oslo
URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}
OUTSIDER = "+4791234567"


@pytest.fixture
def alice(app, db):
    clock.freeze(MONDAY_NOON)
    company = make_company(app)
    user = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    db.add(Device(tenant_id=user.tenant_id, user_id=user.id, kind="softphone", label="PC",
                  sip_uri="sip:alice@10.0.0.7", enabled=True))
    db.commit()
    return user


@pytest.fixture
def store(app):
    return Store(app.extensions["session_factory"], URIS)


@pytest.fixture
def changes(app):
    """(user id, old key, new key) of every availability change published."""
    with listening(app.extensions["ports"], Event.AVAILABILITY_CHANGED) as heard:
        yield _Keys(heard)


class _Keys:
    def __init__(self, heard: list) -> None:
        self.heard = heard

    def clear(self) -> None:
        self.heard.clear()

    def keys(self) -> list[tuple]:
        return [(user_id, old and old["key"], new["key"]) for _t, user_id, old, new in self.heard]


def _profile(db, user, key) -> Profile:
    return db.scalar(select(Profile).where(Profile.user_id == user.id, Profile.key == key))


def _edit(db, user, key, **data) -> Profile:
    tenant = db.get(Tenant, user.tenant_id)
    return profiles.update_profile(db, tenant, _profile(db, user, key), data)


def _lunch_until_one(db, user) -> None:
    """Lunch until 13:00 Oslo time, logged out of every queue meanwhile."""
    lunch = _edit(db, user, "lunch", queue_logout="all")
    services.set_availability(db, user.tenant_id, user.id, user.id, lunch.id,
                              MONDAY_NOON + timedelta(hours=1), None)


def _in_support_queue(db, user):
    tenant = db.get(Tenant, user.tenant_id)
    queue = queues.create_queue(db, tenant, {"name": "Support"})
    queues.set_member(db, queue, user.id, {"priority": 0})
    membership.set_login(db, tenant.id, user.id, None, True, by_user_id=None)
    return queue


def _logged_in(db, user) -> bool:
    return all(m.logged_in for m in membership.memberships(db, user.tenant_id, user.id, None))


def _uris(route) -> set[str]:
    return {t.uri for t in route.plan.steps[0].targets} \
        if isinstance(route.plan.steps[0], RingStep) else set()


def test_the_preview_and_the_gateway_plan_the_same_call_alike(app, db, alice, store, client):
    from tests.support.api import auth
    _edit(db, alice, "available", ring_order="one_after_another", ring_each=10,
          devices=["softphone", "mobile"])
    route = store.route(alice.office_number, OUTSIDER, set())
    h = auth(client, alice.mobile)
    preview = client.get("/api/v1/me/routing-preview", headers=h,
                         query_string={"caller": "91234567", "busy": "false"}).get_json()
    assert (route.reason["profile"], route.reason["rule"]) == \
        (preview["profile_name"], preview["rule"])
    ring = route.plan.steps[0]
    assert [(t.kind, t.delay, t.ring_for) for t in ring.targets] == [
        (t["kind"], t["delay"], None if t["stop"] is None else t["stop"] - t["delay"])
        for t in preview["steps"][0]["targets"]]
    assert [t.kind for t in ring.targets] == ["softphone", "mobile"]
    assert preview["caller"] == route.caller == OUTSIDER


def test_an_ended_lunch_is_settled_once_whoever_asks_first(db, alice, store, changes):
    _in_support_queue(db, alice)
    _lunch_until_one(db, alice)
    assert not _logged_in(db, alice) and changes.keys()[-1][2] == "lunch"
    clock.freeze(MONDAY_NOON + timedelta(hours=1, minutes=1))
    changes.clear()
    route = store.route(alice.office_number, OUTSIDER, set())
    tenant = db.get(Tenant, alice.tenant_id)
    preview = route_call(db, tenant.id, tenant.country, alice.id, OUTSIDER, busy=False)
    again = store.route(alice.office_number, OUTSIDER, set())
    assert route.reason["profile"] == preview.profile_name == again.reason["profile"] == \
        "Available"
    assert changes.keys() == [(alice.id, "lunch", "available")]
    db.expire_all()
    assert _logged_in(db, alice)


def test_a_what_if_preview_at_another_instant_settles_nothing(db, alice, changes):
    _lunch_until_one(db, alice)
    changes.clear()
    tenant = db.get(Tenant, alice.tenant_id)
    later = route_call(db, tenant.id, tenant.country, alice.id, None, busy=False,
                       at=MONDAY_NOON + timedelta(hours=2))
    assert later.profile_name == "Available" and changes.keys() == []


def test_when_lunch_ends_the_next_queue_call_rings_the_agent_with_nobody_opening_the_app(
        db, alice):
    queue = _in_support_queue(db, alice)
    _lunch_until_one(db, alice)
    during = calls.enqueue(db, alice.tenant_id, queue.id, caller_number=OUTSIDER)
    assert not during.accepted  # nobody logged in: the caller goes to the overflow
    clock.freeze(MONDAY_NOON + timedelta(hours=1, seconds=1))
    after = calls.enqueue(db, alice.tenant_id, queue.id, caller_number=OUTSIDER)
    assert after.accepted
    assert calls.ring_next(db, alice.tenant_id, after.call.id).ring == (alice.id,)


def test_a_lunch_that_ends_while_a_call_waits_brings_the_agent_back_for_the_next_round(
        db, alice):
    queue = _in_support_queue(db, alice)
    queue.ring_when_empty = True
    db.commit()
    _lunch_until_one(db, alice)
    waiting = calls.enqueue(db, alice.tenant_id, queue.id, caller_number=OUTSIDER)
    assert calls.ring_next(db, alice.tenant_id, waiting.call.id).ring == ()
    clock.freeze(MONDAY_NOON + timedelta(hours=1, seconds=1))
    assert calls.ring_next(db, alice.tenant_id, waiting.call.id).ring == (alice.id,)


def test_a_call_to_her_mobile_follows_her_profile_and_rings_the_mobile_through_the_trunk(
        db, alice, store):
    mobile_leg = f"sip:{alice.mobile}@10.0.0.5:5060"
    route = store.route(alice.mobile, OUTSIDER, set())
    assert route.user_id == alice.id and route.reason["dialled"] == "mobile"
    assert _uris(route) == {"sip:alice@10.0.0.7", mobile_leg}
    meeting = _profile(db, alice, "meeting")
    services.set_availability(db, alice.tenant_id, alice.id, alice.id, meeting.id, None, None)
    in_meeting = store.route(alice.mobile, OUTSIDER, set())
    voicemail = in_meeting.plan.steps[-1].targets[0]
    assert voicemail.uri == f"sip:vm-{alice.office_number}@10.0.0.9"  # her own voicemail
    assert in_meeting.called == alice.mobile and not _uris(in_meeting)


def test_calls_to_my_mobile_ring_through_a_meeting_and_office_calls_do_not(db, alice, store):
    _edit(db, alice, "meeting", exceptions=[{
        "match": "anyone", "dialled": ["mobile"], "label": "My mobile", "devices": ["mobile"],
        "destination": {"kind": "ring"}}])
    meeting = _profile(db, alice, "meeting")
    services.set_availability(db, alice.tenant_id, alice.id, alice.id, meeting.id, None, None)
    to_mobile = store.route(alice.mobile, OUTSIDER, set())
    assert to_mobile.reason["rule"] == "exception:0"
    assert _uris(to_mobile) == {f"sip:{alice.mobile}@10.0.0.5:5060"}
    to_office = store.route(alice.office_number, OUTSIDER, set())
    assert to_office.reason["rule"] == "when_free" and not _uris(to_office)


def test_a_mobile_that_is_no_mex_extension_still_rings_when_its_own_number_is_called(
        db, alice, store):
    db.query(Device).filter_by(user_id=alice.id, kind="mobile").update({"mex": False})
    services.touch(db, alice.id)
    db.commit()
    assert _uris(store.route(alice.office_number, OUTSIDER, set())) == {"sip:alice@10.0.0.7"}
    assert f"sip:{alice.mobile}@10.0.0.5:5060" in _uris(store.route(alice.mobile, OUTSIDER,
                                                                    set()))
