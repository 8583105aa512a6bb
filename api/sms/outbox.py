"""Work to do after the HTTP response has gone (sending SMS and e-mail).

Sending after the response keeps the answer's timing the same whether or not a message
goes out, and keeps the gateway's webhook call short.
"""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger("api.sms")


class Outbox:
    def __init__(self) -> None:
        self.jobs: list[Callable[[], None]] = []

    def add(self, job: Callable[[], None]) -> None:
        self.jobs.append(job)

    def flush(self) -> None:
        """Run every job; a failing job is logged and never reaches the caller."""
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            try:
                job()
            except Exception:  # a message that cannot go out must not break the others
                log.exception("outbox job failed", extra={"event": "outbox_failed"})

    def after_response(self) -> None:
        """In a request: flush once the response is closed (after it was sent)."""
        from flask import after_this_request

        @after_this_request
        def _later(response):
            response.call_on_close(self.flush)
            return response
