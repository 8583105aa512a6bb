"""The states of a call to a queue and its transition table: every (state, input type) the
machine accepts, and the handler of `queuecontrol.QueueControl` that takes it. Any other
pair ends the call cleanly (see `queuecontrol`)."""
from __future__ import annotations

from .callmessages import (CallerHungUp, HangupCommand, LegAnswered, LegFailed, LegHungUp,
                           LegProgress, PlaybackDone, Routed, TimerFired)
from .transferside import TRANSFER_TRANSITIONS, TRANSFERRING
from .queuemessages import Decided, Digit, Entered, Nudge
from .transfercontrol import CancelTransfer, CompleteTransfer, StartTransfer

ROUTING, ENTERING, ANNOUNCING, WAITING, BRIDGED, OVERFLOW, FORWARDED, LEAVING, ENDED = (
    "routing", "entering", "announcing", "waiting", "bridged", "overflow", "forwarded",
    "leaving", "ended")
RETURNING = "returning"   # a transfer came back: the member's devices ring again
CONFIRMING = "confirming"  # the caller asked for a callback and hears it confirmed
STATES = (ROUTING, ENTERING, ANNOUNCING, WAITING, BRIDGED, TRANSFERRING, RETURNING, OVERFLOW,
          FORWARDED, CONFIRMING, LEAVING, ENDED)

_WAITING_INPUTS = {
    Decided: "on_decided",
    TimerFired: "on_timer",
    LegProgress: "on_leg_progress",
    LegAnswered: "on_member_answered",
    LegFailed: "on_member_leg_failed",
    PlaybackDone: "on_playback_done",
    CallerHungUp: "on_caller_gone_waiting",
    Nudge: "on_nudge",
    Digit: "on_digit",
}

TRANSITIONS: dict[tuple[str, type], str] = {
    (ROUTING, Routed): "on_routed",
    (ROUTING, CallerHungUp): "on_caller_gone_routing",
    (ENTERING, Entered): "on_entered",
    (ENTERING, CallerHungUp): "on_caller_gone_entering",
    (LEAVING, Entered): "on_entered_leaving",
    **{(state, Nudge): "on_stale" for state in (ROUTING, ENTERING, LEAVING, BRIDGED,
                                                 TRANSFERRING, RETURNING, OVERFLOW, FORWARDED)},
    **{(ANNOUNCING, kind): name for kind, name in _WAITING_INPUTS.items()},
    **{(WAITING, kind): name for kind, name in _WAITING_INPUTS.items()},
    (BRIDGED, LegHungUp): "on_leg_gone_bridged",
    (BRIDGED, LegFailed): "on_leg_gone_bridged",
    (BRIDGED, CallerHungUp): "on_caller_gone_bridged",
    (BRIDGED, TimerFired): "on_timer",
    (BRIDGED, Decided): "on_stale",
    (BRIDGED, HangupCommand): "on_hangup_command",
    # the member transfers the caller: the same table as any call's transfer (a transfer
    # command where there is nothing to transfer is refused and the call goes on)
    **{pair: name for pair, name in TRANSFER_TRANSITIONS.items() if pair[0] in STATES},
    (TRANSFERRING, Decided): "on_stale",
    (RETURNING, LegProgress): "on_leg_progress",
    (RETURNING, LegAnswered): "on_member_took_it_back",
    (RETURNING, LegFailed): "on_returned_leg_failed",
    (RETURNING, LegHungUp): "on_returned_leg_failed",
    (RETURNING, TimerFired): "on_returned_timer",
    (RETURNING, CallerHungUp): "on_caller_gone_returning",
    (RETURNING, HangupCommand): "on_hangup_command",
    (RETURNING, Decided): "on_stale",
    **{(RETURNING, kind): "on_no_transfer" for kind in (StartTransfer, CompleteTransfer,
                                                        CancelTransfer)},
    (OVERFLOW, LegProgress): "on_leg_progress",
    (OVERFLOW, LegAnswered): "on_overflow_answered",
    (OVERFLOW, LegFailed): "on_overflow_failed",
    (OVERFLOW, CallerHungUp): "on_caller_gone_overflow",
    (OVERFLOW, PlaybackDone): "on_playback_done",
    (OVERFLOW, TimerFired): "on_timer",
    (OVERFLOW, Decided): "on_stale",
    (FORWARDED, LegHungUp): "on_leg_gone_forwarded",
    (FORWARDED, LegFailed): "on_leg_gone_forwarded",
    (FORWARDED, CallerHungUp): "on_caller_gone_overflow",
    (FORWARDED, TimerFired): "on_timer",
    (FORWARDED, Decided): "on_stale",
    (CONFIRMING, PlaybackDone): "on_confirmed",
    (CONFIRMING, CallerHungUp): "on_caller_gone_confirming",
    **{(CONFIRMING, kind): "on_stale" for kind in (Decided, Nudge, TimerFired)},
    # a key pressed anywhere else (talking to a member, in the overflow) changes nothing
    **{(state, Digit): "on_stale" for state in STATES
       if state not in (ANNOUNCING, WAITING, ENDED)},
}
