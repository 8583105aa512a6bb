"""Local servers for attack tests: an "internal" HTTP server that counts every request it
gets (the thing an attacker wants to reach), a redirector, a port that speaks something
other than HTTP, one that answers nothing, and a closed port. Loopback only."""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SECRET_FEED = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//internal//x//EN\r\nBEGIN:VEVENT\r\n"
               "UID:secret@internal\r\nDTSTART:20261123T080000Z\r\nDTEND:20261123T200000Z\r\n"
               "SUMMARY:INTERNAL SECRET\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
SECRET_JSON = {"result": {"name": "INTERNAL SECRET"}}


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class ProbeServer:
    """Counts requests. `/cal.ics` serves a calendar, `/lookup` JSON, `/redirect?code=&to=`
    a redirect, `/stall` holds the request until the server stops, `/body` serves
    `self.body` (bytes) as a calendar."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[str] = []
        self.body = SECRET_FEED.encode()
        self.stop = threading.Event()
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                probe.requests.append(self.path)
                path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
                if path == "/redirect":
                    self.send_response(int(query["code"][0]))
                    self.send_header("Location", query["to"][0])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path == "/stall":
                    probe.stop.wait(timeout=60)
                    return
                data, kind = probe.body, "text/calendar"
                if path == "/lookup":
                    data, kind = json.dumps(SECRET_JSON).encode(), "application/json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        cls = _V6Server if ":" in host else ThreadingHTTPServer
        self.server = cls((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def count(self) -> int:
        return len(self.requests)

    def __enter__(self) -> "ProbeServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class NotHttp:
    """A TCP port on 127.0.0.1 that greets like an SMTP server and counts connections."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.sendall(b"220 mail.internal ESMTP ready\r\n")

    def __enter__(self) -> "NotHttp":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]
