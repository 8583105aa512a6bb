"""The words of the transfer_returned push come from the colleague's availability at the
moment the call came back, read from the database as the gateway reads them."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from api.accounts.models import Tenant, User
from api.availability.models import Profile
from api.availability.services import ensure_standard, set_availability
from api.core import clock
from api.transfer.services import returned_why
from tests.support.api import make_company
from tests.support.isolation_calls import live_call


def _colleague(app, db, who: str = "bob") -> tuple[User, dict]:
    company = make_company(app)
    user = db.scalar(select(User).where(User.mobile == company.users[who]))
    db.execute(update(Tenant).where(Tenant.id == user.tenant_id)
               .values(timezone="Europe/Oslo"))
    db.commit()
    ensure_standard(db, user.tenant_id, user.id)
    order = {"tenant_id": user.tenant_id, "target_kind": "colleague", "target_id": user.id,
             "target_name": "Bob", "target_number": user.office_number}
    return user, order


def test_a_colleague_in_a_meeting_is_in_a_meeting_until_its_end(app, db):
    clock.freeze(datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc))
    bob, order = _colleague(app, db)
    meeting = db.scalar(select(Profile.id).where(Profile.user_id == bob.id,
                                                 Profile.key == "meeting"))
    set_availability(db, bob.tenant_id, bob.id, bob.id, meeting,
                     datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc), None)
    assert returned_why(db, order, "no_answer") == "Bob is in a meeting until 1:00 PM"


def test_an_available_colleague_on_another_call_is_on_another_call(app, db):
    bob, order = _colleague(app, db)
    assert returned_why(db, order, "no_answer") == "Bob did not answer"
    live_call(app, bob.mobile)
    assert returned_why(db, order, "busy") == "Bob is on another call"


def test_a_number_that_is_not_a_colleague_says_what_happened(app, db):
    _bob, order = _colleague(app, db)
    external = {**order, "target_kind": "external", "target_id": None, "target_name": None}
    assert returned_why(db, external, "busy") == f"{order['target_number']} is busy"
