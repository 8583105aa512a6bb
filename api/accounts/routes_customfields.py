"""The company's own user fields: defined by administrators, shown to everyone."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..audit.recorder import change, created
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from . import customfields, permissions as perms
from .models import CustomField
from .schemas import CustomFieldSchema, CustomFieldUpdateSchema

fields_blp = Blueprint("custom_fields", __name__, url_prefix="/api/v1/custom-fields",
                       description="The company's own user fields (text, number, date, choice)")


@fields_blp.route("")
class CustomFields(MethodView):
    @login_required()
    @fields_blp.response(200, CustomFieldSchema(many=True))
    def get(self):
        """The fields users of this company have (their values are in `custom_fields`)."""
        return customfields.definitions(db_session(), current().tenant_id)

    @login_required(perms.MANAGE_USERS)
    @fields_blp.arguments(CustomFieldSchema)
    @fields_blp.response(201, CustomFieldSchema)
    def post(self, body):
        """Define a field; its key and type are fixed once made."""
        db = db_session()
        row = customfields.save(db, current().tenant_id, None, body)
        created(db, current(), "custom_field", row)
        return row


@fields_blp.route("/<int:custom_field_id>")
class CustomFieldById(MethodView):
    @login_required(perms.MANAGE_USERS)
    @fields_blp.arguments(CustomFieldUpdateSchema)
    @fields_blp.response(200, CustomFieldSchema)
    def patch(self, body, custom_field_id):
        """Change a field's label or choices."""
        db = db_session()
        row = get_scoped(db, CustomField, custom_field_id, current().tenant_id, "custom field")
        with change(db, current(), "custom_field", row):
            return customfields.save(db, current().tenant_id, row, body)

    @login_required(perms.MANAGE_USERS)
    @fields_blp.response(204)
    def delete(self, custom_field_id):
        """Remove a field and every user's value of it."""
        db = db_session()
        row = get_scoped(db, CustomField, custom_field_id, current().tenant_id, "custom field")
        with change(db, current(), "custom_field", row, deleting=True):
            customfields.delete(db, row)
