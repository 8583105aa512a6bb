"""Templates and recipient groups: the company's and my own (the same routes for both)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.permissions import SEND_SMS
from ..core.auth import current, login_required
from ..core.request_db import db_session
from . import library
from .models import MessageTemplate, RecipientGroup
from .schemas import (MessageTemplateSchema, MessageTemplateUpdateSchema, RecipientGroupSchema,
                      RecipientGroupUpdateSchema)

blp = Blueprint("message_library", __name__, url_prefix="/api/v1/messages",
                description="Message templates and recipient groups: the company's (kept by "
                            "administrators) and each user's own")


def _doc(text: str):
    """Set a view's docstring (the API documentation) before the decorators copy it."""
    def deco(fn):
        fn.__doc__ = text
        return fn
    return deco


def _routes(path: str, arg: str, model, schema, update_schema, what: str, add_doc: str):
    @blp.route(path, endpoint=f"{model.__name__}s")
    class Collection(MethodView):
        @login_required(SEND_SMS)
        @blp.response(200, schema(many=True))
        @_doc(f"The company's {what}s, then mine.")
        def get(self):
            p = current()
            return list(db_session().scalars(library.visible(model, p.tenant_id, p.user_id)))

        @login_required(SEND_SMS)
        @blp.arguments(schema)
        @blp.response(201, schema)
        @_doc(add_doc)
        def post(self, body):
            p = current()
            return library.create(db_session(), model, p.tenant, p, body)

    @blp.route(f"{path}/<int:{arg}>", endpoint=f"{model.__name__}ById")
    class One(MethodView):
        @login_required(SEND_SMS)
        @blp.response(200, schema)
        @_doc(f"One of the company's {what}s or one of mine.")
        def get(self, **ids):
            p = current()
            return library.get(db_session(), model, p.tenant_id, p.user_id, ids[arg])

        @login_required(SEND_SMS)
        @blp.arguments(update_schema)
        @blp.response(200, schema)
        @_doc(f"Change one of my {what}s, or one of the company's (administrators).")
        def patch(self, body, **ids):
            p = current()
            return library.update(db_session(), model, p.tenant, p, ids[arg], body)

        @login_required(SEND_SMS)
        @blp.response(204)
        @_doc(f"Delete one of my {what}s, or one of the company's (administrators).")
        def delete(self, **ids):
            p = current()
            library.delete(db_session(), model, p.tenant_id, p, ids[arg])


_routes("/templates", "template_id", MessageTemplate, MessageTemplateSchema,
        MessageTemplateUpdateSchema, "template",
        "Add a template: personal, or for the whole company (administrators).")
_routes("/groups", "group_id", RecipientGroup, RecipientGroupSchema, RecipientGroupUpdateSchema,
        "recipient group",
        "Add a recipient group of numbers, contacts and colleagues: personal, or for the whole "
        "company (administrators; it may hold company contacts only).")
