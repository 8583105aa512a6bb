"""The app's live event stream (Server-Sent Events)."""
from __future__ import annotations

import threading

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..accounts import permissions as perms
from ..accounts.tokens import access_token_expiry
from ..core.auth import current, login_required
from ..core.errors import AppError
from .hub import Audience, Hub
from .stream import events

events_blp = Blueprint("events", __name__, url_prefix="/api/v1/me/events",
                       description="Live events of my app session")
_HUB_LOCK = threading.Lock()

STREAM_DOC = {"200": {"description": "text/event-stream: `presence`, `call`, `transfer`, "
                      "`command`, `queue`, `missed_call`, `session_revoked` events "
                      "(data: JSON), heartbeat comments",
                      "content": {"text/event-stream": {"schema": {"type": "string"}}}}}


def hub() -> Hub:
    """This worker process's hub, made at the first stream."""
    found = current_app.extensions.get("events_hub")
    if found is None:
        with _HUB_LOCK:
            found = current_app.extensions.get("events_hub")
            if found is None:
                settings = current_app.config["SETTINGS"]
                found = Hub(current_app.extensions["engine"],
                            poll_s=settings.events_poll_ms / 1000,
                            keep_s=settings.events_replay_s)
                current_app.extensions["events_hub"] = found
    return found


def _last_event_id() -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise AppError(N_("Last-Event-ID must be the id of an event this stream sent"),
                         extra={"last_event_id": raw[:40]})
    return int(raw)


@events_blp.route("")
class MyEvents(MethodView):
    @login_required()
    @events_blp.doc(responses=STREAM_DOC)
    def get(self):
        """My live events as Server-Sent Events, for as long as my access token is valid.

        Events: `presence` (a colleague's availability, note, end or in-call changed: the
        directory's live fields), `call` (my call `ringing`, `answered`, `held`, `resumed`,
        `moved` (a transfer put another party in it) or `ended`, with the call as
        `/me/calls` shows it), `transfer` (my transfer as
        `/me/transfers/{id}` shows it; one that came back carries `why`), `command` (my
        call command done or failed), `queue` (a queue I am a member of, or lead, changed:
        its status with my own state in `me`, as `/me/queues` shows it; at most one per
        queue every 250 ms, with the latest state), `missed_call` (as my call log shows
        it), `session_revoked` (then the stream ends). Each has an `id`: reconnect with the
        `Last-Event-ID` header (or `?last_event_id=`) to receive what was missed within the
        replay window (`reset` when it is older). A comment line is sent when idle; the
        stream ends with `token_expired` when the access token expires.
        """
        p = current()
        settings = current_app.config["SETTINGS"]
        token = request.headers["Authorization"].partition(" ")[2].strip()
        expires_at = access_token_expiry(settings.secret_key, token)
        audience = Audience(p.tenant_id, p.user_id, p.session_id,
                            queue_admin=p.can(perms.MANAGE_QUEUES),
                            queue_leader=p.can(perms.LOG_OTHERS_IN_QUEUES))
        body = events(hub(), audience, _last_event_id(), expires_at,
                      settings.events_heartbeat_s)
        return Response(body, mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
