"""SLA alerts: team leaders set thresholds per queue (calls waiting, longest wait, members
logged in) and hear by SMS or e-mail once a figure has been past its threshold for N
minutes; once per breach, armed again when the figure is back. The evaluation is pure
(`sla`); `check_all` is what the runner (`alert_runner`) does every round."""
from __future__ import annotations

from i18n import N_

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import permissions as perms
from ..accounts.models import Role, Tenant, User
from ..core.clock import as_utc, now
from ..core.db import get_scoped
from ..core.errors import Conflict
from ..core.not_found import not_found
from ..sms.outbox import Outbox
from . import notify, sla, status
from .models import Queue, QueueAlert

log = logging.getLogger("api.queues")
# the live status figure each metric reads
FIGURE = {"waiting_calls": "calls_waiting", "longest_wait_s": "longest_wait_s",
          "logged_in": "logged_in"}


def list_alerts(db: Session, queue: Queue) -> list[QueueAlert]:
    return list(db.scalars(select(QueueAlert).where(QueueAlert.tenant_id == queue.tenant_id,
                                                    QueueAlert.queue_id == queue.id)
                           .order_by(QueueAlert.id)))


MAX_PER_QUEUE = 10


def create_alert(db: Session, queue: Queue, data: dict) -> QueueAlert:
    """A new rule (at most MAX_PER_QUEUE per queue: each breach texts every team leader)."""
    if len(list_alerts(db, queue)) >= MAX_PER_QUEUE:
        raise Conflict(N_("A queue has at most {n} alerts"), values={"n": MAX_PER_QUEUE})
    alert = QueueAlert(tenant_id=queue.tenant_id, queue_id=queue.id, **data)
    db.add(alert)
    db.commit()
    return alert


def get_alert(db: Session, queue: Queue, alert_id: int) -> QueueAlert:
    alert = get_scoped(db, QueueAlert, alert_id, queue.tenant_id, "alert")
    if alert.queue_id != queue.id:
        raise not_found("alert", alert_id)
    return alert


def delete_alert(db: Session, alert: QueueAlert) -> None:
    db.delete(alert)
    db.commit()


def alert_view(a: QueueAlert) -> dict:
    return {"id": a.id, "queue_id": a.queue_id, "metric": a.metric, "threshold": a.threshold,
            "for_minutes": a.for_minutes, "channel": a.channel,
            "breach_since": a.breach_since, "fired_at": a.fired_at}


def team_leaders(db: Session, tenant_id: int) -> list[int]:
    """Who hears SLA alerts: the users whose role lets them log others in and out of queues
    (team leaders), or, in a company without any, its administrators."""
    rows = db.execute(select(User.id, Role.builtin, Role.permissions)
                      .join(Role, Role.id == User.role_id)
                      .where(User.tenant_id == tenant_id)).all()
    leaders = [uid for uid, builtin, granted in rows
               if perms.LOG_OTHERS_IN_QUEUES in (granted or ()) and builtin != perms.ADMINISTRATOR]
    return leaders or [uid for uid, builtin, _ in rows if builtin == perms.ADMINISTRATOR]


def _text(queue: Queue, alert: QueueAlert, value: int):
    from i18n import tr

    def text(lang: str) -> tuple[str, str]:
        values = {"n": value, "limit": alert.threshold}
        if alert.metric == "waiting_calls":
            figure = tr(lang, "{n} calls waiting (alert above {limit})", **values)
        elif alert.metric == "longest_wait_s":
            figure = tr(lang, "longest wait {n} s (alert above {limit} s)", **values)
        else:
            figure = tr(lang, "{n} members logged in (alert below {limit})", **values)
        return (tr(lang, "Queue alert: {queue}", queue=queue.name),
                tr(lang, "Queue alert: {queue}: {figure}.", queue=queue.name, figure=figure))
    return text


def check_all(db: Session, ch: notify.Channels, outbox: Outbox) -> int:
    """Evaluate every alert rule of every company once; returns how many alerts fired (their
    messages go out when `outbox` is flushed)."""
    at = now()
    fired = 0
    tenant_ids = list(db.scalars(select(QueueAlert.tenant_id).distinct()))
    for tenant_id in tenant_ids:
        rules = list(db.scalars(select(QueueAlert).where(QueueAlert.tenant_id == tenant_id)
                                .order_by(QueueAlert.id)))
        queues = {q.id: q for q in db.scalars(select(Queue).where(
            Queue.id.in_({r.queue_id for r in rules})))}
        live = status.statuses(db, tenant_id, list(queues.values()), today=False)
        tenant = db.get(Tenant, tenant_id)
        for rule in rules:
            value = int(live[rule.queue_id][FIGURE[rule.metric]])
            verdict = sla.evaluate(sla.Rule(rule.metric, rule.threshold, rule.for_minutes),
                                   value, at, sla.State(_utc(rule.breach_since),
                                                        _utc(rule.fired_at)))
            rule.breach_since, rule.fired_at = verdict.state.breach_since, verdict.state.fired_at
            if verdict.fire:
                queue = queues[rule.queue_id]
                sent = notify.tell(db, ch, outbox, tenant, team_leaders(db, tenant_id),
                                   rule.channel, _text(queue, rule, value), "queue_alert")
                fired += 1
                log.info("queue alert", extra={"event": "queue_alert", "tenant_id": tenant_id,
                                               "queue_id": queue.id, "metric": rule.metric,
                                               "value": value, "messages": sent})
        db.commit()
    return fired


def _utc(at):
    return as_utc(at) if at is not None else None


def main() -> None:  # pragma: no cover - the runner's loop
    import argparse

    from bootstrap import alert_runner

    from ..config import Settings
    from .runner import serve

    ap = argparse.ArgumentParser(description="Check the queues' SLA alerts and call their "
                                             "callback lists back, periodically")
    ap.add_argument("--every", type=int, default=30, help="seconds between rounds")
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args()
    settings = Settings.from_env()
    serve(alert_runner(settings.database_url), notify.standalone(settings), args.every,
          once=args.once)


if __name__ == "__main__":  # pragma: no cover
    main()
