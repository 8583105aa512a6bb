"""Structured logs: one JSON object per line (the web API adds request id and tenant through
`api.core.request_logs`; nothing here knows of a web framework)."""
from __future__ import annotations

import json
import logging
import sys
import time
from typing import Callable

_STD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`context()` returns fields every line carries at that moment (the request's id)."""

    def __init__(self, context: Callable[[], dict] | None = None) -> None:
        super().__init__()
        self.context = context

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if self.context is not None:
            out.update(self.context())
        for key, value in record.__dict__.items():
            if key not in _STD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(level: str = "INFO", context: Callable[[], dict] | None = None) -> None:
    """One JSON handler on the root logger (once per process); `context` adds fields to
    every line (also when the handler was installed before)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_pbx_json", False):
            if context is not None:
                handler.formatter.context = context
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(context))
    handler._pbx_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
