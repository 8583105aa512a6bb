"""The request-scoped database session of the web API (Flask side of `api.core.db`)."""
from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

from .db import begin_write, reads_outside_a_transaction

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def db_session() -> Session:
    """The request's session, opened lazily and closed at the end of the request.

    Requests that change things (POST, PUT, PATCH, DELETE) start as writers; the others
    read outside a transaction (what they may write still runs in one).
    """
    if "db_session" not in g:
        g.db_session = current_app.extensions["session_factory"]()
        if request.method in WRITE_METHODS:
            begin_write(g.db_session)
        else:
            reads_outside_a_transaction(g.db_session)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
