"""The app's side of a phone's Transfer button (SIP REFER): the referred number becomes the
transfer the app's own screen would start, or a refusal the gateway answers in SIP."""
from __future__ import annotations

from sqlalchemy import select

from api.accounts.models import User
from api.calls.models import CallCommand
from api.calls.services import call_answered, call_started
from api.transfer import byphone
from api.transfer.models import Transfer
from tests.support.api import make_company


def _answered_call(db, company, who: str = "alice", direction: str = "incoming") -> tuple:
    user = db.scalar(select(User).where(User.mobile == company.users[who]))
    call_id = call_started(db, user.tenant_id, user.id, "gw-1", f"sip-{user.id}-{direction}",
                           direction, "+4791234567")
    call_answered(db, call_id, 1, "deskphone", "sip:desk@127.0.0.1")
    return user, call_id


def test_a_colleagues_short_number_becomes_a_blind_transfer_to_them_without_a_command(
        app, db):
    company = make_company(app)
    alice, call_id = _answered_call(db, company)
    bob = db.scalar(select(User).where(User.mobile == company.users["bob"]))

    order = byphone.start(db, call_id, bob.short_number)["order"]
    assert (order["method"], order["target_kind"], order["target_id"]) == \
        ("blind", "colleague", bob.id)
    assert order["user_id"] == alice.id
    row = db.get(Transfer, order["id"])
    assert row.command_id is None and row.sip_call_id == f"sip-{alice.id}-incoming"
    assert db.scalar(select(CallCommand).where(CallCommand.call_id == call_id)) is None


def test_a_colleagues_office_number_is_them_and_any_other_number_is_external(app, db):
    company = make_company(app)
    _, call_id = _answered_call(db, company)
    bob = db.scalar(select(User).where(User.mobile == company.users["bob"]))
    assert byphone.start(db, call_id, bob.office_number)["order"]["target_id"] == bob.id

    company2 = make_company(app)   # another company's user is just a number
    _, call_id2 = _answered_call(db, company2)
    order = byphone.start(db, call_id2, bob.office_number)["order"]
    assert (order["target_kind"], order["target_number"]) == ("external", bob.office_number)


def test_what_the_app_would_refuse_comes_back_as_a_sip_status(app, db):
    company = make_company(app)
    alice, call_id = _answered_call(db, company)
    assert byphone.start(db, call_id, "not-a-number")["refused"] == 404
    assert byphone.start(db, 999999, "+4722334455")["refused"] == 404
    assert byphone.start(db, call_id, alice.short_number)["refused"] == 403   # oneself
    byphone.start(db, call_id, "+4722334455")
    assert byphone.start(db, call_id, "+4722334466")["refused"] == 403   # one at a time
    # a call the user placed is transferred as one they answered (the app's rules)
    _, placed = _answered_call(db, company, "bob", "outgoing")
    assert byphone.start(db, placed, "+4722334455")["order"]["target_number"] == "+4722334455"


def test_an_attended_transfer_the_phone_made_is_recorded_completed_for_the_call_log(app, db):
    company = make_company(app)
    alice, call_id = _answered_call(db, company)
    bob = db.scalar(select(User).where(User.mobile == company.users["bob"]))

    order = byphone.attended(db, call_id, bob.short_number)["order"]
    row = db.get(Transfer, order["id"])
    db.refresh(row)
    assert (row.method, row.state, row.target_kind, row.target_id) == \
        ("attended", "completed", "colleague", bob.id)
    assert row.user_id == alice.id and row.ended_at is not None
    assert byphone.attended(db, call_id, "not-a-number")["refused"] == 404
