"""Whether the gateway takes a REFER (RFC 3515) it received during a call (pure): the status
and reason that refuse it, or None to take it. The target itself (who has that number, may
this user transfer there) is the app's to judge once the REFER is taken.

An attended transfer (the Refer-To carries `Replaces`, RFC 3891) also names the phone's
consultation call through the gateway: `attended_refusal` says whether that call may be
joined to this one (`Consultation`: what the gateway found by the Replaces dialog ids)."""
from __future__ import annotations

from dataclasses import dataclass


def refusal(refer_to, *, from_phone: bool, transferable: bool, own_hosts: frozenset[str]
            ) -> tuple[int, str] | None:
    """`refer_to`: the request's `sipmsg.ReferTo` (None: missing or unreadable);
    `from_phone`: it came on the leg to the user's phone (not the caller's, not a ringing
    leg); `transferable`: the call is answered and no transfer runs; `own_hosts`: the
    hosts (with and without port) that mean this gateway."""
    if refer_to is None:
        return 400, "Refer-To missing or not a SIP URI with a user"
    if not from_phone:
        return 403, "only the answering phone may transfer this call"
    if refer_to.host not in own_hosts:
        return 403, "Refer-To names another domain"
    if not transferable:
        return 403, "the call cannot be transferred now (not answered, or a transfer runs)"
    return None


@dataclass(frozen=True)
class Consultation:
    """The call a `Replaces` names, as the gateway found it among its own calls."""

    found: bool = False       # a call of this gateway has that Call-ID
    dialog: bool = False      # and its dialog with the phone has those tags
    same_user: bool = False   # and it is the same user's call as the one being transferred
    other_call: bool = False  # and it is not that call itself
    answered: bool = False    # and its far party has answered (the two may talk)


# (what must hold, the status and why when it does not), in order: an unknown dialog, or
# another user's (which must look the same: nothing is told about others' calls) is 481
ATTENDED = (
    ("found", 481, "Replaces names no call of this gateway"),
    ("dialog", 481, "Replaces names no dialog of that call"),
    ("same_user", 481, "Replaces names no call of this user"),
    ("other_call", 403, "Replaces names the call being transferred"),
    ("answered", 403, "the consultation call is not answered"),
)


def attended_refusal(found: Consultation) -> tuple[int, str] | None:
    """The status and reason that refuse joining the caller to the consultation call, or
    None to join them."""
    return next(((status, why) for field, status, why in ATTENDED
                 if not getattr(found, field)), None)
