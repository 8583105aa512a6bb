"""The states of a call to a queue and its table: every (state, input type) the machine
accepts, the handler of `queuecontrol.QueueControl` (or of its collaborators) that takes it
and the states it may lead to. Any other pair ends the call cleanly (see `queuecontrol`)."""
from __future__ import annotations

import enum

from . import callhold, handover, mailbox
from .callmessages import (CallerHungUp, HangupCommand, LegAnswered, LegFailed, LegHungUp,
                           LegProgress, PlaybackDone, Routed, TimerFired)
from .machine import go
from .queuemessages import Decided, Digit, Entered, Nudge


class State(enum.Enum):
    ROUTING = "routing"
    ENTERING = "entering"        # the database says whether the queue takes the call
    ANNOUNCING = "announcing"    # the queue's message
    WAITING = "waiting"          # waiting music
    BRIDGED = "bridged"          # talking to a member
    TRANSFERRING = "transferring"
    RETURNING = "returning"      # a transfer came back: the member's devices ring again
    OVERFLOW = "overflow"        # the overflow destination rings
    FORWARDED = "forwarded"      # talking to the overflow or a transfer's target
    CONFIRMING = "confirming"    # a last message (the callback confirmed, a full mailbox)
    LEAVING = "leaving"          # hung up before the queue call had its id
    VOICEMAIL = "voicemail"      # the queue's own mailbox has the call (`mailbox`)
    ENDED = "ended"


(ROUTING, ENTERING, ANNOUNCING, WAITING, BRIDGED, TRANSFERRING, RETURNING, OVERFLOW,
 FORWARDED, CONFIRMING, LEAVING, VOICEMAIL, ENDED) = State
OUT = (OVERFLOW, CONFIRMING, VOICEMAIL, ENDED)   # wherever the way out of the queue leads


def _waiting(state: State) -> dict:
    """The caller waits (the message, then music) while the distribution names members."""
    return {
        (state, Decided): go("rounds.decided", state),
        (state, TimerFired): go("on_timer", state, *OUT),
        (state, LegProgress): go("on_leg_progress", state),
        (state, LegAnswered): go("on_member_answered", BRIDGED, ENDED),
        (state, LegFailed): go("rounds.device_failed", state, ENDED),
        (state, PlaybackDone): go("wait.played", state, WAITING),
        (state, CallerHungUp): go("wait.caller_gone", ENDED),
        (state, Nudge): go("rounds.nudge", state),
        (state, Digit): go("wait.digit", state, CONFIRMING),
    }


def _stale(states, *kinds) -> dict:
    """An answer, a timer or a key that belongs to a part of the call already over."""
    return {(state, kind): go("on_stale", state) for state in states for kind in kinds}


TABLE = {
    (ROUTING, Routed): go("on_routed", ENTERING, ENDED),
    (ROUTING, CallerHungUp): go("on_caller_gone_routing", ENDED),
    (ENTERING, Entered): go("on_entered", ANNOUNCING, *OUT),
    (ENTERING, CallerHungUp): go("on_caller_gone_entering", LEAVING),
    (LEAVING, Entered): go("on_entered_leaving", ENDED),
    **_waiting(ANNOUNCING),
    **_waiting(WAITING),
    (BRIDGED, LegHungUp): go("on_leg_gone_bridged", ENDED),
    (BRIDGED, LegFailed): go("on_leg_gone_bridged", ENDED),
    (BRIDGED, CallerHungUp): go("on_caller_gone_bridged", ENDED),
    (BRIDGED, TimerFired): go("on_timer", BRIDGED, *OUT),
    (BRIDGED, HangupCommand): go("hang_up", ENDED),
    # the member transfers the caller: the same rows as any call's transfer (a transfer
    # command where there is nothing to transfer is refused and the call goes on)
    **handover.rows(BRIDGED, TRANSFERRING, others=(ROUTING, ANNOUNCING, RETURNING),
                    after=(BRIDGED, FORWARDED, RETURNING, *OUT),
                    hung_up=(ENDED,)),
    (RETURNING, LegProgress): go("on_leg_progress", RETURNING),
    (RETURNING, LegAnswered): go("back.took_it", BRIDGED, ENDED),
    (RETURNING, LegFailed): go("back.device_failed", RETURNING, *OUT),
    (RETURNING, LegHungUp): go("back.device_failed", RETURNING, *OUT),
    (RETURNING, TimerFired): go("back.timer", RETURNING, *OUT),
    (RETURNING, CallerHungUp): go("back.caller_gone", ENDED),
    (RETURNING, HangupCommand): go("hang_up", ENDED),
    (OVERFLOW, LegProgress): go("on_leg_progress", OVERFLOW),
    (OVERFLOW, LegAnswered): go("exit.answered", FORWARDED, ENDED),
    (OVERFLOW, LegFailed): go("exit.failed", ENDED),
    (OVERFLOW, CallerHungUp): go("exit.caller_gone", ENDED),
    (OVERFLOW, PlaybackDone): go("wait.played", OVERFLOW),
    (OVERFLOW, TimerFired): go("on_timer", OVERFLOW, ENDED),
    (FORWARDED, LegHungUp): go("exit.far_end_gone", ENDED),
    (FORWARDED, LegFailed): go("exit.far_end_gone", ENDED),
    (FORWARDED, CallerHungUp): go("exit.caller_gone", ENDED),
    (FORWARDED, TimerFired): go("on_timer", FORWARDED, *OUT),
    (CONFIRMING, PlaybackDone): go("wait.confirmed", ENDED),
    (CONFIRMING, CallerHungUp): go("wait.caller_gone_confirming", ENDED),
    # the queue's own mailbox has the call: every input goes to it
    **mailbox.rows(VOICEMAIL, ENDED),
    **_stale((ROUTING, ENTERING, LEAVING, BRIDGED, TRANSFERRING, RETURNING, OVERFLOW,
              FORWARDED, CONFIRMING, VOICEMAIL), Nudge),
    **_stale((BRIDGED, TRANSFERRING, RETURNING, OVERFLOW, FORWARDED, CONFIRMING, VOICEMAIL),
             Decided),
    **_stale((CONFIRMING,), TimerFired),
    # a key pressed anywhere else (talking to a member, in the overflow) changes nothing
    **_stale([s for s in State if s not in (ANNOUNCING, WAITING, ENDED)], Digit),
    # the member holds and retrieves the caller from the app (only while they talk)
    **callhold.rows(BRIDGED, others=tuple(s for s in State
                                          if s not in (BRIDGED, VOICEMAIL, ENDED))),
}
