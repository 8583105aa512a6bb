"""Administrators (`manage_users`) read and change a user's profiles, schedules, caller
exceptions and display numbers: the user's own use cases, audited, for any user of the
company (another company's user is a 404)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..accounts.models import User
from ..audit.recorder import Actor, record
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from . import on_behalf, profiles, schedules, selfservice, usecase
from .numbers import allowed_display_numbers
from .schemas import (DisplayNumberSchema, DisplayNumberSwitchedSchema, DisplayNumberSwitchSchema,
                      PlanSchema, PreviewQueryArgsSchema, ProfileSchema, ProfileUpdateSchema,
                      ScheduleSchema, ScheduleUpdateSchema)

users_blp = Blueprint("user_availability", __name__, url_prefix="/api/v1/users",
                      description="A user's profiles, schedules and display numbers, as "
                                  "administrators manage them (same shapes as /me)")


def _user(user_id: int) -> tuple:
    """The session, the acting administrator and the user's id, checked to be a colleague."""
    db = db_session()
    get_scoped(db, User, user_id, current().tenant_id, "user")
    return db, Actor(current().tenant_id, current().user_id), user_id


@users_blp.route("/<int:user_id>/profiles")
class UserProfiles(MethodView):
    @login_required(perms.SET_OTHERS_AVAILABILITY)
    @users_blp.response(200, ProfileSchema(many=True))
    def get(self, user_id):
        """A user's profiles (team leaders read them to choose one for a colleague)."""
        db, actor, user_id = _user(user_id)
        return profiles.list_profiles(db, actor.tenant_id, user_id)

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(ProfileSchema)
    @users_blp.response(201, ProfileSchema)
    def post(self, body, user_id):
        """Add a profile to a user."""
        db, actor, user_id = _user(user_id)
        return on_behalf.create_profile(db, current().tenant, actor, user_id, body)


@users_blp.route("/<int:user_id>/profiles/<int:profile_id>")
class UserProfile(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.response(200, ProfileSchema)
    def get(self, user_id, profile_id):
        """One of a user's profiles."""
        db, actor, user_id = _user(user_id)
        return profiles.get_profile(db, actor.tenant_id, user_id, profile_id)

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(ProfileUpdateSchema)
    @users_blp.response(200, ProfileSchema)
    def patch(self, body, user_id, profile_id):
        """Change a user's profile: routing, caller exceptions, display numbers, ..."""
        db, actor, user_id = _user(user_id)
        return on_behalf.update_profile(db, current().tenant, actor, user_id, profile_id, body)

    @login_required(perms.MANAGE_USERS)
    @users_blp.response(204)
    def delete(self, user_id, profile_id):
        """Delete a user's profile (not Available, the fallback)."""
        on_behalf.delete_profile(*_user(user_id), profile_id)


@users_blp.route("/<int:user_id>/schedules")
class UserSchedules(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.response(200, ScheduleSchema(many=True))
    def get(self, user_id):
        """A user's schedule entries (local times in the company's time zone)."""
        db, actor, user_id = _user(user_id)
        return schedules.list_schedules(db, actor.tenant_id, user_id)

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(ScheduleSchema)
    @users_blp.response(201, ScheduleSchema)
    def post(self, body, user_id):
        """Schedule one of the user's profiles."""
        return on_behalf.create_schedule(*_user(user_id), body)


@users_blp.route("/<int:user_id>/schedules/<int:schedule_id>")
class UserSchedule(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.response(200, ScheduleSchema)
    def get(self, user_id, schedule_id):
        """One of a user's schedule entries."""
        db, actor, user_id = _user(user_id)
        return schedules.get_schedule(db, actor.tenant_id, user_id, schedule_id)

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(ScheduleUpdateSchema)
    @users_blp.response(200, ScheduleSchema)
    def patch(self, body, user_id, schedule_id):
        """Change a user's schedule entry."""
        return on_behalf.update_schedule(*_user(user_id), schedule_id, body)

    @login_required(perms.MANAGE_USERS)
    @users_blp.response(204)
    def delete(self, user_id, schedule_id):
        """Delete a user's schedule entry."""
        on_behalf.delete_schedule(*_user(user_id), schedule_id)


@users_blp.route("/<int:user_id>/display-numbers")
class UserDisplayNumbers(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.response(200, DisplayNumberSchema(many=True))
    def get(self, user_id):
        """The numbers the user may show on outgoing calls (what profiles may choose)."""
        db, _actor, user_id = _user(user_id)
        return allowed_display_numbers(db, current().tenant, user_id)


@users_blp.route("/<int:user_id>/display-number")
class UserDisplayNumber(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(DisplayNumberSwitchSchema)
    @users_blp.response(200, DisplayNumberSwitchedSchema)
    def put(self, body, user_id):
        """Show this number on the user's outgoing calls whatever profile is in force (as
        PUT /me/display-number)."""
        db, actor, user_id = _user(user_id)
        user = db.get(User, user_id)
        record(db, actor, "display_number", "updated", user, None, dict(body))  # same commit
        return selfservice.switch_display_number(db, current().tenant, user_id,
                                                 body["number"], body["devices"])


@users_blp.route("/<int:user_id>/routing-preview")
class UserRoutingPreview(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(PreviewQueryArgsSchema, location="query")
    @users_blp.response(200, PlanSchema)
    def get(self, args, user_id):
        """What happens if someone calls this user now (or from `caller`, at `at`, while
        `busy`, on their `dialled` number): the very plan the SIP gateway executes."""
        db, _actor, user_id = _user(user_id)
        return usecase.preview(db, current().tenant, user_id, args.get("caller"),
                               args.get("at"), args.get("busy"), args["dialled"])
