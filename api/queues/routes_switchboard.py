"""The switchboard: the waiting calls of my queues, picking one to answer, assigning one to
a colleague, raising its priority."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.auth import current, login_required
from ..core.request_db import db_session
from . import switchboard
from .schemas_switchboard import (AssignSchema, PrioritySchema, WaitingCallSchema,
                                  WaitingQueryArgsSchema)

switchboard_blp = Blueprint("switchboard", __name__, url_prefix="/api/v1/switchboard",
                            description="The switchboard: waiting calls of my queues, pick, "
                                        "assign, priority")


@switchboard_blp.route("/waiting")
class Waiting(MethodView):
    @login_required()
    @switchboard_blp.arguments(WaitingQueryArgsSchema, location="query")
    @switchboard_blp.response(200, WaitingCallSchema(many=True))
    def get(self, args):
        """Every waiting call of my queues (team leaders: of every queue they see), the
        highest priority first, then the longest waiting: caller with who's calling, wait,
        position in its queue, priority and who it is reserved for."""
        return switchboard.waiting_calls(db_session(), current(), args.get("queue_id"))


@switchboard_blp.route("/waiting/<int:call_id>/pick")
class Pick(MethodView):
    @login_required()
    @switchboard_blp.response(200, WaitingCallSchema)
    def post(self, call_id):
        """Answer this waiting call myself: from now on it rings only my devices (I must be
        a member of its queue and not in another call)."""
        return switchboard.pick(db_session(), current(), call_id)


@switchboard_blp.route("/waiting/<int:call_id>/assign")
class Assign(MethodView):
    @login_required()
    @switchboard_blp.arguments(AssignSchema)
    @switchboard_blp.response(200, WaitingCallSchema)
    def post(self, body, call_id):
        """Team leaders: hand this waiting call to a colleague (a member of its queue, not in
        a call); it rings only their devices."""
        return switchboard.assign(db_session(), current(), call_id, body["user_id"])


@switchboard_blp.route("/waiting/<int:call_id>/priority")
class Priority(MethodView):
    @login_required()
    @switchboard_blp.arguments(PrioritySchema)
    @switchboard_blp.response(200, WaitingCallSchema)
    def post(self, body, call_id):
        """Team leaders: set a waiting call's priority; higher is answered first."""
        return switchboard.set_priority(db_session(), current(), call_id, body["priority"])
