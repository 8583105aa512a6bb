"""Voicemail: my messages (listen with seeking, mark heard, delete), my greetings, and the
company's retention (administrators)."""
from __future__ import annotations

import os

from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..accounts.permissions import MANAGE_TENANT
from ..core.auth import current, login_required
from ..core.errors import NotFound
from ..core.pagination import paginate_select
from ..core.request_db import db_session
from . import audio, services
from .models import GREETING_KINDS
from .schemas import (GreetingSchema, MailboxSettingsSchema, VoicemailMessageSchema, VoicemailQueryArgsSchema,
                      VoicemailSettingsSchema, VoicemailUpdateSchema)

blp = Blueprint("voicemail", __name__, url_prefix="/api/v1/me/voicemail",
                description="My voicemail: messages callers left, my greetings")
admin_blp = Blueprint("voicemail_admin", __name__, url_prefix="/api/v1/voicemail",
                      description="The company's voicemail retention")

AUDIO = {"200": {"description": "The audio (audio/wav); with a Range header, 206 and the "
                                "part asked for (416 when the range is outside the file)",
                 "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}}}
UPLOAD = {"requestBody": {"required": True, "description": (
    f"The greeting itself as the body: {audio.READABLE}, up to 8 MB and "
    f"{audio.MAX_GREETING_S} seconds, known by its content (the Content-Type is not "
    "trusted); stored as 8 kHz mono WAV, as callers hear it"),
    # any Content-Type: the audio is known by its bytes
    "content": {"application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}}}


def _badge(db, p) -> None:
    """Every phone of the user shows the unread count that is now true (a badge-only push),
    and their desk phones' message-waiting lamps follow (`mwi`)."""
    notifier = current_app.extensions.get("push")
    if notifier is not None:
        notifier.voicemail_count(p.tenant_id, p.user_id,
                                 services.unread_count(db, p.tenant_id, p.user_id))
    services.light_lamps(current_app, db, p.tenant_id, p.user_id)


def streamed(path: str):
    if not os.path.exists(path):
        raise NotFound(N_("The audio of this message is gone"))
    response = send_file(path, mimetype=audio.CONTENT_TYPE, conditional=True, etag=True,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("")
class Messages(MethodView):
    @login_required()
    @blp.arguments(VoicemailQueryArgsSchema, location="query")
    @blp.response(200, VoicemailMessageSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """My voicemail messages, newest first.

        Each names the caller as the call log does (the who's-calling hit), why the call
        came to voicemail (no answer, busy, the profile) and how long the message lasts.
        `unread=true` lists only those not heard yet; `GET /me` has the unread count."""
        p, db = current(), db_session()
        services.make_room(db, services.store(current_app), p.tenant_id, p.user_id)
        return paginate_select(db, services.listing(p.tenant_id, p.user_id,
                                                    args.get("unread")),
                               pagination_parameters)


@blp.route("/settings")
class MailboxSettings(MethodView):
    @login_required()
    @blp.response(200, MailboxSettingsSchema)
    def get(self):
        """Whether new messages also come to me by e-mail (the audio attached)."""
        return services.mailbox_settings(current().user)

    @login_required()
    @blp.arguments(MailboxSettingsSchema)
    @blp.response(200, MailboxSettingsSchema)
    def put(self, body):
        """Turn the e-mail copy of new messages on or off (needs an e-mail address in my
        profile)."""
        return services.save_mailbox_settings(db_session(), current().user,
                                              body["email_copy"])


@blp.route("/<int:message_id>")
class Message(MethodView):
    @login_required()
    @blp.response(200, VoicemailMessageSchema)
    def get(self, message_id):
        """One of my messages."""
        p = current()
        return services.get_message(db_session(), p.tenant_id, p.user_id, message_id)

    @login_required()
    @blp.arguments(VoicemailUpdateSchema)
    @blp.response(200, VoicemailMessageSchema)
    def patch(self, body, message_id):
        """Mark a message heard or not heard (the unread count and the badge follow)."""
        p, db = current(), db_session()
        row = services.set_heard(db, p.tenant_id, p.user_id, message_id, body["heard"])
        _badge(db, p)
        return row

    @login_required()
    @blp.response(204)
    def delete(self, message_id):
        """Delete a message and its audio."""
        p, db = current(), db_session()
        services.delete_message(db, p.tenant_id, p.user_id, message_id)
        _badge(db, p)


@blp.route("/<int:message_id>/audio")
class MessageAudio(MethodView):
    @login_required()
    @blp.doc(responses=AUDIO)
    def get(self, message_id):
        """Listen to a message: WAV, with HTTP Range so the phone can seek.

        Listening does not mark it heard: the app says so with PATCH."""
        p = current()
        row = services.get_message(db_session(), p.tenant_id, p.user_id, message_id)
        return streamed(services.audio_path(services.store(current_app), row))


@blp.route("/greetings")
class Greetings(MethodView):
    @login_required()
    @blp.response(200, GreetingSchema(many=True))
    def get(self):
        """My own greetings; a situation without one plays the spoken default."""
        p = current()
        return services.greetings(db_session(), p.tenant_id, p.user_id)


def _greeting_view(kind: str) -> type:
    """The view of one kind of greeting: `/greetings/unavailable`, `/busy` and `/away` are
    routes of their own (a closed list, not an id)."""

    class Greeting(MethodView):
        @login_required()
        @blp.doc(**UPLOAD)
        @blp.response(200, GreetingSchema)
        def put(self):
            p = current()
            return services.save_greeting(db_session(), services.store(current_app),
                                          p.tenant_id, p.user_id, kind,
                                          request.get_data(cache=False))

        @login_required()
        @blp.doc(responses=AUDIO)
        def get(self):
            p, files = current(), services.store(current_app)
            row = services.greeting(db_session(), p.tenant_id, p.user_id, kind)
            return streamed(files.path(p.tenant_id, p.user_id, row.file))

        @login_required()
        @blp.response(204)
        def delete(self):
            p = current()
            services.delete_greeting(db_session(), p.tenant_id, p.user_id, kind)

    said = GREETING_SITUATIONS[kind]
    Greeting.put.__doc__ = (f"Upload my greeting for {said}.\n\nBad audio (not a sound "
                            "file, damaged, silent, too long or too short) is a 422.")
    Greeting.get.__doc__ = f"Listen to my greeting for {said} (WAV, with HTTP Range)."
    Greeting.delete.__doc__ = (f"Remove my greeting for {said}: callers hear the spoken "
                               "default again.")
    Greeting.__name__ = Greeting.__qualname__ = f"Greeting{kind.capitalize()}"
    return Greeting


GREETING_SITUATIONS = {"unavailable": "when I do not answer",
                       "busy": "when I am in another call",
                       "away": "when my profile sends callers to voicemail"}
for _kind in GREETING_KINDS:
    blp.route(f"/greetings/{_kind}", endpoint=f"greeting_{_kind}")(_greeting_view(_kind))


@admin_blp.route("/settings")
class Settings(MethodView):
    @login_required()
    @admin_blp.response(200, VoicemailSettingsSchema)
    def get(self):
        """The company's voicemail retention."""
        return services.settings(db_session(), current().tenant_id)

    @login_required(MANAGE_TENANT)
    @admin_blp.arguments(VoicemailSettingsSchema)
    @admin_blp.response(200, VoicemailSettingsSchema)
    def put(self, body):
        """Set how old and how many messages a mailbox keeps (administrators)."""
        return services.save_settings(db_session(), current().tenant_id, body)
