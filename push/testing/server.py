"""Run an ASGI app under hypercorn on its own thread and event loop (HTTP/2, optional TLS)."""
from __future__ import annotations

import asyncio
import socket
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadedServer:
    def __init__(self, app, *, certfile: str | None = None, keyfile: str | None = None,
                 port: int | None = None) -> None:
        from hypercorn.config import Config

        self.app = app
        self.port = port or free_port()
        self.config = Config()
        self.config.bind = [f"127.0.0.1:{self.port}"]
        self.config.loglevel = "WARNING"
        self.config.accesslog = None
        self.config.keep_alive_timeout = 3600
        self.config.h2_max_concurrent_streams = 1000
        self.config.graceful_timeout = 1
        self.config.keep_alive_max_requests = 10**9  # APNs keeps a connection for good
        if certfile:
            self.config.certfile, self.config.keyfile = certfile, keyfile
        scheme = "https" if certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="push-double")

    def _run(self) -> None:
        from hypercorn.asyncio import serve

        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._loop.run_until_complete(serve(self.app, self.config,
                                            shutdown_trigger=self._stop.wait))
        self._loop.close()

    def __enter__(self) -> "ThreadedServer":
        self._thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the push double did not start")

    def call(self, fn, *args):
        """Run `fn` on the server's loop (to change its state safely)."""
        done = threading.Event()
        self._loop.call_soon_threadsafe(lambda: (fn(*args), done.set()))
        done.wait(5)

    def __exit__(self, *exc) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
