"""The `local` transport: hands each message to the sink on this machine (development, demo,
tests, the app simulator). It shows what the provider would have received."""
from __future__ import annotations

import time

import httpx

from .apns import request_parts
from .payloads import Message
from .policy import Result


class LocalTransport:
    name = "local"

    def __init__(self, sink_url: str, *, wall=time.time) -> None:
        self._sink_url = sink_url.rstrip("/")
        self._wall = wall
        self._client: httpx.AsyncClient | None = None

    async def send(self, msg: Message, remaining_s: float) -> Result:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self._sink_url,
                                             limits=httpx.Limits(keepalive_expiry=None))
        if msg.platform == "ios":
            headers, _ = request_parts(msg, remaining_s, self._wall())
            provider = {"apns_headers": headers}
        else:
            provider = {"android": {"priority": "high" if msg.high_priority else "normal",
                                    "ttl": f"{int(max(0, remaining_s))}s",
                                    "collapse_key": msg.collapse_id}}
        envelope = {"platform": msg.platform, "token_kind": msg.token_kind, "kind": msg.kind,
                    "call_id": msg.call_id, "payload": msg.body, **provider}
        try:
            resp = await self._client.post(f"/deliver/{msg.token}", json=envelope,
                                           timeout=httpx.Timeout(max(0.001, remaining_s)))
        except httpx.TimeoutException:
            return Result(None, "timeout")
        except httpx.HTTPError:
            return Result(None, "connect_error")
        if resp.status_code == 200:
            return Result(200)
        return Result(resp.status_code, (resp.json() or {}).get("reason")
                      if resp.headers.get("content-type", "").startswith("application/json")
                      else None)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
