"""Tiny HTTP servers on 127.0.0.1 for tests: a JSON directory that answers or stalls, and
the threaded server under it (`StubServer`) for other stubs."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class StubServer:
    """A threaded HTTP server on a free port of 127.0.0.1 serving `handler`; `release` is set
    when it stops, so a handler holding a request lets go."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class StubDirectory(StubServer):
    """Serves `answers[number]` as JSON at /lookup?number=...; stalls while `stall` is set."""

    def __init__(self, answers: dict[str, dict] | None = None) -> None:
        self.answers = answers or {}
        self.requests: list[str] = []
        self.stalling = False
        self.stalled = threading.Event()  # set when a request is being held
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                number = parse_qs(urlsplit(self.path).query).get("number", [""])[0]
                stub.requests.append(number)
                if stub.stalling:
                    stub.stalled.set()
                    stub.release.wait(timeout=30)
                body = stub.answers.get(number)
                data = json.dumps(body if body is not None else {"error": "not found"}).encode()
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        super().__init__(Handler)
