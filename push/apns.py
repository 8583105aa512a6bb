"""iOS: APNs HTTP/2 provider API with token auth, over long-lived HTTP/2 connections."""
from __future__ import annotations

import asyncio
import json
import os
import time

import jwt

from .h2client import H2Error, Pool, tls_context
from .payloads import Message, encode
from .policy import Result


class ProviderToken:
    """One ES256 JWT per team, reused by every connection, renewed after `ttl_s` (20-60 min)."""

    def __init__(self, key_pem: str | bytes, key_id: str, team_id: str, ttl_s: int,
                 wall=time.time) -> None:
        self._key, self._key_id, self._team_id = key_pem, key_id, team_id
        self._ttl, self._wall = ttl_s, wall
        self._token: str | None = None
        self._issued = 0.0
        self.generated = 0  # how many tokens were made (the tests and the log read it)

    def current(self) -> str:
        if self._token is None or self._wall() - self._issued >= self._ttl:
            self._make()
        return self._token

    def expired(self, token: str) -> None:
        """APNs said ExpiredProviderToken: make a new one, unless another request already did."""
        if token == self._token:
            self._make()

    def _make(self) -> None:
        self._issued = self._wall()
        self._token = jwt.encode({"iss": self._team_id, "iat": int(self._issued)}, self._key,
                                 algorithm="ES256", headers={"kid": self._key_id})
        self.generated += 1


# the headers that change from push to push (the others repeat per device and topic)
FRESH = frozenset({b"apns-expiration", b"apns-id", b"apns-collapse-id"})


def request_parts(msg: Message, remaining_s: float, wall_now: float) -> tuple[dict, bytes]:
    """The APNs headers (without authorization) and body for a message."""
    return {**_repeated(msg), **_fresh(msg, remaining_s, wall_now)}, msg.payload or encode(
        msg.body)


def _repeated(msg: Message) -> dict:
    return {"apns-topic": msg.topic, "apns-push-type": msg.push_type,
            "apns-priority": "10" if msg.high_priority else "5"}


def new_apns_id() -> str:
    """A random (version 4) UUID in its canonical text, as `str(uuid.uuid4())` gives, in less
    than half the time (no UUID object, no integer conversions)."""
    b = bytearray(os.urandom(16))
    b[6] = b[6] & 0x0F | 0x40   # version 4
    b[8] = b[8] & 0x3F | 0x80   # RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _fresh(msg: Message, remaining_s: float, wall_now: float) -> dict:
    headers = {"apns-expiration": str(int(wall_now + remaining_s) if remaining_s >= 1 else 0),
               "apns-id": new_apns_id()}
    if msg.collapse_id and msg.push_type != "voip":
        headers["apns-collapse-id"] = msg.collapse_id
    return headers


class ApnsTransport:
    """Requests on long-lived HTTP/2 connections (`push.h2client`), as many streams at once
    as APNs allows; `connections` per environment, opened as they fill up."""

    name = "apns"

    def __init__(self, token: ProviderToken, *, production_url: str, sandbox_url: str,
                 ca_file: str | None = None, connections: int = 2, wall=time.time) -> None:
        self.token = token
        self._urls = {"production": production_url.rstrip("/"),
                      "sandbox": sandbox_url.rstrip("/")}
        self._ca_file, self._connections, self._wall = ca_file, connections, wall
        self._pools: dict[str, Pool] = {}
        self._repeated: dict[tuple, list] = {}   # the repeated headers, encoded, per kind

    @classmethod
    def from_config(cls, cfg) -> "ApnsTransport":
        with open(cfg.apns_key_file, "rb") as fh:
            key = fh.read()
        token = ProviderToken(key, cfg.apns_key_id, cfg.apns_team_id, cfg.apns_token_ttl)
        return cls(token, production_url=cfg.apns_production_url,
                   sandbox_url=cfg.apns_sandbox_url, ca_file=cfg.apns_ca_file,
                   connections=cfg.apns_connections)

    def _pool(self, environment: str) -> Pool:
        """Built on first use inside the sender's event loop; never closed while idle."""
        pool = self._pools.get(environment)
        if pool is None:
            pool = self._pools[environment] = Pool(self._urls[environment],
                                                   tls_context(self._ca_file), self._connections,
                                                   fresh_headers=FRESH)
        return pool

    def _fields(self, msg: Message, bearer: str, remaining_s: float) -> list:
        """The request's header fields as bytes: those that repeat (topic, push type,
        priority, token) made once per kind of push and token, the others afresh."""
        key = (msg.topic, msg.push_type, msg.high_priority, bearer)
        repeated = self._repeated.get(key)
        if repeated is None:
            if len(self._repeated) >= 64:   # old tokens, or many apps
                self._repeated.clear()
            repeated = self._repeated[key] = [
                *((k.encode(), v.encode()) for k, v in _repeated(msg).items()),
                (b"authorization", b"bearer " + bearer.encode())]
        return repeated + [(k.encode(), v.encode())
                           for k, v in _fresh(msg, remaining_s, self._wall()).items()]

    async def send(self, msg: Message, remaining_s: float) -> Result:
        bearer = self.token.current()
        fields = self._fields(msg, bearer, remaining_s)
        pool = self._pool(msg.environment if msg.environment in self._urls else "production")
        try:
            async with asyncio.timeout(max(0.001, remaining_s)):
                resp = await pool.request(b"POST", b"/3/device/" + msg.token.encode(), fields,
                                          msg.payload or encode(msg.body))
        except TimeoutError:
            return Result(None, "timeout")
        except H2Error:
            return Result(None, "connect_error")
        if resp.status == 200:
            return Result(200)
        reason = _reason(resp.body)
        if reason == "ExpiredProviderToken":
            self.token.expired(bearer)
        return Result(resp.status, reason, _retry_after(resp.headers.get(b"retry-after")))

    async def aclose(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def _reason(body: bytes) -> str | None:
    try:
        return str(json.loads(body).get("reason"))[:120]
    except (ValueError, AttributeError):
        return None


def _retry_after(value: bytes | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
