"""The user's availability: state, profiles, schedules, calendar, preview; colleagues' too."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..accounts.models import User
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from . import calendar_sync, profiles, schedules, selfservice, services, usecase
from .numbers import allowed_display_numbers, list_devices
from .schemas import (AvailabilitySchema, AvailabilitySetSchema, CalendarSchema,
                      CalendarUploadSchema, CalendarUrlSchema, DeviceSchema, DeviceSwitchSchema,
                      DisplayNumberSchema, DisplayNumberSwitchedSchema, DisplayNumberSwitchSchema,
                      PlanSchema, PreviewQueryArgsSchema, ProfileSchema, ProfileUpdateSchema,
                      ScheduleSchema, ScheduleUpdateSchema)

me_blp = Blueprint("availability", __name__, url_prefix="/api/v1/me",
                   description="My availability: profiles, state, schedules, calendar, preview")
colleagues_blp = Blueprint("colleague_availability", __name__, url_prefix="/api/v1/users",
                           description="Colleagues' availability (team leaders set it)")


def _view(current_state) -> dict:
    p = current_state.profile
    return {"profile": {"id": p.id or None, "key": p.key, "name": p.name, "colour": p.colour,
                        "icon": p.icon},
            "source": current_state.source, "until": current_state.until,
            "note": current_state.note, "reason": current_state.rule}


def _me() -> tuple[int, int]:
    return current().tenant_id, current().user_id


@me_blp.route("/availability")
class MyAvailability(MethodView):
    @login_required()
    @me_blp.response(200, AvailabilitySchema)
    def get(self):
        """The state in force now: profile, until, note, and whether it came from a manual
        choice, a schedule, the calendar or the default (Available)."""
        return _view(services.current_state(db_session(), *_me())[1])

    @login_required()
    @me_blp.arguments(AvailabilitySetSchema)
    @me_blp.response(200, AvailabilitySchema)
    def put(self, body):
        """Activate a profile, optionally until a time (then back to Available by itself);
        applies its queue behaviour. Available without an end lets schedules apply again."""
        tenant_id, user_id = _me()
        return _view(services.set_availability(db_session(), tenant_id, user_id, user_id,
                                               body["profile_id"], body["until"], body["note"]))


@me_blp.route("/routing-preview")
class RoutingPreview(MethodView):
    @login_required()
    @me_blp.arguments(PreviewQueryArgsSchema, location="query")
    @me_blp.response(200, PlanSchema)
    def get(self, args):
        """What happens if someone calls me now (or from `caller`, at `at`, while `busy`, on
        my `dialled` number: office, mobile, main or short): the very plan the SIP gateway
        executes."""
        p = current()
        return usecase.preview(db_session(), p.tenant, p.user_id, args.get("caller"),
                               args.get("at"), args.get("busy"), args["dialled"])


@me_blp.route("/profiles")
class MyProfiles(MethodView):
    @login_required()
    @me_blp.response(200, ProfileSchema(many=True))
    def get(self):
        """My profiles: the standard ones (editable) and my own."""
        return profiles.list_profiles(db_session(), *_me())

    @login_required()
    @me_blp.arguments(ProfileSchema)
    @me_blp.response(201, ProfileSchema)
    def post(self, body):
        """Add a profile of my own."""
        return profiles.create_profile(db_session(), current().tenant, current().user_id, body)


@me_blp.route("/profiles/<int:profile_id>")
class MyProfile(MethodView):
    @login_required()
    @me_blp.response(200, ProfileSchema)
    def get(self, profile_id):
        """One of my profiles."""
        return profiles.get_profile(db_session(), *_me(), profile_id)

    @login_required()
    @me_blp.arguments(ProfileUpdateSchema)
    @me_blp.response(200, ProfileSchema)
    def patch(self, body, profile_id):
        """Change one of my profiles."""
        db = db_session()
        row = profiles.get_profile(db, *_me(), profile_id)
        return profiles.update_profile(db, current().tenant, row, body)

    @login_required()
    @me_blp.response(204)
    def delete(self, profile_id):
        """Delete one of my profiles (not Available, the fallback)."""
        db = db_session()
        profiles.delete_profile(db, profiles.get_profile(db, *_me(), profile_id))


@me_blp.route("/schedules")
class MySchedules(MethodView):
    @login_required()
    @me_blp.response(200, ScheduleSchema(many=True))
    def get(self):
        """My schedule entries (local times in the company's time zone)."""
        return schedules.list_schedules(db_session(), *_me())

    @login_required()
    @me_blp.arguments(ScheduleSchema)
    @me_blp.response(201, ScheduleSchema)
    def post(self, body):
        """Schedule a profile: once, daily, weekly (on weekdays), monthly or yearly."""
        return schedules.save_schedule(db_session(), *_me(), None, body)


@me_blp.route("/schedules/<int:schedule_id>")
class MySchedule(MethodView):
    @login_required()
    @me_blp.response(200, ScheduleSchema)
    def get(self, schedule_id):
        """One schedule entry."""
        return schedules.get_schedule(db_session(), *_me(), schedule_id)

    @login_required()
    @me_blp.arguments(ScheduleUpdateSchema)
    @me_blp.response(200, ScheduleSchema)
    def patch(self, body, schedule_id):
        """Change a schedule entry."""
        db = db_session()
        row = schedules.get_schedule(db, *_me(), schedule_id)
        return schedules.save_schedule(db, *_me(), row, body)

    @login_required()
    @me_blp.response(204)
    def delete(self, schedule_id):
        """Delete a schedule entry."""
        db = db_session()
        services.remove(db, schedules.get_schedule(db, *_me(), schedule_id))


@me_blp.route("/devices")
class MyDevices(MethodView):
    @login_required()
    @me_blp.response(200, DeviceSchema(many=True))
    def get(self):
        """My devices (administrators manage them)."""
        return list_devices(db_session(), *_me())


@me_blp.route("/devices/<int:phone_device_id>")
class MyDevice(MethodView):
    @login_required()
    @me_blp.arguments(DeviceSwitchSchema)
    @me_blp.response(200, DeviceSchema)
    @me_blp.alt_response(403, description="The administrator manages this device's switches")
    def patch(self, body, phone_device_id):
        """Switch one of my devices, or a mobile's MEX, on or off (where my administrator
        lets me: `user_may_switch`)."""
        return selfservice.switch_device(db_session(), *_me(), phone_device_id, body)


@me_blp.route("/display-number")
class MyDisplayNumber(MethodView):
    @login_required()
    @me_blp.arguments(DisplayNumberSwitchSchema)
    @me_blp.response(200, DisplayNumberSwitchedSchema)
    def put(self, body):
        """Show this number on my outgoing calls from now on, whatever profile is in force
        (it is set on every profile of mine); null goes back to my office number."""
        return selfservice.switch_display_number(db_session(), current().tenant,
                                                 current().user_id, body["number"],
                                                 body["devices"])


@me_blp.route("/display-numbers")
class MyDisplayNumbers(MethodView):
    @login_required()
    @me_blp.response(200, DisplayNumberSchema(many=True))
    def get(self):
        """The numbers I may show on outgoing calls: office, main numbers, my mobile."""
        return allowed_display_numbers(db_session(), current().tenant, current().user_id)


@me_blp.route("/calendar")
class MyCalendar(MethodView):
    @login_required()
    @me_blp.response(200, CalendarSchema)
    def get(self):
        """My connected calendar and its last sync."""
        return calendar_sync.get_calendar(db_session(), *_me())

    @login_required()
    @me_blp.arguments(CalendarUrlSchema)
    @me_blp.response(200, CalendarSchema)
    @me_blp.alt_response(502, description="The feed could not be read")
    def put(self, body):
        """Connect an iCalendar feed URL; busy events set "In a meeting" while they last."""
        return calendar_sync.connect_url(db_session(), current_app.config["SETTINGS"],
                                         current().tenant, current().user_id, body["url"])

    @login_required()
    @me_blp.response(204)
    def delete(self):
        """Disconnect my calendar."""
        calendar_sync.disconnect(db_session(), *_me())


@me_blp.route("/calendar/ics")
class MyCalendarUpload(MethodView):
    @login_required()
    @me_blp.arguments(CalendarUploadSchema)
    @me_blp.response(200, CalendarSchema)
    def put(self, body):
        """Upload an ICS file instead of a feed (replaces the previous one)."""
        return calendar_sync.upload(db_session(), current().tenant, current().user_id,
                                    body["ics"])


@me_blp.route("/calendar/sync")
class MyCalendarSync(MethodView):
    @login_required()
    @me_blp.response(200, CalendarSchema)
    @me_blp.alt_response(502, description="The feed could not be read")
    def post(self):
        """Read my calendar feed again now."""
        return calendar_sync.sync(db_session(), current_app.config["SETTINGS"],
                                  current().tenant, current().user_id)


@colleagues_blp.route("/<int:user_id>/availability")
class ColleagueAvailability(MethodView):
    @login_required()
    @colleagues_blp.response(200, AvailabilitySchema)
    def get(self, user_id):
        """A colleague's state in force now."""
        db = db_session()
        get_scoped(db, User, user_id, current().tenant_id, "user")
        return _view(services.current_state(db, current().tenant_id, user_id)[1])

    @login_required(perms.SET_OTHERS_AVAILABILITY)
    @colleagues_blp.arguments(AvailabilitySetSchema)
    @colleagues_blp.response(200, AvailabilitySchema)
    def put(self, body, user_id):
        """Set a colleague's availability (team leaders and administrators)."""
        db = db_session()
        get_scoped(db, User, user_id, current().tenant_id, "user")
        return _view(services.set_availability(db, current().tenant_id, user_id,
                                               current().user_id, body["profile_id"],
                                               body["until"], body["note"]))

