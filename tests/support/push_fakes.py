"""A device store and a transport of a test's own, for the sender's batching and hand-over
(no database, no provider)."""
from __future__ import annotations

import threading

from push.policy import Result
from push.ports import Target


class Store:
    """Each (tenant, user) has one Android device whose token names them."""

    def __init__(self) -> None:
        self.trips: list[list] = []
        self.rows: list[dict] = []
        self.writes = 0
        self.hold = threading.Event()
        self.hold.set()
        self.fail_next = False
        self.answered = 0   # look-ups that returned (or failed) after the hold

    def targets_for(self, users):
        self.trips.append(list(users))
        self.hold.wait(10)
        self.answered += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database unreachable")
        return {(t, u): ([Target(t * 1000 + u, "android", f"tok-{t}-{u}", "fcm", "app",
                                 "production", None)], {})
                for t, u in users if u != 99}   # user 99 is unknown

    def prune(self, device_id, token):
        pass

    def record(self, rows):
        self.writes += 1
        self.rows.extend(rows)


class Transport:
    name = "fake"

    def __init__(self) -> None:
        self.sent: list[tuple] = []

    async def send(self, msg, remaining_s):
        self.sent.append((msg.token, msg.call_id))
        return Result(200)

    async def aclose(self):
        pass


class HeldTransport(Transport):
    """A provider that does not answer the calls named in `held` until they are released."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[str] = set()
        self.started: list[str] = []

    async def send(self, msg, remaining_s):
        import asyncio

        self.started.append(msg.call_id)
        while msg.call_id in self.held:
            await asyncio.sleep(0.005)
        return await super().send(msg, remaining_s)


class SocketSender:
    """The gateway's side of a relay socket, without the process: one datagram per push."""

    def __init__(self, sock) -> None:
        self._sock = sock

    def submit(self, notify) -> None:
        import orjson

        self._sock.sendall(orjson.dumps(notify, option=orjson.OPT_NON_STR_KEYS))

    def stop(self, timeout: float = 5.0) -> None:
        self._sock.close()
