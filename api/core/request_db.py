"""The request-scoped database access of the web API (Flask side of `api.core.db`)."""
from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

from .db import Reads, begin_write, reads_outside_a_transaction

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def db_session() -> Session:
    """The request's session, opened lazily and closed at the end of the request.

    Requests that change things (POST, PUT, PATCH, DELETE) start as writers; the others
    read outside a transaction (what they may write still runs in one). A connection the
    request's `db_reads()` held goes back to the pool first.
    """
    session = g.get("db_session")
    if session is None:
        reads = g.get("db_reads")
        if reads is not None:
            reads.close()
        session = g.db_session = current_app.extensions["session_factory"]()
        if reads is not None:
            reads.run_on(session)
        if request.method in WRITE_METHODS:
            begin_write(session)
        else:
            reads_outside_a_transaction(session)
    return session


def db_reads() -> Session | Reads:
    """Where the request's hot reads run (`Prepared` statements, the driver's cursor).

    A read-only request (GET, HEAD, OPTIONS) without a Session yet gets `Reads`: a bare
    pooled connection, given back at the end of the request, on which the login check and
    one or two more small reads cost a fraction of a Session; `orm(...)` turns it into the
    request's Session when a read needs the ORM. Otherwise the request's Session.
    """
    store = g._get_current_object()  # asked several times a request: one proxy look-up
    found = store.get("db_session")
    if found is None:
        found = store.get("db_reads")
    if found is not None:
        return found
    if request.method in WRITE_METHODS:
        return db_session()
    extensions = current_app.extensions
    factory = extensions["session_factory"]
    reads = store.db_reads = Reads(extensions["engine"], factory.kw.get("info") or {},
                                   db_session)
    return reads


def close_session(_exc: BaseException | None = None) -> None:
    reads = g.pop("db_reads", None)
    session = g.pop("db_session", None)
    try:
        if reads is not None:
            reads.close()
    finally:
        if session is not None:
            session.close()
