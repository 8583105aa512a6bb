"""The gateway's configuration, from environment variables with safe local defaults.

Trunk peers: every address allowed to send calls is a `Trunk` with its kind, country and
the number format it wants. `SIP_TRUNK_PEERS` (comma-separated addresses) are carriers in
`SIP_TRUNK_COUNTRY`; `SIP_TRUNKS` adds peers with options, e.g.
`10.0.0.5;format=national, 10.0.0.6;kind=mex;country=SE` (see `parse_trunks`).
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from .core import numbers

KINDS = ("carrier", "mex", "phones", "edge")
MAX_LEGS = 2048   # PJSUA_MAX_CALLS of the pjsua2 build (scripts/pjsua2/config_site.h)
PAI = ("ignored", "trusted")   # a peer's P-Asserted-Identity (see `Trunk.pai`)


def _default_voicemail_dir() -> str:
    """The API's own default (var/voicemail): both must see the same files."""
    from api.gateway_port import ROOT

    return str(ROOT / "var" / "voicemail")


def _default_database() -> str:
    """The API's own default (the same SQLite file under var/)."""
    from api.gateway_port import ROOT

    return f"sqlite:///{ROOT / 'var' / 'pbx.db'}"


@dataclass(frozen=True)
class Trunk:
    """A peer allowed to send calls, and how its numbers are read and written.

    `kind`: `carrier` (callers are outsiders, whatever number they show), `mex` (a mobile
    operator's MEX peer: its asserted identity, P-Asserted-Identity else From, is trusted, and
    a user's mobile there is that user's own phone) or `phones` (users' own phones, or the
    proxy that authenticates them: the asserted identity names the user by office number or
    mobile) or `edge` (the SIP edge in front of the gateways: a request carrying the edge's
    device header came from a phone it authenticated and counts as `phones`, one with its
    `X-PBX-Peer: mex` from its MEX peer as `mex`, anything else passed on from a trunk as
    `carrier`; the edge strips both headers from what it receives).
    `country`: numbers without a country code are read in it. `number_format`:
    how numbers are written when this peer is the outbound trunk (`e164`, `national`, `00`).
    `pai`: `trusted` when the peer is in the gateway's trust domain (RFC 3325: a carrier that
    asserts the caller's network-verified number in P-Asserted-Identity, while From is
    whatever the caller wrote): that number is the caller shown; `ignored` (the default) for
    any other peer, whose P-Asserted-Identity nobody vouches for.
    """

    address: str
    kind: str = "carrier"
    country: str = "NO"
    number_format: str = "e164"
    pai: str = "ignored"


def parse_trunks(text: str, country: str) -> tuple[Trunk, ...]:
    """`ADDRESS[;kind=K][;country=CC][;format=F]`, comma-separated. Raises ValueError that
    names the entry and what is wrong with it."""
    out = []
    for entry in (e.strip() for e in (text or "").split(",")):
        if not entry:
            continue
        address, *params = [p.strip() for p in entry.split(";")]
        values = {"kind": "carrier", "country": country, "format": "e164", "pai": "ignored"}
        for param in params:
            key, sep, value = param.partition("=")
            if not sep or key.strip().lower() not in values:
                raise ValueError(f"SIP_TRUNKS entry {entry!r}: unknown option {param!r} "
                                 "(kind, country, format, pai)")
            values[key.strip().lower()] = value.strip()
        trunk = Trunk(address, values["kind"].lower(), values["country"].upper(),
                      values["format"].lower(), values["pai"].lower())
        _check(entry, trunk)
        out.append(trunk)
    return tuple(out)


def _check(entry: str, trunk: Trunk) -> None:
    if not trunk.address:
        raise ValueError(f"SIP_TRUNKS entry {entry!r}: no address")
    if trunk.kind not in KINDS:
        raise ValueError(f"SIP_TRUNKS entry {entry!r}: kind must be one of {', '.join(KINDS)}")
    if not numbers.valid_country(trunk.country):
        raise ValueError(f"SIP_TRUNKS entry {entry!r}: {trunk.country!r} is no country code")
    if trunk.pai not in PAI:
        raise ValueError(f"SIP_TRUNKS entry {entry!r}: pai must be one of {', '.join(PAI)}")
    if trunk.number_format not in numbers.FORMATS:
        raise ValueError(f"SIP_TRUNKS entry {entry!r}: format must be one of "
                         f"{', '.join(numbers.FORMATS)}")


def _count(env: dict, name: str, default: int, low: int = 1) -> int:
    raw = env.get(name)
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, not {value}")
    return value


def _seconds(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}")
    if not 1 <= value <= 3600:
        raise ValueError(f"{name} must be between 1 and 3600 seconds")
    return value


