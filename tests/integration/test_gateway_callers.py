"""Who a call is from, on the real database: the peer's kind decides, never From alone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from sip_gateway.origin import Origin
from sip_gateway.store import Store
from tests.support.api import make_company

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060",
        "trunk_format": "national", "trunk_country": "NO"}


def _alice(app, db, country: str = "NO"):
    from api.accounts.models import User

    company = make_company(app, country=country)
    return db.scalar(select(User).where(User.mobile == company.users["alice"]))


def _store(app) -> Store:
    return Store(app.extensions["session_factory"], URIS)


@pytest.mark.parametrize("own", ["mobile", "office_number"])
def test_a_carrier_caller_showing_a_users_number_is_an_outsider(app, db, own):
    alice = _alice(app, db)
    store = _store(app)
    number = getattr(alice, own)
    assert store.route("+4755512345", number, set()).status == 404
    assert store.route("*82", number, set()).status == 404
    assert store.route(alice.short_number, number, set()).status == 404


def test_a_mex_peer_asserting_the_users_mobile_calls_out_on_the_companys_line(app, db):
    alice = _alice(app, db)
    origin = Origin(kind="mex", asserted=alice.mobile)
    route = _store(app).route("55512345", "anonymous", set(), origin=origin)
    assert (route.direction, route.user_id, route.called) == ("outgoing", alice.id,
                                                              "+4755512345")
    target = route.plan.steps[0].targets[0]
    assert target.uri == "sip:55512345@10.0.0.5:5060"  # the trunk wants national numbers
    assert target.from_number == alice.office_number


def test_a_mex_peer_naming_an_office_number_is_no_users_own_phone(app, db):
    alice = _alice(app, db)
    origin = Origin(kind="mex", asserted=alice.office_number)
    assert _store(app).route("+4755512345", "", set(), origin=origin).status == 404


def test_the_users_phones_dial_in_the_companys_country(app, db):
    alice = _alice(app, db, country="SE")
    route = _store(app).route("0812345678", alice.office_number, set(),
                              origin=Origin(kind="phones", country="NO"))
    assert (route.direction, route.called) == ("outgoing", "+46812345678")
    assert route.plan.steps[0].targets[0].uri == "sip:0046812345678@10.0.0.5:5060"


def test_a_withheld_caller_reaches_the_user_with_no_number(app, db):
    alice = _alice(app, db)
    route = _store(app).route(alice.office_number[3:], "anonymous", set())
    assert route.user_id == alice.id and route.caller is None


def test_the_number_first_called_is_read_from_diversion(app, db):
    alice = _alice(app, db)
    route = _store(app).route(alice.office_number, "91234567", set(),
                              origin=Origin(diversion="004721000003"))
    assert (route.caller, route.diverted_from) == ("+4791234567", "+4721000003")
