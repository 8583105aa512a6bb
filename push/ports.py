"""What the push sender needs from the rest of the backend, declared here and provided there.

The sender sits below the API: it never imports it. The process that starts a sender hands
it a `DeviceStore` (the API's, on its database: `api.pushdevices.store`), and the processes
that raise events are handed a `push.Notifier` on a `Sender` (a `PushService` in this
process, or a `Relay` to a process of its own).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .events import Notify


@dataclass(frozen=True)
class Target:
    """What the sender needs to know of one device (plain values, no ORM object)."""

    device_id: int
    platform: str          # ios / android
    token: str
    token_kind: str        # voip / alert / fcm
    app_id: str
    environment: str
    locale: str | None
    language: str | None = None          # the user's chosen language
    company_language: str | None = None  # their company's


class DeviceStore(Protocol):
    """The user's devices and settings, dead tokens, the push log (each call on its own
    database session; called from the sender's worker threads)."""

    def targets_for(self, users: list[tuple[int, int]]
                    ) -> dict[tuple[int, int], tuple[list[Target], dict]]:
        """For each (tenant id, user id): the user's devices and settings; none for an
        unknown user or another tenant's."""

    def prune(self, device_id: int, token: str) -> None:
        """The provider said the token is dead: forget it (only if it was not sent again)."""

    def record(self, attempts: list[dict]) -> None:
        """Write delivery attempts to the push log, stamped with the time of writing."""


class Sender(Protocol):
    """Takes notifications from any thread: `submit` returns at once and never raises."""

    def submit(self, notify: Notify) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...
