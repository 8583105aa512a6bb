"""The user's availability: state, profiles, schedules, calendar, preview; colleagues' too
(the views shared by /me and /users/{user_id} are in `routes_settings.py`)."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from push import PushConfig

from ..core.auth import current, login_required
from ..core.request_db import db_session
from . import appdevice, calendar_sync, selfservice
from .numbers import list_devices
from .routes_settings import settings_routes, state_routes
from .schemas import (CalendarSchema, CalendarUploadSchema, CalendarUrlSchema, DeviceSchema,
                      DeviceSwitchSchema)
from .schemas_app import AppDeviceCreateSchema, AppDeviceSchema
from .whose import Side

me_blp = Blueprint("availability", __name__, url_prefix="/api/v1/me",
                   description="My availability: profiles, state, schedules, calendar, preview")
colleagues_blp = Blueprint("colleague_availability", __name__, url_prefix="/api/v1/users",
                           description="Colleagues' availability (team leaders set it)")
users_blp = Blueprint("user_availability", __name__, url_prefix="/api/v1/users",
                      description="A user's profiles, schedules and display numbers, as "
                                  "administrators manage them (same shapes as /me)")


def _me() -> tuple[int, int]:
    return current().tenant_id, current().user_id


ME, COLLEAGUE = Side(me_blp, "", own=True), Side(colleagues_blp, "/<int:user_id>", own=False)
state_routes(ME)
settings_routes(ME)
state_routes(COLLEAGUE)
settings_routes(Side(users_blp, "/<int:user_id>", own=False))


@me_blp.route("/devices")
class MyDevices(MethodView):
    @login_required()
    @me_blp.response(200, DeviceSchema(many=True))
    def get(self):
        """My devices (administrators manage them; the app adds itself as a softphone)."""
        return list_devices(db_session(), *_me())

    @login_required()
    @me_blp.arguments(AppDeviceCreateSchema)
    @me_blp.response(201, AppDeviceSchema)
    def post(self, body):
        """This app install as one of my devices, a softphone woken by its push token.

        The answer carries its SIP credentials (the password only here; asking again for the
        same push device gives a new one) and the RFC 8599 push parameters the app puts in
        its Contact when it registers. The device goes with the push device (logout).
        """
        settings = current_app.config["SETTINGS"]
        push = PushConfig.from_env()
        row = appdevice.provision(db_session(), *_me(), body["push_device_id"], body["label"],
                                  settings.sip_realm, settings.sip_registrar)
        row.push_params = appdevice.push_params(row.push_device, push.apns_team_id,
                                                push.fcm_project_id)
        return row


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
