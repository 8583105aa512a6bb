"""External directories: a pluggable interface (number in, hit or nothing out, with a deadline).

Two kinds ship: `register` (a local business register loaded from CSV/JSON into the number
index, so it is answered by the same indexed query as the company directory) and `http_json`
(an HTTP API configured by a URL template and a field mapping, with a TTL cache). Other kinds
plug in with `register_kind(name, factory)`; a factory takes the `ExternalSource` row.
"""
from __future__ import annotations

import concurrent.futures
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Protocol
from urllib.parse import quote

import phonenumbers

from ..core.clock import now
from ..core.outbound import Guard, OutboundFailed, guard_for

log = logging.getLogger("api.callerid.sources")
HOSTS_VARIABLE = "PBX_DIRECTORY_HOSTS"
MAX_ANSWER_BYTES = 1024 * 1024


def guard(settings=None) -> Guard:
    """Directory requests: public addresses only, unless the host is in PBX_DIRECTORY_HOSTS."""
    return guard_for(settings, HOSTS_VARIABLE, max_bytes=MAX_ANSWER_BYTES)


@dataclass(frozen=True)
class Hit:
    """Who a number is: name, company, title, department, and where that came from."""

    name: str
    number: str
    source: str  # colleague | company_contact | personal_contact | external
    source_name: str
    company: str | None = None
    title: str | None = None
    department: str | None = None
    address: str | None = None
    label: str | None = None
    user_id: int | None = None      # a colleague
    contact_id: int | None = None   # a company or personal contact

    def as_dict(self) -> dict:
        return dict(vars(self))  # what `asdict` gives for these flat fields, without its walk


class Source(Protocol):
    name: str

    def lookup(self, e164: str, deadline: float) -> Hit | None:
        """The hit for `e164`, or None; must give up by `deadline` (time.monotonic())."""


_kinds: dict[str, Callable] = {}


def register_kind(kind: str, factory: Callable) -> None:
    _kinds[kind] = factory


def kinds() -> list[str]:
    return ["register", *sorted(_kinds)]


def build(row) -> Source | None:
    """The source object for an `ExternalSource` row (registers are answered by the index)."""
    factory = _kinds.get(row.kind)
    return factory(row) if factory else None


# -- HTTP JSON ----------------------------------------------------------------------------

class TTLCache:
    """Answers (hits and misses) per (source, config, number), for `ttl_s` seconds of clock."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self.max_entries = max_entries
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._data.get(key)
        if item is None or item[0] <= now():
            return False, None
        return True, item[1]

    def put(self, key, value, ttl_s: int) -> None:
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.clear()
            self._data[key] = (now() + timedelta(seconds=ttl_s), value)


CACHE = TTLCache()


def dig(data, path: str | None):
    """`a.b.0.c` in nested JSON; None when any step is missing."""
    if not path:
        return None
    for step in path.split("."):
        if isinstance(data, list) and step.isascii() and step.isdigit() \
                and int(step) < len(data):
            data = data[int(step)]
        elif isinstance(data, dict) and step in data:
            data = data[step]
        else:
            return None
    return data if isinstance(data, (str, int, float)) else None


def fill_template(template: str, e164: str) -> str:
    """The URL for a number: {e164}, {digits} and {national} filled in."""
    digits = e164.lstrip("+")
    url = template.replace("{e164}", quote(e164)).replace("{digits}", digits)
    if "{national}" in url:
        national = phonenumbers.national_significant_number(phonenumbers.parse(e164))
        url = url.replace("{national}", national)
    return url


class HttpJsonSource:
    """GET url_template (with {e164}, {digits}, {national}); map JSON fields to a hit."""

    def __init__(self, row) -> None:
        cfg = row.config or {}
        self.id, self.name = row.id, row.name
        self.url_template = cfg.get("url_template", "")
        self.mapping = cfg.get("mapping") or {}
        self.ttl_s = int(cfg.get("ttl_s", 3600))
        self.timeout_s = float(cfg.get("timeout_s", 2.0))
        self.headers = cfg.get("headers") or {}
        self._key = (self.id, self.url_template, tuple(sorted(self.mapping.items())))

    def url_for(self, e164: str) -> str:
        return fill_template(self.url_template, e164)

    def lookup(self, e164: str, deadline: float) -> Hit | None:
        found, cached = CACHE.get(self._key + (e164,))
        if found:
            return cached
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            status, body = guard().get(self.url_for(e164), self.headers,
                                       timeout_s=min(remaining, self.timeout_s))
            data = json.loads(body) if status == 200 else None
        except (OutboundFailed, ValueError) as exc:
            log.info("external source failed", extra={"source": self.name, "error": str(exc)})
            return None  # failures are not cached: the next call tries again
        hit = self._hit(data, e164) if data is not None else None
        if status in (200, 404):
            CACHE.put(self._key + (e164,), hit, self.ttl_s)
        return hit

    def _hit(self, data, e164: str) -> Hit | None:
        m = self.mapping
        name = dig(data, m.get("name", "name"))
        if not name:
            return None

        def field(key):
            value = dig(data, m.get(key, key))
            return None if value is None else str(value)[:200]

        return Hit(name=str(name)[:200], number=e164, source="external", source_name=self.name,
                   company=field("company"), title=field("title"),
                   department=field("department"), address=field("address"))


register_kind("http_json", HttpJsonSource)

# -- asking several sources within one deadline --------------------------------------------

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=32,
                                                          thread_name_prefix="callerid-src")
        return _pool


def ask_in_order(sources: list[Source], e164: str, deadline: float) -> Hit | None:
    """Ask every source at once; the most trusted hit that arrives by the deadline wins.

    A slower but more trusted source is waited for (until the deadline) before a faster, less
    trusted one is taken; nothing is waited for past the deadline.
    """
    if not sources:
        return None
    futures = [_executor().submit(_safe, s, e164, deadline) for s in sources]
    for fut in futures:
        try:
            hit = fut.result(timeout=max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            continue
        if hit is not None:
            return hit
    return None


def _safe(source: Source, e164: str, deadline: float) -> Hit | None:
    try:
        return source.lookup(e164, deadline)
    except Exception:  # a broken plug-in never breaks the lookup
        log.exception("external source raised", extra={"source": getattr(source, "name", "?")})
        return None
