"""Reads on the driver's cursor for the hottest requests: `Prepared` statements and `Reads`,
a pooled connection that serves them without an ORM Session (no web framework here)."""
from __future__ import annotations

import re
from typing import Any, Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# a SELECT that locks rows: it must run inside a transaction (`api.core.db.begin_write`)
LOCKING = re.compile(r"\bFOR (?:NO KEY )?(?:UPDATE|(?:KEY )?SHARE)\b")


class Reads:
    """The reads of one read-only request on a pooled driver connection, without a Session.

    An ORM Session's creation, connection checkout and close cost several times a bare pool
    checkout, on requests whose work is two small indexed reads (the login check and one
    more). `Prepared` statements (and other code on the driver's cursor, through
    `driver_of`) run on this connection, checked out on the first read and given back by
    `close()` at the end of the request. What needs the ORM after all asks `orm(reads)`:
    the connection goes back to the pool first and the request's Session (made by
    `open_session`) takes over, so a request holds one connection at a time. On
    PostgreSQL the connection reads outside a transaction, as a read-only request's
    Session does (`api.core.db.reads_outside_a_transaction`), and it is put back as it
    came. `info` is the session factory's (the process's ports ride on it).
    """

    __slots__ = ("dialect", "info", "_engine", "_open_session", "_fairy", "_session")

    def __init__(self, engine: Engine, info: dict, open_session: Callable[[], Session]) -> None:
        self.dialect = engine.dialect
        self.info = info
        self._engine = engine
        self._open_session = open_session
        self._fairy = None
        self._session: Session | None = None

    def driver(self):
        """The driver's connection, checked out from the pool on first use."""
        fairy = self._fairy
        if fairy is None:
            fairy = self._engine.raw_connection()
            if self.dialect.name == "postgresql":
                try:
                    fairy.dbapi_connection.autocommit = True  # no BEGIN / ROLLBACK round trips
                except BaseException:
                    fairy.close()
                    raise
            self._fairy = fairy
        return fairy.dbapi_connection

    def invalidate(self, exc: BaseException) -> None:
        """The connection is dead: drop it from the pool (the pool checks the others)."""
        fairy, self._fairy = self._fairy, None
        if fairy is not None:
            fairy.invalidate(exc)

    def session(self) -> Session:
        """The request's Session, from now on also where these reads run."""
        if self._session is None:
            self.close()
            self.run_on(self._open_session())
        return self._session

    def run_on(self, session: Session) -> None:
        """From now on these reads run on `session` (the request's Session, however it was
        opened), this connection back in the pool: one connection at a time."""
        self.close()
        self._session = session

    def close(self) -> None:
        fairy, self._fairy = self._fairy, None
        if fairy is None:
            return
        dbapi_conn = fairy.dbapi_connection
        if dbapi_conn is not None and self.dialect.name == "postgresql":
            try:
                dbapi_conn.autocommit = False  # as the pool handed it out
            except self.dialect.loaded_dbapi.Error as exc:  # broken: not for the next one
                fairy.invalidate(exc)
        fairy.close()  # back to the pool (its reset rolls back what may be open)


def driver_of(db: Session | Reads) -> tuple[Any, Any, Callable[[BaseException], None]]:
    """(driver connection, dialect, invalidate) of a Session or of `Reads`."""
    if isinstance(db, Reads):
        if db._session is None:
            return db.driver(), db.dialect, db.invalidate
        db = db._session
    conn = db.connection()
    return conn.connection.dbapi_connection, conn.dialect, conn.invalidate


def orm(db: Session | Reads) -> Session:
    """The Session behind `db`: itself, or the one a request opens when `Reads` are not
    enough (for an ORM query or a write)."""
    return db.session() if isinstance(db, Reads) else db


