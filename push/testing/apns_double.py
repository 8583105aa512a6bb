"""A stand-in for Apple's APNs provider API (HTTP/2 over TLS, token authentication).

Served over HTTP/2 with TLS by `h2server.H2Server`. It checks what Apple checks (the JWT, the headers, the topic, the payload size) and can be
told to answer any of APNs' errors for a token, or for the next requests, or to stall.
Control it from the test's thread: `double.answer(token, 410, "Unregistered")`,
`double.answer_next(503, "ServiceUnavailable", retry_after=1)`, `double.stall()`.
"""
from __future__ import annotations

import collections
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt

LIMITS = {"voip": 5120}
DEFAULT_LIMIT = 4096
PUSH_TYPES = {"alert", "background", "voip", "location", "complication", "fileprovider", "mdm",
              "liveactivity", "pushtotalk"}
TOKEN_RE = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass
class Received:
    token: str
    headers: dict
    body: dict
    arrived_ns: int        # time.monotonic_ns() when the request's last byte was read
    status: int = 0
    reason: str | None = None


@dataclass
class ApnsDouble:
    """The ASGI app. `public_key` is the team's .p8 public key; `topics` the app's bundle ids."""

    public_key: bytes
    key_id: str
    team_id: str
    topics: set = field(default_factory=set)
    max_token_age_s: int = 3600
    keep: int = 100_000

    def __post_init__(self) -> None:
        self.requests: collections.deque[Received] = collections.deque(maxlen=self.keep)
        self.scripted: dict[str, list] = collections.defaultdict(list)
        self.next_answers: collections.deque = collections.deque()
        self.tokens_seen: set[str] = set()
        self.stale: set[str] = set()   # JWTs told to be too old
        self._stalled = threading.Event()
        self._jwt_cache: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.arrived = threading.Condition()

    # -- control (any thread) ---------------------------------------------------------------
    def answer(self, token: str, status: int, reason: str, retry_after: float | None = None):
        """Answer every later request for `token` with this error."""
        with self._lock:
            self.scripted[token] = [(status, reason, retry_after)]

    def answer_next(self, status: int, reason: str, retry_after: float | None = None,
                    times: int = 1):
        with self._lock:
            self.next_answers.extend([(status, reason, retry_after)] * times)

    def expire_tokens_now(self) -> None:
        """Every JWT seen so far is now too old (as after an hour)."""
        self.stale |= self.tokens_seen

    def stall(self) -> None:
        """Hold every request from now on without answering."""
        self._stalled.set()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    # -- the server side (h2server calls it on its loop for each complete request) ---------
    def handle(self, method: str, path: str, headers: dict, body: bytes):
        arrived = time.monotonic_ns()
        if method == "GET" and path == "/_double/arrivals":
            return 200, {"content-type": "application/json"}, json.dumps({"arrivals": [
                [r.body.get("call_id"), r.arrived_ns, r.status] for r in self.requests]}).encode()
        status, reason, retry_after = self._judge(method, path, headers, body)
        token = path.rsplit("/", 1)[-1]
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {}
        with self.arrived:
            self.requests.append(Received(token, headers, parsed, arrived, status, reason))
            self.arrived.notify_all()
        if self._stalled.is_set():
            return None  # never answered; the client gives up
        extra = {"apns-id": headers.get("apns-id") or str(uuid.uuid4())}
        if retry_after is not None:
            extra["retry-after"] = str(int(retry_after))
        if status == 200:
            return 200, extra, b""
        payload = {"reason": reason}
        if status == 410:
            payload["timestamp"] = int(time.time() * 1000)
        return status, {**extra, "content-type": "application/json"}, json.dumps(payload).encode()

    def _verified(self, bearer: str):
        """Claims of a JWT, checked once per distinct token (as APNs caches them)."""
        claims = self._jwt_cache.get(bearer)
        if claims is None:
            head = jwt.get_unverified_header(bearer)
            claims = jwt.decode(bearer, self.public_key, algorithms=["ES256"],
                                options={"verify_iat": False, "require": ["iss", "iat"]})
            claims["kid"] = head.get("kid")
            self._jwt_cache[bearer] = claims
        return claims

    def _judge(self, method: str, path: str, headers: dict, body: bytes):
        if method != "POST":
            return 405, "MethodNotAllowed", None
        if not path.startswith("/3/device/"):
            return 404, "BadPath", None
        token = path[len("/3/device/"):]
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return 403, "MissingProviderToken", None
        try:
            claims = self._verified(auth[7:])
        except jwt.PyJWTError:
            return 403, "InvalidProviderToken", None
        if claims.get("kid") != self.key_id or claims.get("iss") != self.team_id:
            return 403, "InvalidProviderToken", None
        iat = int(claims["iat"])
        if auth[7:] in self.stale or time.time() - iat > self.max_token_age_s:
            return 403, "ExpiredProviderToken", None
        self.tokens_seen.add(auth[7:])
        topic = headers.get("apns-topic")
        push_type = headers.get("apns-push-type")
        if not topic:
            return 400, "MissingTopic", None
        if push_type not in PUSH_TYPES:
            return 400, "InvalidPushType", None
        base = topic[:-5] if topic.endswith(".voip") else topic
        if base not in self.topics:
            return 400, "TopicDisallowed", None
        if (push_type == "voip") != topic.endswith(".voip"):
            return 400, "DeviceTokenNotForTopic", None
        if headers.get("apns-priority", "10") not in ("10", "5", "1"):
            return 400, "BadPriority", None
        if not headers.get("apns-expiration", "0").isdigit():
            return 400, "BadExpirationDate", None
        if len(headers.get("apns-collapse-id", "").encode()) > 64:
            return 400, "BadCollapseId", None
        if not TOKEN_RE.match(token):
            return 400, "BadDeviceToken", None
        if len(body) > LIMITS.get(push_type, DEFAULT_LIMIT):
            return 413, "PayloadTooLarge", None
        try:
            json.loads(body)
        except ValueError:
            return 400, "PayloadEmpty" if not body else "BadPayload", None
        with self._lock:
            if self.scripted.get(token):
                return self.scripted[token][0]
            if self.next_answers:
                return self.next_answers.popleft()
        return 200, None, None


async def _reply(send, status: int, payload, extra: dict | None = None) -> None:
    """An ASGI response (the FCM double runs under hypercorn)."""
    data = json.dumps(payload).encode() if payload is not None else b""
    headers = [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    if payload is not None:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def main(argv: list[str] | None = None) -> None:
    """Serve the double on its own (benchmarks): `python -m push.testing.apns_double ...`."""
    import argparse
    from pathlib import Path

    from .h2server import H2Server

    parser = argparse.ArgumentParser(prog="python -m push.testing.apns_double")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--team-id", required=True)
    parser.add_argument("--topic", action="append", required=True)
    args = parser.parse_args(argv)
    double = ApnsDouble(public_key=Path(args.public_key).read_bytes(), key_id=args.key_id,
                        team_id=args.team_id, topics=set(args.topic))
    H2Server(double.handle, port=args.port, certfile=args.cert, keyfile=args.key).run()


if __name__ == "__main__":
    main()
