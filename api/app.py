"""The Flask application factory of the REST API."""
from __future__ import annotations

from inspect import CO_COROUTINE
from typing import TYPE_CHECKING

from flask import Flask, redirect
from werkzeug.routing import IntegerConverter

from i18n import N_

from .config import Settings

if TYPE_CHECKING:
    from bootstrap import Process


class BoundedInt(IntegerConverter):
    """Ids in URLs: an integer the database can hold (others are simply not found)."""

    MAX = 2**31 - 1

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", self.MAX)
        super().__init__(map, *args, **kwargs)


class ApiFlask(Flask):
    """Flask for views and hooks that are all plain functions.

    Flask asks `ensure_sync` about every view and hook of every request, through
    `inspect.iscoroutinefunction`; a plain function's code flags answer at once.
    """

    def ensure_sync(self, func):
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if code is not None and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def create_app(settings: Settings, process: "Process") -> Flask:
    """The web API on what its bootstrap built (`bootstrap.web_api` calls this)."""
    from sqlalchemy import text

    from . import features
    from .core.apidoc import SPEC_OPTIONS, SWAGGER_UI_ASSETS, Api, serve_swagger_ui
    from .core.request_db import close_session
    from .core.errors import ServiceUnavailable
    from .core import jsonbody, outbound
    from .core import request_hooks
    from .core.problems import register_problem_handlers

    outbound.configure(settings)
    app = ApiFlask(__name__)
    app.config.update(
        SETTINGS=settings,
        ACCESS_LOG=settings.access_log,
        API_TITLE="PBX companion API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_ASSETS,
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},  # no call to an outside validator
        API_SPEC_OPTIONS=SPEC_OPTIONS,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
    )
    engine = process.engine
    app.extensions["engine"] = engine
    app.extensions["session_factory"] = process.sessions
    app.extensions["ports"] = process.ports
    app.extensions["push"] = process.notifier  # push.Notifier: the test push goes through it
    app.teardown_appcontext(close_session)
    jsonbody.install(app)  # one strict JSON parser and request class for every endpoint
    app.url_map.converters["int"] = BoundedInt
    api = Api(app)
    api.register_converter(BoundedInt, lambda _c: {"type": "integer", "minimum": 0,
                                                   "maximum": BoundedInt.MAX})
    from .availability.schemas import LocalDateTime
    api.register_field(LocalDateTime, "string", None)  # its pattern says it: no offset
    serve_swagger_ui(app)
    register_problem_handlers(app)  # after Api(): replaces flask-smorest's error handler
    request_hooks.install(app, api)  # request id, body, NUL and query checks; access log
    features.register_all(api)
    _errors_are_problem_json(api)

    @app.get("/healthz")
    def healthz():
        """Alive."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        """Ready: the database answers."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means not ready
            raise ServiceUnavailable(N_("database unreachable: {error}"),
                                     values={"error": type(exc).__name__})
        return {"status": "ready"}

    @app.get("/")
    def index():
        return redirect("/api/v1/docs")

    return app


def _errors_are_problem_json(api) -> None:
    """Document the error responses with the media type they really have."""
    for response in api.spec.components.responses.values():
        content = response.get("content", {})
        if "application/json" in content:
            content["application/problem+json"] = content.pop("application/json")
