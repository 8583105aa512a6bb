"""Reading the few things the gateway needs from a raw SIP request (pure)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_URI_USER = re.compile(r"<?\s*sips?:([^@;>\s]+)@", re.I)
_COMPACT = {"f": "from", "t": "to", "i": "call-id"}


@dataclass(frozen=True)
class Request:
    call_id: str
    from_user: str
    to_user: str
    request_user: str
    headers: dict


def _user(value: str) -> str:
    m = _URI_USER.search(value or "")
    return m.group(1) if m else ""


def parse(raw: str) -> Request:
    head = (raw or "").split("\r\n\r\n", 1)[0].split("\n\n", 1)[0]
    lines = head.replace("\r\n", "\n").split("\n")
    request_line = lines[0] if lines else ""
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        key = _COMPACT.get(key, key)
        headers.setdefault(key, value.strip())
    parts = request_line.split()
    ruri = parts[1] if len(parts) > 1 else ""
    req_user = _user(ruri)
    return Request(call_id=headers.get("call-id", ""), from_user=_user(headers.get("from", "")),
                   to_user=req_user or _user(headers.get("to", "")), request_user=req_user,
                   headers=headers)


_IDENTITY = re.compile(r"<?\s*(?:sips?:([^@;>\s]+)@|tel:([^;>\s]+))", re.I)


def identity_user(value: str | None) -> str | None:
    """The number in an identity header (`<sip:+4722..@host>` or `<tel:+4722..>`), or None."""
    m = _IDENTITY.search(value or "")
    return (m.group(1) or m.group(2)) if m else None


def host_of(address: str) -> str:
    """`127.0.0.1:5061` -> `127.0.0.1`; `[::1]:5061` -> `::1`."""
    text = (address or "").strip()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


_SAFE_USER = re.compile(r"^[A-Za-z0-9+*#._-]{1,40}$")


def safe_user(user: str | None) -> str | None:
    """A URI user part the gateway may put in headers it sends, or None."""
    return user if user and _SAFE_USER.match(user) else None


CAUSES = {"unconditional": 302, "no-answer": 408, "user-busy": 486}  # RFC 4458 cause values


def diversion_headers(original: str, target_uri: str, reason: str,
                      host: str) -> list[tuple[str, str]]:
    """A forwarded leg's record of the originally called number, in both forms trunks know:
    `Diversion` (RFC 5806) and `History-Info` (RFC 7044: the called number, then the new
    target with its RFC 4458 cause, `mp` as the target was changed by forwarding)."""
    cause = CAUSES.get(reason, 302)
    return [("Diversion", f"<sip:{original}@{host}>;reason={reason};counter=1"),
            ("History-Info", f"<sip:{original}@{host}>;index=1,"
                             f"<{target_uri};cause={cause}>;index=1.1;mp=1")]
