"""The gateway resolves a dialled number with one look-up in the number registry: public
numbers in the whole system, short numbers inside the dialling colleague's company."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.availability.numbers import save_main_number
from api.numbers.lookup import Owner, public_owner
from sip_gateway.origin import Origin
from sip_gateway.store import Store
from tests.support.api import make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}
OUTSIDE = "+4791234567"
PHONES = Origin(kind="phones")  # a call from a user's own phone


def _people(app, db):
    company = make_company(app)
    alice, bob = (db.scalar(select(User).where(User.mobile == company.users[who]))
                  for who in ("alice", "bob"))
    return Store(app.extensions["session_factory"], URIS), company, alice, bob


def test_an_office_number_rings_its_user_and_a_short_number_only_from_a_colleague(app, db):
    store, _, alice, bob = _people(app, db)
    route = store.route(alice.office_number, OUTSIDE, set())
    assert (route.direction, route.user_id, route.called) == \
        ("incoming", alice.id, alice.office_number)
    route = store.route(alice.short_number, bob.mobile, set(), origin=PHONES)
    assert (route.user_id, route.called) == (alice.id, alice.office_number)
    assert store.route(alice.short_number, OUTSIDE, set()).status == 404
    other = make_company(app)  # the same digits in another company lead to its own user
    o_alice, o_bob = (db.scalar(select(User).where(User.mobile == other.users[who]))
                      for who in ("alice", "bob"))
    o_bob.short_number = alice.short_number
    db.commit()
    dialled = alice.short_number
    assert store.route(dialled, o_alice.mobile, set(), origin=PHONES).user_id == o_bob.id
    assert store.route(dialled, bob.mobile, set(), origin=PHONES).user_id == alice.id


def test_a_users_mobile_resolves_to_them_and_a_call_to_it_follows_her_profile(app, db):
    store, company, alice, bob = _people(app, db)
    assert public_owner(db, alice.mobile) == Owner(company.tenant_id, "mobile", alice.id)
    for caller, origin in ((bob.mobile, PHONES), (OUTSIDE, Origin())):  # a colleague, anyone
        route = store.route(alice.mobile, caller, set(), origin=origin)
        assert (route.direction, route.user_id, route.called) == \
            ("incoming", alice.id, alice.mobile)
        assert route.reason["dialled"] == "mobile"


def test_numbers_that_lead_to_no_phone_are_not_routed(app, db):
    store, company, alice, _ = _people(app, db)
    tenant = db.get(Tenant, company.tenant_id)
    tenant.sms_service_number = "+4741990000"
    db.commit()
    save_main_number(db, tenant, None, {"number": "+4722990000", "label": "IVR"})
    assert store.route("+4722990000", OUTSIDE, set()).status == 404  # its own SIP address
    assert store.route("+4741990000", OUTSIDE, set()).status == 404
    save_main_number(db, tenant, None, {"number": "+4722990001", "label": "Sales",
                                        "user_id": alice.id})
    route = store.route("+4722990001", OUTSIDE, set())
    assert (route.user_id, route.context["main_number"]["name"]) == (alice.id, "Sales")
