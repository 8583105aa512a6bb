"""The gateway's port, calls to users: who owns a number (the number registry), the plan for a
call to a user (the same use case as the routing preview), what an outgoing call shows,
feature codes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from ..accounts.models import Tenant, User
from ..availability.models import MainNumber
from ..availability.routing import Plan
from ..core.db import Prepared
from ..numbers import lookup as registry
from ..numbers.lookup import Owner


@dataclass(frozen=True, slots=True)
class UserRef:
    id: int
    tenant_id: int
    office_number: str | None
    mobile: str | None


@dataclass(frozen=True, slots=True)
class MainNumberRef:
    id: int
    number: str
    label: str


@dataclass(frozen=True, slots=True)
class Incoming:
    """The plan for a call to a user and what her phone shows before it rings."""

    plan: Plan
    caller: str | None          # E.164 when it parses
    hit: dict | None            # the caller lookup's answer
    context: dict               # queue, transferred_by, last_spoke_to
    numbers: dict               # "<user id>" / "queue:<id>" -> number, for forward steps
    forwarded_to: dict          # {"forwarded_to": {kind, target, name}} when a step forwards


# Asked for every call: prepared once (`Prepared`), rows are named tuples with the user's
# id, tenant_id, office_number and mobile (all routing needs of a user).
def _user_where(*where):
    return select(User.id, User.tenant_id, User.office_number, User.mobile).where(
        *where).limit(1)


_BY_ID = Prepared(lambda: _user_where(User.id == bindparam("uid"),
                                      User.tenant_id == bindparam("tid")))
_BY_MOBILE = Prepared(lambda: _user_where(User.mobile == bindparam("number")))
_BY_OWN_NUMBER = Prepared(lambda: _user_where(or_(User.mobile == bindparam("number"),
                                                  User.office_number == bindparam("number"))))
_COUNTRY = Prepared(lambda: select(Tenant.country).where(Tenant.id == bindparam("tid")))


def _ref(row) -> UserRef | None:
    return None if row is None else UserRef(row.id, row.tenant_id, row.office_number,
                                            row.mobile)


def public_owner(db: Session, number: str | None) -> Owner | None:
    """Who a public number (E.164) belongs to, in the whole system (the number registry)."""
    return registry.public_owner(db, number)


def short_owner(db: Session, tenant_id: int, short: str) -> Owner | None:
    """Who a short number belongs to inside one company."""
    return registry.short_owner(db, tenant_id, short)


def user(db: Session, tenant_id: int, user_id: int) -> UserRef | None:
    return _ref(_BY_ID.first(db, uid=user_id, tid=tenant_id))


def user_by_mobile(db: Session, number: str) -> UserRef | None:
    return _ref(_BY_MOBILE.first(db, number=number))


def user_by_own_number(db: Session, number: str) -> UserRef | None:
    """The user whose mobile or office number this is (a call from one of her phones)."""
    return _ref(_BY_OWN_NUMBER.first(db, number=number))


def tenant_country(db: Session, tenant_id: int) -> str:
    found = _COUNTRY.first(db, tid=tenant_id)
    return (found and found.country) or "NO"


def main_number_user(db: Session, tenant_id: int, main_id: int
                     ) -> tuple[UserRef, MainNumberRef] | None:
    """The user a main number (the registry's owner) leads to, and the main number; None
    when it leads to no user of the company."""
    row = db.execute(select(User.id, User.tenant_id, User.office_number, User.mobile,
                            MainNumber.id, MainNumber.number, MainNumber.label).join(
        MainNumber, (MainNumber.user_id == User.id)
        & (MainNumber.tenant_id == User.tenant_id)).where(
        MainNumber.id == main_id, MainNumber.tenant_id == tenant_id).limit(1)).first()
    if row is None:
        return None
    return UserRef(*row[:4]), MainNumberRef(*row[4:])


def incoming(db: Session, user: UserRef, caller: str | None, dialled: str,
             busy: bool) -> Incoming:
    """A call from `caller` to the user's `dialled` number (office, mobile, main, short):
    the plan of `availability.usecase.route_call` (an ended choice settled first, once) and
    the caller lookup for the push. Commits.

    `busy`: the user has a call on this gateway (one it may not have written yet). When not,
    the live calls every gateway writes decide (one indexed lookup), as for the preview: a
    user talking on another gateway is busy here too."""
    from ..availability.usecase import route_call
    from ..callerid.services import call_context
    from .queues import queue_numbers

    country = tenant_country(db, user.tenant_id)
    plan = route_call(db, user.tenant_id, country, user.id, caller, dialled=dialled,
                      busy=True if busy else None)
    forwards = [s.destination for s in plan.steps if s.destination is not None
                and str(s.destination.target or "").isdigit()]
    numbers = {**_colleague_numbers(db, user.tenant_id, [int(d.target) for d in forwards
                                                         if d.kind == "colleague"]),
               **queue_numbers(db, user.tenant_id, [int(d.target) for d in forwards
                                                    if d.kind == "queue"])}
    context = call_context(db, user.tenant_id, user.id, caller, deadline_s=0.2,
                           country=country)
    forwarded_to = _forwarded_to(db, user.tenant_id, plan)
    db.commit()
    return Incoming(plan, plan.caller or caller, context.get("hit"),
                    {"queue": context.get("via_queue"),
                     "transferred_by": context.get("transferred_by"),
                     "last_spoke_to": context.get("last_spoke_to")}, numbers, forwarded_to)


def _forwarded_to(db: Session, tenant_id: int, plan: Plan) -> dict:
    """Where the plan forwards the call, named for the call log ("forwarded to Anna")."""
    dest = next((s.destination for s in plan.steps
                 if s.action == "forward" and s.destination is not None), None)
    if dest is None:
        return {}
    name = None
    if dest.kind == "colleague" and str(dest.target or "").isdigit():
        row = db.execute(select(User.first_name, User.last_name).where(
            User.tenant_id == tenant_id, User.id == int(dest.target))).first()
        name = row and " ".join(p for p in row if p)
    return {"forwarded_to": {"kind": dest.kind, "target": dest.target, "name": name}}


def _colleague_numbers(db: Session, tenant_id: int, ids: list[int]) -> dict:
    if not ids:
        return {}
    rows = db.execute(select(User.id, User.office_number).where(
        User.tenant_id == tenant_id, User.id.in_(ids))).all()
    return {str(i): n for i, n in rows if n}


def outbound_display(db: Session, user: UserRef, caller: str, asked: str | None
                     ) -> tuple[str, str, str | None]:
    """(the number an outgoing call from one of the user's phones shows, why: "profile",
    "asked" or "asked_not_allowed", the number asked for in E.164)."""
    from ..availability import services as availability
    from ..availability.state import state_at
    from ..core.clock import now

    inputs = availability.routing_inputs(db, user.tenant_id, user.id)
    kind = "mobile" if caller == user.mobile else "softphone"
    display = state_at(inputs, now()).profile.display_numbers.get(kind) \
        or user.office_number or caller
    why, wanted = _asked_display(db, user, asked)
    return (wanted if why == "asked" else display), why, wanted


def _asked_display(db: Session, user: UserRef, asked: str | None) -> tuple[str, str | None]:
    from ..availability.numbers import allowed_display_numbers
    from ..callerid.lookup import parse_number

    if not asked:
        return "profile", None
    tenant = db.get(Tenant, user.tenant_id)
    number = parse_number(asked, tenant.country or "NO")[0]
    allowed = {n["number"] for n in allowed_display_numbers(db, tenant, user.id)}
    return ("asked" if number and number in allowed else "asked_not_allowed"), number


def activate_code(db: Session, user: UserRef, dialled: str) -> tuple[str, str] | None:
    """A feature code dialled from one of the user's phones: (its confirmation, "Lunch is now
    active until 13:00.", and the language it is said in: the company's), or None when it
    is no code of hers."""
    from ..availability import services as availability
    from ..availability.announce import activated, language_of
    from ..core.clock import now

    current = availability.activate_code(db, user.tenant_id, user.id, dialled)
    if current is None:
        return None
    tenant = db.get(Tenant, user.tenant_id)
    lang = language_of(tenant.language)
    return activated(current.profile.key, current.profile.name, current.until, now(),
                     tenant.timezone or "UTC", lang), lang


def own_devices(db: Session, tenant_id: int, user_id: int) -> tuple[tuple[str, str], ...]:
    """The user's devices that ring for office calls, as (kind, address): what rings when a
    call the user's phone placed comes back from a transfer."""
    from ..availability import convert
    from ..availability.models import Device

    rows = db.scalars(select(Device).where(Device.tenant_id == tenant_id,
                                           Device.user_id == user_id).order_by(Device.id))
    found = (convert.device(row) for row in rows)
    return tuple((d.kind, d.address) for d in found if d is not None)
