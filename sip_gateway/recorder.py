"""Writes call state, the call log and command outcomes on one thread, in the order given.

The pjsua thread never waits for the database: it hands `Write`s over and gets results (the
live call's id) back through a callback it chose (usually "post this to my loop").
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

log = logging.getLogger("sip_gateway")


class Recorder:
    def __init__(self, session_factory) -> None:
        self._sessions = session_factory
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="gateway-recorder", daemon=True)

    def start(self) -> "Recorder":
        self._thread.start()
        return self

    def submit(self, fn: Callable, *args, then: Callable | None = None) -> None:
        """Run `fn(db, *args)` on the recorder thread; `then(result)` afterwards, if given."""
        self._q.put((fn, args, then))

    def stop(self, timeout: float = 5.0) -> None:
        self._q.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            fn, args, then = item
            result = None
            try:
                with self._sessions() as db:
                    result = fn(db, *args)
            except Exception:
                log.exception("call state write failed",
                              extra={"event": "state_write_error", "op": fn.__name__})
            if then is not None:
                try:
                    then(result)
                except Exception:
                    log.exception("after a state write", extra={"event": "state_write_error"})
