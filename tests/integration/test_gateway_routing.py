"""The gateway's routing port on the real database, and what it does when the database is gone."""
from __future__ import annotations

import logging

from sqlalchemy import select

from api.core.db import make_engine, make_session_factory
from sip_gateway.core.callmessages import RingStep
from sip_gateway.store import Store
from tests.support.api import make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}


def _alice(app, db):
    from api.accounts.models import User
    from api.availability.models import Device

    company = make_company(app)
    user = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    db.add(Device(tenant_id=user.tenant_id, user_id=user.id, kind="softphone", label="PC",
                  sip_uri="sip:alice@10.0.0.7", enabled=True))
    db.commit()
    return user


def _unreachable():
    return make_session_factory(make_engine("sqlite:////nonexistent-dir/gone.db"))


def test_the_plan_rings_softphone_and_mex_mobile_through_the_trunk(app, db):
    user = _alice(app, db)
    route = Store(app.extensions["session_factory"], URIS).route(user.office_number,
                                                                 "+4791234567", set())
    ring = route.plan.steps[0]
    assert route.source == "live" and route.user_id == user.id
    assert isinstance(ring, RingStep)
    assert {t.uri for t in ring.targets} == {"sip:alice@10.0.0.7",
                                             f"sip:{user.mobile}@10.0.0.5:5060"}
    assert route.reason["profile"] and route.caller == "+4791234567"


def test_with_the_database_gone_the_last_known_plan_rings_and_the_log_says_so(app, db, caplog):
    user = _alice(app, db)
    store = Store(app.extensions["session_factory"], URIS)
    live = store.route(user.office_number, "+4791234567", set())
    store.sessions = _unreachable()
    with caplog.at_level(logging.WARNING, logger="sip_gateway"):
        again = store.route(user.office_number, "+4791234567", set())
    assert again.source == "last_known" and again.plan == live.plan
    assert any(getattr(r, "source", None) == "last_known" for r in caplog.records)


def test_with_the_database_gone_the_last_known_plan_rings_whatever_format_is_dialled(app, db):
    user = _alice(app, db)
    store = Store(app.extensions["session_factory"], URIS)
    live = store.route(user.office_number, "+4791234567", set())
    store.sessions = _unreachable()
    again = store.route(user.office_number[3:], "91234567", set())  # national this time
    assert again.source == "last_known" and again.plan == live.plan


def test_with_the_database_gone_and_no_plan_known_the_call_goes_to_voicemail(app, db, caplog):
    store = Store(_unreachable(), URIS)
    with caplog.at_level(logging.WARNING, logger="sip_gateway"):
        route = store.route("+4721000001", "+4791234567", set())
    target = route.plan.steps[0].targets[0]
    assert route.source == "voicemail" and target.uri == "sip:vm-+4721000001@10.0.0.9"
    assert target.diverted_from == "+4721000001"
    assert any(getattr(r, "source", None) == "voicemail" for r in caplog.records)


def test_a_busy_user_gets_the_when_busy_rule(app, db):
    user = _alice(app, db)
    route = Store(app.extensions["session_factory"], URIS).route(user.office_number, "",
                                                                 {user.id})
    assert route.reason["rule"] == "when_busy"
    assert "vm-" in route.plan.steps[0].targets[0].uri  # the standard profile: voicemail
