"""iOS: APNs HTTP/2 provider API with token auth, over long-lived httpx HTTP/2 connections."""
from __future__ import annotations

import asyncio
import json
import ssl
import time
import uuid

import httpx
import jwt

from .payloads import Message, encode
from .policy import Result


STREAMS = 100  # httpcore uses at most 100 concurrent streams per HTTP/2 connection


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


def request_parts(msg: Message, remaining_s: float, wall_now: float) -> tuple[dict, bytes]:
    """The APNs headers (without authorization) and body for a message."""
    expiration = int(wall_now + remaining_s) if remaining_s >= 1 else 0
    headers = {"apns-topic": msg.topic, "apns-push-type": msg.push_type,
               "apns-priority": "10" if msg.high_priority else "5",
               "apns-expiration": str(expiration), "apns-id": str(uuid.uuid4())}
    if msg.collapse_id and msg.push_type != "voip":
        headers["apns-collapse-id"] = msg.collapse_id
    return headers, encode(msg.body)


class ApnsTransport:
    name = "apns"

    def __init__(self, token: ProviderToken, *, production_url: str, sandbox_url: str,
                 ca_file: str | None = None, connections: int = 2, wall=time.time) -> None:
        self.token = token
        self._urls = {"production": production_url.rstrip("/"),
                      "sandbox": sandbox_url.rstrip("/")}
        self._ca_file, self._connections, self._wall = ca_file, connections, wall
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._slots: asyncio.Semaphore | None = None

    @classmethod
    def from_config(cls, cfg) -> "ApnsTransport":
        with open(cfg.apns_key_file, "rb") as fh:
            key = fh.read()
        token = ProviderToken(key, cfg.apns_key_id, cfg.apns_team_id, cfg.apns_token_ttl)
        return cls(token, production_url=cfg.apns_production_url,
                   sandbox_url=cfg.apns_sandbox_url, ca_file=cfg.apns_ca_file,
                   connections=cfg.apns_connections)

    def _client(self, environment: str) -> httpx.AsyncClient:
        """Built on first use inside the sender's event loop; never closed while idle."""
        client = self._clients.get(environment)
        if client is None:
            verify = ssl.create_default_context()
            if self._ca_file:
                verify.load_verify_locations(self._ca_file)
            client = httpx.AsyncClient(
                http2=True, verify=verify, base_url=self._urls[environment],
                limits=httpx.Limits(max_connections=self._connections,
                                    max_keepalive_connections=self._connections,
                                    keepalive_expiry=None))
            self._clients[environment] = client
        return client

    async def send(self, msg: Message, remaining_s: float) -> Result:
        """One request; at most STREAMS in flight per connection (httpcore's pool scans its
        whole queue of waiting requests at every step, so a long queue costs quadratic time)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(STREAMS * self._connections)
        try:
            await asyncio.wait_for(self._slots.acquire(), remaining_s)
        except asyncio.TimeoutError:
            return Result(None, "timeout")
        try:
            return await self._send(msg, remaining_s)
        finally:
            self._slots.release()

    async def _send(self, msg: Message, remaining_s: float) -> Result:
        headers, body = request_parts(msg, remaining_s, self._wall())
        bearer = self.token.current()
        headers["authorization"] = f"bearer {bearer}"
        client = self._client(msg.environment if msg.environment in self._urls else "production")
        try:
            resp = await client.post(f"/3/device/{msg.token}", content=body, headers=headers,
                                     timeout=httpx.Timeout(max(0.001, remaining_s)))
        except httpx.TimeoutException:
            return Result(None, "timeout")
        except httpx.HTTPError as exc:
            return Result(None, "connect_error" if isinstance(exc, httpx.TransportError)
                          else type(exc).__name__)
        if resp.status_code == 200:
            return Result(200)
        reason = _reason(resp)
        if reason == "ExpiredProviderToken":
            self.token.expired(bearer)
        return Result(resp.status_code, reason, _retry_after(resp))

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


def _reason(resp: httpx.Response) -> str | None:
    try:
        return str(json.loads(resp.content).get("reason"))[:120]
    except (ValueError, AttributeError):
        return None


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
