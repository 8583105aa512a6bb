"""Work to do after the HTTP response has gone (sending SMS and e-mail).

Sending after the response keeps the answer's timing the same whether or not a message
goes out, and keeps the gateway's webhook call short.
"""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger("api.sms")


def _run(job: Callable[[], None]) -> None:
    try:
        job()
    except Exception:  # a message that cannot go out must not break the others
        log.exception("outbox job failed", extra={"event": "outbox_failed"})


class Outbox:
    def __init__(self) -> None:
        self.jobs: list[Callable[[], None]] = []

    def add(self, job: Callable[[], None]) -> None:
        self.jobs.append(job)

    def flush(self, workers: int = 1) -> None:
        """Run every job, `workers` at a time; a failing job is logged and never reaches the
        caller."""
        jobs, self.jobs = self.jobs, []
        if workers > 1 and len(jobs) > 1:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(min(workers, len(jobs))) as pool:
                list(pool.map(_run, jobs))
            return
        for job in jobs:
            _run(job)

    def after_response(self) -> None:
        """In a request: flush once the response is closed (after it was sent)."""
        from flask import after_this_request

        @after_this_request
        def _later(response):
            response.call_on_close(self.flush)
            return response