@dataclass(frozen=True)
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 5060                       # UDP and TCP
    trunks: tuple[Trunk, ...] = field(default_factory=lambda: (Trunk("127.0.0.1"),))
    country: str = "NO"                    # SIP_TRUNK_COUNTRY: trunks' default country
    trunk_uri: str = "sip:127.0.0.1:5070"  # mobiles (MEX) and external numbers go out here
    voicemail_uri: str = ""               # "": this gateway's own voicemail; else forwarded
                                          # there ({number}: the called number)
    voicemail_dir: str = ""               # VOICEMAIL_DIR, shared with the API
    voicemail_max_s: float = 180.0        # the longest message
    voicemail_silence_s: float = 10.0     # this long without a sound ends a message
    edge_ctl: str = ""                    # SIP_EDGE_CTL: the edge's control socket, for the
    realm: str = "pbx.local"              # message-waiting lamps of phones registered there
    queue_uri: str = "sip:queue-{id}@127.0.0.1:5080"
    database_url: str = "sqlite:///var/pbx.db"
    gateway_id: str = ""
    rtp_port: int = 20000
    max_calls: int = 1024                  # call legs (at most MAX_LEGS, the build's limit)
    max_active_calls: int = 0              # admission: calls held at once (0: max_calls / 2)
    max_setups: int = 100                  # admission: calls waiting for their routing
    retry_after_s: int = 2                 # a refused caller may try again this much later
    udp_receive_buffer: int = 4 << 20      # bytes the SIP UDP socket holds while the gateway
    #                                        is busy (the system default holds ~170 requests)
    tts_dir: str = "var/tts"
    command_poll_s: float = 1.0            # the fallback: the API wakes the gateway at once
    command_host: str = ""                 # wake-ups arrive here (UDP); "" = host
    command_port: int = 0                  # 0 = any free port (registered in the database)
    call_through_ring_s: float = 30.0      # a call placed from the app: how long the device rings

    @property
    def call_limit(self) -> int:
        """Calls held at once before new ones are refused: by default half the legs (a
        bridged call holds two)."""
        return self.max_active_calls or max(1, self.max_calls // 2)

    def trunk_for(self, peer: str) -> Trunk | None:
        """The configured peer a call comes from; this gateway itself (a forwarded call it
        sent to its own address) counts as a carrier; None: not allowed."""
        found = next((t for t in self.trunks if t.address == peer), None)
        if found is None and peer == self.host:
            return Trunk(peer, "carrier", self.country)
        return found

    def outbound(self) -> Trunk:
        """The trunk `trunk_uri` leads to (its country and number format), E.164 when its
        address is no configured peer."""
        host = self.trunk_uri.split(":", 1)[-1].split("@", 1)[-1].split(";", 1)[0]
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return next((t for t in self.trunks if t.address == host),
                    Trunk(host, country=self.country))

    def uris(self) -> dict:
        """Where the routing decision sends calls, and how the trunk wants its numbers."""
        out = self.outbound()
        return {"trunk": self.trunk_uri, "voicemail": self.voicemail_uri,
                "voicemail_dir": self.voicemail_dir, "voicemail_max_s": self.voicemail_max_s,
                "voicemail_silence_s": self.voicemail_silence_s,
                "queue": self.queue_uri, "self": f"sip:{self.host}:{self.port}",
                "trunk_format": out.number_format, "trunk_country": out.country}

    @classmethod
    def from_env(cls, env: dict | None = None) -> "GatewayConfig":
        env = dict(os.environ if env is None else env)
        port = int(env.get("SIP_PORT", cls.port))
        country = env.get("SIP_TRUNK_COUNTRY", "NO").upper()
        if not numbers.valid_country(country):
            raise ValueError(f"SIP_TRUNK_COUNTRY {country!r} is no country code")
        default = "" if env.get("SIP_TRUNKS") else "127.0.0.1"
        peers = env.get("SIP_TRUNK_PEERS", default)
        carriers = [Trunk(p.strip(), country=country) for p in peers.split(",") if p.strip()]
        extra = parse_trunks(env.get("SIP_TRUNKS", ""), country)
        named = {t.address for t in extra}  # SIP_TRUNKS' options win for the same address
        return cls(
            host=env.get("SIP_HOST", cls.host), port=port,
            trunks=tuple(t for t in carriers if t.address not in named) + extra,
            country=country,
            trunk_uri=env.get("SIP_TRUNK_URI", cls.trunk_uri),
            voicemail_uri=env.get("SIP_VOICEMAIL_URI", cls.voicemail_uri).strip(),
            voicemail_dir=env.get("VOICEMAIL_DIR") or _default_voicemail_dir(),
            voicemail_max_s=_seconds(env, "SIP_VOICEMAIL_MAX_S", cls.voicemail_max_s),
            voicemail_silence_s=_seconds(env, "SIP_VOICEMAIL_SILENCE_S",
                                         cls.voicemail_silence_s),
            edge_ctl=env.get("SIP_EDGE_CTL", cls.edge_ctl).strip(),
            realm=env.get("SIP_REALM", cls.realm),
            queue_uri=env.get("SIP_QUEUE_URI", cls.queue_uri),
            database_url=env.get("DATABASE_URL") or _default_database(),
            gateway_id=env.get("SIP_GATEWAY_ID") or f"{socket.gethostname()}:{port}",
            rtp_port=int(env.get("SIP_RTP_PORT", cls.rtp_port)),
            max_calls=min(MAX_LEGS, _count(env, "SIP_MAX_CALLS", cls.max_calls, 2)),
            max_active_calls=_count(env, "SIP_MAX_ACTIVE_CALLS", cls.max_active_calls, 0),
            max_setups=_count(env, "SIP_MAX_SETUPS", cls.max_setups),
            retry_after_s=_count(env, "SIP_RETRY_AFTER_S", cls.retry_after_s),
            udp_receive_buffer=_count(env, "SIP_UDP_RECEIVE_BUFFER", cls.udp_receive_buffer,
                                      0),
            tts_dir=env.get("SIP_TTS_DIR", cls.tts_dir),
            command_poll_s=float(env.get("SIP_COMMAND_POLL_S", cls.command_poll_s)),
            command_host=env.get("SIP_COMMAND_HOST") or env.get("SIP_HOST", cls.host),
            command_port=int(env.get("SIP_COMMAND_PORT", cls.command_port)),
            call_through_ring_s=float(env.get("SIP_CALL_THROUGH_RING_S",
                                              cls.call_through_ring_s)))
