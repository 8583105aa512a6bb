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


def test_reads_sent_together_answer_what_each_answers_alone(app, db):
    """On PostgreSQL they go as one statement; a read that finds nothing leaves the
    other's row whole, and one company's read never mixes with another's."""
    from api.accounts.models import User
    from api.callerid.lookup import BestRow
    from api.core.db import run_reads

    company, other = make_company(app), make_company(app)
    alice = db.scalar(select(User.id).where(User.mobile == company.users["alice"]))
    name_of = Prepared(lambda: select(Tenant.name, Tenant.country, Tenant.created_at)
                       .where(Tenant.id == bindparam("tid")), one_row=True)
    number = int(company.users["bob"][1:])
    for tid, lookup_tid in ((company.tenant_id, company.tenant_id),  # both found
                            (-1, company.tenant_id),                 # the first finds nothing
                            (company.tenant_id, other.tenant_id)):   # alice is not theirs
        reads = (name_of.bound(tid=tid), BestRow(lookup_tid, alice, number))
        together = run_reads(db, reads)
        assert together == [run_reads(db, (read,))[0] for read in reads]
    both = run_reads(db, (name_of.bound(tid=company.tenant_id),
                          BestRow(company.tenant_id, alice, number)))
    assert both[0][0].name.startswith("Company") and both[0][0].created_at.tzinfo
    assert both[1].kind == "colleague" and both[1].e164 == company.users["bob"]
