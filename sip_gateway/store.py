"""The gateway's database port: who is called, the plan for this call, state and call log.

Routing runs on worker threads (never on the pjsua thread). When the database does not
answer, the last plan known for the called number is used, else the call goes to voicemail;
`Route.source` says which (`live`, `last_known`, `voicemail`), and the gateway logs it.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, or_, select

from api.core.db import Prepared
from api.numbers import lookup as registry

from . import numbers, plans, queuerouting
from .callmessages import CallPlan
from .origin import Origin, read_caller

log = logging.getLogger("sip_gateway")
CACHE_SIZE = 10_000


# Asked for every call: prepared once (`Prepared`), rows are named tuples with the user's
# id, tenant_id, office_number and mobile (all routing needs of a user).
def _user_where(*where):
    from api.accounts.models import User

    return select(User.id, User.tenant_id, User.office_number, User.mobile).where(
        *where).limit(1)


def _by_id():
    from api.accounts.models import User
    return _user_where(User.id == bindparam("uid"), User.tenant_id == bindparam("tid"))


def _by_own_number():
    from api.accounts.models import User
    return _user_where(or_(User.mobile == bindparam("number"),
                           User.office_number == bindparam("number")))


def _by_mobile():
    from api.accounts.models import User
    return _user_where(User.mobile == bindparam("number"))


def _country():
    from api.accounts.models import Tenant
    return select(Tenant.country).where(Tenant.id == bindparam("tid"))


_BY_ID, _BY_OWN_NUMBER = Prepared(_by_id), Prepared(_by_own_number)
_BY_MOBILE, _COUNTRY = Prepared(_by_mobile), Prepared(_country)


@dataclass(frozen=True)
class Route:
    status: int = 200               # 200 route it; 404 unknown number
    plan: CallPlan | None = None
    direction: str = "incoming"
    tenant_id: int | None = None
    user_id: int | None = None
    called: str = ""
    caller: str | None = None       # E.164 when it parses
    hit: dict | None = None
    context: dict | None = None
    reason: dict | None = None
    ring_timeout: float = 25.0
    source: str = "live"
    via_main_number: int | None = None  # the call came in on this main number (its id)
    diverted_from: str | None = None    # E.164 in the INVITE's Diversion (forwarded to us)


class Store:
    def __init__(self, session_factory, uris: dict) -> None:
        self.sessions = session_factory
        self.uris = uris
        self._last: OrderedDict[str, Route] = OrderedDict()

    # -- routing ---------------------------------------------------------------------------
    def route(self, called_user: str, caller_user: str, busy_users: set[int],
              asked: str | None = None, origin: Origin | None = None) -> Route:
        """`asked`: the display number a user's device asked for (P-Preferred-Identity);
        `origin`: the peer the call came from and what it asserts (default: a carrier)."""
        dialled, origin = called_user.strip(), origin or Origin()
        key = numbers.read(dialled, origin.country) or dialled  # one plan for every format
        try:
            with self.sessions() as db:
                route = self._route(db, dialled, caller_user, busy_users, asked, origin)
        except Exception as exc:  # the database is unreachable or failing
            return self._fallback(key, exc)
        if route.status == 200 and route.direction == "incoming":
            self._remember(key, route)
        return route

    def _remember(self, key: str, route: Route) -> None:
        self._last[key] = route
        self._last.move_to_end(key)
        while len(self._last) > CACHE_SIZE:
            self._last.popitem(last=False)

    def _fallback(self, key: str, exc: Exception) -> Route:
        known = self._last.get(key)
        if known is not None:
            log.warning("database unreachable: ringing by the last known plan",
                        extra={"event": "route_fallback", "source": "last_known",
                               "called": key, "error": type(exc).__name__})
            return replace(known, source="last_known")
        log.warning("database unreachable: sending the call to voicemail",
                    extra={"event": "route_fallback", "source": "voicemail", "called": key,
                           "error": type(exc).__name__})
        return Route(plan=plans.voicemail_plan(key, self.uris), called=key, source="voicemail")

    def _route(self, db, called_user: str, caller_user: str, busy: set[int],
               asked: str | None, origin: Origin) -> Route:
        who = read_caller(origin, caller_user)
        route = self._dispatch(db, called_user, who.number, self._identified(db, origin, who),
                               who.identity, busy, asked, origin.country)
        return replace(route, diverted_from=who.diverted_from) if who.diverted_from else route

    @staticmethod
    def _identified(db, origin: Origin, who):
        """The user whose own phone calls, or None (an outsider): only a trusted peer names
        one, a MEX peer by the user's mobile, the phones by office number or mobile."""
        if who.identity is None or origin.kind == "carrier":
            return None
        found = _BY_MOBILE if origin.kind == "mex" else _BY_OWN_NUMBER
        return found.first(db, number=who.identity)

    def _dispatch(self, db, called_user: str, caller_num: str | None, from_user,
                  identity: str | None, busy: set[int], asked: str | None,
                  country: str) -> Route:
        """`caller_num`: the caller shown (E.164, None withheld); `from_user`: the user whose
        own phone calls (a number they dial is read in their company's country)."""
        if from_user is not None:
            country = self._country_of(db, from_user.tenant_id)
        called = numbers.read(called_user, country)
        owner = registry.public_owner(db, called)  # one owner in the whole system
        if owner is None and from_user is not None and called_user[:1] not in "*#":
            owner = registry.short_owner(db, from_user.tenant_id, called_user)  # a colleague's
        user, via_main = self._owner_user(db, owner)
        if user is None:  # a queue, or the queue service number (remote login)
            queue = queuerouting.route(db, owner, called, called_user, caller_num, self.uris)
            if queue is not None:
                return queue
        if user is None and from_user is not None:
            if called_user[:1] in "*#":
                return self._feature_code(db, from_user, called_user)
            if called is not None:
                return self._outbound(db, from_user, identity, called, asked)
        if user is None:
            return Route(status=404, called=called_user)
        if via_main is not None:  # the user's own plan: their voicemail, Diversion from them
            route = self._inbound(db, user, user.office_number or called, caller_num,
                                  user.id in busy)
            # the phone shows "via <main number's label>"
            context = {**(route.context or {}), "main_number": {
                "id": via_main.id, "number": via_main.number, "name": via_main.label}}
            return replace(route, called=called, via_main_number=via_main.id, context=context)
        if owner.kind == "user_short":  # dialled by a colleague: the user's own number
            called = user.office_number or called_user
        return self._inbound(db, user, called or called_user, caller_num, user.id in busy)

    @staticmethod
    def _country_of(db, tenant_id: int) -> str:
        found = _COUNTRY.first(db, tid=tenant_id)
        return (found and found.country) or "NO"

    @staticmethod
    def _owner_user(db, owner):
        """(the user the registry's owner leads to, the main number it came in on or None).

        Office and short numbers lead to their user, a main number to the user it is set to
        lead to; a user's mobile number is not routed to them here (the caller reaches the
        mobile itself)."""
        if owner is None:
            return None, None
        if owner.kind in ("office", "user_short"):
            return _BY_ID.first(db, uid=owner.owner_id, tid=owner.tenant_id), None
        if owner.kind == "main":
            from api.availability.models import MainNumber

            main = db.scalar(select(MainNumber).where(MainNumber.id == owner.owner_id,
                                                      MainNumber.tenant_id == owner.tenant_id))
            if main is not None and main.user_id is not None:
                user = _BY_ID.first(db, uid=main.user_id, tid=owner.tenant_id)
                return (user, main) if user is not None else (None, None)
        return None, None

    def _inbound(self, db, user, called: str, caller: str | None, busy: bool) -> Route:
        from api.availability import services as availability
        from api.availability.routing import decide
        from api.callerid.services import call_context
        from api.core.clock import now

        at = now()
        inputs = availability.routing_inputs(db, user.tenant_id, user.id, around=at)
        country = self._country_of(db, user.tenant_id)
        who = availability.caller(db, user.tenant_id, country, caller)
        decided = decide(inputs, who, at, busy)
        colleagues = {**self._colleague_numbers(db, user.tenant_id, decided),
                      **queuerouting.queue_numbers(db, user.tenant_id, decided)}
        plan = plans.call_plan(decided, called, self.uris, colleagues)
        context = call_context(db, user.tenant_id, user.id, caller, deadline_s=0.2,
                               country=country)
        ring = next((s.timeout for s in decided.steps if s.action == "ring"), None) or 25
        db.commit()
        return Route(plan=plan, tenant_id=user.tenant_id, user_id=user.id, called=called,
                     caller=who.number or caller, hit=context.get("hit"),
                     context={"queue": context.get("via_queue"),
                              "transferred_by": context.get("transferred_by"),
                              "last_spoke_to": context.get("last_spoke_to")},
                     reason={"profile": decided.profile_name, "rule": decided.rule},
                     ring_timeout=float(ring))

    def _colleague_numbers(self, db, tenant_id: int, decided) -> dict:
        from api.accounts.models import User

        ids = [int(s.destination.target) for s in decided.steps
               if s.destination is not None and s.destination.kind == "colleague"
               and str(s.destination.target or "").isdigit()]
        if not ids:
            return {}
        rows = db.execute(select(User.id, User.office_number).where(
            User.tenant_id == tenant_id, User.id.in_(ids))).all()
        return {str(i): n for i, n in rows if n}

    def _outbound(self, db, user, caller: str, called: str, asked: str | None) -> Route:
        from api.availability import services as availability
        from api.availability.state import state_at
        from api.core.clock import now

        inputs = availability.routing_inputs(db, user.tenant_id, user.id)
        kind = "mobile" if caller == user.mobile else "softphone"
        display = state_at(inputs, now()).profile.display_numbers.get(kind) \
            or user.office_number or caller
        why, wanted = self._asked_display(db, user, asked)
        if why == "asked":
            display = wanted
        uri = plans.to_trunk(self.uris, called)
        return Route(plan=plans.outbound_plan(uri, display), direction="outgoing",
                     tenant_id=user.tenant_id, user_id=user.id, called=called, caller=display,
                     reason={"display_number": display, "display_source": why,
                             "asked": wanted or asked})

    @staticmethod
    def _asked_display(db, user, asked: str | None) -> tuple[str, str | None]:
        """("profile", None) when nothing was asked; ("asked", number) when the user may
        show it; ("asked_not_allowed", number) otherwise."""
        from api.accounts.models import Tenant
        from api.availability.numbers import allowed_display_numbers
        from api.callerid.lookup import parse_number

        if not asked:
            return "profile", None
        tenant = db.get(Tenant, user.tenant_id)
        number = parse_number(asked, tenant.country or "NO")[0]
        allowed = {n["number"] for n in allowed_display_numbers(db, tenant, user.id)}
        return ("asked" if number and number in allowed else "asked_not_allowed"), number

    def _feature_code(self, db, user, dialled: str) -> Route:
        from api.availability import services as availability

        current = availability.activate_code(db, user.tenant_id, user.id, dialled)
        if current is None:
            return Route(status=404, called=dialled)
        name = current.profile.name
        text = f"{name} is now active." if not current.until else \
            f"{name} is now active until {current.until:%H:%M}."
        return Route(plan=plans.message_plan(text, "en"), direction="feature",
                     tenant_id=user.tenant_id, user_id=user.id, called=dialled)
