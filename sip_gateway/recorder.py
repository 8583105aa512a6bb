"""Writes call state, the call log and command outcomes on one thread, in the order given.

The pjsua thread never waits for the database: it hands `Write`s over and gets results (the
live call's id) back through a callback it chose (usually "post this to my loop").

Writes that queue up while the thread is busy go to the database together: one transaction
and one session for a batch (a write's own commits do not end it), one commit, so the batch
is visible to others all at once. When a write of the batch fails, the whole batch is rolled
back and written again one write per transaction: the failing write is lost alone, the
others land. The `then`s of a batch run after its commit, in order, so a `then` never sees a
write that may still be rolled back; a later write that needs an earlier one's result (the
live call's id) gets it from that write itself, on this thread (`callrecords.write_state`).

While the database is out of reach (refused or lost connections) a write is not lost: it is
tried again, the later ones waiting behind it in order, until the database answers, the
gateway stops, or the outage has lasted `OUTAGE_S` (then the writes of that outage are
dropped, logged). A call that ended during an outage is thus not left "in a call" for good.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from sqlalchemy.exc import OperationalError

log = logging.getLogger("sip_gateway")
MAX_BATCH = 200
OUTAGE_S = 300.0        # how long writes wait for a database out of reach
RETRY_S = (0.2, 5.0)    # the first pause between tries, and the longest


class Recorder:
    def __init__(self, session_factory) -> None:
        self._sessions = session_factory
        self._engine = session_factory.kw.get("bind")
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="gateway-recorder", daemon=True)
        self._stopping = threading.Event()
        self._down_since: float | None = None  # the database out of reach since (monotonic)

    def start(self) -> "Recorder":
        self._thread.start()
        return self

    def submit(self, fn: Callable, *args, then: Callable | None = None) -> None:
        """Run `fn(db, *args)` on the recorder thread; `then(result)` afterwards, if given."""
        self._q.put((fn, args, then))

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()  # writes waiting for the database give up
        self._q.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch, stop = self._take()
            if batch:
                self._write(batch)
            if stop:
                return

    def _take(self) -> tuple[list, bool]:
        """The next batch: what is queued (at most `MAX_BATCH`); and whether the recorder
        stops after it."""
        batch = []
        while len(batch) < MAX_BATCH:
            if batch:
                try:
                    item = self._q.get_nowait()
                except queue.Empty:
                    break
            else:
                item = self._q.get()
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _write(self, items: list) -> None:
        if self._engine is not None and len(items) > 1:
            try:
                results = self._together(items)
            except Exception as exc:  # the one-by-one pass logs the failing write itself
                log.warning("a batched call state write failed: writing the batch one by one",
                            extra={"event": "state_write_retry", "writes": len(items),
                                   "error": type(exc).__name__}, exc_info=True)
            else:
                for (_fn, _args, then), result in zip(items, results):
                    self._then(then, result)
                return
        for fn, args, then in items:
            self._then(then, self._one(fn, args))

    def _one(self, fn: Callable, args: tuple):
        """One write in a transaction of its own; tried again while the database is out of
        reach (see the module's docstring). Its result, None when it failed."""
        pause = RETRY_S[0]
        while True:
            try:
                with self._sessions() as db:
                    result = fn(db, *args)
            except Exception as exc:
                if not self._unreachable(exc) or self._given_up():
                    log.exception("call state write failed",
                                  extra={"event": "state_write_error", "op": fn.__name__})
                    return None
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    log.warning("database out of reach: call state writes wait for it",
                                extra={"event": "state_write_waiting",
                                       "error": type(exc).__name__})
                self._stopping.wait(pause)
                pause = min(pause * 2, RETRY_S[1])
                continue
            if self._down_since is not None:
                log.info("database back: the waiting call state writes go on",
                         extra={"event": "state_write_resumed",
                                "waited_s": round(time.monotonic() - self._down_since, 1)})
                self._down_since = None
            return result

    def _unreachable(self, exc: Exception) -> bool:
        """A lost or refused connection (SQLite's OperationalError is also a wrong query:
        only a lost connection counts there)."""
        if not isinstance(exc, OperationalError):
            return False
        sqlite = self._engine is not None and self._engine.dialect.name == "sqlite"
        return exc.connection_invalidated or not sqlite

    def _given_up(self) -> bool:
        return self._stopping.is_set() or (
            self._down_since is not None and time.monotonic() - self._down_since > OUTAGE_S)

    def _together(self, items: list) -> list:
        """Every write in one transaction and one session; committed once. Raises when any
        write fails (nothing of the batch is committed then).

        A write's own `db.commit()` only flushes here: what the session does on a commit
        (its flush, the queue views of the users a call made busy or free, and the like)
        runs once for the batch, at its end, instead of once per write."""
        results = []
        with self._engine.connect() as conn:
            _begin(conn)
            with self._sessions(bind=conn,
                                join_transaction_mode="rollback_only") as db:
                db.commit = db.flush
                for fn, args, _then in items:
                    results.append(fn(db, *args))
                del db.commit
                db.commit()   # the session's part; the connection's transaction is below
            conn.commit()
        return results

    @staticmethod
    def _then(then: Callable | None, result) -> None:
        if then is not None:
            try:
                then(result)
            except Exception:
                log.exception("after a state write", extra={"event": "state_write_error"})


def _begin(conn) -> None:
    """Open the batch's transaction. SQLite: BEGIN IMMEDIATE (the write lock up front, and
    the savepoints nest inside it instead of each committing on release)."""
    conn.begin()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
