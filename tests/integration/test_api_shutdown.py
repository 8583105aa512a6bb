"""The API stopping (gunicorn shutting its workers down) first sends and logs the pushes it
has in flight: a user's test push is not lost to a restart."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.gunicorn import gunicorn_process
from tests.support.push import attempts, registered
from tests.support.stub_http import StubServer

ANDROID = {"platform": "android", "token": "shutdown-token", "token_kind": "fcm",
           "app_id": "no.example.pbx"}


class HeldSink(StubServer):
    """A push sink that holds each delivery until `release` is set, then accepts it."""

    def __init__(self) -> None:
        self.holding = threading.Event()  # a delivery arrived and is held
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.holding.set()
                sink.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        super().__init__(Handler)


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.once
def test_a_push_in_flight_when_the_api_stops_is_still_sent_and_logged(
        database_url, settings, app, client):
    phone = registered(app, client, "alice", [ANDROID])
    with HeldSink() as sink, gunicorn_process(database_url, workers=1,
                                              secret_key=settings.secret_key,
                                              env={"PUSH_SINK_URL": sink.url}) as (url, proc):
        r = requests.post(url + "/api/v1/me/push-devices/test", headers=phone["headers"],
                          timeout=10)
        assert r.status_code == 202
        assert sink.holding.wait(20), "the test push never reached the sink"
        proc.terminate()  # gunicorn's graceful shutdown, as systemd or Ctrl-C asks for it
        deadline = time.monotonic() + 20
        while _listening(url):  # the worker has closed its sockets: it is on its way out
            assert time.monotonic() < deadline, "the API kept listening after SIGTERM"
            time.sleep(0.05)
        sink.release.set()
        assert proc.wait(20) == 0
    assert [(a["kind"], a["outcome"]) for a in attempts(client, phone)] == [("test", "delivered")]
