"""Who a call is from, decided by the peer it came from, never by From alone (pure).

A carrier's callers are outsiders whatever number they show: their From is the number shown
(read in the carrier's country), or the P-Asserted-Identity of a carrier configured as
trusted (`pai=trusted`, RFC 3325 trust domain; any other peer's is ignored), and nothing
they send names a user. A mobile operator's MEX
peer and the users' own phones are trusted: their asserted identity (P-Asserted-Identity,
else From) is the caller, and may be a user's own phone (the store looks it up: a mobile at a
MEX peer; office number or mobile from the phones). `Privacy: id` (RFC 3325; also `user`,
`header`, RFC 3323) withholds the number shown, not the identity.
"""
from __future__ import annotations

from dataclasses import dataclass

from .core import numbers
from .sipmsg import identity_user

TRUSTED = ("mex", "phones")
DEVICE_HEADER = "x-pbx-device"  # set by the SIP edge after authentication, and only by it
PEER_HEADER = "x-pbx-peer"      # set by the SIP edge on what its MEX peer sends ("mex")
_PRIVATE = {"id", "user", "header"}


@dataclass(frozen=True)
class Origin:
    """The peer a call came from and what its INVITE asserts (plain values: it travels to
    the routing process)."""

    kind: str = "carrier"           # the peer's kind (`config.Trunk.kind`)
    country: str = "NO"             # numbers without a country code are read in it
    asserted: str | None = None     # the user part of P-Asserted-Identity
    private: bool = False           # Privacy asks to withhold the caller's number
    diversion: str | None = None    # the user part of Diversion: the number first called
    pai_trusted: bool = False       # a carrier in the trust domain: its asserted number is
    #                                 the caller shown (never a user's own phone)

    @classmethod
    def of(cls, trunk, headers: dict) -> "Origin":
        """From the peer's `config.Trunk` and the INVITE's headers (names in lower case)."""
        privacy = {p.strip().lower() for p in headers.get("privacy", "").split(";")}
        kind = trunk.kind
        if kind == "edge":  # the edge names the authenticated device or its MEX peer, else
            kind = "phones" if headers.get(DEVICE_HEADER) else \
                "mex" if headers.get(PEER_HEADER, "").strip() == "mex" else "carrier"
        return cls(kind=kind, country=trunk.country, pai_trusted=trunk.pai == "trusted",
                   asserted=identity_user(headers.get("p-asserted-identity")),
                   private=bool(privacy & _PRIVATE),
                   diversion=identity_user(headers.get("diversion")))


@dataclass(frozen=True)
class Caller:
    number: str | None      # the caller shown to the called user, E.164; None: withheld
    identity: str | None    # E.164 that may name a user's own phone; None: an outsider
    diverted_from: str | None = None  # E.164 of the number first called, when forwarded


def read_caller(origin: Origin, from_user: str | None) -> Caller:
    """The caller of a call from `origin` whose From user part is `from_user`."""
    diverted = numbers.read(origin.diversion, origin.country)
    if origin.kind not in TRUSTED:
        asserted = origin.pai_trusted and origin.asserted \
            and not numbers.is_withheld(origin.asserted)
        shown = None if origin.private else numbers.read(
            origin.asserted if asserted else from_user, origin.country)
        return Caller(shown, None, diverted)
    claimed = origin.asserted if origin.asserted and not numbers.is_withheld(origin.asserted) \
        else from_user
    identity = numbers.read(claimed, origin.country)
    return Caller(None if origin.private else identity, identity, diverted)
