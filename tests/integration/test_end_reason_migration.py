"""The migration that keeps a call's end reason as a code: entries written before it get
their code (and the API words them again), and downgrading writes the sentences back."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command

from api.accounts.models import Role, Tenant, User
from api.callerid.models import CallLogEntry
from api.migrate import alembic_config, upgrade

LOG = CallLogEntry.__table__


def _entry(conn, end_reason: str | None) -> int:
    tid = conn.execute(sa.insert(Tenant.__table__).values(name="Old AS")
                       .returning(Tenant.__table__.c.id)).scalar_one()
    role = conn.execute(sa.insert(Role.__table__).values(
        tenant_id=tid, name="User", builtin="user").returning(Role.__table__.c.id)).scalar_one()
    uid = conn.execute(sa.insert(User.__table__).values(
        tenant_id=tid, role_id=role, mobile=f"+479000{tid:04d}", first_name="Old")
        .returning(User.__table__.c.id)).scalar_one()
    return conn.execute(sa.insert(LOG).values(
        tenant_id=tid, user_id=uid, direction="incoming", status="failed",
        started_at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc), end_reason=end_reason)
        .returning(LOG.c.id)).scalar_one()


@pytest.mark.once  # one UPDATE per sentence, the same SQL on either database
def test_old_entries_get_their_code_and_a_downgrade_writes_the_sentences_back(tmp_path):
    url = f"sqlite:///{tmp_path}/release.db"
    upgrade(url)
    command.downgrade(alembic_config(url), "0014o")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        restarted = _entry(conn, "the gateway restarted")
        silent = _entry(conn, "the gateway stopped answering")
        normal = _entry(conn, None)
    upgrade(url)

    def reasons():
        with engine.connect() as conn:
            return dict(conn.execute(sa.select(LOG.c.id, LOG.c.end_reason)).all())

    assert reasons() == {restarted: "gateway_restarted", silent: "gateway_silent",
                         normal: None}
    command.downgrade(alembic_config(url), "0014o")
    assert reasons() == {restarted: "the gateway restarted",
                         silent: "the gateway stopped answering", normal: None}
    engine.dispose()
