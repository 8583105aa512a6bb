"""The views of a user's availability state, routing preview, profiles, schedules and
display numbers: mounted once for the signed-in user (`/me/...`) and once for
administrators and team leaders acting for a colleague (`/users/{user_id}/...`), the
permission and the colleague check being what differs (see `whose.Side`)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from ..accounts import permissions as perms
from ..core.auth import current, read_along
from ..core.jsonbody import json_response
from ..core.queryparams import query_arguments
from ..core.request_db import db_reads
from . import personal, profiles, schedules, services, usecase
from .numbers import allowed_display_numbers
from .inputs import DIALLED_KINDS
from .schemas import (AvailabilitySchema, AvailabilitySetSchema, DisplayNumberSchema,
                      DisplayNumberSwitchedSchema, DisplayNumberSwitchSchema, PlanSchema,
                      PreviewQueryArgsSchema, ProfileSchema, ProfileUpdateSchema,
                      ScheduleSchema, ScheduleUpdateSchema)
from .whose import Side

MANAGE, SET_OTHERS = perms.MANAGE_USERS, perms.SET_OTHERS_AVAILABILITY
PREVIEW_ARGS = PreviewQueryArgsSchema()  # one instance: webargs builds a class anew per request
PLAN = PlanSchema()  # dumps every preview by hand (`HandDumped`)


def plain_preview_query(args) -> dict | None:
    """What `PREVIEW_ARGS` loads from a query that is plainly valid (no `at`, no
    doubt), else None (the schema decides, and names what is wrong)."""
    loaded = {}
    for key in args:
        value = args[key]
        if key == "caller" and len(value) <= 40:
            loaded["caller"] = value
        elif key == "dialled" and value in DIALLED_KINDS:
            loaded["dialled"] = value
        elif key == "busy" and value.lower() in ("true", "false"):
            loaded["busy"] = value.lower() == "true"
        else:
            return None
    loaded.setdefault("dialled", "office")
    return loaded


def _preview_along(tenant_id: int, user_id: int):
    """My own preview's first reads, sent with the login check (one statement on
    PostgreSQL), when the caller's number needs no company country (which the check reads)."""
    known, number = usecase.number_without_country(request.args.get("caller"))
    return usecase.route_reads(db_reads(), tenant_id, user_id, number) if known else None


def _read_with_login():
    """(number, results) of what `_preview_along` sent, or None."""
    results = read_along()
    if results is None:
        return None
    return usecase.number_without_country(request.args.get("caller"))[1], results


def _view(current_state) -> dict:
    p = current_state.profile
    return {"profile": {"id": p.id or None, "key": p.key, "name": p.name, "colour": p.colour,
                        "icon": p.icon},
            "source": current_state.source, "until": current_state.until,
            "note": current_state.note, "reason": current_state.rule}


def state_routes(side: Side) -> None:
    """The state in force: colleagues read it, team leaders set it."""
    blp, says = side.blp, side.says

    @side.route("/availability")
    class Availability(MethodView):
        @side.needs(None)
        @blp.response(200, AvailabilitySchema)
        @says("The state in force now: profile, until, note, and whether it came from a "
              "manual\nchoice, a schedule, the calendar or the default (Available).",
              "A colleague's state in force now.")
        def get(self, **ids):
            w = side.whose(ids)
            return _view(services.current_state(w.db, w.tenant_id, w.user_id)[1])

        @side.needs(SET_OTHERS)
        @blp.arguments(AvailabilitySetSchema)
        @blp.response(200, AvailabilitySchema)
        @says("Activate a profile, optionally until a time (then back to Available by "
              "itself);\napplies its queue behaviour. Available without an end lets "
              "schedules apply again.",
              "Set a colleague's availability (team leaders and administrators).")
        def put(self, body, **ids):
            w = side.whose(ids)
            return _view(services.set_availability(
                w.db, w.tenant_id, w.user_id, w.acting_user_id, body["profile_id"],
                body["until"], body["note"]))


