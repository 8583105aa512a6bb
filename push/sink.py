"""The local push sink: keeps the pushes sent to each token; phones (the app simulator)
long-poll for theirs. `python -m push.sink [--host H] [--port P]`.

POST /deliver/<token>             store one push (the `local` transport)
GET  /poll/<token>?after=N&wait=S the pushes after id N, waiting up to S seconds for one
GET  /healthz                     alive, how many pushes it dropped as stale, and how many
                                  requests' senders hung up before their answer
POST /dead/<token>                answer later deliveries 410 Unregistered (tests, demo)

Like a provider, it does not deliver what is no longer worth it: a push whose
`apns-expiration` has passed, an incoming call for a call whose call_ended it already has
for that token (the same collapse id: the later push replaces the earlier one), and a
request whose sender hung up before the sink read it (a sender that gave up waiting on a
sink that was frozen). A phone that hangs up on its long poll (the app was killed, the
network dropped) is counted, not reported as an error: its pushes wait for its next poll.
"""
from __future__ import annotations

import argparse
import itertools
import json
import socket
import sys
import threading
import time
from collections import OrderedDict, defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEEP = 200
MAX_WAIT_S = 30.0
ENDED_KEEP = 10_000     # calls remembered as over, per sink


class Store:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._pushes: dict[str, deque] = defaultdict(lambda: deque(maxlen=KEEP))
        self._ended: OrderedDict[tuple, None] = OrderedDict()
        self.dead: set[str] = set()
        self.dropped = 0
        self.hung_up = 0

    def count_hang_up(self) -> None:
        with self._cond:
            self.hung_up += 1

    def add(self, token: str, push: dict) -> int | None:
        """Store a push for the token's phone; None when it is not delivered (stale)."""
        with self._cond:
            if self._stale(token, push):
                self.dropped += 1
                return None
            push = {"id": next(self._ids), "received_at": time.time(), **push}
            self._pushes[token].append(push)
            self._cond.notify_all()
            return push["id"]

    def _stale(self, token: str, push: dict) -> bool:
        key = (token, push.get("call_id"))
        if push.get("kind") == "call_ended" and key[1]:
            self._ended[key] = None
            while len(self._ended) > ENDED_KEEP:
                self._ended.popitem(last=False)
        if push.get("kind") == "incoming_call" and key in self._ended:
            return True
        try:
            expiration = int((push.get("apns_headers") or {}).get("apns-expiration") or 0)
        except (TypeError, ValueError):
            expiration = 0
        return 0 < expiration < time.time()

    def after(self, token: str, after: int, wait_s: float) -> list[dict]:
        deadline = time.monotonic() + wait_s
        with self._cond:
            while True:
                found = [p for p in self._pushes.get(token, ()) if p["id"] > after]
                left = deadline - time.monotonic()
                if found or left <= 0:
                    return found
                self._cond.wait(left)


class Handler(BaseHTTPRequestHandler):
    store: Store
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, no delayed-ACK wait

    def log_message(self, *args) -> None:  # quiet: one line per push would flood `make run`
        pass

    def _answer(self, status: int, body: dict | list) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> tuple[str, str, dict]:
        parts = urlsplit(self.path)
        head, _, token = parts.path.lstrip("/").partition("/")
        return head, token, parse_qs(parts.query)

    def do_POST(self) -> None:
        head, token, _ = self._route()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not token:
            return self._answer(404, {"reason": "NotFound"})
        if head == "dead":
            self.store.dead.add(token)
            return self._answer(200, {"ok": True})
        if head != "deliver":
            return self._answer(404, {"reason": "NotFound"})
        if token in self.store.dead:
            return self._answer(410, {"reason": "Unregistered"})
        try:
            push = json.loads(body or b"{}")
        except ValueError:
            return self._answer(400, {"reason": "BadPayload"})
        if self._sender_gone():
            self.store.dropped += 1
            self.close_connection = True
            return None
        self._answer(200, {"id": self.store.add(token, push)})

    def _sender_gone(self) -> bool:
        """The sender closed the connection before its request was read (it gave up)."""
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def do_GET(self) -> None:
        head, token, query = self._route()
        if head == "healthz":
            return self._answer(200, {"status": "ok", "dropped": self.store.dropped,
                                      "hung_up": self.store.hung_up})
        if head != "poll" or not token:
            return self._answer(404, {"reason": "NotFound"})
        try:
            after = int(query.get("after", ["0"])[0])
            wait = min(MAX_WAIT_S, max(0.0, float(query.get("wait", ["0"])[0])))
        except ValueError:
            return self._answer(400, {"reason": "BadQuery"})
        self._answer(200, self.store.after(token, after, wait))


class SinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A sender or poller gone mid-request is routine for phones, not a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            self.RequestHandlerClass.store.count_hang_up()
            return
        super().handle_error(request, client_address)


def make_server(host: str = "127.0.0.1", port: int = 8091) -> SinkServer:
    handler = type("SinkHandler", (Handler,), {"store": Store()})
    return SinkServer((host, port), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m push.sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port)
    print(f"push sink on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
