"""My queues: live status, logging in and out, pause, wrap-up, missed calls, callbacks and
the phones I may use for remote login."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.not_found import not_found
from ..core.pagination import paginate_select
from . import callbacks, memberprefs, membership, status
from .models import RemoteLoginNumber
from .schemas import (CallbackSchema, MyQueueSchema, PauseSchema, QueueCallSchema,
                      RemoteNumberSchema, SelectionSchema, WrapupSchema)
from .schemas_switchboard import DevicesSchema

my_queues_blp = Blueprint("my_queues", __name__, url_prefix="/api/v1/me/queues",
                          description="The logged-in user's queues")


def _mine() -> list[dict]:
    p = current()
    memberprefs.settle_user(db_session(), p.tenant_id, p.user_id)
    return status.my_queues(db_session(), p.tenant_id, p.user_id)


@my_queues_blp.route("")
class MyQueues(MethodView):
    @login_required()
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def get(self):
        """The queues I am a member of: calls waiting, longest wait, members logged in /
        available / in wrap-up, and my own state in each."""
        return _mine()


def _login(body: dict, logged_in: bool) -> list[dict]:
    p = current()
    membership.set_login(db_session(), p.tenant_id, p.user_id, body.get("queue_ids"),
                         logged_in, by_user_id=p.user_id)
    return _mine()


@my_queues_blp.route("/login")
class MyLogin(MethodView):
    @login_required()
    @my_queues_blp.arguments(SelectionSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body):
        """Log in to one, several or all (leave queue_ids out) of my queues."""
        return _login(body, True)


@my_queues_blp.route("/logout")
class MyLogout(MethodView):
    @login_required()
    @my_queues_blp.arguments(SelectionSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body):
        """Log out of one, several or all (leave queue_ids out) of my queues."""
        return _login(body, False)


@my_queues_blp.route("/pause")
class MyPause(MethodView):
    @login_required()
    @my_queues_blp.arguments(PauseSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body):
        """Pause: stay logged in but get no queue calls (in the chosen or all queues)."""
        p = current()
        membership.set_pause(db_session(), p.tenant_id, p.user_id, body.get("queue_ids"), True,
                             body.get("reason"))
        return _mine()


@my_queues_blp.route("/resume")
class MyResume(MethodView):
    @login_required()
    @my_queues_blp.arguments(SelectionSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body):
        """End a pause (in the chosen or all queues)."""
        p = current()
        membership.set_pause(db_session(), p.tenant_id, p.user_id, body.get("queue_ids"), False)
        return _mine()


@my_queues_blp.route("/wrapup")
class MyWrapup(MethodView):
    @login_required()
    @my_queues_blp.arguments(WrapupSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body):
        """Extend my wrap-up (when the queue allows it)."""
        p = current()
        membership.extend_wrapup(db_session(), p.tenant_id, p.user_id, body["extra_s"])
        return _mine()

    @login_required()
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def delete(self):
        """End my wrap-up now: ready for the next queue call."""
        p = current()
        membership.end_wrapup(db_session(), p.tenant_id, p.user_id)
        return _mine()


@my_queues_blp.route("/missed")
class MyMissed(MethodView):
    @login_required()
    @my_queues_blp.response(200, QueueCallSchema(many=True))
    @my_queues_blp.paginate()
    def get(self, pagination_parameters):
        """Missed calls of my queues (abandoned, timed out, callback requested), newest first."""
        p = current()
        stmt = callbacks.call_log(p.tenant_id, callbacks.my_queue_ids(p.tenant_id, p.user_id),
                                  missed=True)
        return [callbacks.call_view(c)
                for c in paginate_select(db_session(), stmt, pagination_parameters)]


@my_queues_blp.route("/callbacks")
class MyCallbacks(MethodView):
    @login_required()
    @my_queues_blp.response(200, CallbackSchema(many=True))
    def get(self):
        """The callback list of all my queues: caller, hit, queue, waiting since, attempts,
        last attempt."""
        p = current()
        return callbacks.open_callbacks(db_session(), p.tenant_id,
                                        callbacks.my_queue_ids(p.tenant_id, p.user_id),
                                        p.user_id)


@my_queues_blp.route("/remote-numbers")
class MyRemoteNumbers(MethodView):
    @login_required()
    @my_queues_blp.response(200, RemoteNumberSchema(many=True))
    def get(self):
        """Phones besides my mobile from which a call to the queue service number toggles my
        queue login."""
        p = current()
        return list(db_session().scalars(select(RemoteLoginNumber).where(
            RemoteLoginNumber.tenant_id == p.tenant_id, RemoteLoginNumber.user_id == p.user_id)
            .order_by(RemoteLoginNumber.id)))

    @login_required()
    @my_queues_blp.arguments(RemoteNumberSchema)
    @my_queues_blp.response(201, RemoteNumberSchema)
    def post(self, body):
        """Register a phone for remote login (any common format; stored in E.164)."""
        p = current()
        return membership.add_remote_number(db_session(), p.tenant, p.user_id, body["number"])


@my_queues_blp.route("/remote-numbers/<int:number_id>")
class MyRemoteNumber(MethodView):
    @login_required()
    @my_queues_blp.response(204)
    def delete(self, number_id):
        """Forget a remote-login phone."""
        p = current()
        db = db_session()
        row = get_scoped(db, RemoteLoginNumber, number_id, p.tenant_id, "remote-login number")
        if row.user_id != p.user_id:
            raise not_found("remote-login number", number_id)
        db.delete(row)
        db.commit()


@my_queues_blp.route("/<int:queue_id>/devices")
class MyQueueDevices(MethodView):
    @login_required()
    @my_queues_blp.arguments(DevicesSchema)
    @my_queues_blp.response(200, MyQueueSchema(many=True))
    def put(self, body, queue_id):
        """Choose which of my devices ring for this queue's calls (`null`: all of them, as
        for any call). Only my own devices may be named."""
        p = current()
        memberprefs.set_devices(db_session(), p.tenant_id, p.user_id, queue_id,
                                body["device_ids"])
        return _mine()
