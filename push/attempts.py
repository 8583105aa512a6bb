"""The push log's writer: every delivery attempt becomes a row, written in batches.

Rows wait up to `every_s` so that a busy sender writes one batch (one hop to a database
thread, one transaction) for many pushes instead of one per push; `flush()` (a drain, a
stop) writes what waits at once. A failed write is logged and its rows are lost: the push
log never holds up a push.
"""
from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("push")
EVERY_S = 0.1


class AttemptLog:
    def __init__(self, write, executor, every_s: float = EVERY_S) -> None:
        """`write(rows)` runs on `executor` (a database thread)."""
        self._write_rows, self._executor, self._every = write, executor, every_s
        self._rows: list[dict] = []
        self._writer: asyncio.Task | None = None
        self._hurry: asyncio.Event | None = None
        self._flushing = 0

    @property
    def busy(self) -> bool:
        return bool(self._rows) or self._writer is not None

    def attempt(self, notify, target, transport: str, attempt: int, outcome: str, result,
                latency_ms: float | None) -> None:
        """One delivery attempt of `notify` to `target` (a device or its message), on the
        sender's loop; one not delivered is also logged as a warning."""
        self.add(dict(
            tenant_id=notify.tenant_id, user_id=notify.user_id, device_id=target.device_id,
            platform=target.platform, token_kind=target.token_kind, transport=transport,
            kind=notify.kind, call_id=notify.call_id, attempt=attempt, outcome=outcome,
            status=result.status, reason=result.reason,
            latency_ms=round(latency_ms, 3) if latency_ms is not None else None))
        if outcome not in ("delivered", "retrying"):
            log.warning("push not delivered", extra={"event": "push_attempt", "kind": notify.kind,
                                                     "call_id": notify.call_id,
                                                     "outcome": outcome, "reason": result.reason})

    def add(self, row: dict) -> None:
        """On the sender's loop."""
        self._rows.append(row)
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write())

    async def flush(self) -> None:
        """Write what waits now, and wait until it is written."""
        self._flushing += 1
        try:
            while self._writer is not None:
                if self._hurry is not None:
                    self._hurry.set()
                await asyncio.gather(self._writer, return_exceptions=True)
        finally:
            self._flushing -= 1

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._rows:
                if not self._flushing:
                    self._hurry = asyncio.Event()
                    try:
                        await asyncio.wait_for(self._hurry.wait(), self._every)
                    except asyncio.TimeoutError:
                        pass
                    finally:
                        self._hurry = None
                rows, self._rows = self._rows, []
                try:
                    await loop.run_in_executor(self._executor, self._write_rows, rows)
                except Exception:
                    log.exception("push log write failed", extra={"event": "push_log_error",
                                                                   "rows": len(rows)})
        finally:
            self._writer = None
