"""Structured logs: one JSON object per line (the web API adds request id and tenant through
`api.core.request_logs`; nothing here knows of a web framework)."""
from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
import threading
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


class BackgroundWriter(logging.Handler):
    """Hands each record to a thread of its own, which formats it with `target`'s formatter
    and writes to `target`'s stream what queued up meanwhile in one write: the thread that
    logs neither formats nor waits for the stream. Lines keep their order; `flush()` waits
    until what is queued is written; at exit (or `close()`) what is queued is written first."""

    def __init__(self, target: logging.StreamHandler) -> None:
        super().__init__(target.level)
        self.target = target
        self.formatter = target.formatter
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()

    def handle(self, record: logging.LogRecord) -> bool:
        if self.filter(record):
            self._q.put(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self._q.put(record)

    def close(self) -> None:
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join(5.0)
        super().close()

    def flush(self) -> None:
        """Until what is queued now is written (at most 2 s)."""
        if self._thread.is_alive():
            written = threading.Event()
            self._q.put(written)
            written.wait(2.0)

    def _run(self) -> None:
        stream = self.target.stream
        while True:
            lines, item = [], self._q.get()
            while True:
                if item is None:
                    return self._write(stream, lines)
                if isinstance(item, threading.Event):   # flush(): what came before it
                    self._write(stream, lines)
                    lines = []
                    item.set()
                else:
                    try:
                        lines.append(self.formatter.format(item))
                    except Exception:
                        self.target.handleError(item)
                try:
                    item = self._q.get_nowait()
                except queue.Empty:
                    break
            self._write(stream, lines)

    @staticmethod
    def _write(stream, lines: list[str]) -> None:
        if lines:
            try:
                stream.write("\n".join(lines) + "\n")
                stream.flush()
            except (OSError, ValueError):   # the stream went away (the process is ending)
                pass


def write_in_background() -> None:
    """The process's JSON log lines are formatted and written by a thread of their own
    (`BackgroundWriter`), for a process whose threads must not wait for their log lines
    (the SIP gateway's call thread). Call after `configure_logging`."""
    root = logging.getLogger()
    for i, handler in enumerate(root.handlers):
        if getattr(handler, "_pbx_json", False) and not isinstance(handler, BackgroundWriter):
            writer = BackgroundWriter(handler)
            writer._pbx_json = True  # type: ignore[attr-defined]
            root.handlers[i] = writer
            atexit.register(writer.close)
            return
