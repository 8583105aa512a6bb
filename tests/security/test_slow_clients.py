"""Slowloris: many clients that send their request headers a line at a time, never finishing,
must not stop the API from answering others. A real gunicorn with the settings `make run`
and production use (`deploy/gunicorn.conf.py`), started by the test."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.sip import ROOT, free_port

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
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test", "HOST": "127.0.0.1",
           "PORT": str(port), "SECRET_KEY": secrets.token_urlsafe(48),
           "ACCESS_LOG": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                             "api.wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while _healthz(url, 1.0) != 200:
            assert proc.poll() is None, "gunicorn exited at start"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield url, port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
