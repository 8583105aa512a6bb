"""Prepared statements, the hot reads' queries on the driver's cursor, answer exactly what
SQLAlchemy answers for the same statement, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import bindparam, or_, select

from api.accounts.models import Role, Tenant
from api.core.db import Prepared
from tests.support.api import make_company


def _roles_of_a_norwegian_company():
    """Literal values inside the statement, a JSON column and a UTC datetime column."""
    return (select(Role.id, Role.name, Role.permissions, Tenant.created_at)
            .join(Tenant, Tenant.id == Role.tenant_id)
            .where(Role.tenant_id == bindparam("tid"), Tenant.country == "NO",
                   or_(Role.builtin == "administrator", Role.builtin == "user"))
            .order_by(Role.id))


def test_a_prepared_statement_returns_the_rows_sqlalchemy_returns(app, db):
    norwegian = make_company(app, country="NO")
    swedish = make_company(app, country="SE")
    prepared = Prepared(_roles_of_a_norwegian_company)
    for company in (norwegian, swedish):
        expected = [tuple(r) for r in db.execute(_roles_of_a_norwegian_company(),
                                                 {"tid": company.tenant_id})]
        got = prepared.all(db, tid=company.tenant_id)
        assert [tuple(r) for r in got] == expected
    rows = prepared.all(db, tid=norwegian.tenant_id)
    assert rows and rows[0].created_at.tzinfo is not None
    assert isinstance(rows[0].permissions, list)
    assert prepared.all(db, tid=swedish.tenant_id) == []


def test_a_prepared_statement_refuses_to_run_without_a_named_parameter(app, db):
    prepared = Prepared(lambda: select(Tenant.name).where(Tenant.id == bindparam("tid")))
    with pytest.raises(TypeError, match="tid"):
        prepared.all(db)


def test_a_statement_with_an_in_list_is_refused_when_prepared_not_run_wrong(app, db):
    prepared = Prepared(lambda: select(Role.id).where(Role.builtin.in_(["user", "other"])))
    with pytest.raises(ValueError, match="IN"):
        prepared.all(db)


def test_a_statement_written_per_dialect_is_built_for_the_database_in_use(app, db):
    company = make_company(app)
    asked = []

    def build(dialect: str):
        asked.append(dialect)
        return select(Tenant.id).where(Tenant.id == bindparam("tid"))

    prepared = Prepared(build, per_dialect=True)
    assert prepared.scalar(db, tid=company.tenant_id) == company.tenant_id
    assert prepared.scalar(db, tid=company.tenant_id) == company.tenant_id
    assert asked == [db.get_bind().dialect.name]
