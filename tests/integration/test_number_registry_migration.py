"""The migration that creates the number registry: existing numbers survive it, and a
database where two owners hold one number is refused with a report, never half-migrated."""
from __future__ import annotations

import itertools
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from api.accounts.models import Role, Tenant, User
from api.availability.models import MainNumber
from api.migrate import alembic_config, upgrade
from api.queues.models import Queue, QueueServiceNumber

_n = itertools.count(1)


@pytest.fixture
def before_registry(database_url, tmp_path):
    """A database migrated to everything but the registry (a database of the last release)."""
    if database_url.startswith("postgresql"):
        name = f"pbx_registry_{uuid.uuid4().hex[:8]}"
        server = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"),
                                  isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = database_url.rsplit("/", 1)[0] + "/" + name
    else:
        server, name, url = None, None, f"sqlite:///{tmp_path}/release.db"
    upgrade(url)
    command.downgrade(alembic_config(url), "0014n@-1")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    yield url, engine
    engine.dispose()
    if server is not None:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


def _company(conn, name: str, sms: str | None) -> tuple[int, int]:
    tid = conn.execute(sa.insert(Tenant.__table__).values(
        name=name, sms_service_number=sms).returning(Tenant.__table__.c.id)).scalar_one()
    role = conn.execute(sa.insert(Role.__table__).values(
        tenant_id=tid, name="User", builtin="user").returning(Role.__table__.c.id)).scalar_one()
    return tid, role


def _user(conn, tid: int, role: int, mobile: str, office=None, short=None) -> int:
    return conn.execute(sa.insert(User.__table__).values(
        tenant_id=tid, role_id=role, mobile=mobile, first_name=f"U{next(_n)}",
        office_number=office, short_number=short).returning(User.__table__.c.id)).scalar_one()


def _queue(conn, tid: int, number=None, short=None) -> int:
    return conn.execute(sa.insert(Queue.__table__).values(
        tenant_id=tid, name=f"Q{next(_n)}", number=number, short_number=short)
        .returning(Queue.__table__.c.id)).scalar_one()


def _numbers(engine) -> set[tuple]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT tenant_id, kind, owner_id, e164, short "
                                        "FROM numbers")))


def test_every_existing_number_is_in_the_registry_after_the_upgrade(before_registry):
    url, engine = before_registry
    with engine.begin() as conn:
        a, role_a = _company(conn, "A", "+4741000001")
        b, role_b = _company(conn, "B", None)
        alice = _user(conn, a, role_a, "+4790000001", "+4722000001", "201")
        bob = _user(conn, b, role_b, "+4790000002", None, "201")  # same short, other company
        queue = _queue(conn, a, "+4722000100", "7000")
        main = conn.execute(sa.insert(MainNumber.__table__).values(
            tenant_id=a, number="+4722000000", label="Switchboard")
            .returning(MainNumber.__table__.c.id)).scalar_one()
        conn.execute(sa.insert(QueueServiceNumber.__table__).values(tenant_id=b,
                                                                    number="+4722000200"))
    upgrade(url)
    assert _numbers(engine) == {
        (a, "sms_service", a, "+4741000001", None),
        (a, "mobile", alice, "+4790000001", None), (a, "office", alice, "+4722000001", None),
        (a, "user_short", alice, None, "201"), (b, "mobile", bob, "+4790000002", None),
        (b, "user_short", bob, None, "201"), (a, "queue", queue, "+4722000100", None),
        (a, "queue_short", queue, None, "7000"), (a, "main", main, "+4722000000", None),
        (b, "queue_service", b, "+4722000200", None)}


def test_a_database_where_two_owners_hold_one_number_is_refused_with_a_report(before_registry):
    url, engine = before_registry
    with engine.begin() as conn:
        a, role_a = _company(conn, "A", None)
        b, role_b = _company(conn, "B", None)
        alice = _user(conn, a, role_a, "+4790000001", "+4722000001", "201")
        q_b = _queue(conn, b, "+4722000001")         # B's queue on A's office number
        q_a = _queue(conn, a, None, "201")           # a queue on a user's short number
        _user(conn, a, role_a, "+4790000003", "+4722000003")
    with pytest.raises(Exception) as refused:
        upgrade(url)
    report = str(refused.value)
    assert f"+4722000001: office {alice} of tenant {a}, queue {q_b} of tenant {b}" in report
    assert f"short number 201 in tenant {a}: user_short {alice} of tenant {a}, " \
           f"queue_short {q_a} of tenant {a}" in report
    assert "+4722000003" not in report  # only the conflicts are listed
    assert not sa.inspect(engine).has_table("numbers")
    with engine.begin() as conn:  # the operator resolves both; the upgrade then goes through
        conn.execute(sa.update(Queue.__table__).values(number=None, short_number=None))
    upgrade(url)
    assert ("+4722000001", "office") in {(e, k) for _, k, _, e, _ in _numbers(engine)}
