"""A stand-in for FCM's HTTP v1 send endpoint: checks the bearer token and the message shape,
answers FCM's errors on command (`double.answer(token, "UNREGISTERED")`)."""
from __future__ import annotations

import collections
import itertools
import json
import re
import threading
from dataclasses import dataclass, field

from .apns_double import _reply

ERRORS = {  # FCM error code -> (HTTP status, google.rpc status)
    "INVALID_ARGUMENT": (400, "INVALID_ARGUMENT"),
    "UNREGISTERED": (404, "NOT_FOUND"),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED"),
    "QUOTA_EXCEEDED": (429, "RESOURCE_EXHAUSTED"),
    "UNAVAILABLE": (503, "UNAVAILABLE"),
    "INTERNAL": (500, "INTERNAL"),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED"),
    "UNAUTHENTICATED": (401, "UNAUTHENTICATED"),   # no FcmError detail: a bad OAuth token
    "NOT_FOUND_PATH": (404, "NOT_FOUND"),          # no FcmError detail: wrong URL or project
}
PATH_RE = re.compile(r"^/v1/projects/([^/]+)/messages:send$")
DATA_LIMIT = 4096


@dataclass
class FcmDouble:
    project_id: str
    access_token: str
    requests: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.scripted: dict[str, tuple] = {}
        self.next_answers: collections.deque = collections.deque()
        self._ids = itertools.count(1)
        self.arrived = threading.Condition()

    def answer(self, token: str, code: str, retry_after: float | None = None) -> None:
        self.scripted[token] = (code, retry_after)

    def answer_next(self, code: str, retry_after: float | None = None, times: int = 1) -> None:
        self.next_answers.extend([(code, retry_after)] * times)

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        code, retry_after, message = self._judge(scope, headers, body)
        with self.arrived:
            self.requests.append({"headers": headers, "body": message, "answer": code})
            self.arrived.notify_all()
        if code is None:
            name = f"projects/{self.project_id}/messages/{next(self._ids)}"
            return await _reply(send, 200, {"name": name})
        status, rpc = ERRORS.get(code, (400, code))
        error = {"error": {"code": status, "message": code, "status": rpc, "details": [
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}]}}
        if code in ("UNAUTHENTICATED", "NOT_FOUND_PATH"):
            error["error"]["details"] = []
        extra = {"retry-after": str(int(retry_after))} if retry_after is not None else None
        await _reply(send, status, error, extra)

    def _judge(self, scope, headers: dict, body: bytes):
        m = PATH_RE.match(scope["path"])
        if scope["method"] != "POST" or not m or m.group(1) != self.project_id:
            return "NOT_FOUND_PATH", None, None
        if headers.get("authorization") != f"Bearer {self.access_token}":
            return "UNAUTHENTICATED", None, None
        try:
            message = json.loads(body)["message"]
        except (ValueError, KeyError, TypeError):
            return "INVALID_ARGUMENT", None, None
        targets = [k for k in ("token", "topic", "condition") if k in message]
        data = message.get("data", {})
        android = message.get("android", {})
        if len(targets) != 1 or not isinstance(data, dict) or \
                not all(isinstance(v, str) for v in data.values()) or \
                android.get("priority", "normal") not in ("normal", "high") or \
                not re.match(r"^\d+(\.\d+)?s$", android.get("ttl", "0s")) or \
                len(json.dumps(data, separators=(",", ":")).encode()) > DATA_LIMIT:
            return "INVALID_ARGUMENT", None, message
        token = message.get("token")
        if token in self.scripted:
            return (*self.scripted[token], message)
        if self.next_answers:
            return (*self.next_answers.popleft(), message)
        return None, None, message
