"""Database engine, declarative base and session helpers (no web framework: the request-scoped
session lives in `api.core.request_db`)."""
from __future__ import annotations

import json
import re
from datetime import datetime
from time import monotonic
from typing import Any

import orjson
from sqlalchemy import DateTime, ForeignKey, MetaData, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from .clock import as_utc
from .not_found import not_found
from .prepared import (LOCKING as _LOCKING, Prepared, Reads, driver_of, orm,  # noqa: F401
                       run_reads)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class TenantScoped:
    """Mixin: the row belongs to exactly one tenant."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


SQLITE_BUSY_TIMEOUT_S = 30.0  # how long a SQLite writer waits for another one's lock

# a run of digits orjson may read as a float (an integer past 64 bits) or that is simply long
_LONG_DIGITS = re.compile(r"\d{19}")


def sqlite_json_loads(text: str | bytes) -> Any:
    """SQLite's JSON columns (text) as the standard library reads them, by orjson (a third
    of the time) where it reads them the same: not a text with a run of 19 digits or more
    (an integer past 64 bits, which orjson turns into a float), nor what orjson refuses
    (NaN, infinities, lone surrogates), which the standard library reads or refuses."""
    if isinstance(text, str) and _LONG_DIGITS.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        busy_s = SQLITE_BUSY_TIMEOUT_S
        engine = create_engine(url, connect_args={"timeout": busy_s, "check_same_thread": False},
                               **{"json_deserializer": sqlite_json_loads, **kwargs})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy_s * 1000)}")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, pool_size=10, max_overflow=20, **kwargs)
    ping_when_idle(engine)
    writes_begin_a_transaction(engine)
    return engine


READS_OUTSIDE_A_TRANSACTION = {"isolation_level": "AUTOCOMMIT"}


def reads_outside_a_transaction(session: Session) -> None:
    """Run this session's reads without BEGIN and ROLLBACK around them (PostgreSQL: two
    round trips fewer on a read-only request). Each statement then sees what was committed
    when it started, as it does inside a READ COMMITTED transaction; a write still runs in
    a transaction (`writes_begin_a_transaction`). SQLite's driver reads outside a
    transaction already. Call it before the session's first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options=READS_OUTSIDE_A_TRANSACTION)


def writes_begin_a_transaction(engine: Engine) -> None:
    """On a connection that reads outside a transaction, anything but a SELECT first opens
    one, so the writes of a request commit or roll back together as everywhere else (the
    driver's commit and rollback act on the server's transaction in that mode too). A
    SELECT that locks rows (`FOR UPDATE`, `FOR SHARE`) counts as a write: outside a
    transaction its locks would end with the statement."""

    @event.listens_for(engine, "before_cursor_execute")
    def _begin(_conn, cursor, statement, _params, _context, _many):
        dbapi_conn = cursor.connection
        if not dbapi_conn.autocommit or (statement.lstrip()[:6].upper() == "SELECT"
                                         and not _LOCKING.search(statement)):
            return
        if not _in_transaction(dbapi_conn):
            cursor.execute("BEGIN")




def _in_transaction(dbapi_conn) -> bool:
    """Has this psycopg connection a transaction open on the server?"""
    from psycopg.pq import TransactionStatus
    return dbapi_conn.info.transaction_status != TransactionStatus.IDLE


PING_AFTER_IDLE_S = 5.0


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it lay idle more than
    `PING_AFTER_IDLE_S` seconds, or
    when a connection of this pool was found dead since it was last used.

    SQLAlchemy's `pool_pre_ping` costs a round trip to the server on every checkout, which
    on a small read is a third of the request. A connection used a moment ago is almost
    always alive; when it is not (the server restarted within the last seconds), that one
    request fails with a disconnect (answered 503), the connection is dropped, and every
    other connection of the pool is checked on its next checkout.
    """
    dialect = engine.dialect
    state = {"dead_seen": 0.0}

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn, record):
        record.info["used_at"] = monotonic()

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn, record):
        if record is not None:
            record.info["used_at"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy):
        used_at = record.info.get("used_at", 0.0)
        if monotonic() - used_at < PING_AFTER_IDLE_S and used_at > state["dead_seen"]:
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            if not dialect.is_disconnect(exc, dbapi_conn, None):
                raise
            alive = False
        if not alive:
            state["dead_seen"] = monotonic()
            raise DisconnectionError("the pooled connection was closed by the server")

    @event.listens_for(engine, "invalidate")
    def _dead(_dbapi_conn, _record, _exc):
        state["dead_seen"] = monotonic()


def make_session_factory(engine: Engine, ports: Any = None, **info: Any
                         ) -> sessionmaker[Session]:
    """Sessions on `engine`; those that serve features carry the process's `ports`
    (`api.core.ports`), handed in by the bootstrap, and what else `info` names (the web
    API's the voicemail store's directory, `voicemail_dir`)."""
    return sessionmaker(engine, expire_on_commit=False,
                        info=info if ports is None else {"ports": ports, **info})


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE).

    With the sqlite3 driver's default (legacy) transaction handling, reads run outside a
    transaction and the first write begins a deferred one; a SAVEPOINT (`begin_nested`) also
    opens a deferred one. Such a transaction fails at once with "database is locked" when
    another connection wrote since it began (the busy timeout does not apply to that
    upgrade). Taking the write lock up front makes it wait its turn instead. On
    PostgreSQL, a session that reads outside a transaction (`reads_outside_a_transaction`)
    opens one here, so rows read `FOR UPDATE` after this stay locked until the commit. A
    no-op inside a transaction that already began.
    """
    conn = session.connection()
    dbapi_conn = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":
        if not dbapi_conn.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif getattr(dbapi_conn, "autocommit", False) and not _in_transaction(dbapi_conn):
        conn.exec_driver_sql("BEGIN")


def has_text(expr, words: str):
    """`expr` contains `words` literally: a `%` or `_` typed in a search box is a character
    to find, not a LIKE wildcard (escaped the same way on SQLite and PostgreSQL)."""
    return expr.contains(words, autoescape=True)


def get_scoped(session: Session, model: type, obj_id: int, tenant_id: int,
               what: str | None = None):
    """Fetch a tenant's row by id; another tenant's id is answered like a missing one."""
    obj = session.scalar(select(model).where(model.id == obj_id, model.tenant_id == tenant_id))
    if obj is None:
        raise not_found(what or model.__name__.lower(), obj_id)
    return obj
