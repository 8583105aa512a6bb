"""A stand-in for Apple's APNs provider API (HTTP/2 over TLS, token authentication).

It checks what Apple checks (the JWT, the headers, the topic, the payload size) and can be
told to answer any of APNs' errors for a token, or for the next requests, or to stall.
Control it from the test's thread: `double.answer(token, 410, "Unregistered")`,
`double.answer_next(503, "ServiceUnavailable", retry_after=1)`, `double.stall()`.
"""
from __future__ import annotations

import asyncio
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
        self._release: asyncio.Event | None = None
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

    # -- ASGI -------------------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrived = time.monotonic_ns()
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        path = scope["path"]
        if scope["method"] == "GET" and path == "/_double/arrivals":
            return await _reply(send, 200, {"arrivals": [
                [r.body.get("call_id"), r.arrived_ns, r.status] for r in self.requests]})
        status, reason, retry_after = self._judge(scope, path, headers, body)
        token = path.rsplit("/", 1)[-1]
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {}
        with self.arrived:
            self.requests.append(Received(token, headers, parsed, arrived, status, reason))
            self.arrived.notify_all()
        if self._stalled.is_set():
            await asyncio.Event().wait()  # never answered; the client gives up
        extra = {"apns-id": headers.get("apns-id") or str(uuid.uuid4())}
        if retry_after is not None:
            extra["retry-after"] = str(int(retry_after))
        if status == 200:
            return await _reply(send, 200, None, extra)
        payload = {"reason": reason}
        if status == 410:
            payload["timestamp"] = int(time.time() * 1000)
        await _reply(send, status, payload, extra)

    def _judge(self, scope, path: str, headers: dict, body: bytes):
        if scope.get("http_version") != "2":
            return 505, "HTTP2Required", None  # APNs speaks only HTTP/2
        if scope["method"] != "POST":
            return 405, "MethodNotAllowed", None
        if not path.startswith("/3/device/"):
            return 404, "BadPath", None
        token = path[len("/3/device/"):]
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return 403, "MissingProviderToken", None
        try:
            head = jwt.get_unverified_header(auth[7:])
            claims = jwt.decode(auth[7:], self.public_key, algorithms=["ES256"],
                                options={"verify_iat": False, "require": ["iss", "iat"]})
        except jwt.PyJWTError:
            return 403, "InvalidProviderToken", None
        if head.get("kid") != self.key_id or claims.get("iss") != self.team_id:
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
    data = json.dumps(payload).encode() if payload is not None else b""
    headers = [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    if payload is not None:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