class Prepared:
    """A Core SELECT for the hottest requests, run on the driver's cursor.

    SQLAlchemy's per-execution work (cache key, execution context, ORM loading) costs more
    than a small indexed query itself; here the SQL, the bind and the result processors are
    prepared once per dialect. `build()` returns the statement (called once, lazily, so models
    are imported by then); parameters are named `bindparam`s. Rows are named tuples. With
    `per_dialect=True`, `build(dialect_name)` returns the statement for that dialect (SQL
    that must be written differently on SQLite and PostgreSQL).
    `Prepared.prepare_all(dialect)` prepares every one created so far (a process that must
    answer its first request fast, such as the gateway's routing worker, does it at start).
    An INSERT, UPDATE or DELETE without RETURNING runs with `run()`.
    """

    _all: list["Prepared"] = []

    def __init__(self, build, *, per_dialect: bool = False, one_row: bool = False) -> None:
        self._build = build
        self._per_dialect = per_dialect
        self.one_row = one_row  # at most one row (then it may go with others: `run_reads`)
        self.width = 0
        self._by_dialect: dict[str, tuple] = {}
        Prepared._all.append(self)

    @classmethod
    def prepare_all(cls, dialect) -> int:
        for one in cls._all:
            if dialect.name not in one._by_dialect:
                one._prepare(dialect)
        return len(cls._all)

    def _prepare(self, dialect) -> tuple:
        from collections import namedtuple

        stmt = self._build(dialect.name) if self._per_dialect else self._build()
        compiled = stmt.compile(dialect=dialect)
        if compiled.post_compile_params:
            raise ValueError("a prepared statement cannot hold an IN (...) list, which SQLAlchemy "
                             "expands per execution: compare with each value (or_)")
        binds = {name: bp.type._cached_bind_processor(dialect)
                 for name, bp in ((compiled.bind_names[b], b) for b in compiled.binds.values())}
        binds = {name: proc for name, proc in binds.items() if proc is not None}
        # the values written into the statement (literals such as `kind = 'softphone'`);
        # the named parameters are laid over them on each call
        fixed = compiled.construct_params({}, _check=False)
        names = frozenset(fixed)
        required = frozenset(compiled.bind_names[b] for b in compiled.binds.values() if b.required)
        columns = getattr(stmt, "selected_columns", ())   # none: a write without RETURNING
        processors = tuple((i, proc) for i, proc in enumerate(
            col.type._cached_result_processor(dialect, None) for col in columns)
            if proc is not None)
        row = namedtuple("Row", [col.key for col in columns])
        self.width = len(row._fields)
        sql = str(compiled)
        prepared = (sql, compiled.positiontup, fixed, names, required, binds, processors, row,
                    bool(LOCKING.search(sql)))
        self._by_dialect[dialect.name] = prepared
        return prepared

    def all(self, db: Session | Reads, **params) -> list:
        dialect = db.dialect if isinstance(db, Reads) else db.get_bind().dialect
        prepared = self._by_dialect.get(dialect.name) or self._prepare(dialect)
        if prepared[-1]:  # it locks rows: the locks must last until the commit
            from .db import begin_write
            db = orm(db)
            begin_write(db)
        return run_reads(db, (self.bound(**params),))[0]

    def run(self, db: Session, **params) -> None:
        """A write, in the Session's transaction (nothing is fetched). A PostgreSQL Session
        that reads outside a transaction opens one first, as SQLAlchemy's own execution of
        a write would (`api.core.db.writes_begin_a_transaction`)."""
        db = orm(db)
        if db.get_bind().dialect.name == "postgresql":
            from .db import begin_write
            begin_write(db)
        run_reads(db, (self.bound(**params),))

    def bound(self, **params) -> "Bound":
        """This statement with its parameters, to run with other reads (`run_reads`)."""
        return Bound(self, params)

    def statement(self, dialect, params: dict) -> tuple[str, Any]:
        """The SQL and the driver's arguments for `params`."""
        prepared = self._by_dialect.get(dialect.name) or self._prepare(dialect)
        sql, order, fixed, names, required, binds, _processors, _row, _locks = prepared
        if not required <= params.keys():
            missing = ", ".join(sorted(required - params.keys()))
            raise TypeError(f"values are required for {missing}")
        values = dict(fixed)
        for name, value in params.items():
            if name in names:
                values[name] = value
        for name, proc in binds.items():
            values[name] = proc(values[name])
        return sql, tuple(values[k] for k in order) if order is not None else values

    def rows(self, dialect, raw: list) -> list:
        """The driver's rows as named tuples, with the columns' result processing."""
        _sql, _order, _fixed, _names, _req, _binds, processors, row, _locks = \
            self._by_dialect[dialect.name]
        if not processors:
            return [row._make(r) for r in raw]
        rows = []
        for r in raw:
            r = list(r)
            for i, proc in processors:
                r[i] = proc(r[i])
            rows.append(row._make(r))
        return rows

    def first(self, db: Session | Reads, **params):
        rows = self.all(db, **params)
        return rows[0] if rows else None

    def scalar(self, db: Session | Reads, **params):
        """The first column of the first row, or None."""
        row = self.first(db, **params)
        return None if row is None else row[0]


