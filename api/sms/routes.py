"""Webhooks the SMS gateway calls: incoming SMS and delivery reports."""
from __future__ import annotations

import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..core.apidoc import PUBLIC
from ..core.request_db import db_session
from ..core.errors import Forbidden, Phrase, ValidationFailed
from . import services
from .gateway import BadInbound
from .outbox import Outbox
from .schemas import (DeliveryReportQuerySchema, KannelInboundQuerySchema,
                      KannelPostHeadersSchema, WebhookAnswerSchema)

blp = Blueprint("sms", __name__, url_prefix="/api/v1/sms",
                description="Webhooks for the SMS gateway (Kannel): incoming SMS and delivery "
                            "reports. Authenticated by a shared secret and/or the caller's address.")

ANSWER = {"status": "received"}
_FORBIDDEN = "This webhook is for the SMS gateway only"


def _runtime() -> services.SmsRuntime:
    rt = services.runtime(current_app)
    secret = rt.config.webhook_secret
    if secret:
        given = request.args.get("secret") or request.headers.get("X-Webhook-Secret") or ""
        if not hmac.compare_digest(given.encode(), secret.encode()):
            raise Forbidden(_FORBIDDEN)
    if rt.config.allowed_ips and request.remote_addr not in rt.config.allowed_ips:
        raise Forbidden(_FORBIDDEN)
    return rt


def _receive(rt: services.SmsRuntime, query, headers, body: str) -> dict:
    try:
        sms = rt.gateway.parse_inbound(query, headers, body)
    except BadInbound as exc:
        raise ValidationFailed(N_("Not an SMS: {reason}"), values={"reason": Phrase(str(exc))})
    outbox = Outbox()
    services.receive(db_session(), rt, sms, outbox)
    outbox.after_response()
    return ANSWER


@blp.route("/inbound")
class Inbound(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(KannelInboundQuerySchema, location="query")
    @blp.response(200, WebhookAnswerSchema)
    def get(self, _args):
        """An incoming SMS from Kannel's sms-service `get-url`.

        Answers the same whatever the message says and whoever sent it; the same SMS
        delivered twice (gateway retries) is handled once. Replies go out by SMS afterwards.
        """
        return _receive(_runtime(), request.args, request.headers, "")

    @blp.doc(**PUBLIC, requestBody={"content": {"text/plain": {"schema": {"type": "string"}}}})
    @blp.arguments(KannelPostHeadersSchema, location="headers")
    @blp.response(200, WebhookAnswerSchema)
    def post(self, _headers):
        """An incoming SMS from Kannel's sms-service `post-url` (text in the body)."""
        rt = _runtime()
        body = request.get_data(cache=False)[:8000].decode("utf-8", "replace")
        return _receive(rt, request.args, request.headers, body)


@blp.route("/reports")
class Reports(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(DeliveryReportQuerySchema, location="query")
    @blp.response(200, WebhookAnswerSchema)
    def get(self, _args):
        """A delivery report from Kannel's `dlr-url`: the message's state moves forward."""
        rt = _runtime()
        report = rt.gateway.parse_report(request.args)
        if report is not None:
            services.record_report(db_session(), report.ref, report.state, report.detail)
        return ANSWER
