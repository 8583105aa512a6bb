"""`GET /api/v1/audit-events`: the company's audit log, newest first, filtered and paged."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ..accounts import permissions as perms
from ..accounts.models import AuditEvent
from ..core.auth import current, login_required
from ..core.pagination import paginate_select
from ..core.request_db import db_session
from .schemas import AuditEventSchema, AuditQueryArgsSchema

audit_blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-events",
                      description="The audit log: administrative changes and security events")

EQUAL = ("actor_user_id", "kind", "object_type", "object_id")


@audit_blp.route("")
class AuditEvents(MethodView):
    @login_required(perms.VIEW_AUDIT_LOG)
    @audit_blp.arguments(AuditQueryArgsSchema, location="query")
    @audit_blp.response(200, AuditEventSchema(many=True))
    @audit_blp.paginate()
    def get(self, args, pagination_parameters):
        """The company's audit events, newest first: who changed what (before and after) and
        when, and security events such as throttled logins. Filter by actor, kind, object
        and time."""
        stmt = select(AuditEvent).where(AuditEvent.tenant_id == current().tenant_id)
        for name in EQUAL:
            if name in args:
                stmt = stmt.where(getattr(AuditEvent, name) == args[name])
        if "since" in args:
            stmt = stmt.where(AuditEvent.at >= args["since"])
        if "until" in args:
            stmt = stmt.where(AuditEvent.at < args["until"])
        stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        return paginate_select(db_session(), stmt, pagination_parameters)
