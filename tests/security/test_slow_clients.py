"""Slowloris: many clients that send their request headers a line at a time, never finishing,
must not stop the API from answering others. A real gunicorn with the settings `make run`
and production use (`deploy/gunicorn.conf.py`), started by the test."""
from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.support.gunicorn import gunicorn as serve

SLOW_CONNECTIONS = 50
CHECKS = 5
CHECK_TIMEOUT_S = 3.0


def _healthz(url: str, timeout: float) -> int | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=timeout) as resp:
            return resp.status
    except OSError:
        return None


@pytest.fixture
def gunicorn(database_url):
    with serve(database_url) as url:
        yield url, int(url.rsplit(":", 1)[1])


def _slow_client(port: int) -> socket.socket:
    """A connection that has sent the start of a request and one header, and no end."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock


def test_fifty_slow_header_connections_do_not_stop_healthz(gunicorn):
    url, port = gunicorn
    slow = [_slow_client(port) for _ in range(SLOW_CONNECTIONS)]
    try:
        answered = []
        for i in range(CHECKS):
            for n, sock in enumerate(slow):   # every slow client trickles one more header
                sock.sendall(f"X-Slow-{i}-{n}: 1\r\n".encode())
            answered.append(_healthz(url, CHECK_TIMEOUT_S))
        # the slow clients were still being held open by the server the whole time
        for n, sock in enumerate(slow):
            sock.sendall(f"X-Still-Here-{n}: 1\r\n".encode())
        assert answered == [200] * CHECKS
    finally:
        for sock in slow:
            sock.close()
