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


_UNSAFE_DISPLAY = re.compile(r'[\x00-\x1f\x7f"\\<>]')


def safe_display(text: str | None) -> str | None:
    """A display name the gateway may quote in a From header (no quote, backslash, bracket or
    control character can break out of it), or None."""
    cleaned = _UNSAFE_DISPLAY.sub("", text or "").strip()[:40]
    return cleaned or None


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


_FORWARD_SAFE = re.compile(r"^[\x20-\x7e]{1,512}$")
NAMED_BY = ("colleague", "company_contact")   # who's-calling sources the company vouches for


def display_name(hit: dict | None, caller: str | None) -> str | None:
    """The who's-calling name as the display name of the From sent to the user's phones
    (made safe to quote, `safe_display`), or None: only a colleague's or a company
    contact's name, never an external source's guess, never for a withheld number."""
    if not hit or not caller or hit.get("source") not in NAMED_BY:
        return None
    return safe_display(str(hit.get("name") or ""))


def forwarded_headers(received: dict) -> list[tuple[str, str]]:
    """The Diversion and History-Info a forwarded call arrived with, to pass on to the phones
    it rings (printable ASCII of sane length only; anything else is left behind)."""
    out = []
    for name in ("Diversion", "History-Info"):
        value = (received or {}).get(name.lower(), "")
        if value and _FORWARD_SAFE.fullmatch(value):  # `$` alone lets a final newline by
            out.append((name, value))
    return out


# -- answering what pjsip drops (the raw request, no parsed message) ------------------------

_REQUEST_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9.!%*_+`'~-]*) \S+ SIP/2\.0$")
_VIA = re.compile(r"^SIP/2\.0/(UDP|TCP)\s+(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(.*)$", re.I)
_FULL = {"v": "via", "f": "from", "t": "to", "i": "call-id"}
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
NEEDED = ("Via", "From", "To", "Call-ID", "CSeq")


@dataclass(frozen=True)
class ErrorReply:
    """A stateless error response to a request pjsip could not take, and where it goes."""

    data: bytes
    transport: str            # UDP or TCP (the request's top Via)
    host: str
    port: int
    missing: tuple[str, ...]  # mandatory headers the request lacked


def _top_via_target(via: str) -> tuple[str, str, int] | None:
    m = _VIA.match(via.split(",", 1)[0].strip())
    if m is None:
        return None
    params = dict(p.partition("=")[::2] for p in m.group(4).replace(" ", "").split(";") if p)
    host = params.get("received") or m.group(2)
    port = params.get("rport") or m.group(3) or "5060"  # RFC 3581, RFC 3261 18.2.2
    if not _VIA.match(f"SIP/2.0/UDP {host}") or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return m.group(1).upper(), host, int(port)


def error_reply(raw: bytes, status: int, reason: str, why: str) -> ErrorReply | None:
    """The response RFC 3261 (8.2, 18.2.2) asks for, when one can be sent: the request line
    parses, it is not an ACK, and its top Via names an IPv4 address. Missing mandatory
    headers are left out of the response and named in its Warning."""
    text = raw[:16384].decode("latin-1")
    head = text.replace("\r\n", "\n").split("\n\n", 1)[0].split("\n")
    m = _REQUEST_LINE.match(head[0].strip()) if head else None
    if m is None or m.group(1) == "ACK":
        return None
    found: dict[str, list[str]] = {}
    for line in head[1:]:
        name, sep, value = line.partition(":")
        key = _FULL.get(name.strip().lower(), name.strip().lower())
        if sep and key in ("via", "from", "to", "call-id", "cseq"):
            found.setdefault(key, []).append(_CONTROL.sub("", value).strip()[:1024])
    target = _top_via_target(found["via"][0]) if found.get("via") else None
    if target is None:
        return None
    missing = tuple(h for h in NEEDED if not found.get(h.lower()))
    to = (found.get("to") or [""])[0]
    if to and ";tag=" not in to.lower():
        to += ";tag=gw-refused"
    out = [f"SIP/2.0 {status} {reason}"] + [f"Via: {v}" for v in found["via"]]
    out += [f"{h}: {to if h == 'To' else found[h.lower()][0]}" for h in NEEDED[1:]
            if found.get(h.lower())]
    detail = why + (": missing " + ", ".join(missing) if missing else "")
    out += [f'Warning: 399 gateway "{detail}"', "Content-Length: 0", "", ""]
    return ErrorReply("\r\n".join(out).encode("latin-1"), *target, missing)


_DTMF_KEYS = frozenset("0123456789*#ABCD")


def info_key(raw: str) -> str | None:
    """The key an INFO `application/dtmf` carries (its body is the key: `5`, `#`); "" for
    such an INFO whose body is no key; None for any other INFO (pjsua reads
    `application/dtmf-relay` itself)."""
    text = (raw or "").replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    kind = ""
    for line in head.split("\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in ("content-type", "c"):
            kind = value.split(";", 1)[0].strip().lower()
    if kind != "application/dtmf":
        return None
    key = body.strip().upper()
    return key if len(key) == 1 and key in _DTMF_KEYS else ""


@dataclass(frozen=True)
class ReferTo:
    """What a REFER's Refer-To names: the number, the host, and the dialog an attended
    transfer would replace (RFC 3891 `Replaces`, carried as a URI header)."""
    user: str
    host: str
    replaces: str | None = None


_REFER_TO = re.compile(r"^\s*(?:\"[^\"]*\"\s*)?<?\s*sips?:([^@;>?\s]+)@([^;>?\s]+)([^>]*)>?",
                       re.I)


def refer_to(raw: str) -> ReferTo | None:
    """The Refer-To of a raw REFER (also its compact form `r`), None when it names no
    sip: user at a host."""
    from urllib.parse import unquote

    head = (raw or "").replace("\r\n", "\n").split("\n\n", 1)[0]
    value = next((line.partition(":")[2] for line in head.split("\n")[1:]
                  if line.partition(":")[0].strip().lower() in ("refer-to", "r")), "")
    m = _REFER_TO.match(value)
    if m is None:
        return None
    user, host, rest = unquote(m.group(1)), m.group(2).lower(), m.group(3)
    _, _, query = rest.partition("?")
    replaces = next((unquote(v) for k, _, v in (p.partition("=") for p in query.split("&"))
                     if k.lower() == "replaces"), None)
    return ReferTo(user, host, replaces)


@dataclass(frozen=True)
class Replaces:
    """The dialog a `Replaces` value names (RFC 3891): `call-id;to-tag=..;from-tag=..`."""
    call_id: str
    to_tag: str
    from_tag: str


def replaces(value: str | None) -> Replaces | None:
    """The parsed `Replaces`, None when it lacks the Call-ID or either tag."""
    call_id, *params = (value or "").strip().split(";")
    tags = {k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in params)}
    if not call_id.strip() or not tags.get("to-tag") or not tags.get("from-tag"):
        return None
    return Replaces(call_id.strip(), tags["to-tag"], tags["from-tag"])


def tag_of(value: str | None) -> str | None:
    """The `tag` parameter of a From or To header value."""
    m = re.search(r";\s*tag\s*=\s*([^;>\s,]+)", (value or "").rsplit(">", 1)[-1], re.I)
    return m.group(1) if m else None
