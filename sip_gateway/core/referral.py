"""Whether the gateway takes a REFER (RFC 3515) it received during a call (pure): the status
and reason that refuse it, or None to take it. The target itself (who has that number, may
this user transfer there) is the app's to judge once the REFER is taken."""
from __future__ import annotations


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
    if refer_to.replaces is not None:
        return 501, "attended transfer by REFER with Replaces is not supported"
    if not transferable:
        return 403, "the call cannot be transferred now (not answered, or a transfer runs)"
    return None
