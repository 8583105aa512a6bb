"""A queue's service level over time, and its SLA alerts (team leaders)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from . import alerts, history, services
from .models import Queue
from .schemas_switchboard import AlertSchema, ServiceLevelQueryArgsSchema, ServiceLevelSchema

queue_reports_blp = Blueprint("queue_reports", __name__, url_prefix="/api/v1/queues",
                              description="A queue's service level over time and its SLA "
                                          "alerts")


def _queue(queue_id: int) -> Queue:
    return get_scoped(db_session(), Queue, queue_id, current().tenant_id, "queue")


@queue_reports_blp.route("/<int:queue_id>/service-level")
class ServiceLevel(MethodView):
    @login_required()
    @queue_reports_blp.arguments(ServiceLevelQueryArgsSchema, location="query")
    @queue_reports_blp.response(200, ServiceLevelSchema(many=True))
    def get(self, args, queue_id):
        """The queue's calls per day (`by=day`, up to 366 days) or per hour (`by=hour`, up to
        31 days) from `from` to `to` (dates in the company's time zone, both included; by
        default the last seven days): calls, answered, missed and the service level.
        Members, team leaders, administrators."""
        queue = _queue(queue_id)
        services.check_can_watch(db_session(), current(), queue)
        return history.service_levels(db_session(), queue, args.get("from_"),
                                      args.get("to"), args["by"])


@queue_reports_blp.route("/<int:queue_id>/alerts")
class Alerts(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queue_reports_blp.response(200, AlertSchema(many=True))
    def get(self, queue_id):
        """The queue's SLA alert rules with their state (team leaders)."""
        return [alerts.alert_view(a) for a in alerts.list_alerts(db_session(),
                                                                  _queue(queue_id))]

    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queue_reports_blp.arguments(AlertSchema)
    @queue_reports_blp.response(201, AlertSchema)
    def post(self, body, queue_id):
        """Add an SLA alert: when `metric` stays past `threshold` for `for_minutes`, the
        company's team leaders get one SMS or e-mail; the alert is armed again once the
        figure is back within the threshold (team leaders)."""
        return alerts.alert_view(alerts.create_alert(db_session(), _queue(queue_id), body))


@queue_reports_blp.route("/<int:queue_id>/alerts/<int:alert_id>")
class AlertById(MethodView):
    @login_required(perms.LOG_OTHERS_IN_QUEUES)
    @queue_reports_blp.response(204)
    def delete(self, queue_id, alert_id):
        """Remove an SLA alert (team leaders)."""
        db = db_session()
        alerts.delete_alert(db, alerts.get_alert(db, _queue(queue_id), alert_id))
