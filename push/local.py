"""The `local` transport: hands each message to the sink on this machine (development, demo,
tests, the app simulator). It shows what the provider would have received.

The sink speaks HTTP/1.1, one request per connection at a time. aiohttp's client keeps a
bounded set of kept-alive connections (`MAX_CONNECTIONS`) and queues the rest cheaply: the
gateway's push relay sends hundreds of pushes a second through it.
"""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from .apns import request_parts
from .payloads import Message
from .policy import Result

MAX_CONNECTIONS = 16


class LocalTransport:
    name = "local"

    def __init__(self, sink_url: str, *, wall=time.time) -> None:
        self._sink_url = sink_url.rstrip("/")
        self._wall = wall
        self._client: aiohttp.ClientSession | None = None

    async def send(self, msg: Message, remaining_s: float) -> Result:
        if self._client is None:
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=300),
                json_serialize=lambda o: json.dumps(o, separators=(",", ":")))
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
            async with self._client.post(
                    f"{self._sink_url}/deliver/{msg.token}", json=envelope,
                    timeout=aiohttp.ClientTimeout(total=max(0.001, remaining_s))) as resp:
                if resp.status == 200:
                    await resp.read()
                    return Result(200)
                reason = None
                if resp.content_type == "application/json":
                    reason = ((await resp.json()) or {}).get("reason")
                return Result(resp.status, reason)
        except asyncio.TimeoutError:
            return Result(None, "timeout")
        except (aiohttp.ClientError, ValueError):
            return Result(None, "connect_error")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
