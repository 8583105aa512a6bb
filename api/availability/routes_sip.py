"""SIP credentials of devices: an administrator rotates any device's, a user their softphone's."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from i18n import N_

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.errors import NotFound
from ..core.request_db import db_session
from . import sipcreds
from .models import Device
from .schemas import SipCredentialsSchema

sip_blp = Blueprint("sip_credentials", __name__, url_prefix="/api/v1",
                    description="SIP credentials: how a softphone or desk phone registers")


def _issue(db, row, first: bool = False):
    settings = current_app.config["SETTINGS"]
    fn = sipcreds.first_issue if first else sipcreds.issue
    return fn(db, row, settings.sip_realm, settings.sip_registrar)


def with_credentials(db, row: Device) -> Device:
    """The device as saved, with its SIP credentials if it just got them."""
    return _issue(db, row, first=True)


@sip_blp.route("/devices/<int:phone_device_id>/sip-credentials")
class DeviceSipCredentials(MethodView):
    @login_required(perms.MANAGE_DEVICES)
    @sip_blp.response(201, SipCredentialsSchema)
    def post(self, phone_device_id):
        """A new SIP password for a device (shown once; the old one stops working)."""
        db = db_session()
        row = get_scoped(db, Device, phone_device_id, current().tenant_id, "device")
        return _issue(db, row)


@sip_blp.route("/me/devices/<int:phone_device_id>/sip-credentials")
class MySipCredentials(MethodView):
    @login_required()
    @sip_blp.response(201, SipCredentialsSchema)
    def post(self, phone_device_id):
        """A new SIP password for my softphone, so the app can register as it (shown once)."""
        db = db_session()
        row = get_scoped(db, Device, phone_device_id, current().tenant_id, "device")
        if row.user_id != current().user_id or row.kind != "softphone":
            raise NotFound(N_("no softphone of yours with this id"))
        return _issue(db, row)
