"""Queues: settings and members (administrators), live status, and team leaders logging
colleagues in and out."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.not_found import not_found
from . import memberprefs, membership, services, status
from .models import Queue
from .schemas import (MemberSchema, MemberUpdateSchema, MyQueueSchema, QueueSchema,
                      QueueStatusSchema, QueueUpdateSchema, SelectionSchema,
                      ServiceNumberSchema)

queues_blp = Blueprint("queues", __name__, url_prefix="/api/v1/queues",
                       description="Queues: settings, members, live status, log in/out others")


def _queue(queue_id: int) -> Queue:
    return get_scoped(db_session(), Queue, queue_id, current().tenant_id, "queue")


def _visible(queue: Queue) -> Queue:
    """Hidden queues exist only for their members and the queue administrators."""
    p = current()
    if queue.hide_from_switchboard and not p.can(perms.MANAGE_QUEUES) \
            and not services.is_member(db_session(), queue, p.user_id):
        raise not_found("queue", queue.id)
    return queue


def _member_views(queue: Queue) -> list[dict]:
    db = db_session()
    memberprefs.settle_queue(db, queue.tenant_id, queue.id)
    rows = services.members_with_users(db, queue)
    snap = status.snapshot(db, queue.tenant_id, [queue.id])
    return [status.member_view(m, u, snap.state(m)) for m, u in rows]


@queues_blp.route("")
class Queues(MethodView):
    @login_required()
    @queues_blp.response(200, QueueStatusSchema(many=True))
    def get(self):
        """The company's queues with live status (hidden ones only for administrators)."""
        db = db_session()
        p = current()
        queues = services.list_queues(db, p.tenant_id,
                                      include_hidden=p.can(perms.MANAGE_QUEUES))
        live = status.statuses(db, p.tenant_id, queues)
        return [live[q.id] for q in queues]

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.arguments(QueueSchema)
    @queues_blp.response(201, QueueSchema)
    def post(self, body):
        """Create a queue with its settings; the number may be given in any common format."""
        return services.create_queue(db_session(), current().tenant, body)


@queues_blp.route("/service-number")
class ServiceNumber(MethodView):
    @login_required()
    @queues_blp.response(200, ServiceNumberSchema)
    def get(self):
        """The company's queue service number (remote login): call it from your mobile or a
        registered phone to log in to or out of your default queues."""
        return {"number": services.service_number(db_session(), current().tenant_id)}

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.arguments(ServiceNumberSchema)
    @queues_blp.response(200, ServiceNumberSchema)
    def put(self, body):
        """Set or clear the queue service number."""
        return {"number": services.set_service_number(db_session(), current().tenant,
                                                      body["number"])}


@queues_blp.route("/<int:queue_id>")
class QueueById(MethodView):
    @login_required()
    @queues_blp.response(200, QueueSchema)
    def get(self, queue_id):
        """One queue's settings."""
        return _visible(_queue(queue_id))

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.arguments(QueueUpdateSchema)
    @queues_blp.response(200, QueueSchema)
    def patch(self, body, queue_id):
        """Change a queue's settings."""
        return services.update_queue(db_session(), current().tenant, _queue(queue_id), body)

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.response(204)
    def delete(self, queue_id):
        """Delete a queue with its members, log and callback list."""
        services.delete_queue(db_session(), _queue(queue_id))


@queues_blp.route("/<int:queue_id>/status")
class QueueStatus(MethodView):
    @login_required()
    @queues_blp.response(200, QueueStatusSchema)
    def get(self, queue_id):
        """Live status: calls waiting, longest wait, members logged in / available / in
        wrap-up / in a call / paused."""
        queue = _visible(_queue(queue_id))
        return status.statuses(db_session(), queue.tenant_id, [queue], scope="one",
                               qid=queue.id)[queue.id]