def settings_routes(side: Side) -> None:
    """Routing preview, profiles, schedules and display numbers."""
    blp, says = side.blp, side.says

    @side.route("/routing-preview")
    class RoutingPreview(MethodView):
        @side.needs(MANAGE, along=_preview_along)
        @query_arguments(blp, PREVIEW_ARGS, plain_preview_query)
        @blp.response(200, PlanSchema)
        @says("What happens if someone calls me now (or from `caller`, at `at`, while "
              "`busy`, on\nmy `dialled` number: office, mobile, main or short): the very "
              "plan the SIP gateway\nexecutes.",
              "What happens if someone calls this user now (or from `caller`, at `at`, "
              "while\n`busy`, on their `dialled` number): the very plan the SIP gateway "
              "executes.")
        def get(self, args, **ids):
            db, tenant_id, user_id = side.reading(ids)
            # the company's country came with the login check
            return json_response(PLAN.dump_one(usecase.preview(
                db, tenant_id, current().tenant_country, user_id, args.get("caller"),
                args.get("at"), args.get("busy"), args["dialled"], _read_with_login())))

    @side.route("/profiles")
    class Profiles(MethodView):
        @side.needs(SET_OTHERS)
        @blp.response(200, ProfileSchema(many=True))
        @says("My profiles: the standard ones (editable) and my own.",
              "A user's profiles (team leaders read them to choose one for a colleague).")
        def get(self, **ids):
            w = side.whose(ids)
            return profiles.list_profiles(w.db, w.tenant_id, w.user_id)

        @side.needs(MANAGE)
        @blp.arguments(ProfileSchema)
        @blp.response(201, ProfileSchema)
        @says("Add a profile of my own.", "Add a profile to a user.")
        def post(self, body, **ids):
            return personal.create_profile(side.whose(ids), body)

    @side.route("/profiles/<int:profile_id>")
    class Profile(MethodView):
        @side.needs(MANAGE)
        @blp.response(200, ProfileSchema)
        @says("One of my profiles.", "One of a user's profiles.")
        def get(self, profile_id, **ids):
            return personal.get_profile(side.whose(ids), profile_id)

        @side.needs(MANAGE)
        @blp.arguments(ProfileUpdateSchema)
        @blp.response(200, ProfileSchema)
        @says("Change one of my profiles.",
              "Change a user's profile: routing, caller exceptions, display numbers, ...")
        def patch(self, body, profile_id, **ids):
            return personal.update_profile(side.whose(ids), profile_id, body)

        @side.needs(MANAGE)
        @blp.response(204)
        @says("Delete one of my profiles (not Available, the fallback).",
              "Delete a user's profile (not Available, the fallback).")
        def delete(self, profile_id, **ids):
            personal.delete_profile(side.whose(ids), profile_id)

    @side.route("/schedules")
    class Schedules(MethodView):
        @side.needs(MANAGE)
        @blp.response(200, ScheduleSchema(many=True))
        @says("My schedule entries (local times in the company's time zone).",
              "A user's schedule entries (local times in the company's time zone).")
        def get(self, **ids):
            w = side.whose(ids)
            return schedules.list_schedules(w.db, w.tenant_id, w.user_id)

        @side.needs(MANAGE)
        @blp.arguments(ScheduleSchema)
        @blp.response(201, ScheduleSchema)
        @says("Schedule a profile: once, daily, weekly (on weekdays), monthly or yearly.",
              "Schedule one of the user's profiles.")
        def post(self, body, **ids):
            return personal.create_schedule(side.whose(ids), body)

    @side.route("/schedules/<int:schedule_id>")
    class Schedule(MethodView):
        @side.needs(MANAGE)
        @blp.response(200, ScheduleSchema)
        @says("One schedule entry.", "One of a user's schedule entries.")
        def get(self, schedule_id, **ids):
            return personal.get_schedule(side.whose(ids), schedule_id)

        @side.needs(MANAGE)
        @blp.arguments(ScheduleUpdateSchema)
        @blp.response(200, ScheduleSchema)
        @says("Change a schedule entry.", "Change a user's schedule entry.")
        def patch(self, body, schedule_id, **ids):
            return personal.update_schedule(side.whose(ids), schedule_id, body)

        @side.needs(MANAGE)
        @blp.response(204)
        @says("Delete a schedule entry.", "Delete a user's schedule entry.")
        def delete(self, schedule_id, **ids):
            personal.delete_schedule(side.whose(ids), schedule_id)

    @side.route("/display-numbers")
    class DisplayNumbers(MethodView):
        @side.needs(MANAGE)
        @blp.response(200, DisplayNumberSchema(many=True))
        @says("The numbers I may show on outgoing calls: office, main numbers, my mobile.",
              "The numbers the user may show on outgoing calls (what profiles may choose).")
        def get(self, **ids):
            w = side.whose(ids)
            return allowed_display_numbers(w.db, w.tenant, w.user_id)

    @side.route("/display-number")
    class DisplayNumber(MethodView):
        @side.needs(MANAGE)
        @blp.arguments(DisplayNumberSwitchSchema)
        @blp.response(200, DisplayNumberSwitchedSchema)
        @says("Show this number on my outgoing calls from now on, whatever profile is in "
              "force\n(it is set on every profile of mine); null goes back to my office "
              "number.",
              "Show this number on the user's outgoing calls whatever profile is in force "
              "(as\nPUT /me/display-number).")
        def put(self, body, **ids):
            return personal.switch_display_number(side.whose(ids), body)
