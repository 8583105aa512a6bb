"""A queue's call log, missed queue calls and the manual callback list."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from . import callbacks, services
from .models import Queue
from .schemas import (CallbackResultSchema, CallbackSchema, QueueCallQueryArgsSchema,
                      QueueCallSchema)

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
        """Put a caller on the queue's callback list by hand."""
        queue = _watched_queue(queue_id)
        entry = callbacks.add_callback(db_session(), current().tenant, queue,
                                       body["caller_number"], body.get("caller_name"))
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
