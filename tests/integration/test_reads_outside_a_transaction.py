"""Read-only requests read outside a transaction (on PostgreSQL no BEGIN and ROLLBACK round
trips around them); what such a session writes still commits or rolls back as one."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from api.accounts import admin
from api.accounts.models import Role, Tenant
from api.core.db import begin_write, reads_outside_a_transaction
from tests.support.api import auth, make_company


@pytest.fixture
def reader(app, db):
    session = app.extensions["session_factory"]()
    reads_outside_a_transaction(session)
    yield session
    session.close()


def _tenants_named(db, name):
    db.rollback()  # a fresh look
    return db.scalar(select(func.count()).select_from(Tenant).where(Tenant.name == name))


def test_a_read_leaves_no_transaction_open_on_the_server(app, db, reader):
    company = make_company(app)
    assert reader.scalar(select(Tenant.name).where(Tenant.id == company.tenant_id))
    dbapi_conn = reader.connection().connection.dbapi_connection
    if reader.get_bind().dialect.name == "postgresql":
        from psycopg.pq import TransactionStatus
        assert dbapi_conn.info.transaction_status == TransactionStatus.IDLE
    else:
        assert not dbapi_conn.in_transaction


def test_writes_of_a_reading_session_roll_back_together(db, reader):
    admin.create_tenant(reader, name="Rolled back")  # the company and its built-in roles
    assert reader.scalar(select(func.count()).select_from(Role)
                         .join(Tenant, Tenant.id == Role.tenant_id)
                         .where(Tenant.name == "Rolled back")) > 0
    reader.rollback()
    assert _tenants_named(db, "Rolled back") == 0
    assert db.scalar(select(func.count()).select_from(Role)) == 0


def test_writes_of_a_reading_session_commit_together(db, reader):
    admin.create_tenant(reader, name="Kept")
    assert _tenants_named(db, "Kept") == 0  # not visible before the commit
    reader.commit()
    assert _tenants_named(db, "Kept") == 1


def test_a_read_only_request_sees_what_was_committed_just_before(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    assert client.get("/api/v1/me", headers=headers).get_json()["title"] == "Engineer"
    assert client.patch("/api/v1/me", headers=headers,
                        json={"title": "Lead"}).status_code == 200
    assert client.get("/api/v1/me", headers=headers).get_json()["title"] == "Lead"


def _try_to_lock(app, tenant_id):
    """Another writer tries to lock the company's row without waiting: True when it got it.
    On SQLite it is a connection of its own, outside the pool (a pooled one would keep the
    zero busy timeout and make later tests fail at once on any contention)."""
    engine = app.extensions["engine"]
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
    with app.extensions["session_factory"]() as other:
        try:
            other.scalar(select(Tenant.id).where(Tenant.id == tenant_id)
                         .with_for_update(nowait=True))
            return True
        except OperationalError:
            return False
        finally:
            other.rollback()


@pytest.mark.parametrize("how", ["begin_write", "locking_select"])
def test_a_row_a_reading_session_locks_stays_locked_until_it_commits(app, reader, how):
    """Two delivery reports of one SMS arrive at once as GET requests: each locks the
    message's row, so the later one sees what the first one wrote (a report never undoes
    another)."""
    company = make_company(app)
    if how == "begin_write":
        begin_write(reader)
    reader.scalar(select(Tenant).where(Tenant.id == company.tenant_id).with_for_update())
    locks_rows = how == "begin_write" or reader.get_bind().dialect.name == "postgresql"
    assert _try_to_lock(app, company.tenant_id) is not locks_rows
    reader.commit()
    assert _try_to_lock(app, company.tenant_id)
