"""A queue's call log, missed queue calls and the manual callback list."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from ..sms.outbox import Outbox
from . import callbacks, notify, services, switchboard
from .models import Queue
from .schemas import (CallbackResultSchema, CallbackSchema, QueueCallQueryArgsSchema,
                      QueueCallSchema)
from .schemas_switchboard import TagsSchema

queue_calls_blp = Blueprint("queue_calls", __name__, url_prefix="/api/v1/queues",
                            description="A queue's call log, missed calls and callback list")


def _watched_queue(queue_id: int) -> Queue:
    db = db_session()
    queue = get_scoped(db, Queue, queue_id, current().tenant_id, "queue")
    services.check_can_watch(db, current(), queue)
    return queue


@queue_calls_blp.route("/<int:queue_id>/calls")
class QueueCalls(MethodView):
    @login_required()
    @queue_calls_blp.arguments(QueueCallQueryArgsSchema, location="query")
    @queue_calls_blp.response(200, QueueCallSchema(many=True))
    @queue_calls_blp.paginate()
    def get(self, args, queue_id, pagination_parameters):
        """The queue's call log, newest first: answered, abandoned, transferred, timed out,
        callback requested. `missed=true` lists only the missed ones."""
        queue = _watched_queue(queue_id)
        db = db_session()
        stmt = callbacks.call_log(queue.tenant_id, [queue.id], missed=args["missed"])
        return [callbacks.call_view(c) for c in paginate_select(db, stmt, pagination_parameters)]


@queue_calls_blp.route("/<int:queue_id>/callbacks")
class QueueCallbacks(MethodView):
    @login_required()
    @queue_calls_blp.response(200, CallbackSchema(many=True))
    def get(self, queue_id):
        """The queue's open callback list, the longest waiting first."""
        queue = _watched_queue(queue_id)
        return callbacks.open_callbacks(db_session(), queue.tenant_id, [queue.id],
                                        current().user_id)

    @login_required()
    @queue_calls_blp.arguments(CallbackSchema)
    @queue_calls_blp.response(201, CallbackSchema)
    def post(self, body, queue_id):
        """Put a caller on the queue's callback list by hand. When the queue's
        `callback_notify` says so, the other members hear of it by SMS or e-mail."""
        queue = _watched_queue(queue_id)
        db, p = db_session(), current()
        entry = callbacks.add_callback(db, p.tenant, queue, body["caller_number"],
                                       body.get("caller_name"))
        outbox = Outbox()
        callbacks.notify_added(db, notify.in_app(current_app), outbox, p.tenant, queue, entry,
                               p.user_id)
        outbox.after_response()
        return callbacks.callback_view(entry, queue.name)


def _watched_callback(callback_id: int):
    db = db_session()
    entry = callbacks.get_callback(db, current().tenant_id, callback_id)
    queue = _watched_queue(entry.queue_id)
    return entry, queue


@queue_calls_blp.route("/callbacks/<int:callback_id>/start")
class CallbackStart(MethodView):
    @login_required()
    @queue_calls_blp.response(200, CallbackSchema)
    def post(self, callback_id):
        """Start calling a caller back: the attempt is counted and the entry is yours until
        you mark it answered or unanswered."""
        entry, queue = _watched_callback(callback_id)
        callbacks.start_callback(db_session(), entry, current().user_id)
        return callbacks.callback_view(entry, queue.name)


@queue_calls_blp.route("/callbacks/<int:callback_id>/result")
class CallbackResult(MethodView):
    @login_required()
    @queue_calls_blp.arguments(CallbackResultSchema)
    @queue_calls_blp.response(200, CallbackSchema)
    def post(self, body, callback_id):
        """Mark your callback answered (the entry leaves the list) or unanswered (it stays,
        with the attempt counted)."""
        entry, queue = _watched_callback(callback_id)
        callbacks.finish_callback(db_session(), entry, current().user_id, body["answered"])
        return callbacks.callback_view(entry, queue.name)


@queue_calls_blp.route("/callbacks/<int:callback_id>")
class CallbackById(MethodView):
    @login_required()
    @queue_calls_blp.response(204)
    def delete(self, callback_id):
        """Take a caller off the callback list by hand (not while a colleague is calling
        them back)."""
        entry, _queue = _watched_callback(callback_id)
        callbacks.delete_callback(db_session(), entry)


@queue_calls_blp.route("/calls/<int:call_id>/tags")
class QueueCallTags(MethodView):
    @login_required()
    @queue_calls_blp.arguments(TagsSchema)
    @queue_calls_blp.response(200, QueueCallSchema)
    def put(self, body, call_id):
        """Tag a queue call during it or after (the queue log keeps the tags): the member
        who answered it, or a team leader. The list replaces the call's tags."""
        call = switchboard.set_tags(db_session(), current(), call_id, body["tags"])
        return callbacks.call_view(call)
