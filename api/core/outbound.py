"""The one way the service makes an HTTP request on a user's behalf (calendar feeds, directory
sources, any webhook): no request reaches this machine, the company network or a cloud
metadata address because a user typed its URL.

- The host is resolved here (literal addresses in every legacy spelling included) and every
  address must be public, unless the operator allowed the host by name (`PBX_CALENDAR_HOSTS`,
  `PBX_DIRECTORY_HOSTS`, comma-separated).
- The connection goes to exactly the address that was checked: httpcore's network backend is
  the hook, so whatever host the HTTP client parsed from the URL is the host that is checked,
  and TLS still verifies the certificate against (and sends SNI for) the host name.
- Redirects are followed here, a few at most, each one checked again.
- Every refusal and every network failure is the same `OutboundFailed`, so the answers tell
  nothing about which ports are open, closed or speak something else.
"""
from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import httpcore
import httpx

from i18n import N_

from .errors import AppError

Resolver = Callable[[str], list[str]]
SAFE_PORTS = frozenset({80, 443})
MAX_REDIRECTS = 5
_resolver: Resolver | None = None  # the seam: tests map names without DNS
_settings = None  # the application's settings, once `configure` was called


class OutboundFailed(AppError):
    """The request was refused or failed; deliberately the same for every cause."""

    status = 502
    title = N_("Bad gateway")
    type_slug = "outbound-failed"


class ResponseTooLarge(OutboundFailed):
    """The address answered with more than the caller's limit (an answer, so no port secret)."""

    status = 422
    title = N_("Unprocessable content")
    type_slug = "response-too-large"


class Refused(Exception):
    """An address or URL the guard will not use; `reason` is for the person who typed it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextlib.contextmanager
def use_resolver(resolve: Resolver | dict[str, list[str]]) -> Iterator[None]:
    """Resolve names with `resolve` (a function, or a mapping where unknown names fail)."""
    global _resolver
    if isinstance(resolve, dict):
        table = {k.lower(): v for k, v in resolve.items()}

        def resolve(host: str) -> list[str]:  # noqa: F811 - the mapping's function
            if host not in table:
                raise Refused(N_("the host cannot be found"))
            return list(table[host])
    previous, _resolver = _resolver, resolve
    try:
        yield
    finally:
        _resolver = previous


def _system_resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names by itself, including the forms inet_aton also reads
    (`2130706433`, `0177.0.0.1`, `127.1`, `0x7f.1`); None for a name."""
    host = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        with contextlib.suppress(OSError):
            return ipaddress.IPv4Address(socket.inet_aton(host))
    return None


def _offline_resolve(host: str) -> list[str]:
    """APP_ENV=test without a seam: no DNS at all, only `localhost`."""
    if host == "localhost":
        return ["127.0.0.1"]
    raise Refused(N_("the host cannot be found"))


