"""Push devices of the logged-in user, and the push log for administrators."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from . import services
from .schemas import (PushAttemptQueryArgsSchema, PushAttemptSchema, PushDeviceSchema,
                      PushTestSchema)

devices_blp = Blueprint("push_devices", __name__, url_prefix="/api/v1/me/push-devices",
                        description="My phones' push tokens (who's calling, missed calls)")
attempts_blp = Blueprint("push_attempts", __name__, url_prefix="/api/v1/push-attempts",
                         description="Every push delivery attempt (administrators)")


def _shown(device, session_id: int):
    device.current_session = device.session_id == session_id
    return device


@devices_blp.route("")
class PushDevices(MethodView):
    @login_required()
    @devices_blp.response(200, PushDeviceSchema(many=True))
    def get(self):
        """My registered push devices."""
        p = current()
        return [_shown(d, p.session_id)
                for d in services.my_devices(db_session(), p.tenant_id, p.user_id)]

    @login_required()
    @devices_blp.arguments(PushDeviceSchema)
    @devices_blp.response(201, PushDeviceSchema)
    def post(self, body):
        """Register this phone's push token (again after the OS hands out a new one).

        The device belongs to this login session: logging out removes it. A token another
        user registered before moves to me. iOS apps register the PushKit token (voip) for
        calls and the alert token for missed calls; Android apps their FCM token.
        """
        p = current()
        db = db_session()
        device = services.register(db, p.tenant_id, p.user_id, p.session_id, body)
        db.commit()
        return _shown(device, p.session_id)


@devices_blp.route("/test")
class PushTest(MethodView):
    @login_required()
    @devices_blp.response(202, PushTestSchema)
    def post(self):
        """Send a test push to all my devices (it shows in the push log)."""
        p = current()
        count = len(services.my_devices(db_session(), p.tenant_id, p.user_id))
        current_app.extensions["push"].test(p.tenant_id, p.user_id)
        return {"devices": count}


@devices_blp.route("/<int:device_id>")
class PushDeviceById(MethodView):
    @login_required()
    @devices_blp.response(204)
    def delete(self, device_id):
        """Stop pushes to one of my devices."""
        p = current()
        db = db_session()
        services.remove(db, p.tenant_id, p.user_id, device_id)
        db.commit()


@attempts_blp.route("")
class PushAttempts(MethodView):
    @login_required(perms.VIEW_PUSH_LOG)
    @attempts_blp.arguments(PushAttemptQueryArgsSchema, location="query")
    @attempts_blp.response(200, PushAttemptSchema(many=True))
    @attempts_blp.paginate()
    def get(self, args, pagination_parameters):
        """Push delivery attempts in the company, newest first: device, type, outcome, latency."""
        db = db_session()
        return paginate_select(db, services.attempts_query(current().tenant_id, args),
                               pagination_parameters)
