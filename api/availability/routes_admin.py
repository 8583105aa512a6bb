"""Administrators: users' devices and the company's main numbers."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..accounts.models import User
from ..audit.recorder import change, created
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from .models import Device, MainNumber
from .numbers import list_devices, list_main_numbers, save_device, save_main_number
from .routes_sip import with_credentials
from .schemas import (DeviceSchema, DeviceUpdateSchema, MainNumberSchema,
                      MainNumberUpdateSchema)
from .services import remove

admin_blp = Blueprint("devices", __name__, url_prefix="/api/v1",
                      description="Users' devices: softphone, desk phone, mobile (MEX)")
numbers_blp = Blueprint("main_numbers", __name__, url_prefix="/api/v1/main-numbers",
                        description="The company's main numbers (switchboard numbers)")


@admin_blp.route("/users/<int:user_id>/devices")
class UserDevices(MethodView):
    @login_required(perms.MANAGE_DEVICES)
    @admin_blp.response(200, DeviceSchema(many=True))
    def get(self, user_id):
        """A user's devices."""
        db = db_session()
        get_scoped(db, User, user_id, current().tenant_id, "user")
        return list_devices(db, current().tenant_id, user_id)

    @login_required(perms.MANAGE_DEVICES)
    @admin_blp.arguments(DeviceSchema)
    @admin_blp.response(201, DeviceSchema)
    def post(self, body, user_id):
        """Give a user a device: a softphone or desk phone (SIP address) or a mobile."""
        db = db_session()
        get_scoped(db, User, user_id, current().tenant_id, "user")
        row = with_credentials(db, save_device(db, current().tenant, user_id, None, body))
        created(db, current(), "device", row, user_id=user_id)
        return row


@admin_blp.route("/devices/<int:phone_device_id>")
class DeviceById(MethodView):
    @login_required(perms.MANAGE_DEVICES)
    @admin_blp.response(200, DeviceSchema)
    def get(self, phone_device_id):
        """One device."""
        return get_scoped(db_session(), Device, phone_device_id, current().tenant_id, "device")

    @login_required(perms.MANAGE_DEVICES)
    @admin_blp.arguments(DeviceUpdateSchema)
    @admin_blp.response(200, DeviceSchema)
    def patch(self, body, phone_device_id):
        """Change a device (address, MEX on or off, enabled)."""
        db = db_session()
        row = get_scoped(db, Device, phone_device_id, current().tenant_id, "device")
        with change(db, current(), "device", row, user_id=row.user_id):
            return with_credentials(db, save_device(db, current().tenant, row.user_id, row,
                                                    body))

    @login_required(perms.MANAGE_DEVICES)
    @admin_blp.response(204)
    def delete(self, phone_device_id):
        """Remove a device."""
        db = db_session()
        row = get_scoped(db, Device, phone_device_id, current().tenant_id, "device")
        with change(db, current(), "device", row, deleting=True, user_id=row.user_id):
            remove(db, row)


@numbers_blp.route("")
class MainNumbers(MethodView):
    @login_required()
    @numbers_blp.response(200, MainNumberSchema(many=True))
    def get(self):
        """The company's main numbers."""
        return list_main_numbers(db_session(), current().tenant_id)

    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.arguments(MainNumberSchema)
    @numbers_blp.response(201, MainNumberSchema)
    def post(self, body):
        """Add a main number (any common format; stored in E.164)."""
        db = db_session()
        row = save_main_number(db, current().tenant, None, body)
        created(db, current(), "main_number", row)
        return row


@numbers_blp.route("/<int:main_number_id>")
class MainNumberById(MethodView):
    @login_required()
    @numbers_blp.response(200, MainNumberSchema)
    def get(self, main_number_id):
        """One main number."""
        return get_scoped(db_session(), MainNumber, main_number_id, current().tenant_id,
                          "main number")

    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.arguments(MainNumberUpdateSchema)
    @numbers_blp.response(200, MainNumberSchema)
    def patch(self, body, main_number_id):
        """Change a main number or its label."""
        db = db_session()
        row = get_scoped(db, MainNumber, main_number_id, current().tenant_id, "main number")
        with change(db, current(), "main_number", row):
            return save_main_number(db, current().tenant, row, body)

    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.response(204)
    def delete(self, main_number_id):
        """Remove a main number."""
        db = db_session()
        row = get_scoped(db, MainNumber, main_number_id, current().tenant_id, "main number")
        with change(db, current(), "main_number", row, deleting=True):
            db.delete(row)
            db.commit()
