"""Messages: send SMS from the app, see how they fared, preview a text's length."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.permissions import MANAGE_TENANT, SEND_SMS
from ..core.auth import current, login_required
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from ..core.schemas import IdempotencyHeadersSchema
from ..sms import encoding
from ..sms.outbox import Outbox
from . import services
from .schemas import (MessageHistoryQueryArgsSchema, MessageCreateSchema, MessageSchema,
                      MessagePreviewSchema, MessageSenderSchema, MessageSettingsSchema, MessageTextSchema)

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages",
                description="SMS from the app with the company's name or a number as sender; "
                            "length preview, history with delivery states")
me_blp = Blueprint("messages_me", __name__, url_prefix="/api/v1/me",
                   description="My sent messages")


@blp.route("")
class Messages(MethodView):
    @login_required(SEND_SMS)
    @blp.arguments(IdempotencyHeadersSchema, location="headers")
    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageSchema)
    def post(self, headers, body):
        """Send a text to numbers, contacts, colleagues and recipient groups.

        Every recipient gets one SMS (a number named twice gets one). The message and a
        state per recipient are recorded first and answered at once (`queued`); the SMS go
        out right after, and Kannel's delivery reports move each recipient on to `accepted`,
        `delivered` or `failed`. A number that texted STOP to the company is skipped
        (`opted_out`). Over the user's or the company's hourly or daily limit the whole
        message is refused (429) and nothing is sent. Repeating the request with the same
        Idempotency-Key (a retried tap) returns the message already sent and sends nothing.
        """
        p, outbox = current(), Outbox()
        message = services.send(db_session(), current_app, p.tenant, p.user_id, body, outbox,
                                headers.get("idempotency_key"))
        outbox.after_response()
        return message

    @login_required(MANAGE_TENANT)
    @blp.arguments(MessageHistoryQueryArgsSchema, location="query")
    @blp.response(200, MessageSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The company's messages, newest first (administrators)."""
        return paginate_select(db_session(), services.history(current().tenant_id,
                                                              args.get("user_id")),
                               pagination_parameters)


@blp.route("/<int:message_id>")
class MessageById(MethodView):
    @login_required()
    @blp.response(200, MessageSchema)
    def get(self, message_id):
        """One message with each recipient's delivery state.

        Your own, or any of the company's for administrators."""
        p = current()
        return services.get_message(db_session(), p.tenant_id, message_id,
                                    None if p.can(MANAGE_TENANT) else p.user_id)


@blp.route("/preview")
class Preview(MethodView):
    @login_required()
    @blp.arguments(MessageTextSchema)
    @blp.response(200, MessagePreviewSchema)
    def post(self, body):
        """Count a text as the phone does, before sending it.

        GSM-7 or UCS-2, how many SMS, and how many places are left before another is
        needed. Sends nothing."""
        text, cfg = body["text"], services.config(current_app)
        c = encoding.count(text)
        return {"encoding": c.encoding, "characters": len(text), "units": c.units,
                "parts": c.parts, "per_part": c.per_part, "characters_left": c.left,
                "unicode_characters": list(c.unicode_characters), "max_parts": cfg.max_parts,
                "too_long": c.parts > cfg.max_parts}


@blp.route("/senders")
class Senders(MethodView):
    @login_required(SEND_SMS)
    @blp.response(200, MessageSenderSchema(many=True))
    def get(self):
        """What I may send as.

        The company's sender name, then the numbers I may show on calls. The first is used
        when a message names no sender."""
        p = current()
        return services.senders(db_session(), p.tenant, p.user_id)


@blp.route("/settings")
class Settings(MethodView):
    @login_required()
    @blp.response(200, MessageSettingsSchema)
    def get(self):
        """The company's alphanumeric sender name."""
        return services.settings(db_session(), current().tenant_id)

    @login_required(MANAGE_TENANT)
    @blp.arguments(MessageSettingsSchema)
    @blp.response(200, MessageSettingsSchema)
    def put(self, body):
        """Set the company's sender name (administrators).

        Up to 11 characters with at least one letter, or null for none."""
        return services.save_settings(db_session(), current().tenant_id, body)


@me_blp.route("/messages")
class MyMessages(MethodView):
    @login_required()
    @me_blp.response(200, MessageSchema(many=True))
    @me_blp.paginate()
    def get(self, pagination_parameters):
        """The messages I sent, newest first, with each recipient's delivery state."""
        p = current()
        return paginate_select(db_session(), services.history(p.tenant_id, p.user_id),
                               pagination_parameters)
