"""The gateway's routing to queues against the database: queue numbers, short numbers, the
queue service number (remote login), forwarding and transfers to a queue."""
from __future__ import annotations

from sqlalchemy import select, update

from api.accounts.models import Tenant, User
from api.queues import membership, services
from api.queues.models import QueueServiceNumber
from sip_gateway import transfers
from sip_gateway.core.callmessages import PlayMessage, RingStep
from sip_gateway.origin import Origin
from sip_gateway.core.queuemessages import QueueStep
from sip_gateway.store import Store
from tests.support.api import make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}
OUTSIDE = "+4791234567"


def _setup(app, db, **settings):
    company = make_company(app)
    tenant = db.get(Tenant, company.tenant_id)
    queue = services.create_queue(db, tenant, {"name": "Support", **settings})
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    services.set_member(db, queue, alice.id, {"priority": 0})
    return Store(app.extensions["session_factory"], URIS), tenant, queue, alice


def test_the_queue_number_routes_to_the_queue_with_its_overflow(app, db):
    store, _, queue, _ = _setup(app, db, number="+4723990001", short_number="7001",
                                overflow_kind="voicemail", max_wait_s=90, announce_position=True)
    route = store.route("+4723990001", OUTSIDE, set())
    step = route.plan.steps[0]
    assert route.direction == "queue" and isinstance(step, QueueStep)
    assert (step.queue_id, step.name, step.max_wait_s, step.announce_position) == \
        (queue.id, "Support", 90, True)
    assert step.overflow.uri == "sip:vm-+4723990001@10.0.0.9"
    assert step.overflow.diverted_from == "+4723990001"
    assert route.context == {"queue": {"id": queue.id, "name": "Support"}}


def test_a_queue_with_a_greeting_says_it_in_its_language_else_the_english_message(app, db):
    store, tenant, queue, _ = _setup(app, db, number="+4723990009")
    step = store.route("+4723990009", OUTSIDE, set()).plan.steps[0]
    assert (step.greeting, step.language) == (None, "en")
    services.update_queue(db, tenant, queue, {"greeting": "Velkommen til Support.",
                                              "greeting_language": "nb"})
    step = store.route("+4723990009", OUTSIDE, set()).plan.steps[0]
    assert (step.greeting, step.language) == ("Velkommen til Support.", "nb")


def test_a_colleague_reaches_the_queue_by_its_short_number_an_outsider_does_not(app, db):
    store, _, queue, alice = _setup(app, db, number="+4723990002", short_number="7002")
    route = store.route("7002", alice.mobile, set(), origin=Origin(kind="phones"))
    assert route.plan.steps[0].queue_id == queue.id
    assert store.route("7002", OUTSIDE, set(), origin=Origin(kind="phones")).status == 404
    assert store.route("7002", alice.mobile, set()).status == 404  # her number, a carrier


def test_overflow_to_a_colleague_or_another_queue_comes_back_through_the_gateway(app, db):
    store, tenant, queue, alice = _setup(app, db, number="+4723990003")
    other = services.create_queue(db, tenant, {"name": "Sales", "number": "+4723990004"})
    queue.overflow_kind, queue.overflow_target = "user", str(alice.id)
    db.commit()
    step = store.route("+4723990003", OUTSIDE, set()).plan.steps[0]
    assert step.overflow.uri == f"sip:{alice.office_number}@10.0.0.1:5060"
    queue.overflow_kind, queue.overflow_target = "queue", str(other.id)
    db.commit()
    step = store.route("+4723990003", OUTSIDE, set()).plan.steps[0]
    assert step.overflow.uri == "sip:+4723990004@10.0.0.1:5060"


def test_forwarding_to_a_queue_dials_the_gateway_at_the_queue_number(app, db):
    from api.availability.models import Profile
    from api.availability.services import ensure_standard, touch

    store, tenant, queue, alice = _setup(app, db, number="+4723990005")
    unnumbered = services.create_queue(db, tenant, {"name": "Back office"})
    ensure_standard(db, tenant.id, alice.id)
    for target, uri in ((queue.id, "sip:+4723990005@10.0.0.1:5060"),
                        (unnumbered.id, f"sip:queue-{unnumbered.id}@10.0.0.9")):
        db.execute(update(Profile).where(Profile.user_id == alice.id,
                                         Profile.is_default.is_(True))
                   .values(when_free={"kind": "queue", "target": target}))
        touch(db, alice.id)
        db.commit()
        steps = store.route(alice.office_number, OUTSIDE, set()).plan.steps
        forward = [s for s in steps if isinstance(s, RingStep) and not s.devices]
        assert forward[0].targets[0].uri == uri


def test_a_transfer_to_a_queue_dials_the_gateway_at_the_queue_number():
    order = {"target_kind": "queue", "target_id": 5, "target_number": "+4723990006"}
    assert transfers.target_for(order, URIS).uri == "sip:+4723990006@10.0.0.1:5060"


def test_the_service_number_toggles_a_registered_callers_login_and_says_so(app, db):
    store, tenant, _, alice = _setup(app, db, number="+4723990007")
    db.add(QueueServiceNumber(tenant_id=tenant.id, number="+4723990008"))
    db.commit()
    route = store.route("+4723990008", alice.mobile, set())
    assert route.direction == "feature" and route.user_id == alice.id
    assert route.plan.steps == (PlayMessage("You are now logged in to Support.", "en"),)
    stranger = store.route("+4723990008", OUTSIDE, set())
    assert stranger.user_id is None and "not registered" in stranger.plan.steps[0].text
    membership.add_remote_number(db, tenant, alice.id, "+4741234567")  # her home phone
    again = store.route("+4723990008", "+4741234567", set())
    assert again.plan.steps == (PlayMessage("You are now logged out of Support.", "en"),)


def test_a_chosen_member_rings_on_their_enabled_devices_the_mobile_through_the_trunk(app, db):
    from api.availability.models import Device
    from sip_gateway import queuecalls

    _, tenant, queue, alice = _setup(app, db, number="+4723990009")
    membership.set_login(db, tenant.id, alice.id, None, True, by_user_id=None)
    db.execute(update(Device).where(Device.user_id == alice.id).values(enabled=False))
    for kind, sip, number, enabled in (("softphone", "sip:alice@10.0.0.7", None, True),
                                       ("deskphone", "sip:desk@10.0.0.8", None, False),
                                       ("mobile", None, "+4790000123", True)):
        db.add(Device(tenant_id=tenant.id, user_id=alice.id, kind=kind, label=kind,
                      sip_uri=sip, number=number, enabled=enabled, mex=True))
    db.commit()
    entered = queuecalls.enqueue(db, tenant.id, queue.id, OUTSIDE, None, "call-1")
    assert entered.accepted and entered.position == 1
    decided = queuecalls.ask_next(db, tenant.id, entered.call_id, 1, URIS)
    (member,) = decided.ring
    assert member.user_id == alice.id
    assert [(t.kind, t.uri) for t in member.targets] == [
        ("softphone", "sip:alice@10.0.0.7"), ("mobile", "sip:+4790000123@10.0.0.5:5060")]
