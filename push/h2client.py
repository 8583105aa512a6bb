"""A lean HTTP/2 client for providers that take many small POSTs on few long-lived
connections (APNs): a pool of `push.h2connection.Connection`s to one origin, opened as they
fill up, replaced when lost or told to go away, kept open however long they are idle.
"""
from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

from .h2connection import Connection, H2Error, NotSent, Response

__all__ = ["H2Error", "Pool", "Response", "tls_context"]
PING_EVERY_S = 60.0  # health check of every connection (APNs: "check health with PING")


class Pool:
    """Up to `connections` connections to one origin (`https://host:port`), opened on demand:
    a request goes on the first connection with a free stream, and a new connection is only
    opened when all are full. `max_streams` bounds the streams in flight on one connection
    below the server's limit (a few hundred keep a connection to a distant server busy;
    thousands in flight only hold more memory). Every `ping_every_s` each connection is checked with a PING (see `Connection`).
    `fresh_headers` names the header fields that change from request to request (see
    `push.hpackblocks`)."""

    def __init__(self, url: str, ssl_context: ssl.SSLContext | None, connections: int = 1,
                 max_streams: int = 256, ping_every_s: float | None = PING_EVERY_S,
                 fresh_headers: frozenset[bytes] = frozenset()) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname
        self._tls = parts.scheme == "https"
        self._port = parts.port or (443 if self._tls else 80)
        self._authority = (parts.netloc or self._host).encode()
        self._ssl = ssl_context
        self._max = max(1, connections)
        self._max_streams = max_streams
        self._ping_every = ping_every_s
        self._fresh = fresh_headers
        self._conns: list[Connection] = []
        self._opening: asyncio.Future | None = None

    async def request(self, method: bytes, path: bytes, headers: list, body: bytes
                      ) -> Response:
        conn = await self._connection()
        try:
            return await conn.request(method, path, headers, body)
        except NotSent:   # the connection went away first (GOAWAY): once more, on a new one
            conn = await self._connection()
            return await conn.request(method, path, headers, body)

    async def _connection(self) -> Connection:
        conns = self._conns
        for c in conns:
            if c.has_room():
                return c
        conns[:] = [c for c in conns if not c.closed]
        if len(conns) < self._max or not conns:
            if self._opening is None:
                self._opening = asyncio.ensure_future(self._open())
            opening = self._opening
            try:
                return await asyncio.shield(opening)
            finally:
                if self._opening is opening and opening.done():
                    self._opening = None
        return min(conns, key=lambda c: c.load)

    async def _open(self) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(
                lambda: Connection(loop, b"https" if self._tls else b"http", self._authority,
                                   self._max_streams, self._ping_every, self._fresh),
                self._host, self._port,
                ssl=self._ssl if self._tls else None,
                server_hostname=self._host if self._tls else None)
        except (OSError, ssl.SSLError) as exc:
            raise H2Error(f"cannot connect: {exc}") from exc
        if self._tls:
            alpn = conn.alpn()
            if alpn != "h2":
                conn.close()
                raise H2Error(f"the server does not speak HTTP/2 (ALPN {alpn!r})")
        self._conns.append(conn)
        return conn

    def close(self) -> None:
        for conn in self._conns:
            conn.close()
        self._conns.clear()


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verifying TLS with ALPN h2 (the system's CAs, or `ca_file`'s)."""
    ctx = ssl.create_default_context()
    if ca_file:
        ctx.load_verify_locations(ca_file)
    ctx.set_alpn_protocols(["h2"])
    return ctx
