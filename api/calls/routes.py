"""The user's live calls and the commands the app sends to them (hang up, hold, retrieve,
take back from voicemail)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.auth import current, login_required
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from ..core.schemas import IdempotencyHeadersSchema
from . import placing, services
from .schemas import CallCommandSchema, LiveCallSchema, PlaceCallSchema

calls_blp = Blueprint("calls", __name__, url_prefix="/api/v1/me/calls",
                      description="My live calls and commands to them")


@calls_blp.route("")
class MyCalls(MethodView):
    @login_required()
    @calls_blp.response(200, LiveCallSchema(many=True))
    @calls_blp.paginate()
    def get(self, pagination_parameters):
        """My calls in progress (ringing or answered), oldest first; the ids commands take."""
        p = current()
        return paginate_select(db_session(), services.my_calls(p.tenant_id, p.user_id),
                               pagination_parameters)

    @login_required()
    @calls_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @calls_blp.arguments(PlaceCallSchema)
    @calls_blp.response(202, CallCommandSchema)
    def post(self, headers, body):
        """Place a call (call-through): my device rings first (my mobile unless I choose
        another), and when I answer the destination is dialled showing my display number.
        The answer is the `call` command: its `call_id` names the live call once it exists,
        its state ends `done` (result `bridged`) or `failed` with why (the device did not
        answer, the destination is busy, ...). A destination, device or display number that
        is not mine to use is refused before anything rings. Repeating the request with the
        same Idempotency-Key returns the same command."""
        return placing.place_call(db_session(), current(), body,
                                  headers.get("idempotency_key"))


@calls_blp.route("/<int:call_id>/hangup")
class HangUp(MethodView):
    @login_required()
    @calls_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @calls_blp.response(202, CallCommandSchema)
    def post(self, headers, call_id):
        """Hang up one of my calls. The gateway holding it executes the command; the answer is
        the command and its state. Repeating the request with the same Idempotency-Key
        returns the same command."""
        p = current()
        return services.request_command(db_session(), p.tenant_id, p.user_id, call_id,
                                        "hangup", headers.get("idempotency_key"))


def _hold(call_id: int, kind: str, key: str | None):
    p = current()
    return services.request_command(db_session(), p.tenant_id, p.user_id, call_id, kind, key)


@calls_blp.route("/<int:call_id>/hold")
class Hold(MethodView):
    @login_required()
    @calls_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @calls_blp.response(202, CallCommandSchema)
    def post(self, headers, call_id):
        """Put one of my connected calls on hold: the other party hears hold music until I
        retrieve it (any connected call: incoming, from a queue, or one I placed). A call not
        connected (still ringing, being transferred) refuses it (the command's result says
        so)."""
        return _hold(call_id, "hold", headers.get("idempotency_key"))


@calls_blp.route("/<int:call_id>/retrieve")
class Retrieve(MethodView):
    @login_required()
    @calls_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @calls_blp.response(202, CallCommandSchema)
    def post(self, headers, call_id):
        """Take one of my calls off hold: the music stops and we talk again."""
        return _hold(call_id, "retrieve", headers.get("idempotency_key"))


@calls_blp.route("/<int:call_id>/take-back")
class TakeBack(MethodView):
    @login_required()
    @calls_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @calls_blp.response(202, CallCommandSchema)
    def post(self, headers, call_id):
        """Take a call back from my voicemail (state `voicemail`: the caller hears my greeting
        or is leaving a message): what they began to say is dropped, my devices ring again
        and I talk to them when I answer; unanswered, my plan goes on (my voicemail again).
        Any other call refuses it with 409."""
        p = current()
        return services.request_command(db_session(), p.tenant_id, p.user_id, call_id,
                                        "take_back", headers.get("idempotency_key"))


@calls_blp.route("/commands/<int:command_id>")
class CommandById(MethodView):
    @login_required()
    @calls_blp.response(200, CallCommandSchema)
    def get(self, command_id):
        """One of my call commands and its state (pending, running, done, failed)."""
        p = current()
        return services.get_command(db_session(), p.tenant_id, p.user_id, command_id)