class Bound:
    """A prepared statement with its parameters: a read for `run_reads`."""

    __slots__ = ("prepared", "params")

    def __init__(self, prepared: Prepared, params: dict) -> None:
        self.prepared, self.params = prepared, params

    @property
    def width(self) -> int:
        return self.prepared.width

    @property
    def one_row(self) -> bool:
        return self.prepared.one_row

    def statement(self, dialect) -> tuple[str, Any]:
        return self.prepared.statement(dialect, self.params)

    def result(self, dialect, raw: list) -> list:
        return self.prepared.rows(dialect, raw)


def run_reads(db: Session | Reads, reads) -> list:
    """Each read's result. On PostgreSQL reads of one row at most (`one_row`) go as one
    statement, one round trip (`_as_one_statement`); otherwise one after another (on
    SQLite, in process, the joined statement costs more than the reads one by one).

    A read has `statement(dialect)` (SQL and the driver's arguments), `result(dialect,
    rows)`, `width` (its number of columns) and `one_row`. None may lock rows (a locking
    read runs alone, in a transaction: `Prepared`). One of no columns is a write
    (`Prepared.run`): nothing is fetched.
    """
    dbapi_conn, dialect, invalidate = driver_of(db)
    statements = [read.statement(dialect) for read in reads]
    joined = len(statements) > 1 and dialect.name == "postgresql" \
        and all(read.one_row for read in reads)
    if joined:
        statements = [_as_one_statement(statements)]
    cursors = [dbapi_conn.cursor() for _ in statements]
    sql = args = None
    try:
        for cursor, (sql, args) in zip(cursors, statements):
            cursor.execute(sql, args)
        raw = [cursor.fetchall() if read.width else []
               for cursor, read in zip(cursors, reads)]
    except dialect.loaded_dbapi.Error as exc:
        # what SQLAlchemy's own execution does: a dead connection is dropped from the
        # pool (and the pool checks the others) and the error says so
        gone = dialect.is_disconnect(exc, dbapi_conn, cursors[0])
        if gone:
            invalidate(exc)
        raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error,
                                  connection_invalidated=gone, dialect=dialect) from exc
    finally:
        for cursor in cursors:
            cursor.close()
    if joined:
        raw = _split(raw[0][0], reads)
    return [read.result(dialect, rows) for read, rows in zip(reads, raw)]


def _as_one_statement(statements: list) -> tuple[str, dict]:
    """Reads of at most one row each as one SELECT: each beside the others, with a column
    that says whether it found its row (an empty read leaves the others' rows). A named
    parameter two reads share must have the same value in both."""
    sql = "SELECT * FROM (SELECT 1) AS one"
    args: dict = {}
    for i, (read_sql, read_args) in enumerate(statements):
        if not isinstance(read_args, dict) or any(
                args.get(name, value) != value for name, value in read_args.items()):
            raise ValueError("reads sent as one statement need named parameters, distinct "
                             "or of the same value")
        args.update(read_args)
        sql += f"\nLEFT JOIN (SELECT 1 AS found, r.* FROM ({read_sql}) AS r) AS r{i} ON true"
    return sql, args


def _split(row: tuple, reads) -> list[list]:
    """The joined row back into each read's rows (none when its `found` is NULL)."""
    raw, at = [], 1  # the first column is the "SELECT 1"
    for read in reads:
        raw.append([row[at + 1:at + 1 + read.width]] if row[at] is not None else [])
        at += 1 + read.width
    return raw
