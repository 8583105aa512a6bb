"""Turn every error into application/problem+json (RFC 9457)."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, g, json, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from i18n import N_, tr

from .errors import AppError, ServiceUnavailable, field_error, localise_texts

PROBLEM_TYPE_BASE = "https://problems.pbx-companion.dev/"
log = logging.getLogger("api.errors")


# Werkzeug's names of the statuses the API can answer without an AppError, for the catalogs.
HTTP_TITLES = (N_("Bad Request"), N_("Unauthorized"), N_("Forbidden"), N_("Not Found"),
               N_("Method Not Allowed"), N_("Request Entity Too Large"),
               N_("Unsupported Media Type"), N_("Too Many Requests"))
# and Werkzeug's descriptions of them, the detail when the framework answers by itself
HTTP_DETAILS = (
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The server could not verify that you are authorized to access the URL requested. "
       "You either supplied the wrong credentials (e.g. a bad password), or your browser "
       "doesn't understand how to supply the credentials required."),
    N_("You don't have the permission to access the requested resource. It is either "
       "read-protected or not readable by the server."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("This user has exceeded an allotted request count. Try again later."))


def problem_response(status: int, title: str, detail: str, slug: str,
                     extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                     lang: str = "en"):
    body = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": getattr(g, "request_id", None),
    }
    if extra:
        body.update(extra)
    resp = Flask.response_class(json.dumps(body), status=status,
                                mimetype="application/problem+json")
    resp.headers["Content-Language"] = lang
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _language() -> str:
    """The reader's language (see `request_language`); English when even that fails, so
    an error never turns into another one."""
    from .request_language import request_language

    try:
        return request_language()
    except Exception:  # noqa: BLE001 - the problem itself must still be answered
        log.warning("no language for the problem", exc_info=True,
                    extra={"event": "problem_language_failed"})
        return "en"


def _validation_detail(messages: Any, lang: str) -> tuple[str, dict[str, Any]]:
    """Flatten webargs' {location: {field: [msg]}} into a sentence and per-field errors."""
    errors: dict[str, Any] = {}
    if isinstance(messages, dict):
        for location, fields in messages.items():
            if isinstance(fields, dict):
                errors.update(fields)
            else:
                errors[location] = fields
    errors = localise_texts(lang, errors)
    parts = []
    for field, msgs in errors.items():
        text = msgs if isinstance(msgs, str) else "; ".join(
            m if isinstance(m, str) else json.dumps(m) for m in (msgs if isinstance(msgs, list) else [msgs]))
        parts.append(f"{field}: {text}")
    if not parts:
        return tr(lang, "Invalid input"), errors
    return tr(lang, "Invalid input: {fields}", fields=", ".join(parts)), errors


def register_problem_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        lang = _language()
        title, detail, extra = exc.localised(lang)
        return problem_response(exc.status, title, detail, exc.type_slug, extra, exc.headers,
                                lang)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        data = getattr(exc, "data", None) or {}
        lang = _language()
        if status == 422 or (status == 400 and "messages" in data):
            detail, errors = _validation_detail(data.get("messages"), lang)
            return problem_response(422, tr(lang, "Unprocessable content"), detail,
                                    "validation-error", {"errors": errors}, lang=lang)
        headers = {}
        if status == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        if status == 416 and getattr(exc, "length", None) is not None:
            headers["Content-Range"] = f"{exc.units} */{exc.length}"  # RFC 9110 15.5.17
        detail = tr(lang, exc.description or exc.name)
        if status == 404:
            detail = tr(lang, "No resource at {path}", path=request.path)
        elif status == 405:
            detail = tr(lang, "Method {method} is not allowed on {path}",
                        method=request.method, path=request.path)
        return problem_response(status, tr(lang, exc.name), detail,
                                exc.name.lower().replace(" ", "-"), headers=headers, lang=lang)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        if _sqlite_busy(exc):
            # another writer held SQLite's lock past the busy timeout: nothing was written,
            # the same request a moment later goes through
            log.warning("database busy", extra={"event": "database_busy"})
            return _app_error(ServiceUnavailable(N_("database busy with other writes, "
                                                    "try again"),
                                                 headers={"Retry-After": "1"}))
        if not exc.connection_invalidated:
            return _unexpected(exc)
        # the connection was lost (the server restarted or went away): dropped from the
        # pool, so a retry gets a fresh one; not the server's bug
        log.warning("database connection lost", extra={"event": "database_disconnect"})
        return _app_error(ServiceUnavailable(N_("database unreachable: {error}"),
                                             values={"error": type(exc.orig).__name__},
                                             headers={"Retry-After": "1"}))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error", extra={"event": "unexpected_error"})
        rid = getattr(g, "request_id", None)
        lang = _language()
        return problem_response(500, tr(lang, "Internal server error"),
                                tr(lang, "Unexpected error; quote request id {rid} when "
                                         "reporting it", rid=rid),
                                "internal-error", lang=lang)


def _sqlite_busy(exc: DBAPIError) -> bool:
    """SQLite gave up waiting for another connection's write lock ("database is locked")."""
    return isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig)


def _nul_path(value: Any, path: str = "") -> str | None:
    """Where a NUL character hides in parsed input (PostgreSQL cannot store it)."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_path(key, path) if isinstance(key, str) and "\x00" in key else \
                _nul_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_path(item, f"{path}[{i}]")
            if found:
                return found
    return None


def refuse_nul_characters() -> None:
    """Text with NUL characters (in the query or a JSON body) is refused up front with a 422
    naming the field. Runs before every request (`api.core.request_hooks`)."""
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise field_error(key.replace("\x00", ""), N_("must not contain NUL characters"))
    if request.is_json:
        data = request.get_json(silent=True)
        where = _nul_path(data) if data is not None else None
        if where:
            raise field_error(where, N_("must not contain NUL characters"))