def resolve(host: str, offline: bool = False
            ) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        found = (_resolver or (_offline_resolve if offline else _system_resolve))(host.lower())
    except (OSError, UnicodeError, ValueError):
        raise Refused(N_("the host cannot be found"))
    addresses = [a for a in (literal_address(x) for x in found) if a is not None]
    if not addresses:
        raise Refused(N_("the host cannot be found"))
    return addresses


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Only globally routed unicast: no loopback, private, link-local, multicast, reserved,
    unspecified, and no IPv6 form that carries an IPv4 address (mapped, compatible, 6to4,
    Teredo), whatever that address is."""
    if ip.version == 6:
        if ip.ipv4_mapped or ip.sixtofour or ip.teredo or \
                int(ip) >> 32 == 0 or ip in ipaddress.IPv6Network("64:ff9b::/96"):
            return False
    return bool(ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                      or ip.is_link_local or ip.is_private
                                      or ip.is_unspecified))


def configure(settings) -> None:
    """Use these settings' allow-lists where no settings are passed (`create_app` calls it;
    without it, the process's environment is read: the SIP gateway's case)."""
    global _settings
    _settings = settings


def guard_for(settings, variable: str, **limits) -> "Guard":
    """The guard with the operator's allow-list in `variable` (`settings` None: the ones
    given to `configure`, else the environment). With APP_ENV=test the list defaults to
    loopback and names are never looked up in DNS."""
    settings = settings if settings is not None else _settings
    extra = settings.extra if settings is not None else \
        {k: v for k, v in os.environ.items() if k.startswith("PBX_")}
    env = settings.env if settings is not None else os.environ.get("APP_ENV", "development")
    text = extra.get(variable)
    if text is None and env == "test":
        text = "127.0.0.1,localhost"
    allowed = frozenset(h.strip().lower().strip("[]") for h in (text or "").split(",")
                        if h.strip())
    return Guard(allowed=allowed, offline=env == "test", **limits)


@dataclass(frozen=True)
class Guard:
    """Outbound HTTP under the rules above. `allowed` names hosts that skip the address rule."""

    allowed: frozenset[str] = field(default_factory=frozenset)
    offline: bool = False  # no DNS (tests)
    timeout_s: float = 10.0
    max_bytes: int = 2 * 1024 * 1024

    def check_url(self, url: str) -> httpx.URL:
        """The parsed URL if it may be fetched now; `Refused` with a reason otherwise."""
        parsed = self.parse(url)
        self.address_for(parsed.host)
        return parsed

    def parse(self, url: str) -> httpx.URL:
        """The URL as the HTTP client reads it, if its form is acceptable (no resolution:
        the address is checked where the connection is made)."""
        if "\\" in url or any(ord(c) < 33 or ord(c) == 127 for c in url):
            raise Refused(N_("an address with backslashes, spaces or control characters "
                             "reads differently to different programs"))
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise Refused(N_("not a valid URL"))
        if parsed.scheme not in ("http", "https"):
            raise Refused(N_("only http and https addresses can be read"))
        if not parsed.host:
            raise Refused(N_("the address has no host"))
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        if parsed.host.lower() not in self.allowed and port not in SAFE_PORTS and port < 1024:
            raise Refused(N_("port {port} is not allowed").format(port=port))
        return parsed

    def address_for(self, host: str) -> str:
        """The one address to connect to for `host`, after the address rule."""
        host = host.lower().strip("[]")
        addresses = resolve(host, self.offline)
        if host not in self.allowed and not all(is_public(a) for a in addresses):
            raise Refused(N_("the address must be a public one"))
        return str(addresses[0])

    def get(self, url: str, headers: dict | None = None, *,
            timeout_s: float | None = None, max_bytes: int | None = None
            ) -> tuple[int, bytes]:
        """(status, body) of a GET, following redirects; `OutboundFailed` for any refusal or
        network failure, and for a body over `max_bytes` or a request over `timeout_s`."""
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        limit = max_bytes or self.max_bytes
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                target = self.parse(url)
                status, location, body = self._one(target, headers or {}, deadline, limit)
                if location is None:
                    return status, body
                url = str(target.join(location))
        except _TooLarge:
            raise ResponseTooLarge(N_("The answer is larger than {limit} bytes"),
                                   values={"limit": limit})
        except (Refused, httpx.HTTPError, httpcore.ConnectError, OSError, ValueError):
            pass
        raise OutboundFailed(N_("The address could not be read"))

    def _one(self, url: httpx.URL, headers: dict, deadline: float, limit: int):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Refused(N_("out of time"))
        transport = _PinnedTransport(self)
        with httpx.Client(transport=transport, trust_env=False, follow_redirects=False,
                          timeout=remaining) as client, \
                client.stream("GET", url, headers=headers) as resp:
            if resp.is_redirect and "location" in resp.headers:
                return resp.status_code, resp.headers["location"], b""
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise _TooLarge()
                if time.monotonic() > deadline:
                    raise Refused(N_("out of time"))
            return resp.status_code, None, bytes(body)


class _TooLarge(Exception):
    pass


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the address the guard approved for the host the client asks for."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            address = self.guard.address_for(host)
        except Refused as exc:
            raise httpcore.ConnectError(exc.reason)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(self, *args, **kwargs):  # pragma: no cover - never asked for
        raise httpcore.ConnectError("unix sockets are not used")


@functools.lru_cache(maxsize=1)
def _ssl_context():
    """Certificate verification as httpx does it by default (built once, on first use)."""
    return httpx.create_ssl_context()


class _PinnedTransport(httpx.HTTPTransport):
    def __init__(self, guard: Guard) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(),
                                             max_connections=1,
                                             network_backend=_PinnedBackend(guard))
