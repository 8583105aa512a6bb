"""What a call keeps on the gateway beside its machine, one part per feature: its live row's
id, a transfer's media, the queue member who answered."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class LiveRef:
    """The live call row's id, filled in on the recorder thread (which runs writes in order)."""

    id: int | None = None


@dataclass
class TransferSide:
    """What a transfer of this call keeps on the gateway (the machine keeps the rest)."""

    order: dict | None = None              # the transfer's order, as the API wrote it
    connect: tuple[int, int] | None = None  # user and target legs to connect once both have media
    hold_tone: bool = False                # the held caller hears the hold music
    leg_music: object = None               # the player of the music a held called party hears
    leg_sip_id: str | None = None          # the target leg's Call-ID
    turned: bool = False                   # a call the user's phone placed, turned around
    route: object = None                   # the call's route before it was turned around


@dataclass
class QueueMemberSide:
    """What a call to a queue keeps on the gateway for its music and the member who answered."""

    loop: str | None = None                # music asked for before the caller had media
    user_id: int | None = None             # the member talking to the caller
    live: LiveRef | None = None            # the member's own live call row
    answered_at: datetime | None = None


@dataclass
class JoinedSide:
    """The colleague a phone's attended transfer joined the caller to: their own live call
    and busy count while the call lasts, their call log entry when it ends."""

    tenant_id: int
    user_id: int                           # the colleague
    by_user_id: int | None                 # the user whose phone transferred the caller
    answered_at: datetime | None
    live: LiveRef
    plan: object = None                    # the colleague's own plan (a transfer of theirs
    #                                        with return rings their devices again)
    away: bool = False                     # their transfer rings elsewhere: not busy now
    direction: str = "incoming"            # their call log entry's: "outgoing" for the user
    #                                        whose own phone called a colleague (`placed`)
    other: str | None = None               # the other party then (else the call's caller)