@queues_blp.route("/<int:queue_id>/members")
class Members(MethodView):
    @login_required()
    @queues_blp.response(200, MemberSchema(many=True))
    def get(self, queue_id):
        """The queue's members with priority and live state (members, team leaders and
        administrators)."""
        queue = _queue(queue_id)
        services.check_can_watch(db_session(), current(), queue)
        return _member_views(queue)


@queues_blp.route("/<int:queue_id>/members/<int:user_id>")
class MemberById(MethodView):
    @login_required()
    @queues_blp.response(200, MemberSchema)
    def get(self, queue_id, user_id):
        """One member's priority and live state."""
        queue = _queue(queue_id)
        services.check_can_watch(db_session(), current(), queue)
        services.get_user(db_session(), queue.tenant_id, user_id)
        services.get_member(db_session(), queue, user_id)
        return next(v for v in _member_views(queue) if v["user_id"] == user_id)

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.arguments(MemberUpdateSchema)
    @queues_blp.response(200, MemberSchema)
    def put(self, body, queue_id, user_id):
        """Add a user to the queue, or change their priority (0 is the highest), whether
        remote login includes this queue and their login schedule. New members start logged
        out (a schedule logs them in at once inside one of its windows)."""
        queue = _queue(queue_id)
        services.set_member(db_session(), queue, user_id, body)
        return next(v for v in _member_views(queue) if v["user_id"] == user_id)

    @login_required(perms.MANAGE_QUEUES)
    @queues_blp.response(204)
    def delete(self, queue_id, user_id):
        """Remove a member from the queue."""
        services.remove_member(db_session(), _queue(queue_id), user_id)


def _log_one(queue_id: int, user_id: int, logged_in: bool) -> dict:
    queue = _queue(queue_id)
    db = db_session()
    services.get_user(db, queue.tenant_id, user_id)
    services.get_member(db, queue, user_id)
    membership.set_login(db, queue.tenant_id, user_id, [queue.id], logged_in,
                         by_user_id=current().user_id)
    return next(v for v in _member_views(queue) if v["user_id"] == user_id)


@queues_blp.route("/<int:queue_id>/members/<int:user_id>/login")
class MemberLogin(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queues_blp.response(200, MemberSchema)
    def post(self, queue_id, user_id):
        """Log a colleague in to this queue (permission log_others_in_queues)."""
        return _log_one(queue_id, user_id, True)


@queues_blp.route("/<int:queue_id>/members/<int:user_id>/logout")
class MemberLogout(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queues_blp.response(200, MemberSchema)
    def post(self, queue_id, user_id):
        """Log a colleague out of this queue (permission log_others_in_queues)."""
        return _log_one(queue_id, user_id, False)


@queues_blp.route("/members/<int:user_id>")
class ColleagueQueues(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queues_blp.response(200, MyQueueSchema(many=True))
    def get(self, user_id):
        """A colleague's queues with live status and their state in each."""
        db = db_session()
        services.get_user(db, current().tenant_id, user_id)
        return status.my_queues(db, current().tenant_id, user_id)


def _log_colleague(body: dict, user_id: int, logged_in: bool) -> list[dict]:
    db = db_session()
    p = current()
    membership.set_login(db, p.tenant_id, user_id, body.get("queue_ids"), logged_in,
                         by_user_id=p.user_id)
    return status.my_queues(db, p.tenant_id, user_id)


@queues_blp.route("/members/<int:user_id>/login")
class ColleagueLogin(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queues_blp.arguments(SelectionSchema)
    @queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body, user_id):
        """Log a colleague in to several queues at once (leave queue_ids out for all)."""
        return _log_colleague(body, user_id, True)


@queues_blp.route("/members/<int:user_id>/logout")
class ColleagueLogout(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queues_blp.arguments(SelectionSchema)
    @queues_blp.response(200, MyQueueSchema(many=True))
    def post(self, body, user_id):
        """Log a colleague out of several queues at once (leave queue_ids out for all)."""
        return _log_colleague(body, user_id, False)
