"""Templates and recipient groups: the company's and my own."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.permissions import SEND_SMS
from ..core.auth import current, login_required
from ..core.db import db_session
from . import library
from .models import MessageTemplate, RecipientGroup
from .schemas import RecipientGroupSchema, RecipientGroupUpdateSchema, MessageTemplateSchema, MessageTemplateUpdateSchema

blp = Blueprint("message_library", __name__, url_prefix="/api/v1/messages",
                description="Message templates and recipient groups: the company's (kept by "
                            "administrators) and each user's own")


def _list(model):
    p = current()
    return list(db_session().scalars(library.visible(model, p.tenant_id, p.user_id)))


def _create(model, body):
    p = current()
    return library.create(db_session(), model, p.tenant, p, body)


def _one(model, row_id):
    p = current()
    return library.get(db_session(), model, p.tenant_id, p.user_id, row_id)


def _update(model, row_id, body):
    p = current()
    return library.update(db_session(), model, p.tenant, p, row_id, body)


def _delete(model, row_id):
    p = current()
    library.delete(db_session(), model, p.tenant_id, p, row_id)


@blp.route("/templates")
class Templates(MethodView):
    @login_required(SEND_SMS)
    @blp.response(200, MessageTemplateSchema(many=True))
    def get(self):
        """The company's templates, then mine."""
        return _list(MessageTemplate)

    @login_required(SEND_SMS)
    @blp.arguments(MessageTemplateSchema)
    @blp.response(201, MessageTemplateSchema)
    def post(self, body):
        """Add a template: personal, or for the whole company (administrators)."""
        return _create(MessageTemplate, body)


@blp.route("/templates/<int:template_id>")
class TemplateById(MethodView):
    @login_required(SEND_SMS)
    @blp.response(200, MessageTemplateSchema)
    def get(self, template_id):
        """One of the company's templates or one of mine."""
        return _one(MessageTemplate, template_id)

    @login_required(SEND_SMS)
    @blp.arguments(MessageTemplateUpdateSchema)
    @blp.response(200, MessageTemplateSchema)
    def patch(self, body, template_id):
        """Change one of my templates, or a company template (administrators)."""
        return _update(MessageTemplate, template_id, body)

    @login_required(SEND_SMS)
    @blp.response(204)
    def delete(self, template_id):
        """Delete one of my templates, or a company template (administrators)."""
        _delete(MessageTemplate, template_id)


@blp.route("/groups")
class Groups(MethodView):
    @login_required(SEND_SMS)
    @blp.response(200, RecipientGroupSchema(many=True))
    def get(self):
        """The company's recipient groups, then mine."""
        return _list(RecipientGroup)

    @login_required(SEND_SMS)
    @blp.arguments(RecipientGroupSchema)
    @blp.response(201, RecipientGroupSchema)
    def post(self, body):
        """Add a recipient group of numbers, contacts and colleagues: personal, or for the
        whole company (administrators; it may hold company contacts only)."""
        return _create(RecipientGroup, body)


@blp.route("/groups/<int:group_id>")
class GroupById(MethodView):
    @login_required(SEND_SMS)
    @blp.response(200, RecipientGroupSchema)
    def get(self, group_id):
        """One of the company's recipient groups or one of mine."""
        return _one(RecipientGroup, group_id)

    @login_required(SEND_SMS)
    @blp.arguments(RecipientGroupUpdateSchema)
    @blp.response(200, RecipientGroupSchema)
    def patch(self, body, group_id):
        """Change one of my groups, or a company group (administrators)."""
        return _update(RecipientGroup, group_id, body)

    @login_required(SEND_SMS)
    @blp.response(204)
    def delete(self, group_id):
        """Delete one of my groups, or a company group (administrators)."""
        _delete(RecipientGroup, group_id)
