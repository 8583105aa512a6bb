"""A queue's mailbox: the messages its overflow to voicemail recorded, for the queue's
members, its team leaders and the queue administrators. One mailbox shared by all of them:
a message one of them marks heard is heard for everyone, one deleted is gone for everyone.
Anyone else (another company, a colleague outside the queue) gets a 404, as for a queue that
does not exist."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.errors import NotFound
from ..core.pagination import paginate_select
from ..core.request_db import db_session
from ..queues.models import Queue
from ..queues.services import is_member
from . import services
from .models import QUEUE_MAILBOX_KIND as KIND
from .routes import AUDIO, UPLOAD, streamed
from .schemas import (GreetingSchema, VoicemailMessageSchema, VoicemailQueryArgsSchema,
                      VoicemailUpdateSchema)


blp = Blueprint("queue_voicemail", __name__, url_prefix="/api/v1/queues/<int:queue_id>/voicemail",
                description="A queue's mailbox: messages callers left when the wait was over")


def queue_box(queue_id: int) -> tuple:
    """(tenant id, queue id) of a queue whose mailbox the caller may open; else 404."""
    p, db = current(), db_session()
    queue = get_scoped(db, Queue, queue_id, p.tenant_id, "queue")
    if not (p.can(perms.MANAGE_QUEUES) or p.can(perms.LOG_OTHERS_IN_QUEUES)
            or is_member(db, queue, p.user_id)):
        raise NotFound(N_("No queue with id {id}"), values={"id": queue_id})
    return p.tenant_id, queue.id


@blp.route("")
class QueueMessages(MethodView):
    @login_required()
    @blp.arguments(VoicemailQueryArgsSchema, location="query")
    @blp.response(200, VoicemailMessageSchema(many=True))
    @blp.paginate()
    def get(self, args, queue_id, pagination_parameters):
        """The queue's messages, newest first (`unread=true`: those nobody heard yet)."""
        tenant_id, queue_id = queue_box(queue_id)
        db = db_session()
        services.make_room(db, services.store(current_app), tenant_id, None, queue_id)
        return paginate_select(db, services.listing(tenant_id, None, args.get("unread"),
                                                    queue_id), pagination_parameters)


@blp.route("/<int:queue_message_id>")
class QueueMessage(MethodView):
    @login_required()
    @blp.response(200, VoicemailMessageSchema)
    def get(self, queue_id, queue_message_id):
        """One of the queue's messages."""
        tenant_id, queue_id = queue_box(queue_id)
        return services.get_message(db_session(), tenant_id, None, queue_message_id, queue_id)

    @login_required()
    @blp.arguments(VoicemailUpdateSchema)
    @blp.response(200, VoicemailMessageSchema)
    def patch(self, body, queue_id, queue_message_id):
        """Mark a message heard or not heard, for every member of the queue."""
        tenant_id, queue_id = queue_box(queue_id)
        return services.set_heard(db_session(), tenant_id, None, queue_message_id, body["heard"],
                                  queue_id)

    @login_required()
    @blp.response(204)
    def delete(self, queue_id, queue_message_id):
        """Delete a message and its audio, for every member of the queue."""
        tenant_id, queue_id = queue_box(queue_id)
        services.delete_message(db_session(), tenant_id, None, queue_message_id, queue_id)


@blp.route("/<int:queue_message_id>/audio")
class QueueMessageAudio(MethodView):
    @login_required()
    @blp.doc(responses=AUDIO)
    def get(self, queue_id, queue_message_id):
        """Listen to a message: WAV, with HTTP Range (does not mark it heard)."""
        tenant_id, queue_id = queue_box(queue_id)
        row = services.get_message(db_session(), tenant_id, None, queue_message_id, queue_id)
        return streamed(services.audio_path(services.store(current_app), row))


@blp.route("/greeting")
class QueueGreeting(MethodView):
    @login_required(perms.MANAGE_QUEUES)
    @blp.doc(**UPLOAD)
    @blp.response(200, GreetingSchema)
    def put(self, queue_id):
        """Upload the greeting callers hear when the queue sends them to its mailbox
        (queue administrators); bad audio is a 422."""
        tenant_id, queue_id = queue_box(queue_id)
        return services.save_greeting(db_session(), services.store(current_app), tenant_id,
                                      None, KIND, request.get_data(cache=False), queue_id)

    @login_required()
    @blp.doc(responses=AUDIO)
    def get(self, queue_id):
        """Listen to the queue's greeting (WAV, with HTTP Range)."""
        tenant_id, queue_id = queue_box(queue_id)
        row = services.greeting(db_session(), tenant_id, None, KIND, queue_id)
        return streamed(services.store(current_app).path(tenant_id, None, row.file, queue_id))

    @login_required(perms.MANAGE_QUEUES)
    @blp.response(204)
    def delete(self, queue_id):
        """Remove the queue's greeting: callers hear the spoken default naming the queue."""
        tenant_id, queue_id = queue_box(queue_id)
        services.delete_greeting(db_session(), tenant_id, None, KIND, queue_id)
