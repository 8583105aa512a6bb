"""The gateway's routing: who is called, the plan for this call (the API's data only through
`api.gateway_port`).

Routing runs in the gateway's routing process (never on the pjsua thread). When the database does not
answer, the last plan known for the called number is used, else the call goes to voicemail;
`Route.source` says which (`live`, `last_known`, `voicemail`), and the gateway logs it.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace

from api import gateway_port as port

from . import queuerouting
from .core import numbers, plans
from .core.callmessages import CallPlan
from .origin import Origin, read_caller

log = logging.getLogger("sip_gateway")
CACHE_SIZE = 10_000
# which of a user's numbers was dialled, by the registry's kind of owner
DIALLED = {"office": "office", "mobile": "mobile", "user_short": "short", "main": "main"}


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
    from_user_id: int | None = None     # the user whose own phone placed the call


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
            self._remember(key, replace(route, from_user_id=None))  # any caller may use it
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
        placed_by = self._identified(db, origin, who)
        route = self._dispatch(db, called_user, who.number, placed_by, who.identity, busy,
                               asked, origin.country)
        if placed_by is not None:
            route = replace(route, from_user_id=placed_by.id)
        return replace(route, diverted_from=who.diverted_from) if who.diverted_from else route

    @staticmethod
    def _identified(db, origin: Origin, who):
        """The user whose own phone calls, or None (an outsider): only a trusted peer names
        one, a MEX peer by the user's mobile, the phones by office number or mobile."""
        if who.identity is None or origin.kind == "carrier":
            return None
        found = port.user_by_mobile if origin.kind == "mex" else port.user_by_own_number
        return found(db, who.identity)

    def _dispatch(self, db, called_user: str, caller_num: str | None, from_user,
                  identity: str | None, busy: set[int], asked: str | None,
                  country: str) -> Route:
        """`caller_num`: the caller shown (E.164, None withheld); `from_user`: the user whose
        own phone calls (a number they dial is read in their company's country)."""
        if from_user is not None:
            country = port.tenant_country(db, from_user.tenant_id)
        called = numbers.read(called_user, country)
        owner = port.public_owner(db, called)  # one owner in the whole system
        if owner is None and from_user is not None and called_user[:1] not in "*#":
            owner = port.short_owner(db, from_user.tenant_id, called_user)  # a colleague's
        user, via_main = self._owner_user(db, owner)
        dialled = DIALLED.get(owner.kind, "office") if owner is not None else "office"
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
        if via_main is not None or dialled == "mobile":
            # the user's own plan: their voicemail, Diversion from them
            route = self._inbound(db, user, user.office_number or called, caller_num,
                                  user.id in busy, dialled)
            if via_main is None:
                return replace(route, called=called)
            # the phone shows "via <main number's label>"
            context = {**(route.context or {}), "main_number": {
                "id": via_main.id, "number": via_main.number, "name": via_main.label}}
            return replace(route, called=called, via_main_number=via_main.id, context=context)
        if owner.kind == "user_short":  # dialled by a colleague: the user's own number
            called = user.office_number or called_user
        return self._inbound(db, user, called or called_user, caller_num, user.id in busy,
                             dialled)

    @staticmethod
    def _owner_user(db, owner):
        """(the user the registry's owner leads to, the main number it came in on or None).

        Office, mobile and short numbers lead to their user (a call to a MEX mobile comes
        through the trunk and follows her profile), a main number to the user it is set to
        lead to."""
        if owner is None:
            return None, None
        if owner.kind in ("office", "mobile", "user_short"):
            return port.user(db, owner.tenant_id, owner.owner_id), None
        if owner.kind == "main":
            return port.main_number_user(db, owner.tenant_id, owner.owner_id) or (None, None)
        return None, None

    def _inbound(self, db, user, called: str, caller: str | None, busy: bool,
                 dialled: str = "office") -> Route:
        """A call to one of the user's numbers (`dialled`: office, mobile, main or short),
        planned by the same use case as the app's routing preview."""
        call = port.incoming(db, user, caller, dialled, busy)
        decided = call.plan
        mailbox = None
        if plans.own_voicemail(self.uris) and any(s.action == "voicemail"
                                                  for s in decided.steps):
            mailbox = port.voicemail.mailbox(db, self.uris["voicemail_dir"], user.tenant_id,
                                             user.id, decided)
        plan = plans.call_plan(decided, called, self.uris, call.numbers, mailbox)
        ring = next((s.timeout for s in decided.steps if s.action == "ring"), None) or 25
        return Route(plan=plan, tenant_id=user.tenant_id, user_id=user.id, called=called,
                     caller=call.caller, hit=call.hit, context=call.context,
                     reason={"profile": decided.profile_name, "profile_key": decided.profile_key,
                             "rule": decided.rule,
                             "dialled": dialled, **call.forwarded_to},
                     ring_timeout=float(ring))

    def _outbound(self, db, user, caller: str, called: str, asked: str | None) -> Route:
        display, why, wanted = port.outbound_display(db, user, caller, asked)
        uri = plans.to_trunk(self.uris, called)
        return Route(plan=plans.outbound_plan(uri, display), direction="outgoing",
                     tenant_id=user.tenant_id, user_id=user.id, called=called, caller=display,
                     reason={"display_number": display, "display_source": why,
                             "asked": wanted or asked})

    def _feature_code(self, db, user, dialled: str) -> Route:
        recording = port.queue_recording(db, user, dialled)
        if recording is not None:   # a queue's welcome or waiting message, recorded by phone
            return Route(plan=plans.record_plan(recording, self.uris), direction="feature",
                         tenant_id=user.tenant_id, user_id=user.id, called=dialled,
                         reason={"records": recording.kind, "queue_id": recording.queue_id})
        active = port.activate_code(db, user, dialled)
        if active is None:
            return Route(status=404, called=dialled)
        text, lang = active
        return Route(plan=plans.message_plan(text, lang), direction="feature",
                     tenant_id=user.tenant_id, user_id=user.id, called=dialled)
