"""Request ids and the access log of the web API (the Flask side of `api.core.logs`)."""
from __future__ import annotations

import logging
import os
import time

from flask import Flask, g, has_request_context, request


def request_fields() -> dict:
    """The fields a log line written during a request carries: its id and tenant."""
    if not has_request_context():
        return {}
    return {"request_id": getattr(g, "request_id", None),
            "tenant_id": getattr(g, "tenant_id", None)}


def start_request() -> None:
    """The request's id (the client's `X-Request-Id` when it is a sensible one, else 128
    random bits in hex, as `uuid4().hex` reads but without building a UUID) and start."""
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() \
        else os.urandom(16).hex()
    g.started = time.perf_counter()


def access_logger(app: Flask):
    """What ends every request: its id in the answer and, when configured, its access log
    line."""
    access = logging.getLogger("api.access")
    logged = bool(app.config.get("ACCESS_LOG"))

    def finish_request(response):
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        if logged:
            access.info("request", extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
            })
        return response

    return finish_request
