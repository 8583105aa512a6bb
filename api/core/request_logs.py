"""Request ids and the access log of the web API (the Flask side of `api.core.logs`)."""
from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, g, has_request_context, request


def request_fields() -> dict:
    """The fields a log line written during a request carries: its id and tenant."""
    if not has_request_context():
        return {}
    return {"request_id": getattr(g, "request_id", None),
            "tenant_id": getattr(g, "tenant_id", None)}


def install_request_ids(app: Flask) -> None:
    access = logging.getLogger("api.access")

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() \
            else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        if app.config.get("ACCESS_LOG"):
            access.info("request", extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
            })
        return response
