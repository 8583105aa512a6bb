"""A queue's own audio instead of text-to-speech: the welcome callers hear when they enter
(`greeting`) and the message repeated while they wait (`message`). Queue administrators
upload and remove them; the queue's members, its team leaders and administrators may play
them. Stored and converted like voicemail greetings (8 kHz mono WAV); without a file the
gateway speaks the queue's text as before. Anyone else gets a 404, as for a queue that does
not exist."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..accounts import permissions as perms
from ..core.auth import login_required
from ..core.errors import NotFound
from ..core.request_db import db_session
from . import services
from .models import QUEUE_AUDIO_KINDS
from .queue_routes import queue_box
from .routes import AUDIO, UPLOAD, streamed
from .schemas import GreetingSchema

blp = Blueprint("queue_audio", __name__, url_prefix="/api/v1/queues/<int:queue_id>/audio",
                description="A queue's uploaded welcome and waiting message")

NONE = {"greeting": N_("The queue has no uploaded welcome: callers hear its text spoken"),
        "message": N_("The queue has no uploaded waiting message: callers hear its text "
                      "spoken")}
SAID = {"greeting": "the welcome callers hear when they enter the queue",
        "message": "the message repeated while callers wait"}


def _row(tenant_id: int, queue_id: int, kind: str):
    try:
        return services.greeting(db_session(), tenant_id, None, kind, queue_id)
    except NotFound:
        raise NotFound(NONE[kind]) from None


def _audio_view(kind: str) -> type:
    """The view of one kind of a queue's audio: `/audio/greeting` and `/audio/message`."""

    class QueueAudio(MethodView):
        @login_required(perms.MANAGE_QUEUES)
        @blp.doc(**UPLOAD)
        @blp.response(200, GreetingSchema)
        def put(self, queue_id):
            tenant_id, queue_id = queue_box(queue_id)
            return services.save_greeting(db_session(), services.store(current_app),
                                          tenant_id, None, kind,
                                          request.get_data(cache=False), queue_id)

        @login_required()
        @blp.doc(responses=AUDIO)
        def get(self, queue_id):
            tenant_id, queue_id = queue_box(queue_id)
            row = _row(tenant_id, queue_id, kind)
            return streamed(services.store(current_app).path(tenant_id, None, row.file,
                                                             queue_id))

        @login_required(perms.MANAGE_QUEUES)
        @blp.response(204)
        def delete(self, queue_id):
            tenant_id, queue_id = queue_box(queue_id)
            _row(tenant_id, queue_id, kind)
            services.delete_greeting(db_session(), tenant_id, None, kind, queue_id)

    said = SAID[kind]
    QueueAudio.put.__doc__ = (f"Upload {said} (queue administrators), played instead of the "
                              f"queue's text.\n\nBad audio (not a sound file, silent, too "
                              f"short or too long) is a 422.")
    QueueAudio.get.__doc__ = f"Listen to {said} (WAV, with HTTP Range)."
    QueueAudio.delete.__doc__ = (f"Remove {said}: callers hear the queue's text spoken "
                                 f"again (queue administrators).")
    QueueAudio.__name__ = f"QueueAudio_{kind}"
    return QueueAudio


for _kind in QUEUE_AUDIO_KINDS:
    blp.route(f"/{_kind}", endpoint=f"queue_audio_{_kind}")(_audio_view(_kind))
